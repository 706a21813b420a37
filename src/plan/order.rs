//! Ordering: schedule draft steps into waves so that every step is valid when it runs.
//!
//! The scheduler simulates the account under the service's rules (quota, one holder per
//! resource, a channel exists before it is bound). Each wave takes every pending step that is
//! valid at the start of the wave and independent of the others in it; so the steps of a wave
//! may run in any order, or concurrently. When nothing can run, the steps form a cycle of
//! rebinds (resources swapped or rotated among channels): one rebind is split into an unbind
//! now and a bind later, which breaks the cycle.

use super::Attrs;
use super::{Action, Step};
use crate::model::{ChannelType, LiveState, Resource};
use std::collections::{HashMap, HashSet};

/// Which channel a step works on: a live one, or one that a create in this plan makes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChanKey {
    Live(String),
    New(String),
}

/// A step before scheduling.
#[derive(Debug, Clone)]
pub struct Draft {
    pub key: ChanKey,
    pub action: Action,
    pub channel: String,
    pub channel_type: ChannelType,
    pub instance_id: Option<String>,
    pub before: Option<Attrs>,
    pub after: Option<Attrs>,
    pub reason: String,
    pub replace: bool,
    pub protected: bool,
    /// Drafts (by index) that must run first, beyond what the simulation finds.
    pub after_steps: Vec<usize>,
}

impl Draft {
    fn acquires(&self) -> Vec<Resource> {
        match self.action {
            Action::Bind | Action::Rebind => self
                .after
                .as_ref()
                .and_then(|a| a.binding.as_ref())
                .map(|b| b.resources())
                .unwrap_or_default(),
            _ => vec![],
        }
    }

    fn releases(&self) -> Vec<Resource> {
        match self.action {
            Action::Rebind | Action::Unbind | Action::Delete => self
                .before
                .as_ref()
                .and_then(|a| a.binding.as_ref())
                .map(|b| b.resources())
                .unwrap_or_default(),
            _ => vec![],
        }
    }
}

struct Sim {
    holders: HashMap<Resource, ChanKey>,
    count: usize,
    quota: usize,
    /// The draft that last released each resource, for `depends_on`.
    released_by: HashMap<Resource, usize>,
}

/// Order `drafts` into steps with waves and dependencies.
pub fn schedule(mut drafts: Vec<Draft>, live: &LiveState, quota: usize) -> Vec<Step> {
    let mut sim = Sim {
        holders: HashMap::new(),
        count: live.channels.len(),
        quota,
        released_by: HashMap::new(),
    };
    for l in &live.channels {
        for r in l.binding.iter().flat_map(|b| b.resources()) {
            sim.holders.insert(r, ChanKey::Live(l.id.clone()));
        }
    }

    let mut done: Vec<Option<usize>> = vec![None; drafts.len()]; // wave of each draft
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); drafts.len()];
    let mut last_of_key: HashMap<ChanKey, usize> = HashMap::new();
    let mut deletes_so_far: Vec<usize> = Vec::new();
    let mut wave = 0;
    let mut last_by_key: HashMap<ChanKey, usize> = HashMap::new();
    let mut prev: Vec<Option<usize>> = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| last_by_key.insert(d.key.clone(), i))
        .collect();

    loop {
        let pending: Vec<usize> = (0..drafts.len()).filter(|&i| done[i].is_none()).collect();
        if pending.is_empty() {
            break;
        }
        let mut picked: Vec<usize> = Vec::new();
        let mut creates = 0;
        let mut keys: HashSet<ChanKey> = HashSet::new();
        for &i in &pending {
            let d = &drafts[i];
            // Steps on one channel run in draft order, one per wave.
            // The drafts of one channel form a chain: the previous one must have run.
            let earlier_same_key = prev[i].is_some_and(|j| done[j].is_none_or(|w| w == wave));
            if earlier_same_key || keys.contains(&d.key) {
                continue;
            }
            if d.after_steps
                .iter()
                .any(|&j| done[j].is_none_or(|w| w == wave))
            {
                continue;
            }
            if d.action == Action::Create && sim.count + creates >= sim.quota {
                continue;
            }
            let blocked = d
                .acquires()
                .iter()
                .any(|r| sim.holders.get(r).is_some_and(|h| *h != d.key));
            if blocked {
                continue;
            }
            if d.action == Action::Create {
                creates += 1;
            }
            keys.insert(d.key.clone());
            picked.push(i);
        }

        if picked.is_empty() {
            if let Some(i) = cycle_breaker(&drafts, &done, &sim) {
                split_rebind(&mut drafts, &mut done, &mut deps, i);
                let key = drafts[drafts.len() - 1].key.clone();
                prev.push(last_by_key.insert(key, drafts.len() - 1));
                continue;
            }
            // Unreachable when the diff's checks passed; stop rather than loop.
            break;
        }

        let mut creates_so_far = 0;
        for &i in &picked {
            let d = &drafts[i];
            if let Some(&prev) = last_of_key.get(&d.key) {
                deps[i].push(prev);
            }
            deps[i].extend(d.after_steps.iter().copied());
            for r in d.acquires() {
                if let Some(&rel) = sim.released_by.get(&r) {
                    deps[i].push(rel);
                }
            }
            if d.action == Action::Create {
                creates_so_far += 1;
                // Without the deletes already run, this create would not fit the quota.
                if sim.count + creates_so_far + deletes_so_far.len() > sim.quota {
                    deps[i].extend(deletes_so_far.iter().copied());
                }
            }
        }
        // Apply the wave's effects.
        for &i in &picked {
            let d = &drafts[i];
            for r in d.releases() {
                if sim.holders.get(&r) == Some(&d.key) {
                    sim.holders.remove(&r);
                    sim.released_by.insert(r, i);
                }
            }
            for r in d.acquires() {
                sim.holders.insert(r, d.key.clone());
            }
            match d.action {
                Action::Create => sim.count += 1,
                Action::Delete => {
                    sim.count -= 1;
                    deletes_so_far.push(i);
                }
                _ => {}
            }
            last_of_key.insert(d.key.clone(), i);
            done[i] = Some(wave);
        }
        wave += 1;
    }

    finish(drafts, done, deps)
}

/// A pending rebind whose wanted resource is held by another channel that still has a step
/// to run: splitting it lets that channel's step go first.
fn cycle_breaker(drafts: &[Draft], done: &[Option<usize>], sim: &Sim) -> Option<usize> {
    (0..drafts.len()).find(|&i| {
        let d = &drafts[i];
        done[i].is_none()
            && d.action == Action::Rebind
            && d.acquires().iter().any(|r| {
                sim.holders.get(r).is_some_and(|h| {
                    *h != d.key
                        && (0..drafts.len()).any(|j| done[j].is_none() && drafts[j].key == *h)
                })
            })
    })
}

/// Replace rebind `i` by an unbind (at `i`) and a bind appended after it.
fn split_rebind(
    drafts: &mut Vec<Draft>,
    done: &mut Vec<Option<usize>>,
    deps: &mut Vec<Vec<usize>>,
    i: usize,
) {
    let rebind = drafts[i].clone();
    let before = rebind.before.clone();
    let unbound = before.clone().map(|a| Attrs { binding: None, ..a });
    drafts[i] = Draft {
        action: Action::Unbind,
        after: unbound.clone(),
        reason: "rebind, part 1: released first, as another channel takes this binding".to_string(),
        ..rebind.clone()
    };
    drafts.push(Draft {
        action: Action::Bind,
        before: unbound,
        reason: "rebind, part 2: bound once the other channel has let go".to_string(),
        after_steps: vec![i],
        ..rebind
    });
    done.push(None);
    deps.push(Vec::new());
}

/// Sort by wave (then a stable, readable order) and renumber.
fn finish(drafts: Vec<Draft>, done: Vec<Option<usize>>, deps: Vec<Vec<usize>>) -> Vec<Step> {
    let rank = |a: Action| match a {
        Action::Unbind => 0,
        Action::Delete => 1,
        Action::Update => 2,
        Action::Create => 3,
        Action::Rebind => 4,
        Action::Bind => 5,
    };
    let mut order: Vec<usize> = (0..drafts.len()).filter(|&i| done[i].is_some()).collect();
    order.sort_by(|&a, &b| {
        (done[a], rank(drafts[a].action), &drafts[a].channel, a).cmp(&(
            done[b],
            rank(drafts[b].action),
            &drafts[b].channel,
            b,
        ))
    });
    let mut position = vec![usize::MAX; drafts.len()];
    for (pos, &i) in order.iter().enumerate() {
        position[i] = pos;
    }
    order
        .iter()
        .enumerate()
        .map(|(pos, &i)| {
            let d = &drafts[i];
            let mut depends_on: Vec<usize> = deps[i]
                .iter()
                .map(|&j| position[j])
                .filter(|&p| p != usize::MAX && p != pos)
                .collect();
            depends_on.sort_unstable();
            depends_on.dedup();
            Step {
                index: pos,
                action: d.action,
                channel: d.channel.clone(),
                channel_type: d.channel_type,
                instance_id: d.instance_id.clone(),
                changes: changes(d.before.as_ref(), d.after.as_ref()),
                before: d.before.clone(),
                after: d.after.clone(),
                reason: d.reason.clone(),
                wave: done[i].unwrap_or(0),
                depends_on,
                replace: d.replace,
                protected: d.protected,
                manual: None,
            }
        })
        .collect()
}

/// Binding fields in key order; a binding has at most two, so a vector beats a map here.
fn binding_fields(a: Option<&Attrs>) -> Vec<(&'static str, &str)> {
    let mut f = a
        .and_then(|a| a.binding.as_ref())
        .map(|b| b.fields())
        .unwrap_or_default();
    f.sort_unstable();
    f
}

fn changes(before: Option<&Attrs>, after: Option<&Attrs>) -> Vec<super::FieldChange> {
    let mut out = Vec::new();
    let mut field = |name: &str, b: Option<&str>, a: Option<&str>| {
        if b != a {
            out.push(super::FieldChange {
                field: name.to_string(),
                before: b.map(str::to_string),
                after: a.map(str::to_string),
            });
        }
    };
    let nonempty = |s: &str| {
        if s.is_empty() {
            None
        } else {
            Some(s.to_string())
        }
    };
    let name_b = before.map(|a| a.name.clone());
    let name_a = after.map(|a| a.name.clone());
    field("name", name_b.as_deref(), name_a.as_deref());
    let desc_b = before.and_then(|a| nonempty(&a.description));
    let desc_a = after.and_then(|a| nonempty(&a.description));
    field("description", desc_b.as_deref(), desc_a.as_deref());
    // Binding fields in key order; a binding has at most two, so vectors beat maps here.
    let bind_b = binding_fields(before);
    let bind_a = binding_fields(after);
    let get = |f: &[(&str, &str)], k: &str| {
        f.iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.to_string())
    };
    let mut keys: Vec<&str> = bind_b
        .iter()
        .chain(bind_a.iter())
        .map(|(k, _)| *k)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for k in keys {
        field(
            &format!("binding.{k}"),
            get(&bind_b, k).as_deref(),
            get(&bind_a, k).as_deref(),
        );
    }
    out
}
