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

/// The bound Page and account, from `ListInstagramPage`, with a note when the Page's
/// connection is not `Connected`.
pub(super) async fn read(
    client: &Client,
    row: &Row,
) -> Result<(Option<Binding>, BindState, Option<String>), ProviderError> {
    let r = read_call(client, "ListInstagramPage", &[p("InstanceId", &row.id)]).await?;
    let info = &r.data()["InstagramInfo"];
    let (page, account) = (s(info, "PageId"), s(info, "AccountId"));
    let note = connection_note(&row.name, &page, &s(info, "ConnectionStatus"));
    let binding = (!page.is_empty()).then_some(Binding::Instagram(InstagramBinding {
        page_id: page,
        instagram_account_id: account,
    }));
    Ok((binding, BindState::Bound, note))
}

/// What a person should know of a bound Page whose `ConnectionStatus` is not `Connected`.
/// The documented values are Pending, Connecting, Connected, Disconnecting, Disconnected,
/// Deleting and ServiceDeleted (examples in lower case); none of them changes the plan, and any
/// other value is shown as written too. An empty status says nothing.
fn connection_note(channel: &str, page: &str, status: &str) -> Option<String> {
    (!page.is_empty() && !status.is_empty() && !status.eq_ignore_ascii_case("connected")).then(
        || {
            format!(
                "instagram channel `{channel}`: the connection of Page {page} is `{status}` (as \
                 ListInstagramPage writes it), not Connected: messages may not flow until it is \
                 reconnected in the CAMS console or Meta Business Suite"
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::connection_note;

    #[test]
    fn only_a_page_not_connected_gets_a_note() {
        let note = connection_note("ig", "9001", "Disconnected").unwrap();
        assert!(note.contains("Page 9001 is `Disconnected`"), "{note}");
        assert!(connection_note("ig", "9001", "Connected").is_none());
        assert!(connection_note("ig", "9001", "connected").is_none());
        assert!(connection_note("ig", "9001", "").is_none());
        assert!(connection_note("ig", "", "Deleting").is_none());
        assert!(connection_note("ig", "9001", "ServiceDeleted").is_some());
    }
}
