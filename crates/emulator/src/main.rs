//! `cams-emulator`: serve the local CAMS emulator ([`cams_emulator`]) on an address, for
//! tests of the CAMS backend and of the official SDKs without an Alibaba Cloud account.
//!
//! Prints exactly one line, `listening on http://ADDR`, once it accepts connections (with
//! `--listen 127.0.0.1:0` ADDR has the port the system picked), then serves until killed.

use cams_emulator::args::{Args, config};
use cams_emulator::{Config, Emulator, server};
use clap::Parser;
use std::io::Write;
use std::sync::Arc;

/// A local emulator of Alibaba Cloud CAMS (API 2020-06-06).
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
