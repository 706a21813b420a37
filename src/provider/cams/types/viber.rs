//! Viber: a business account, applied for with `AddAuditViberOpen`: an audit that stays
//! pending until the service approves it. The API has no operation that releases one.

use super::{Request, TypeOps, Unbind, mismatch, p};
use crate::model::{BindState, Binding, ChannelType};

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
