//! The emulator's command line, parsed into a [`Config`]: used by the `cams-emulator` binary
//! and by tests that start an emulator in their own process with the same flags.

use crate::Config;
use crate::faults::FaultKind;
use chanctl_cams::sign::Credentials;
use clap::Parser;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "cams-emulator", version)]
pub struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// The AccessKey id requests must be signed with.
    #[arg(long)]
    access_key_id: String,
    /// The AccessKey secret requests must be signed with.
    #[arg(long, hide_env_values = true)]
    access_key_secret: String,
    /// Require this STS security token (default: any or none).
    #[arg(long)]
    security_token: Option<String>,
    /// Keep the account in this file (loaded at start, saved atomically after every change).
    #[arg(long)]
    state: Option<PathBuf>,
    /// Delay every response by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Requests per second per action (token bucket); excess gets Throttling.User. 0: no limit.
    #[arg(long, default_value_t = 0)]
    qps: u32,
    /// Probability (0 to 1) of injecting a fault into a request.
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Seed of the fault generator (same seed, same faults).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Fault kinds to inject: unavailable, throttle, business, drop, delay, late (default: all
    /// but late).
    #[arg(long, value_delimiter = ',')]
    faults: Vec<String>,
    /// Rate of 503 ServiceUnavailable (nothing done); replaces --fault-rate.
    #[arg(long = "fault-5xx", value_name = "F")]
    fault_5xx: Option<f64>,
    /// Rate of Throttling.User (nothing done); replaces --fault-rate.
    #[arg(long, value_name = "F")]
    fault_throttle: Option<f64>,
    /// Rate of HTTP 200 with an error code (nothing done); replaces --fault-rate.
    #[arg(long, value_name = "F")]
    fault_business: Option<f64>,
    /// Rate of ambiguous failures (the change is made, the answer is lost), half dropped
    /// connections and half answers held back; replaces --fault-rate.
    #[arg(long, value_name = "F")]
    fault_ambiguous: Option<f64>,
    /// Rate of dropped connections after the change is made; replaces --fault-rate.
    #[arg(long, value_name = "F")]
    fault_drop: Option<f64>,
    /// Rate of answers held back after the change is made; replaces --fault-rate.
    #[arg(long, value_name = "F")]
    fault_delay: Option<f64>,
    /// Rate of late changes: held back --ambiguous-delay-ms, the connection dropped, then
    /// committed (still in flight when the client looks); replaces --fault-rate.
    #[arg(long, value_name = "F")]
    fault_late: Option<f64>,
    /// Channel quota of the account (default: the stored one, or 100).
    #[arg(long)]
    quota: Option<u32>,
    /// How long a Viber audit takes, in milliseconds; 0 approves on the first query.
    #[arg(long, default_value_t = 0)]
    viber_audit_ms: u64,
    /// The `State` ListViberServiceMessage writes once a Viber audit passed, as the service
    /// would (e.g. `stop`); by default none, as which states it writes is not documented.
    #[arg(long, value_name = "STATE", default_value = "")]
    viber_service_state: String,
    /// How long a `delay` fault holds the answer back, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    ambiguous_delay_ms: u64,
    /// An embedded signup a person did: WABA=CHANNEL:+NUMBER[,+NUMBER...] (repeatable).
    #[arg(long, value_name = "WABA=CHANNEL:NUMBERS")]
    signup: Vec<String>,
    /// The one-time code GetChatappVerifyCode "sends" to a number (default 123456): what a
    /// test types in as the person who received it.
    #[arg(long, value_name = "CODE")]
    phone_code: Option<String>,
    /// The quality rating Meta gives a verified number: +NUMBER=RATING, e.g. `RED`
    /// (repeatable; the others are GREEN).
    #[arg(long, value_name = "NUMBER=RATING")]
    number_quality: Vec<String>,
    /// A Facebook Page linked to an Instagram account: PAGE=ACCOUNT (repeatable).
    #[arg(long, value_name = "PAGE=ACCOUNT")]
    instagram_link: Vec<String>,
    /// The `ConnectionStatus` ListInstagramPage writes for a Page: PAGE=STATUS (repeatable;
    /// `Connected` otherwise), e.g. `Disconnected`, one of the documented values.
    #[arg(long, value_name = "PAGE=STATUS")]
    page_connection: Vec<String>,
    /// Append every request (action, parameter names) and reply to FILE, one JSON line each.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// How template reviews end: approve, reject or hold (never end).
    #[arg(long, default_value = "approve", value_name = "MODE")]
    template_review: String,
    /// How long a template review takes, in milliseconds; 0 decides it on the first read.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    template_review_ms: u64,
    /// A template name whose reviews fail, with the reason given: NAME=REASON (repeatable).
    #[arg(long, value_name = "NAME=REASON")]
    template_reject: Vec<String>,
    /// Every temporary key (STS, instance role) lasts this many seconds, whatever was asked.
    #[arg(long, value_name = "SECS")]
    sts_lifetime_secs: Option<u64>,
    /// An OIDC token STS AssumeRoleWithOIDC accepts (repeatable).
    #[arg(long, value_name = "TOKEN", hide_env_values = true)]
    oidc_token: Vec<String>,
    /// Serve this RAM role on the instance metadata routes (/latest/...).
    #[arg(long, value_name = "NAME")]
    ecs_role: Option<String>,
}

pub fn config(args: Args) -> Result<(String, Config), String> {
    if !(0.0..=1.0).contains(&args.fault_rate) {
        return Err(format!(
            "--fault-rate must be between 0 and 1, not {}",
            args.fault_rate
        ));
    }
    let mut kinds = Vec::new();
    for name in &args.faults {
        kinds.push(FaultKind::parse(name).ok_or_else(|| {
            format!(
                "unknown fault kind `{name}` (unavailable, throttle, business, drop, delay, late)"
            )
        })?);
    }
    let ambiguous = args.fault_ambiguous.map(|r| r / 2.0);
    let per_kind = [
        ("--fault-5xx", FaultKind::Unavailable, args.fault_5xx),
        ("--fault-throttle", FaultKind::Throttle, args.fault_throttle),
        ("--fault-business", FaultKind::Business, args.fault_business),
        ("--fault-drop", FaultKind::Drop, args.fault_drop),
        ("--fault-delay", FaultKind::Delay, args.fault_delay),
        ("--fault-late", FaultKind::Late, args.fault_late),
        ("--fault-ambiguous", FaultKind::Drop, ambiguous),
        ("--fault-ambiguous", FaultKind::Delay, ambiguous),
    ];
    let mut rates = Vec::new();
    for (flag, kind, rate) in per_kind {
        let Some(rate) = rate else { continue };
        if !(0.0..=1.0).contains(&rate) {
            return Err(format!("{flag} must be between 0 and 1, not {rate}"));
        }
        rates.push((kind, rate));
    }
    if !rates.is_empty() && (args.fault_rate > 0.0 || !kinds.is_empty()) {
        return Err(
            "give either --fault-rate (with --faults) or per-kind rates (--fault-5xx, ...), not both"
                .to_string(),
        );
    }
    let total: f64 = rates.iter().map(|(_, r)| r).sum();
    if total > 1.0 {
        return Err(format!(
            "the per-kind fault rates add up to {total}, more than 1"
        ));
    }
    let mut creds = Credentials::new(args.access_key_id, args.access_key_secret);
    creds.security_token = args.security_token;
    let mut config = Config::new(creds);
    config.state = args.state;
    config.quota = args.quota;
    config.latency = Duration::from_millis(args.latency_ms);
    config.qps = args.qps;
    config.fault_rate = args.fault_rate;
    config.seed = args.seed;
    if !kinds.is_empty() {
        config.fault_kinds = kinds;
    }
    config.fault_rates = rates;
    config.viber_audit_ms = args.viber_audit_ms;
    config.viber_service_state = args.viber_service_state;
    config.ambiguous_delay = Duration::from_millis(args.ambiguous_delay_ms);
    config.record = args.record;
    config.sts.lifetime = match args.sts_lifetime_secs {
        Some(0) => return Err("--sts-lifetime-secs must be at least 1".to_string()),
        secs => secs.map(Duration::from_secs),
    };
    config.sts.oidc_tokens = args.oidc_token;
    config.sts.ecs_role = args.ecs_role;
    for s in &args.signup {
        config.meta.signups.push(crate::meta::parse_signup(s)?);
    }
    config.review.mode = crate::operations::templates::ReviewMode::parse(&args.template_review)?;
    config.review.after_ms = args.template_review_ms;
    for r in &args.template_reject {
        let (name, reason) = r
            .split_once('=')
            .ok_or_else(|| format!("--template-reject takes NAME=REASON, not `{r}`"))?;
        config
            .review
            .reject
            .push((name.to_string(), reason.to_string()));
    }
    if let Some(code) = &args.phone_code
        && (code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("--phone-code takes digits, not `{code}`"));
    }
    config.meta.phone_code = args.phone_code;
    for q in &args.number_quality {
        match q.split_once('=') {
            Some((number, rating)) if number.starts_with('+') && !rating.is_empty() => {
                config
                    .meta
                    .quality
                    .insert(number.to_string(), rating.to_string());
            }
            _ => return Err(format!("--number-quality takes +NUMBER=RATING, not `{q}`")),
        }
    }
    for c in &args.page_connection {
        match c.split_once('=') {
            Some((page, status)) if !page.is_empty() && !status.is_empty() => {
                config
                    .meta
                    .connection
                    .insert(page.to_string(), status.to_string());
            }
            _ => return Err(format!("--page-connection takes PAGE=STATUS, not `{c}`")),
        }
    }
    for l in &args.instagram_link {
        let (page, account) = crate::meta::parse_link(l)?;
        config.meta.instagram.insert(page, account);
    }
    Ok((args.listen, config))
}
