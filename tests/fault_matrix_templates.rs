//! The fault matrix's template steps: two WhatsApp channels, each with six templates, set up
//! and then changed under the same faults as the channels: a body modified (the reviews are
//! held, so the template may be), a property set (`allow_send: false`), a template deleted
//! (--prune), a language and a template created. After every apply the templates are counted
//! in the emulator's state by (space, name, language): none twice, none missing, and the
//! modify and the property landed. A create whose answer was lost is found again by name and
//! language (apply says it "had gone through"), and counted.

use std::collections::BTreeMap;
use std::path::Path;

/// How many WhatsApp channels hold templates.
pub const CHANNELS: usize = 2;

pub fn name(k: usize) -> String {
    format!("wa-{k}")
}

fn binding(k: usize) -> (String, String) {
    (format!("55500000{k:02}"), format!("+658800{k:04}"))
}

/// The emulator flags: each WhatsApp account's embedded signup, and reviews that never end
/// (a template under review may be modified).
pub fn emulator_args() -> Vec<String> {
    let mut args = vec!["--template-review".to_string(), "hold".to_string()];
    for k in 0..CHANNELS {
        let (waba, number) = binding(k);
        args.push("--signup".into());
        args.push(format!("{waba}={}:{number}", name(k)));
    }
    args
}

fn template(name: &str, body: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "category": "UTILITY",
        "language": "en_US",
        "components": {"body": format!("{body} {{{{1}}}}.")},
        "examples": {"{{1}}": "A-1"},
    })
}

/// WhatsApp channel `k` with its templates, as set up or as changed.
pub fn channel(k: usize, changed: bool) -> serde_json::Value {
    let (waba, number) = binding(k);
    let mut templates: Vec<serde_json::Value> = (0..6)
        .map(|i| template(&format!("t{i}"), "Order shipped"))
        .collect();
    if changed {
        templates[0] = template("t0", "Order on its way");
        templates[1]["allow_send"] = false.into();
        templates.remove(2);
        // t3 (third, now that t2 is gone) in two languages.
        templates[2] = serde_json::json!({
            "name": "t3",
            "category": "UTILITY",
            "languages": {
                "en_US": {"components": {"body": "Order shipped {{1}}."}, "examples": {"{{1}}": "A-1"}},
                "fr": {"components": {"body": "Commande partie {{1}}."}, "examples": {"{{1}}": "A-1"}},
            },
        });
        templates.push(template("t6", "New order"));
    }
    serde_json::json!({
        "name": name(k),
        "type": "whatsapp",
        "binding": {"waba_id": waba, "phone_number": number},
        "templates": templates,
    })
}

/// The (channel, name, language) the file declares, as set up or as changed.
fn declared(changed: bool) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for k in 0..CHANNELS {
        let mut keys: Vec<(&str, &str)> = (0..6)
            .map(|i| (["t0", "t1", "t2", "t3", "t4", "t5"][i], "en_US"))
            .collect();
        if changed {
            keys.retain(|(n, _)| *n != "t2");
            keys.extend([("t3", "fr"), ("t6", "en_US")]);
        }
        out.extend(
            keys.into_iter()
                .map(|(n, l)| (name(k), n.to_string(), l.to_string())),
        );
    }
    out
}

/// What the templates in the emulator's state say against the file: copies beyond the first
/// of any (channel, name, language), declared templates missing, undeclared ones left, and
/// changes that did not land; each a line for the report. The emulator keeps templates by
/// code, in the space (the channel's instance id) of the request.
#[derive(Debug, Default)]
pub struct Count {
    pub duplicates: usize,
    pub missing: usize,
    pub problems: Vec<String>,
}

pub fn count(state: &Path, changed: bool) -> Count {
    let text = std::fs::read_to_string(state).expect("the emulator's state file");
    let value: serde_json::Value = serde_json::from_str(&text).expect("state JSON");
    let channels = &value["account"]["channels"];
    let mut seen: BTreeMap<(String, String, String), Vec<&serde_json::Value>> = BTreeMap::new();
    for t in value["templates"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
    {
        let space = t["space"].as_str().unwrap_or_default();
        let channel = channels[space]["name"]
            .as_str()
            .unwrap_or(space)
            .to_string();
        let key = (
            channel,
            t["name"].as_str().unwrap_or_default().to_string(),
            t["language"].as_str().unwrap_or_default().to_string(),
        );
        seen.entry(key).or_default().push(t);
    }
    let mut count = Count::default();
    let wanted = declared(changed);
    for (key, copies) in &seen {
        if copies.len() > 1 {
            count.duplicates += copies.len() - 1;
            count
                .problems
                .push(format!("template {key:?} exists {} times", copies.len()));
        }
        if !wanted.contains(key) {
            count
                .problems
                .push(format!("template {key:?} is left, not declared"));
        }
    }
    for key in &wanted {
        match seen.get(key).and_then(|c| c.first()) {
            None => {
                count.missing += 1;
                count.problems.push(format!("template {key:?} is missing"));
            }
            Some(t) if changed && key.1 == "t0" => {
                // `Components` as sent: the SDK's list of typed components.
                if !t["components"].to_string().contains("Order on its way") {
                    count
                        .problems
                        .push(format!("{key:?} was not modified: {t}"));
                }
            }
            Some(t) if changed && key.1 == "t1" => {
                if t["allow_send"] != false {
                    count
                        .problems
                        .push(format!("{key:?} may still be sent: {t}"));
                }
            }
            Some(_) => {}
        }
    }
    count
}

/// Creates whose answer was lost and that apply found again by name and language.
pub fn found_again(stderr: &str) -> usize {
    stderr
        .matches("CreateChatappTemplate had gone through")
        .count()
}
