//! SMS: a channel without a binding (its prerequisites are set up in the console).

use super::{TypeOps, Unbind, mismatch};
use crate::model::ChannelType;

pub const OPS: TypeOps = TypeOps {
    bind: None,
    unbind: Unbind::Never,
    bind_request: |_, binding| mismatch(ChannelType::Sms, binding),
    unbind_request: |_, binding| mismatch(ChannelType::Sms, binding),
};
