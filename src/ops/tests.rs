//! The saved-plan and safety refusals of `ops`, in process: each refusal is its own error
//! variant, and nothing is changed when one is returned.

use super::apply::{Request as ApplyRequest, prepare};
use super::plan::{Request as PlanRequest, plan};
use super::{Account, BackendSpec, Context, Error};
use crate::plan::Scope;
use crate::scrub::Scrubber;
use std::path::Path;
use std::sync::Arc;

const FILE: &str = "version: 1
environments: {staging: {}}
variables: {PAGE: {}}
safety: {max_change_percent: 100}
channels:
  - {name: a, type: sms}
  - {name: b, type: messenger, binding: {page_id: \"${PAGE}\"}}
";

fn context(page: &'static str) -> Context {
    let mut ctx = Context::new(super::silent(), false, Scrubber::leaked());
    ctx.vars = Arc::new(move |name| (name == "PAGE").then(|| page.to_string()));
    ctx
}

fn account(dir: &Path, env: Option<&str>) -> Account {
    let file = dir.join("channels.yaml");
    Account {
        backend: BackendSpec::Sandbox {
            path: Account::default_sandbox(&file, env),
        },
        file,
        environment: env.map(str::to_string),
        lock_dir: dir.join("locks"),
        lock_timeout: std::time::Duration::ZERO,
        codes: Default::default(),
    }
}

/// A saved plan of FILE against an empty sandbox, written to `dir/plan.json`.
fn saved(dir: &Path, ctx: &Context) -> std::path::PathBuf {
    std::fs::write(dir.join("channels.yaml"), FILE).unwrap();
    let planned = plan(
        ctx,
        &PlanRequest {
            account: &account(dir, None),
            prune: false,
            replace_templates: Vec::new(),
            scope: Scope::default(),
            write: false,
        },
    )
    .unwrap();
    let shown = planned.into_shown(ctx);
    let path = dir.join("plan.json");
    std::fs::write(&path, crate::render::json(&shown)).unwrap();
    path
}

fn apply_saved(ctx: &Context, account: &Account, path: &Path) -> Result<usize, Error> {
    let prepared = prepare(
        ctx,
        &ApplyRequest {
            account,
            saved: Some(path.to_path_buf()),
            file_explicit: false,
            prune: false,
            replace_templates: Vec::new(),
            scope: Scope::default(),
            qps: 10,
        },
    )?;
    prepared.check_safety(false)?;
    let applied = prepared.run(|_| {})?;
    Ok(applied.report.done.len())
}

#[test]
fn a_saved_plan_applies_once_and_is_then_stale() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = context("104857600123");
    let path = saved(tmp.path(), &ctx);
    let account = account(tmp.path(), None);
    assert_eq!(apply_saved(&ctx, &account, &path).unwrap(), 3);
    match apply_saved(&ctx, &account, &path) {
        Err(Error::StalePlan { what }) => assert!(what.contains('a'), "{what}"),
        other => panic!("expected a stale plan, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn a_saved_plan_is_refused_for_another_environment_or_file() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = context("104857600123");
    let path = saved(tmp.path(), &ctx);
    let staging = account(tmp.path(), Some("staging"));
    assert!(matches!(
        apply_saved(&ctx, &staging, &path),
        Err(Error::WrongEnvironment { .. })
    ));
    let mut other = account(tmp.path(), None);
    other.file = tmp.path().join("other.yaml");
    let refused = prepare(
        &ctx,
        &ApplyRequest {
            account: &other,
            saved: Some(path.clone()),
            file_explicit: true,
            prune: false,
            replace_templates: Vec::new(),
            scope: Scope::default(),
            qps: 10,
        },
    );
    assert!(matches!(refused, Err(Error::WrongFile { .. })));
    // Nothing was applied.
    assert!(!Account::default_sandbox(&tmp.path().join("channels.yaml"), None).exists());
}

#[test]
fn a_saved_plan_whose_secret_changed_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = saved(tmp.path(), &context("104857600123"));
    let ctx = context("104857600999");
    match apply_saved(&ctx, &account(tmp.path(), None), &path) {
        Err(Error::ChangedSecret { why, cause: None }) => {
            assert!(why.contains("binding.page_id"), "{why}")
        }
        other => panic!("expected a changed secret, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn a_safety_rule_blocks_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = context("104857600123");
    let path = saved(tmp.path(), &ctx);
    let account = account(tmp.path(), None);
    apply_saved(&ctx, &account, &path).unwrap();
    // Deleting `b` with prune is half of the managed channels, over a 10 % threshold.
    let file = FILE
        .replace(
            "  - {name: b, type: messenger, binding: {page_id: \"${PAGE}\"}}\n",
            "",
        )
        .replace(
            "safety: {max_change_percent: 100}\n",
            "safety: {max_change_percent: 10, min_managed: 1}\n",
        );
    std::fs::write(tmp.path().join("channels.yaml"), file).unwrap();
    let prepared = prepare(
        &ctx,
        &ApplyRequest {
            account: &account,
            saved: None,
            file_explicit: false,
            prune: true,
            replace_templates: Vec::new(),
            scope: Scope::default(),
            qps: 10,
        },
    )
    .unwrap();
    match prepared.check_safety(false) {
        Err(Error::SafetyBlock { reasons }) => assert_eq!(reasons.len(), 1, "{reasons:?}"),
        other => panic!("expected a safety block, got {other:?}"),
    }
    assert!(prepared.check_safety(true).is_ok());
}

#[test]
fn a_held_cams_lock_is_its_own_refusal() {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = context("1");
    let mut account = account(tmp.path(), None);
    account.backend = BackendSpec::Cams(super::account::CamsSpec {
        endpoint: chanctl_cams::endpoint::parse("http://127.0.0.1:9").unwrap(),
        profile: None,
        qps: 10,
        timeout: std::time::Duration::from_secs(1),
        settle_window: std::time::Duration::from_secs(1),
    });
    let _held = super::lock::for_apply(&ctx, &account).unwrap();
    match super::lock::for_apply(&ctx, &account) {
        Err(Error::LockHeld(message)) => assert!(message.contains("cams"), "{message}"),
        Err(other) => panic!("expected a held lock, got {other:?}"),
        Ok(_) => panic!("the lock was taken twice"),
    }
}
