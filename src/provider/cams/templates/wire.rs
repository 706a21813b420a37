//! A template's content as CAMS carries it: chanctl's one-mapping [`Components`] to and from
//! the SDK's list of typed components (`Components` of CreateChatappTemplate and
//! ModifyChatappTemplate, sent as one JSON parameter; the same list in
//! GetChatappTemplateDetail's `Data`), and a detail reply to a [`LiveTemplate`].
//!
//! Only fields the SDK declares are written or read. The component `Type` values (BODY,
//! HEADER, FOOTER, BUTTONS, CAROUSEL) are the API reference's; where a field sits when Meta
//! puts it on one component (`AddSecretRecommendation` on BODY, `CodeExpirationMinutes` on
//! FOOTER) is Meta's structure, an assumption in the README's table.

use crate::template::live::{AuditStatus, LiveTemplate, Quality, UnreadTemplate};
use crate::template::{
    Button, ButtonType, Card, CardButton, CardHeader, CardHeaderFormat, Category, Components,
    Header, HeaderFormat, TemplateType,
};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Insert `v` under `k` when it is set.
fn put(m: &mut Map<String, Value>, k: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(k.to_string(), v);
    }
}

fn text(v: &Option<String>) -> Option<Value> {
    v.as_ref().map(|s| Value::String(s.clone()))
}

fn button(b: &Button) -> Value {
    let mut m = Map::new();
    m.insert("Type".into(), json!(b.kind.as_str()));
    put(&mut m, "Text", text(&b.text));
    put(&mut m, "Url", text(&b.url));
    put(&mut m, "PhoneNumber", text(&b.phone_number));
    put(&mut m, "CouponCode", text(&b.coupon_code));
    put(&mut m, "AutofillText", text(&b.autofill_text));
    put(&mut m, "PackageName", text(&b.package_name));
    put(&mut m, "SignatureHash", text(&b.signature_hash));
    put(&mut m, "FlowId", text(&b.flow_id));
    put(&mut m, "IsOptOut", b.is_opt_out.map(Value::Bool));
    Value::Object(m)
}

fn card_button(b: &CardButton) -> Value {
    let mut m = Map::new();
    m.insert("Type".into(), json!(b.kind.as_str()));
    put(&mut m, "Text", text(&b.text));
    put(&mut m, "Url", text(&b.url));
    put(&mut m, "PhoneNumber", text(&b.phone_number));
    Value::Object(m)
}

fn card(c: &Card) -> Value {
    let format = match c.header.format {
        CardHeaderFormat::Image => "IMAGE",
        CardHeaderFormat::Video => "VIDEO",
    };
    let mut parts = vec![json!({"Type": "HEADER", "Format": format, "Url": c.header.url})];
    if let Some(body) = &c.body {
        parts.push(json!({"Type": "BODY", "Text": body}));
    }
    if !c.buttons.is_empty() {
        let buttons: Vec<Value> = c.buttons.iter().map(card_button).collect();
        parts.push(json!({"Type": "BUTTONS", "Buttons": buttons}));
    }
    json!({ "CardComponents": parts })
}

/// The SDK's `Components` list for `c`, in the order header, body, footer, buttons, cards.
pub fn components_to_sdk(c: &Components) -> Value {
    let mut out = Vec::new();
    if let Some(h) = &c.header {
        let mut m = Map::new();
        m.insert("Type".into(), json!("HEADER"));
        m.insert("Format".into(), json!(h.format.as_str()));
        put(&mut m, "Text", text(&h.text));
        put(&mut m, "Url", text(&h.url));
        put(&mut m, "FileName", text(&h.file_name));
        out.push(Value::Object(m));
    }
    if c.body.is_some() || c.add_secret_recommendation.is_some() {
        let mut m = Map::new();
        m.insert("Type".into(), json!("BODY"));
        put(&mut m, "Text", text(&c.body));
        put(
            &mut m,
            "AddSecretRecommendation",
            c.add_secret_recommendation.map(Value::Bool),
        );
        out.push(Value::Object(m));
    }
    if c.footer.is_some() || c.code_expiration_minutes.is_some() {
        let mut m = Map::new();
        m.insert("Type".into(), json!("FOOTER"));
        put(&mut m, "Text", text(&c.footer));
        put(
            &mut m,
            "CodeExpirationMinutes",
            c.code_expiration_minutes.map(|n| json!(n)),
        );
        out.push(Value::Object(m));
    }
    if !c.buttons.is_empty() {
        let buttons: Vec<Value> = c.buttons.iter().map(button).collect();
        out.push(json!({"Type": "BUTTONS", "Buttons": buttons}));
    }
    if !c.cards.is_empty() {
        let cards: Vec<Value> = c.cards.iter().map(card).collect();
        out.push(json!({"Type": "CAROUSEL", "Cards": cards}));
    }
    Value::Array(out)
}

fn s(v: &Value, k: &str) -> Option<String> {
    match &v[k] {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn upper(v: &Value, k: &str) -> String {
    s(v, k).unwrap_or_default().to_ascii_uppercase()
}

fn button_type(v: &Value) -> Option<ButtonType> {
    let t = upper(v, "Type");
    [
        ButtonType::PhoneNumber,
        ButtonType::Url,
        ButtonType::QuickReply,
        ButtonType::CopyCode,
        ButtonType::OneTap,
        ButtonType::ZeroTap,
        ButtonType::Mpm,
        ButtonType::Catalog,
        ButtonType::Flow,
    ]
    .into_iter()
    .find(|b| b.as_str() == t)
}

fn items<'a>(v: &'a Value, k: &str) -> impl Iterator<Item = &'a Value> {
    v[k].as_array().map(|a| a.iter()).into_iter().flatten()
}

fn buttons_of(v: &Value) -> Result<Vec<Button>, String> {
    items(v, "Buttons")
        .map(|b| {
            Ok(Button {
                kind: button_type(b)
                    .ok_or_else(|| format!("a button of type `{}`", upper(b, "Type")))?,
                text: s(b, "Text"),
                url: s(b, "Url"),
                phone_number: s(b, "PhoneNumber"),
                coupon_code: s(b, "CouponCode"),
                autofill_text: s(b, "AutofillText"),
                package_name: s(b, "PackageName"),
                signature_hash: s(b, "SignatureHash"),
                flow_id: s(b, "FlowId"),
                is_opt_out: b["IsOptOut"].as_bool(),
            })
        })
        .collect()
}

fn card_of(v: &Value) -> Result<Card, String> {
    let mut header = None;
    let mut body = None;
    let mut buttons = Vec::new();
    for part in items(v, "CardComponents") {
        match upper(part, "Type").as_str() {
            "HEADER" => {
                let format = match upper(part, "Format").as_str() {
                    "VIDEO" => CardHeaderFormat::Video,
                    _ => CardHeaderFormat::Image,
                };
                header = Some(CardHeader {
                    format,
                    url: s(part, "Url").unwrap_or_default(),
                });
            }
            "BODY" => body = s(part, "Text"),
            "BUTTONS" => {
                for b in items(part, "Buttons") {
                    buttons.push(CardButton {
                        kind: button_type(b)
                            .ok_or_else(|| format!("a card button `{}`", upper(b, "Type")))?,
                        text: s(b, "Text"),
                        url: s(b, "Url"),
                        phone_number: s(b, "PhoneNumber"),
                    });
                }
            }
            other => return Err(format!("a card component of type `{other}`")),
        }
    }
    Ok(Card {
        header: header.ok_or("a carousel card without a header")?,
        body,
        buttons,
    })
}

/// chanctl's [`Components`] from the SDK's list; what it cannot hold is an error naming it.
pub fn components_from_sdk(list: &Value) -> Result<Components, String> {
    let mut c = Components::default();
    for part in list.as_array().map(Vec::as_slice).unwrap_or_default() {
        match upper(part, "Type").as_str() {
            "HEADER" => {
                let format = match upper(part, "Format").as_str() {
                    "IMAGE" => HeaderFormat::Image,
                    "DOCUMENT" => HeaderFormat::Document,
                    "VIDEO" => HeaderFormat::Video,
                    "TEXT" | "" => HeaderFormat::Text,
                    other => return Err(format!("a header of format `{other}`")),
                };
                c.header = Some(Header {
                    format,
                    text: s(part, "Text"),
                    url: s(part, "Url"),
                    file_name: s(part, "FileName"),
                });
            }
            "BODY" => {
                c.body = s(part, "Text");
                c.add_secret_recommendation = part["AddSecretRecommendation"].as_bool();
            }
            "FOOTER" => {
                c.footer = s(part, "Text");
                c.code_expiration_minutes = part["CodeExpirationMinutes"]
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok());
            }
            "BUTTONS" => c.buttons.extend(buttons_of(part)?),
            "CAROUSEL" => {
                for card in items(part, "Cards") {
                    c.cards.push(card_of(card)?);
                }
            }
            other => return Err(format!("a component of type `{other}`")),
        }
    }
    Ok(c)
}

/// One ListChatappTemplate row: what the listing says of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub code: String,
    pub name: String,
    pub language: String,
    pub last_update_time: Option<i64>,
    /// `AuditStatus` and `Reason` as listed (fresher than a cached detail).
    pub audit_status: Option<AuditStatus>,
    pub reason: Option<String>,
}

/// The rows of a ListChatappTemplate reply.
pub fn rows(body: &Value) -> Vec<Row> {
    items(body, "ListTemplate")
        .map(|r| Row {
            code: s(r, "TemplateCode").unwrap_or_default(),
            name: s(r, "TemplateName").unwrap_or_default(),
            language: s(r, "Language").unwrap_or_default(),
            last_update_time: r["LastUpdateTime"].as_i64(),
            audit_status: s(r, "AuditStatus").and_then(|a| audit_status(&a)),
            reason: s(r, "Reason"),
        })
        .collect()
}

pub fn category(text: &str) -> Option<Category> {
    [
        Category::Utility,
        Category::Marketing,
        Category::Authentication,
    ]
    .into_iter()
    .find(|c| c.as_str().eq_ignore_ascii_case(text))
}

fn audit_status(text: &str) -> Option<AuditStatus> {
    [
        AuditStatus::Pass,
        AuditStatus::Fail,
        AuditStatus::Auditing,
        AuditStatus::Unaudit,
    ]
    .into_iter()
    .find(|a| a.as_str().eq_ignore_ascii_case(text))
}

fn quality(text: &str) -> Option<Quality> {
    [
        Quality::Red,
        Quality::Yellow,
        Quality::Green,
        Quality::Unknown,
    ]
    .into_iter()
    .find(|q| q.as_str().eq_ignore_ascii_case(text))
}

/// The template a GetChatappTemplateDetail `Data` describes, when its `Category` is none of
/// the documented ones (UTILITY, MARKETING, AUTHENTICATION, for WhatsApp and Viber alike):
/// kept as written instead of failing the read of the whole account.
pub fn unread(data: &Value, row: &Row, space: &str, t: TemplateType) -> Option<UnreadTemplate> {
    let written = s(data, "Category").unwrap_or_default();
    if category(&written).is_some() {
        return None;
    }
    Some(UnreadTemplate {
        code: row.code.clone(),
        space: space.to_string(),
        template_type: t,
        name: s(data, "Name").unwrap_or_else(|| row.name.clone()),
        language: s(data, "Language").unwrap_or_else(|| row.language.clone()),
        category: written,
    })
}

/// The live template a GetChatappTemplateDetail `Data` describes, listed as `row` in the
/// space of channel `space`.
pub fn live_template(
    data: &Value,
    row: &Row,
    space: &str,
    t: TemplateType,
) -> Result<LiveTemplate, String> {
    let what = |field: &str, value: String| {
        format!(
            "template {} `{}` ({}) has {field} `{value}`, which chanctl does not know",
            row.code, row.name, row.language
        )
    };
    let category_text = s(data, "Category").unwrap_or_default();
    let status_text = s(data, "AuditStatus").unwrap_or_default();
    let components = components_from_sdk(&data["Components"]).map_err(|e| {
        format!(
            "template {} `{}` ({}) has {e}, which chanctl does not manage",
            row.code, row.name, row.language
        )
    })?;
    let examples: BTreeMap<String, String> = data["Example"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Ok(LiveTemplate {
        code: row.code.clone(),
        space: space.to_string(),
        template_type: t,
        name: s(data, "Name").unwrap_or_else(|| row.name.clone()),
        language: s(data, "Language").unwrap_or_else(|| row.language.clone()),
        category: category(&category_text).ok_or_else(|| what("category", category_text))?,
        audit_status: audit_status(&status_text)
            .ok_or_else(|| what("audit status", status_text))?,
        reason: s(data, "Reason"),
        quality: s(data, "QualityScore").and_then(|q| quality(&q)),
        components,
        examples,
        message_send_ttl_seconds: data["MessageSendTtlSeconds"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok()),
        allow_send: data["AllowSend"].as_bool().unwrap_or(true),
        category_change_paused: data["CategoryChangePaused"].as_bool().unwrap_or(false),
        last_update_time: row.last_update_time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_go_out_and_come_back_the_same() {
        let c = Components {
            header: Some(Header {
                format: HeaderFormat::Document,
                text: None,
                url: Some("https://x/doc.pdf".into()),
                file_name: Some("doc.pdf".into()),
            }),
            body: Some("Hello {{1}}".into()),
            add_secret_recommendation: Some(true),
            footer: Some("bye".into()),
            code_expiration_minutes: Some(10),
            buttons: vec![Button {
                kind: ButtonType::Url,
                text: Some("Open".into()),
                url: Some("https://x/{{1}}".into()),
                phone_number: None,
                coupon_code: None,
                autofill_text: None,
                package_name: None,
                signature_hash: None,
                flow_id: None,
                is_opt_out: Some(false),
            }],
            cards: vec![Card {
                header: CardHeader {
                    format: CardHeaderFormat::Video,
                    url: "https://x/v.mp4".into(),
                },
                body: Some("card".into()),
                buttons: vec![CardButton {
                    kind: ButtonType::QuickReply,
                    text: Some("More".into()),
                    url: None,
                    phone_number: None,
                }],
            }],
        };
        let sdk = components_to_sdk(&c);
        assert_eq!(sdk[0]["Type"], "HEADER");
        assert_eq!(sdk[1]["AddSecretRecommendation"], true);
        assert_eq!(sdk[2]["CodeExpirationMinutes"], 10);
        assert_eq!(sdk[4]["Cards"][0]["CardComponents"][0]["Format"], "VIDEO");
        assert_eq!(components_from_sdk(&sdk).unwrap(), c);
        assert!(
            components_from_sdk(&json!([{"Type": "LIMITED_TIME_OFFER"}]))
                .unwrap_err()
                .contains("LIMITED_TIME_OFFER")
        );
    }

    /// A category none of the documented ones is kept as written, not an error.
    #[test]
    fn an_undocumented_category_is_kept_as_written() {
        let row = Row {
            code: "tpl-1".into(),
            name: "promo".into(),
            language: "en".into(),
            last_update_time: None,
            audit_status: None,
            reason: None,
        };
        let data = json!({"Category": "text_button", "Name": "promo", "Language": "en",
            "AuditStatus": "pass", "Components": []});
        let u = unread(&data, &row, "cams-1", TemplateType::Viber).unwrap();
        assert_eq!(u.category, "text_button");
        assert_eq!((u.code.as_str(), u.name.as_str()), ("tpl-1", "promo"));
        assert!(
            u.note("vb")
                .contains("category `text_button` as the service writes it")
        );
        let known = json!({"Category": "marketing", "AuditStatus": "pass", "Components": []});
        assert!(unread(&known, &row, "cams-1", TemplateType::Viber).is_none());
        assert_eq!(
            live_template(&known, &row, "cams-1", TemplateType::Viber)
                .unwrap()
                .category,
            Category::Marketing
        );
    }

    /// Every field written and read is one the SDK declares.
    #[test]
    fn only_declared_fields_are_written_and_read() {
        fn keys(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for (k, v) in m {
                        out.push(k.clone());
                        keys(v, out);
                    }
                }
                Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
                _ => {}
            }
        }
        fn declared(v: &Value, out: &mut Vec<String>) {
            if let Value::Object(m) = v {
                for (k, v) in m {
                    out.push(k.clone());
                    declared(v, out);
                }
            }
        }
        let c = Components {
            body: Some("b".into()),
            add_secret_recommendation: Some(true),
            footer: Some("f".into()),
            code_expiration_minutes: Some(5),
            ..Components::default()
        };
        let mut written = Vec::new();
        keys(&components_to_sdk(&c), &mut written);
        let mut read = Vec::new();
        let detail = chanctl_cams::declared::response("GetChatappTemplateDetail").unwrap();
        declared(&detail["Data"]["Components"], &mut read);
        for k in written {
            assert!(read.contains(&k), "{k} is not declared");
        }
    }
}
