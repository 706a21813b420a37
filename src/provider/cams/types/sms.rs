//! SMS: a channel without a binding (its prerequisites are set up in the console).

use super::{TypeOps, Unbind};

pub const OPS: TypeOps = TypeOps {
    bind: None,
    unbind: Unbind::Never,
};
