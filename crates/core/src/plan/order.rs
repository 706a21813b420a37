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
use crate::model::{Binding, ChannelType, LiveState, ResourceKind};
use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;
use std::borrow::Cow;
use std::sync::Arc;

/// Which channel a step works on, by position: a live one (in `LiveState::channels`), or a
/// desired one (in `Desired::channels`) that a create in this plan makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChanKey {
    Live(usize),
    New(usize),
}

impl ChanKey {
    /// One number per channel: live channels first, then the new ones.
    fn number(self, live_count: usize) -> usize {
        match self {
            ChanKey::Live(i) => i,
            ChanKey::New(j) => live_count + j,
        }
    }
}

/// A step before scheduling.
#[derive(Debug, Clone)]
pub struct Draft {
    pub key: ChanKey,
    pub action: Action,
    pub channel: Arc<str>,
    pub channel_type: ChannelType,
    pub instance_id: Option<String>,
    pub before: Option<Arc<Attrs>>,
    pub after: Option<Arc<Attrs>>,
    pub reason: Cow<'static, str>,
    pub replace: bool,
    pub protected: bool,
    /// Drafts (by index) that must run first, beyond what the simulation finds.
    pub after_steps: Vec<usize>,
}

impl Draft {
    /// The binding whose resources the step takes.
    fn acquires(&self) -> Option<&Binding> {
        match self.action {
            Action::Bind | Action::Rebind => self.after.as_ref().and_then(|a| a.binding.as_ref()),
            _ => None,
        }
    }

    /// The binding whose resources the step lets go of.
    fn releases(&self) -> Option<&Binding> {
        match self.action {
            Action::Rebind | Action::Unbind | Action::Delete => {
                self.before.as_ref().and_then(|a| a.binding.as_ref())
            }
            _ => None,
        }
    }
}

/// A step's resources (numbered): two inline, as most bindings hold one or two; a WhatsApp
/// binding with several numbers holds one per number, beyond two on the heap.
#[derive(Clone, Default)]
struct Res(SmallVec<[u32; 2]>);

impl Res {
    fn push(&mut self, id: usize) {
        // Resource numbers count the plan's resources: far below u32::MAX.
        self.0.push(id as u32);
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().map(|&id| id as usize)
    }
}

/// A draft as the scheduler sees it: channel and resources as small integers.
#[derive(Clone)]
struct Slot {
    key: usize,
    /// The draft's action, and whether it waits for other drafts (`after_steps`): copied
    /// here so that the wave loop reads the small slots, not the large drafts, which for
    /// thousands of steps lie all over memory.
    action: Action,
    waits: bool,
    acquires: Res,
    releases: Res,
    /// The previous draft of the same channel: it must run in an earlier wave.
    prev: Option<usize>,
}

/// Numbers for the resources that some step releases, so that the loop below indexes
/// vectors. Only those can hold a step back: the diff's checks make sure that no channel
/// keeps a resource the file gives to another (a step of the plan releases it, or there is
/// no plan), so a resource that no step releases is free for the step that takes it. Most
/// plans release nothing, and then nothing is looked up at all.
struct Interner<'a> {
    resources: FxHashMap<(ResourceKind, &'a str), usize>,
}

impl<'a> Interner<'a> {
    /// Numbers for the resources of `binding`, which a step releases.
    fn number(&mut self, binding: Option<&'a Binding>) -> Res {
        let mut res = Res::default();
        for key in binding.into_iter().flat_map(Binding::resource_keys) {
            let n = self.resources.len();
            res.push(*self.resources.entry(key).or_insert(n));
        }
        res
    }

    /// The numbers of those resources of `binding` that a step releases.
    fn numbered(&self, binding: Option<&'a Binding>) -> Res {
        let mut res = Res::default();
        if self.resources.is_empty() {
            return res;
        }
        for key in binding.into_iter().flat_map(Binding::resource_keys) {
            if let Some(&n) = self.resources.get(&key) {
                res.push(n);
            }
        }
        res
    }
}

/// The account as the scheduler simulates it.
struct Sim {
    /// The channel (key number) holding each resource.
    holders: Vec<Option<usize>>,
    count: usize,
    quota: usize,
    /// The draft that last released each resource, for `depends_on`.
    released_by: Vec<Option<usize>>,
}

impl Sim {
    fn held_by_other(&self, s: &Slot) -> bool {
        s.acquires
            .iter()
            .any(|r| self.holders[r].is_some_and(|h| h != s.key))
    }
}

/// Order `drafts` into steps with waves and dependencies.
pub fn schedule(mut drafts: Vec<Draft>, live: &LiveState, quota: usize) -> Vec<Step> {
    let live_count = live.channels.len();
    let key_count = live_count
        + drafts
            .iter()
            .filter_map(|d| match d.key {
                ChanKey::New(j) => Some(j + 1),
                ChanKey::Live(_) => None,
            })
            .max()
            .unwrap_or(0);
    // The last draft of each channel so far.
    let mut last_by_key: Vec<Option<usize>> = vec![None; key_count];
    let mut slots: Vec<Slot> = Vec::with_capacity(drafts.len());
    let mut live_holders = Vec::new();
    let resource_count = {
        let mut interner = Interner {
            resources: FxHashMap::with_capacity_and_hasher(drafts.len(), Default::default()),
        };
        for (i, d) in drafts.iter().enumerate() {
            let key = d.key.number(live_count);
            slots.push(Slot {
                key,
                action: d.action,
                waits: !d.after_steps.is_empty(),
                acquires: Res::default(),
                releases: interner.number(d.releases()),
                prev: last_by_key[key].replace(i),
            });
        }
        if !interner.resources.is_empty() {
            for (s, d) in slots.iter_mut().zip(&drafts) {
                s.acquires = interner.numbered(d.acquires());
            }
            for (key, l) in live.channels.iter().enumerate() {
                for r in interner.numbered(l.binding.as_ref()).iter() {
                    live_holders.push((r, key));
                }
            }
        }
        interner.resources.len()
    };
    let mut sim = Sim {
        holders: vec![None; resource_count],
        count: live.channels.len(),
        quota,
        released_by: vec![None; resource_count],
    };
    for (r, key) in live_holders {
        sim.holders[r] = Some(key);
    }

    let mut done: Vec<Option<usize>> = vec![None; drafts.len()]; // wave of each draft
    // (draft, draft it depends on), in the order found.
    let mut deps: Vec<(usize, usize)> = Vec::with_capacity(drafts.len());
    let mut last_of_key: Vec<Option<usize>> = vec![None; key_count];
    // The wave in which each channel last had a step picked.
    let mut picked_in: Vec<Option<usize>> = vec![None; key_count];
    let mut deletes_so_far: Vec<usize> = Vec::new();
    let mut pending: Vec<usize> = (0..drafts.len()).collect();
    let mut picked: Vec<usize> = Vec::new();
    let mut wave = 0;

    while !pending.is_empty() {
        picked.clear();
        let mut creates = 0;
        for &i in &pending {
            let s = &slots[i];
            // Steps on one channel run in draft order, one per wave.
            // The drafts of one channel form a chain: the previous one must have run.
            let earlier_same_key = s.prev.is_some_and(|j| done[j].is_none_or(|w| w == wave));
            if earlier_same_key || picked_in[s.key] == Some(wave) {
                continue;
            }
            if s.waits
                && drafts[i]
                    .after_steps
                    .iter()
                    .any(|&j| done[j].is_none_or(|w| w == wave))
            {
                continue;
            }
            if s.action == Action::Create && sim.count + creates >= sim.quota {
                continue;
            }
            if sim.held_by_other(s) {
                continue;
            }
            if s.action == Action::Create {
                creates += 1;
            }
            picked_in[s.key] = Some(wave);
            picked.push(i);
        }

        if picked.is_empty() {
            if let Some(i) = cycle_breaker(&slots, &pending, &sim) {
                split_rebind(&mut drafts, &mut done, i);
                let n = drafts.len() - 1;
                // The unbind keeps what the rebind released; the appended bind takes what
                // it acquired, after the channel's other steps.
                let key = slots[i].key;
                slots[i].action = Action::Unbind;
                let acquires = std::mem::take(&mut slots[i].acquires);
                slots.push(Slot {
                    key,
                    action: Action::Bind,
                    waits: true,
                    acquires,
                    releases: Res::default(),
                    prev: last_by_key[key].replace(n),
                });
                pending.push(n);
                continue;
            }
            // Unreachable when the diff's checks passed; stop rather than loop.
            break;
        }

        let mut creates_so_far = 0;
        for &i in &picked {
            let s = &slots[i];
            if let Some(prev) = last_of_key[s.key] {
                deps.push((i, prev));
            }
            if s.waits {
                deps.extend(drafts[i].after_steps.iter().map(|&j| (i, j)));
            }
            deps.extend(
                s.acquires
                    .iter()
                    .filter_map(|r| sim.released_by[r])
                    .map(|j| (i, j)),
            );
            if s.action == Action::Create {
                creates_so_far += 1;
                // Without some of the deletes already run, this create would not fit the
                // quota: it waits for as many as it needs, the earliest first.
                let needed = (sim.count + creates_so_far + deletes_so_far.len())
                    .saturating_sub(sim.quota)
                    .min(deletes_so_far.len());
                deps.extend(deletes_so_far[..needed].iter().map(|&j| (i, j)));
            }
        }
        // Apply the wave's effects.
        for &i in &picked {
            let s = &slots[i];
            for r in s.releases.iter() {
                if sim.holders[r] == Some(s.key) {
                    sim.holders[r] = None;
                    sim.released_by[r] = Some(i);
                }
            }
            for r in s.acquires.iter() {
                sim.holders[r] = Some(s.key);
            }
            match s.action {
                Action::Create => sim.count += 1,
                Action::Delete => {
                    sim.count -= 1;
                    deletes_so_far.push(i);
                }
                _ => {}
            }
            last_of_key[s.key] = Some(i);
            done[i] = Some(wave);
        }
        pending.retain(|&i| done[i].is_none());
        wave += 1;
    }

    finish(drafts, done, deps)
}

/// A pending rebind whose wanted resource is held by another channel that still has a step
/// to run: splitting it lets that channel's step go first.
fn cycle_breaker(slots: &[Slot], pending: &[usize], sim: &Sim) -> Option<usize> {
    let waiting: FxHashSet<usize> = pending.iter().map(|&j| slots[j].key).collect();
    pending.iter().copied().find(|&i| {
        let s = &slots[i];
        s.action == Action::Rebind
            && s.acquires
                .iter()
                .any(|r| sim.holders[r].is_some_and(|h| h != s.key && waiting.contains(&h)))
    })
}

/// Replace rebind `i` by an unbind (at `i`) and a bind appended after it.
fn split_rebind(drafts: &mut Vec<Draft>, done: &mut Vec<Option<usize>>, i: usize) {
    let rebind = drafts[i].clone();
    let before = rebind.before.clone();
    let unbound = before.clone().map(|a| {
        Arc::new(Attrs {
            binding: None,
            ..Attrs::clone(&a)
        })
    });
    drafts[i] = Draft {
        action: Action::Unbind,
        after: unbound.clone(),
        reason: "rebind, part 1: released first, as another channel takes this binding".into(),
        ..rebind.clone()
    };
    drafts.push(Draft {
        action: Action::Bind,
        before: unbound,
        reason: "rebind, part 2: bound once the other channel has let go".into(),
        after_steps: vec![i],
        ..rebind
    });
    done.push(None);
}

/// The first 16 bytes of `name`, zero-padded, as a number: ordered as the names are, except
/// that names alike in those bytes compare equal.
fn name_prefix(name: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = name.len().min(16);
    bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// The scheduled drafts as (wave, draft), in the plan's order: by wave, then action (in
/// `rank`'s order), then channel name, then draft. Waves and actions are few, so the drafts
/// are first put into their (wave, action) groups in one counting pass, and only the names
/// within a group are compared: a group is small next to the plan, and often already in
/// order (drafts follow the file), which the sort finds in one pass.
fn sorted_order(drafts: &[Draft], done: &[Option<usize>]) -> Vec<(usize, usize)> {
    fn rank(a: Action) -> usize {
        match a {
            Action::Unbind => 0,
            Action::Delete => 1,
            Action::Update => 2,
            Action::Create => 3,
            Action::Rebind => 4,
            Action::Bind => 5,
        }
    }
    const RANKS: usize = 6;
    let waves = done.iter().flatten().max().map_or(0, |w| w + 1);
    let group = |i: usize, w: usize| w * RANKS + rank(drafts[i].action);
    // Where each group starts in the order.
    let mut start = vec![0usize; waves * RANKS + 1];
    for (i, w) in done.iter().enumerate() {
        if let Some(w) = *w {
            start[group(i, w) + 1] += 1;
        }
    }
    for g in 0..waves * RANKS {
        start[g + 1] += start[g];
    }
    // The first bytes of the name decide most comparisons without reaching for the string,
    // which for thousands of steps lies all over memory.
    let mut keyed: Vec<(u128, &str, usize)> = vec![(0, "", 0); start[waves * RANKS]];
    let mut fill = start.clone();
    for (i, w) in done.iter().enumerate() {
        if let Some(w) = *w {
            let g = group(i, w);
            let name = &*drafts[i].channel;
            keyed[fill[g]] = (name_prefix(name), name, i);
            fill[g] += 1;
        }
    }
    let mut order = Vec::with_capacity(keyed.len());
    for g in 0..waves * RANKS {
        let items = &mut keyed[start[g]..start[g + 1]];
        // Indexes are unique, so an unstable sort gives one order.
        items.sort_unstable();
        order.extend(items.iter().map(|&(.., i)| (g / RANKS, i)));
    }
    order
}

/// Sort by wave (then a stable, readable order) and renumber.
fn finish(drafts: Vec<Draft>, done: Vec<Option<usize>>, deps: Vec<(usize, usize)>) -> Vec<Step> {
    // Each draft's dependencies, together: `deps_of[start[i]..start[i + 1]]`.
    let mut start = vec![0usize; drafts.len() + 1];
    for &(i, _) in &deps {
        start[i + 1] += 1;
    }
    for i in 0..drafts.len() {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut deps_of = vec![0usize; deps.len()];
    for (i, j) in deps {
        deps_of[fill[i]] = j;
        fill[i] += 1;
    }
    let order = sorted_order(&drafts, &done);
    let mut position = vec![usize::MAX; drafts.len()];
    for (pos, &(_, i)) in order.iter().enumerate() {
        position[i] = pos;
    }
    let mut drafts: Vec<Option<Draft>> = drafts.into_iter().map(Some).collect();
    // Sized once: a plan's steps are large, and growing the vector would copy them all.
    let mut steps = Vec::with_capacity(order.len());
    for (pos, &(wave, i)) in order.iter().enumerate() {
        let Some(d) = drafts[i].take() else {
            continue;
        };
        let mut depends_on: Vec<usize> = deps_of[start[i]..start[i + 1]]
            .iter()
            .map(|&j| position[j])
            .filter(|&p| p != usize::MAX && p != pos)
            .collect();
        depends_on.sort_unstable();
        depends_on.dedup();
        steps.push(Step {
            index: pos,
            action: d.action,
            changes: super::changes::changes(d.before.as_deref(), d.after.as_deref()),
            resource: super::Address {
                kind: super::Kind::Channel,
                key: Arc::clone(&d.channel),
            },
            channel: d.channel,
            channel_type: d.channel_type,
            instance_id: d.instance_id,
            before: d.before,
            after: d.after,
            reason: d.reason,
            wave,
            depends_on,
            replace: d.replace,
            protected: d.protected,
            manual: None,
            twin: None,
            template: None,
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    #[test]
    fn resources_hold_any_number() {
        let mut res = super::Res::default();
        for id in [4, 1, 7, 2, 9] {
            res.push(id);
        }
        assert_eq!(res.iter().collect::<Vec<_>>(), [4, 1, 7, 2, 9]);
        assert_eq!(super::Res::default().iter().count(), 0);
    }

    #[test]
    fn name_prefixes_order_as_the_names() {
        let names = [
            "",
            "a",
            "a\u{1}",
            "ab",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "b",
            "é",
            "zz",
        ];
        for a in names {
            for b in names {
                let (pa, pb) = (super::name_prefix(a), super::name_prefix(b));
                assert!(pa.cmp(&pb) == a.cmp(b) || pa == pb, "{a:?} {b:?}");
            }
        }
    }
}
