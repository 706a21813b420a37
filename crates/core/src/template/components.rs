//! A template's content: header, body, footer, buttons and carousel cards.
//!
//! One mapping per template instead of CAMS's list of typed components, so that each part is
//! written once and a problem points at it; the CAMS backend turns it into the SDK's
//! `Components` list (each field here is one the SDK declares on CreateChatappTemplate and
//! reads back from GetChatappTemplateDetail). The same types are the file's schema, the live
//! state's content and the plan's diff.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The parts of a template. AUTHENTICATION templates carry no header and no body text (the
/// service writes them); Viber templates take no footer and no cards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Components {
    /// The header: text (one variable at most) or a media example.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Header")]
    pub header: Option<Header>,
    /// The body text, at most 1,024 characters; variables `{{1}}`…`{{n}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024))]
    pub body: Option<String>,
    /// AUTHENTICATION: show "do not share this code" above the body (`AddSecretRecommendation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_secret_recommendation: Option<bool>,
    /// The footer text, at most 60 characters, without variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 60))]
    pub footer: Option<String>,
    /// AUTHENTICATION: minutes the code is valid, shown in the footer (`CodeExpirationMinutes`).
    // 1 to 90: Meta, "Authentication templates", `code_expiration_minutes`
    // (https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 90))]
    pub code_expiration_minutes: Option<u32>,
    /// The buttons, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
    /// Carousel cards (WhatsApp MARKETING), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<Card>,
}

/// What a header shows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HeaderFormat {
    Text,
    Image,
    Document,
    Video,
}

impl HeaderFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            HeaderFormat::Text => "TEXT",
            HeaderFormat::Image => "IMAGE",
            HeaderFormat::Document => "DOCUMENT",
            HeaderFormat::Video => "VIDEO",
        }
    }
}

/// A header: `text` for TEXT, `url` (an example of the media) for the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: HeaderFormat,
    /// TEXT only: at most 60 characters, one variable at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 60))]
    pub text: Option<String>,
    /// IMAGE, DOCUMENT and VIDEO: where the example media is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub url: Option<String>,
    /// DOCUMENT: the file's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
}

/// The kinds of button the SDK documents.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ButtonType {
    /// Dial a number.
    PhoneNumber,
    /// Open a web page.
    Url,
    /// Send a reply.
    QuickReply,
    /// Copy a verification or coupon code.
    CopyCode,
    /// AUTHENTICATION: autofill the code in an app.
    OneTap,
    /// AUTHENTICATION: autofill without a tap.
    ZeroTap,
    /// Multi-product catalog.
    Mpm,
    /// Catalog.
    Catalog,
    /// Open a WhatsApp Flow.
    Flow,
}

impl ButtonType {
    pub fn as_str(self) -> &'static str {
        match self {
            ButtonType::PhoneNumber => "PHONE_NUMBER",
            ButtonType::Url => "URL",
            ButtonType::QuickReply => "QUICK_REPLY",
            ButtonType::CopyCode => "COPY_CODE",
            ButtonType::OneTap => "ONE_TAP",
            ButtonType::ZeroTap => "ZERO_TAP",
            ButtonType::Mpm => "MPM",
            ButtonType::Catalog => "CATALOG",
            ButtonType::Flow => "FLOW",
        }
    }
}

/// One button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Button {
    #[serde(rename = "type")]
    pub kind: ButtonType,
    /// The button's label, without variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// URL: the page; one variable at most, at its end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// PHONE_NUMBER: the number dialled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// COPY_CODE in a MARKETING template: the coupon code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_code: Option<String>,
    /// ONE_TAP and ZERO_TAP: the autofill button's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autofill_text: Option<String>,
    /// ONE_TAP and ZERO_TAP: the Android app's package name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    /// ONE_TAP and ZERO_TAP: the Android app's signature hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_hash: Option<String>,
    /// FLOW: the Flow's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_id: Option<String>,
    /// QUICK_REPLY in a MARKETING template: a marketing opt-out button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_opt_out: Option<bool>,
}

/// What a carousel card's header shows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CardHeaderFormat {
    Image,
    Video,
}

/// A card's header: an image or a video.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CardHeader {
    pub format: CardHeaderFormat,
    /// Where the example media is.
    #[schemars(length(min = 1))]
    pub url: String,
}

/// One carousel card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Card {
    pub header: CardHeader,
    /// The card's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// At most two buttons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<CardButton>,
}

/// A card's button (the SDK's card buttons take a type, a text, a URL or a number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CardButton {
    #[serde(rename = "type")]
    pub kind: ButtonType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}
