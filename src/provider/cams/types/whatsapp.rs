//! WhatsApp: a WhatsApp Business account (WABA) and its number. A person shares the WABA
//! through Meta's embedded signup; `ChatappBindWaba(WabaId)` then attaches it and answers with
//! the `CustSpaceId` it landed in, which the caller cannot choose: chanctl checks that it is
//! the channel's own space. A number the WABA lacks is registered when the binding names its
//! `verified_name`: `AddChatappPhoneNumber`, `GetChatappVerifyCode` (a one-time code reaches
//! the phone), then `ChatappVerifyAndRegister` with the code a person gives (asked on the
//! terminal, or `--verify-code` on a later run), for each number of the binding. Another set of
//! numbers of the same WABA is a rebind: `ChatappPhoneNumberDeregister` releases each number
//! the file no longer names, then each new one is registered. The API has no operation that
//! unbinds a WABA: such a step is manual.

use super::super::Cams;
use super::super::read::{Row, err, read_call, s};
use super::{TypeOps, Unbind, p};
use crate::model::{BindState, Binding, WhatsappBinding, e164};
use crate::provider::{Outcome, ProviderError};
use crate::rules::Op;
use chanctl_cams::client::Client;

pub const OPS: TypeOps = TypeOps {
    bind: Some("ChatappBindWaba"),
    unbind: Unbind::Manual(crate::rules::WHATSAPP_RELEASED_BY_HAND),
};

/// How the one-time code is sent: by SMS (the SDK's other value is `voice`).
const CODE_METHOD: &str = "sms";
/// The language of the code's message.
const CODE_LOCALE: &str = "en_US";
/// The `CodeVerificationStatus` of a verified number (Meta's value; **assumed**, README).
const VERIFIED: &str = "VERIFIED";

fn refused(code: &str, message: String) -> ProviderError {
    ProviderError::Api {
        code: code.to_string(),
        message,
        request_id: None,
    }
}

/// One number of a WABA, as `QueryChatappPhoneNumbers` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Number {
    /// E.164.
    e164: String,
    /// `CodeVerificationStatus`.
    verification: String,
    /// `Status`, `QualityRating` and `MessagingLimitTier`, as the service writes them.
    status: String,
    quality: String,
    tier: String,
}

impl Number {
    fn verified(&self) -> bool {
        self.verification.eq_ignore_ascii_case(VERIFIED)
    }
}

/// Attach the WABA (unless it is attached already), refusing one that landed in another
/// space; then register the file's number when the WABA lacks it.
pub(super) async fn bind(
    cams: &Cams,
    op: &Op,
    id: &str,
    b: &WhatsappBinding,
) -> Result<Outcome, ProviderError> {
    let space = cams.space_of(id).await?;
    match attached(&cams.client, &space).await? {
        Some(waba) if waba == b.waba_id => {}
        Some(waba) => {
            return Err(refused(
                "WabaDiffers",
                format!(
                    "this channel's space {space} holds WhatsApp Business account {waba}, not {}: \
                     {}",
                    b.waba_id,
                    crate::rules::WHATSAPP_RELEASED_BY_HAND
                ),
            ));
        }
        None => attach(cams, op, &space, b).await?,
    }
    let listed = numbers(&cams.client, &space).await?;
    let mut state = BindState::Bound;
    for (number, name) in b.numbers() {
        let one = One {
            waba: &b.waba_id,
            number,
            name,
        };
        if register(cams, &space, &one, &listed).await? == BindState::Unverified {
            state = BindState::Unverified;
        }
    }
    Ok(Outcome::Done(state))
}

/// One number of a binding, with what registering it needs.
struct One<'a> {
    waba: &'a str,
    number: &'a str,
    name: Option<&'a str>,
}

/// Register `one` on the space's WABA unless it is verified there already: add it when it is
/// not listed, then verify it with its code (given, or asked); without a code it waits.
async fn register(
    cams: &Cams,
    space: &str,
    one: &One<'_>,
    listed: &[Number],
) -> Result<BindState, ProviderError> {
    let added = match listed.iter().find(|n| n.e164 == one.number) {
        Some(n) if n.verified() => return Ok(BindState::Bound),
        Some(_) => false,
        None => {
            add(cams, space, one, listed).await?;
            true
        }
    };
    let number = one.number;
    // A code given on the command line was sent by an earlier run; a new number has just
    // been added and is sent one now, which only a person asked on the spot can give.
    let given = if added {
        None
    } else {
        cams.codes.given(number)
    };
    let code = match given {
        Some(code) => code,
        None => {
            if !added && !cams.codes.asks() {
                return Err(refused(
                    "VerifyCodeMissing",
                    format!(
                        "{number} waits for its one-time code: give it with --verify-code {number}=CODE"
                    ),
                ));
            }
            send_code(cams, space, number).await?;
            match cams.codes.ask(number) {
                Some(code) => code,
                None => return Ok(BindState::Unverified),
            }
        }
    };
    verify(cams, space, number, &code).await?;
    Ok(BindState::Bound)
}

/// `ChatappBindWaba`, checking the space the WABA landed in.
async fn attach(
    cams: &Cams,
    op: &Op,
    space: &str,
    b: &WhatsappBinding,
) -> Result<(), ProviderError> {
    let reply = cams
        .change(op, "ChatappBindWaba", &[p("WabaId", &b.waba_id)])
        .await?;
    let landed = s(reply.data(), "CustSpaceId");
    if !landed.is_empty() && landed != space {
        return Err(refused(
            "WabaInAnotherSpace",
            format!(
                "WhatsApp Business account {} is attached to space {landed}, not to this channel's space {space}. \
                 The space comes from the embedded signup: in the CAMS console, redo the embedded signup \
                 from this channel (Channel Management), then apply again",
                b.waba_id
            ),
        ));
    }
    Ok(())
}

/// `AddChatappPhoneNumber(Cc, CustSpaceId, PhoneNumber, VerifiedName)`: the number goes as
/// its country calling code and national number apart.
async fn add(
    cams: &Cams,
    space: &str,
    b: &One<'_>,
    listed: &[Number],
) -> Result<(), ProviderError> {
    let have = if listed.is_empty() {
        "none".to_string()
    } else {
        let all: Vec<&str> = listed.iter().map(|n| n.e164.as_str()).collect();
        all.join(", ")
    };
    let Some(name) = b.name else {
        return Err(refused(
            "NumberNotRegistered",
            format!(
                "the number {} is not on WhatsApp Business account {} (it has: {have}). To \
                 register it, add the name Meta is to show for it to the binding \
                 (`verified_name: \"...\"`), or register it in the CAMS console; then apply again",
                b.number, b.waba
            ),
        ));
    };
    let (cc, national) = e164::split(b.number).ok_or_else(|| {
        refused(
            "InvalidPhoneNumber",
            format!("{} is not an E.164 number", b.number),
        )
    })?;
    let params = [
        p("Cc", cc),
        p("CustSpaceId", space),
        p("PhoneNumber", national),
        p("VerifiedName", name),
    ];
    // After a lost answer: the number listed means the add went through.
    let done = || async {
        Ok(numbers(&cams.client, space)
            .await?
            .iter()
            .any(|n| n.e164 == b.number))
    };
    cams.change_checked("AddChatappPhoneNumber", &params, done)
        .await?;
    Ok(())
}

/// `GetChatappVerifyCode`: Meta sends a one-time code to the number.
async fn send_code(cams: &Cams, space: &str, number: &str) -> Result<(), ProviderError> {
    let params = [
        p("CustSpaceId", space),
        p("Locale", CODE_LOCALE),
        p("Method", CODE_METHOD),
        p("PhoneNumber", e164::wire(number)),
    ];
    read_call(&cams.client, "GetChatappVerifyCode", &params).await?;
    Ok(())
}

/// `ChatappVerifyAndRegister` with the code.
async fn verify(cams: &Cams, space: &str, number: &str, code: &str) -> Result<(), ProviderError> {
    let params = [
        p("CustSpaceId", space),
        p("PhoneNumber", e164::wire(number)),
        p("VerifyCode", code),
    ];
    let done = || async {
        Ok(numbers(&cams.client, space)
            .await?
            .iter()
            .any(|n| n.e164 == number && n.verified()))
    };
    cams.change_checked("ChatappVerifyAndRegister", &params, done)
        .await?;
    Ok(())
}

/// Every number on the space's WABA, in E.164 form (the API answers with the country code and
/// number, digits only), with its verification status.
async fn numbers(client: &Client, space: &str) -> Result<Vec<Number>, ProviderError> {
    let n = read_call(
        client,
        "QueryChatappPhoneNumbers",
        &[p("CustSpaceId", space)],
    )
    .await?;
    Ok(n.body["PhoneNumbers"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| Number {
                    e164: e164::from_wire(&s(d, "PhoneNumber")),
                    verification: s(d, "CodeVerificationStatus"),
                    status: s(d, "Status"),
                    quality: s(d, "QualityRating"),
                    tier: s(d, "MessagingLimitTier"),
                })
                .filter(|n| !n.e164.is_empty())
                .collect()
        })
        .unwrap_or_default())
}

/// `ChatappPhoneNumberDeregister`: release each of `numbers` (E.164) from the channel's WABA,
/// in order. A number the WABA no longer lists is released already (a retry after a lost
/// answer).
pub(super) async fn deregister(
    cams: &Cams,
    id: &str,
    numbers_released: &[&str],
) -> Result<(), ProviderError> {
    let space = cams.space_of(id).await?;
    for number in numbers_released {
        let params = [
            p("CustSpaceId", &space),
            p("PhoneNumber", e164::wire(number)),
        ];
        let done = || async {
            Ok(!numbers(&cams.client, &space)
                .await?
                .iter()
                .any(|n| n.e164 == *number))
        };
        cams.change_checked("ChatappPhoneNumberDeregister", &params, done)
            .await?;
    }
    Ok(())
}

/// "subscriber has not bind WABA": what QueryChatappBindWaba answers for an unbound channel.
const NO_WABA: &str = "ERR-OPERATION-MAAP-0060";

/// The WABA attached to the space, if any.
async fn attached(client: &Client, space: &str) -> Result<Option<String>, ProviderError> {
    // A channel without a WABA answers with this documented CAMS code.
    let waba = match client
        .call("QueryChatappBindWaba", &[p("CustSpaceId", space)])
        .await
    {
        Ok(r) => s(r.data(), "Id"),
        Err(e) if e.code() == Some(NO_WABA) => String::new(),
        Err(e) => return Err(err("QueryChatappBindWaba", e)),
    };
    Ok(Some(waba).filter(|w| !w.is_empty()))
}

/// Meta's quality ratings that warn of a number Meta may limit (**assumed**, README).
const POOR_QUALITY: [&str; 2] = ["RED", "YELLOW"];

/// What a person should know of a verified number whose quality Meta rates poor: the rating,
/// status and messaging tier as the service writes them.
fn quality_note(channel: &str, n: &Number) -> Option<String> {
    let poor = POOR_QUALITY
        .iter()
        .any(|q| n.quality.eq_ignore_ascii_case(q));
    (n.verified() && poor).then(|| {
        let or_none = |v: &str| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.to_string()
            }
        };
        format!(
            "`{channel}`: WhatsApp number {} has quality rating {} (status {}, messaging tier \
             {}): Meta may lower its messaging limit; see the number's quality in WhatsApp \
             Manager",
            n.e164,
            n.quality,
            or_none(&n.status),
            or_none(&n.tier)
        )
    })
}

/// The bound WABA (`QueryChatappBindWaba`) and, of its numbers (`QueryChatappPhoneNumbers`),
/// the channel's set: every listed number the file declares (one of `declared`, any status),
/// then every verified one it does not, each part in the service's order. A listed number
/// that is not verified waits for its code, and so the channel does. A WABA without a number
/// reads as unbound: binding it again attaches nothing and registers the numbers. A note says
/// when Meta rates a number's quality poor.
pub(super) async fn read(
    client: &Client,
    row: &Row,
    declared: &[String],
) -> Result<(Option<Binding>, BindState, Option<String>), ProviderError> {
    let space = &row.cust_space_id;
    let Some(waba) = attached(client, space).await? else {
        return Ok((None, BindState::Bound, None));
    };
    let listed = numbers(client, space).await?;
    let held = held(&listed, declared);
    if held.is_empty() {
        return Ok((None, BindState::Bound, None));
    }
    let state = if held.iter().all(|n| n.verified()) {
        BindState::Bound
    } else {
        BindState::Unverified
    };
    let notes: Vec<String> = held
        .iter()
        .filter_map(|n| quality_note(&row.name, n))
        .collect();
    let numbers = held.iter().map(|n| (n.e164.clone(), None)).collect();
    let mut binding = WhatsappBinding::with_numbers(waba, numbers);
    if binding.is_list() {
        binding.waiting = held
            .iter()
            .filter(|n| !n.verified())
            .map(|n| n.e164.clone())
            .collect();
    }
    let binding = Binding::whatsapp(binding);
    Ok((
        Some(binding),
        state,
        Some(notes.join("\n")).filter(|n| !n.is_empty()),
    ))
}

/// The numbers a channel holds of those `listed`: the declared ones (any status), then the
/// verified ones the file does not declare, each part in listing order.
fn held<'a>(listed: &'a [Number], declared: &[String]) -> Vec<&'a Number> {
    let is_declared = |n: &Number| declared.contains(&n.e164);
    listed
        .iter()
        .filter(|n| is_declared(n))
        .chain(listed.iter().filter(|n| !is_declared(n) && n.verified()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(verification: &str, quality: &str) -> Number {
        Number {
            e164: "+6588001234".into(),
            verification: verification.into(),
            status: "CONNECTED".into(),
            quality: quality.into(),
            tier: String::new(),
        }
    }

    #[test]
    fn a_channel_holds_its_declared_numbers_then_the_other_verified_ones() {
        let n = |e164: &str, verification: &str| Number {
            e164: e164.into(),
            ..number(verification, "GREEN")
        };
        let listed = [
            n("+6511111111", "VERIFIED"),
            n("+6522222222", "NOT_VERIFIED"),
            n("+6533333333", "NOT_VERIFIED"),
            n("+6544444444", "VERIFIED"),
        ];
        let declared = ["+6533333333".to_string(), "+6599999999".to_string()];
        let held: Vec<&str> = held(&listed, &declared)
            .iter()
            .map(|n| n.e164.as_str())
            .collect();
        assert_eq!(held, ["+6533333333", "+6511111111", "+6544444444"]);
        assert!(super::held(&listed[1..2], &[]).is_empty());
    }

    #[test]
    fn only_a_verified_number_rated_red_or_yellow_gets_a_note() {
        let note = quality_note("shop", &number("VERIFIED", "red")).unwrap();
        assert!(
            note.contains(
                "+6588001234 has quality rating red (status CONNECTED, messaging tier none)"
            ),
            "{note}"
        );
        assert!(quality_note("shop", &number("verified", "YELLOW")).is_some());
        assert!(quality_note("shop", &number("VERIFIED", "GREEN")).is_none());
        assert!(quality_note("shop", &number("VERIFIED", "")).is_none());
        assert!(quality_note("shop", &number("NOT_VERIFIED", "RED")).is_none());
    }
}
