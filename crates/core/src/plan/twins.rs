//! Twins: two or more live channels with one name.
//!
//! CreateInstance takes no idempotency token, so a create whose answer was lost and which
//! the service commits after chanctl has looked leaves a second channel of the same name.
//! The service does not say that names are unique (the README's Documented / assumed table),
//! so an account can hold twins, and a plan must not dead-end on them: it keeps one copy and
//! deletes the others, saying which it keeps and why. Apply's settle pass after lost answers
//! chooses the copy to keep with the same rule ([`keeper`]).
//!
//! Deleting is permanent. A twin's delete goes ahead without `--force` only when there is
//! evidence that chanctl made the extra copy: the journal of an apply that was interrupted
//! records a create of that name ([`Recorded`]), or the apply itself saw the answer lost.

use super::Attrs;
use crate::model::{BindState, Binding, LiveChannel};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Why a copy is the one kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The only copy bound to what the file binds the channel to.
    BoundAsFile,
    /// The only copy that is bound.
    Bound,
    /// The copy that chanctl's create returned (recorded in the journal, or seen by the apply
    /// that settles).
    Recorded,
    /// The oldest copy, by the creation time the service lists.
    Older,
    /// Nothing tells the copies apart: the first by instance id.
    FirstById,
}

impl Keep {
    /// Why, in words, for plans and apply lines.
    pub fn describe(self) -> &'static str {
        match self {
            Keep::BoundAsFile => "it is bound as the file says",
            Keep::Bound => "it is the copy that is bound",
            Keep::Recorded => "it is the copy chanctl's create returned",
            Keep::Older => "it is the older copy",
            Keep::FirstById => {
                "nothing tells the copies apart (none bound, no creation time): it is the first by instance id"
            }
        }
    }
}

/// A create of `name` that chanctl recorded, from an interrupted apply's journal: the
/// evidence that a twin of `name` is chanctl's own doing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recorded {
    pub name: String,
    /// The instance id its answer gave, when it was answered.
    pub id: Option<String>,
}

/// One copy of a channel that has twins, as the plan shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TwinCopy {
    pub instance_id: String,
    /// When the service says it was created (Unix seconds), if it says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    pub attrs: Attrs,
    #[serde(default)]
    pub pending: bool,
}

/// Live channels that share a name the file declares: the copy kept and why; the plan
/// deletes the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TwinGroup {
    pub name: String,
    /// Every copy, the kept one first.
    pub copies: Vec<TwinCopy>,
    pub kept: String,
    pub keep_because: Keep,
    /// Whether the journal shows that chanctl made a copy; without it apply needs --force.
    pub evidence: bool,
    /// Whether the copies differ in description or binding (then a person should look).
    pub differ: bool,
}

/// Which of `copies` to keep, and why: the one bound as the file says (`wanted`), else the
/// only bound one, else the one chanctl's create returned (`recorded`), else the oldest, else
/// the first by instance id. `copies` must not be empty.
pub fn keeper(
    copies: &[&LiveChannel],
    wanted: Option<&Binding>,
    recorded: Option<&str>,
) -> (usize, Keep) {
    let only = |f: &dyn Fn(&LiveChannel) -> bool| {
        let mut hits = copies.iter().enumerate().filter(|(_, c)| f(c));
        match (hits.next(), hits.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    };
    if let Some(w) = wanted
        && let Some(i) = only(&|c| c.binding.as_ref().is_some_and(|b| b.same_choice(w)))
    {
        return (i, Keep::BoundAsFile);
    }
    if let Some(i) = only(&|c| c.binding.is_some()) {
        return (i, Keep::Bound);
    }
    if let Some(i) = recorded.and_then(|r| copies.iter().position(|c| c.id == r)) {
        return (i, Keep::Recorded);
    }
    if copies.iter().all(|c| c.created.is_some()) {
        let oldest = copies.iter().filter_map(|c| c.created).min();
        if let Some(i) = only(&|c| c.created == oldest) {
            return (i, Keep::Older);
        }
    }
    let first = copies
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.id.cmp(&b.1.id))
        .map(|(i, _)| i)
        .unwrap_or(0);
    (first, Keep::FirstById)
}

/// The group for `copies` (indices into `live`) of a name the file declares with binding
/// `wanted`; `recorded` is the journal's record of a create of that name, if any. Also
/// returns the index (into `live`) of the copy kept.
pub fn group(
    live: &[LiveChannel],
    copies: &[usize],
    wanted: Option<&Binding>,
    recorded: Option<&Recorded>,
) -> (usize, TwinGroup) {
    let channels: Vec<&LiveChannel> = copies.iter().map(|&i| &live[i]).collect();
    let (k, why) = keeper(&channels, wanted, recorded.and_then(|r| r.id.as_deref()));
    let mut order: Vec<usize> = (0..channels.len()).collect();
    order.sort_by_key(|&i| (i != k, channels[i].id.clone()));
    let copy = |c: &LiveChannel| TwinCopy {
        instance_id: c.id.clone(),
        created: c.created,
        attrs: Attrs {
            name: c.name.as_str().into(),
            description: c.description.as_str().into(),
            binding: c.binding.clone(),
            profile: c.profile.clone(),
        },
        pending: c.bind_state == BindState::Pending,
    };
    let kept = channels[k];
    let differ = channels
        .iter()
        .any(|c| c.description != kept.description || c.binding != kept.binding);
    let group = TwinGroup {
        name: kept.name.clone(),
        copies: order.iter().map(|&i| copy(channels[i])).collect(),
        kept: kept.id.clone(),
        keep_because: why,
        evidence: recorded.is_some(),
        differ,
    };
    (copies[k], group)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChannelType, MessengerBinding};

    fn ch(id: &str, page: Option<&str>, created: Option<i64>) -> LiveChannel {
        LiveChannel {
            profile: Default::default(),
            id: id.into(),
            name: "x".into(),
            channel_type: ChannelType::Messenger,
            description: String::new(),
            binding: page.map(|p| Binding::Messenger(MessengerBinding { page_id: p.into() })),
            bind_state: BindState::Bound,
            created,
        }
    }

    fn page(p: &str) -> Binding {
        Binding::Messenger(MessengerBinding { page_id: p.into() })
    }

    #[test]
    fn the_copy_bound_as_the_file_says_wins_over_every_other_reason() {
        let (a, b) = (ch("b", Some("1"), Some(5)), ch("a", Some("2"), Some(1)));
        assert_eq!(
            keeper(&[&a, &b], Some(&page("1")), Some("a")),
            (0, Keep::BoundAsFile)
        );
    }

    #[test]
    fn then_the_only_bound_copy_then_the_recorded_one() {
        let (a, b) = (ch("a", None, Some(1)), ch("b", Some("9"), Some(5)));
        assert_eq!(keeper(&[&a, &b], None, Some("a")), (1, Keep::Bound));
        let (a, b) = (ch("a", None, Some(1)), ch("b", None, Some(5)));
        assert_eq!(keeper(&[&a, &b], None, Some("b")), (1, Keep::Recorded));
    }

    #[test]
    fn then_the_older_copy_and_last_the_first_by_id() {
        let (a, b) = (ch("a", None, Some(9)), ch("b", None, Some(5)));
        assert_eq!(keeper(&[&a, &b], None, None), (1, Keep::Older));
        // Same second, or a copy without a time: nothing to go on.
        let (a, b) = (ch("b", None, Some(5)), ch("a", None, Some(5)));
        assert_eq!(keeper(&[&a, &b], None, None), (1, Keep::FirstById));
        let (a, b) = (ch("b", None, Some(5)), ch("a", None, None));
        assert_eq!(keeper(&[&a, &b], None, None), (1, Keep::FirstById));
    }

    #[test]
    fn a_group_lists_the_kept_copy_first_and_says_whether_they_differ() {
        let live = vec![
            ch("a", None, Some(2)),
            ch("b", None, Some(1)),
            ch("c", None, None),
        ];
        let (kept, g) = group(&live, &[0, 1], None, None);
        assert_eq!((kept, g.kept.as_str()), (1, "b"));
        assert_eq!(g.copies[0].instance_id, "b");
        assert!(!g.differ && !g.evidence);
        let live = vec![ch("a", Some("1"), None), ch("b", None, None)];
        let recorded = Recorded {
            name: "x".into(),
            id: None,
        };
        let (_, g) = group(&live, &[0, 1], None, Some(&recorded));
        assert!(g.differ && g.evidence);
        assert_eq!((g.kept.as_str(), g.keep_because), ("a", Keep::Bound));
    }
}
