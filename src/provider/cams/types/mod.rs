//! Each channel type's CAMS calls, one file per type: how its binding is read, the operation
//! and parameters that bind a channel, those that release it (or why the API cannot, so that
//! the plan marks the step manual), and the operation names a plan's API-call budget counts. Adding a channel type
//! to the CAMS backend is a file here and an arm in [`of`].

mod email;
mod instagram;
mod messenger;
mod sms;
mod viber;
mod whatsapp;

use super::Cams;
use super::read::{Lookups, Row};
use crate::model::{BindState, Binding, ChannelType};
use crate::provider::Outcome;
use crate::provider::ProviderError;
use crate::rules::Op;
use chanctl_cams::client::Client;

/// A parameter.
pub(super) fn p(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_string(), v.into())
}

/// How a type's binding is released.
pub enum Unbind {
    /// Through this operation.
    Api(&'static str),
    /// Not through the API: the reason says what to do by hand.
    Manual(&'static str),
    /// The type takes no binding.
    Never,
}

/// The CAMS operations of one channel type, by name (for plans' API-call budgets and
/// manual steps).
pub struct TypeOps {
    /// The operation that binds (none for a type without bindings).
    pub bind: Option<&'static str>,
    pub unbind: Unbind,
}

/// Bind instance `id` to `binding` with the calls of its type.
pub async fn bind(
    cams: &Cams,
    op: &Op,
    id: &str,
    binding: &Binding,
) -> Result<Outcome, ProviderError> {
    match binding {
        Binding::Whatsapp(b) => whatsapp::bind(cams, op, id, b).await,
        Binding::Viber(b) => viber::bind(cams, op, id, b).await,
        Binding::Messenger(b) => messenger::bind(cams, op, id, b).await,
        Binding::Instagram(b) => instagram::bind(cams, op, id, b).await,
        Binding::Email(b) => email::bind(cams, op, id, b).await,
    }
}

/// Release one number of a WhatsApp channel's WABA and register another (a rebind that
/// [`crate::rules::swaps_number`]).
pub async fn swap_number(
    cams: &Cams,
    op: &Op,
    id: &str,
    from: &Binding,
    to: &Binding,
) -> Result<Outcome, ProviderError> {
    match (from, to) {
        (Binding::Whatsapp(a), Binding::Whatsapp(b)) => {
            let released = crate::rules::released_numbers(from, to);
            whatsapp::deregister(cams, id, &released).await?;
            let _ = a;
            whatsapp::bind(cams, op, id, b).await
        }
        _ => Err(ProviderError::Unsupported(format!(
            "{} to {} is not another number of one WhatsApp Business account",
            from.summary(),
            to.summary()
        ))),
    }
}

/// Edit the binding of instance `id` under review from `from` to `to` (Viber's pending
/// application; no other type has a binding under review).
pub async fn amend(cams: &Cams, op: &Op, id: &str, to: &Binding) -> Result<Outcome, ProviderError> {
    match to {
        Binding::Viber(b) => viber::amend(cams, op, id, b).await,
        other => Err(ProviderError::Unsupported(format!(
            "a {} binding is never under review: there is nothing to edit",
            other.channel_type()
        ))),
    }
}

/// The calls of a WhatsApp bind or rebind that registers or releases a number, for the plan's
/// estimate: a new number's attach, add, code and verification; a number waiting for its code,
/// its verification; another number of the same WABA, the old one's release first. `None` for
/// any other step.
pub fn number_operations(step: &crate::plan::Step) -> Option<Vec<&'static str>> {
    use crate::plan::Action;
    let binding =
        |a: &Option<std::sync::Arc<crate::plan::Attrs>>| a.as_ref().and_then(|a| a.binding.clone());
    let (before, after) = (binding(&step.before), binding(&step.after));
    let Some(Binding::Whatsapp(to)) = &after else {
        return None;
    };
    const REGISTER: [&str; 3] = [
        "AddChatappPhoneNumber",
        "GetChatappVerifyCode",
        "ChatappVerifyAndRegister",
    ];
    let numbers = |b: &Binding| match b {
        Binding::Whatsapp(w) => w
            .numbers()
            .into_iter()
            .map(|(n, _)| n.to_string())
            .collect(),
        _ => Vec::new(),
    };
    // Each number of `to` that `from` lacks and that names its verified name is registered.
    let registered = |from: &[String]| {
        to.numbers()
            .into_iter()
            .filter(|(n, name)| name.is_some() && !from.iter().any(|f| f == n))
            .count()
    };
    let register = |count: usize| std::iter::repeat_n(REGISTER, count).flatten();
    match (step.action, &before) {
        (Action::Bind, Some(from)) => {
            let waiting = numbers(from).len().max(1);
            Some(vec!["ChatappVerifyAndRegister"; waiting])
        }
        (Action::Bind, None) if registered(&[]) > 0 => Some(
            std::iter::once("ChatappBindWaba")
                .chain(register(registered(&[])))
                .collect(),
        ),
        (Action::Rebind, Some(from)) if crate::rules::swaps_number(from, after.as_ref()?) => {
            let released = crate::rules::released_numbers(from, after.as_ref()?).len();
            Some(
                std::iter::repeat_n("ChatappPhoneNumberDeregister", released)
                    .chain(register(registered(&numbers(from))))
                    .collect(),
            )
        }
        _ => None,
    }
}

/// Release `binding` from instance `id`, or say why the API cannot.
pub async fn unbind(
    cams: &Cams,
    op: &Op,
    id: &str,
    binding: &Binding,
) -> Result<(), ProviderError> {
    match binding {
        Binding::Messenger(b) => messenger::unbind(cams, op, id, b).await,
        Binding::Instagram(b) => instagram::unbind(cams, op, id, b).await,
        Binding::Email(_) => email::unbind(cams, op, id).await,
        Binding::Whatsapp(_) | Binding::Viber(_) => Err(ProviderError::Unsupported(
            super::unsupported_unbind(binding.channel_type()),
        )),
    }
}

/// The CAMS calls of channel type `t`.
pub fn of(t: ChannelType) -> &'static TypeOps {
    match t {
        ChannelType::Whatsapp => &whatsapp::OPS,
        ChannelType::Viber => &viber::OPS,
        ChannelType::Messenger => &messenger::OPS,
        ChannelType::Instagram => &instagram::OPS,
        ChannelType::Sms => &sms::OPS,
        ChannelType::Email => &email::OPS,
    }
}

/// The binding of the channel in listing row `row`, read with the operation of its type.
pub async fn read(
    t: ChannelType,
    client: &Client,
    row: &Row,
    messenger: &Lookups,
) -> Result<Reading, ProviderError> {
    Ok(match t {
        ChannelType::Sms => (None, BindState::Bound).into(),
        ChannelType::Messenger => messenger::read(row, messenger).into(),
        ChannelType::Instagram => instagram::read(client, row).await?.into(),
        ChannelType::Email => email::read(client, row).await?,
        ChannelType::Whatsapp => whatsapp::read(client, row, &messenger.whatsapp_numbers)
            .await?
            .into(),
        ChannelType::Viber => viber::read(client, row).await?.into(),
    })
}

/// A channel's binding as its type's read gives it, with what a person should know beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub binding: Option<Binding>,
    pub state: BindState,
    pub note: Option<String>,
}

impl From<(Option<Binding>, BindState)> for Reading {
    fn from((binding, state): (Option<Binding>, BindState)) -> Self {
        Reading {
            binding,
            state,
            note: None,
        }
    }
}

impl From<(Option<Binding>, BindState, Option<String>)> for Reading {
    fn from((binding, state, note): (Option<Binding>, BindState, Option<String>)) -> Self {
        Reading {
            binding,
            state,
            note,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_that_binds_names_its_operation_and_how_it_unbinds() {
        for t in ChannelType::ALL {
            let ops = of(t);
            assert_eq!(ops.bind.is_some(), t.takes_binding(), "{t}");
            // What the API cannot release is the service's rule, which the sandbox holds too.
            let by_hand = crate::rules::released_by_hand(t);
            match ops.unbind {
                Unbind::Never => assert!(!t.takes_binding() && by_hand.is_none(), "{t}"),
                Unbind::Manual(why) => assert_eq!(Some(why), by_hand, "{t}"),
                Unbind::Api(action) => assert!(!action.is_empty() && by_hand.is_none(), "{t}"),
            }
        }
    }
}
