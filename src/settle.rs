//! Apply's settle pass: no twin left behind by a lost answer.
//!
//! CreateInstance takes no idempotency token. When a create's answer is lost, the backend
//! looks for the channel before it sends again, but an attempt still on its way can commit
//! after that look and leave a second channel of the same name. So before apply says it is
//! complete, for every create whose answer was lost it waits until the settle window since
//! the last such attempt has passed, lists the name once more, and deletes every copy but
//! the one [`crate::plan::twins::keeper`] keeps (the one bound as the file says, else the
//! bound one, else the one the create returned). Each removal is a step of its own,
//! journaled and reported like the plan's ("removed a duplicate of `x` left by a lost
//! answer"), so that exit 0 means the account matches the file.

use crate::apply::{ApplyReport, Event};
use crate::journal::Journal;
use crate::plan::{Action, Address, Attrs, Plan, Step, TwinDelete, twins};
use crate::provider::{LostCreate, Provider, ProviderError};
use crate::rules::Op;
use std::time::{Duration, Instant};

/// Settle the creates of this apply whose answer was lost: wait, look, remove twins. The
/// removals are added to `report` as steps numbered after the plan's.
pub async fn settle<P: Provider>(
    plan: &Plan,
    provider: &P,
    journal: Option<&Journal>,
    report: &mut ApplyReport,
    on_event: &mut impl FnMut(Event<'_>),
) {
    let lost = provider.lost_creates();
    let Some(until) = lost.iter().map(|l| l.settled_at).max() else {
        return;
    };
    let wait = until.saturating_duration_since(Instant::now());
    on_event(Event::Settling {
        creates: lost.len(),
        wait,
    });
    // Ctrl-C while waiting: stop here; the journal keeps the creates as the evidence a later
    // plan needs to remove any twin without --force.
    tokio::select! {
        () = tokio::time::sleep(wait) => {}
        () = crate::interrupt::wait() => return,
    }
    let mut names: Vec<&LostCreate> = Vec::new();
    for l in &lost {
        if !names
            .iter()
            .any(|n| n.name == l.name && n.channel_type == l.channel_type)
        {
            names.push(l);
        }
    }
    let wave = plan.waves();
    for l in names {
        let kept = lost
            .iter()
            .filter(|o| o.name == l.name && o.channel_type == l.channel_type)
            .find_map(|o| o.kept.clone())
            .or_else(|| report.created.get(&l.name).cloned());
        if let Err(error) =
            settle_name(plan, provider, journal, report, on_event, l, kept, wave).await
        {
            let step = removal(plan, report, l, None, wave);
            on_event(Event::Failed {
                step: &step,
                error: &error,
            });
            report.failed.push((step.index, error));
            report.extra.push(step);
        }
    }
}

/// Look at the copies of `l`'s name and delete every one but the copy kept.
#[allow(clippy::too_many_arguments)]
async fn settle_name<P: Provider>(
    plan: &Plan,
    provider: &P,
    journal: Option<&Journal>,
    report: &mut ApplyReport,
    on_event: &mut impl FnMut(Event<'_>),
    l: &LostCreate,
    kept: Option<String>,
    wave: usize,
) -> Result<(), ProviderError> {
    let copies = provider.copies(&l.name, l.channel_type).await?;
    if copies.len() < 2 {
        return Ok(());
    }
    let wanted = plan
        .steps
        .iter()
        .filter(|s| *s.channel == *l.name && matches!(s.action, Action::Bind | Action::Rebind))
        .find_map(|s| s.after.as_ref().and_then(|a| a.binding.clone()));
    let refs: Vec<_> = copies.iter().collect();
    let (k, why) = twins::keeper(&refs, wanted.as_ref(), kept.as_deref());
    let keep = copies[k].id.clone();
    for twin in copies.iter().filter(|c| c.id != keep) {
        let mut step = removal(plan, report, l, Some(twin), wave);
        step.reason = format!(
            "removed a duplicate of `{}` left by a lost answer; kept {keep} ({})",
            l.name,
            why.describe()
        )
        .into();
        step.twin = Some(TwinDelete {
            kept: keep.clone(),
            evidence: true,
        });
        if let Some(Err(e)) = journal.map(|j| j.pending(&step)) {
            return Err(ProviderError::Io(e));
        }
        let started = Instant::now();
        let op = Op::Delete {
            id: twin.id.clone(),
        };
        let (result, usage) = chanctl_cams::usage::counted(provider.execute(&op)).await;
        report.usage.insert(step.index, usage);
        if let Some(j) = journal {
            j.finished(
                &step,
                result.is_ok(),
                result.as_ref().err().map(|e| e.to_string()),
            );
        }
        report.durations.insert(step.index, started.elapsed());
        match result {
            Ok(outcome) => {
                on_event(Event::Done {
                    step: &step,
                    outcome: &outcome,
                });
                report.done.push(step.index);
                report.outcomes.insert(step.index, outcome);
                report.extra.push(step);
            }
            Err(error) => {
                on_event(Event::Failed {
                    step: &step,
                    error: &error,
                });
                report.failed.push((step.index, error));
                report.extra.push(step);
            }
        }
    }
    Ok(())
}

/// The step that removes `twin` (or, without one, that stands for a settle that failed).
fn removal(
    plan: &Plan,
    report: &ApplyReport,
    l: &LostCreate,
    twin: Option<&crate::model::LiveChannel>,
    wave: usize,
) -> Step {
    Step {
        index: plan.steps.len() + report.extra.len(),
        action: Action::Delete,
        resource: Address::channel(&l.name),
        channel: l.name.as_str().into(),
        channel_type: l.channel_type,
        instance_id: twin.map(|t| t.id.clone()),
        changes: vec![],
        before: twin.map(|t| {
            std::sync::Arc::new(Attrs {
                name: t.name.as_str().into(),
                description: t.description.as_str().into(),
                binding: t.binding.clone(),
                profile: t.profile.clone(),
            })
        }),
        after: None,
        reason: format!("look for a duplicate of `{}` left by a lost answer", l.name).into(),
        wave,
        depends_on: vec![],
        replace: false,
        protected: false,
        manual: None,
        twin: None,
        template: None,
    }
}

/// How long to wait, for people: whole seconds, at least one.
pub fn seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChannelType, LiveState};
    use crate::plan::Target;
    use crate::provider::Outcome;
    use crate::rules::Account;
    use std::sync::Mutex;

    /// The rules in memory, with the creates whose answer "was lost" given.
    struct Lossy {
        account: Mutex<Account>,
        lost: Vec<LostCreate>,
    }

    impl Provider for Lossy {
        fn target(&self) -> Target {
            crate::provider::memory_target()
        }
        async fn read(&self) -> Result<LiveState, ProviderError> {
            Ok(self.account.lock().unwrap().snapshot())
        }
        async fn execute(&self, op: &Op) -> Result<Outcome, ProviderError> {
            self.account.lock().unwrap().apply(op)?;
            Ok(Outcome::Done(crate::model::BindState::Bound))
        }
        fn lost_creates(&self) -> Vec<LostCreate> {
            self.lost.clone()
        }
    }

    fn create(account: &mut Account, name: &str) -> String {
        let op = Op::Create {
            profile: Default::default(),
            name: name.into(),
            channel_type: ChannelType::Sms,
            description: String::new(),
        };
        account.apply(&op).unwrap().unwrap()
    }

    fn empty_plan() -> Plan {
        let desired = crate::config::Desired {
            quota: 10,
            ..Default::default()
        };
        let target = crate::provider::memory_target();
        crate::plan::build(
            &desired,
            &LiveState::default(),
            &crate::plan::PlanOptions::new(false, target),
        )
        .unwrap()
    }

    #[test]
    fn a_twin_left_by_a_lost_answer_is_removed_as_a_reported_step() {
        let mut account = Account::new(10);
        let first = create(&mut account, "x");
        let answered = create(&mut account, "x");
        let other = create(&mut account, "y");
        let lossy = Lossy {
            account: Mutex::new(account),
            lost: vec![LostCreate {
                name: "x".into(),
                channel_type: ChannelType::Sms,
                kept: Some(answered.clone()),
                settled_at: Instant::now(),
            }],
        };
        let plan = empty_plan();
        let mut report = ApplyReport::default();
        let mut lines = Vec::new();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(settle(&plan, &lossy, None, &mut report, &mut |e| {
            lines.push(match e {
                Event::Settling { creates, .. } => format!("settling {creates}"),
                Event::Done { step, .. } => step.reason.to_string(),
                Event::Failed { error, .. } => format!("failed: {error}"),
                Event::Interrupted { .. } => "interrupted".to_string(),
            })
        }));
        let mut left: Vec<String> = lossy
            .account
            .lock()
            .unwrap()
            .channels()
            .map(|c| c.id.clone())
            .collect();
        left.sort();
        let mut want = vec![answered.clone(), other];
        want.sort();
        assert_eq!(left, want);
        assert_eq!(lines[0], "settling 1");
        assert_eq!(
            lines[1],
            format!(
                "removed a duplicate of `x` left by a lost answer; kept {answered} (it is the copy chanctl's create returned)"
            )
        );
        assert!(report.succeeded());
        assert_eq!(report.extra.len(), 1);
        assert_eq!(report.extra[0].instance_id.as_deref(), Some(first.as_str()));
    }

    #[test]
    fn nothing_lost_nothing_to_settle() {
        let lossy = Lossy {
            account: Mutex::new(Account::new(10)),
            lost: vec![],
        };
        let mut report = ApplyReport::default();
        let mut events = 0;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(settle(
            &empty_plan(),
            &lossy,
            None,
            &mut report,
            &mut |_| events += 1,
        ));
        assert_eq!(events, 0);
        assert!(report.extra.is_empty());
    }
}
