//! Email: a DirectMail sender address, bound with `BindDmAccount` and released with
//! `UnbindDmAccount`, both on the channel's `CustSpaceId`.

use super::super::Cams;
use super::super::read::{Row, read_call, s};
use super::{TypeOps, Unbind, p};
use crate::model::{BindState, Binding, EmailBinding};
use crate::provider::{Outcome, ProviderError};
use crate::rules::Op;
use chanctl_cams::client::Client;

pub const OPS: TypeOps = TypeOps {
    bind: Some("BindDmAccount"),
    unbind: Unbind::Api("UnbindDmAccount"),
};

pub(super) async fn bind(
    cams: &Cams,
    op: &Op,
    id: &str,
    b: &EmailBinding,
) -> Result<Outcome, ProviderError> {
    let space = cams.space_of(id).await?;
    let extend = serde_json::json!({"AccountName": b.dm_account, "SendType": "batch"}).to_string();
    let params = [
        p("CustSpaceId", space),
        p("AccountCode", &b.dm_account),
        p("ExtendAttr", extend),
    ];
    cams.change(op, "BindDmAccount", &params).await?;
    Ok(Outcome::Done(BindState::Bound))
}

pub(super) async fn unbind(cams: &Cams, op: &Op, id: &str) -> Result<(), ProviderError> {
    let space = cams.space_of(id).await?;
    cams.change(op, "UnbindDmAccount", &[p("CustSpaceId", space)])
        .await?;
    Ok(())
}

/// The bound DirectMail account, from `ListBindDmAccount`.
pub(super) async fn read(
    client: &Client,
    row: &Row,
) -> Result<(Option<Binding>, BindState), ProviderError> {
    let r = read_call(
        client,
        "ListBindDmAccount",
        &[p("CustSpaceId", &row.cust_space_id)],
    )
    .await?;
    let code = r
        .data()
        .as_array()
        .and_then(|a| a.first())
        .map(|d| s(d, "AccountCode"))
        .unwrap_or_default();
    let binding = (!code.is_empty()).then_some(Binding::Email(EmailBinding { dm_account: code }));
    Ok((binding, BindState::Bound))
}
