//! What `validate + plan` costs over parsing alone, measured turn and turn about: each round
//! parses each file, then loads and plans it, every size in every round, so that a machine
//! whose speed drifts (another job, the CPU's clock) slows every figure alike, and the ratios
//! (plan over parse, 10,000 channels over 1,000) compare figures taken at the same time.
//! Criterion measures one after the other, and on a shared machine two of its medians can be
//! taken minutes and 30 % of speed apart.
//!
//!     cargo run --release --example plan_ratio -- 100 1000 10000
//!
//! The plan is built as `chanctl plan` builds it, sharing the live state
//! ([`chanctl::plan::build_shared`]): the digests of the live channels that a saved plan keeps
//! are computed only when the plan is saved or printed as JSON. The same, with those digests
//! computed (what `plan --out` and `--format json` also pay), is timed in the same rounds.
//! As in `chanctl plan`, the desired state is freed within the time and the plan is not: the
//! process ends once the plan is shown, and never frees it (`src/cli/plan.rs`); here it is
//! freed after the clock has stopped.
//!
//! Prints one line per size: channels, median parse ms, median validate + plan ms, their
//! ratio, how many of each were timed, and then the median validate + plan ms with the saved
//! plan's digests and its ratio to the parse. `scripts/perf` reads it.

use chanctl::config;
use chanctl::plan::{PlanOptions, Target, build_shared};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

/// Measured with the allocator the `chanctl` binary runs with.
#[global_allocator]
static GLOBAL: chanctl::allocator::Allocator = chanctl::allocator::Allocator;

#[path = "gen_channels.rs"]
#[allow(dead_code)]
mod generator;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number of channels"))
        .collect();
    let target = Target {
        backend: "sandbox".into(),
        account: "bench".into(),
    };
    let cases: Vec<_> = sizes
        .iter()
        .map(|&n| {
            let text = generator::generate(n);
            let desired = config::load(&text).expect("generated files are valid");
            let live = Arc::new(generator::live_for(&desired));
            (n, text, live)
        })
        .collect();
    let mut times = vec![(Vec::new(), Vec::new(), Vec::new()); cases.len()];
    // Each size gets about as much time per round as the largest (a 10,000-channel file once,
    // a 100-channel file 100 times); the first two rounds warm up.
    let largest = sizes.iter().copied().max().unwrap_or(1);
    for round in 0..ROUNDS + 2 {
        for ((n, text, live), (parse, plan, saved)) in cases.iter().zip(&mut times) {
            for _ in 0..(largest / n.max(&1)).max(1) {
                let t = Instant::now();
                black_box(config::yaml::parse(black_box(text)).expect("it parses"));
                let p = t.elapsed().as_secs_f64() * 1e3;
                let t = Instant::now();
                let desired = config::load(black_box(text)).expect("it loads");
                let options = PlanOptions::new(false, target.clone());
                let made = black_box(build_shared(&desired, Arc::clone(live), &options).unwrap());
                drop(desired);
                let q = t.elapsed().as_secs_f64() * 1e3;
                drop(made);
                let t = Instant::now();
                let desired = config::load(black_box(text)).expect("it loads");
                let options = PlanOptions::new(false, target.clone());
                let made = build_shared(&desired, Arc::clone(live), &options).unwrap();
                black_box(made.live.get());
                drop(desired);
                let s = t.elapsed().as_secs_f64() * 1e3;
                drop(made);
                if round >= 2 {
                    parse.push(p);
                    plan.push(q);
                    saved.push(s);
                }
            }
        }
    }
    for ((n, ..), (parse, plan, saved)) in cases.iter().zip(times) {
        let rounds = parse.len();
        let (p, q, s) = (median(parse), median(plan), median(saved));
        println!(
            "{n} {p:.3} {q:.3} {:.2} {rounds} {s:.3} {:.2}",
            q / p,
            s / p
        );
    }
}

/// Rounds measured (each about three times the largest size's parse and plan).
const ROUNDS: usize = 40;
