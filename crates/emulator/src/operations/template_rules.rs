//! What CreateChatappTemplate and ModifyChatappTemplate refuse: the documented content rules
//! (`fidelity.md`, Templates; the limits come from the SDK's own descriptions). The codes
//! `InvalidParameter.LanguageNotSupport`, `FooterHaveVariable`, `HeaderMoreVarable`,
//! `ButtonTextHaveVariable` and `UrlMoreVarable` are documented; the others
//! (`InvalidParameter.TemplateName`, `InvalidParameter.Components`,
//! `InvalidParameter.MessageSendTtlSeconds`) are the emulator's own names for refusals whose
//! codes are not documented.

use crate::envelope::ApiError;
use serde_json::Value;

fn refuse(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(400, code, message)
}

/// How many `{{n}}` variables `text` holds.
fn variables(text: &str) -> usize {
    text.match_indices("{{").count()
}

/// Name and language. Meta: a template name is lower-case letters, digits and underscores,
/// at most 512 characters.
pub fn check_name_and_language(name: &str, language: &str) -> Result<(), ApiError> {
    let valid = !name.is_empty()
        && name.len() <= 512
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid {
        return Err(refuse(
            "InvalidParameter.TemplateName",
            format!(
                "The template name {name} may hold only lower-case letters, digits and underscores."
            ),
        ));
    }
    if !chanctl_core::template::languages::is_known(language) {
        return Err(refuse(
            "InvalidParameter.LanguageNotSupport",
            format!("The language {language} is not supported."),
        ));
    }
    Ok(())
}

/// The components of a template of type `t` (WHATSAPP or VIBER) and `category`, with its
/// `MessageSendTtlSeconds`.
pub fn check(
    t: &str,
    category: &str,
    components: &Value,
    ttl: Option<i64>,
) -> Result<(), ApiError> {
    let items = components.as_array().map(Vec::as_slice).unwrap_or_default();
    let kind = |c: &Value| c["Type"].as_str().unwrap_or_default().to_ascii_uppercase();
    let text = |c: &Value| c["Text"].as_str().unwrap_or_default().to_string();
    let buttons: Vec<&Value> = items
        .iter()
        .filter(|c| kind(c) == "BUTTONS")
        .flat_map(|c| {
            c["Buttons"]
                .as_array()
                .map(|b| b.iter())
                .into_iter()
                .flatten()
        })
        .collect();
    if t == "WHATSAPP" && !["UTILITY", "MARKETING", "AUTHENTICATION"].contains(&category) {
        return Err(refuse(
            "InvalidParameter.Category",
            format!("The category {category} is not UTILITY, MARKETING or AUTHENTICATION."),
        ));
    }
    for c in items {
        let body = text(c);
        match kind(c).as_str() {
            "BODY" if body.chars().count() > 1024 => {
                return Err(refuse(
                    "InvalidParameter.Components",
                    "The body is longer than 1024 characters.",
                ));
            }
            "HEADER" if body.chars().count() > 60 => {
                return Err(refuse(
                    "InvalidParameter.Components",
                    "The header is longer than 60 characters.",
                ));
            }
            "HEADER" if variables(&body) > 1 => {
                return Err(refuse(
                    "InvalidParameter.HeaderMoreVarable",
                    "A text header holds one variable at most.",
                ));
            }
            "FOOTER" if body.chars().count() > 60 => {
                return Err(refuse(
                    "InvalidParameter.Components",
                    "The footer is longer than 60 characters.",
                ));
            }
            "FOOTER" if variables(&body) > 0 => {
                return Err(refuse(
                    "InvalidParameter.FooterHaveVariable",
                    "A footer holds no variable.",
                ));
            }
            _ => {}
        }
    }
    for b in &buttons {
        if variables(b["Text"].as_str().unwrap_or_default()) > 0 {
            return Err(refuse(
                "InvalidParameter.ButtonTextHaveVariable",
                "A button's text holds no variable.",
            ));
        }
        if variables(b["Url"].as_str().unwrap_or_default()) > 1 {
            return Err(refuse(
                "InvalidParameter.UrlMoreVarable",
                "A URL holds one variable at most.",
            ));
        }
    }
    let button_type = |b: &&&Value| b["Type"].as_str().unwrap_or_default().to_ascii_uppercase();
    if category == "AUTHENTICATION" {
        let codes = buttons
            .iter()
            .filter(|b| ["COPY_CODE", "ONE_TAP"].contains(&button_type(b).as_str()))
            .count();
        if codes != 1 {
            return Err(refuse(
                "InvalidParameter.Components",
                "An AUTHENTICATION template has exactly one COPY_CODE or ONE_TAP button.",
            ));
        }
    }
    if t == "VIBER" && buttons.iter().filter(|b| button_type(b) == "URL").count() > 1 {
        return Err(refuse(
            "InvalidParameter.Components",
            "A Viber template has one URL button at most.",
        ));
    }
    let range = match category {
        "AUTHENTICATION" => Some(30..=900),
        "UTILITY" => Some(30..=43_200),
        _ => None,
    };
    if let (Some(range), Some(ttl)) = (range, ttl)
        && !range.contains(&ttl)
    {
        return Err(refuse(
            "InvalidParameter.MessageSendTtlSeconds",
            format!(
                "MessageSendTtlSeconds of a {category} template is {}–{} seconds.",
                range.start(),
                range.end()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code(r: Result<(), ApiError>) -> String {
        r.err().map(|e| e.code).unwrap_or_default()
    }

    #[test]
    fn each_documented_refusal_has_its_code() {
        let ok = json!([{"Type": "BODY", "Text": "Your code is {{1}}"}]);
        assert_eq!(code(check("WHATSAPP", "UTILITY", &ok, Some(60))), "");
        let footer = json!([{"Type": "FOOTER", "Text": "bye {{1}}"}]);
        assert_eq!(
            code(check("WHATSAPP", "UTILITY", &footer, None)),
            "InvalidParameter.FooterHaveVariable"
        );
        let header = json!([{"Type": "HEADER", "Format": "TEXT", "Text": "{{1}} {{2}}"}]);
        assert_eq!(
            code(check("WHATSAPP", "MARKETING", &header, None)),
            "InvalidParameter.HeaderMoreVarable"
        );
        let button =
            json!([{"Type": "BUTTONS", "Buttons": [{"Type": "QUICK_REPLY", "Text": "{{1}}"}]}]);
        assert_eq!(
            code(check("WHATSAPP", "MARKETING", &button, None)),
            "InvalidParameter.ButtonTextHaveVariable"
        );
        let url = json!([{"Type": "BUTTONS", "Buttons": [{"Type": "URL", "Text": "go", "Url": "https://x/{{1}}/{{2}}"}]}]);
        assert_eq!(
            code(check("WHATSAPP", "MARKETING", &url, None)),
            "InvalidParameter.UrlMoreVarable"
        );
        assert_eq!(
            code(check("WHATSAPP", "AUTHENTICATION", &ok, Some(60))),
            "InvalidParameter.Components"
        );
        let otp = json!([{"Type": "BUTTONS", "Buttons": [{"Type": "COPY_CODE", "Text": "Copy"}]}]);
        assert_eq!(
            code(check("WHATSAPP", "AUTHENTICATION", &otp, Some(901))),
            "InvalidParameter.MessageSendTtlSeconds"
        );
        assert_eq!(
            code(check("WHATSAPP", "AUTHENTICATION", &otp, Some(900))),
            ""
        );
        let two = json!([{"Type": "BUTTONS", "Buttons": [{"Type": "URL", "Url": "https://a"}, {"Type": "URL", "Url": "https://b"}]}]);
        assert_eq!(
            code(check("VIBER", "text", &two, None)),
            "InvalidParameter.Components"
        );
        let long = json!([{"Type": "BODY", "Text": "x".repeat(1025)}]);
        assert_eq!(
            code(check("WHATSAPP", "UTILITY", &long, None)),
            "InvalidParameter.Components"
        );
        assert_eq!(
            code(check_name_and_language("Bad-Name", "en")),
            "InvalidParameter.TemplateName"
        );
        assert_eq!(
            code(check_name_and_language("otp", "xx")),
            "InvalidParameter.LanguageNotSupport"
        );
        assert_eq!(code(check_name_and_language("otp_2", "zu")), "");
    }
}
