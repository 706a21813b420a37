//! Unit tests for turning schema errors into diagnostics.

use super::*;

#[test]
fn subjects_name_list_entries_by_their_list() {
    assert_eq!(
        subject("/channels/2/previously/0"),
        "an entry of `previously`"
    );
    assert_eq!(subject("/channels/2"), "channel 3");
    assert_eq!(subject("/channels/2/name"), "`name`");
    assert_eq!(subject(""), "the file");
    assert_eq!(name_of("/channels/2/previously/0"), "previously");
}

fn problems(src: &str) -> Vec<Diagnostic> {
    crate::config::load(src).expect_err("the source is invalid")
}

fn channel(body: &str) -> String {
    format!("version: 1\nchannels:\n  - name: c\n{body}")
}

/// The first problem in `src`.
fn first(src: &str) -> Diagnostic {
    problems(src).swap_remove(0)
}

/// The one problem in `src`: fails when there are more.
#[track_caller]
fn only(src: &str) -> Diagnostic {
    let mut d = problems(src);
    assert_eq!(d.len(), 1, "{d:#?}");
    d.swap_remove(0)
}

#[test]
fn a_misspelled_key_is_one_problem_with_a_suggestion() {
    let src = channel(
        "    type: whatsapp\n    binding:\n      waba_id: \"1\"\n      phone: \"+6588001234\"\n",
    );
    // Not also `missing phone_number`.
    let d = only(&src);
    assert_eq!(d.message, "unknown key `phone`");
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `phone_number`?")
    );
}

#[test]
fn a_missing_key_without_a_lookalike_is_still_reported() {
    let src = channel("    type: whatsapp\n    binding:\n      waba_id: \"1\"\n      extra: x\n");
    let codes: Vec<_> = problems(&src).iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            "chanctl::schema::missing_key",
            "chanctl::schema::unknown_key"
        ]
    );
}

#[test]
fn an_empty_type_says_so() {
    assert_eq!(
        first("version: 1\nchannels:\n  - name: c\n    type:\n").message,
        "the channel's `type` is empty"
    );
}

#[test]
fn a_misspelled_type_key_is_named() {
    assert_eq!(
        only("version: 1\nchannels:\n  - name: c\n    tpye: sms\n").message,
        "unknown key `tpye`, and the channel has no `type`"
    );
}

#[test]
fn a_binding_of_another_type_is_one_problem() {
    let src = channel(
        "    type: messenger\n    binding:\n      waba_id: \"1\"\n      phone_number: \"+6588001234\"\n",
    );
    let d = only(&src);
    assert_eq!(d.code, "chanctl::schema::binding_type");
    assert_eq!(
        d.message,
        "this is a whatsapp binding, but the channel's type is messenger"
    );
}

#[test]
fn the_quote_hint_shows_the_value_as_written() {
    let src = channel("    type: messenger\n    binding:\n      page_id: 0x1F\n");
    assert_eq!(
        first(&src).help.as_deref(),
        Some("quote it so YAML keeps it as text: \"0x1F\"")
    );
    let src = channel(
        "    type: messenger\n    binding:\n      page_id: 123456789012345678901234567890\n",
    );
    let help = first(&src).help.unwrap();
    assert!(
        help.ends_with("\"123456789012345678901234567890\""),
        "{help}"
    );
}

#[test]
fn lengths_are_counted_and_pluralised() {
    let src = channel(&format!(
        "    type: sms\n    description: {}\n",
        "é".repeat(152)
    ));
    let d = first(&src);
    assert_eq!(
        d.message,
        "`description` is 152 characters long; at most 150 are allowed"
    );
    assert_eq!(d.labels[0].text, "2 characters too many");
    let src = format!(
        "version: 1\nchannels:\n  - name: {}\n    type: sms\n",
        "😀".repeat(51)
    );
    assert_eq!(first(&src).labels[0].text, "1 character too many");
}

#[test]
fn an_empty_value_is_nothing_and_a_list_entry_is_named_by_its_list() {
    let d = first("version: 1\nchannels:\n  - name:\n    type: sms\n");
    assert_eq!(d.message, "`name` must be a string, found nothing");
    assert_eq!(
        d.help.as_deref(),
        Some("give `name` a value, or remove the key")
    );
    assert_eq!(
        first(&channel("    type: sms\n    previously: [~]\n")).message,
        "an entry of `previously` must be a string, found null"
    );
}

#[test]
fn a_quota_out_of_range_says_the_bound() {
    assert_eq!(
        first("version: 1\naccount:\n  quota: 0\nchannels: []\n").message,
        "`quota` is 0; it must be at least 1"
    );
    assert_eq!(
        first("version: 1\naccount:\n  quota: 2000000\nchannels: []\n").message,
        "`quota` is 2000000; it must be at most 1000000"
    );
}

#[test]
fn a_control_character_is_named() {
    assert_eq!(
        first("version: 1\nchannels:\n  - name: \"a\\tb\"\n    type: sms\n").message,
        "`name` contains a tab (\\t)"
    );
    // C1 controls too: U+009B is a terminal's control sequence introducer.
    assert_eq!(
        first("version: 1\nchannels:\n  - name: \"a\\x9bb\"\n    type: sms\n").message,
        "`name` contains the control character U+009B"
    );
}
