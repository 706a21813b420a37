//! Flow control and fault injection, so that clients can be tested against the failures the
//! real service produces: throttling, 5xx, 200-with-an-error-code, and the ambiguous ones
//! where the change was made but the answer never arrives.
//!
//! Faults are drawn from a seeded xorshift generator, so a given `--seed` replays the same
//! sequence of faults for the same sequence of requests. Either one rate spread evenly over
//! the enabled kinds (`--fault-rate`), or a rate per kind (`--fault-5xx`, `--fault-ambiguous`,
//! ...), so that a fault matrix can weigh the kinds as the real service does.

use std::collections::HashMap;
use std::time::Instant;

/// A token bucket per action: `qps` tokens per second, bursts of up to `qps`.
#[derive(Debug)]
pub struct Throttle {
    qps: u32,
    buckets: HashMap<String, (f64, Instant)>,
}

impl Throttle {
    /// `qps` 0 admits everything.
    pub fn new(qps: u32) -> Self {
        Throttle {
            qps,
            buckets: HashMap::new(),
        }
    }

    /// Take a token for `action`; false when its bucket is empty. The rate is `--qps`, or the
    /// operation's documented rate when it is lower (or `--qps` is 0).
    pub fn admit(&mut self, action: &str, now: Instant) -> bool {
        let qps = chanctl_cams::limits::pace(action, self.qps);
        if qps == 0 {
            return true;
        }
        let rate = f64::from(qps);
        let (tokens, last) = self
            .buckets
            .entry(action.to_string())
            .or_insert((rate, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * rate).min(rate);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// xorshift64*: tiny, deterministic, good enough to pick faults.
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        // Spread the seed; the state must never be zero.
        let s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x2545_f491_4f6c_dd1d;
        XorShift(if s == 0 { 1 } else { s })
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The kinds of fault `--faults` can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// 503 ServiceUnavailable; nothing done.
    Unavailable,
    /// 400 Throttling.User, half of them with `x-acs-retry-after`; nothing done.
    Throttle,
    /// HTTP 200, `Code: ERR-COMMON-001`, `Success: false`; nothing done.
    Business,
    /// The change is made, then the connection is closed without an answer.
    Drop,
    /// The change is made, then the answer is held back past a client's timeout.
    Delay,
    /// The change is made only after the answer has been given up on: the request is held
    /// back, the connection dropped, and the change committed later (a request still in
    /// flight when the client looks). Not among the default kinds.
    Late,
}

impl FaultKind {
    /// Every kind `--faults` knows.
    pub const ALL: [FaultKind; 6] = [
        FaultKind::Unavailable,
        FaultKind::Throttle,
        FaultKind::Business,
        FaultKind::Drop,
        FaultKind::Delay,
        FaultKind::Late,
    ];

    /// The kinds injected when `--faults` is not given.
    pub const DEFAULT: [FaultKind; 5] = [
        FaultKind::Unavailable,
        FaultKind::Throttle,
        FaultKind::Business,
        FaultKind::Drop,
        FaultKind::Delay,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Unavailable => "unavailable",
            FaultKind::Throttle => "throttle",
            FaultKind::Business => "business",
            FaultKind::Drop => "drop",
            FaultKind::Delay => "delay",
            FaultKind::Late => "late",
        }
    }

    pub fn parse(s: &str) -> Option<FaultKind> {
        FaultKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s.trim()))
    }

    /// Whether the operation is still carried out.
    pub fn commits(self) -> bool {
        matches!(self, FaultKind::Drop | FaultKind::Delay | FaultKind::Late)
    }
}

/// One drawn fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    /// For a throttle: the `x-acs-retry-after` to send, in milliseconds.
    pub retry_after_ms: Option<u64>,
}

/// Draws faults at a rate from the enabled kinds, or at a rate per kind.
#[derive(Debug)]
pub struct Faults {
    rate: f64,
    kinds: Vec<FaultKind>,
    /// Per-kind rates; when not empty they replace `rate` and `kinds`.
    rates: Vec<(FaultKind, f64)>,
    rng: XorShift,
}

fn probability(rate: f64) -> f64 {
    if rate.is_finite() {
        rate.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

impl Faults {
    pub fn new(rate: f64, seed: u64, kinds: Vec<FaultKind>) -> Self {
        Faults {
            rate: probability(rate),
            kinds,
            rates: Vec::new(),
            rng: XorShift::new(seed),
        }
    }

    /// A rate per kind: each request draws once; kind `k` is injected with probability
    /// `rates[k]`. Rates that add up to more than 1 are scaled down to 1 in total.
    pub fn per_kind(seed: u64, rates: Vec<(FaultKind, f64)>) -> Self {
        let mut rates: Vec<(FaultKind, f64)> = rates
            .into_iter()
            .map(|(k, r)| (k, probability(r)))
            .filter(|(_, r)| *r > 0.0)
            .collect();
        let total: f64 = rates.iter().map(|(_, r)| r).sum();
        if total > 1.0 {
            for (_, r) in &mut rates {
                *r /= total;
            }
        }
        Faults {
            rate: 0.0,
            kinds: Vec::new(),
            rates,
            rng: XorShift::new(seed),
        }
    }

    fn pick(&mut self) -> Option<FaultKind> {
        if !self.rates.is_empty() {
            let mut draw = self.rng.next_f64();
            for (kind, rate) in &self.rates {
                if draw < *rate {
                    return Some(*kind);
                }
                draw -= rate;
            }
            return None;
        }
        if self.rate <= 0.0 || self.kinds.is_empty() {
            return None;
        }
        if self.rng.next_f64() >= self.rate {
            return None;
        }
        let pick = (self.rng.next_u64() % self.kinds.len() as u64) as usize;
        self.kinds.get(pick).copied()
    }

    /// The fault for the next request, if any.
    pub fn roll(&mut self) -> Option<Fault> {
        let kind = self.pick()?;
        let retry_after_ms = (kind == FaultKind::Throttle && self.rng.next_u64().is_multiple_of(2))
            .then(|| 100 + self.rng.next_u64() % 400);
        Some(Fault {
            kind,
            retry_after_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_bucket_refills_at_the_rate() {
        let mut t = Throttle::new(2);
        let t0 = Instant::now();
        assert!(t.admit("A", t0));
        assert!(t.admit("A", t0));
        assert!(!t.admit("A", t0));
        assert!(t.admit("B", t0), "buckets are per action");
        assert!(t.admit("A", t0 + Duration::from_millis(500)));
        assert!(Throttle::new(0).admit("A", t0));
    }

    #[test]
    fn faults_are_deterministic_and_near_the_rate() {
        let draw = |seed| {
            let mut f = Faults::new(0.3, seed, FaultKind::ALL.to_vec());
            (0..1000).map(|_| f.roll()).collect::<Vec<_>>()
        };
        let a = draw(7);
        assert_eq!(a, draw(7));
        assert_ne!(a, draw(8));
        let n = a.iter().filter(|f| f.is_some()).count();
        assert!((200..400).contains(&n), "{n}");
        for k in FaultKind::ALL {
            assert!(a.iter().flatten().any(|f| f.kind == k), "{k:?}");
        }
        assert!(
            Faults::new(0.0, 1, FaultKind::ALL.to_vec())
                .roll()
                .is_none()
        );
    }

    #[test]
    fn per_kind_rates_are_each_near_their_rate() {
        let rates = vec![
            (FaultKind::Unavailable, 0.10),
            (FaultKind::Throttle, 0.05),
            (FaultKind::Drop, 0.02),
        ];
        let mut f = Faults::per_kind(3, rates.clone());
        let draws: Vec<_> = (0..20_000).map(|_| f.roll()).collect();
        for (kind, rate) in rates {
            let n = draws.iter().flatten().filter(|d| d.kind == kind).count() as f64;
            let expected = rate * 20_000.0;
            assert!(
                (n - expected).abs() < expected * 0.2,
                "{kind:?}: {n} injected, about {expected} expected"
            );
        }
        assert!(
            !draws
                .iter()
                .flatten()
                .any(|d| matches!(d.kind, FaultKind::Business | FaultKind::Delay)),
            "kinds without a rate are never injected"
        );
        // Over-full rates are scaled to a total of 1: every request fails.
        let mut full = Faults::per_kind(
            1,
            vec![(FaultKind::Unavailable, 0.8), (FaultKind::Throttle, 0.8)],
        );
        assert!((0..100).all(|_| full.roll().is_some()));
    }
}
