//! The apply lock's unit tests: taking, waiting for and taking over locks in a temporary
//! directory, durations, the CI warning and where locks live.

use super::*;

fn key() -> Key {
    Key {
        account: "cams http://127.0.0.1:9".into(),
        environment: Some("prod".into()),
    }
}

fn at_once() -> Wait<'static> {
    Wait {
        timeout: Duration::ZERO,
        on_wait: Box::leak(Box::new(|_: &str| {})),
    }
}

#[test]
fn a_second_acquire_fails_naming_the_holder_and_drop_releases() {
    let dir = tempfile::tempdir().unwrap();
    let guard = acquire(dir.path(), &key(), "apply", 900, at_once(), &mut |_| {}).unwrap();
    assert!(guard.path().exists());
    assert!(matches!(status(guard.path()), Status::Held(_)));
    let err = acquire(dir.path(), &key(), "apply", 900, at_once(), &mut |_| {}).unwrap_err();
    assert!(
        err.contains(&format!("pid {}", std::process::id())),
        "{err}"
    );
    assert!(err.contains("environment prod"), "{err}");
    assert!(err.contains("--lock-timeout"), "{err}");
    let other_env = Key {
        environment: None,
        ..key()
    };
    assert!(acquire(dir.path(), &other_env, "apply", 900, at_once(), &mut |_| {}).is_ok());
    let path = guard.path().to_path_buf();
    drop(guard);
    assert!(matches!(status(&path), Status::Free));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "",
        "emptied, not removed"
    );
}

fn write_holder(dir: &Path, h: &Holder) -> PathBuf {
    let path = dir.join(key().file_name());
    std::fs::write(&path, serde_json::to_vec(h).unwrap()).unwrap();
    path
}

fn holder(host: &str, pid: u32, since: i64) -> Holder {
    Holder {
        user: "someone".into(),
        host: host.into(),
        pid,
        since,
        since_text: "then".into(),
        ttl_secs: 900,
        operation: "apply".into(),
        account: key().account,
        environment: key().environment,
        token: "t".into(),
    }
}

#[test]
fn a_lock_file_whose_os_lock_is_free_is_stale_whoever_wrote_it() {
    let dir = tempfile::tempdir().unwrap();
    // This very process, another host, a fresh lock: no OS lock, so stale at once.
    for h in [
        holder(&host_name(), std::process::id(), now_secs()),
        holder("elsewhere", 1, now_secs() - 60),
    ] {
        let path = write_holder(dir.path(), &h);
        assert!(matches!(status(&path), Status::Stale(..)), "{h:?}");
        let mut said = Vec::new();
        let g = acquire(dir.path(), &key(), "apply", 900, at_once(), &mut |m| {
            said.push(m.to_string())
        })
        .unwrap();
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].contains("its process no longer holds it"),
            "{said:?}"
        );
        assert!(
            said[0].contains(&format!("@{} (pid {})", h.host, h.pid)),
            "{said:?}"
        );
        drop(g);
    }
    // Text that is not a lock, nobody holding it: replaced with a message.
    let path = dir.path().join(key().file_name());
    std::fs::write(&path, "garbage").unwrap();
    assert!(matches!(status(&path), Status::Unreadable(_)));
    let mut said = Vec::new();
    drop(
        acquire(dir.path(), &key(), "apply", 900, at_once(), &mut |m| {
            said.push(m.to_string())
        })
        .unwrap(),
    );
    assert!(said[0].contains("could not be read"), "{said:?}");
}

#[test]
fn without_file_locks_the_pid_or_the_time_to_live_decides() {
    let here = host_name();
    let now = now_secs();
    assert!(
        holder(&here, 4_000_000_000, now)
            .stale_because(now, &here)
            .is_some()
    );
    assert!(
        holder(&here, std::process::id(), now - 3600)
            .stale_because(now, &here)
            .is_none()
    );
    assert!(
        holder("elsewhere", 1, now - 60)
            .stale_because(now, &here)
            .is_none()
    );
    let why = holder("elsewhere", 1, now - 3600)
        .stale_because(now, &here)
        .unwrap();
    assert!(why.contains("time to live"), "{why}");
}

#[test]
fn durations_are_parsed_with_their_units() {
    assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
    assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
    assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
    assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
    assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
    assert!(parse_duration("10").unwrap_err().contains("with its unit"));
    assert!(parse_duration("-5s").unwrap_err().contains("negative"));
    assert!(parse_duration("soon").is_err());
    assert_eq!(show_duration(Duration::from_secs(90)), "1m 30s");
}

#[test]
fn ci_without_a_concurrency_group_is_warned_about() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    assert!(ci_warning(&env(&[("CI", "true")])).is_some());
    assert!(ci_warning(&env(&[("CI", "true"), ("CHANCTL_CI_CONCURRENCY", "g")])).is_none());
    assert!(ci_warning(&env(&[("CI", "true"), ("CHANCTL_CI_CONCURRENCY", " ")])).is_some());
    assert!(ci_warning(&env(&[("CI", "false")])).is_none());
    assert!(ci_warning(&env(&[])).is_none());
}

#[test]
fn a_held_lock_is_waited_for_and_a_free_one_taken_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let guard = acquire(dir.path(), &key(), "apply", 900, at_once(), &mut |_| {}).unwrap();
    let path = guard.path().to_path_buf();
    // Released after 200 ms: a wait of 10 s takes it then, not at the end.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        drop(guard);
    });
    let mut waited = Vec::new();
    let start = Instant::now();
    let second = acquire(
        dir.path(),
        &key(),
        "apply",
        900,
        Wait {
            timeout: Duration::from_secs(10),
            on_wait: &mut |m: &str| waited.push(m.to_string()),
        },
        &mut |m| panic!("nothing to take over: {m}"),
    )
    .unwrap();
    releaser.join().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(waited.len(), 1, "{waited:?}");
    assert!(waited[0].contains("waiting up to 10s"), "{waited:?}");
    // A short wait on a held lock ends with the holder named.
    let start = Instant::now();
    let err = acquire(
        dir.path(),
        &key(),
        "apply",
        900,
        Wait {
            timeout: Duration::from_millis(300),
            on_wait: &mut |_: &str| {},
        },
        &mut |_| {},
    )
    .unwrap_err();
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert!(err.contains("after waiting 300ms"), "{err}");
    assert!(
        err.contains(&format!("pid {}", std::process::id())),
        "{err}"
    );
    drop(second);
    assert!(matches!(status(&path), Status::Free));
}

#[test]
fn the_directory_comes_from_the_environment_in_order() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    let all = env(&[
        ("CHANCTL_LOCK_DIR", "/a"),
        ("XDG_STATE_HOME", "/s"),
        ("HOME", "/h"),
    ]);
    assert_eq!(default_dir(&all), PathBuf::from("/a"));
    let xdg = env(&[("XDG_STATE_HOME", "/s"), ("HOME", "/h")]);
    assert_eq!(default_dir(&xdg), PathBuf::from("/s/chanctl/locks"));
    let home = env(&[("HOME", "/h")]);
    assert_eq!(default_dir(&home), PathBuf::from("/h/.chanctl/locks"));
    assert_eq!(
        key().file_name(),
        "cams_http___127.0.0.1_9@prod.lock".to_string()
    );
}
