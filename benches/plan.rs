//! Validate + plan against the sandbox's rules for generated files of 100, 1,000 and 10,000
//! channels, next to parsing the same text with the YAML crate alone: the plan should cost
//! about what parsing costs. The plan is built as `chanctl plan` builds it (the digests a
//! saved plan keeps are computed only when it is saved or printed as JSON).

use chanctl::config;
use chanctl::plan::{PlanOptions, Target, build_shared};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;

/// Measured with the allocator the `chanctl` binary runs with.
#[global_allocator]
static GLOBAL: chanctl::allocator::Allocator = chanctl::allocator::Allocator;

#[path = "../examples/gen_channels.rs"]
#[allow(dead_code)]
mod generator;

fn bench(c: &mut Criterion) {
    for n in [100usize, 1_000, 10_000] {
        let text = generator::generate(n);
        let desired = config::load(&text).expect("generated files are valid");
        let live = Arc::new(generator::live_for(&desired));
        let target = Target {
            backend: "sandbox".into(),
            account: "bench".into(),
        };
        let mut group = c.benchmark_group(format!("{n}_channels"));
        group.sample_size(if n >= 10_000 { 10 } else { 30 });
        group.bench_function("parse_only", |b| {
            b.iter(|| config::yaml::parse(black_box(&text)).unwrap())
        });
        group.bench_function("validate_and_plan", |b| {
            b.iter(|| {
                let desired = config::load(black_box(&text)).unwrap();
                build_shared(
                    &desired,
                    Arc::clone(&live),
                    &PlanOptions::new(false, target.clone()),
                )
                .unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
