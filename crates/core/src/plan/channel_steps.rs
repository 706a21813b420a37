//! The steps of one channel, as unordered drafts: its delete, its create (and bind), and
//! what takes a live channel to the file's (update, then bind, unbind or rebind). Kept apart
//! from `diff.rs`, which matches the file's channels to the live ones and decides which of
//! these each needs.

use super::Action;
use super::Attrs;
use super::order::{ChanKey, Draft};
use crate::config::DesiredChannel;
use crate::model::{BindState, Binding, LiveChannel, ViberBinding};
use std::borrow::Cow;
use std::sync::Arc;

pub(super) fn delete_draft(
    li: usize,
    l: &LiveChannel,
    reason: impl Into<Cow<'static, str>>,
) -> Draft {
    let attrs = attrs_of(l);
    Draft {
        key: ChanKey::Live(li),
        action: Action::Delete,
        channel: Arc::clone(&attrs.name),
        channel_type: l.channel_type,
        instance_id: Some(l.id.clone()),
        before: Some(Arc::new(attrs)),
        after: None,
        reason: reason.into(),
        replace: false,
        protected: false,
        after_steps: vec![],
    }
}

pub(super) fn attrs_of(l: &LiveChannel) -> Attrs {
    Attrs {
        name: l.name.as_str().into(),
        description: l.description.as_str().into(),
        binding: l.binding.clone(),
        profile: l.profile.clone(),
    }
}

/// The create (and bind) of desired channel `d`, at `j` in the file.
pub(super) fn create_channel(
    j: usize,
    d: &DesiredChannel,
    drafts: &mut Vec<Draft>,
    replace: bool,
    after: Option<usize>,
) {
    let key = ChanKey::New(j);
    // The name is copied once, and shared by the steps and their attributes.
    let name: Arc<str> = d.name.as_str().into();
    let created = Arc::new(Attrs {
        name: Arc::clone(&name),
        description: d.description.as_str().into(),
        binding: None,
        profile: d.profile.clone(),
    });
    // The bind starts from the created channel (the same attributes, shared).
    let bound = d
        .binding
        .as_ref()
        .map(|binding| Arc::new(with_binding(&created, Some(binding.clone()))));
    let reason = if replace {
        "replaces the channel of the old type"
    } else {
        "declared in the file, not in the account"
    };
    drafts.push(Draft {
        key,
        action: Action::Create,
        channel: Arc::clone(&name),
        channel_type: d.channel_type,
        instance_id: None,
        before: None,
        after: Some(Arc::clone(&created)),
        reason: reason.into(),
        replace,
        protected: false,
        after_steps: after.into_iter().collect(),
    });
    if let Some(after) = bound {
        drafts.push(Draft {
            key,
            action: Action::Bind,
            channel: name,
            channel_type: d.channel_type,
            instance_id: None,
            before: Some(created),
            after: Some(after),
            reason: "the file binds the new channel".into(),
            replace,
            protected: false,
            after_steps: vec![],
        });
    }
}

/// The steps that take live channel `l` (at `li` in the live state) to desired channel `d`.
pub(super) fn update_channel(
    li: usize,
    d: &DesiredChannel,
    l: &LiveChannel,
    drafts: &mut Vec<Draft>,
) {
    let key = ChanKey::Live(li);
    let profile_changed = !l.profile.differs_from(&d.profile).is_empty();
    let edited = l.name != d.name || l.description != d.description || profile_changed;
    let bind = binding_step(d, l);
    let viber = matches!(
        (&l.binding, &d.binding),
        (Some(Binding::Viber(_)), Some(Binding::Viber(_)))
    );
    // Most channels of a plan are as the file says: nothing to copy for them.
    if !edited && !viber && bind.is_none() {
        return;
    }
    // The file's name and description, copied once and shared by the steps; the live ones
    // are the same text unless the channel is renamed or its description changes.
    let name: Arc<str> = d.name.as_str().into();
    let description: Arc<str> = d.description.as_str().into();
    let mut current = Arc::new(Attrs {
        name: if l.name == d.name {
            Arc::clone(&name)
        } else {
            l.name.as_str().into()
        },
        description: if l.description == d.description {
            Arc::clone(&description)
        } else {
            l.description.as_str().into()
        },
        // A live WhatsApp binding is shown in the file's form (a one-entry list is no change).
        binding: match (&l.binding, &d.binding) {
            (Some(live), Some(file)) => Some(live.in_form_of(file)),
            (live, None) => live.clone(),
            (None, _) => None,
        },
        profile: l.profile.clone(),
    });
    if edited {
        let after = Arc::new(Attrs {
            name: Arc::clone(&name),
            description,
            binding: l.binding.clone(),
            profile: l.profile.managed_by(&d.profile),
        });
        // A later step of the channel starts from these attributes (shared).
        let next = (viber || bind.is_some()).then(|| Arc::clone(&after));
        let reason = match (l.name != d.name, l.description != d.description) {
            (true, true) => "renamed (previously) and the description changed",
            (true, false) => "renamed (previously)",
            (false, true) => "the description changed",
            (false, false) => "",
        };
        let reason: std::borrow::Cow<'static, str> = match (reason, profile_changed) {
            ("", _) => "the instance profile changed".into(),
            (r, true) => format!("{r}; the instance profile changed").into(),
            (r, false) => r.into(),
        };
        drafts.push(Draft {
            key,
            action: Action::Update,
            channel: Arc::clone(&name),
            channel_type: d.channel_type,
            instance_id: Some(l.id.clone()),
            before: Some(current),
            after: Some(after),
            reason,
            replace: false,
            protected: false,
            after_steps: vec![],
        });
        match next {
            Some(after) => current = after,
            None => return,
        }
    }
    if let Some(draft) = amend_application(li, d, l, &current) {
        current = draft.after.clone().unwrap_or(current);
        drafts.push(draft);
    }
    let Some((action, reason, protected)) = bind else {
        return;
    };
    drafts.push(Draft {
        key,
        action,
        channel: name,
        channel_type: d.channel_type,
        instance_id: Some(l.id.clone()),
        after: Some(Arc::new(with_binding(&current, d.binding.clone()))),
        before: Some(current),
        reason: reason.into(),
        replace: false,
        protected,
        after_steps: vec![],
    });
}

/// The binding step live channel `l` needs to match desired channel `d`, if any: its
/// action, reason, and whether it is protected.
fn binding_step(d: &DesiredChannel, l: &LiveChannel) -> Option<(Action, &'static str, bool)> {
    Some(match (&l.binding, &d.binding) {
        (None, Some(_)) => (Action::Bind, "the file binds the channel", false),
        (Some(_), None) => (Action::Unbind, "the file declares no binding", d.protect),
        // Numbers added to a WABA take nothing away: not destructive, even when protected.
        (Some(a), Some(b)) if !a.same_choice(b) => (
            Action::Rebind,
            "the file binds the channel to something else",
            d.protect && !crate::rules::only_adds_numbers(a, b),
        ),
        (Some(_), Some(b)) if l.bind_state == BindState::Unverified => (
            Action::Bind,
            if matches!(b, Binding::Whatsapp(w) if w.is_list()) {
                "the numbers added to the WhatsApp Business account wait for their one-time codes"
            } else {
                "the number is added to the WhatsApp Business account and waits for its one-time code"
            },
            false,
        ),
        _ => return None,
    })
}

/// The update that edits live channel `l`'s Viber application to the file's, when the file
/// declares one and a key the service reads back differs. Pending, it is an
/// `UpdateAuditRequest`; approved, the plan marks it manual (see `diff::build`).
fn amend_application(
    li: usize,
    d: &DesiredChannel,
    l: &LiveChannel,
    current: &Arc<Attrs>,
) -> Option<Draft> {
    let (Some(Binding::Viber(live)), Some(Binding::Viber(file))) = (&l.binding, &d.binding) else {
        return None;
    };
    if live.business_account != file.business_account {
        return None;
    }
    let pending = l.bind_state == BindState::Pending;
    let changed = file
        .audit
        .as_ref()?
        .differs_from(live.audit.as_deref(), pending);
    if changed.is_empty() {
        return None;
    }
    // The edit keeps what the service reads back of the keys the file leaves out.
    let mut audit = live.audit.as_deref().cloned().unwrap_or_default();
    for (key, values) in file.audit.as_ref()?.values() {
        if !values.is_empty() {
            audit.set(key, values.into_iter().map(str::to_string).collect());
        }
    }
    let binding = Binding::Viber(ViberBinding {
        business_account: file.business_account.clone(),
        audit: Some(Box::new(audit)),
    });
    let keys = changed.join(", ");
    let reason = if pending {
        format!("the pending Viber application changed ({keys})")
    } else {
        format!("the approved Viber application differs from the file ({keys})")
    };
    Some(Draft {
        key: ChanKey::Live(li),
        action: Action::Update,
        // The file's name: `current` is the channel as its update leaves it, or unrenamed.
        channel: Arc::clone(&current.name),
        channel_type: d.channel_type,
        instance_id: Some(l.id.clone()),
        before: Some(Arc::clone(current)),
        after: Some(Arc::new(with_binding(current, Some(binding)))),
        reason: reason.into(),
        replace: false,
        protected: false,
        after_steps: vec![],
    })
}

/// `attrs` with `binding` instead of its own (which is not copied).
fn with_binding(attrs: &Attrs, binding: Option<Binding>) -> Attrs {
    Attrs {
        name: attrs.name.clone(),
        description: attrs.description.clone(),
        binding,
        profile: attrs.profile.clone(),
    }
}
