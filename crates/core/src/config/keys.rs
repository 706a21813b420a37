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
    "contact_mail",
    "country_id",
    "office_address",
    "facebook_bm_id",
    "isv_terms",
    "resource_group",
    "templates",
];
/// The keys of a template entry under a channel's `templates`.
pub const TEMPLATE_KEYS: &[&str] = &[
    "name",
    "category",
    "language",
    "components",
    "examples",
    "message_send_ttl_seconds",
    "allow_send",
    "category_change_paused",
    "languages",
    "protect",
    "previously",
];
/// The keys of one language's content under a template's `languages`.
pub const TEMPLATE_CONTENT_KEYS: &[&str] = &[
    "components",
    "examples",
    "message_send_ttl_seconds",
    "allow_send",
    "category_change_paused",
];
/// The keys of a template's `components`.
pub const COMPONENT_KEYS: &[&str] = &[
    "header",
    "body",
    "add_secret_recommendation",
    "footer",
    "code_expiration_minutes",
    "buttons",
    "cards",
];
pub const HEADER_KEYS: &[&str] = &["format", "text", "url", "file_name"];
pub const BUTTON_KEYS: &[&str] = &[
    "type",
    "text",
    "url",
    "phone_number",
    "coupon_code",
    "autofill_text",
    "package_name",
    "signature_hash",
    "flow_id",
    "is_opt_out",
];
pub const CARD_KEYS: &[&str] = &["header", "body", "buttons"];
pub const CARD_HEADER_KEYS: &[&str] = &["format", "url"];
pub const CARD_BUTTON_KEYS: &[&str] = &["type", "text", "url", "phone_number"];

/// The keys of a channel's `templates: {include: PATTERN}`.
pub const INCLUDE_KEYS: &[&str] = &["include"];

/// The keys of the template mapping at `segments` (a pointer's segments, from `channels`, or
/// from the `templates` of an included file), when it is one.
pub fn template_keys(segments: &[&str]) -> Option<&'static [&'static str]> {
    let rest = match segments {
        ["channels", _, "templates"] => return Some(INCLUDE_KEYS),
        ["channels", _, "templates", _, rest @ ..] | ["templates", _, rest @ ..] => rest,
        _ => return None,
    };
    let rest = match rest {
        ["languages", _, rest @ ..] => {
            if rest.is_empty() {
                return Some(TEMPLATE_CONTENT_KEYS);
            }
            rest
        }
        [] => return Some(TEMPLATE_KEYS),
        rest => rest,
    };
    Some(match rest {
        ["components"] => COMPONENT_KEYS,
        ["components", "header"] => HEADER_KEYS,
        ["components", "buttons", _] => BUTTON_KEYS,
        ["components", "cards", _] => CARD_KEYS,
        ["components", "cards", _, "header"] => CARD_HEADER_KEYS,
        ["components", "cards", _, "buttons", _] => CARD_BUTTON_KEYS,
        _ => return None,
    })
}

/// The channel keys an environment may override.
pub const ENVIRONMENT_CHANNEL_KEYS: [&str; 10] = [
    "name",
    "description",
    "binding",
    "protect",
    "contact_mail",
    "country_id",
    "office_address",
    "facebook_bm_id",
    "isv_terms",
    "resource_group",
];
