//! Unit tests of `load.rs`: empty and non-mapping files, decimals as integers, anchors and
//! aliases reported once, diagnostics merged.

use super::*;

fn problems(src: &str) -> Vec<Diagnostic> {
    load(src).expect_err("the source is invalid")
}

fn primary(src: &str, d: &Diagnostic) -> String {
    let s = d.labels[0].span;
    src[s.offset..s.offset + s.len].to_string()
}

#[test]
fn an_empty_file_and_a_comment_only_file_say_so() {
    let d = problems("");
    assert_eq!(d.len(), 1);
    assert!(
        d[0].message.starts_with("the file is empty"),
        "{}",
        d[0].message
    );
    let d = problems("# nothing yet\n\n# really\n");
    assert!(d[0].message.starts_with("the file holds only comments"));
    assert_eq!(d[0].offset(), 0, "points at the start, not the end");
    let d = problems("\u{feff}# only a comment\n");
    assert_eq!(d[0].offset(), 3, "after the byte order mark");
}

#[test]
fn a_root_that_is_not_a_mapping_names_what_it_is() {
    let d = problems("- a\n- b\n");
    assert_eq!(
        d[0].message,
        "expected a mapping with `version` and `channels`, found a list"
    );
}

#[test]
fn whole_numbers_written_as_decimals_are_integers() {
    // JSON Schema counts 1.0 as an integer; the typed pass must agree, not fail at 1:1.
    let desired = load("version: 1.0\naccount:\n  quota: 5.0\nchannels: []\n").unwrap();
    assert_eq!(desired.quota, 5);
    let d = problems("version: 1.5\nchannels: []\n");
    assert_eq!(d[0].code, "chanctl::schema::type");
    assert_eq!(primary("version: 1.5\nchannels: []\n", &d[0]), "1.5");
}

#[test]
fn a_problem_in_an_anchor_is_reported_once_with_every_alias() {
    let src = "version: 1\nchannels:\n  - name: a\n    type: messenger\n    binding: &p\n      page_id: 123\n  - name: b\n    type: messenger\n    binding: *p\n  - name: c\n    type: messenger\n    binding: *p\n";
    let d = problems(src);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(primary(src, &d[0]), "123");
    let aliases: Vec<&str> = d[0].labels[1..]
        .iter()
        .map(|l| &src[l.span.offset..l.span.offset + l.span.len])
        .collect();
    assert_eq!(aliases, ["*p", "*p"]);
    assert!(d[0].labels[1].text.contains("through `*p`"));
}

#[test]
fn a_duplicate_key_in_an_anchor_is_reported_once() {
    let src = "version: 1\nchannels:\n  - &c\n    name: a\n    name: b\n    type: sms\n  - *c\n";
    let d: Vec<_> = problems(src)
        .into_iter()
        .filter(|d| d.code == "chanctl::yaml::duplicate_key")
        .collect();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(primary(src, &d[0]), "name");
    assert_eq!(d[0].offset(), src.find("name: b").unwrap());
}

#[test]
fn an_invalid_quota_is_not_also_reported_as_exceeded() {
    let src = "version: 1\naccount:\n  quota: 0\nchannels:\n  - name: a\n    type: sms\n";
    let d = problems(src);
    let codes: Vec<_> = d.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["chanctl::schema::range"]);
}

#[test]
fn identical_diagnostics_merge_their_labels() {
    let a = Diagnostic::new("x", "m", Span { offset: 1, len: 1 }, "here");
    let b = Diagnostic::new("x", "m", Span { offset: 1, len: 1 }, "here")
        .with_label(Span { offset: 5, len: 1 }, "again");
    let c = Diagnostic::new("x", "other", Span { offset: 1, len: 1 }, "here");
    let merged = merge_repeats(vec![a, b, c]);
    assert_eq!(merged.len(), 2);
    assert_eq!(merged[0].labels.len(), 2);
}
