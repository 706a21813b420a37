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

#[test]
fn a_yaml_1_1_boolean_where_a_boolean_is_expected_names_the_fix() {
    for (word, fix) in [
        ("yes", "true"),
        ("Yes", "true"),
        ("ON", "true"),
        ("on", "true"),
        ("no", "false"),
        ("NO", "false"),
        ("Off", "false"),
    ] {
        let src = channel(&format!("    type: sms\n    protect: {word}\n"));
        let d = only(&src);
        assert_eq!(d.code, "chanctl::schema::yes_no_boolean", "{word}");
        assert_eq!(
            d.message,
            format!("`protect` must be true or false, found `{word}`")
        );
        let at = d.labels[0].span;
        assert_eq!(&src[at.offset..at.offset + at.len], word);
        assert_eq!(d.labels[0].text, format!("write `{fix}`"));
        assert!(d.help.unwrap().ends_with(&format!("write `{fix}`")));
    }
    let d = only("version: 1\nprune: off\nchannels: []\n");
    assert_eq!(d.message, "`prune` must be true or false, found `off`");
}

#[test]
fn yes_no_on_off_are_text_where_text_is_expected() {
    let src = "version: 1\nchannels:\n  - name: on\n    type: sms\n    description: yes\n";
    let desired = crate::config::load(src).expect("valid");
    assert_eq!(desired.channels[0].name, "on");
    assert_eq!(desired.channels[0].description, "yes");
    // Quoted, it is text the reader cannot mistake: the usual help.
    let d = only(&channel("    type: sms\n    protect: \"yes\"\n"));
    assert_eq!(d.code, "chanctl::schema::type");
    assert_eq!(
        d.help.as_deref(),
        Some("write `true` or `false`, without quotes")
    );
    // `true` and `false` only, in YAML 1.2's spellings.
    assert!(crate::config::load("version: 1\nprune: True\nchannels: []\n").is_ok());
}
