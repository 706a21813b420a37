//! Viber: a business account, applied for with `AddAuditViberOpen` on the channel's
//! `CustSpaceId`: an audit that stays pending until the service approves it. The API has no
//! operation that releases one.

use super::super::Cams;
use super::super::read::{Row, read_call, s};
use super::{TypeOps, Unbind, p};
use crate::model::{BindState, Binding, ViberBinding};
use crate::provider::{Outcome, ProviderError};
use crate::rules::Op;
use chanctl_cams::client::Client;

pub const OPS: TypeOps = TypeOps {
    bind: Some("AddAuditViberOpen"),
    unbind: Unbind::Manual(crate::rules::VIBER_RELEASED_BY_HAND),
};

pub(super) async fn bind(
    cams: &Cams,
    op: &Op,
    id: &str,
    b: &ViberBinding,
) -> Result<Outcome, ProviderError> {
    let space = cams.space_of(id).await?;
    let record = serde_json::json!({"BusinessAccountName": b.business_account}).to_string();
    let params = [p("CustSpaceId", space), p("AuditRecord", record)];
    cams.change(op, "AddAuditViberOpen", &params).await?;
    Ok(Outcome::Done(BindState::Pending))
}

/// The business account and its audit state, from `ListViberServiceMessage`.
pub(super) async fn read(
    client: &Client,
    row: &Row,
) -> Result<(Option<Binding>, BindState), ProviderError> {
    let params = [p("CustSpaceId", &row.cust_space_id)];
    let r = read_call(client, "ListViberServiceMessage", &params).await?;
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
