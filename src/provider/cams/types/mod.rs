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

use super::read::Row;
use crate::model::{BindState, Binding, ChannelType};
use crate::provider::ProviderError;
use chanctl_cams::client::Client;

/// One CAMS request: the action and its parameters.
pub struct Request {
    pub action: &'static str,
    pub params: Vec<(String, String)>,
}

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

/// What the CAMS backend does for one channel type.
pub struct TypeOps {
    /// The operation that binds (none for a type without bindings).
    pub bind: Option<&'static str>,
    pub unbind: Unbind,
    /// The request that binds instance `id` to `binding`, and how far a successful answer
    /// gets (a Viber audit stays pending).
    pub bind_request: fn(id: &str, binding: &Binding) -> (Request, BindState),
    /// The request that releases `binding` from instance `id` (for [`Unbind::Api`]).
    pub unbind_request: fn(id: &str, binding: &Binding) -> Request,
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
) -> Result<(Option<Binding>, BindState), ProviderError> {
    match t {
        ChannelType::Sms => Ok((None, BindState::Bound)),
        ChannelType::Messenger => Ok(messenger::read(row)),
        ChannelType::Instagram => instagram::read(client, row).await,
        ChannelType::Email => email::read(client, row).await,
        ChannelType::Whatsapp => whatsapp::read(client, row).await,
        ChannelType::Viber => viber::read(client, row).await,
    }
}

/// For the arms a type's own binding cannot reach (the binding always matches its type).
fn mismatch(t: ChannelType, binding: &Binding) -> ! {
    unreachable!("a {t} channel with a {} binding", binding.channel_type())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_that_binds_names_its_operation_and_how_it_unbinds() {
        for t in ChannelType::ALL {
            let ops = of(t);
            assert_eq!(ops.bind.is_some(), t.takes_binding(), "{t}");
            match ops.unbind {
                Unbind::Never => assert!(!t.takes_binding(), "{t}"),
                Unbind::Manual(why) => assert!(why.contains("console"), "{t}: {why}"),
                Unbind::Api(action) => assert!(!action.is_empty(), "{t}"),
            }
        }
    }
}
