//! WhatsApp's operations: a WABA (`ChatappBindWaba`, `QueryChatappBindWaba`) and its numbers.
//! A number comes from the embedded signup (`--signup WABA=CHANNEL:+NUMBER`), or is added to
//! the WABA (`AddChatappPhoneNumber`), sent a one-time code (`GetChatappVerifyCode`: the code
//! is `--phone-code`, 123456 unless told) and verified with it (`ChatappVerifyAndRegister`);
//! `ChatappPhoneNumberDeregister` releases one. `QueryChatappPhoneNumbers` lists them all, as
//! country code and number, digits only, with their verification status. The codes for what
//! the documentation leaves unsaid are the emulator's own (README, Documented / assumed).

use super::bindings::{bind, current};
use super::{Ctx, Fields, channel, data, fields};
use crate::envelope::ApiError;
use crate::params::Params;
use crate::state::{AddedNumber, State};
use chanctl_core::model::{Binding, WhatsappBinding};
use serde_json::{Value, json};

/// ChatappBindWaba(WabaId): the WABA lands in the space its embedded signup was made for.
pub fn chatapp_bind_waba(p: &Params, st: &mut State, ctx: &Ctx) -> Result<Fields, ApiError> {
    let waba = p.required("WabaId")?;
    let not_shared = |why: String| ApiError::new(400, "ERR-FB-001", why);
    if ctx.meta.signups_of(waba).next().is_none() {
        return Err(not_shared(format!(
            "WhatsApp Business account {waba} was not shared through embedded signup."
        )));
    }
    // The WABA lands in the space of the channel its signup was made for (the latest signup
    // whose channel exists): the caller cannot choose it.
    let (id, signup) = ctx
        .meta
        .signups_of(waba)
        .filter_map(|s| {
            st.account
                .channels()
                .find(|c| {
                    c.name == s.channel
                        && c.channel_type == chanctl_core::model::ChannelType::Whatsapp
                })
                .map(|c| (c.id.clone(), s))
        })
        .last()
        .ok_or_else(|| {
            not_shared(format!(
                "the embedded signup of {waba} was made for a channel that does not exist."
            ))
        })?;
    let phone = signup.numbers.first().cloned().unwrap_or_default();
    bind(
        st,
        &id,
        Binding::whatsapp(WhatsappBinding {
            waba_id: waba.to_string(),
            phone_number: phone,
            ..WhatsappBinding::default()
        }),
    )?;
    Ok(data(json!({"CustSpaceId": id, "WabaId": waba})))
}

fn waba(st: &State, id: &str) -> Result<Option<WhatsappBinding>, ApiError> {
    current(st, id, |b| match b {
        Binding::Whatsapp(w) => Some(&**w),
        _ => None,
    })
}

/// QueryChatappBindWaba: a channel without a WABA is `ERR-OPERATION-MAAP-0060`.
pub fn query_chatapp_bind_waba(p: &Params, st: &State) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?;
    let w = waba(st, id)?.ok_or_else(|| no_waba(id))?;
    Ok(data(json!({
        "Id": w.waba_id,
        "Name": format!("WABA {}", w.waba_id),
        "BusinessId": "",
        "BusinessName": "",
        "AccountReviewStatus": "APPROVED",
        "Currency": "USD",
        "MessageTemplateNamespace": "",
        "MarketingMessageLiteStatus": "",
        "PrimaryBusinessLocation": "",
        "IsOnBizApp": "false",
        "AuthInternationalRateEligibility": {},
    })))
}

/// QueryChatappPhoneNumbers: every number on the space's WABA: the signup's (verified), then
/// those added, each with its status; released ones are not listed.
pub fn query_chatapp_phone_numbers(p: &Params, st: &State, ctx: &Ctx) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?;
    let name = channel(st, id)?.name.clone();
    let status = p.optional("Status");
    let rows: Vec<Value> = listed(st, id, ctx)
        .into_iter()
        .filter(|n| status.is_none_or(|s| s.eq_ignore_ascii_case(n.status())))
        .map(|n| {
            let verified_name = if n.verified_name.is_empty() {
                &name
            } else {
                &n.verified_name
            };
            json!({
                "PhoneNumber": n.number,
                "Status": n.status(),
                "VerifiedName": verified_name,
                "NameStatus": "APPROVED",
                "NewNameStatus": "NONE",
                "QualityRating": quality(&n, ctx),
                "MessagingLimitTier": "TIER_1K",
                "CodeVerificationStatus": if n.verified { "VERIFIED" } else { "NOT_VERIFIED" },
                "IsOfficial": "false",
            })
        })
        .collect();
    Ok(fields([("PhoneNumbers", Value::Array(rows))]))
}

/// Meta's quality rating of a number: `--number-quality` for a verified one, else GREEN;
/// UNKNOWN before it is verified.
fn quality(n: &AddedNumber, ctx: &Ctx) -> String {
    if !n.verified {
        return "UNKNOWN".to_string();
    }
    ctx.meta
        .quality
        .get(&format!("+{}", n.number))
        .cloned()
        .unwrap_or_else(|| "GREEN".to_string())
}

impl AddedNumber {
    /// The `Status` the listing writes (Meta's values; the emulator's choice).
    fn status(&self) -> &'static str {
        if self.verified {
            "CONNECTED"
        } else {
            "PENDING"
        }
    }
}

/// The numbers the space's WABA has, in listing order (none without a WABA).
fn listed(st: &State, id: &str, ctx: &Ctx) -> Vec<AddedNumber> {
    let Ok(Some(w)) = waba(st, id) else {
        return Vec::new();
    };
    let added = st.numbers.get(id).cloned().unwrap_or_default();
    let from_signup = ctx
        .meta
        .signups_of(&w.waba_id)
        .last()
        .map(|s| s.numbers.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|n| n.trim_start_matches('+').to_string())
        .filter(|n| !added.iter().any(|a| a.number == *n))
        .map(|number| AddedNumber {
            number,
            verified_name: String::new(),
            code_sent: None,
            verified: true,
            deregistered: false,
        });
    from_signup
        .collect::<Vec<_>>()
        .into_iter()
        .chain(added)
        .filter(|n| !n.deregistered)
        .collect()
}

/// The number a request names: country code and number, digits only (a `+` is let pass).
fn number_param(p: &Params) -> Result<String, ApiError> {
    let number = p.required("PhoneNumber")?.trim_start_matches('+');
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::new(
            400,
            "InvalidParameter.PhoneNumber",
            format!("PhoneNumber `{number}` is not digits."),
        ));
    }
    Ok(number.to_string())
}

/// The listed number `number` of space `id`, or the documented "not bound to the subscriber".
fn on_waba(st: &State, id: &str, number: &str, ctx: &Ctx) -> Result<AddedNumber, ApiError> {
    listed(st, id, ctx)
        .into_iter()
        .find(|n| n.number == number)
        .ok_or_else(|| {
            ApiError::new(
                400,
                "ERR-OPERATION-MAAP-0065",
                format!("The phoneCode {number} is not bind to the subscriber {id}."),
            )
        })
}

/// Record `n` as the space's entry for its number.
fn store(st: &mut State, id: &str, n: AddedNumber) {
    let list = st.numbers.entry(id.to_string()).or_default();
    match list.iter_mut().find(|a| a.number == n.number) {
        Some(a) => *a = n,
        None => list.push(n),
    }
}

/// AddChatappPhoneNumber(Cc, CustSpaceId, PhoneNumber, VerifiedName): the national number
/// after its country code. The same number again is a no-op success (a retried request);
/// one on another space's WABA is refused.
pub fn add_chatapp_phone_number(p: &Params, st: &mut State, ctx: &Ctx) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?.to_string();
    let cc = p.required("Cc")?;
    let national = p.required("PhoneNumber")?;
    let name = p.required("VerifiedName")?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(cc) || !digits(national) {
        return Err(ApiError::new(
            400,
            "InvalidParameter.PhoneNumber",
            format!(
                "Cc `{cc}` and PhoneNumber `{national}` are not a country code and a national number."
            ),
        ));
    }
    waba(st, &id)?.ok_or_else(|| no_waba(&id))?;
    let number = format!("{cc}{national}");
    if listed(st, &id, ctx).iter().any(|n| n.number == number) {
        return Ok(Fields::new());
    }
    let elsewhere = st
        .account
        .channels()
        .map(|c| c.id.clone())
        .filter(|other| *other != id)
        .find(|other| listed(st, other, ctx).iter().any(|n| n.number == number));
    if let Some(other) = elsewhere {
        return Err(ApiError::new(
            400,
            "OperationDenied.PhoneNumberInUse",
            format!("The phone number {number} is registered on the WABA of space {other}."),
        ));
    }
    store(
        st,
        &id,
        AddedNumber {
            number,
            verified_name: name.to_string(),
            code_sent: None,
            verified: false,
            deregistered: false,
        },
    );
    Ok(Fields::new())
}

/// GetChatappVerifyCode(CustSpaceId, Locale, Method, PhoneNumber): "sends" the code.
pub fn get_chatapp_verify_code(p: &Params, st: &mut State, ctx: &Ctx) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?;
    p.required("Locale")?;
    let method = p.required("Method")?;
    if !["sms", "voice"].contains(&method) {
        return Err(ApiError::new(
            400,
            "InvalidParameter.Method",
            format!("Method `{method}` is neither sms nor voice."),
        ));
    }
    let number = number_param(p)?;
    let mut n = on_waba(st, id, &number, ctx)?;
    n.code_sent = Some(ctx.meta.phone_code().to_string());
    store(st, id, n);
    Ok(Fields::new())
}

/// ChatappVerifyAndRegister(CustSpaceId, PhoneNumber, VerifyCode): the code last sent.
pub fn chatapp_verify_and_register(
    p: &Params,
    st: &mut State,
    ctx: &Ctx,
) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?;
    let code = p.required("VerifyCode")?;
    let number = number_param(p)?;
    let mut n = on_waba(st, id, &number, ctx)?;
    if n.verified {
        return Ok(Fields::new());
    }
    if n.code_sent.as_deref() != Some(code) {
        return Err(ApiError::new(
            400,
            "InvalidParameter.VerifyCode",
            format!("The verification code for {number} is wrong or was never sent."),
        ));
    }
    n.verified = true;
    n.code_sent = None;
    store(st, id, n);
    Ok(Fields::new())
}

/// ChatappPhoneNumberDeregister(CustSpaceId, PhoneNumber): the number is no longer listed.
pub fn chatapp_phone_number_deregister(
    p: &Params,
    st: &mut State,
    ctx: &Ctx,
) -> Result<Fields, ApiError> {
    let id = p.required("CustSpaceId")?;
    let number = number_param(p)?;
    let mut n = on_waba(st, id, &number, ctx)?;
    n.deregistered = true;
    store(st, id, n);
    Ok(Fields::new())
}

fn no_waba(id: &str) -> ApiError {
    ApiError::new(
        400,
        "ERR-OPERATION-MAAP-0060",
        format!("The subscriber {id} has not bind WABA."),
    )
}

#[cfg(test)]
#[path = "whatsapp_tests.rs"]
mod tests;
