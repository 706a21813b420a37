//! Registering a WhatsApp number through the binary, on the sandbox and on the emulator: an
//! apply without a terminal adds the number and has a code sent, the next plan shows the step
//! that needs the code as manual (with the command to run), a wrong code is refused, `apply
//! --verify-code NUMBER=CODE` finishes it, and the plan after is empty. A number without the
//! name to register it with is refused, and `--verify-code` that is not NUMBER=CODE too.

use crate::cams_backend::{chanctl as cams, start_emulator};
use crate::common::{self, Emulator};
use std::path::Path;

const FILE: &str = r#"version: 1
channels:
  - name: shop-wa
    type: whatsapp
    binding: {waba_id: "5001", phone_number: "+6588001234", verified_name: Example Shop}
"#;

/// The code the emulator sends (`--phone-code`).
pub(crate) const SENT: &str = "482915";

/// One backend: a command for a subcommand in `dir`.
pub(crate) type Run<'a> = dyn Fn(&str) -> assert_cmd::Command + 'a;

/// The sandbox backend in `dir`.
pub(crate) fn on_sandbox(dir: &Path) -> impl Fn(&str) -> assert_cmd::Command + '_ {
    move |sub| {
        let mut cmd = common::chanctl(dir);
        cmd.arg(sub);
        cmd
    }
}

/// `file` in a fresh folder on the sandbox (which takes any 6 digits as the code): `check`
/// runs against it.
pub(crate) fn registering_on_the_sandbox<R>(file: &str, check: impl FnOnce(&Run<'_>) -> R) -> R {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("channels.yaml"), file).unwrap();
    check(&on_sandbox(tmp.path()))
}

/// `file` in a fresh folder, on an emulator whose signup put WABA 5001 in `shop-wa`'s space
/// without a number and which sends the code [`SENT`]: `check` runs against it.
pub(crate) fn registering_on_the_emulator(file: &str, check: impl FnOnce(&Run<'_>)) {
    let emulator = start_emulator(&["--signup", "5001=shop-wa:", "--phone-code", SENT]);
    let tmp = tempfile::tempdir().unwrap();
    let dir: &Path = tmp.path();
    std::fs::write(dir.join("channels.yaml"), file).unwrap();
    check(&|sub: &str| cams(dir, &emulator, sub));
}

/// `apply --auto-approve`, which must succeed.
pub(crate) fn set_up(backend: &str, run: &Run<'_>) {
    let applied = run("apply").arg("--auto-approve").output().unwrap();
    let err = text(&applied).1;
    assert_eq!(applied.status.code(), Some(0), "{backend}: {err}");
}

/// stdout and stderr as text.
pub(crate) fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `plan --format json` with `args`.
pub(crate) fn plan_json(run: &Run<'_>, args: &[&str]) -> serde_json::Value {
    let out = run("plan")
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out).1))
}

/// The file now releases a number of `shop-wa`, a protected channel: the plan is one rebind
/// that the API can do (no manual step) whose reason contains `released`; apply refuses it
/// (exit 3) and sends nothing.
pub(crate) fn a_release_is_held_by_protect(backend: &str, run: &Run<'_>, released: &str) {
    let plan = plan_json(run, &[]);
    assert_eq!(common::steps(&plan), vec!["rebind shop-wa"], "{backend}");
    let step = &plan["steps"][0];
    assert!(
        step["manual"].is_null(),
        "{backend}: the API releases a number"
    );
    assert_eq!(step["protected"], true, "{backend}");
    assert!(
        step["reason"].as_str().unwrap().contains(released),
        "{backend}: {step}"
    );
    let blocked = run("apply").arg("--auto-approve").output().unwrap();
    assert_eq!(
        blocked.status.code(),
        Some(3),
        "{backend}: protect blocks it"
    );
    assert!(text(&blocked).1.contains("blocked by a safety rule"));
    let still = plan_json(run, &[]);
    assert_eq!(
        common::steps(&still),
        vec!["rebind shop-wa"],
        "{backend}: nothing sent"
    );
}

/// The registration, start to end, with `right` the code the backend takes and `wrong` one it
/// refuses. Returns the text plan that shows the manual step.
fn register(backend: &str, run: &Run<'_>, right: &str, wrong: &str) -> String {
    let applied = run("apply").arg("--auto-approve").output().unwrap();
    let (out, err) = text(&applied);
    assert_eq!(
        applied.status.code(),
        Some(0),
        "{backend}: first apply:\n{err}"
    );
    assert!(
        err.contains("a one-time code was sent to it")
            && err.contains("--verify-code +6588001234=CODE"),
        "{backend}: the apply says how to finish:\n{err}"
    );
    assert!(
        out.contains("1 created, 1 waiting for a one-time code"),
        "{backend}: {out}"
    );

    let plan = run("plan").args(["--format", "json"]).output().unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(common::steps(&plan), vec!["bind shop-wa"], "{backend}");
    let manual = plan["steps"][0]["manual"].as_str().unwrap_or_default();
    assert!(
        manual.contains("`chanctl apply --verify-code +6588001234=CODE`"),
        "{backend}: {manual}"
    );
    let shown = run("plan").output().unwrap();
    assert_eq!(shown.status.code(), Some(0));
    let drift = run("plan").arg("--detailed-exitcode").output().unwrap();
    assert_eq!(drift.status.code(), Some(2), "{backend}: still to do");

    // The manual step is never sent: apply without the code sends nothing and says so.
    let again = run("apply").arg("--auto-approve").output().unwrap();
    assert_eq!(again.status.code(), Some(1), "{backend}");
    assert!(text(&again).1.contains("manual step, nothing sent"));

    let refused = run("apply")
        .args([
            "--auto-approve",
            "--verify-code",
            &format!("+6588001234={wrong}"),
        ])
        .output()
        .unwrap();
    let (_, err) = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{backend}: a wrong code");
    assert!(err.contains("bind shop-wa"), "{backend}: {err}");

    // Given on the command line, the code makes the step one apply runs.
    let planned = run("plan")
        .args([
            "--format",
            "json",
            "--verify-code",
            &format!("+6588001234={right}"),
        ])
        .output()
        .unwrap();
    let planned: serde_json::Value = serde_json::from_slice(&planned.stdout).unwrap();
    assert!(planned["steps"][0]["manual"].is_null(), "{backend}");

    let done = run("apply")
        .args([
            "-v",
            "--auto-approve",
            "--verify-code",
            &format!("+6588001234={right}"),
        ])
        .output()
        .unwrap();
    let (out, err) = text(&done);
    assert_eq!(done.status.code(), Some(0), "{backend}: {err}");
    assert!(out.contains("Apply complete: 1 bound."), "{backend}: {out}");
    // The request log names the one-time code, never shows it.
    assert!(
        !err.contains(right),
        "{backend}: the code is in the log:\n{err}"
    );
    if backend == "emulator" {
        assert!(err.contains("VerifyCode=<redacted>"), "{err}");
    }
    let empty = run("plan").arg("--detailed-exitcode").output().unwrap();
    assert_eq!(empty.status.code(), Some(0), "{backend}: nothing left");
    text(&shown).0
}

#[test]
fn a_number_is_registered_without_a_terminal_then_with_verify_code_on_the_sandbox() {
    let shown = registering_on_the_sandbox(FILE, |run| register("sandbox", run, "000111", "12345"));
    insta::assert_snapshot!("number_waits_for_its_code", shown);
}

#[test]
fn a_number_is_registered_without_a_terminal_then_with_verify_code_on_the_emulator() {
    registering_on_the_emulator(FILE, |run| {
        register("emulator", run, SENT, "123456");
    });
}

/// Apply, in `dir`, the file without a `verified_name`: a number the signup is to have put on
/// the WABA.
fn apply_without_name(dir: &Path, emulator: &Emulator) -> std::process::Output {
    std::fs::write(
        dir.join("channels.yaml"),
        FILE.replace(", verified_name: Example Shop", ""),
    )
    .unwrap();
    cams(dir, emulator, "apply")
        .arg("--auto-approve")
        .output()
        .unwrap()
}

#[test]
fn a_number_the_waba_lacks_needs_the_name_to_register_it_with() {
    // The signup shared the WABA with another number.
    let emulator = start_emulator(&["--signup", "5001=shop-wa:+6588009999"]);
    let tmp = tempfile::tempdir().unwrap();
    let out = apply_without_name(tmp.path(), &emulator);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("NumberNotRegistered")
            && err.contains("+6588009999")
            && err.contains("verified_name"),
        "{err}"
    );
}

#[test]
fn verify_code_takes_a_number_and_its_code() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("channels.yaml"), FILE).unwrap();
    for sub in ["plan", "apply"] {
        for bad in ["6588001234=123456", "+6588001234", "+6588001234=12ab56"] {
            let out = common::chanctl(dir)
                .args([sub, "--verify-code", bad])
                .output()
                .unwrap();
            let (_, err) = text(&out);
            assert_eq!(out.status.code(), Some(1), "{sub} {bad}");
            assert!(
                err.contains("--verify-code takes NUMBER=CODE") && err.contains(bad),
                "{sub} {bad}: {err}"
            );
        }
    }
    // Nothing was opened or changed.
    assert!(!dir.join(".chanctl/sandbox.json").exists());
}

/// Another number of the same WABA, on a protected channel: the old number is released
/// (`ChatappPhoneNumberDeregister`), which apply refuses without --force; with it, the new
/// number is registered and, after its code, the plan is empty.
fn swap_under_protect(backend: &str, dir: &Path, run: &Run<'_>, code: &str) {
    let first = FILE.replace(", verified_name: Example Shop", "");
    std::fs::write(dir.join("channels.yaml"), &first).unwrap();
    set_up(backend, run);

    let second = FILE
        .replace("+6588001234", "+6588005678")
        .replace("    binding:", "    protect: true\n    binding:");
    std::fs::write(dir.join("channels.yaml"), second).unwrap();
    a_release_is_held_by_protect(backend, run, "released (deregistered)");

    let forced = run("apply")
        .args(["--auto-approve", "--force"])
        .output()
        .unwrap();
    let (out, err) = text(&forced);
    assert_eq!(forced.status.code(), Some(0), "{backend}: {err}");
    assert!(
        out.contains("1 waiting for a one-time code"),
        "{backend}: {out}"
    );
    let done = run("apply")
        .args([
            "--auto-approve",
            "--verify-code",
            &format!("+6588005678={code}"),
        ])
        .output()
        .unwrap();
    assert_eq!(done.status.code(), Some(0), "{backend}: {}", text(&done).1);
    let empty = run("plan").arg("--detailed-exitcode").output().unwrap();
    assert_eq!(empty.status.code(), Some(0), "{backend}: nothing left");

    // The old number is gone from the WABA: a file naming it again plans a swap back.
    std::fs::write(dir.join("channels.yaml"), &first).unwrap();
    let back = run("plan").args(["--format", "json"]).output().unwrap();
    let back: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
    assert_eq!(common::steps(&back), vec!["rebind shop-wa"], "{backend}");
}

#[test]
fn releasing_a_number_is_refused_under_protect_and_done_with_force_on_the_sandbox() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let run = on_sandbox(dir);
    swap_under_protect("sandbox", dir, &run, "424242");
}

#[test]
fn releasing_a_number_is_refused_under_protect_and_done_with_force_on_the_emulator() {
    let emulator = start_emulator(&["--signup", "5001=shop-wa:+6588001234", "--phone-code", SENT]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let run = |sub: &str| cams(dir, &emulator, sub);
    swap_under_protect("emulator", dir, &run, SENT);
}

#[test]
fn a_number_meta_rates_poor_is_shown_in_the_plan() {
    let emulator = start_emulator(&[
        "--signup",
        "5001=shop-wa:+6588001234",
        "--number-quality",
        "+6588001234=RED",
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let applied = apply_without_name(dir, &emulator);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied).1);
    let plan = cams(dir, &emulator, "plan")
        .args(["--format", "json"])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(common::steps(&plan), Vec::<String>::new(), "nothing to do");
    let warnings = plan["warnings"].to_string();
    assert!(
        warnings.contains(
            "WhatsApp number +6588001234 has quality rating RED (status CONNECTED, messaging tier TIER_1K)"
        ),
        "{warnings}"
    );
}

/// `apply` with stdin and stderr on a terminal: it asks for the code once it is sent, and the
/// answer typed in finishes the registration in the same run.
#[cfg(unix)]
#[test]
fn on_a_terminal_apply_asks_for_the_code_and_registers_the_number() {
    use std::io::{Read, Write};
    use std::process::Stdio;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("channels.yaml"), FILE).unwrap();
    let pty = nix::pty::openpty(None, None).unwrap();
    let input = pty.slave.try_clone().unwrap();
    let mut cmd = common::chanctl_with_keys(dir, "unused", "unused");
    cmd.args(["apply", "--auto-approve"])
        .env_remove("CHANCTL_LOG")
        .env_remove("CI")
        .stdin(Stdio::from(input))
        .stdout(Stdio::null())
        .stderr(Stdio::from(pty.slave));
    let mut child = cmd.spawn().unwrap();
    // Let go of the terminal's other end, or reading would never see it close.
    cmd.stdin(Stdio::null()).stderr(Stdio::null());
    let mut master = std::fs::File::from(pty.master);
    let mut screen = Vec::new();
    let mut answered = false;
    let mut buf = [0u8; 4096];
    // The terminal ends (EIO) once the apply has exited and closed it.
    while let Ok(n) = master.read(&mut buf) {
        if n == 0 {
            break;
        }
        screen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&screen);
        if !answered && text.contains("Enter the one-time code sent to +6588001234") {
            master.write_all(b"246810\n").unwrap();
            answered = true;
        }
    }
    let screen = String::from_utf8_lossy(&screen).into_owned();
    assert!(child.wait().unwrap().success(), "{screen:?}");
    assert!(answered, "asked for the code: {screen:?}");
    assert!(screen.contains("bind shop-wa: done"), "{screen:?}");
    let empty = common::chanctl(dir)
        .args(["plan", "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(empty.status.code(), Some(0), "registered in one run");
}
