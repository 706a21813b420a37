//! Hostile inputs too large to commit, built in memory: shared by the test that checks they
//! are refused (tests/invalid_fixtures.rs) and the benchmark of how fast (benches/hostile.rs).

/// A file header with the quota raised as far as the schema allows.
pub const HEADER: &str = "version: 1\naccount:\n  quota: 1000000\nchannels:\n";

/// "Billion laughs": nine levels of aliases, each repeating the previous nine times.
pub fn billion_laughs() -> String {
    let mut laughs =
        "version: 1\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n".to_string();
    for (prev, next) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        let items = vec![format!("*{prev}"); 9].join(", ");
        laughs.push_str(&format!("{next}: &{next} [{items}]\n"));
    }
    laughs.push_str("channels: *i\n");
    laughs
}

/// A file of `n` SMS channels.
pub fn many_channels(n: usize) -> String {
    let mut channels = HEADER.to_string();
    for i in 0..n {
        channels.push_str(&format!("  - name: channel-{i:06}\n    type: sms\n"));
    }
    channels
}
