//! SMS: a channel without a binding (its prerequisites are set up in the console).

use super::TypeInfo;
use crate::model::ChannelType;

pub const INFO: TypeInfo = TypeInfo {
    channel_type: ChannelType::Sms,
    keys: &[],
    fields: &[],
    schema: None,
    resources: &[],
    required_help: &[],
    pattern_help: &[],
};
