//! The fault matrix: for 20 seeds, a 200-channel account is set up and then changed (creates,
//! binds, rebinds, swaps of pages between channels, unbinds, renames, deletes with --prune)
//! (and two WhatsApp channels' templates created, modified, given a property, deleted: see
//! `fault_matrix_templates.rs`)
//! through `chanctl --backend cams` against the emulator injecting 5xx, throttling, business
//! errors and ambiguous failures (the change is made, the answer is lost or comes after the
//! client's timeout, or the change commits late, after the client has looked). Every run must
//! converge through apply's own retries, with no channel created twice (no twin left: apply's
//! settle pass removes those late commits leave) and none deleted that the file declares.
//! After every apply the names are counted in the emulator's state and, when
//! `CHANCTL_SDK_PYTHON` names a Python with the official SDK (as `.ci/run` sets it), through
//! the SDK's ListInstance. The counts are printed.
//!
//! Seeds run concurrently, each with its own emulator (`FAULT_MATRIX_PARALLEL`, default 10;
//! `FAULT_MATRIX_SEEDS` narrows the seeds for a quick local run, e.g. `3` or `1-4`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const KEY_ID: &str = "matrix-key-id";
const SECRET: &str = "matrix-secret-0d9c";

use crate::common;
use crate::fault_matrix_files::{CHANNELS, binding, changes, setup};
use crate::fault_matrix_templates as templates;
use common::Emulator;

fn start_emulator(state: &Path, seed: u64) -> Emulator {
    let seed = seed.to_string();
    let mut args: Vec<std::ffi::OsString> = vec![
        "--quota".into(),
        "400".into(),
        "--state".into(),
        state.into(),
    ];
    for a in [
        "--fault-5xx",
        "0.10",
        "--fault-throttle",
        "0.05",
        "--fault-business",
        "0.02",
        "--fault-ambiguous",
        "0.02",
        "--fault-late",
        "0.03",
        "--ambiguous-delay-ms",
        "1500",
        "--seed",
        &seed,
    ] {
        args.push(a.into());
    }
    args.extend(templates::emulator_args().into_iter().map(Into::into));
    // Every Instagram Page `binding` uses is linked to its account on Meta's side.
    for fresh in 0..=1 {
        for n in 0..2 * CHANNELS {
            if let Some(b) = binding("instagram", n, fresh) {
                args.push("--instagram-link".into());
                let (page, account) = (&b["page_id"], &b["instagram_account_id"]);
                args.push(
                    format!(
                        "{}={}",
                        page.as_str().unwrap_or_default(),
                        account.as_str().unwrap_or_default()
                    )
                    .into(),
                );
            }
        }
    }
    Emulator::spawn(KEY_ID, SECRET, args)
}

fn chanctl(dir: &Path, emulator: &Emulator, args: &[&str]) -> Output {
    common::chanctl_with_keys(dir, KEY_ID, SECRET)
        .args(args)
        .args(["--backend", "cams", "--endpoint", &emulator.url])
        .args(["--timeout", "1", "--qps", "25", "--settle-window", "3"])
        .output()
        .expect("run chanctl")
}

/// Channel names in the emulator's state file, with how many channels carry each.
fn live_names(state: &Path) -> BTreeMap<String, usize> {
    let text = std::fs::read_to_string(state).expect("the emulator's state file");
    let value: serde_json::Value = serde_json::from_str(&text).expect("state JSON");
    let mut names = BTreeMap::new();
    for c in value["account"]["channels"]
        .as_object()
        .expect("channels")
        .values()
    {
        let name = c["name"].as_str().unwrap_or_default().to_string();
        *names.entry(name).or_insert(0) += 1;
    }
    names
}

#[derive(Debug, Default, Clone)]
struct Run {
    seed: u64,
    converged: bool,
    duplicates: usize,
    unintended_deletes: usize,
    retries: usize,
    /// Changes whose answer was lost, found done by looking (not sent again).
    settled: usize,
    /// Second copies made by a create whose answer was lost, found and deleted by apply.
    twins_removed: usize,
    /// Template creates whose answer was lost, found again by name and language.
    templates_found_again: usize,
    template_duplicates: usize,
    templates_missing: usize,
    reapplies: usize,
    /// Counts taken through the official SDK, and those that found a twin, listed other
    /// channels than the state holds, or failed.
    sdk_counts: usize,
    sdk_disagrees: usize,
    problems: Vec<String>,
    seconds: u64,
}

/// Apply `file`, again after a failure (counted in `reapplies`); whether it succeeded.
fn apply(dir: &Path, emu: &Emulator, file: &str, prune: bool, run: &mut Run) -> bool {
    let mut args = vec!["-v", "apply", "--auto-approve", "-f", file];
    if prune {
        // --force: the change is large on purpose (past safety.max_change_percent).
        args.extend(["--prune", "--force"]);
    }
    for attempt in 0..3 {
        let out = chanctl(dir, emu, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        run.retries += stderr.matches("retrying").count();
        run.settled += stderr.matches("had gone through").count();
        run.twins_removed += stderr.matches("removed a duplicate of").count();
        run.templates_found_again += templates::found_again(&stderr);
        if stderr.contains(SECRET) {
            run.problems.push("the secret leaked".into());
        }
        if out.status.success() {
            return true;
        }
        run.reapplies += 1;
        let tail: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains('✗') || l.starts_with("error"))
            .take(5)
            .collect();
        run.problems.push(format!(
            "{file}: apply {} exited {:?}: {}",
            attempt + 1,
            out.status.code(),
            tail.join(" | ")
        ));
        for action in tail.iter().filter_map(|l| failed_action(l)) {
            run.problems.push(trail(&stderr, action));
        }
    }
    false
}

/// The operation a failed step's line names (`✗ bind ch-089: Transport: BindInstagramPage:
/// connection failed ...`): the first word of the message that looks like one.
fn failed_action(line: &str) -> Option<&str> {
    line.split(": ").skip(1).find(|w| {
        w.len() > 3
            && *w != "Transport"
            && w.starts_with(|c: char| c.is_ascii_uppercase())
            && w.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// The last lines of `-v` output about `action` that are not a request sent or a success
/// (its failures, retries and looks), so that a failed step can be read after the fact.
fn trail(stderr: &str, action: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(action) && !l.starts_with("→") && !l.contains(" 200 OK"))
        .collect();
    let from = lines.len().saturating_sub(12);
    format!(
        "  the last {} lines of -v about {action}:\n      {}",
        lines.len() - from,
        lines[from..].join("\n      ")
    )
}

/// `plan --detailed-exitcode` is 0 (a read that fails through every retry is tried again).
fn plan_is_empty(dir: &Path, emu: &Emulator, file: &str, run: &mut Run) -> bool {
    for _ in 0..3 {
        let out = chanctl(
            dir,
            emu,
            &["plan", "--detailed-exitcode", "--prune", "-f", file],
        );
        match out.status.code() {
            Some(0) => return true,
            Some(2) => {
                run.problems.push(format!(
                    "{file}: plan after apply is not empty:\n{}",
                    String::from_utf8_lossy(&out.stdout)
                ));
                return false;
            }
            _ => {}
        }
    }
    run.problems
        .push(format!("{file}: plan failed three times"));
    false
}

/// Channel names as the official SDK lists them (`tests/sdk/count_names.py`), when
/// `CHANCTL_SDK_PYTHON` names a Python with the SDK installed (as `.ci/run` sets it).
fn sdk_names(emu: &Emulator) -> Option<Result<BTreeMap<String, usize>, String>> {
    let python = std::env::var_os("CHANCTL_SDK_PYTHON")?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/count_names.py");
    let out = std::process::Command::new(python)
        .arg(script)
        .args([
            "--endpoint",
            emu.host(),
            "--key-id",
            KEY_ID,
            "--secret",
            SECRET,
        ])
        .output();
    Some(match out {
        Ok(o) if o.status.success() => {
            serde_json::from_slice(&o.stdout).map_err(|e| format!("count_names.py: {e}"))
        }
        Ok(o) => Err(format!(
            "count_names.py: {}",
            String::from_utf8_lossy(&o.stderr)
        )),
        Err(e) => Err(format!("count_names.py: {e}")),
    })
}

/// Duplicates and missing channels, against the names the file declares: in the emulator's
/// state, and as the official SDK lists them when it is at hand.
fn count_live(state: &Path, emu: &Emulator, declared: &[String], run: &mut Run) {
    let live = live_names(state);
    match sdk_names(emu) {
        None => {}
        Some(Ok(listed)) => {
            run.sdk_counts += 1;
            if listed != live {
                run.sdk_disagrees += 1;
                run.problems
                    .push("the official SDK lists other channels than the state holds".into());
            }
            for (name, n) in listed.iter().filter(|(_, n)| **n > 1) {
                run.sdk_disagrees += 1;
                run.problems
                    .push(format!("the official SDK lists `{name}` {n} times"));
            }
        }
        Some(Err(e)) => {
            run.sdk_disagrees += 1;
            run.problems.push(e);
        }
    }
    for (name, n) in &live {
        if *n > 1 {
            run.duplicates += n - 1;
            run.problems.push(format!("`{name}` exists {n} times"));
        }
    }
    for name in declared {
        if !live.contains_key(name) {
            run.unintended_deletes += 1;
            run.problems.push(format!("`{name}` is missing"));
        }
    }
}

/// The templates in the emulator's state against the file (see `fault_matrix_templates.rs`):
/// whether they are as declared.
fn count_templates(state: &Path, changed: bool, run: &mut Run) -> bool {
    let count = templates::count(state, changed);
    run.template_duplicates += count.duplicates;
    run.templates_missing += count.missing;
    let clean = count.problems.is_empty();
    run.problems.extend(count.problems);
    clean
}

fn run_seed(seed: u64) -> Run {
    let started = Instant::now();
    let mut run = Run {
        seed,
        ..Run::default()
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let state = dir.join("emulator.json");
    let emu = start_emulator(&state, seed);
    std::fs::write(dir.join("setup.yaml"), setup()).unwrap();
    let (second, declared) = changes();
    std::fs::write(dir.join("channels.yaml"), second).unwrap();
    let setup_names: Vec<String> = (0..CHANNELS)
        .map(|i| format!("ch-{i:03}"))
        .chain((0..templates::CHANNELS).map(templates::name))
        .collect();

    let mut converged = apply(dir, &emu, "setup.yaml", false, &mut run)
        && plan_is_empty(dir, &emu, "setup.yaml", &mut run);
    count_live(&state, &emu, &setup_names, &mut run);
    converged &= count_templates(&state, false, &mut run);
    converged &= apply(dir, &emu, "channels.yaml", true, &mut run)
        && plan_is_empty(dir, &emu, "channels.yaml", &mut run);
    count_live(&state, &emu, &declared, &mut run);
    converged &= count_templates(&state, true, &mut run);
    let live = live_names(&state);
    let extra: Vec<&String> = live.keys().filter(|n| !declared.contains(n)).collect();
    if !extra.is_empty() {
        converged = false;
        run.problems
            .push(format!("channels left that --prune deletes: {extra:?}"));
    }
    run.converged = converged;
    run.seconds = started.elapsed().as_secs();
    run
}

fn seeds() -> Vec<u64> {
    match std::env::var("FAULT_MATRIX_SEEDS") {
        Ok(s) => match s.split_once('-') {
            Some((a, b)) => {
                (a.trim().parse().unwrap_or(1)..=b.trim().parse().unwrap_or(20)).collect()
            }
            None => vec![s.trim().parse().unwrap_or(1)],
        },
        Err(_) => (1..=20).collect(),
    }
}

#[test]
fn every_seed_converges_without_duplicates_or_lost_channels() {
    let (second, declared) = changes();
    assert_eq!(declared.len(), CHANNELS + templates::CHANNELS);
    assert!(second.contains("rn-019") && second.contains("new-019"));
    let started = Instant::now();
    let parallel: usize = std::env::var("FAULT_MATRIX_PARALLEL")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(10);
    let queue = Arc::new(Mutex::new(seeds()));
    let runs = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..parallel.max(1))
        .map(|_| {
            let queue = queue.clone();
            let runs = runs.clone();
            std::thread::spawn(move || {
                loop {
                    let Some(seed) = queue.lock().unwrap().pop() else {
                        return;
                    };
                    let run = run_seed(seed);
                    runs.lock().unwrap().push(run);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("a seed's thread");
    }
    let mut runs = std::mem::take(&mut *runs.lock().unwrap());
    runs.sort_by_key(|r| r.seed);
    let sum = |f: fn(&Run) -> usize| runs.iter().map(f).sum::<usize>();
    let converged = runs.iter().filter(|r| r.converged).count();
    println!(
        "fault matrix: runs {}, converged {converged}, duplicates {}, unintended deletes {}, template duplicates {}, templates missing {}, template creates found again by name and language {}, retries seen {}, ambiguous changes settled by looking {}, second copies removed {}, re-applies {}, counts through the official SDK {} ({} s)",
        runs.len(),
        sum(|r| r.duplicates),
        sum(|r| r.unintended_deletes),
        sum(|r| r.template_duplicates),
        sum(|r| r.templates_missing),
        sum(|r| r.templates_found_again),
        sum(|r| r.retries),
        sum(|r| r.settled),
        sum(|r| r.twins_removed),
        sum(|r| r.reapplies),
        sum(|r| r.sdk_counts),
        started.elapsed().as_secs()
    );
    for r in &runs {
        println!(
            "  seed {:>2}: converged {}, retries {}, re-applies {}, {} s",
            r.seed, r.converged, r.retries, r.reapplies, r.seconds
        );
        for p in &r.problems {
            println!("    {p}");
        }
    }
    assert_eq!(converged, runs.len(), "every run converges");
    if std::env::var_os("CHANCTL_SDK_PYTHON").is_some() {
        assert_eq!(
            sum(|r| r.sdk_counts),
            2 * runs.len(),
            "counted through the SDK"
        );
        assert_eq!(sum(|r| r.sdk_disagrees), 0, "the SDK sees no twin");
    }
    assert_eq!(sum(|r| r.duplicates), 0, "no channel is created twice");
    assert_eq!(
        sum(|r| r.unintended_deletes),
        0,
        "no declared channel is lost"
    );
    assert_eq!(
        sum(|r| r.template_duplicates),
        0,
        "no template is created twice"
    );
    assert_eq!(
        sum(|r| r.templates_missing),
        0,
        "no declared template is lost"
    );
    assert_eq!(
        sum(|r| r.reapplies),
        0,
        "apply converges through its own retries, without being run again"
    );
    assert!(
        sum(|r| r.retries) > 0,
        "the faults were injected and retried"
    );
    // Two seeds lose a few template creates' answers already (4 in seeds 1 and 2): the whole
    // matrix must have met some, and found them again by name and language.
    if runs.len() >= 10 {
        assert!(
            sum(|r| r.templates_found_again) > 0,
            "no template create's answer was lost and found again"
        );
    }
}

#[test]
fn a_failed_steps_operation_and_its_trail_are_read_from_its_lines() {
    let line = "  ✗ bind ch-089: Transport: BindInstagramPage: connection failed: the connection broke before an answer came (http://127.0.0.1:36081)";
    assert_eq!(failed_action(line), Some("BindInstagramPage"));
    assert_eq!(
        failed_action("  ✗ delete ch-001: Throttling.User: DeleteInstance: later"),
        Some("DeleteInstance")
    );
    let stderr = "→ BindInstagramPage InstanceId=a\n← BindInstagramPage 200 OK (1 ms)\n  retrying BindInstagramPage in 100 ms: x\n→ ListInstance PageIndex=1\n";
    let trail = trail(stderr, "BindInstagramPage");
    assert!(
        trail.contains("the last 1 lines") && trail.contains("retrying"),
        "{trail}"
    );
}
