//! Desired vs live, channel by channel: which steps are needed and why.
//!
//! Channels are matched by name, then by the names in `previously` (a rename is an update).
//! The steps found here are unordered drafts; [`super::order`] schedules them.

use super::channel_steps::{create_channel, delete_draft, update_channel};
use super::order::{self, Draft};
use super::record::{LiveRecord, RecordedLive};
use super::twins::{self, Recorded, TwinGroup};
use super::{Action, FORMAT_VERSION, Plan, Source, Summary, Target, TwinDelete, Unmanaged};
use crate::config::Desired;
use crate::model::{
    BindState, Binding, ChannelType, LiveChannel, LiveState, Resource, ResourceKind,
};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;
use thiserror::Error;

/// Choices that shape a plan but are not in the file.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Delete live channels the file does not declare (`--prune`, or `prune: true`).
    pub prune: bool,
    pub target: Target,
    /// Channel types whose bindings the backend cannot release, with the reason: unbinding
    /// or rebinding them is a manual step.
    pub manual_unbind: Vec<(ChannelType, String)>,
    /// The file the desired state was read from.
    pub source: Source,
    /// Creates an interrupted apply's journal records: evidence that a twin of that name is
    /// chanctl's own doing.
    pub recorded: Vec<Recorded>,
    /// Approved templates to delete and re-create when they changed (`--replace NAME`).
    pub replace_templates: Vec<String>,
    /// Apply asks a person for a WhatsApp number's one-time code (it runs on a terminal).
    pub ask_codes: bool,
    /// The WhatsApp numbers (E.164) whose one-time code was given (`--verify-code`).
    pub verify_codes: Vec<String>,
}

impl PlanOptions {
    pub fn new(prune: bool, target: Target) -> Self {
        PlanOptions {
            prune,
            target,
            manual_unbind: Vec::new(),
            source: Source::default(),
            recorded: Vec::new(),
            replace_templates: Vec::new(),
            ask_codes: false,
            verify_codes: Vec::new(),
        }
    }
}

/// Why no plan can reach the desired state.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    #[error(
        "the plan needs {needed} {} but the account quota is {quota}: {} over{}",
        crate::render::plural(*needed, "channel", "channels"),
        needed - quota,
        if *unmanaged > 0 { format!(" ({unmanaged} of them unmanaged live channels: --prune would delete them)") } else { String::new() }
    )]
    OverQuota {
        needed: usize,
        quota: usize,
        unmanaged: usize,
    },
    #[error(
        "{resource} is wanted by `{wanted_by}` but is bound to unmanaged channel `{holder}` ({holder_id}); {}",
        if *same_binding {
            format!("if `{wanted_by}` is `{holder}` renamed, add `previously: [{holder}]` to it; otherwise declare `{holder}` in the file, or delete it with --prune")
        } else {
            "declare that channel in the file, or delete it with --prune".to_string()
        }
    )]
    HeldByUnmanaged {
        resource: Resource,
        wanted_by: String,
        holder: String,
        holder_id: String,
        /// The holder has the same type and binding: probably a rename.
        same_binding: bool,
    },
}

/// What a channel of type `t` whose binding cannot be read is bound to, in words.
pub(super) fn unknown_binding(t: ChannelType) -> &'static str {
    match t {
        ChannelType::Messenger => "a Facebook Page the file does not declare",
        _ => "something the file does not declare",
    }
}

/// Live channels from which the digests are computed on the helper thread (below, handing
/// them over costs more than it saves).
const DIGESTS_APART: usize = 256;

/// Compute the plan that takes `live` to `desired`, with its record of `live` (see
/// [`build_shared`] for a plan that computes the record only if it is read).
pub fn build(
    desired: &Desired,
    live: &LiveState,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    // The live digests depend on nothing else the plan computes: for a large account the
    // helper thread computes them meanwhile (a tenth of the plan's time at 5,000 live
    // channels).
    let (digests, mut plan) = if live.channels.len() < DIGESTS_APART {
        let plan = plan(desired, live, options)?;
        (super::digests(live), plan)
    } else {
        let (digests, plan) =
            crate::beside::beside(|| super::digests(live), || plan(desired, live, options));
        (digests, plan?)
    };
    plan.live = LiveRecord::known(RecordedLive::from_digests(digests));
    Ok(plan)
}

/// [`build`], for a caller that shares the live state with the plan: the plan's record of
/// it (a digest per live channel) is computed when first read, which a plan only shown as
/// text or Markdown, or applied at once, never does.
pub fn build_shared(
    desired: &Desired,
    live: Arc<LiveState>,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    let mut plan = plan(desired, &live, options)?;
    plan.live = LiveRecord::of(live);
    Ok(plan)
}

/// [`build`], but for the record of the live state, which it leaves empty.
fn plan(desired: &Desired, live: &LiveState, options: &PlanOptions) -> Result<Plan, PlanError> {
    let prune = options.prune || desired.prune;
    let (matched, twins) = match_channels(desired, live, &options.recorded);

    // At most a create and a bind per desired channel (or a delete, create and bind for a
    // replacement, rare), and a delete per live channel.
    let mut drafts: Vec<Draft> =
        Vec::with_capacity(2 * desired.channels.len() + live.channels.len());
    let mut warnings = live.notes.clone();
    // Which live channels (by position) the file manages.
    let mut managed = vec![false; live.channels.len()];

    for (j, (d, m)) in desired.channels.iter().zip(&matched).enumerate() {
        match *m {
            None => create_channel(j, d, &mut drafts, false, None),
            Some(li) => {
                let l = &live.channels[li];
                managed[li] = true;
                let same = l.binding.as_ref().zip(d.binding.as_ref());
                if l.bind_state == BindState::Pending && same.is_some_and(|(a, b)| a.same_choice(b))
                {
                    warnings.push(format!(
                        "the binding of `{}` is pending review: it is submitted, not yet bound",
                        d.name
                    ));
                }
                if let (Some(Binding::Instagram(live)), Some(Binding::Instagram(file))) =
                    (&l.binding, &d.binding)
                    && live.page_id == file.page_id
                    && live.instagram_account_id != file.instagram_account_id
                {
                    warnings.push(format!(
                        "drift: the Page {} of `{}` is linked to Instagram account {}, not to {} as \
                         the file says; Meta decides the link: correct `instagram_account_id`, or \
                         relink the Page in Meta Business Suite",
                        file.page_id, d.name, live.instagram_account_id, file.instagram_account_id
                    ));
                }
                if l.bind_state == BindState::Unknown && d.binding.is_none() {
                    warnings.push(format!(
                        "`{}` is bound to something the file does not name ({}), and the API does \
                         not say what: chanctl cannot release it without its id. Unbind it in the \
                         CAMS console, or declare its binding in the file",
                        d.name,
                        unknown_binding(l.channel_type)
                    ));
                }
                if l.channel_type != d.channel_type {
                    let delete = drafts.len();
                    let reason = format!(
                        "the type changes from {} to {}, which cannot be done in place",
                        l.channel_type, d.channel_type
                    );
                    drafts.push(Draft {
                        replace: true,
                        protected: d.protect,
                        ..delete_draft(li, l, reason)
                    });
                    create_channel(j, d, &mut drafts, true, Some(delete));
                } else {
                    update_channel(li, d, l, &mut drafts);
                }
            }
        }
    }

    // The other copies of a twin the file declares: deleted, whatever prune says.
    let mut extra: HashMap<&str, &TwinGroup> = HashMap::default();
    for g in &twins {
        for c in g.copies.iter().filter(|c| c.instance_id != g.kept) {
            let li = live.channels.iter().position(|l| l.id == c.instance_id);
            if let Some(li) = li {
                let l = &live.channels[li];
                managed[li] = true;
                extra.insert(&l.id, g);
                let reason = format!(
                    "a twin of `{}`: the plan keeps {} ({})",
                    g.name,
                    g.kept,
                    g.keep_because.describe()
                );
                drafts.push(delete_draft(li, l, reason));
            }
        }
    }

    // In name order, not the live order: instance ids are the service's choice, and the plan
    // (which deletes a create waits for, the list of unmanaged channels) must not depend on them.
    let mut rest: Vec<(usize, &LiveChannel)> = live
        .channels
        .iter()
        .enumerate()
        .filter(|&(li, _)| !managed[li])
        .collect();
    rest.sort_unstable_by(|(_, a), (_, b)| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    let mut unmanaged = Vec::new();
    // Whether a live channel the plan leaves alone holds something: only such a channel can
    // keep a resource from the file (most plans have none, and skip that check).
    let mut unmanaged_hold = false;
    for (li, l) in rest {
        if prune {
            drafts.push(delete_draft(li, l, "not declared in the file (prune)"));
        } else {
            unmanaged_hold |= l.binding.is_some();
            unmanaged.push(Unmanaged {
                name: l.name.clone(),
                channel_type: l.channel_type,
                instance_id: l.id.clone(),
            });
        }
    }

    suggest_renames(desired, live, &matched, &managed, &mut warnings);
    check_quota(desired, live, &drafts, unmanaged.len())?;
    if unmanaged_hold {
        check_resources(desired, live, &drafts, &managed)?;
    }

    let mut steps = order::schedule(drafts, live, desired.quota as usize);
    for step in &mut steps {
        if step.action == Action::Delete
            && let Some(g) = step.instance_id.as_deref().and_then(|id| extra.get(id))
        {
            step.twin = Some(TwinDelete {
                kept: g.kept.clone(),
                evidence: g.evidence,
            });
        }
    }
    super::manual::mark(&mut steps, live, options, &mut warnings);
    let template_options = crate::template::plan::TemplateOptions {
        prune,
        replace: options.replace_templates.clone(),
    };
    let templates = crate::template::plan::append(desired, live, &template_options, &mut steps);
    warnings.extend(templates.warnings);
    let summary = Summary::of(&steps, unmanaged.len());
    // With prune the file manages every live channel; without, those it declares.
    let managed_count = live.channels.len() - unmanaged.len();
    let blocked_by = super::safety::evaluate(
        &steps,
        managed_count,
        templates.statuses.len(),
        desired.safety,
    );
    Ok(Plan {
        format_version: FORMAT_VERSION,
        target: options.target.clone(),
        source: options.source.clone(),
        environment: desired.environment.clone(),
        live: LiveRecord::default(),
        quota: desired.quota,
        prune,
        steps,
        summary,
        unmanaged,
        warnings,
        safety: desired.safety,
        managed: managed_count,
        blocked_by,
        api_budget: None,
        twins,
        templates: templates.statuses,
        unmanaged_templates: templates.unmanaged,
    })
}

/// A new channel with the same type and binding as a live channel the file no longer
/// declares is probably that channel renamed: say so, since delete + create loses it.
fn suggest_renames(
    desired: &Desired,
    live: &LiveState,
    matched: &[Option<usize>],
    managed: &[bool],
    warnings: &mut Vec<String>,
) {
    let unmanaged: Vec<(&crate::model::Binding, &LiveChannel)> = live
        .channels
        .iter()
        .zip(managed)
        .filter(|&(_, &m)| !m)
        .filter_map(|(l, _)| l.binding.as_ref().map(|b| (b, l)))
        .collect();
    for (d, m) in desired.channels.iter().zip(matched) {
        if m.is_some() {
            continue;
        }
        // A binding's variant is its channel's type, so equal bindings mean equal types (a
        // Viber application reads back only in part: its business account decides).
        let held = |b: &crate::model::Binding| {
            unmanaged
                .iter()
                .find(|(u, _)| u.same_choice(b))
                .map(|(_, l)| *l)
        };
        if let Some(l) = d.binding.as_ref().and_then(held) {
            warnings.push(format!(
                "`{}` has the type and binding of live channel `{}` ({}), which the file no longer declares: if it is a rename, add `previously: [{}]` to `{}` so that the channel is kept instead of deleted and created",
                d.name, l.name, l.id, l.name, d.name
            ));
        }
    }
}

/// The delete of live channel `l`, at `li` in the live state.
/// For each desired channel, the live channel it manages (its index in the live state): by
/// name first, then by an old name. A name that several live channels share (twins) is
/// matched to the copy [`twins::group`] keeps; the groups come back beside the matches.
fn match_channels(
    desired: &Desired,
    live: &LiveState,
    recorded: &[Recorded],
) -> (Vec<Option<usize>>, Vec<TwinGroup>) {
    // Each live name's first channel, and whether another has the same name.
    let mut by_name: HashMap<&str, (usize, bool)> =
        HashMap::with_capacity_and_hasher(live.channels.len(), Default::default());
    for (li, l) in live.channels.iter().enumerate() {
        by_name
            .entry(&l.name)
            .and_modify(|(_, repeated)| *repeated = true)
            .or_insert((li, false));
    }
    let mut groups: Vec<TwinGroup> = Vec::new();
    let mut kept_of: HashMap<&str, usize> = HashMap::default();
    let mut lookup = |name: &str, wanted: Option<&Binding>| -> Option<usize> {
        match by_name.get(name) {
            None => None,
            Some(&(li, false)) => Some(li),
            Some(_) => {
                if let Some(&k) = kept_of.get(name) {
                    return Some(k);
                }
                let copies: Vec<usize> = live
                    .channels
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.name == name)
                    .map(|(i, _)| i)
                    .collect();
                let evidence = recorded.iter().find(|r| r.name == name);
                let (k, group) = twins::group(&live.channels, &copies, wanted, evidence);
                kept_of.insert(live.channels[k].name.as_str(), k);
                groups.push(group);
                Some(k)
            }
        }
    };
    let mut taken = vec![false; live.channels.len()];
    let mut out = vec![None; desired.channels.len()];
    for (i, d) in desired.channels.iter().enumerate() {
        if let Some(li) = lookup(&d.name, d.binding.as_ref()) {
            taken[li] = true;
            out[i] = Some(li);
        }
    }
    for (i, d) in desired.channels.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        for old in &d.previously {
            if let Some(li) = lookup(old, d.binding.as_ref())
                && !std::mem::replace(&mut taken[li], true)
            {
                out[i] = Some(li);
                break;
            }
        }
    }
    (out, groups)
}

fn check_quota(
    desired: &Desired,
    live: &LiveState,
    drafts: &[Draft],
    unmanaged: usize,
) -> Result<(), PlanError> {
    let (mut creates, mut deletes) = (0, 0);
    for d in drafts {
        match d.action {
            Action::Create => creates += 1,
            Action::Delete => deletes += 1,
            _ => {}
        }
    }
    let needed = live.channels.len() + creates - deletes;
    let quota = desired.quota as usize;
    if needed > quota {
        return Err(PlanError::OverQuota {
            needed,
            quota,
            unmanaged,
        });
    }
    Ok(())
}

/// Every resource the file wants must be free, or held by a channel that lets go of it (one
/// the plan deletes, or one the file manages). Called only when a live channel the plan
/// leaves alone is bound: no other can hold on to a resource.
fn check_resources(
    desired: &Desired,
    live: &LiveState,
    drafts: &[Draft],
    managed: &[bool],
) -> Result<(), PlanError> {
    let deleted: HashSet<&str> = drafts
        .iter()
        .filter(|d| d.action == Action::Delete)
        .filter_map(|d| d.instance_id.as_deref())
        .collect();
    let mut holders: HashMap<(ResourceKind, &str), usize> =
        HashMap::with_capacity_and_hasher(live.channels.len(), Default::default());
    for (li, l) in live.channels.iter().enumerate() {
        for key in l.binding.iter().flat_map(|b| b.resource_keys()) {
            holders.insert(key, li);
        }
    }
    for d in &desired.channels {
        for key in d.binding.iter().flat_map(|b| b.resource_keys()) {
            let Some(&li) = holders.get(&key) else {
                continue;
            };
            let holder = &live.channels[li];
            // A managed holder lets go: the file (validated) binds `r` to one channel only.
            if !deleted.contains(holder.id.as_str()) && !managed[li] {
                return Err(PlanError::HeldByUnmanaged {
                    resource: Resource::of(key.0, key.1),
                    wanted_by: d.name.clone(),
                    holder: holder.name.clone(),
                    holder_id: holder.id.clone(),
                    same_binding: holder.channel_type == d.channel_type
                        && holder
                            .binding
                            .as_ref()
                            .zip(d.binding.as_ref())
                            .is_some_and(|(a, b)| a.same_choice(b)),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "diff_tests.rs"]
mod tests;
