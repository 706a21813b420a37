//! Binding operations for each channel type, mapped onto rules::Op Bind / Unbind, and the
//! reads that show a channel's binding.
//!
//! A bind on an unbound channel is `Op::Bind`; the same binding again is a no-op success (so a
//! retried request is harmless); a different binding on a bound channel is refused by the
//! rules (`OperationDenied.AlreadyBound`) exactly as in the sandbox: release it first. WhatsApp
//! and Viber have no release operation; deleting the instance releases them. WhatsApp's
//! operations (a WABA and its numbers) are in `whatsapp.rs`; Viber's application and its
//! audit are in `viber.rs`.

use super::{Ctx, Fields, channel, data};
use crate::envelope::ApiError;
use crate::params::{Params, field};
use crate::state::State;
use chanctl_core::model::{Binding, EmailBinding, InstagramBinding, MessengerBinding};
use chanctl_core::rules::Op;
use serde_json::{Value, json};

/// Bind unless the channel already has exactly this binding. True when something changed.
pub(super) fn bind(st: &mut State, id: &str, binding: Binding) -> Result<bool, ApiError> {
    if channel(st, id)?.binding.as_ref() == Some(&binding) {
        return Ok(false);
    }
    st.account.apply(&Op::Bind {
        id: id.to_string(),
        binding,
    })?;
    Ok(true)
}

fn unbind(st: &mut State, id: &str, binding: Binding) -> Result<(), ApiError> {
    st.account.apply(&Op::Unbind {
        id: id.to_string(),
        binding,
    })?;
    Ok(())
}

/// The channel's current binding, when it is of the variant `pick` selects.
pub(super) fn current<T: Clone>(
    st: &State,
    id: &str,
    pick: impl Fn(&Binding) -> Option<&T>,
) -> Result<Option<T>, ApiError> {
    Ok(channel(st, id)?.binding.as_ref().and_then(pick).cloned())
}

pub fn bind_messenger_page(p: &Params, st: &mut State) -> Result<Fields, ApiError> {
    let id = p.required("InstanceId")?;
    let page = p.required("PageId")?;
    bind(
        st,
        id,
        Binding::Messenger(MessengerBinding {
            page_id: page.to_string(),
        }),
    )?;
    Ok(data(json!([{
        "PageId": page,
        "PageName": format!("Page {page}"),
        "ConnectionStatus": "Connected",
    }])))
}

pub fn delete_messenger_page(p: &Params, st: &mut State) -> Result<Fields, ApiError> {
    let id = p.required("InstanceId")?;
    let page = p.required("PageId")?;
    let binding = Binding::Messenger(MessengerBinding {
        page_id: page.to_string(),
    });
    unbind(st, id, binding)?;
    Ok(data(json!("success")))
}

/// BindInstagramPage with the extension parameter AccountId (the Instagram account id).
pub fn bind_instagram_page(p: &Params, st: &mut State, ctx: &Ctx) -> Result<Fields, ApiError> {
    let id = p.required("InstanceId")?;
    let page = p.required("PageId")?;
    let account = ctx.meta.instagram.get(page).ok_or_else(|| {
        ApiError::new(
            400,
            "ERR-FB-001",
            format!("Facebook Page {page} is not linked to an Instagram professional account the app may use."),
        )
    })?;
    bind(
        st,
        id,
        Binding::Instagram(InstagramBinding {
            page_id: page.to_string(),
            instagram_account_id: account.to_string(),
        }),
    )?;
    Ok(data(json!([{
        "PageId": page,
        "PageName": format!("Page {page}"),
        "AccountId": account,
        "ConnectionStatus": "Connected",
    }])))
}

pub fn delete_instagram_page(p: &Params, st: &mut State) -> Result<Fields, ApiError> {
    let id = p.required("InstanceId")?;
    let page = p.required("PageId")?;
    let held = current(st, id, |b| match b {
        Binding::Instagram(i) if i.page_id == page => Some(i),
        _ => None,
    })?;
    // Not bound to that page: let the rules say what it is bound to.
    let binding = held.unwrap_or_else(|| InstagramBinding {
        page_id: page.to_string(),
        instagram_account_id: p.get("AccountId").unwrap_or_default().to_string(),
    });
    unbind(st, id, Binding::Instagram(binding))?;
    Ok(data(json!("success")))
}

pub fn list_instagram_page(p: &Params, st: &State, ctx: &Ctx) -> Result<Fields, ApiError> {
    let id = p.required("InstanceId")?;
    let held = current(st, id, |b| match b {
        Binding::Instagram(i) => Some(i),
        _ => None,
    })?;
    let mut out = json!({"AgentInfo": {}, "BeebotInfo": {}});
    if let (Some(i), Some(obj)) = (held, out.as_object_mut()) {
        obj.insert(
            "InstagramInfo".into(),
            json!({
                "PageId": i.page_id,
                "PageName": format!("Page {}", i.page_id),
                "AccountId": i.instagram_account_id,
                "AccountName": format!("Account {}", i.instagram_account_id),
                "ConnectionStatus": ctx.meta.connection_of(&i.page_id),
            }),
        );
    }
    Ok(data(out))
}

/// BindDmAccount: the binding's address is ExtendAttr.AccountName (AccountCode when absent).
pub fn bind_dm_account(p: &Params, st: &mut State) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?;
    let code = p.required("AccountCode")?;
    let extend = p
        .json_object("ExtendAttr")?
        .ok_or_else(|| ApiError::missing("ExtendAttr"))?;
    let name = Some(field(&extend, "AccountName"))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| code.to_string());
    bind(
        st,
        id,
        Binding::Email(EmailBinding {
            dm_account: name.clone(),
        }),
    )?;
    let m = st.meta_mut(id);
    m.dm_account_code = code.to_string();
    m.dm_send_type = field(&extend, "SendType");
    Ok(data(json!("success")))
}

pub fn unbind_dm_account(p: &Params, st: &mut State) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?;
    let held = current(st, id, |b| match b {
        Binding::Email(e) => Some(e),
        _ => None,
    })?;
    // Nothing bound: an address no binding can have makes the rules refuse with the truth.
    let binding = held.unwrap_or_else(|| EmailBinding {
        dm_account: String::new(),
    });
    unbind(st, id, Binding::Email(binding))?;
    let m = st.meta_mut(id);
    m.dm_account_code.clear();
    m.dm_send_type.clear();
    Ok(data(json!("success")))
}

pub fn list_bind_dm_account(p: &Params, st: &State) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?;
    let c = channel(st, id)?;
    let m = st.meta(id);
    let rows: Vec<Value> = match &c.binding {
        Some(Binding::Email(e)) => vec![json!({
            "AccountCode": if m.dm_account_code.is_empty() { &e.dm_account } else { &m.dm_account_code },
            "InstanceId": c.id,
            "InstanceName": c.name,
            "ExtendAttr": {"AccountName": e.dm_account, "SendType": m.dm_send_type},
        })],
        _ => Vec::new(),
    };
    Ok(data(Value::Array(rows)))
}
