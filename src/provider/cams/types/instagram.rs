//! Instagram: a professional account linked to a Facebook Page, bound with
//! `BindInstagramPage(InstanceId, PageId)` and released with `DeleteInstagramPage`. The
//! account is not a parameter: it is the one Meta has linked to the Page, which the bind
//! answers with and `ListInstagramPage` reads.

use super::super::Cams;
use super::super::read::{Row, read_call, s};
use super::{TypeOps, Unbind, p};
use crate::model::{BindState, Binding, InstagramBinding};
use crate::provider::{Outcome, ProviderError};
use crate::rules::Op;
use chanctl_cams::client::Client;

pub const OPS: TypeOps = TypeOps {
    bind: Some("BindInstagramPage"),
    unbind: Unbind::Api("DeleteInstagramPage"),
};

/// Bind the Page, then check that the account Meta links to it is the file's.
pub(super) async fn bind(
    cams: &Cams,
    op: &Op,
    id: &str,
    b: &InstagramBinding,
) -> Result<Outcome, ProviderError> {
    let params = [p("InstanceId", id), p("PageId", &b.page_id)];
    let reply = cams.change(op, "BindInstagramPage", &params).await?;
    let linked = reply
        .data()
        .as_array()
        .and_then(|rows| rows.iter().find(|r| s(r, "PageId") == b.page_id))
        .map(|r| s(r, "AccountId"))
        .unwrap_or_default();
    if !linked.is_empty() && linked != b.instagram_account_id {
        return Err(ProviderError::Api {
            code: "LinkedAccountDiffers".into(),
            message: format!(
                "Facebook Page {} is linked to Instagram account {linked}, not to {} as the file says: \
                 the Page is now bound with account {linked}. Correct `instagram_account_id` in the \
                 file, or link the Page to the right account in Meta Business Suite and apply again",
                b.page_id, b.instagram_account_id
            ),
            request_id: None,
        });
    }
    Ok(Outcome::Done(BindState::Bound))
}

pub(super) async fn unbind(
    cams: &Cams,
    op: &Op,
    id: &str,
    b: &InstagramBinding,
) -> Result<(), ProviderError> {
    let params = [p("InstanceId", id), p("PageId", &b.page_id)];
    cams.change(op, "DeleteInstagramPage", &params).await?;
    Ok(())
}

/// The bound Page and account, from `ListInstagramPage`.
pub(super) async fn read(
    client: &Client,
    row: &Row,
) -> Result<(Option<Binding>, BindState), ProviderError> {
    let r = read_call(client, "ListInstagramPage", &[p("InstanceId", &row.id)]).await?;
    let info = &r.data()["InstagramInfo"];
    let (page, account) = (s(info, "PageId"), s(info, "AccountId"));
    let binding = (!page.is_empty()).then_some(Binding::Instagram(InstagramBinding {
        page_id: page,
        instagram_account_id: account,
    }));
    Ok((binding, BindState::Bound))
}
