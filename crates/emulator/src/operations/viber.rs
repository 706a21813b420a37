//! Viber's operations: the application for a business account (AddAuditViberOpen), its
//! audit (GetViberByRequestNo approves it after `--viber-audit-ms`), the edit of an
//! application still pending (UpdateAuditRequest), and the reads that show it
//! (GetAuditRequestByTypeUnAudit while pending, ListViberServiceMessage's service card).

use super::bindings::bind;
use super::{Ctx, Fields, channel, data, time};
use crate::envelope::ApiError;
use crate::params::{Params, field};
use crate::state::{State, Store, ViberAudit};
use chanctl_core::model::{BindState, Binding, ViberBinding};
use chanctl_core::rules::Op;
use serde_json::{Value, json};

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
    let binding = Binding::Viber(ViberBinding::account(name.clone()));
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

/// UpdateAuditRequest(CustSpaceId, RequestNo, AuditRecord): replaces the record of the
/// space's application while it is pending. A record without `BusinessAccountName` keeps the
/// account applied for; a new one moves the binding to it (still pending).
pub fn update_audit_request(p: &Params, st: &mut State) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?.to_string();
    let request_no = p.required("RequestNo")?.to_string();
    let mut record = p
        .json_object("AuditRecord")?
        .ok_or_else(|| ApiError::missing("AuditRecord"))?;
    channel(st, &id)?;
    let audit = st
        .audits
        .get(&request_no)
        .filter(|a| a.instance_id == id)
        .cloned()
        .ok_or_else(|| not_found(&request_no))?;
    if audit.approved {
        return Err(chanctl_core::rules::RuleError::NotUnderReview { id }.into());
    }
    let mut name = field(&record, "BusinessAccountName");
    if name.trim().is_empty() {
        name = audit.business_account_name.clone();
        if let Some(r) = record.as_object_mut() {
            r.insert("BusinessAccountName".into(), Value::String(name.clone()));
        }
    }
    if name != audit.business_account_name {
        st.account.apply(&Op::Rebind {
            id: id.clone(),
            from: Binding::Viber(ViberBinding::account(audit.business_account_name.clone())),
            to: Binding::Viber(ViberBinding::account(name.clone())),
        })?;
    }
    if let Some(a) = st.audits.get_mut(&request_no) {
        a.business_account_name = name;
        a.audit_record = record;
    }
    Ok(data(json!({"RequestNo": request_no})))
}

fn not_found(request_no: &str) -> ApiError {
    ApiError::new(
        400,
        "InvalidRequestNo.NotFound",
        format!("No Viber audit request {request_no}."),
    )
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
        .ok_or_else(|| not_found(&request_no))?;
    let due = audit
        .submitted_ms
        .saturating_add(i64::try_from(ctx.viber_audit_ms).unwrap_or(i64::MAX));
    let audit = if !audit.approved && ctx.now.as_millisecond() >= due {
        store.change(|st| {
            let approved =
                Binding::Viber(ViberBinding::account(audit.business_account_name.clone()));
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

/// The fields of ListViberServiceMessage's row that the application gives.
const CARD_FIELDS: [&str; 3] = [
    "IndustryInvolved",
    "MessageDestinationCountry",
    "MessageDestinationInternationalCountry",
];

/// ListViberServiceMessage: the channel's Viber service. Its `State` is what
/// `--viber-service-state` says once the audit passed (nothing by default: which states the
/// service writes is not documented), empty while it is pending.
pub fn list_viber_service_message(p: &Params, st: &State, ctx: &Ctx) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?;
    let c = channel(st, id)?;
    let rows: Vec<Value> = match &c.binding {
        Some(Binding::Viber(v)) => {
            let m = st.meta(id);
            let audit = st.audits.get(&m.viber_request_no);
            let service = audit.map(|a| a.service_id.clone()).unwrap_or_default();
            let state = if c.bind_state == BindState::Bound {
                ctx.viber_service_state.as_str()
            } else {
                ""
            };
            let mut row = json!({
                "ServiceId": service,
                "State": state,
                "BusinessAccountName": v.business_account,
            });
            // The application's industry and destinations, as submitted.
            for key in CARD_FIELDS {
                if let Some(value) = audit.and_then(|a| a.audit_record.get(key)) {
                    row[key] = value.clone();
                }
            }
            vec![row]
        }
        _ => Vec::new(),
    };
    Ok(data(Value::Array(rows)))
}
