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
