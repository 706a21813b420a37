//! The fault matrix's files: the 200-channel account it sets up and the changes it then
//! applies under faults (see `fault_matrix.rs`), and the bindings both use.

use crate::fault_matrix_templates as templates;

pub const CHANNELS: usize = 200;
const TYPES: [&str; 4] = ["messenger", "instagram", "email", "sms"];

pub fn binding(t: &str, n: usize, fresh: u32) -> Option<serde_json::Value> {
    let base = 10_000 * (1 + 3 * fresh as usize) + n;
    match t {
        "messenger" => Some(serde_json::json!({"page_id": base.to_string()})),
        "instagram" => Some(serde_json::json!({
            "page_id": (base + 10_000).to_string(),
            "instagram_account_id": (base + 20_000).to_string(),
        })),
        "email" => Some(serde_json::json!({"dm_account": format!("m{base}@example.com")})),
        _ => None,
    }
}

fn channel(name: String, t: &str, b: Option<serde_json::Value>) -> serde_json::Value {
    let mut c = serde_json::json!({"name": name, "type": t});
    if let Some(b) = b {
        c["binding"] = b;
    }
    c
}

fn file(channels: Vec<serde_json::Value>) -> String {
    serde_json::json!({"version": 1, "account": {"quota": 400}, "channels": channels}).to_string()
}

/// The setup: 200 channels of four types, bound except two in every twenty, and the
/// WhatsApp channels with their templates.
pub fn setup() -> String {
    let mut channels: Vec<serde_json::Value> = (0..CHANNELS)
        .map(|i| {
            let t = TYPES[i % 4];
            let unbound = matches!(i % 20, 9 | 18);
            channel(
                format!("ch-{i:03}"),
                t,
                (!unbound).then(|| binding(t, i, 0)).flatten(),
            )
        })
        .collect();
    channels.extend((0..templates::CHANNELS).map(|k| templates::channel(k, false)));
    file(channels)
}

/// The changes, in every block of twenty: swaps of bindings between channels of one type
/// (4↔8 messenger, 5↔13 instagram, 6↔10 email), binds (9, 18), rebinds to new resources
/// (1 instagram, 14 email), an unbind (2 email), a description (17), a rename (19); the last twenty channels are
/// deleted (--prune) and twenty new ones created, half of them bound. Returns the file and
/// the names it declares.
pub fn changes() -> (String, Vec<String>) {
    let mut channels = Vec::new();
    let mut names = Vec::new();
    for i in 0..CHANNELS - 20 {
        let t = TYPES[i % 4];
        let block = i - i % 20;
        let swapped = |j: usize| binding(t, block + j, 0);
        let b = match i % 20 {
            4 => swapped(8),
            8 => swapped(4),
            5 => swapped(13),
            13 => swapped(5),
            6 => swapped(10),
            10 => swapped(6),
            // Rebinds to new resources and an unbind, on types whose current binding the API
            // reads back (a Messenger Page that the file no longer names cannot be read, so
            // releasing it is a manual step: tests/cams_backend.rs covers that).
            1 | 14 => binding(t, i, 1),
            2 => None,
            _ => binding(t, i, 0),
        };
        let mut name = format!("ch-{i:03}");
        let mut c = channel(name.clone(), t, b);
        if i % 20 == 17 {
            c["description"] = "changed under faults".into();
        }
        if i % 20 == 19 {
            name = format!("rn-{i:03}");
            c["name"] = name.clone().into();
            c["previously"] = serde_json::json!([format!("ch-{i:03}")]);
        }
        names.push(name);
        channels.push(c);
    }
    for k in 0..20 {
        let t = TYPES[k % 4];
        let name = format!("new-{k:03}");
        let b = (k % 2 == 0).then(|| binding(t, k, 2)).flatten();
        names.push(name.clone());
        channels.push(channel(name, t, b));
    }
    for k in 0..templates::CHANNELS {
        names.push(templates::name(k));
        channels.push(templates::channel(k, true));
    }
    (file(channels), names)
}
