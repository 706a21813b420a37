//! Template deletions through the binary on the sandbox are held back like channel ones:
//! the share of the managed templates one apply may delete, and `protect` on their channel,
//! each named as templates and lifted only by --force.

use crate::common::chanctl;
use std::path::Path;

/// A WhatsApp channel (protected or not) with templates `t0`…`t{n-1}`; `prune` as given.
fn write(dir: &Path, n: usize, prune: bool, protect: bool) {
    let mut text = format!(
        "version: 1\nprune: {prune}\nchannels:\n  - name: wa\n    type: whatsapp\n    \
         protect: {protect}\n    binding: {{waba_id: \"102938475610\", phone_number: \"+6588001234\"}}\n    \
         templates:\n"
    );
    if n == 0 {
        text = text.replace("templates:\n", "templates: []\n");
    }
    for i in 0..n {
        text.push_str(&format!(
            "      - name: t{i}\n        category: UTILITY\n        language: en_US\n        \
             components:\n          body: \"Order {i} has shipped.\"\n"
        ));
    }
    std::fs::write(dir.join("channels.yaml"), text).unwrap();
}

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = chanctl(dir)
        .env("CHANCTL_SANDBOX_REVIEW", "approve")
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn pruning_too_many_templates_is_refused_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, 10, false, false);
    assert_eq!(run(dir, &["apply", "--auto-approve"]).0, 0);
    // Four of ten templates pruned: over the default 30%.
    write(dir, 6, true, false);
    let (code, out) = run(dir, &["plan"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("the plan deletes or replaces 4 of 10 managed templates (40%)"),
        "{out}"
    );
    let (code, out) = run(dir, &["apply", "--auto-approve"]);
    assert_eq!(code, 3, "refused without --force:\n{out}");
    let (code, out) = run(dir, &["plan", "--detailed-exitcode"]);
    assert_eq!(code, 2, "nothing was deleted:\n{out}");
    // Three of ten is within the limit.
    write(dir, 7, true, false);
    let (code, out) = run(dir, &["plan", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["blocked_by"], serde_json::json!([]), "{out}");
    write(dir, 6, true, false);
    let (code, out) = run(dir, &["apply", "--auto-approve", "--force"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(run(dir, &["plan", "--detailed-exitcode"]).0, 0);
}

#[test]
fn a_template_of_a_protected_channel_is_deleted_only_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, 2, false, true);
    assert_eq!(run(dir, &["apply", "--auto-approve"]).0, 0);
    write(dir, 1, true, true);
    let (code, out) = run(dir, &["apply", "--auto-approve"]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("1 step would delete a template of a protected channel (delete template t1 (en_US) in wa)"),
        "{out}"
    );
    assert_eq!(run(dir, &["apply", "--auto-approve", "--force"]).0, 0);
    assert_eq!(run(dir, &["plan", "--detailed-exitcode"]).0, 0);
}
