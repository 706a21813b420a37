//! Viber: a business account, applied for with `AddAuditViberOpen`: an audit that stays
//! pending until the service approves it. The API has no operation that releases one.

use super::super::read::{Row, err, s};
use super::{Request, TypeOps, Unbind, mismatch, p};
use crate::model::ViberBinding;
use crate::model::{BindState, Binding, ChannelType};
use crate::provider::ProviderError;
use chanctl_cams::client::Client;

pub const OPS: TypeOps = TypeOps {
    bind: Some("AddAuditViberOpen"),
    unbind: Unbind::Manual(
        "the CAMS API has no operation to unbind a Viber business account: release it in the CAMS console, then run apply again",
    ),
    bind_request: bind,
    unbind_request: |_, binding| mismatch(ChannelType::Viber, binding),
};

fn bind(id: &str, binding: &Binding) -> (Request, BindState) {
    let account = match binding {
        Binding::Viber(b) => &b.business_account,
        other => mismatch(ChannelType::Viber, other),
    };
    let record = serde_json::json!({"BusinessAccountName": account}).to_string();
    let request = Request {
        action: "AddAuditViberOpen",
        params: vec![p("CustSpaceId", id), p("AuditRecord", record)],
    };
    (request, BindState::Pending)
}

/// The business account and its audit state, from `ListViberServiceMessage`.
pub(super) async fn read(
    client: &Client,
    row: &Row,
) -> Result<(Option<Binding>, BindState), ProviderError> {
    let r = client
        .call(
            "ListViberServiceMessage",
            &[p("CustSpaceId", &row.cust_space_id)],
        )
        .await
        .map_err(|e| err("ListViberServiceMessage", e))?;
    Ok(match r.data().as_array().and_then(|a| a.first()) {
        Some(d) if !s(d, "BusinessAccountName").is_empty() => {
            let state = s(d, "State");
            let pending = !matches!(
                state.to_ascii_lowercase().as_str(),
                "approved" | "pass" | "passed" | "online" | "normal" | "active"
            );
            let binding = Binding::Viber(ViberBinding {
                business_account: s(d, "BusinessAccountName"),
            });
            let state = if pending {
                BindState::Pending
            } else {
                BindState::Bound
            };
            (Some(binding), state)
        }
        _ => (None, BindState::Bound),
    })
}
