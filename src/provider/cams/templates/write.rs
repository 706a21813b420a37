//! Changing templates on CAMS: CreateChatappTemplate, ModifyChatappTemplate,
//! DeleteChatappTemplate and ModifyChatappTemplateProperties, with only the parameters the
//! SDK declares, and the care channels get when an answer is lost.
//!
//! - A create whose answer was lost is never sent again blindly: the backend first lists the
//!   space for the name and language (looking twice, a client timeout apart, when the
//!   request may still be on its way) and takes the template it finds. A name and language
//!   are unique in a space (`InvalidParameter.TemplateNameExist`, documented), so a late
//!   straggler cannot leave a second copy; a create refused with that code after an attempt
//!   whose answer was lost is the earlier attempt's doing, and is found the same way.
//! - Modify, delete and properties look whether the change is in place (the detail, or the
//!   listing) before sending again.
//!
//! A code is always sent with its language: the detail and the properties call take both,
//! and a code may name every language of a template.

use super::{detail, list, wire};
use crate::model::BindState;
use crate::provider::cams::{Cams, p};
use crate::provider::{Outcome, ProviderError};
use crate::template::TemplateType;
use crate::template::rules::{TemplateBody, TemplateOp};
use backon::BackoffBuilder;

/// The documented code of a create whose name and language the space holds already.
const NAME_EXISTS: &str = "InvalidParameter.TemplateNameExist";

/// Carry out one template operation on CAMS.
pub async fn execute(cams: &Cams, op: &TemplateOp) -> Result<Outcome, ProviderError> {
    match op {
        TemplateOp::Create { space, body } => create(cams, space, body).await,
        TemplateOp::Modify { space, code, body } => {
            let cust = cams.space_of(space).await?;
            let mut params = content(&cust, body);
            params.push(p("TemplateCode", code));
            let done = || async {
                let data = detail(
                    &cams.client,
                    &cust,
                    body.template_type,
                    code,
                    &body.language,
                )
                .await?;
                let row = wire::Row {
                    code: code.clone(),
                    name: body.name.clone(),
                    language: body.language.clone(),
                    last_update_time: None,
                    audit_status: None,
                    reason: None,
                };
                Ok(wire::live_template(&data, &row, space, body.template_type)
                    .is_ok_and(|t| same_content(&t, body)))
            };
            cams.change_checked("ModifyChatappTemplate", &params, done)
                .await?;
            Ok(Outcome::Done(BindState::Bound))
        }
        TemplateOp::Delete {
            space,
            code,
            language,
        } => {
            let cust = cams.space_of(space).await?;
            let t = type_of(cams, space).await?;
            let params = [
                p("CustSpaceId", &cust),
                p("TemplateType", t.as_str()),
                p("TemplateCode", code),
                p("Language", language),
            ];
            let done = || async {
                let rows = list(
                    &cams.client,
                    &cust,
                    t,
                    &[p("Code", code), p("Language", language)],
                )
                .await?;
                Ok(!rows
                    .iter()
                    .any(|r| r.code == *code && r.language == *language))
            };
            cams.change_checked("DeleteChatappTemplate", &params, done)
                .await?;
            Ok(Outcome::Done(BindState::Bound))
        }
        TemplateOp::Properties {
            space,
            code,
            language,
            allow_send,
            category_change_paused,
        } => {
            let cust = cams.space_of(space).await?;
            let t = type_of(cams, space).await?;
            let mut params = vec![
                p("CustSpaceId", &cust),
                p("TemplateType", t.as_str()),
                p("TemplateCode", code),
                p("Language", language),
            ];
            if let Some(a) = allow_send {
                params.push(p("AllowSend", a.to_string()));
            }
            if let Some(c) = category_change_paused {
                params.push(p("CategoryChangePaused", c.to_string()));
            }
            let done = || async {
                let data = detail(&cams.client, &cust, t, code, language).await?;
                Ok(
                    allow_send.is_none_or(|a| data["AllowSend"].as_bool() == Some(a))
                        && category_change_paused
                            .is_none_or(|c| data["CategoryChangePaused"].as_bool() == Some(c)),
                )
            };
            cams.change_checked("ModifyChatappTemplateProperties", &params, done)
                .await?;
            Ok(Outcome::Done(BindState::Bound))
        }
    }
}

/// The template type of channel `space`'s templates (from the channel's type).
async fn type_of(cams: &Cams, space: &str) -> Result<TemplateType, ProviderError> {
    let known = cams
        .kinds
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(space)
        .copied();
    let kind = match known {
        Some(k) => Some(k),
        None => cams.listed(space).await?.and_then(|r| r.channel_type),
    };
    kind.and_then(TemplateType::of)
        .ok_or_else(|| ProviderError::Api {
            code: "NotATemplateSpace".into(),
            message: format!(
                "instance {space} is not a WhatsApp or Viber channel in the account's listing"
            ),
            request_id: None,
        })
}

/// The parameters Create and Modify share: the space and the content.
fn content(cust: &str, body: &TemplateBody) -> Vec<(String, String)> {
    let mut params = vec![
        p("CustSpaceId", cust),
        p("TemplateType", body.template_type.as_str()),
        p("Language", &body.language),
        p("Category", body.category.as_str()),
        p(
            "Components",
            wire::components_to_sdk(&body.components).to_string(),
        ),
    ];
    if !body.examples.is_empty() {
        params.push(p(
            "Example",
            serde_json::to_string(&body.examples).unwrap_or_default(),
        ));
    }
    if let Some(ttl) = body.message_send_ttl_seconds {
        params.push(p("MessageSendTtlSeconds", ttl.to_string()));
    }
    params
}

/// Whether live template `t` has the content `body` sends.
fn same_content(t: &crate::template::live::LiveTemplate, body: &TemplateBody) -> bool {
    t.category == body.category
        && t.components == body.components
        && t.examples == body.examples
        && (body.message_send_ttl_seconds.is_none()
            || t.message_send_ttl_seconds == body.message_send_ttl_seconds)
}

/// The code of the template named `body.name` in `body.language` in the space, if listed.
async fn found(
    cams: &Cams,
    cust: &str,
    body: &TemplateBody,
) -> Result<Option<String>, ProviderError> {
    let rows = list(
        &cams.client,
        cust,
        body.template_type,
        &[p("Name", &body.name), p("Language", &body.language)],
    )
    .await?;
    Ok(rows
        .into_iter()
        .find(|r| r.name == body.name && r.language == body.language)
        .map(|r| r.code))
}

/// CreateChatappTemplate, retried; an attempt whose answer was lost is looked for by name and
/// language before the next is sent.
async fn create(cams: &Cams, space: &str, body: &TemplateBody) -> Result<Outcome, ProviderError> {
    const ACTION: &str = "CreateChatappTemplate";
    let cust = cams.space_of(space).await?;
    let mut params = content(&cust, body);
    params.push(p("Name", &body.name));
    let client = &cams.client;
    let mut delays = client.backoff().build();
    let mut unsure = false;
    let mut in_flight = false;
    loop {
        if unsure && let Some(code) = made_after_all(cams, &cust, body, in_flight).await? {
            return Ok(Outcome::Created(code));
        }
        let error = match client.call_once(ACTION, &params).await {
            Ok(reply) => {
                if let Some(code) = reply.data()["TemplateCode"].as_str() {
                    return Ok(Outcome::Created(code.to_string()));
                }
                return match found(cams, &cust, body).await? {
                    Some(code) => Ok(Outcome::Created(code)),
                    None => Err(ProviderError::Api {
                        code: "MissingTemplateCode".into(),
                        message: format!(
                            "{ACTION} answered OK without a TemplateCode, and no template `{}` in `{}` is listed",
                            body.name, body.language
                        ),
                        request_id: reply.request_id,
                    }),
                };
            }
            Err(e) => e,
        };
        // The name is taken after an attempt whose answer was lost: that attempt's doing.
        if unsure
            && error.code() == Some(NAME_EXISTS)
            && let Some(code) = found(cams, &cust, body).await?
        {
            client.log_line(&format!(
                "  {ACTION} had gone through ({code}); not sending it again"
            ));
            return Ok(Outcome::Created(code));
        }
        if !error.retryable() {
            return Err(Cams::api_error(ACTION, &error));
        }
        unsure |= error.maybe_done();
        in_flight = error.in_flight();
        let Some(wait) = delays.next() else {
            // Out of attempts after one that may have gone through: looked for once more.
            if unsure && let Some(code) = made_after_all(cams, &cust, body, in_flight).await? {
                return Ok(Outcome::Created(code));
            }
            return Err(Cams::api_error(ACTION, &error));
        };
        chanctl_cams::usage::retry();
        client.log_line(&format!(
            "  retrying {ACTION} in {} ms: {}",
            wait.as_millis(),
            error.describe(ACTION)
        ));
        tokio::time::sleep(wait).await;
    }
}

/// After a create whose answer was lost: the template it made, if it is listed (looked for
/// twice, a client timeout apart, when the request may still be on its way).
async fn made_after_all(
    cams: &Cams,
    cust: &str,
    body: &TemplateBody,
    in_flight: bool,
) -> Result<Option<String>, ProviderError> {
    const ACTION: &str = "CreateChatappTemplate";
    let mut seen = found(cams, cust, body).await?;
    if seen.is_none() && in_flight {
        tokio::time::sleep(cams.client.timeout()).await;
        seen = found(cams, cust, body).await?;
    }
    if let Some(code) = &seen {
        cams.client.log_line(&format!(
            "  {ACTION} had gone through ({code}); not sending it again"
        ));
    }
    Ok(seen)
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
