//! Binding operations for each channel type, mapped onto rules::Op Bind / Unbind, and the
//! reads that show a channel's binding.
//!
//! A bind on an unbound channel is `Op::Bind`; the same binding again is a no-op success (so a
//! retried request is harmless); a different binding on a bound channel is refused by the
//! rules (`OperationDenied.AlreadyBound`) exactly as in the sandbox: release it first. WhatsApp
//! and Viber have no release operation; deleting the instance releases them. WhatsApp's
//! operations (a WABA and its numbers) are in `whatsapp.rs`.

use super::{Ctx, Fields, channel, data, time};
use crate::envelope::ApiError;
use crate::params::{Params, field};
use crate::state::{State, Store, ViberAudit};
use chanctl_core::model::{
    BindState, Binding, EmailBinding, InstagramBinding, MessengerBinding, ViberBinding,
};
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

pub fn list_instagram_page(p: &Params, st: &State) -> Result<Fields, ApiError> {
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
                "ConnectionStatus": "Connected",
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

/// AddAuditViberOpen: binds AuditRecord.BusinessAccountName with BindState::Pending and
/// opens an audit. Re-submitting the same account returns the existing RequestNo.
pub fn add_audit_viber_open(p: &Params, st: &mut State, ctx: &Ctx) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?.to_string();
    let record = p
        .json_object("AuditRecord")?
        .ok_or_else(|| ApiError::missing("AuditRecord"))?;
    let name = field(&record, "BusinessAccountName");
    if name.trim().is_empty() {
        return Err(ApiError::missing("AuditRecord.BusinessAccountName"));
    }
    let binding = Binding::Viber(ViberBinding {
        business_account: name.clone(),
    });
    let existing = st.meta(&id).viber_request_no;
    if !bind(st, &id, binding)? && st.audits.contains_key(&existing) {
        return Ok(data(json!({"RequestNo": existing})));
    }
    st.account.set_bind_state(&id, BindState::Pending)?;
    let n = st.next_serial();
    let request_no = format!("VBR{:012}", n);
    st.audits.insert(
        request_no.clone(),
        ViberAudit {
            request_no: request_no.clone(),
            instance_id: id.clone(),
            service_id: format!("VBS{:012}", n),
            business_account_name: name,
            audit_record: record,
            submitted_ms: ctx.now.as_millisecond(),
            submit_time: time(ctx.now),
            approved: false,
            audit_time: String::new(),
        },
    );
    st.meta_mut(&id).viber_request_no = request_no.clone();
    Ok(data(json!({"RequestNo": request_no})))
}

/// GetViberByRequestNo: approves a pending audit once `--viber-audit-ms` has passed (at once
/// when it is 0), which makes the channel's binding Bound.
pub fn get_viber_by_request_no(
    p: &Params,
    store: &mut Store,
    ctx: &Ctx,
) -> Result<Fields, ApiError> {
    let request_no = p.required("RequestNo")?.to_string();
    let audit = store
        .state()
        .audits
        .get(&request_no)
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                400,
                "InvalidRequestNo.NotFound",
                format!("No Viber audit request {request_no}."),
            )
        })?;
    let due = audit
        .submitted_ms
        .saturating_add(i64::try_from(ctx.viber_audit_ms).unwrap_or(i64::MAX));
    let audit = if !audit.approved && ctx.now.as_millisecond() >= due {
        store.change(|st| {
            let approved = Binding::Viber(ViberBinding {
                business_account: audit.business_account_name.clone(),
            });
            let holds = st
                .account
                .get(&audit.instance_id)
                .is_some_and(|c| c.binding.as_ref() == Some(&approved));
            if holds && st.meta(&audit.instance_id).viber_request_no == request_no {
                st.account
                    .set_bind_state(&audit.instance_id, BindState::Bound)?;
            }
            let a = st.audits.entry(request_no.clone()).or_insert(audit);
            a.approved = true;
            a.audit_time = time(ctx.now);
            Ok(a.clone())
        })?
    } else {
        audit
    };
    let (state, result) = audit_state(audit.approved);
    Ok(data(json!({
        "Id": audit.service_id,
        "RequestNo": audit.request_no,
        "RequestType": "OPEN",
        "State": state,
        "AuditResult": result,
        "AuditTime": audit.audit_time,
        "Reason": "",
        "MaapServiceNo": audit.service_id,
        "SubscriberCode": audit.instance_id,
        "Creator": "",
        "Modifier": "",
        "GmtCreate": audit.submit_time,
        "GmtModifier": if audit.approved { &audit.audit_time } else { &audit.submit_time },
        "AuditRecord": audit.audit_record,
    })))
}

/// `(State, AuditResult)` of an audit.
fn audit_state(approved: bool) -> (&'static str, &'static str) {
    if approved {
        ("Approved", "Pass")
    } else {
        ("Auditing", "")
    }
}

/// The AuditRecord fields GetAuditRequestByTypeUnAudit's response declares (the request's
/// and the response's records differ: e.g. the response has no ContactName).
const UNAUDITED_RECORD_FIELDS: [&str; 26] = [
    "AgeLimit",
    "ApplyReason",
    "BusinessAccountName",
    "CompanyAddress",
    "CompanyEnglishName",
    "CompanyLegalName",
    "CompanyLegalPerson",
    "CompanyProfile",
    "CompanyRegisteredCountry",
    "CompanyTel",
    "ContactMail",
    "EnableAutoReply",
    "IndustryDescription",
    "IndustryInvolved",
    "LetterGuarantee",
    "Logo",
    "MessageDestinationCountry",
    "MessageDestinationInternationalCountry",
    "MessageDialogueIntroduction",
    "MessageEnableDate",
    "MessageSessionName",
    "NowRecovery",
    "RecoveryDate",
    "ReplyContent",
    "SuspensionDate",
    "WebAddress",
];

/// GetAuditRequestByTypeUnAudit(CustSpaceId, RequestType): the space's application of that
/// type still waiting for its audit (`viberOpen`: the Viber opening audit), or `Data` without
/// an `AuditRecord` when there is none (what the real service answers then is not
/// documented). `CompanyRegisteredCountry` is a list in this response's model.
pub fn get_audit_request_by_type_un_audit(p: &Params, st: &State) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?;
    let request_type = p.required("RequestType")?;
    channel(st, id)?;
    let audit = st
        .audits
        .get(&st.meta(id).viber_request_no)
        .filter(|a| request_type == "viberOpen" && !a.approved);
    let Some(audit) = audit else {
        return Ok(data(json!({})));
    };
    let mut record = serde_json::Map::new();
    for key in UNAUDITED_RECORD_FIELDS {
        if let Some(v) = audit.audit_record.get(key) {
            let v = match (key, v) {
                ("CompanyRegisteredCountry", Value::String(c)) => json!([c]),
                _ => v.clone(),
            };
            record.insert(key.to_string(), v);
        }
    }
    Ok(data(json!({
        "RequestNo": audit.request_no,
        "RequestType": request_type,
        "GmtCreate": audit.submit_time,
        "AuditRecord": record,
    })))
}

/// ListViberServiceMessage: the channel's Viber service. Its `State` is what
/// `--viber-service-state` says once the audit passed (nothing by default: which states the
/// service writes is not documented), empty while it is pending.
pub fn list_viber_service_message(p: &Params, st: &State, ctx: &Ctx) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?;
    let c = channel(st, id)?;
    let rows: Vec<Value> = match &c.binding {
        Some(Binding::Viber(v)) => {
            let m = st.meta(id);
            let service = st
                .audits
                .get(&m.viber_request_no)
                .map(|a| a.service_id.clone())
                .unwrap_or_default();
            let state = if c.bind_state == BindState::Bound {
                ctx.viber_service_state.as_str()
            } else {
                ""
            };
            vec![json!({
                "ServiceId": service,
                "State": state,
                "BusinessAccountName": v.business_account,
            })]
        }
        _ => Vec::new(),
    };
    Ok(data(Value::Array(rows)))
}
