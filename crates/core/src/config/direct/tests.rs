//! The direct way and the JSON way agree: on every fixture of the repository, valid or not,
//! and on the edge cases of the tree that the JSON copy changes (numbers, keys, `$`).

use super::super::load::{LoadOptions, load_by};
use super::super::yaml;

/// Both ways give the same result: the same desired state, or the same diagnostics, with
/// the direct way's checks before the typing or beside it.
fn agree(name: &str, source: &str) {
    let options = LoadOptions::default();
    let json = load_by(source, &options, None);
    for checks in [super::Checks::Before, super::Checks::Beside] {
        let direct = load_by(source, &options, Some(checks));
        assert_eq!(direct, json, "{name}: the two ways disagree ({checks:?})");
    }
}

/// Whether `source` is read the direct way.
fn direct(source: &str) -> bool {
    let root = yaml::parse(source).expect("the test file parses");
    super::fits(&root, None) && super::valid(&root)
}

#[test]
fn every_fixture_loads_the_same_both_ways() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut seen = 0;
    let mut direct_ones = 0;
    for dir in ["valid", "invalid"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("the repository's fixtures")
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        entries.sort();
        for path in entries {
            let Ok(source) = std::fs::read_to_string(&path) else {
                continue; // not UTF-8: refused before parsing
            };
            agree(&path.display().to_string(), &source);
            seen += 1;
            if yaml::parse(&source).is_ok_and(|r| super::fits(&r, None) && super::valid(&r)) {
                direct_ones += 1;
            }
        }
    }
    assert!(seen > 250, "only {seen} fixtures found");
    assert!(
        direct_ones >= 5,
        "only {direct_ones} fixtures read the direct way"
    );
}

const BASE: &str = "version: 1\nchannels:\n  - name: a\n    type: sms\n";

#[test]
fn the_usual_file_is_read_directly() {
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/channels.yaml");
    let source = std::fs::read_to_string(example).expect("the example file");
    assert!(direct(&source), "examples/channels.yaml");
    assert!(direct(BASE));
    // A `$` in a comment (a `$schema` modeline) is no reference.
    assert!(direct(&format!(
        "# yaml-language-server: $schema=x.json\n{BASE}"
    )));
}

#[test]
fn what_the_json_copy_changes_goes_the_json_way_or_reads_the_same() {
    let cases = [
        // A float without a fraction is an integer in the JSON copy.
        "version: 1.0\naccount: {quota: 5.0}\nchannels:\n  - {name: a, type: sms}\n",
        "version: 1\naccount: {quota: 5.5}\nchannels: []\n",
        "version: 1\naccount: {quota: -3}\nchannels: []\n",
        "version: 1\naccount: {quota: 99999999999999999999999}\nchannels: []\n",
        "version: 1\naccount: {quota: .inf}\nchannels: []\n",
        // Keys that are not strings, or repeated.
        "version: 1\n7: x\nchannels: []\n",
        "version: 1\nchannels: []\nchannels: []\n",
        "version: 1\nchannels:\n  - {name: a, type: sms, name: b}\n",
        "version: 1\n? [k]\n: 1\nchannels: []\n",
        // References and their absence.
        "version: 1\nchannels:\n  - {name: a, type: sms, description: \"cost: $5\"}\n",
        "version: 1\nchannels:\n  - {name: a, type: sms, description: \"${X}\"}\n",
        "version: 1\nvariables: {X: {}}\nchannels: []\n",
        "version: 1\nenvironments: {prod: {}}\nchannels: []\n",
        // Types and shapes the schema refuses, and a channel without a known type.
        "version: 1\nchannels:\n  - {name: a, type: fax}\n",
        "version: 1\nchannels:\n  - {name: a}\n",
        "version: 1\nchannels:\n  - {name: a, type: 5}\n",
        "version: 1\nchannels: {a: 1}\n",
        "version: 1\nprune: yes\nchannels: []\n",
        "version: 1\nprune: null\nchannels: []\n",
        "version: 1\nchannels:\n  - {name: a, type: sms, protect: true, previously: [b, c]}\n",
        "version: 1\nchannels:\n  - name: w\n    type: whatsapp\n    binding:\n      waba_id: '1'\n      phone_numbers:\n        - {phone_number: '+6580000000'}\n        - {phone_number: '+6580000001', verified_name: Shop}\n",
        "base: &b {type: sms}\nversion: 1\nchannels:\n  - {<<: *b, name: a}\n",
        // A channel used twice through an alias, `variables:` or `environments:` after the
        // list, refused channels among good ones, a list under a repeated key or only in a
        // merge, a name used twice.
        "version: 1\nchannels:\n  - &a {name: a, type: sms}\n  - *a\n",
        "version: 1\nchannels:\n  - {name: a, type: sms, description: x}\nvariables: {X: {}}\n",
        "version: 1\nchannels:\n  - {name: a, type: sms}\nenvironments: {prod: {}}\n",
        "version: 1\nchannels:\n  - {name: a, type: sms}\n  - {name: b, type: fax}\n  - {name: c, type: sms, extra: 1}\n",
        "version: 1\nchannels: 5\nchannels:\n  - {name: a, type: sms}\n",
        "version: 1\nchannels:\n  - {name: a, type: sms}\nchannels:\n  - {name: b, type: sms}\n",
        "version: 1\n<<: {channels: [{name: a, type: sms}]}\n",
        "version: 1\nchannels:\n  - {name: a, type: sms}\n  - {name: a, type: email}\n",
    ];
    for (i, source) in cases.iter().enumerate() {
        agree(&format!("case {i}"), source);
    }
}

/// A file of `n` SMS channels, the one at `odd` (if any) written as `odd_channel`.
fn large(n: usize, odd: Option<(usize, &str)>) -> String {
    let mut s = String::from("version: 1\naccount: {quota: 100000}\nchannels:\n");
    for i in 0..n {
        match odd {
            Some((at, text)) if at == i => s.push_str(text),
            _ => s.push_str(&format!(
                "  - {{name: c{i}, type: sms, description: d{i}}}\n"
            )),
        }
    }
    s
}

#[test]
fn large_files_agree_with_the_checks_beside_the_typing() {
    let n = super::BESIDE_FROM + 44;
    let cases = [
        large(n, None),
        // Refused by the schema, by `plain`, or by the rules, late in the list: the typing
        // has gone past it (or stopped there) before the checks say no.
        large(n, Some((n - 3, "  - {name: x, type: fax}\n"))),
        large(n, Some((n - 1, "  - {name: x, type: sms, extra: 1}\n"))),
        large(
            n,
            Some((n - 2, "  - {name: x, type: sms, description: \"${X}\"}\n")),
        ),
        large(n, Some((n - 2, "  - {name: x, type: sms, name: y}\n"))),
        large(n, Some((n - 1, "  - {name: c0, type: sms}\n"))),
        large(n, Some((0, "  - {name: x, type: sms, description: 5}\n"))),
    ];
    for (i, source) in cases.iter().enumerate() {
        agree(&format!("large case {i}"), source);
        let by_size = load_by(source, &LoadOptions::default(), Some(super::Checks::BySize));
        assert_eq!(
            by_size,
            load_by(source, &LoadOptions::default(), None),
            "large case {i}"
        );
    }
    let first = load_by(
        &cases[0],
        &LoadOptions::default(),
        Some(super::Checks::BySize),
    );
    assert_eq!(first.map(|d| d.channels.len()).ok(), Some(n));
}
