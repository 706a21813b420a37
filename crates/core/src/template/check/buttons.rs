//! Button rules: kinds per channel and category, how many of each, their order, the fields
//! each kind needs, and no variables in their text.

use super::At;
use crate::config::yaml::Span;
use crate::diagnostic::Diagnostic;
use crate::template::vars::scan;
use crate::template::{Button, ButtonType, Category, Components, HeaderFormat, TemplateType};

pub(super) fn check(
    t: TemplateType,
    category: Category,
    comp: &Components,
    at: &At<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let buttons = &comp.buttons;
    let span = |i: usize| at.value(&format!("components/buttons/{i}"));
    let kind_span = |i: usize| at.value(&format!("components/buttons/{i}/type"));
    for (i, b) in buttons.iter().enumerate() {
        if let Some(text) = &b.text
            && !scan(text).is_empty()
        {
            out.push(text_variable(
                at.value(&format!("components/buttons/{i}/text")),
            ));
        }
        if let Some(url) = &b.url
            && scan(url).len() > 1
        {
            out.push(
                Diagnostic::new(
                    "chanctl::template::url_variables",
                    "a button's URL holds one variable at most",
                    at.value(&format!("components/buttons/{i}/url")),
                    "more than one variable",
                )
                .with_help(
                    "keep one variable, at the end of the URL: `https://example.com/o/{{1}}`",
                ),
            );
        }
        fields(t, comp, i, b, at, out);
    }
    if t == TemplateType::Viber {
        let mut urls = 0;
        for (i, b) in buttons.iter().enumerate() {
            let (message, label) = if b.kind != ButtonType::Url {
                (
                    format!(
                        "Viber templates take URL buttons only, not {}",
                        b.kind.as_str()
                    ),
                    "not a URL button",
                )
            } else {
                urls += 1;
                if urls < 2 {
                    continue;
                }
                (
                    "a Viber template holds one URL button at most".to_string(),
                    "second button",
                )
            };
            out.push(
                Diagnostic::new(
                    "chanctl::template::viber_buttons",
                    message,
                    kind_span(i),
                    label,
                )
                .with_help("a Viber template has at most one button, of type URL"),
            );
        }
        return;
    }
    if category == Category::Authentication {
        let codes = buttons
            .iter()
            .filter(|b| matches!(b.kind, ButtonType::CopyCode | ButtonType::OneTap))
            .count();
        if buttons.len() != 1 || codes != 1 {
            let (span, label) = match buttons.len() {
                0 => (
                    at.key(if comp == &Components::default() {
                        ""
                    } else {
                        "components"
                    }),
                    "no button".to_string(),
                ),
                1 => (kind_span(0), "not COPY_CODE or ONE_TAP".to_string()),
                n => (span(1), format!("{n} buttons")),
            };
            out.push(
                Diagnostic::new(
                    "chanctl::template::auth_buttons",
                    "an AUTHENTICATION template has exactly one button, COPY_CODE or ONE_TAP",
                    span,
                    label,
                )
                .with_help("give it one button: `buttons: [{type: COPY_CODE, text: Copy code}]`"),
            );
        }
        return;
    }
    for (i, b) in buttons.iter().enumerate() {
        if matches!(b.kind, ButtonType::OneTap | ButtonType::ZeroTap) {
            out.push(
                Diagnostic::new(
                    "chanctl::template::button_kind",
                    format!("{} buttons are for AUTHENTICATION templates", b.kind.as_str()),
                    kind_span(i),
                    format!("in a {} template", category.as_str()),
                )
                .with_help("use COPY_CODE, URL, PHONE_NUMBER or QUICK_REPLY, or make the category AUTHENTICATION"),
            );
        }
    }
    let count = |k: ButtonType| buttons.iter().filter(|b| b.kind == k).count();
    let nth = |k: ButtonType, n: usize| {
        buttons
            .iter()
            .enumerate()
            .filter(|(_, b)| b.kind == k)
            .nth(n)
            .map_or(0, |(i, _)| i)
    };
    let limits = [
        (
            buttons.len() > 10,
            "at most 10 buttons".to_string(),
            10,
            "11th button",
        ),
        (
            count(ButtonType::PhoneNumber) > 1,
            "one PHONE_NUMBER button at most".into(),
            nth(ButtonType::PhoneNumber, 1),
            "second PHONE_NUMBER",
        ),
        (
            count(ButtonType::Url) > 2,
            "two URL buttons at most".into(),
            nth(ButtonType::Url, 2),
            "third URL",
        ),
    ];
    for (over, what, i, label) in limits {
        if over {
            out.push(
                Diagnostic::new(
                    "chanctl::template::button_count",
                    format!("a {} template holds {what}", category.as_str()),
                    span(i),
                    label,
                )
                .with_help("remove buttons: at most 10 in all, one PHONE_NUMBER and two URL"),
            );
        }
    }
    // QUICK_REPLY buttons cannot be mixed in among PHONE_NUMBER and URL buttons.
    let call = |b: &Button| matches!(b.kind, ButtonType::PhoneNumber | ButtonType::Url);
    let quick = |b: &Button| b.kind == ButtonType::QuickReply;
    let mut groups = 0;
    let mut last: Option<bool> = None;
    for (i, b) in buttons.iter().enumerate() {
        if !quick(b) && !call(b) {
            continue;
        }
        let q = quick(b);
        if last != Some(q) {
            groups += 1;
            last = Some(q);
            if groups > 2 {
                out.push(
                    Diagnostic::new(
                        "chanctl::template::button_order",
                        "QUICK_REPLY buttons are mixed in among PHONE_NUMBER and URL buttons",
                        kind_span(i),
                        "the group is split here",
                    )
                    .with_help("put all QUICK_REPLY buttons together, before or after the others"),
                );
                break;
            }
        }
    }
}

/// The fields each kind needs, and the ones it does not take.
fn fields(
    t: TemplateType,
    comp: &Components,
    i: usize,
    b: &Button,
    at: &At<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let k = b.kind;
    // A Viber URL button under a VIDEO header takes no URL (SDK, Viber button rules).
    let video = t == TemplateType::Viber
        && comp
            .header
            .as_ref()
            .is_some_and(|h| h.format == HeaderFormat::Video);
    let needs: &[(&str, bool)] = &[
        ("text", b.text.is_some()),
        ("url", b.url.is_some()),
        ("phone_number", b.phone_number.is_some()),
        ("autofill_text", b.autofill_text.is_some()),
        ("package_name", b.package_name.is_some()),
        ("signature_hash", b.signature_hash.is_some()),
        ("flow_id", b.flow_id.is_some()),
        ("coupon_code", b.coupon_code.is_some()),
        ("is_opt_out", b.is_opt_out.is_some()),
    ];
    let required: &[&str] = match k {
        ButtonType::Url if video => &["text"],
        ButtonType::Url => &["text", "url"],
        ButtonType::PhoneNumber => &["text", "phone_number"],
        ButtonType::QuickReply | ButtonType::CopyCode => &["text"],
        ButtonType::OneTap => &["text", "autofill_text", "package_name", "signature_hash"],
        ButtonType::ZeroTap => &["text", "package_name", "signature_hash"],
        ButtonType::Flow => &["text", "flow_id"],
        ButtonType::Mpm | ButtonType::Catalog => &["text"],
    };
    let allowed: &[&str] = match k {
        ButtonType::Url => &["text", "url"],
        ButtonType::PhoneNumber => &["text", "phone_number"],
        ButtonType::QuickReply => &["text", "is_opt_out"],
        ButtonType::CopyCode => &["text", "coupon_code"],
        ButtonType::OneTap | ButtonType::ZeroTap => {
            &["text", "autofill_text", "package_name", "signature_hash"]
        }
        ButtonType::Flow => &["text", "flow_id"],
        ButtonType::Mpm | ButtonType::Catalog => &["text"],
    };
    for (key, present) in needs {
        let message = if required.contains(key) && !present {
            format!("a {} button needs `{key}`", k.as_str())
        } else if *present && (!allowed.contains(key) || (video && *key == "url")) {
            format!("a {} button takes no `{key}`", k.as_str())
        } else {
            continue;
        };
        let span = if *present {
            at.key(&format!("components/buttons/{i}/{key}"))
        } else {
            at.value(&format!("components/buttons/{i}/type"))
        };
        let help = if video && *key == "url" {
            "a Viber URL button under a VIDEO header takes no URL: remove it".to_string()
        } else {
            format!(
                "a {} button takes {}",
                k.as_str(),
                allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.push(
            Diagnostic::new(
                "chanctl::template::button_field",
                message,
                span,
                format!("{} button", k.as_str()),
            )
            .with_help(help),
        );
    }
}

pub(super) fn text_variable(span: Span) -> Diagnostic {
    Diagnostic::new(
        "chanctl::template::button_variable",
        "a button's text cannot hold a variable",
        span,
        "variable in button text",
    )
    .with_help(
        "write the button's text as fixed words; a URL button's URL may end with one variable",
    )
}
