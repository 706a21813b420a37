//! Instagram: a professional account linked to a Facebook Page, bound with
//! `BindInstagramPage` and released with `DeleteInstagramPage`.

use super::{Request, TypeOps, Unbind, mismatch, p};
use crate::model::{BindState, Binding, ChannelType, InstagramBinding};

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
