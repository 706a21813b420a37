//! Messenger: a Facebook Page, bound with `BindMessengerPage` and released with
//! `DeleteMessengerPage`.

use super::super::read::Row;
use super::{Request, TypeOps, Unbind, mismatch, p};
use crate::model::MessengerBinding;
use crate::model::{BindState, Binding, ChannelType};

pub const OPS: TypeOps = TypeOps {
    bind: Some("BindMessengerPage"),
    unbind: Unbind::Api("DeleteMessengerPage"),
    bind_request: bind,
    unbind_request: unbind,
};

fn page(binding: &Binding) -> &str {
    match binding {
        Binding::Messenger(b) => &b.page_id,
        other => mismatch(ChannelType::Messenger, other),
    }
}

fn bind(id: &str, binding: &Binding) -> (Request, BindState) {
    let params = vec![p("InstanceId", id), p("PageId", page(binding))];
    let request = Request {
        action: "BindMessengerPage",
        params,
    };
    (request, BindState::Bound)
}

fn unbind(id: &str, binding: &Binding) -> Request {
    Request {
        action: "DeleteMessengerPage",
        params: vec![p("InstanceId", id), p("PageId", page(binding))],
    }
}

/// The bound Page, from the listing's `BindId`.
pub(super) fn read(row: &Row) -> (Option<Binding>, BindState) {
    (
        row.bind_id
            .clone()
            .map(|page_id| Binding::Messenger(MessengerBinding { page_id })),
        BindState::Bound,
    )
}
