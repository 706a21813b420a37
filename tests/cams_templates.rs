//! The CAMS backend's templates against the emulator over HTTP on 127.0.0.1: create, read
//! back (listing, then each detail), modify while under review, properties, delete with
//! prune, each plan after apply empty; export with the templates, its plan empty; only declared parameters are sent (the emulator
//! refuses any other); with a warm read cache a plan reads no detail, and after a change
//! only the changed template's; a live template of an undocumented category is shown as
//! written and blocks nothing.

use crate::cams_backend::{chanctl, start_emulator};
use std::path::Path;

const FILE: &str = r#"version: 1
channels:
  - name: wa
    type: whatsapp
    binding: {waba_id: "102938475610", phone_number: "+6588001234"}
    templates:
      - name: order_update
        category: UTILITY
        languages:
          en_US:
            components:
              header: {format: TEXT, text: "Your order"}
              body: "Hello {{1}}, your order BODY."
              footer: "Thanks"
              buttons:
                - {type: URL, text: "Track", url: "https://example.com/track"}
                - {type: QUICK_REPLY, text: "Stop"}
            examples: {"{{1}}": "Alice"}
            message_send_ttl_seconds: 3600
PROPS          fr:
            components:
              body: "Bonjour {{1}}"
            examples: {"{{1}}": "Alice"}
  - name: sms
    type: sms
"#;

fn write(dir: &Path, body: &str, props: &str) {
    let text = FILE.replace("BODY", body).replace("PROPS", props);
    std::fs::write(dir.join("channels.yaml"), text).unwrap();
}

fn run(dir: &Path, emu: &crate::common::Emulator, sub: &str, args: &[&str]) -> (i32, String) {
    let out = chanctl(dir, emu, sub).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// An emulator with `flags` that knows what Meta knows of the bindings in `dir`'s file.
fn emulator_for(dir: &Path, flags: &[&str]) -> crate::common::Emulator {
    let file = std::fs::read_to_string(dir.join("channels.yaml")).unwrap();
    let meta = crate::common::meta_args(&[&file]);
    let mut flags = flags.to_vec();
    flags.extend(meta.iter().map(String::as_str));
    start_emulator(&flags)
}

fn calls(output: &str, action: &str) -> usize {
    output
        .lines()
        .filter(|l| l.starts_with(&format!("→ {action} ")))
        .count()
}

#[test]
fn templates_are_created_read_modified_and_deleted_through_the_api() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "has shipped", "");
    let emu = emulator_for(dir, &["--template-review", "hold"]);

    let (code, out) = run(dir, &emu, "apply", &["--auto-approve"]);
    assert_eq!(code, 0, "{out}");
    // Read back with a cold cache: nothing to do, and the read is the listing and one
    // detail per template.
    let _ = std::fs::remove_dir_all(dir.join(".chanctl/cache"));
    let (code, out) = run(dir, &emu, "-v plan", &["--detailed-exitcode"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("review auditing"), "{out}");
    assert_eq!(calls(&out, "ListChatappTemplate"), 1, "{out}");
    assert_eq!(calls(&out, "GetChatappTemplateDetail"), 2, "{out}");
    assert_eq!(
        calls(&out, "ListInstance"),
        1,
        "the SMS channel's space is not read"
    );
    // Warm: the listing only.
    let (code, out) = run(dir, &emu, "-v plan", &["--detailed-exitcode"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("review auditing"), "{out}");
    assert_eq!(calls(&out, "ListChatappTemplate"), 1, "{out}");
    assert_eq!(calls(&out, "GetChatappTemplateDetail"), 0, "{out}");

    // Export holds the templates, and its plan is empty.
    let (code, out) = run(dir, &emu, "export", &["-o", "exported.yaml"]);
    assert_eq!(code, 0, "{out}");
    let exported = std::fs::read_to_string(dir.join("exported.yaml")).unwrap();
    assert!(exported.contains("order_update"), "{exported}");
    let (code, out) = run(
        dir,
        &emu,
        "plan",
        &["-f", "exported.yaml", "--detailed-exitcode"],
    );
    assert_eq!(code, 0, "{out}");

    // Under review: the body is modified in place.
    write(dir, "is on its way", "");
    let out = chanctl(dir, &emu, "plan")
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        crate::common::steps(&plan),
        ["modify template wa/order_update/en_US"]
    );
    let (code, out) = run(dir, &emu, "-v apply", &["--auto-approve"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(calls(&out, "ModifyChatappTemplate"), 1, "{out}");
    // Only the changed template's detail is read again.
    let (code, out) = run(dir, &emu, "-v plan", &["--detailed-exitcode"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(calls(&out, "GetChatappTemplateDetail"), 1, "{out}");

    // Properties.
    write(dir, "is on its way", "            allow_send: false\n");
    let (code, out) = run(dir, &emu, "-v apply", &["--auto-approve"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(calls(&out, "ModifyChatappTemplateProperties"), 1, "{out}");
    let (code, out) = run(dir, &emu, "plan", &["--detailed-exitcode"]);
    assert_eq!(code, 0, "{out}");

    // The French one dropped from the file: listed, deleted only with prune.
    let text = std::fs::read_to_string(dir.join("channels.yaml")).unwrap();
    let start = text.find("          fr:").unwrap();
    let end = text.find("  - name: sms").unwrap();
    std::fs::write(
        dir.join("channels.yaml"),
        format!("{}{}", &text[..start], &text[end..]),
    )
    .unwrap();
    let (code, out) = run(dir, &emu, "plan", &["--detailed-exitcode"]);
    assert_eq!(code, 0, "kept without prune:\n{out}");
    let (code, out) = run(dir, &emu, "-v apply", &["--auto-approve", "--prune"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(calls(&out, "DeleteChatappTemplate"), 1, "{out}");
    let (code, out) = run(dir, &emu, "plan", &["--detailed-exitcode", "--prune"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_rejected_template_is_drift_with_the_reviews_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "has shipped", "");
    let emu = emulator_for(
        dir,
        &["--template-reject", "order_update=Promotional wording"],
    );
    let (code, out) = run(dir, &emu, "apply", &["--auto-approve"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(dir, &emu, "plan", &["--detailed-exitcode"]);
    assert_eq!(code, 2, "a rejected template is drift:\n{out}");
    assert!(out.contains("Promotional wording"), "{out}");
}

#[test]
fn template_changes_converge_under_injected_faults_without_duplicates() {
    for seed in 1..=4 {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(dir, "has shipped", "");
        let meta = crate::common::meta_args(&[
            &std::fs::read_to_string(dir.join("channels.yaml")).unwrap()
        ]);
        // 20 % of requests fail: 503, throttling, 200 with an error code, or ambiguous (the
        // change is made and the answer lost, or it comes after the client gave up).
        let seed_flag = seed.to_string();
        let mut flags = vec![
            "--template-review",
            "hold",
            "--fault-rate",
            "0.2",
            "--seed",
            &seed_flag,
            "--ambiguous-delay-ms",
            "1500",
        ];
        flags.extend(meta.iter().map(String::as_str));
        let emu = start_emulator(&flags);
        let timeout = ["--timeout", "1"];
        let apply = |args: &[&str]| {
            let (code, out) = run(
                dir,
                &emu,
                "-v apply",
                &[&["--auto-approve"], &timeout[..], args].concat(),
            );
            assert_eq!(code, 0, "seed {seed}: {out}");
            out
        };
        let settled = |args: &[&str]| {
            let (code, out) = run(
                dir,
                &emu,
                "plan",
                &[&["--detailed-exitcode"], &timeout[..], args].concat(),
            );
            assert_eq!(code, 0, "seed {seed}: {out}");
        };
        let mut retries = apply(&[]).matches("retrying").count();
        settled(&[]);
        // Content and properties at once: the properties follow the modify.
        write(dir, "is on its way", "            allow_send: false\n");
        retries += apply(&[]).matches("retrying").count();
        settled(&[]);
        let text = std::fs::read_to_string(dir.join("channels.yaml")).unwrap();
        let start = text.find("          fr:").unwrap();
        let end = text.find("  - name: sms").unwrap();
        std::fs::write(
            dir.join("channels.yaml"),
            format!("{}{}", &text[..start], &text[end..]),
        )
        .unwrap();
        retries += apply(&["--prune"]).matches("retrying").count();
        settled(&["--prune"]);
        assert!(retries > 0, "seed {seed}: some request failed");
        // One template left, once.
        let (code, out) = run(dir, &emu, "export", &timeout);
        assert_eq!(code, 0, "{out}");
        let copies = out
            .lines()
            .filter(|l| l.contains("- name:") && l.contains("order_update"))
            .count();
        assert_eq!(copies, 1, "{out}");
    }
}

#[test]
fn a_new_template_that_may_not_be_sent_is_created_and_set_in_one_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "has shipped", "            allow_send: false\n");
    let emu = emulator_for(dir, &["--template-review", "hold"]);
    let (code, out) = run(dir, &emu, "-v apply", &["--auto-approve"]);
    assert_eq!(code, 0, "{out}");
    // The create, then the property with the code the create returned.
    assert_eq!(calls(&out, "ModifyChatappTemplateProperties"), 1, "{out}");
    let (code, out) = run(dir, &emu, "plan", &["--detailed-exitcode"]);
    assert_eq!(code, 0, "one apply is enough:\n{out}");
}

/// A live template whose category is none of the three the SDK documents (here Viber's
/// `text_button`, a message type, written into the emulator's state) does not stop the read:
/// the plan goes on, names it as the service writes it, prune leaves it, and a file that
/// declares it gets a manual step instead of a create the service would refuse.
#[test]
fn a_live_template_of_an_undocumented_category_is_shown_as_written_and_blocks_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = |names: &[&str]| {
        let mut text = String::from(
            "version: 1\nchannels:\n  - name: wa\n    type: whatsapp\n    binding: {waba_id: \"102938475610\", phone_number: \"+6588001234\"}\n    templates:\n",
        );
        for n in names {
            text.push_str(&format!(
                "      - {{name: {n}, category: MARKETING, language: en_US, components: {{body: \"Hi\"}}}}\n"
            ));
        }
        std::fs::write(dir.join("channels.yaml"), text).unwrap();
    };
    file(&["promo"]);
    let state = dir.join("emulator-state.json").display().to_string();
    let flags = ["--template-review", "hold", "--state", &state];
    let emu = emulator_for(dir, &flags);
    let (code, out) = run(dir, &emu, "apply", &["--auto-approve"]);
    assert_eq!(code, 0, "{out}");
    emu.kill();
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    for t in value["templates"].as_object_mut().unwrap().values_mut() {
        t["category"] = "text_button".into();
        t["last_update_ms"] = (t["last_update_ms"].as_i64().unwrap() + 1000).into();
    }
    std::fs::write(&state, serde_json::to_vec(&value).unwrap()).unwrap();
    let emu = emulator_for(dir, &flags);
    file(&["other"]);
    let (code, out) = run(dir, &emu, "plan", &["--prune"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("has category `text_button` as the service writes it"),
        "{out}"
    );
    assert!(out.contains("template other (en_US)"), "{out}");
    assert!(
        !out.contains("template promo (en_US)"),
        "prune leaves it: {out}"
    );
    file(&["promo"]);
    let plan = chanctl(dir, &emu, "plan")
        .args(["--format", "json"])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let step = &plan["steps"][0];
    assert_eq!(step["resource"]["key"], "wa/promo/en_US", "{plan}");
    assert!(
        step["manual"]
            .as_str()
            .is_some_and(|m| m.contains("category `text_button`")),
        "{step}"
    );
    let (code, out) = run(dir, &emu, "-v apply", &["--auto-approve"]);
    assert_ne!(code, 0, "a manual step is not carried out: {out}");
    assert!(calls(&out, "ListChatappTemplate") > 0, "{out}");
    assert_eq!(calls(&out, "CreateChatappTemplate"), 0, "{out}");
}
