//! The CAMS operations the emulator serves, and their mapping onto [`chanctl_core::rules::Op`].
//!
//! Reads work on the current state; changes run through [`Store::change`], so each one is
//! checked by the rules, persisted, and only then acknowledged. Parameter names and response
//! fields follow `operations.md`; the extensions and choices are listed in the header of
//! [`crate::emulator`].

mod bindings;
mod instances;
mod template_rules;
pub mod templates;
mod viber;
mod whatsapp;

use super::envelope::ApiError;
use super::params::Params;
use super::state::{State, Store};
use chanctl_core::model::{Binding, LiveChannel};
use chanctl_core::rules::RuleError;
use serde_json::{Map, Value};

/// The only API version CAMS has.
pub const VERSION: &str = "2020-06-06";
/// The region reported in `ResourceRegionId`.
pub const REGION: &str = "ap-southeast-1";

/// Every action the emulator serves.
pub const ACTIONS: [&str; 33] = [
    "ListInstance",
    "QueryInstance",
    "CreateInstance",
    "UpdateInstance",
    "DeleteInstance",
    "ChangeResourceGroup",
    "BindMessengerPage",
    "DeleteMessengerPage",
    "BindInstagramPage",
    "DeleteInstagramPage",
    "ListInstagramPage",
    "BindDmAccount",
    "UnbindDmAccount",
    "ListBindDmAccount",
    "ChatappBindWaba",
    "QueryChatappBindWaba",
    "QueryChatappPhoneNumbers",
    "AddChatappPhoneNumber",
    "GetChatappVerifyCode",
    "ChatappVerifyAndRegister",
    "ChatappPhoneNumberDeregister",
    "AddAuditViberOpen",
    "GetViberByRequestNo",
    "ListViberServiceMessage",
    "GetAuditRequestByTypeUnAudit",
    "UpdateAuditRequest",
    "GetChatappOpenStatus",
    "CreateChatappTemplate",
    "ModifyChatappTemplate",
    "DeleteChatappTemplate",
    "ListChatappTemplate",
    "GetChatappTemplateDetail",
    "ModifyChatappTemplateProperties",
];

pub fn is_known(action: &str) -> bool {
    ACTIONS.contains(&action)
}

/// The response fields besides the envelope (`Data`, `TotalCount`, ...).
pub type Fields = Map<String, Value>;

/// What an operation may depend on besides its parameters.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub now: jiff::Timestamp,
    /// How long a Viber audit takes; 0 approves it on the first GetViberByRequestNo.
    pub viber_audit_ms: u64,
    /// The `State` ListViberServiceMessage writes for an approved service.
    pub viber_service_state: String,
    /// What Meta knows (embedded signups, Instagram links).
    pub meta: std::sync::Arc<crate::meta::Meta>,
    /// How template reviews end.
    pub review: std::sync::Arc<templates::Review>,
}

/// Carry out `action`.
pub fn dispatch(
    action: &str,
    p: &Params,
    store: &mut Store,
    ctx: &Ctx,
) -> Result<Fields, ApiError> {
    use bindings as b;
    use instances as i;
    use templates as t;
    use viber as v;
    use whatsapp as w;
    match action {
        "ListInstance" => i::list(p, store.state()),
        "QueryInstance" => i::query(p, store.state()),
        "CreateInstance" => store.change(|st| i::create(p, st, ctx)),
        "UpdateInstance" => store.change(|st| i::update(p, st)),
        "DeleteInstance" => store.change(|st| i::delete(p, st)),
        "ChangeResourceGroup" => store.change(|st| i::change_resource_group(p, st)),
        "BindMessengerPage" => store.change(|st| b::bind_messenger_page(p, st)),
        "DeleteMessengerPage" => store.change(|st| b::delete_messenger_page(p, st)),
        "BindInstagramPage" => store.change(|st| b::bind_instagram_page(p, st, ctx)),
        "DeleteInstagramPage" => store.change(|st| b::delete_instagram_page(p, st)),
        "ListInstagramPage" => b::list_instagram_page(p, store.state(), ctx),
        "BindDmAccount" => store.change(|st| b::bind_dm_account(p, st)),
        "UnbindDmAccount" => store.change(|st| b::unbind_dm_account(p, st)),
        "ListBindDmAccount" => b::list_bind_dm_account(p, store.state()),
        "ChatappBindWaba" => store.change(|st| w::chatapp_bind_waba(p, st, ctx)),
        "QueryChatappBindWaba" => w::query_chatapp_bind_waba(p, store.state()),
        "QueryChatappPhoneNumbers" => w::query_chatapp_phone_numbers(p, store.state(), ctx),
        "AddChatappPhoneNumber" => store.change(|st| w::add_chatapp_phone_number(p, st, ctx)),
        "GetChatappVerifyCode" => store.change(|st| w::get_chatapp_verify_code(p, st, ctx)),
        "ChatappVerifyAndRegister" => store.change(|st| w::chatapp_verify_and_register(p, st, ctx)),
        "ChatappPhoneNumberDeregister" => {
            store.change(|st| w::chatapp_phone_number_deregister(p, st, ctx))
        }
        "AddAuditViberOpen" => store.change(|st| v::add_audit_viber_open(p, st, ctx)),
        "GetViberByRequestNo" => v::get_viber_by_request_no(p, store, ctx),
        "ListViberServiceMessage" => v::list_viber_service_message(p, store.state(), ctx),
        "GetAuditRequestByTypeUnAudit" => v::get_audit_request_by_type_un_audit(p, store.state()),
        "UpdateAuditRequest" => store.change(|st| v::update_audit_request(p, st)),
        "GetChatappOpenStatus" => Ok(fields([("OpenStatus", Value::Bool(true))])),
        "CreateChatappTemplate" => store.change(|st| t::create(p, st, ctx)),
        "ModifyChatappTemplate" => store.change(|st| t::modify(p, st, ctx)),
        "DeleteChatappTemplate" => store.change(|st| t::delete(p, st)),
        "ListChatappTemplate" => t::list(p, store, ctx),
        "GetChatappTemplateDetail" => t::detail(p, store, ctx),
        "ModifyChatappTemplateProperties" => store.change(|st| t::properties(p, st, ctx)),
        other => Err(ApiError::new(
            404,
            "InvalidApi.NotFound",
            format!("Specified api {other} is not found."),
        )),
    }
}

/// Build response fields.
pub fn fields<const N: usize>(pairs: [(&str, Value); N]) -> Fields {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// `{"Data": data}`.
pub fn data(data: Value) -> Fields {
    fields([("Data", data)])
}

/// The channel with this InstanceId (or, for a direct customer, CustSpaceId).
pub fn channel<'a>(st: &'a State, id: &str) -> Result<&'a LiveChannel, ApiError> {
    st.account
        .get(id)
        .ok_or_else(|| RuleError::NotFound { id: id.to_string() }.into())
}

/// Whether `binding` is bound to `id`, as ListInstance's `BindId` filter matches it (assumed:
/// the filter is documented by its name only): the bound resource, whichever key names it.
pub fn bound_to(binding: &Binding, id: &str) -> bool {
    binding.fields().iter().any(|(_, v)| *v == id)
}

/// Time in the format the emulator reports (`SubmitTime`, `AuditTime`).
pub fn time(ts: jiff::Timestamp) -> String {
    chanctl_cams::sign::format_date(ts)
}
