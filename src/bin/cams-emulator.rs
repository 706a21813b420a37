//! `cams-emulator`: serve the local CAMS emulator ([`chanctl::emulator`]) on an address, for
//! tests of the CAMS backend and of the official SDKs without an Alibaba Cloud account.
//!
//! Prints exactly one line, `listening on http://ADDR`, once it accepts connections (with
//! `--listen 127.0.0.1:0` ADDR has the port the system picked), then serves until killed.

use chanctl::cams::sign::Credentials;
use chanctl::emulator::faults::FaultKind;
use chanctl::emulator::{Config, Emulator, server};
use clap::Parser;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A local emulator of Alibaba Cloud CAMS (API 2020-06-06).
#[derive(Parser)]
#[command(name = "cams-emulator", version)]
struct Args {
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
    /// Fault kinds to inject: unavailable, throttle, business, drop, delay (default: all).
    #[arg(long, value_delimiter = ',')]
    faults: Vec<String>,
    /// Channel quota of the account (default: the stored one, or 100).
    #[arg(long)]
    quota: Option<u32>,
    /// How long a Viber audit takes, in milliseconds; 0 approves on the first query.
    #[arg(long, default_value_t = 0)]
    viber_audit_ms: u64,
    /// How long a `delay` fault holds the answer back, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    ambiguous_delay_ms: u64,
}

fn config(args: Args) -> Result<(String, Config), String> {
    if !(0.0..=1.0).contains(&args.fault_rate) {
        return Err(format!(
            "--fault-rate must be between 0 and 1, not {}",
            args.fault_rate
        ));
    }
    let mut kinds = Vec::new();
    for name in &args.faults {
        kinds.push(FaultKind::parse(name).ok_or_else(|| {
            format!("unknown fault kind `{name}` (unavailable, throttle, business, drop, delay)")
        })?);
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
    config.viber_audit_ms = args.viber_audit_ms;
    config.ambiguous_delay = Duration::from_millis(args.ambiguous_delay_ms);
    Ok((args.listen, config))
}

async fn run(listen: String, config: Config) -> Result<(), String> {
    let emulator = Arc::new(Emulator::new(config)?);
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{addr}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    drop(out);
    tokio::select! {
        served = server::serve(listener, emulator) => served.map_err(|e| format!("serving failed: {e}")),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let outcome = config(args).and_then(|(listen, config)| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?
            .block_on(run(listen, config))
    });
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cams-emulator: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
