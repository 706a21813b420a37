//! Sensitive values in plans. A plan is computed with the real values (apply binds them),
//! but every plan that is shown or saved is first [`redact`]ed: each binding value that is a
//! sensitive value, and every value (before and after) of a sensitive binding key of a
//! channel, becomes `(sensitive) sha256:…`. `apply PLAN` re-reads the values (from the
//! plan's source file, and the account's current ones from the account) and puts them back
//! with [`restore`], refusing values whose digest matches none of them.

use super::Plan;
use crate::config::SensitiveField;
use crate::model::Binding;
use crate::sensitive::{self, Secrets};
use std::collections::BTreeSet;

/// Visit every binding value of `plan` (the bindings before and after each step, the
/// `binding.*` changes, and each copy of a twin).
fn for_each_value(plan: &mut Plan, mut f: impl FnMut(&str, &str, &mut String)) {
    for group in &mut plan.twins {
        for copy in &mut group.copies {
            for (field, value) in copy.attrs.binding.iter_mut().flat_map(Binding::fields_mut) {
                f(&group.name, &field, value);
            }
        }
    }
    for step in &mut plan.steps {
        let channel = step.channel.clone();
        for attrs in [&mut step.before, &mut step.after].into_iter().flatten() {
            // A step shares its attributes with the channel's other steps: each gets its own
            // copy before it is redacted.
            let attrs = std::sync::Arc::make_mut(attrs);
            for (field, value) in attrs.binding.iter_mut().flat_map(Binding::fields_mut) {
                f(&channel, &field, value);
            }
        }
        for change in &mut step.changes {
            let Some(field) = change.field.strip_prefix("binding.") else {
                continue;
            };
            let field = crate::model::types::pointer_key(field).into_owned();
            for value in [&mut change.before, &mut change.after]
                .into_iter()
                .flatten()
            {
                // A change shares its text with the step's attributes: edited as a copy.
                let mut text = value.to_string();
                f(&channel, &field, &mut text);
                if *text != **value {
                    *value = text.into();
                }
            }
        }
    }
}

/// `plan` with every binding value redacted that is one of `secrets` or belongs to one of
/// the `fields` (a channel's sensitive binding key: its old value too), and every redacted
/// value scrubbed from its free text. Also returns all the values redacted, with `secrets`.
/// Takes the plan by value: a large plan is not copied to be shown.
pub fn redact(plan: Plan, secrets: &Secrets, fields: &[SensitiveField]) -> (Plan, Secrets) {
    let mut out = plan;
    if secrets.is_empty() && fields.is_empty() {
        return (out, secrets.clone());
    }
    let keys: BTreeSet<(&str, &str)> = fields
        .iter()
        .map(|f| (f.channel.as_str(), f.field.as_str()))
        .collect();
    let mut hidden: Vec<String> = secrets.values().to_vec();
    for_each_value(&mut out, |channel, field, value| {
        if !sensitive::is_redacted(value)
            && (secrets.contains(value) || keys.contains(&(channel, field)))
        {
            hidden.push(std::mem::replace(value, sensitive::redacted(value)));
        }
    });
    let hidden = Secrets::new(hidden);
    for w in &mut out.warnings {
        *w = hidden.scrub(w);
    }
    // A step's reason and manual note may name a WhatsApp number.
    for step in &mut out.steps {
        if step.reason.contains(|c: char| c.is_ascii_digit()) {
            step.reason = hidden.scrub(&step.reason).into();
        }
        if let Some(m) = &mut step.manual {
            *m = hidden.scrub(m);
        }
    }
    for b in &mut out.blocked_by {
        b.message = hidden.scrub(&b.message);
    }
    (out, hidden)
}

/// How many binding values of `plan` are redacted.
pub fn redacted_count(plan: &Plan) -> usize {
    let mut n = 0;
    let mut copy = plan.clone();
    for_each_value(&mut copy, |_, _, value| {
        n += usize::from(sensitive::is_redacted(value));
    });
    n
}

/// `plan` with its redacted values put back from `secrets`, and the values put back; or,
/// when some match none of them (the value changed since the plan was made), which ones,
/// as `` `channel` binding.key ``.
pub fn restore(mut plan: Plan, secrets: &Secrets) -> Result<(Plan, Secrets), Vec<String>> {
    let mut unmatched = Vec::new();
    let mut restored = Vec::new();
    for_each_value(&mut plan, |channel, field, value| {
        if !sensitive::is_redacted(value) {
            return;
        }
        match secrets.reveal(value) {
            Some(real) => {
                *value = real.to_string();
                restored.push(real.to_string());
            }
            None => {
                let what = format!(
                    "`{channel}` binding.{}",
                    crate::model::types::shown_key(field)
                );
                if !unmatched.contains(&what) {
                    unmatched.push(what);
                }
            }
        }
    });
    if unmatched.is_empty() {
        Ok((plan, Secrets::new(restored)))
    } else {
        Err(unmatched)
    }
}

/// Let the plan's JSON Schema accept redacted binding values: each binding key's schema
/// becomes "that, or a redacted value" (`$defs/Redacted`).
pub fn allow_redacted_in_schema(schema: &mut serde_json::Value) {
    let Some(defs) = schema.get_mut("$defs").and_then(|d| d.as_object_mut()) else {
        return;
    };
    for name in crate::model::types::all().filter_map(|t| t.schema) {
        let properties = defs
            .get_mut(name)
            .and_then(|d| d.get_mut("properties"))
            .and_then(|p| p.as_object_mut());
        for property in properties.into_iter().flat_map(|p| p.values_mut()) {
            let mut original = property.take();
            let description = original
                .as_object_mut()
                .and_then(|o| o.shift_remove("description"));
            let mut either = serde_json::Map::new();
            if let Some(d) = description {
                either.insert("description".into(), d);
            }
            either.insert(
                "anyOf".into(),
                serde_json::json!([original, { "$ref": "#/$defs/Redacted" }]),
            );
            *property = serde_json::Value::Object(either);
        }
    }
    defs.insert(
        "Redacted".into(),
        serde_json::json!({
            "description": "A sensitive value (from a `${VAR}` reference), redacted: never shown or saved; `apply PLAN` reads it again and checks the digest.",
            "type": "string",
            "pattern": "^\\(sensitive\\) sha256:[0-9a-f]{64}$"
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Desired, DesiredChannel};
    use crate::model::{ChannelType, WhatsappBinding};

    const NUMBER: &str = "+6599990001";

    fn plan() -> Plan {
        let desired = Desired {
            quota: 10,
            channels: vec![DesiredChannel {
                profile: Default::default(),
                name: "wa".into(),
                channel_type: ChannelType::Whatsapp,
                description: String::new(),
                binding: Some(Binding::whatsapp(WhatsappBinding {
                    waba_id: "7".into(),
                    phone_number: NUMBER.into(),
                    verified_name: None,
                    phone_numbers: Vec::new(),
                    waiting: Vec::new(),
                })),
                protect: false,
                previously: vec![],
            }],
            ..Desired::default()
        };
        crate::plan::plan_from_nothing(&desired)
    }

    #[test]
    fn redact_then_restore_gives_the_plan_back() {
        let real = plan();
        let secrets = Secrets::new([NUMBER.to_string()]);
        let (shown, hidden) = redact(real.clone(), &secrets, &[]);
        assert_eq!(hidden, secrets);
        let json = serde_json::to_string(&shown).unwrap();
        assert!(!json.contains(NUMBER), "{json}");
        assert!(json.contains("(sensitive) sha256:"));
        assert!(json.contains("\"7\""), "other values stay");
        assert_eq!(redacted_count(&shown), 2, "the bind's after and its change");
        assert_eq!(redacted_count(&real), 0);
        let (back, restored) = restore(shown, &secrets).unwrap();
        assert_eq!(back, real);
        assert_eq!(restored, secrets);
        assert_eq!(redact(real.clone(), &Secrets::default(), &[]).0, real);
    }

    #[test]
    fn a_sensitive_key_hides_its_other_values_too() {
        let real = plan();
        let field = SensitiveField {
            channel: "wa".into(),
            field: "waba_id".into(),
            template: "${W}".into(),
        };
        let (shown, hidden) = redact(real.clone(), &Secrets::default(), &[field]);
        assert!(hidden.contains("7"));
        assert!(!hidden.contains(NUMBER));
        let json = serde_json::to_string(&shown).unwrap();
        assert!(!json.contains("\"7\""), "{json}");
        assert!(json.contains(NUMBER), "{json}");
        assert_eq!(restore(shown, &hidden).unwrap().0, real);
    }

    #[test]
    fn a_value_that_changed_is_not_restored() {
        let (shown, _) = redact(plan(), &Secrets::new([NUMBER.to_string()]), &[]);
        let other = Secrets::new(["+6599990002".to_string()]);
        assert_eq!(
            restore(shown, &other).unwrap_err(),
            ["`wa` binding.phone_number"]
        );
    }

    #[test]
    fn the_plan_schema_accepts_redacted_values() {
        let (shown, _) = redact(plan(), &Secrets::new([NUMBER.to_string()]), &[]);
        let schema: serde_json::Value = serde_json::from_str(&crate::plan::schema()).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let value = serde_json::to_value(&shown).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        let mut bad = value.clone();
        bad["steps"][1]["after"]["binding"]["phone_number"] = "not a number".into();
        assert!(!validator.is_valid(&bad));
    }
}
