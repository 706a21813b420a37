//! Instagram: a professional account linked to a Facebook Page, bound with
//! `BindInstagramPage` and released with `DeleteInstagramPage`.

use super::super::read::{Row, err, s};
use super::{Request, TypeOps, Unbind, mismatch, p};
use crate::model::{BindState, Binding, ChannelType, InstagramBinding};
use crate::provider::ProviderError;
use chanctl_cams::client::Client;

pub const OPS: TypeOps = TypeOps {
    bind: Some("BindInstagramPage"),
    unbind: Unbind::Api("DeleteInstagramPage"),
    bind_request: bind,
    unbind_request: unbind,
};

fn own(binding: &Binding) -> &InstagramBinding {
    match binding {
        Binding::Instagram(b) => b,
        other => mismatch(ChannelType::Instagram, other),
    }
}

fn bind(id: &str, binding: &Binding) -> (Request, BindState) {
    let b = own(binding);
    let request = Request {
        action: "BindInstagramPage",
        params: vec![
            p("InstanceId", id),
            p("PageId", &b.page_id),
            p("AccountId", &b.instagram_account_id),
        ],
    };
    (request, BindState::Bound)
}

fn unbind(id: &str, binding: &Binding) -> Request {
    Request {
        action: "DeleteInstagramPage",
        params: vec![p("InstanceId", id), p("PageId", &own(binding).page_id)],
    }
}

/// The bound Page and account, from `ListInstagramPage`.
pub(super) async fn read(
    client: &Client,
    row: &Row,
) -> Result<(Option<Binding>, BindState), ProviderError> {
    let r = client
        .call("ListInstagramPage", &[p("InstanceId", &row.id)])
        .await
        .map_err(|e| err("ListInstagramPage", e))?;
    let info = &r.data()["InstagramInfo"];
    let (page, account) = (s(info, "PageId"), s(info, "AccountId"));
    let binding = (!page.is_empty()).then_some(Binding::Instagram(InstagramBinding {
        page_id: page,
        instagram_account_id: account,
    }));
    Ok((binding, BindState::Bound))
}
