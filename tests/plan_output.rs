//! What `plan` shows a person, through the real binary on the sandbox: a changed
//! description on a terminal (colour) as a before and an after line, in git's word-diff form
//! without colour.

use crate::common::{chanctl, succeeds};

fn with_description(dir: &std::path::Path, description: &str) {
    std::fs::write(
        dir.join("channels.yaml"),
        format!("version: 1\nchannels:\n  - name: codes\n    type: sms\n    description: {description}\n"),
    )
    .unwrap();
}

#[test]
fn a_description_change_is_two_lines_in_colour_and_a_word_diff_without() {
    let tmp = tempfile::tempdir().unwrap();
    with_description(tmp.path(), "OTP codes");
    succeeds(tmp.path(), &["apply", "--auto-approve"], "");
    with_description(tmp.path(), "One-time codes");
    let coloured = chanctl(tmp.path())
        .args(["plan", "--color", "always"])
        .output()
        .unwrap();
    let text = String::from_utf8(coloured.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.ends_with(" description"))
        .unwrap_or_else(|| panic!("{text}"));
    // Before and after, each whole, the changed word bold and underlined.
    assert!(lines[at + 1].contains("\x1b[1;4;31mOTP\x1b[0m"), "{text:?}");
    assert!(
        lines[at + 2].contains("\x1b[1;4;32mOne-time\x1b[0m"),
        "{text:?}"
    );
    assert!(!text.contains("[-"), "{text}");
    succeeds(
        tmp.path(),
        &["plan"],
        "~ description = \"[-OTP-]{+One-time+} codes\"",
    );
}

/// Reading the account is shown on a terminal: a spinner while it is listed, then
/// `reading N channels: i/N`, cleared before the plan.
#[cfg(unix)]
#[test]
fn reading_the_account_is_shown_on_a_terminal() {
    use crate::common::{Emulator, chanctl_with_keys};
    let emulator = Emulator::spawn("read-key", "read-secret", ["--latency-ms", "300"]);
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from("version: 1\nchannels:\n");
    // Viber channels: each is read with a call of its own, after the listing.
    for i in 0..24 {
        text.push_str(&format!(
            "  - name: viber-{i}\n    type: viber\n    binding: {{business_account: acme-{i}}}\n"
        ));
    }
    std::fs::write(tmp.path().join("channels.yaml"), text).unwrap();
    let cams = ["--backend", "cams", "--endpoint", emulator.url.as_str()];
    let out = chanctl_with_keys(tmp.path(), "read-key", "read-secret")
        .args(["apply", "--auto-approve"])
        .args(cams)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (ok, screen) = crate::common::on_a_terminal(
        chanctl_with_keys(tmp.path(), "read-key", "read-secret")
            .args(["plan"])
            .args(cams),
    );
    assert!(ok, "{screen:?}");
    assert!(screen.contains("reading the account"), "{screen:?}");
    assert!(screen.contains("reading 24 channels: "), "{screen:?}");
    // Off a terminal, nothing of it.
    let out = chanctl_with_keys(tmp.path(), "read-key", "read-secret")
        .args(["plan"])
        .args(cams)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("reading"));
}
