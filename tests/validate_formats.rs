//! `chanctl validate --format json|github|sarif` through the real binary: the JSON checked
//! against the committed schema (schemas/diagnostics.schema.json), the GitHub workflow
//! commands parsed back as the runner parses them, and the SARIF log checked against the
//! SARIF 2.1.0 schema (tests/schemas/). Snapshots in tests/snapshots/formats/.

use crate::common::{chanctl, example};
use serde_json::Value;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `chanctl validate --format FORMAT -f FILE` from the crate root: (exit code, stdout, stderr).
fn validate(file: &str, format: &str) -> (Option<i32>, String, String) {
    let out = chanctl(Path::new(ROOT))
        .args(["validate", "--format", format, "-f", file])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn schema(path: &str) -> jsonschema::Validator {
    let mut text = std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
    if path.contains("sarif") {
        // rtm.5's `language` pattern has a stray `]`, a literal in JavaScript's regexes but
        // refused by the validator's ECMA-262 check; escaped, it means the same.
        text = text.replace(
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
        );
    }
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// A few fixtures of each kind of problem: YAML, schema, semantic, several at once.
const FIXTURES: [&str; 5] = [
    "fixtures/invalid/11-over-quota.yaml",
    "fixtures/invalid/32-yaml-unclosed-flow-sequence.yaml",
    "fixtures/invalid/42-several-schema-problems.yaml",
    "fixtures/invalid/53-emoji-before-error.yaml",
    "fixtures/invalid/110-nul-byte.yaml",
];

#[test]
fn json_has_one_object_per_diagnostic_and_matches_its_schema() {
    let validator = schema("schemas/diagnostics.schema.json");
    for file in FIXTURES {
        let (code, stdout, stderr) = validate(file, "json");
        assert_eq!(code, Some(1), "{file}: {stderr}");
        assert!(stderr.contains("problem"), "{file}: {stderr}");
        let doc: Value = serde_json::from_str(&stdout).unwrap();
        assert_valid(&validator, &doc, file);
        assert_eq!(doc["valid"], false);
        let diagnostics = doc["diagnostics"].as_array().unwrap();
        assert!(!diagnostics.is_empty());
        for d in diagnostics {
            assert_eq!(d["file"], file);
            assert_eq!(d["severity"], "error");
            assert!(d["code"].as_str().unwrap().starts_with("chanctl::"));
        }
    }
    let (_, stdout, _) = validate("fixtures/invalid/11-over-quota.yaml", "json");
    insta::with_settings!({snapshot_path => "snapshots/formats", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("json-11-over-quota", stdout);
    });
}

#[test]
fn json_of_a_valid_file_says_what_it_declares() {
    let tmp = example();
    let out = chanctl(tmp.path())
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid(
        &schema("schemas/diagnostics.schema.json"),
        &doc,
        "valid file",
    );
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["summary"]["channels"], 6);
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
}

/// A workflow command as the runner reads it: `::NAME k=v,…::message`, unescaped.
struct Command {
    name: String,
    properties: Vec<(String, String)>,
    message: String,
}

fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn parse_command(line: &str) -> Command {
    let rest = line.strip_prefix("::").expect("a workflow command");
    let (head, message) = rest.split_once("::").expect("`::` before the message");
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), unescape(v))
        })
        .collect();
    Command {
        name: name.to_string(),
        properties,
        message: unescape(message),
    }
}

fn property<'a>(c: &'a Command, key: &str) -> Option<&'a str> {
    c.properties
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[test]
fn github_annotations_parse_back_to_the_diagnostics() {
    for file in FIXTURES {
        let (code, stdout, _) = validate(file, "github");
        assert_eq!(code, Some(1));
        let (_, json, _) = validate(file, "json");
        let json: Value = serde_json::from_str(&json).unwrap();
        let commands: Vec<Command> = stdout.lines().map(parse_command).collect();
        let diagnostics = json["diagnostics"].as_array().unwrap();
        assert_eq!(commands.len(), diagnostics.len(), "{file}:\n{stdout}");
        for (c, d) in commands.iter().zip(diagnostics) {
            assert_eq!(c.name, "error");
            assert_eq!(property(c, "file"), Some(file));
            assert_eq!(property(c, "title"), d["code"].as_str());
            assert_eq!(property(c, "line"), Some(d["line"].to_string().as_str()));
            assert_eq!(property(c, "col"), Some(d["column"].to_string().as_str()));
            assert!(
                c.message.starts_with(d["message"].as_str().unwrap()),
                "{}",
                c.message
            );
            if let Some(help) = d["help"].as_str() {
                assert!(c.message.ends_with(&format!("\n\nhelp: {help}")));
            }
        }
    }
    let (_, stdout, _) = validate("fixtures/invalid/11-over-quota.yaml", "github");
    insta::with_settings!({snapshot_path => "snapshots/formats", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("github-11-over-quota", stdout);
    });
}

/// A file name with the characters GitHub makes properties escape comes back whole.
#[test]
fn github_properties_escape_colons_commas_and_percents() {
    let tmp = tempfile::tempdir().unwrap();
    let name = "a,b:c%d.yaml";
    std::fs::write(tmp.path().join(name), "version: 1\nchannels: 7\n").unwrap();
    let out = chanctl(tmp.path())
        .args(["validate", "--format", "github", "-f", name])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("file=a%2Cb%3Ac%25d.yaml,"), "{stdout}");
    let c = parse_command(stdout.lines().next().unwrap());
    assert_eq!(property(&c, "file"), Some(name));
    assert_eq!(property(&c, "line"), Some("2"));
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let validator = schema("tests/schemas/sarif-2.1.0-rtm.5.json");
    for file in FIXTURES {
        let (code, stdout, _) = validate(file, "sarif");
        assert_eq!(code, Some(1));
        let log: Value = serde_json::from_str(&stdout).unwrap();
        assert_valid(&validator, &log, file);
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for result in run["results"].as_array().unwrap() {
            let i = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], result["ruleId"]);
            let location = &result["locations"][0]["physicalLocation"];
            assert_eq!(location["artifactLocation"]["uri"], file);
            assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        }
    }
    let tmp = example();
    let out = chanctl(tmp.path())
        .args(["validate", "--format", "sarif"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid(&validator, &log, "valid file");
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));

    let (_, stdout, _) = validate("fixtures/invalid/11-over-quota.yaml", "sarif");
    let mut log: Value = serde_json::from_str(&stdout).unwrap();
    // The rules are the registry (checked by tests/codes.rs); the version changes on release.
    log["runs"][0]["tool"]["driver"]["rules"] = Value::String("(the registry)".into());
    log["runs"][0]["tool"]["driver"]["version"] = Value::String("(version)".into());
    insta::with_settings!({snapshot_path => "snapshots/formats", prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("sarif-11-over-quota", log);
    });
}
