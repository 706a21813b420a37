//! Which planned steps the API cannot carry out, and why: a binding the service does not
//! name, a WhatsApp number waiting for a code nobody can type in, an approved Viber
//! application, an unbind the API lacks. Such a step stays in the plan, marked manual with
//! its reason, so that every rendering says what a person must do.

use super::diff::unknown_binding;
use super::{Action, PlanOptions, Step};
use crate::model::{BindState, Binding, LiveChannel, LiveState};
use rustc_hash::FxHashMap;

/// The live channels by instance id, indexed the first time a step asks: a step knows its
/// channel by id, and looking through the account for each step of a large plan would take
/// time that grows with the square of its size.
struct ById<'a> {
    live: &'a LiveState,
    index: Option<FxHashMap<&'a str, &'a LiveChannel>>,
}

impl<'a> ById<'a> {
    fn new(live: &'a LiveState) -> Self {
        ById { live, index: None }
    }

    /// The live channel with instance id `id` (the first, should the account list it twice).
    fn get(&mut self, id: &str) -> Option<&'a LiveChannel> {
        let live = self.live;
        let index = self.index.get_or_insert_with(|| {
            let mut index =
                FxHashMap::with_capacity_and_hasher(live.channels.len(), Default::default());
            for l in &live.channels {
                index.entry(l.id.as_str()).or_insert(l);
            }
            index
        });
        index.get(id).copied()
    }
}

/// Mark the steps of `steps` that are manual, and add what a person should know of the
/// others to `warnings`.
pub(super) fn mark(
    steps: &mut [Step],
    live: &LiveState,
    options: &PlanOptions,
    warnings: &mut Vec<String>,
) {
    let mut by_id = ById::new(live);
    for step in steps.iter_mut() {
        // The live channel of a bind, or of an update of a Viber binding.
        let viber_update = step.action == Action::Update
            && matches!(
                step.after.as_ref().map(|a| &a.binding),
                Some(Some(Binding::Viber(_)))
            );
        let channel = match step.instance_id.as_deref() {
            Some(id) if step.action == Action::Bind || viber_update => by_id.get(id),
            _ => None,
        };
        // A channel bound to what the backend cannot name cannot be released first.
        let unknown = step.action == Action::Bind
            && channel.is_some_and(|l| l.bind_state == BindState::Unknown);
        if unknown {
            let why = format!(
                "`{}` is bound to {}; the API does not say which, and releasing it needs its id: \
             unbind it in the CAMS console, then run apply again",
                step.channel,
                unknown_binding(step.channel_type)
            );
            // The step says why, in every rendering; not repeated among the warnings.
            step.manual = Some(why);
            continue;
        }
        if let Some(why) = needs_code(step, channel, options) {
            step.manual = Some(why);
            continue;
        }
        if step.action == Action::Update
            && let Some(why) = approved_application(step, channel)
        {
            step.manual = Some(why);
            continue;
        }
        if step.action == Action::Bind
            && let Some(Binding::Viber(v)) = step.after.as_ref().and_then(|a| a.binding.as_ref())
            && v.audit.as_ref().is_none_or(|a| a.is_empty())
        {
            warnings.push(format!(
                "the Viber application of `{}` has no `audit:` block: AddAuditViberOpen is sent \
             with the business account `{}` alone, and the service's reviewers need the \
             company and contact details; add them under `binding.audit`",
                step.channel, v.business_account
            ));
        }
        if !matches!(step.action, Action::Unbind | Action::Rebind) {
            continue;
        }
        // Another number of the same WABA: released and registered through the API.
        let binding =
            |a: &Option<std::sync::Arc<super::Attrs>>| a.as_ref().and_then(|a| a.binding.clone());
        if let (Some(from), Some(to)) = (binding(&step.before), binding(&step.after))
            && crate::rules::swaps_number(&from, &to)
        {
            let released = crate::rules::released_numbers(&from, &to);
            let added = crate::rules::released_numbers(&to, &from);
            let one_each =
                |b: &Binding| matches!(b, Binding::Whatsapp(w) if w.numbers().len() == 1);
            step.reason = if one_each(&from) && one_each(&to) {
                "the file names another number of the WhatsApp Business account: the old one \
                 is released (deregistered), the new one registered"
                    .into()
            } else {
                match (released.is_empty(), added.is_empty()) {
                    (true, _) => format!(
                        "the file adds numbers to the WhatsApp Business account: {} registered",
                        added.join(", ")
                    ),
                    (false, true) => format!(
                        "the file no longer names {} of the WhatsApp Business account: released \
                         (deregistered)",
                        released.join(", ")
                    ),
                    (false, false) => format!(
                        "the file names another set of numbers of the WhatsApp Business account: \
                         {} released (deregistered), {} registered",
                        released.join(", "),
                        added.join(", ")
                    ),
                }
                .into()
            };
            continue;
        }
        if let Some((_, why)) = options
            .manual_unbind
            .iter()
            .find(|(t, _)| *t == step.channel_type)
        {
            step.manual = Some(why.clone());
        }
    }
}

/// Why the bind `step` is manual, when it finishes a WhatsApp number that waits for its
/// one-time code and this run has no code for it: nobody can type it in, and none was given.
/// `live` is the step's live channel.
fn needs_code(step: &Step, live: Option<&LiveChannel>, options: &PlanOptions) -> Option<String> {
    if step.action != Action::Bind || options.ask_codes {
        return None;
    }
    let waiting = live.filter(|l| l.bind_state == BindState::Unverified)?;
    // The numbers the reader saw waiting (of several), else the file's (one number).
    let marked: Vec<&str> = match &waiting.binding {
        Some(Binding::Whatsapp(w)) => w.waiting.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    let numbers: Vec<&str> = match step.after.as_ref().and_then(|a| a.binding.as_ref()) {
        Some(Binding::Whatsapp(w)) => w
            .numbers()
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| marked.is_empty() || marked.contains(n))
            .filter(|n| !options.verify_codes.iter().any(|c| c == n))
            .collect(),
        _ => return None,
    };
    match numbers.as_slice() {
        [] => None,
        [number] => Some(format!(
            "{number} waits for the one-time code sent to it when it was added: run \
             `chanctl apply --verify-code {number}=CODE` with that code (and this plan's -f and \
             --env), or apply on a terminal, which asks for it; or verify the number in the CAMS \
             console (Channel Management, the channel's phone numbers)"
        )),
        several => {
            let flags: Vec<String> = several
                .iter()
                .map(|n| format!("--verify-code {n}=CODE"))
                .collect();
            Some(format!(
                "{} wait for the one-time codes sent to them when they were added: run \
                 `chanctl apply {}` with those codes (and this plan's -f and --env), or apply on \
                 a terminal, which asks for them; or verify the numbers in the CAMS console \
                 (Channel Management, the channel's phone numbers)",
                several.join(", "),
                flags.join(" ")
            ))
        }
    }
}

/// Why update `step` cannot be carried out when it edits the Viber application of a channel
/// whose application is no longer pending: the API edits only a pending one.
/// `live` is the step's live channel.
fn approved_application(step: &Step, live: Option<&LiveChannel>) -> Option<String> {
    let after = step.after.as_ref().map(|a| &a.binding);
    if !matches!(after, Some(Some(Binding::Viber(_)))) {
        return None;
    }
    let changes_binding = step.before.as_ref().map(|b| &b.binding) != after;
    let l = live?;
    (changes_binding && l.bind_state != BindState::Pending).then(|| {
        format!(
            "the Viber application of `{}` is approved, and the API edits only an application \
             still pending (UpdateAuditRequest): change it in the CAMS console, then make \
             `binding.audit` say what the service shows",
            step.channel
        )
    })
}
