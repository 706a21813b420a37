//! What `validate + plan` costs over parsing alone, measured turn and turn about: each round
//! parses each file, then loads and plans it, every size in every round, so that a machine
//! whose speed drifts (another job, the CPU's clock) slows every figure alike, and the ratios
//! (plan over parse, 10,000 channels over 1,000) compare figures taken at the same time.
//! Criterion measures one after the other, and on a shared machine two of its medians can be
//! taken minutes and 30 % of speed apart.
//!
//!     cargo run --release --example plan_ratio -- 100 1000 10000
//!
//! Prints one line per size: channels, median parse ms, median validate + plan ms, their
//! ratio, and how many of each were timed. `scripts/perf` reads it.

use chanctl::config;
use chanctl::plan::{PlanOptions, Target, build};
use std::hint::black_box;
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
            let live = generator::live_for(&desired);
            (n, text, live)
        })
        .collect();
    let mut times = vec![(Vec::new(), Vec::new()); cases.len()];
    // Each size gets about as much time per round as the largest (a 10,000-channel file once,
    // a 100-channel file 100 times); the first two rounds warm up.
    let largest = sizes.iter().copied().max().unwrap_or(1);
    for round in 0..ROUNDS + 2 {
        for ((n, text, live), (parse, plan)) in cases.iter().zip(&mut times) {
            for _ in 0..(largest / n.max(&1)).max(1) {
                let t = Instant::now();
                black_box(config::yaml::parse(black_box(text)).expect("it parses"));
                let p = t.elapsed().as_secs_f64() * 1e3;
                let t = Instant::now();
                let desired = config::load(black_box(text)).expect("it loads");
                black_box(build(&desired, live, &PlanOptions::new(false, target.clone())).unwrap());
                let q = t.elapsed().as_secs_f64() * 1e3;
                if round >= 2 {
                    parse.push(p);
                    plan.push(q);
                }
            }
        }
    }
    for ((n, ..), (parse, plan)) in cases.iter().zip(times) {
        let rounds = parse.len();
        let (p, q) = (median(parse), median(plan));
        println!("{n} {p:.3} {q:.3} {:.2} {rounds}", q / p);
    }
}

/// Rounds measured (each about three times the largest size's parse and plan).
const ROUNDS: usize = 40;
