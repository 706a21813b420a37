//! The keys each mapping of the channels file takes, in one place: the unknown-key and
//! "did you mean" diagnostics and the environment overrides all read them from here. The
//! binding keys of each channel type live with the type (`model::ChannelType`).

/// The keys of the file's top level, of `account`, of `safety` and of an environment.
pub const ROOT_KEYS: &[&str] = &[
    "version",
    "account",
    "prune",
    "safety",
    "channels",
    "environments",
    "variables",
];
pub const ACCOUNT_KEYS: &[&str] = &["quota"];
pub const SAFETY_KEYS: &[&str] = &["max_change_percent", "min_managed"];
pub const ENVIRONMENT_KEYS: &[&str] = &["account", "prune", "safety", "channels"];
/// The keys of one variable's declaration under `variables`.
pub const VARIABLE_KEYS: &[&str] = &["sensitive", "description"];
/// The keys of a channel in `channels` (an SMS channel takes all but `binding`).
pub const CHANNEL_ENTRY_KEYS: &[&str] = &[
    "name",
    "type",
    "description",
    "binding",
    "protect",
    "previously",
];
/// The channel keys an environment may override.
pub const ENVIRONMENT_CHANNEL_KEYS: [&str; 4] = ["name", "description", "binding", "protect"];
