//! How fast hostile input is refused: `config::load` (and the rendering of its diagnostics)
//! on the inputs that `tests/invalid_fixtures.rs` only checks are refused at all. Each should
//! take well under a second in a release build; the test's timeout is only a hang guard.
//!
//!     cargo bench --bench hostile

use chanctl::config;
use chanctl::diagnostic::Report;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// Measured with the allocator the `chanctl` binary runs with.
#[global_allocator]
static GLOBAL: chanctl::allocator::Allocator = chanctl::allocator::Allocator;

#[path = "../tests/common/hostile.rs"]
mod hostile;

fn inputs() -> Vec<(&'static str, String)> {
    let header = hostile::HEADER;
    let laughs = hostile::billion_laughs();
    let channels = hostile::many_channels(100_000);
    vec![
        (
            "ten_megabyte_string",
            format!(
                "{header}  - name: \"{}\"\n    type: sms\n",
                "a".repeat(10 * 1024 * 1024)
            ),
        ),
        (
            "thousand_deep_lists",
            format!("{header}  - {}{}\n", "[".repeat(1000), "]".repeat(1000)),
        ),
        (
            "thousand_deep_block_mappings",
            format!(
                "version: 1\nchannels: []\nx:\n{}",
                (1..=1000)
                    .map(|i| format!("{}k:\n", " ".repeat(i)))
                    .collect::<String>()
            ),
        ),
        ("billion_laughs", laughs),
        ("hundred_thousand_channels", channels),
    ]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    for (name, text) in inputs() {
        group.bench_function(name, |b| {
            b.iter(|| {
                let diagnostics = config::load(black_box(&text)).expect_err("refused");
                let report = Report {
                    file_name: "hostile.yaml".to_string(),
                    source: text.as_str().into(),
                    diagnostics,
                };
                black_box(report.short_lines())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
