//! Generate a channels file of N channels (all six types, bound where the type takes a
//! binding, quota raised to fit), for benchmarks and load tests:
//!
//!     cargo run --release --example gen_channels -- 10000 > /tmp/channels-10000.yaml
//!
//! The benchmarks include this file as a module, for [`generate`] and [`live_for`].

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    print!("{}", generate(n));
}

/// A valid channels file with `n` channels.
pub fn generate(n: usize) -> String {
    let mut out = String::with_capacity(n * 160);
    out.push_str("# yaml-language-server: $schema=../schemas/channels.schema.json\nversion: 1\n");
    out.push_str(&format!("account:\n  quota: {}\nchannels:\n", n.max(1)));
    for i in 0..n {
        let kind = [
            "whatsapp",
            "viber",
            "messenger",
            "instagram",
            "sms",
            "email",
        ][i % 6];
        out.push_str(&format!("  - name: channel-{i:06}\n    type: {kind}\n"));
        out.push_str(&format!("    description: Generated channel number {i}\n"));
        let binding = match kind {
            "whatsapp" => format!(
                "{{waba_id: \"{}\", phone_number: \"+65{:08}\"}}",
                1_000_000 + i,
                80_000_000 + i
            ),
            "viber" => format!("{{business_account: viber-{i}}}"),
            "messenger" => format!("{{page_id: \"{}\"}}", 100_000_000 + i),
            "instagram" => format!(
                "{{page_id: \"{}\", instagram_account_id: \"{}\"}}",
                200_000_000 + i,
                300_000_000 + i
            ),
            "email" => format!("{{dm_account: sender{i}@mail.example.com}}"),
            _ => String::new(),
        };
        if !binding.is_empty() {
            out.push_str(&format!("    binding: {binding}\n"));
        }
    }
    out
}

/// A live account holding half of the channels of `desired` (the even ones), a quarter with a
/// stale description: the state the benchmarks plan against.
#[allow(dead_code)] // used by the benchmarks, not by this example's `main`
pub fn live_for(desired: &chanctl::config::Desired) -> chanctl::model::LiveState {
    use chanctl::rules::{Account, Op};
    let mut account = Account::new(desired.quota);
    for (i, c) in desired.channels.iter().enumerate().step_by(2) {
        let description = if i % 4 == 0 {
            "old".to_string()
        } else {
            c.description.clone()
        };
        let id = account
            .apply(&Op::Create {
                profile: Default::default(),
                name: c.name.clone(),
                channel_type: c.channel_type,
                description,
            })
            .expect("the generated channels fit the quota")
            .expect("a create makes an id");
        if let Some(b) = &c.binding {
            account
                .apply(&Op::Bind {
                    id,
                    binding: b.clone(),
                })
                .expect("the generated bindings are distinct");
        }
    }
    account.snapshot()
}
