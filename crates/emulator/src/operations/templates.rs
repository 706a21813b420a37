//! The six template operations: CreateChatappTemplate, ModifyChatappTemplate,
//! DeleteChatappTemplate, ListChatappTemplate, GetChatappTemplateDetail and
//! ModifyChatappTemplateProperties, with the parameters and reply fields the official SDK
//! declares, and the documented rules (`fidelity.md`, Templates):
//!
//! - the natural key is (space, TemplateType, Name, Language): a second create is
//!   `InvalidParameter.TemplateNameExist`;
//! - a template may be modified only before it is reviewed or after it was rejected;
//! - the review is a state machine the emulator's flags drive (see [`Review`]): a new or
//!   modified template is `auditing`, then `pass` or `fail` with a reason;
//! - the documented content rules, with their documented codes where there are any
//!   ([`super::template_rules`]).
//!
//! Throttling (5/s for List, Detail and Delete; 50/s for Create and Modify) is the server's,
//! from the documented table in `chanctl_cams::limits`.

use super::template_rules;
use super::{Ctx, Fields, data, fields};
use crate::envelope::ApiError;
use crate::params::Params;
use crate::state::{State, Store, Template};
use serde_json::{Value, json};

/// How reviews end: the emulator's flags (`--template-review`, `--template-review-ms`,
/// `--template-reject NAME=REASON`).
#[derive(Debug, Clone, Default)]
pub struct Review {
    pub mode: ReviewMode,
    /// How long a review takes, in milliseconds; 0 decides it on the first read.
    pub after_ms: u64,
    /// Names rejected whatever the mode, with the reason given.
    pub reject: Vec<(String, String)>,
}

/// What a review decides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReviewMode {
    /// Every template passes.
    #[default]
    Approve,
    /// Every template fails.
    Reject,
    /// Reviews never end (templates stay `auditing`).
    Hold,
}

impl ReviewMode {
    pub fn parse(s: &str) -> Result<ReviewMode, String> {
        match s {
            "approve" => Ok(ReviewMode::Approve),
            "reject" => Ok(ReviewMode::Reject),
            "hold" => Ok(ReviewMode::Hold),
            other => Err(format!(
                "unknown review mode `{other}` (approve, reject, hold)"
            )),
        }
    }
}

fn now_ms(ctx: &Ctx) -> i64 {
    ctx.now.as_millisecond()
}

/// The space a request names (`CustSpaceId`, else `CustWabaId`, else the account's own).
fn space(p: &Params) -> String {
    p.optional("CustSpaceId")
        .or_else(|| p.optional("CustWabaId"))
        .unwrap_or_default()
        .to_string()
}

/// `TemplateType` upper-cased: WHATSAPP or VIBER.
fn template_type(p: &Params, required: bool) -> Result<Option<String>, ApiError> {
    let t = if required {
        Some(p.required("TemplateType")?)
    } else {
        p.optional("TemplateType")
    };
    match t.map(str::to_ascii_uppercase) {
        None => Ok(None),
        Some(t) if t == "WHATSAPP" || t == "VIBER" => Ok(Some(t)),
        Some(t) => Err(ApiError::invalid(
            "TemplateType",
            format!("`{t}` is not WHATSAPP or VIBER"),
        )),
    }
}

/// Decide the reviews that are due (see [`Review`]).
fn settle_reviews(store: &mut Store, ctx: &Ctx) -> Result<(), ApiError> {
    let review = &ctx.review;
    let now = now_ms(ctx);
    let due = |t: &Template| {
        t.audit_status == "auditing"
            && (review.mode != ReviewMode::Hold || review.reject.iter().any(|(n, _)| *n == t.name))
            && t.submitted_ms.saturating_add(review.after_ms as i64) <= now
    };
    if !store.state().templates.values().any(due) {
        return Ok(());
    }
    store.change(|st| {
        for t in st.templates.values_mut().filter(|t| due(t)) {
            let rejected = review.reject.iter().find(|(n, _)| *n == t.name);
            match (rejected, review.mode) {
                (Some((_, reason)), _) => fail(t, reason),
                (None, ReviewMode::Reject) => {
                    fail(t, "The template does not meet the review policy")
                }
                _ => {
                    t.audit_status = "pass".into();
                    t.reason.clear();
                    t.quality_score = "GREEN".into();
                }
            }
            t.last_update_ms = now;
        }
        Ok(())
    })
}

fn fail(t: &mut Template, reason: &str) {
    t.audit_status = "fail".into();
    t.reason = reason.to_string();
}

/// The template a request names: by `TemplateCode`, else by `TemplateName` (with `Language`
/// when the request has it), within the request's space and type.
fn find<'a>(p: &Params, st: &'a State, lang_required: bool) -> Vec<&'a Template> {
    let space = space(p);
    let t = p.optional("TemplateType").map(str::to_ascii_uppercase);
    let lang = p.optional("Language");
    let code = p.optional("TemplateCode");
    let name = p.optional("TemplateName");
    st.templates
        .values()
        .filter(|x| x.space == space && t.as_ref().is_none_or(|t| *t == x.template_type))
        .filter(|x| match (code, name) {
            (Some(c), _) => x.code == c,
            (None, Some(n)) => x.name == n,
            (None, None) => false,
        })
        .filter(|x| match lang {
            Some(l) => x.language == l,
            None => !lang_required,
        })
        .collect()
}

/// Components, Example and the TTL, checked by the documented rules.
fn content(p: &Params, t: &str, category: &str) -> Result<(Value, Value, Option<i64>), ApiError> {
    let components: Value = serde_json::from_str(p.required("Components")?)
        .map_err(|e| ApiError::invalid("Components", format!("not valid JSON ({e})")))?;
    if !components.is_array() {
        return Err(ApiError::invalid("Components", "expected a JSON array"));
    }
    let example = p.json_object("Example")?.unwrap_or_else(|| json!({}));
    let ttl = p.int("MessageSendTtlSeconds")?;
    template_rules::check(t, category, &components, ttl)?;
    Ok((components, example, ttl))
}

pub fn create(p: &Params, st: &mut State, ctx: &Ctx) -> Result<Fields, ApiError> {
    let t = template_type(p, true)?.unwrap_or_default();
    let name = p.required("Name")?.to_string();
    let language = p.required("Language")?.to_string();
    let category = p.required("Category")?.to_ascii_uppercase();
    template_rules::check_name_and_language(&name, &language)?;
    let space = space(p);
    if st.templates.values().any(|x| {
        x.space == space && x.template_type == t && x.name == name && x.language == language
    }) {
        return Err(ApiError::new(
            400,
            "InvalidParameter.TemplateNameExist",
            format!("A template named {name} in {language} exists already."),
        ));
    }
    let (components, example, ttl) = content(p, &t, &category)?;
    let code = format!("tpl{:013}", st.next_serial());
    let now = now_ms(ctx);
    st.templates.insert(
        code.clone(),
        Template {
            code: code.clone(),
            space,
            template_type: t,
            name: name.clone(),
            language,
            category,
            components,
            example,
            message_send_ttl_seconds: ttl,
            category_change_paused: p.bool("CategoryChangePaused")?.unwrap_or(false),
            allow_send: true,
            audit_status: "auditing".into(),
            reason: String::new(),
            quality_score: "UNKNOWN".into(),
            submitted_ms: now,
            last_update_ms: now,
        },
    );
    Ok(data(json!({ "TemplateCode": code, "TemplateName": name })))
}

pub fn modify(p: &Params, st: &mut State, ctx: &Ctx) -> Result<Fields, ApiError> {
    p.required("Language")?;
    let found: Vec<String> = find(p, st, true).iter().map(|x| x.code.clone()).collect();
    let Some(code) = found.first() else {
        return Err(not_found("ModifyError.TemplateNotExist"));
    };
    let current = st.templates[code].clone();
    if current.audit_status == "pass" {
        return Err(ApiError::new(
            400,
            "OperationDenied.TemplateApproved",
            "An approved template cannot be modified.",
        ));
    }
    let category = p
        .optional("Category")
        .map(str::to_ascii_uppercase)
        .unwrap_or(current.category.clone());
    let (components, example, ttl) = content(p, &current.template_type, &category)?;
    let now = now_ms(ctx);
    let paused = p.bool("CategoryChangePaused")?;
    let t = st
        .templates
        .get_mut(code)
        .ok_or_else(|| not_found("ModifyError.TemplateNotExist"))?;
    t.category = category;
    t.components = components;
    t.example = example;
    t.message_send_ttl_seconds = ttl.or(t.message_send_ttl_seconds);
    t.category_change_paused = paused.unwrap_or(t.category_change_paused);
    t.audit_status = "auditing".into();
    t.reason.clear();
    t.submitted_ms = now;
    t.last_update_ms = now;
    Ok(data(
        json!({ "TemplateCode": t.code, "TemplateName": t.name }),
    ))
}

pub fn delete(p: &Params, st: &mut State) -> Result<Fields, ApiError> {
    template_type(p, true)?;
    if p.optional("TemplateCode").is_none() && p.optional("TemplateName").is_none() {
        return Err(ApiError::missing("TemplateCode"));
    }
    let codes: Vec<String> = find(p, st, false).iter().map(|x| x.code.clone()).collect();
    if codes.is_empty() {
        return Err(not_found("DelError.TemplateNotExist"));
    }
    for c in codes {
        st.templates.remove(&c);
    }
    Ok(Fields::new())
}

pub fn list(p: &Params, store: &mut Store, ctx: &Ctx) -> Result<Fields, ApiError> {
    settle_reviews(store, ctx)?;
    let st = store.state();
    let page = p.json_object("Page")?.unwrap_or_else(|| json!({}));
    let index = page["Index"].as_u64().unwrap_or(1).max(1) as usize;
    let size = page["Size"].as_u64().unwrap_or(10).clamp(1, 100) as usize;
    let space = space(p);
    let t = template_type(p, false)?;
    let eq = |want: Option<&str>, have: &str| want.is_none_or(|w| w.eq_ignore_ascii_case(have));
    let rows: Vec<&Template> = st
        .templates
        .values()
        .filter(|x| x.space == space && t.as_ref().is_none_or(|t| *t == x.template_type))
        // Name matches as a substring (assumed, as ListInstance's InstanceName does).
        .filter(|x| p.optional("Name").is_none_or(|n| x.name.contains(n)))
        .filter(|x| eq(p.optional("Code"), &x.code))
        .filter(|x| eq(p.optional("Language"), &x.language))
        .filter(|x| eq(p.optional("Category"), &x.category))
        .filter(|x| eq(p.optional("AuditStatus"), &x.audit_status))
        .collect();
    let total = rows.len();
    let shown: Vec<Value> = rows
        .into_iter()
        .skip((index - 1) * size)
        .take(size)
        .map(|x| {
            json!({
                "AuditStatus": x.audit_status, "Category": x.category, "Language": x.language,
                "LastUpdateTime": x.last_update_ms, "Reason": x.reason, "TemplateCode": x.code,
                "TemplateName": x.name, "TemplateType": x.template_type,
            })
        })
        .collect();
    Ok(fields([
        ("ListTemplate", Value::Array(shown)),
        ("Total", json!(total)),
    ]))
}

pub fn detail(p: &Params, store: &mut Store, ctx: &Ctx) -> Result<Fields, ApiError> {
    p.required("Language")?;
    if p.optional("TemplateCode").is_none() && p.optional("TemplateName").is_none() {
        return Err(ApiError::missing("TemplateCode"));
    }
    settle_reviews(store, ctx)?;
    let found = find(p, store.state(), true);
    let Some(x) = found.first() else {
        return Err(not_found("DetailError.TemplateNotExist"));
    };
    Ok(data(json!({
        "AllowSend": x.allow_send, "AuditStatus": x.audit_status, "Category": x.category,
        "CategoryChangePaused": x.category_change_paused, "Components": x.components,
        "Example": x.example, "Language": x.language,
        "MessageSendTtlSeconds": x.message_send_ttl_seconds, "Name": x.name,
        "QualityScore": x.quality_score, "Reason": x.reason, "TemplateCode": x.code,
        "TemplateType": x.template_type,
    })))
}

pub fn properties(p: &Params, st: &mut State, ctx: &Ctx) -> Result<Fields, ApiError> {
    for name in ["CustSpaceId", "Language", "TemplateCode"] {
        p.required(name)?;
    }
    template_type(p, true)?;
    let allow = p.bool("AllowSend")?;
    let paused = p.bool("CategoryChangePaused")?;
    let code = find(p, st, true)
        .first()
        .map(|x| x.code.clone())
        .ok_or_else(|| not_found("DetailError.TemplateNotExist"))?;
    let t = st
        .templates
        .get_mut(&code)
        .ok_or_else(|| not_found("DetailError.TemplateNotExist"))?;
    t.allow_send = allow.unwrap_or(t.allow_send);
    t.category_change_paused = paused.unwrap_or(t.category_change_paused);
    t.last_update_ms = now_ms(ctx);
    Ok(fields([("Model", json!({}))]))
}

fn not_found(code: &str) -> ApiError {
    ApiError::new(404, code, "The specified template does not exist.")
}
