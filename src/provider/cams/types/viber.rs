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

/// The business account, whether its application still waits for the audit, and the
/// service's own state as it writes it.
///
/// `ListViberServiceMessage` names the account and a `State` whose values are not
/// documented, so no value of it is taken to mean approved: the application is pending while
/// `GetAuditRequestByTypeUnAudit(RequestType=viberOpen)` returns it (the operation that lists
/// requests not yet audited), and the state is shown as written.
pub(super) async fn read(
    client: &Client,
    row: &Row,
) -> Result<(Option<Binding>, BindState, Option<String>), ProviderError> {
    let space = [p("CustSpaceId", &row.cust_space_id)];
    let r = read_call(client, "ListViberServiceMessage", &space).await?;
    let service = r
        .data()
        .as_array()
        .and_then(|a| a.iter().find(|d| !s(d, "BusinessAccountName").is_empty()))
        .map(|d| (s(d, "BusinessAccountName"), s(d, "State")));
    let params = [
        p("CustSpaceId", &row.cust_space_id),
        p("RequestType", "viberOpen"),
    ];
    let r = read_call(client, "GetAuditRequestByTypeUnAudit", &params).await?;
    let applied =
        Some(s(&r.data()["AuditRecord"], "BusinessAccountName")).filter(|n| !n.is_empty());
    let binding = |name: String| {
        Some(Binding::Viber(ViberBinding {
            business_account: name,
        }))
    };
    Ok(match (service, applied) {
        // The application waits for its audit (an account already in service being changed
        // reads as the one applied for).
        (_, Some(name)) => (binding(name), BindState::Pending, None),
        (Some((name, state)), None) => {
            let note = (!state.is_empty()).then(|| {
                format!(
                    "viber channel `{}`: the service of business account `{name}` is in state \
                     `{state}` (as ListViberServiceMessage writes it; chanctl does not read \
                     meaning into it)",
                    row.name
                )
            });
            (binding(name), BindState::Bound, note)
        }
        (None, None) => (None, BindState::Bound, None),
    })
}
