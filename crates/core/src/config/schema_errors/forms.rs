//! A WhatsApp binding's two forms, as diagnostics: the schema takes `phone_number` (with
//! `verified_name` beside it) or `phone_numbers` (a list, each entry with its own name), one
//! of them and not both. Its `oneOf` says only "not valid under one branch"; this says which
//! keys clash, at the key that should go.

use super::Cx;
use super::channel::foreign_binding;
use super::keys::misspelled;
use super::wording::missing_key;
use crate::diagnostic::Diagnostic;
use serde_json::Value as Json;

/// Whether `instance` looks like a WhatsApp binding: a mapping with a WhatsApp key.
pub(super) fn is_whatsapp_binding(instance: &Json) -> bool {
    instance.as_object().is_some_and(|o| {
        o.contains_key("waba_id")
            || o.contains_key("phone_numbers")
            || o.contains_key("phone_number")
    })
}

/// The diagnostic for a WhatsApp binding at `pointer` that has neither form or mixes them.
pub(super) fn whatsapp_form(cx: &Cx<'_>, pointer: &str, instance: &Json) -> Option<Diagnostic> {
    let o = instance.as_object()?;
    let has = |k: &str| o.contains_key(k);
    let at = |k: &str| cx.key(&format!("{pointer}/{k}"));
    if has("phone_numbers") && has("phone_number") {
        Some(
            cx.diag(
                "chanctl::schema::whatsapp_form",
                "a WhatsApp binding has both `phone_number` and `phone_numbers`",
                at("phone_numbers"),
                "a second form",
            )
            .with_help(
                "write one number as `phone_number:`, or several as `phone_numbers:` (each \
                 entry with its `phone_number:`), not both",
            ),
        )
    } else if has("phone_numbers") && has("verified_name") {
        Some(
            cx.diag(
                "chanctl::schema::whatsapp_form",
                "`verified_name` is beside `phone_numbers`",
                at("verified_name"),
                "belongs to one number",
            )
            .with_help(
                "move it into the entry of the number it names: `- phone_number: \
                 \"+6588001234\"` with `verified_name:` below it",
            ),
        )
    } else if !has("phone_number") && !has("phone_numbers") {
        // A misspelt key, or another type's binding, gets the diagnostic (naming this key).
        let elsewhere = ["phone_number", "phone_numbers"]
            .iter()
            .any(|k| misspelled(pointer, instance, k).is_some())
            || foreign_binding(pointer, instance, cx.root).is_some();
        (!elsewhere).then(|| missing_key(cx, pointer, "phone_number"))
    } else {
        None
    }
}
