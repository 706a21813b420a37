//! The rules of one template's content in one language: header, body, footer, variables and
//! their examples, carousel cards, the TTL, and what only WhatsApp or AUTHENTICATION takes.

use super::At;
use crate::diagnostic::Diagnostic;
use crate::template::file::TemplateContent;
use crate::template::vars::{first_gap, scan};
use crate::template::{Category, HeaderFormat, TemplateType};

pub(super) fn check(
    t: TemplateType,
    category: Category,
    c: &TemplateContent,
    at: &At<'_>,
    out: &mut Vec<Diagnostic>,
) {
    // The SDK gives the AUTHENTICATION component rules for WhatsApp templates.
    let auth = category == Category::Authentication && t == TemplateType::Whatsapp;
    let empty = Default::default();
    let comp = c.components.as_ref().unwrap_or(&empty);
    let mut used: Vec<u32> = Vec::new();

    if let Some(h) = &comp.header {
        header(t, auth, h, at, &mut used, out);
    }
    match (&comp.body, auth) {
        (Some(_), true) => out.push(auth_text("body", at)),
        (None, false) => out.push(
            Diagnostic::new(
                "chanctl::template::missing_body",
                format!("a {} template needs a body", category.as_str()),
                at.key(if c.components.is_some() {
                    "components"
                } else {
                    ""
                }),
                "no `body`",
            )
            .with_help("add `components:` with `body:` holding the message text"),
        ),
        (Some(body), false) => {
            let numbers = variables(body, "components/body", at, out);
            if let Some(gap) = first_gap(&numbers) {
                out.push(
                    Diagnostic::new(
                        "chanctl::template::variable_gap",
                        format!("the body's variables skip `{{{{{gap}}}}}`"),
                        at.value("components/body"),
                        format!("`{{{{{gap}}}}}` missing"),
                    )
                    .with_help("number the variables {{1}}, {{2}}, … without gaps"),
                );
            }
            used.extend(numbers);
        }
        (None, true) => {}
    }
    if let Some(footer) = &comp.footer {
        if auth {
            out.push(auth_text("footer", at));
        } else if t == TemplateType::Viber {
            out.push(viber("`footer`", at.key("components/footer")));
        } else if !scan(footer).is_empty() {
            out.push(
                Diagnostic::new(
                    "chanctl::template::footer_variable",
                    "a footer cannot hold a variable",
                    at.value("components/footer"),
                    "variable in the footer",
                )
                .with_help("write the footer as fixed text; variables go in the body"),
            );
        }
    }
    if !auth {
        for key in ["add_secret_recommendation", "code_expiration_minutes"] {
            let present = match key {
                "add_secret_recommendation" => comp.add_secret_recommendation.is_some(),
                _ => comp.code_expiration_minutes.is_some(),
            };
            if present {
                out.push(
                    Diagnostic::new(
                        "chanctl::template::auth_only",
                        format!("`{key}` is for WhatsApp AUTHENTICATION templates"),
                        at.key(&format!("components/{key}")),
                        format!("in a {} {} template", t.as_str(), category.as_str()),
                    )
                    .with_help(format!("remove `{key}`")),
                );
            }
        }
    }
    examples(c, &used, at, out);
    super::buttons::check(t, category, comp, at, out);
    cards(t, comp, at, out);
    ttl(category, c, at, out);
    if t == TemplateType::Viber && c.category_change_paused.is_some() {
        out.push(viber(
            "`category_change_paused`",
            at.key("category_change_paused"),
        ));
    }
}

fn header(
    t: TemplateType,
    auth: bool,
    h: &crate::template::Header,
    at: &At<'_>,
    used: &mut Vec<u32>,
    out: &mut Vec<Diagnostic>,
) {
    if auth {
        out.push(
            Diagnostic::new(
                "chanctl::template::auth_header",
                "an AUTHENTICATION template takes no header",
                at.key("components/header"),
                "header in an AUTHENTICATION template",
            )
            .with_help("remove `header`: the service writes an authentication message itself"),
        );
        return;
    }
    let text = h.format == HeaderFormat::Text;
    if text && t == TemplateType::Viber {
        out.push(viber("TEXT header", at.value("components/header/format")));
        return;
    }
    let field = |key: &str, message: String, help: &str| {
        Diagnostic::new(
            "chanctl::template::header_fields",
            message,
            at.key(&format!("components/header/{key}")),
            format!("for {} {} header", article(h.format), h.format.as_str()),
        )
        .with_help(help.to_string())
    };
    match (text, &h.text, &h.url) {
        (true, None, _) => out.push(field(
            "format",
            "a TEXT header needs `text`".into(),
            "add `text:` with the header's words",
        )),
        (false, _, None) => out.push(field(
            "format",
            format!(
                "{} {} header needs `url`",
                article(h.format),
                h.format.as_str()
            ),
            "add `url:` with an example of the media",
        )),
        _ => {}
    }
    if text && h.url.is_some() {
        out.push(field(
            "url",
            "a TEXT header takes no `url`".into(),
            "remove `url`, or change `format` to IMAGE, DOCUMENT or VIDEO",
        ));
    }
    if !text && h.text.is_some() {
        out.push(field(
            "text",
            format!(
                "{} {} header takes no `text`",
                article(h.format),
                h.format.as_str()
            ),
            "remove `text`: a media header shows the media; write the words in the body",
        ));
    }
    if h.format != HeaderFormat::Document && h.file_name.is_some() {
        out.push(field(
            "file_name",
            format!(
                "{} {} header takes no `file_name`",
                article(h.format),
                h.format.as_str()
            ),
            "`file_name` names the file of a DOCUMENT header: remove it",
        ));
    }
    if let Some(text) = &h.text {
        let numbers = variables(text, "components/header/text", at, out);
        if numbers.len() > 1 {
            out.push(
                Diagnostic::new(
                    "chanctl::template::header_variables",
                    format!(
                        "a text header holds one variable at most; this one holds {}",
                        numbers.len()
                    ),
                    at.value("components/header/text"),
                    "more than one variable",
                )
                .with_help(
                    "keep one variable, `{{1}}`, in the header; move the others to the body",
                ),
            );
        } else if numbers.first().is_some_and(|n| *n != 1) {
            out.push(
                Diagnostic::new(
                    "chanctl::template::variable_gap",
                    format!(
                        "the header's variable is `{{{{{}}}}}`, not `{{{{1}}}}`",
                        numbers[0]
                    ),
                    at.value("components/header/text"),
                    "variables start at {{1}}",
                )
                .with_help("number the header's one variable {{1}}"),
            );
        }
        used.extend(numbers);
    }
}

fn article(f: HeaderFormat) -> &'static str {
    if f == HeaderFormat::Image { "an" } else { "a" }
}

/// The numbers of the variables of `text` (at `rel`); malformed ones are reported.
pub(super) fn variables(text: &str, rel: &str, at: &At<'_>, out: &mut Vec<Diagnostic>) -> Vec<u32> {
    let mut numbers = Vec::new();
    for v in scan(text) {
        match v.number {
            Some(n) => numbers.push(n),
            None => out.push(
                Diagnostic::new(
                    "chanctl::template::variable_syntax",
                    format!(
                        "`{}` is not a template variable",
                        &text[v.start..v.start + v.len]
                    ),
                    at.value(rel),
                    "malformed variable",
                )
                .with_help("variables are numbered: {{1}}, {{2}}, …"),
            ),
        }
    }
    numbers
}

/// Each variable has an example, and each example is a variable's.
fn examples(c: &TemplateContent, used: &[u32], at: &At<'_>, out: &mut Vec<Diagnostic>) {
    let mut missing: Vec<u32> = used
        .iter()
        .copied()
        .filter(|n| !c.examples.contains_key(&format!("{{{{{n}}}}}")))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    for n in missing {
        let (span, where_) = if c.examples.is_empty() {
            (at.key("components"), "no `examples`".to_string())
        } else {
            (at.key("examples"), format!("no example for `{{{{{n}}}}}`"))
        };
        out.push(
            Diagnostic::new(
                "chanctl::template::missing_example",
                format!("variable `{{{{{n}}}}}` has no example"),
                span,
                where_,
            )
            .with_help(format!(
                "add it under `examples:`, e.g. `\"{{{{{n}}}}}\": \"Alice\"`: the review \
                 needs an example of every variable"
            )),
        );
    }
    for key in c.examples.keys() {
        let n = key
            .strip_prefix("{{")
            .and_then(|k| k.strip_suffix("}}"))
            .and_then(|k| {
                (!k.starts_with('0'))
                    .then(|| k.parse::<u32>().ok())
                    .flatten()
            });
        let (message, help) = match n {
            None => (
                format!("example key `{key}` is not a variable"),
                "key each example by its variable, quoted: `\"{{1}}\": \"Alice\"`".to_string(),
            ),
            Some(n) if !used.contains(&n) => (
                format!("example `{key}` is for a variable the template does not use"),
                format!("remove it, or use `{key}` in the header or body"),
            ),
            Some(_) => continue,
        };
        out.push(
            Diagnostic::new(
                "chanctl::template::unused_example",
                message,
                at.key(&format!("examples/{}", crate::config::tree::escape(key))),
                "example",
            )
            .with_help(help),
        );
    }
}

fn cards(
    t: TemplateType,
    comp: &crate::template::Components,
    at: &At<'_>,
    out: &mut Vec<Diagnostic>,
) {
    if comp.cards.is_empty() {
        return;
    }
    if t == TemplateType::Viber {
        out.push(viber("carousel `cards`", at.key("components/cards")));
        return;
    }
    // At most 10 cards: Meta, "Media card carousel templates" ("up to 10 cards"),
    // https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates/media-card-carousel-templates
    if comp.cards.len() > 10 {
        out.push(
            Diagnostic::new(
                "chanctl::template::card_count",
                format!(
                    "a carousel holds at most 10 cards; this one holds {}",
                    comp.cards.len()
                ),
                at.value("components/cards/10"),
                "card 11",
            )
            .with_help("split the carousel into two templates, or remove cards"),
        );
    }
    for (i, card) in comp.cards.iter().enumerate() {
        if card.buttons.len() > 2 {
            out.push(
                Diagnostic::new(
                    "chanctl::template::card_buttons",
                    format!(
                        "a carousel card holds at most two buttons; card {} holds {}",
                        i + 1,
                        card.buttons.len()
                    ),
                    at.value(&format!("components/cards/{i}/buttons/2")),
                    "third button",
                )
                .with_help("keep two buttons on each card"),
            );
        }
        for (k, b) in card.buttons.iter().enumerate() {
            if let Some(text) = &b.text
                && !scan(text).is_empty()
            {
                out.push(super::buttons::text_variable(
                    at.value(&format!("components/cards/{i}/buttons/{k}/text")),
                ));
            }
        }
    }
}

fn ttl(category: Category, c: &TemplateContent, at: &At<'_>, out: &mut Vec<Diagnostic>) {
    let Some(ttl) = c.message_send_ttl_seconds else {
        return;
    };
    // UTILITY's 30–43,200 is the schema's range; AUTHENTICATION's is narrower.
    if category == Category::Authentication && !(30..=900).contains(&ttl) {
        out.push(
            Diagnostic::new(
                "chanctl::template::ttl",
                format!("an AUTHENTICATION template's TTL is 30–900 seconds, not {ttl}"),
                at.value("message_send_ttl_seconds"),
                "out of range for AUTHENTICATION",
            )
            .with_help("set `message_send_ttl_seconds` between 30 and 900"),
        );
    }
}

/// A part that AUTHENTICATION templates leave to the service.
fn auth_text(part: &str, at: &At<'_>) -> Diagnostic {
    Diagnostic::new(
        "chanctl::template::auth_text",
        format!("an AUTHENTICATION template's {part} text is written by the service"),
        at.key(&format!("components/{part}")),
        format!("{part} text in an AUTHENTICATION template"),
    )
    .with_help(format!(
        "remove `{part}`; use `add_secret_recommendation` and `code_expiration_minutes` to \
         shape the message"
    ))
}

/// Something Viber templates do not take.
pub(super) fn viber(what: &str, span: crate::config::yaml::Span) -> Diagnostic {
    Diagnostic::new(
        "chanctl::template::viber_component",
        format!("Viber templates take no {what}"),
        span,
        "not for Viber",
    )
    .with_help(
        "a Viber template is a body, an optional image, video or document header, and one \
         URL button at most; footers, text headers and carousels are WhatsApp's",
    )
}
