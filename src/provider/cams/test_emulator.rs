//! The CAMS backend's unit tests run against the emulator in process, over real HTTP on
//! 127.0.0.1: one emulator per test, and a client for it whose request lines a test may keep.

use cams_emulator::faults::{FaultKind, Faults};
use cams_emulator::{Config, Emulator, server};
use chanctl_cams::client::{Client, ClientOptions, Log};
use chanctl_cams::sign::Credentials;
use std::sync::{Arc, Mutex};

/// The key every test emulator and client share.
pub fn credentials() -> Credentials {
    Credentials::new("id".to_string(), "secret".to_string())
}

/// An emulator as `config` says (its key: [`credentials`]), serving on 127.0.0.1, and a
/// client for it with `options` (no rate limit of its own unless `options` sets one).
pub async fn client(config: Config, options: ClientOptions) -> Client {
    let emu = Arc::new(Emulator::new(config).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::serve(listener, emu));
    let endpoint = chanctl_cams::endpoint::parse(&url).unwrap();
    Client::new(endpoint, credentials(), options).unwrap()
}

/// A client log that keeps every line in `lines`.
pub fn keep_lines(lines: &Arc<Mutex<Vec<String>>>) -> Log {
    let sink = lines.clone();
    Arc::new(move |l: &str| sink.lock().unwrap().push(l.to_string()))
}

/// A fresh emulator configuration with [`credentials`].
pub fn config() -> Config {
    Config::new(credentials())
}

/// A tokio runtime with two workers, for a test to block on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The first seed under which, of the first `n` requests an emulator faulting with `kind`
/// at `rate` serves, request `at` (from 0) is the only one that faults.
pub fn seed_faulting_only(kind: FaultKind, rate: f64, at: usize, n: usize) -> u64 {
    (1..1_000_000u64)
        .find(|&s| {
            let mut f = Faults::per_kind(s, vec![(kind, rate)]);
            (0..n).all(|i| f.roll().map(|x| x.kind) == (i == at).then_some(kind))
        })
        .expect("a seed")
}

/// A client whose request lines are kept, of an emulator (as `config` says otherwise) that
/// faults with `kind` on request `at` (from 0) and on no other of the first `n`.
pub async fn faulting_only_at(
    kind: FaultKind,
    at: usize,
    n: usize,
    mut config: Config,
    options: ClientOptions,
) -> (Client, Arc<Mutex<Vec<String>>>) {
    const RATE: f64 = 0.1;
    config.fault_rates = vec![(kind, RATE)];
    config.seed = seed_faulting_only(kind, RATE, at, n);
    let lines = Arc::new(Mutex::new(Vec::new()));
    let options = ClientOptions {
        log: Some(keep_lines(&lines)),
        ..options
    };
    (client(config, options).await, lines)
}

/// Create a channel of `channel_type` named `name` (one request); its instance id.
pub async fn create_channel(client: &Client, channel_type: &str, name: &str) -> String {
    let created = client
        .call(
            "CreateInstance",
            &[
                ("ChannelType".into(), channel_type.into()),
                ("InstanceName".into(), name.into()),
            ],
        )
        .await
        .unwrap();
    created.data()["InstanceId"].as_str().unwrap().to_string()
}
