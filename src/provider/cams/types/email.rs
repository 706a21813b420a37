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

/// The bound DirectMail account, from `ListBindDmAccount`. The reply is a list: when it
/// holds more than one account, the first is the channel's binding and a note says so.
pub(super) async fn read(client: &Client, row: &Row) -> Result<super::Reading, ProviderError> {
    let r = read_call(
        client,
        "ListBindDmAccount",
        &[p("CustSpaceId", &row.cust_space_id)],
    )
    .await?;
    let codes: Vec<String> = r
        .data()
        .as_array()
        .map(|a| a.iter().map(|d| s(d, "AccountCode")).collect())
        .unwrap_or_default();
    let code = codes.first().cloned().unwrap_or_default();
    let note = several(row, &codes);
    let binding = (!code.is_empty()).then_some(Binding::Email(EmailBinding { dm_account: code }));
    Ok(super::Reading {
        binding,
        state: BindState::Bound,
        note,
    })
}

/// What to say when `ListBindDmAccount` lists more than one account for `row`'s space.
fn several(row: &Row, codes: &[String]) -> Option<String> {
    (codes.len() > 1).then(|| {
        format!(
            "email channel `{}` ({}) has {} DirectMail accounts bound ({}): chanctl manages the first; unbind the others in the CAMS console, or keep them knowingly",
            row.name,
            row.id,
            codes.len(),
            codes.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_one_bound_account_is_said() {
        let row = Row {
            profile: Default::default(),
            id: "i-1".into(),
            cust_space_id: "i-1".into(),
            name: "mail".into(),
            channel_type: None,
            description: String::new(),
            created: None,
        };
        assert_eq!(several(&row, &["a".into()]), None);
        let note = several(&row, &["a".into(), "b".into()]).unwrap();
        assert!(
            note.contains("has 2 DirectMail accounts bound (a, b)"),
            "{note}"
        );
    }
}
