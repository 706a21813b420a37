//! The apply loop's own tests, against the rules in memory: every step runs when nothing
//! fails, the first failure stops the apply after its wave and says what was not tried, the
//! journal records each step before it is sent and how it ended, and the preconditions catch
//! what moved under a saved plan.

use super::precondition::Reread;
use super::*;
use crate::config::{Desired, DesiredChannel};
use crate::model::{Binding, ChannelType, LiveState, MessengerBinding};
use crate::plan::{PlanOptions, Target, build};
use crate::rules::{Account, Op};
use std::sync::Mutex;

/// The rules in memory, failing every operation after the first `ok` ones.
struct Flaky {
    account: Mutex<Account>,
    ok: Mutex<usize>,
}

impl Provider for Flaky {
    fn target(&self) -> Target {
        crate::provider::memory_target()
    }
    async fn read(&self) -> Result<LiveState, ProviderError> {
        Ok(self.account.lock().unwrap().snapshot())
    }
    async fn execute(&self, op: &Op) -> Result<Outcome, ProviderError> {
        let mut ok = self.ok.lock().unwrap();
        if *ok == 0 {
            return Err(ProviderError::Api {
                code: "ServiceUnavailable".into(),
                message: "try later".into(),
                request_id: Some("REQ-1".into()),
            });
        }
        *ok -= 1;
        Ok(match self.account.lock().unwrap().apply(op)? {
            Some(id) => Outcome::Created(id),
            None => Outcome::Done(crate::model::BindState::Bound),
        })
    }
}

fn desired() -> Desired {
    let ch = |name: &str, page: &str| DesiredChannel {
        profile: Default::default(),
        name: name.into(),
        channel_type: ChannelType::Messenger,
        description: String::new(),
        binding: Some(Binding::Messenger(MessengerBinding {
            page_id: page.into(),
        })),
        protect: false,
        previously: vec![],
    };
    Desired {
        quota: 10,
        prune: false,
        channels: vec![ch("a", "1"), ch("b", "2")],
        ..Desired::default()
    }
}

fn run(ok: usize) -> (ApplyReport, Flaky, crate::plan::Plan) {
    let provider = Flaky {
        account: Mutex::new(Account::new(10)),
        ok: Mutex::new(ok),
    };
    let options = PlanOptions::new(false, provider.target());
    let plan = build(&desired(), &LiveState::default(), &options).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut events = 0;
    let report = rt.block_on(apply(&plan, &provider, ApplyOptions::default(), |_| {
        events += 1
    }));
    assert_eq!(events, report.done.len() + report.failed.len());
    (report, provider, plan)
}

#[test]
fn everything_runs_when_nothing_fails() {
    let (report, provider, plan) = run(100);
    assert!(report.succeeded());
    assert_eq!(report.done.len(), plan.steps.len());
    assert_eq!(provider.account.lock().unwrap().len(), 2);
    assert_eq!(report.created.len(), 2);
}

#[test]
fn a_failure_stops_after_its_wave_and_says_what_was_not_tried() {
    // Wave 0 creates a and b; the second create fails; the binds are not tried.
    let (report, provider, plan) = run(1);
    assert!(!report.succeeded());
    assert_eq!(report.done.len(), 1);
    assert_eq!(report.failed.len(), 1);
    let not_run: Vec<_> = report
        .not_run
        .iter()
        .map(|&i| plan.steps[i].action)
        .collect();
    assert_eq!(not_run, vec![Action::Bind, Action::Bind]);
    assert!(report.failed[0].1.to_string().contains("REQ-1"));
    assert_eq!(provider.account.lock().unwrap().len(), 1);
}

#[test]
fn the_journal_records_each_step_sent_and_how_it_ended() {
    let provider = Flaky {
        account: Mutex::new(Account::new(10)),
        ok: Mutex::new(1),
    };
    let options = PlanOptions::new(false, provider.target());
    let plan = build(&desired(), &LiveState::default(), &options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("apply.journal");
    let journal = Journal::start(&path).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let report = rt.block_on(apply_journaled(
        &plan,
        &provider,
        ApplyOptions::default(),
        Some(&journal),
        |_| {},
    ));
    assert_eq!(report.failed.len(), 1);
    // As a killed apply would leave it: both creates were sent and answered; the binds,
    // never tried, were never recorded.
    let left = crate::journal::leftover(&path).unwrap();
    assert_eq!(left.done.len(), 1);
    assert_eq!(left.failed.len(), 1);
    assert!(left.in_flight.is_empty());
    assert!(left.done[0].starts_with("create "), "{left:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("\"pending\"").count(), 2, "{text}");
    assert!(!text.contains("\"bind\""), "{text}");
}

#[test]
fn preconditions_catch_what_moved_under_a_saved_plan() {
    let (_, _, plan) = run(100);
    let bind_a = plan
        .steps
        .iter()
        .find(|s| s.action == Action::Bind && &*s.channel == "a")
        .unwrap();
    let create_a = plan
        .steps
        .iter()
        .find(|s| s.action == Action::Create && &*s.channel == "a")
        .unwrap();
    let mut account = Account::new(10);
    let id = account
        .apply(&Op::Create {
            profile: Default::default(),
            name: "a".into(),
            channel_type: ChannelType::Messenger,
            description: String::new(),
        })
        .unwrap()
        .unwrap();
    // Nothing in the way: fine.
    assert!(precondition(bind_a, Some(&id), &Reread::new(account.snapshot())).is_ok());
    // The name is taken by then: the create does not run.
    let why = precondition(create_a, None, &Reread::new(account.snapshot())).unwrap_err();
    assert!(why.contains("exists already"), "{why}");
    // Another channel took the page meanwhile.
    let other = account
        .apply(&Op::Create {
            profile: Default::default(),
            name: "other".into(),
            channel_type: ChannelType::Messenger,
            description: String::new(),
        })
        .unwrap()
        .unwrap();
    account
        .apply(&Op::Bind {
            id: other,
            binding: Binding::Messenger(MessengerBinding {
                page_id: "1".into(),
            }),
        })
        .unwrap();
    let why = precondition(bind_a, Some(&id), &Reread::new(account.snapshot())).unwrap_err();
    assert!(why.contains("now bound to `other`"), "{why}");
}
