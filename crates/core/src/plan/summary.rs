//! A plan's counts by action (`Plan: 2 to create, …`): the line every rendering ends with
//! and the JSON `summary`, kept apart from the plan's types because its wording rules
//! (plurals, what counts twice) are its own.

use super::{Action, Step};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How many steps of each action a plan has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub bind: usize,
    pub rebind: usize,
    pub unbind: usize,
    pub delete: usize,
    /// Channels replaced because their type changed (each counts one delete and one create).
    pub replace: usize,
    pub unmanaged: usize,
    /// Binds and rebinds that the service reviews before they take effect (Viber audits),
    /// also counted in `bind` and `rebind`: apply leaves them pending review, which is not a
    /// failure. In the summary of an apply, the steps that ended pending (and are then not
    /// counted as bound).
    #[serde(default)]
    pub pending_review: usize,
    /// In the summary of an apply: binds that added a WhatsApp number and sent it a one-time
    /// code, and wait for it (not counted as bound).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub waiting_for_code: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// Count `steps`; `unmanaged` live channels are left alone.
    pub fn of(steps: &[Step], unmanaged: usize) -> Summary {
        let mut summary = Summary {
            unmanaged,
            ..Summary::default()
        };
        for s in steps {
            match s.action {
                Action::Create => summary.create += 1,
                Action::Update => summary.update += 1,
                Action::Bind => summary.bind += 1,
                Action::Rebind => summary.rebind += 1,
                Action::Unbind => summary.unbind += 1,
                Action::Delete => summary.delete += 1,
            }
        }
        summary.pending_review = steps
            .iter()
            .filter(|s| {
                matches!(s.action, Action::Bind | Action::Rebind)
                    && s.channel_type.bind_is_reviewed()
            })
            .count();
        // A replacement is one delete and one create of the same channel.
        summary.replace = steps
            .iter()
            .filter(|s| s.replace && s.action == Action::Delete)
            .count();
        summary
    }

    pub fn count(&self, action: Action) -> usize {
        match action {
            Action::Create => self.create,
            Action::Update => self.update,
            Action::Bind => self.bind,
            Action::Rebind => self.rebind,
            Action::Unbind => self.unbind,
            Action::Delete => self.delete,
        }
    }

    pub fn total(&self) -> usize {
        Action::ALL.iter().map(|a| self.count(*a)).sum()
    }

    /// `2 created, 1 updated, 1 pending review` for the end of an apply, from the summary of
    /// the steps done (those pending review counted apart from those bound; actions with no
    /// steps left out).
    pub fn done_line(&self) -> String {
        let parts: Vec<String> = Action::ALL
            .iter()
            .filter(|a| self.count(**a) > 0)
            .map(|a| {
                let verb = match a {
                    Action::Bind => "bound".to_string(),
                    Action::Rebind => "rebound".to_string(),
                    Action::Unbind => "unbound".to_string(),
                    other => format!("{}d", other.as_str()),
                };
                format!("{} {verb}", self.count(*a))
            })
            .chain(
                (self.pending_review > 0)
                    .then(|| format!("{} pending review", self.pending_review)),
            )
            .chain((self.waiting_for_code > 0).then(|| {
                format!(
                    "{} waiting for a one-time code (--verify-code NUMBER=CODE)",
                    self.waiting_for_code
                )
            }))
            .collect();
        parts.join(", ")
    }

    /// `Plan: 2 to create, 1 to update, ...` in the manner of Terraform.
    pub fn line(&self) -> String {
        let parts: Vec<String> = Action::ALL
            .iter()
            .map(|a| format!("{} to {}", self.count(*a), a.as_str()))
            .collect();
        let pending = match self.pending_review {
            0 => String::new(),
            1 => "; 1 bind will stay pending review".to_string(),
            n => format!("; {n} binds will stay pending review"),
        };
        format!("Plan: {}{pending}.", parts.join(", "))
    }
}
