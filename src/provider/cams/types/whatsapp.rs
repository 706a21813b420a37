//! WhatsApp: a WhatsApp Business account (WABA) and its number. A person shares the WABA
//! through Meta's embedded signup; `ChatappBindWaba(WabaId)` then attaches it and answers with
//! the `CustSpaceId` it landed in, which the caller cannot choose: chanctl checks that it is
//! the channel's own space, and that the file's number is registered on the WABA
//! (`QueryChatappPhoneNumbers`). The API has no operation that unbinds a WABA: such a step is
//! manual.

use super::super::Cams;
use super::super::read::{Row, err, read_call, s};
use super::{TypeOps, Unbind, p};
use crate::model::{BindState, Binding, WhatsappBinding};
use crate::provider::{Outcome, ProviderError};
use crate::rules::Op;
use chanctl_cams::client::Client;

pub const OPS: TypeOps = TypeOps {
    bind: Some("ChatappBindWaba"),
    unbind: Unbind::Manual(crate::rules::WHATSAPP_RELEASED_BY_HAND),
};

fn refused(code: &str, message: String) -> ProviderError {
    ProviderError::Api {
        code: code.to_string(),
        message,
        request_id: None,
    }
}

/// Attach the WABA; refuse when it landed in another space or lacks the file's number.
pub(super) async fn bind(
    cams: &Cams,
    op: &Op,
    id: &str,
    b: &WhatsappBinding,
) -> Result<Outcome, ProviderError> {
    let space = cams.space_of(id).await?;
    let reply = cams
        .change(op, "ChatappBindWaba", &[p("WabaId", &b.waba_id)])
        .await?;
    let landed = s(reply.data(), "CustSpaceId");
    if !landed.is_empty() && landed != space {
        return Err(refused(
            "WabaInAnotherSpace",
            format!(
                "WhatsApp Business account {} is attached to space {landed}, not to this channel's space {space}. \
                 The space comes from the embedded signup: in the CAMS console, redo the embedded signup \
                 from this channel (Channel Management), then apply again",
                b.waba_id
            ),
        ));
    }
    let numbers = numbers(&cams.client, &space).await?;
    if !numbers.contains(&b.phone_number) {
        return Err(refused(
            "NumberNotRegistered",
            format!(
                "the number {} is not registered on WhatsApp Business account {} (it has: {}). \
                 Register it in the CAMS console (add the number, verify it with the one-time code), \
                 then apply again",
                b.phone_number,
                b.waba_id,
                if numbers.is_empty() {
                    "none".to_string()
                } else {
                    numbers.join(", ")
                }
            ),
        ));
    }
    Ok(Outcome::Done(BindState::Bound))
}

/// Every number registered on the space's WABA, in E.164 form (the API answers with the
/// country code and number, digits only).
async fn numbers(client: &Client, space: &str) -> Result<Vec<String>, ProviderError> {
    let n = read_call(
        client,
        "QueryChatappPhoneNumbers",
        &[p("CustSpaceId", space)],
    )
    .await?;
    Ok(n.body["PhoneNumbers"]
        .as_array()
        .map(|a| a.iter().map(|d| e164(&s(d, "PhoneNumber"))).collect())
        .unwrap_or_default())
}

fn e164(number: &str) -> String {
    if number.is_empty() || number.starts_with('+') {
        number.to_string()
    } else {
        format!("+{number}")
    }
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
    let number = numbers(client, space)
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();
    let binding = Binding::Whatsapp(WhatsappBinding {
        waba_id: waba,
        phone_number: number,
    });
    Ok((Some(binding), BindState::Bound))
}
