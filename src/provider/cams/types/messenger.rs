//! Messenger: a Facebook Page, bound with `BindMessengerPage(InstanceId, PageId)` and released
//! with `DeleteMessengerPage(InstanceId, PageId)`. No field of any reply says which Page a
//! channel holds: the listing's `IsBind` and `BindId` filters are the only route (see
//! [`read`]).

use super::super::Cams;
use super::super::read::{Lookups, Row};
use super::{TypeOps, Unbind, p};
use crate::model::{BindState, Binding, MessengerBinding};
use crate::provider::{Outcome, ProviderError};
use crate::rules::Op;

pub const OPS: TypeOps = TypeOps {
    bind: Some("BindMessengerPage"),
    unbind: Unbind::Api("DeleteMessengerPage"),
};

pub(super) async fn bind(
    cams: &Cams,
    op: &Op,
    id: &str,
    b: &MessengerBinding,
) -> Result<Outcome, ProviderError> {
    let params = [p("InstanceId", id), p("PageId", &b.page_id)];
    cams.change(op, "BindMessengerPage", &params).await?;
    Ok(Outcome::Done(BindState::Bound))
}

pub(super) async fn unbind(
    cams: &Cams,
    op: &Op,
    id: &str,
    b: &MessengerBinding,
) -> Result<(), ProviderError> {
    let params = [p("InstanceId", id), p("PageId", &b.page_id)];
    cams.change(op, "DeleteMessengerPage", &params).await?;
    Ok(())
}

/// The bound Page: known when the listing's `BindId` filter found this channel holding a Page
/// the file declares; bound to an unknown Page when only `IsBind` says it is bound.
pub(super) fn read(row: &Row, view: &Lookups) -> (Option<Binding>, BindState) {
    match view.page_of.get(&row.id) {
        Some(page_id) => (
            Some(Binding::Messenger(MessengerBinding {
                page_id: page_id.clone(),
            })),
            BindState::Bound,
        ),
        None if view.bound.contains(&row.id) => (None, BindState::Unknown),
        None => (None, BindState::Bound),
    }
}
