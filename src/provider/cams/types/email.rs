//! Email: a DirectMail account, bound with `BindDmAccount` and released with
//! `UnbindDmAccount`.

use super::{Request, TypeOps, Unbind, mismatch, p};
use crate::model::{BindState, Binding, ChannelType};

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
