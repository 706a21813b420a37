//! Unit tests of the YAML parser: spans, aliases, and the wording and placement of syntax
//! errors and limit breaches.

use super::limits::grouped;
use super::scan::{bad_escape, leading_tab, open_flow_brackets, tag_before, unclosed_flow_bracket};
use super::*;

fn text(src: &str, span: Span) -> &str {
    &src[span.offset..span.offset + span.len]
}

fn entries(node: &Node) -> &[(Node, Node)] {
    match &node.value {
        Value::Map(entries) => entries,
        other => panic!("expected a mapping, got {other:?}"),
    }
}

#[test]
fn scalars_and_keys_have_their_spans() {
    let src = "a: 1\nb: 'y z'\na: 2\n";
    let root = parse(src).unwrap();
    let e = entries(&root);
    assert_eq!(e.len(), 3, "duplicate keys are kept");
    assert_eq!(text(src, e[0].0.span), "a");
    assert_eq!(text(src, e[1].1.span), "'y z'");
    assert_eq!(e[2].1.value, Value::Int(2));
}

#[test]
fn block_collections_get_the_span_of_their_first_entry() {
    let src = "top:\n  inner: 1\n  other: 2\nlist:\n  - first\n  - second\n";
    let root = parse(src).unwrap();
    let e = entries(&root);
    assert_eq!(text(src, root.span), "top", "the root mapping");
    assert_eq!(text(src, e[0].1.span), "inner");
    assert_eq!(text(src, e[1].1.span), "- first");
    assert_eq!(e[1].1.defined, e[1].1.span);
}

#[test]
fn an_alias_is_used_at_the_alias_and_defined_at_the_anchor() {
    let src = "a: &x {k: v}\nb: *x\n";
    let root = parse(src).unwrap();
    let e = entries(&root);
    let (used, original) = (&e[1].1, &e[0].1);
    assert_eq!(text(src, used.span), "*x");
    assert_eq!(used.defined, original.defined);
    let inner = &entries(used)[0].1;
    assert_eq!(text(src, inner.span), "*x");
    assert_eq!(text(src, inner.defined), "v");
}

#[test]
fn an_unclosed_bracket_is_blamed_not_the_line_where_the_parser_gives_up() {
    let src = "a:\n  b: [x, y\n  c: d\n";
    let e = parse(src).unwrap_err();
    assert_eq!(e.message, "invalid YAML: unclosed bracket `[`");
    assert_eq!(e.span.offset, src.find('[').unwrap());
    assert_eq!(e.related.len(), 1, "{e:?}");
    assert!(e.related[0].0.offset > src.find('c').unwrap() - 1);
    assert!(e.help.unwrap().contains("`]`"));
}

#[test]
fn brackets_in_plain_text_quotes_and_comments_are_not_flow_collections() {
    let src = "a: see [docs\nb: 'x [y'\n# c: [\nd: \"[\"\ne: [1, [2]]\n";
    assert_eq!(unclosed_flow_bracket(src, src.len()), None);
    let open = "a: {k: [1, 2}\n";
    assert_eq!(
        unclosed_flow_bracket(open, open.len()).map(|s| s.offset),
        Some(3)
    );
}

#[test]
fn a_tab_in_indentation_is_pointed_at() {
    let src = "a:\n  b: 1\n\tc: 2\n";
    let e = parse(src).unwrap_err();
    assert_eq!(e.message, "invalid YAML: a tab is used for indentation");
    assert_eq!(
        e.span,
        Span {
            offset: src.find('\t').unwrap(),
            len: 1
        }
    );
    // The parser may report the line before the tab.
    let src = "version: 1\n\tchannels: []\n";
    let e = parse(src).unwrap_err();
    assert_eq!(e.span.offset, src.find('\t').unwrap(), "{e:?}");
}

#[test]
fn a_second_document_is_pointed_at_its_marker_without_api_hints() {
    let src = "a: 1\n---\na: 2\n";
    let e = parse(src).unwrap_err();
    assert_eq!(e.message, "the file holds more than one YAML document");
    assert_eq!(text(src, e.span), "---");
    assert!(!format!("{e:?}").contains("from_str"));
}

#[test]
fn parser_messages_are_reworded_with_help() {
    let e = parse("a: [1\n").unwrap_err();
    assert_eq!(e.message, "invalid YAML: unclosed bracket `[`");
    assert_eq!(e.label, "this `[` is never closed");
    let e = parse("a: [1]]\n").unwrap_err();
    assert_eq!(e.label, "closes nothing");
    let e = parse("a:\n  b: 1\n  c 2\n  d: 3\n").unwrap_err();
    assert_eq!(e.message, "invalid YAML: a key without `:`");
    let e = parse("a: \"x\" y\n").unwrap_err();
    assert!(e.help.unwrap().contains("inside the quotes"));
}

#[test]
fn an_unknown_alias_is_underlined_whole() {
    let src = "a: *nowhere\n";
    let e = parse(src).unwrap_err();
    assert_eq!(text(src, e.span), "*nowhere");
}

#[test]
fn syntax_errors_after_a_byte_order_mark_are_placed_right() {
    let src = "\u{feff}a: 'open\n";
    let e = parse(src).unwrap_err();
    assert_eq!(e.message, "invalid YAML: unclosed quote");
    assert_eq!(e.span.offset, src.find('\'').unwrap());
}

#[test]
fn line_and_column_map_to_bytes_in_characters() {
    let src = "a: é\nbé: x\n";
    assert_eq!(span_at_line_col(src, 2, 5), Span { offset: 11, len: 1 });
    assert_eq!(text(src, span_at_line_col(src, 2, 5)), "x");
    assert_eq!(
        span_at_line_col(src, 9, 1),
        Span {
            offset: src.len(),
            len: 0
        }
    );
}

fn error(src: &str) -> SyntaxError {
    parse(src).expect_err("the source is invalid")
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_naming_the_limit() {
    let flow = format!("a: {}{}\n", "[".repeat(1000), "]".repeat(1000));
    let block: String = (0..100).map(|i| format!("{}- \n", " ".repeat(i))).collect();
    let mappings: String = (0..100).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    for src in [flow, block, mappings] {
        let e = error(&src);
        assert_eq!(
            e.message,
            "the file nests lists and mappings more than 32 levels deep; chanctl stops there",
            "{}",
            &src[..40]
        );
        assert!(e.help.is_some());
    }
    // 32 levels are fine.
    let ok = format!("a: {}{}\n", "[".repeat(30), "]".repeat(30));
    assert!(parse(&ok).is_ok());
}

#[test]
fn an_alias_bomb_is_stopped_at_the_alias_that_reaches_the_limit() {
    let mut src = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n".to_string();
    for (prev, next) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        let items = vec![format!("*{prev}"); 9].join(", ");
        src.push_str(&format!("{next}: &{next} [{items}]\n"));
    }
    src.push_str("z: *i\n");
    let e = error(&src);
    assert_eq!(
        e.message,
        "aliases expand to more than 100,000 YAML items; chanctl stops there"
    );
    assert!(text(&src, e.span).starts_with('*'), "{e:?}");
    assert!(e.help.unwrap().contains("billion laughs"));
}

#[test]
fn comments_do_not_count_against_the_limits() {
    // Kept, the comments would pass the limit on parser events and be called values.
    let src = format!("a: 1\n{}", "#\n".repeat(MAX_EVENTS + 10));
    assert!(parse(&src).is_ok());
}

#[test]
fn one_anchor_merged_into_many_mappings_is_not_an_alias_bomb() {
    // The parser's alias/anchor ratio heuristic would refuse this.
    let mut src = "- &d {type: sms, description: shared}\n".to_string();
    for i in 0..300 {
        src.push_str(&format!("- <<: *d\n  name: c{i}\n"));
    }
    let root = parse(&src).expect("300 merges of one anchor are fine");
    assert!(matches!(root.value, Value::Seq(ref items) if items.len() == 301));
}

#[test]
fn tags_are_refused_but_standard_scalar_tags_are_not() {
    for (src, tag) in [
        ("a: !env NAME\n", "!env"),
        ("a: !!set {x, y}\n", "!!set"),
        ("a:\n  - !thing\n    k: v\n", "!thing"),
    ] {
        let e = error(src);
        assert_eq!(
            e.message,
            format!("invalid YAML: the tag `{tag}` is not supported")
        );
        assert_eq!(text(src, e.span), tag);
    }
    let e = error("a: !!binary /w==\n");
    assert!(e.message.contains("!!binary"), "{e:?}");
    let root = parse("a: !!str 123\n").unwrap();
    assert_eq!(entries(&root)[0].1.value, Value::Str("123".to_string()));
}

#[test]
fn a_control_character_is_pointed_at_and_named() {
    for (src, code) in [
        ("a: b\u{0}c\n", "U+0000"),
        ("a: b\u{7f}c\n", "U+007F"),
        ("a: b\u{90}c\n", "U+0090"),
        ("a: \"b\u{7}c\"\n", "U+0007"),
    ] {
        let e = error(src);
        assert!(e.message.contains(code), "{src:?}: {e:?}");
        assert_eq!(
            e.span.offset,
            src.find('c').unwrap() - e.span.len,
            "{src:?}"
        );
    }
    let e = error("a: @b\n");
    assert_eq!(e.message, "invalid YAML: a value cannot start with `@`");
}

#[test]
fn alias_and_merge_mistakes_are_explained() {
    let src = "a: &x\n  - *x\n";
    let e = error(src);
    assert_eq!(
        e.message,
        "invalid YAML: the alias `*x` is inside the value it refers to"
    );
    assert_eq!(text(src, e.span), "*x");
    let src = "a: &k sms\nb:\n  <<: *k\n";
    let e = error(src);
    assert!(e.message.contains("merge key"), "{e:?}");
    assert_eq!(e.span.offset, src.find("sms").unwrap());
    assert_eq!(text(src, e.related[0].0), "*k", "{e:?}");
    // An unknown alias inside brackets is not an unclosed bracket.
    let src = "a: [*nowhere]\n";
    let e = error(src);
    assert!(e.message.contains("unknown anchor"), "{e:?}");
    assert_eq!(text(src, e.span), "*nowhere");
    let e = error("a: &\n");
    assert_eq!(e.message, "invalid YAML: `&` or `*` without a name");
}

#[test]
fn a_closed_flow_mapping_missing_a_comma_is_not_called_unclosed() {
    let src = "a: {b: 1 c: 2}\n";
    let e = error(src);
    assert_eq!(e.message, "invalid YAML: expected `,` or `}`");
    assert_eq!(text(src, e.span), "c");
    assert_eq!(open_flow_brackets(src, src.len()), Vec::<usize>::new());
    assert_eq!(open_flow_brackets("a: {b: [1\n", 10), vec![3, 7]);
}

#[test]
fn other_syntax_errors_point_at_their_culprit() {
    let src = "a: \"x\\qy\"\n";
    let e = error(src);
    assert_eq!(text(src, e.span), "\\q");
    let src = "a: \"x\\u00\n";
    let e = error(src);
    assert_eq!(text(src, e.span), "\\u00");
    let src = "\tversion: 1\nchannels: []\n";
    let e = error(src);
    assert_eq!(e.message, "invalid YAML: a tab is used for indentation");
    assert_eq!(e.span, Span { offset: 0, len: 1 });
    let src = "a:\n  -b: 1\n    c: 2\n";
    let e = error(src);
    assert_eq!(e.message, "invalid YAML: a `-` without a space after it");
    assert_eq!(e.span.offset, src.find('-').unwrap());
    let src = "%YAML 1.2\n";
    let e = error(src);
    assert_eq!(text(src, e.span), "%YAML 1.2");
    let src = format!("a: 1\n{}: x\n", "k".repeat(1100));
    let e = error(&src);
    assert_eq!(e.message, "invalid YAML: a key longer than 1024 characters");
    let src = "a: 1\nb: 2\u{feff}\n";
    assert!(parse(src).is_ok(), "a BOM inside a value is content");
    let src = "a: 1\n\u{feff}b: 2\n";
    let e = error(src);
    assert_eq!(e.span.offset, src.find('\u{feff}').unwrap());
    let e = error("a: .inf\n");
    assert!(e.message.contains("infinity"), "{e:?}");
}

#[test]
fn helpers_find_tags_escapes_and_groups() {
    let src = "a: !!int abc\n";
    assert_eq!(
        tag_before(src, src.find("abc").unwrap()).map(|s| text(src, s)),
        Some("!!int")
    );
    assert_eq!(tag_before(src, 3).map(|s| text(src, s)), Some("!!int"));
    assert_eq!(tag_before("a: b\n", 3), None);
    assert_eq!(
        bad_escape("\"ok \\n \\x4\"", 0),
        Some(Span { offset: 7, len: 3 })
    );
    assert_eq!(bad_escape("\"ok \\n\"", 0), None);
    assert_eq!(grouped(0), "0");
    assert_eq!(grouped(1000), "1,000");
    assert_eq!(grouped(250_000), "250,000");
    assert_eq!(grouped(1_000_000), "1,000,000");
    assert_eq!(
        leading_tab("a:\n \tb: 1\n", 5),
        Some(Span { offset: 4, len: 1 })
    );
    assert_eq!(leading_tab("a: \tb\n", 4), None);
}

#[test]
fn scalars_resolve_by_yaml_1_2_core_schema() {
    let src = "a: yes\nb: True\nc: ~\nd: 0x1F\ne: 1_000\nf: 1.5\ng: '12'\nh: 012\ni: 0X1F\nj:\n";
    let root = parse(src).unwrap();
    let values: Vec<&Value> = entries(&root).iter().map(|(_, v)| &v.value).collect();
    assert_eq!(
        values,
        [
            &Value::Str("yes".into()),
            &Value::Bool(true),
            &Value::Null,
            &Value::Int(31),
            &Value::Int(1000),
            &Value::Float(1.5),
            &Value::Str("12".into()),
            &Value::Float(12.0),
            &Value::Str("0X1F".into()),
            &Value::Null,
        ]
    );
}

#[test]
fn merged_keys_come_after_the_mappings_own_and_the_first_merge_wins() {
    let src = "a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc:\n  <<: [*a, *b]\n  x: 0\n  x: 5\n";
    let root = parse(src).unwrap();
    let c = &entries(&root)[2].1;
    let keys: Vec<String> = entries(c)
        .iter()
        .map(|(k, v)| format!("{}={}", text(src, k.defined), text(src, v.defined)))
        .collect();
    assert_eq!(keys, ["x=0", "x=5", "y=2", "z=4"], "own repeats kept");
    let (y_key, _) = &entries(c)[2];
    assert_eq!(text(src, y_key.span), "*a", "used where it is merged");
}
