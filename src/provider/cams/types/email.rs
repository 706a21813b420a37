//! Email: a DirectMail account, bound with `BindDmAccount` and released with
//! `UnbindDmAccount`.

use super::super::read::{Row, err, s};
use super::{Request, TypeOps, Unbind, mismatch, p};
use crate::model::EmailBinding;
use crate::model::{BindState, Binding, ChannelType};
use crate::provider::ProviderError;
use chanctl_cams::client::Client;

pub const OPS: TypeOps = TypeOps {
    bind: Some("BindDmAccount"),
    unbind: Unbind::Api("UnbindDmAccount"),
    bind_request: bind,
    unbind_request: unbind,
};

fn bind(id: &str, binding: &Binding) -> (Request, BindState) {
    let account = match binding {
        Binding::Email(b) => &b.dm_account,
        other => mismatch(ChannelType::Email, other),
    };
    let extend = serde_json::json!({"AccountName": account, "SendType": "batch"}).to_string();
    let request = Request {
        action: "BindDmAccount",
        params: vec![
            p("CustSpaceId", id),
            p("AccountCode", account),
            p("ExtendAttr", extend),
        ],
    };
    (request, BindState::Bound)
}

fn unbind(id: &str, _binding: &Binding) -> Request {
    Request {
        action: "UnbindDmAccount",
        params: vec![p("CustSpaceId", id)],
    }
}

/// The bound DirectMail account, from `ListBindDmAccount`.
pub(super) async fn read(
    client: &Client,
    row: &Row,
) -> Result<(Option<Binding>, BindState), ProviderError> {
    let r = client
        .call("ListBindDmAccount", &[p("CustSpaceId", &row.cust_space_id)])
        .await
        .map_err(|e| err("ListBindDmAccount", e))?;
    let code = r
        .data()
        .as_array()
        .and_then(|a| a.first())
        .map(|d| s(d, "AccountCode"))
        .unwrap_or_default();
    let binding = (!code.is_empty()).then_some(Binding::Email(EmailBinding { dm_account: code }));
    Ok((binding, BindState::Bound))
}
