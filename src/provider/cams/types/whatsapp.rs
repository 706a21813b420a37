//! WhatsApp: a WhatsApp Business account and number, bound with `ChatappBindWaba`. The API
//! has no operation that releases one: such a step is manual.

use super::{Request, TypeOps, Unbind, mismatch, p};
use crate::model::{BindState, Binding, ChannelType};

pub const OPS: TypeOps = TypeOps {
    bind: Some("ChatappBindWaba"),
    unbind: Unbind::Manual(
        "the CAMS API has no operation to unbind a WhatsApp Business account: unbind it in the CAMS console (Channel Management), then run apply again",
    ),
    bind_request: bind,
    unbind_request: |_, binding| mismatch(ChannelType::Whatsapp, binding),
};

fn bind(id: &str, binding: &Binding) -> (Request, BindState) {
    let b = match binding {
        Binding::Whatsapp(b) => b,
        other => mismatch(ChannelType::Whatsapp, other),
    };
    let request = Request {
        action: "ChatappBindWaba",
        params: vec![
            p("WabaId", &b.waba_id),
            p("CustSpaceId", id),
            p("PhoneNumber", &b.phone_number),
        ],
    };
    (request, BindState::Bound)
}
