//! WhatsApp: a WhatsApp Business account and number, bound with `ChatappBindWaba`. The API
//! has no operation that releases one: such a step is manual.

use super::super::read::{Row, err, s};
use super::{Request, TypeOps, Unbind, mismatch, p};
use crate::model::WhatsappBinding;
use crate::model::{BindState, Binding, ChannelType};
use crate::provider::ProviderError;
use chanctl_cams::client::Client;

pub const OPS: TypeOps = TypeOps {
    bind: Some("ChatappBindWaba"),
    unbind: Unbind::Manual(
        "the CAMS API has no operation to unbind a WhatsApp Business account: unbind it in the CAMS console (Channel Management), then run apply again",
    ),
    bind_request: bind,
    unbind_request: |_, binding| mismatch(ChannelType::Whatsapp, binding),
};

fn bind(id: &str, binding: &Binding) -> (Request, BindState) {
    let b = match binding {
        Binding::Whatsapp(b) => b,
        other => mismatch(ChannelType::Whatsapp, other),
    };
    let request = Request {
        action: "ChatappBindWaba",
        params: vec![
            p("WabaId", &b.waba_id),
            p("CustSpaceId", id),
            p("PhoneNumber", &b.phone_number),
        ],
    };
    (request, BindState::Bound)
}

/// "subscriber has not bind WABA": what QueryChatappBindWaba answers for an unbound channel.
const NO_WABA: &str = "ERR-OPERATION-MAAP-0060";

/// The bound WABA (`QueryChatappBindWaba`) and its number (`QueryChatappPhoneNumbers`).
pub(super) async fn read(
    client: &Client,
    row: &Row,
) -> Result<(Option<Binding>, BindState), ProviderError> {
    let space = &row.cust_space_id;
    // A channel without a WABA answers with this documented CAMS code.
    let waba = match client
        .call("QueryChatappBindWaba", &[p("CustSpaceId", space)])
        .await
    {
        Ok(r) => s(r.data(), "Id"),
        Err(e) if e.code() == Some(NO_WABA) => String::new(),
        Err(e) => return Err(err("QueryChatappBindWaba", e)),
    };
    if waba.is_empty() {
        return Ok((None, BindState::Bound));
    }
    let n = client
        .call("QueryChatappPhoneNumbers", &[p("CustSpaceId", space)])
        .await
        .map_err(|e| err("QueryChatappPhoneNumbers", e))?;
    let number = n.body["PhoneNumbers"]
        .as_array()
        .and_then(|a| a.first())
        .map(|d| s(d, "PhoneNumber"))
        .unwrap_or_default();
    let number = if number.is_empty() || number.starts_with('+') {
        number
    } else {
        format!("+{number}")
    };
    let binding = Binding::Whatsapp(WhatsappBinding {
        waba_id: waba,
        phone_number: number,
    });
    Ok((Some(binding), BindState::Bound))
}
