//! The field changes of a channel step: what differs between the channel before and after
//! it (name, description, binding keys, a Viber application's keys, the instance profile), as
//! the plan shows them. Apart from the scheduler in `order.rs`, which only places steps in
//! waves: this is what a step says, and it depends on each binding's keys, not on the order.

use super::Attrs;
use crate::model::Binding;
use std::borrow::Cow;
use std::sync::Arc;

/// The name of a binding field in a change: `binding.` and the key, without allocating for
/// the keys of the types' tables; an entry of a list is `binding.phone_numbers[1].phone_number`.
fn binding_field(key: &str) -> Cow<'static, str> {
    match crate::model::types::field_of(key) {
        Some(field) => field.into(),
        None => format!("binding.{}", crate::model::types::shown_key(key)).into(),
    }
}

/// Binding fields in key order (entries of a list by their index); a binding has a few, so a
/// vector beats a map here.
fn binding_fields(a: Option<&Attrs>) -> crate::model::types::Fields<'_> {
    let mut f = a
        .and_then(|a| a.binding.as_ref())
        .map(|b| b.fields())
        .unwrap_or_default();
    f.sort_unstable_by(|(a, _), (b, _)| key_order(a, b));
    f
}

/// Keys in order, the index of a list entry compared as a number; without allocating, as
/// every step's keys are sorted.
fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn part(s: &str) -> (usize, &str) {
        match s.parse::<usize>() {
            Ok(n) => (n, ""),
            Err(_) => (0, s),
        }
    }
    a.split('/').map(part).cmp(b.split('/').map(part))
}

pub(super) fn changes(before: Option<&Attrs>, after: Option<&Attrs>) -> Vec<super::FieldChange> {
    let mut out = Vec::new();
    // The name and the description are shared with the step's attributes, not copied; a
    // step that keeps them (a bind) usually holds the very same text, known equal at once.
    fn shared(
        out: &mut Vec<super::FieldChange>,
        field: &'static str,
        b: Option<&Arc<str>>,
        a: Option<&Arc<str>>,
    ) {
        let same = match (b, a) {
            (Some(b), Some(a)) => Arc::ptr_eq(b, a) || b == a,
            (b, a) => b.is_none() && a.is_none(),
        };
        if !same {
            out.push(super::FieldChange {
                field: field.into(),
                before: b.cloned(),
                after: a.cloned(),
            });
        }
    }
    fn description(a: &Attrs) -> Option<&Arc<str>> {
        Some(&a.description).filter(|d| !d.is_empty())
    }
    shared(
        &mut out,
        "name",
        before.map(|a| &a.name),
        after.map(|a| &a.name),
    );
    shared(
        &mut out,
        "description",
        before.and_then(description),
        after.and_then(description),
    );
    let mut field = |name: Cow<'static, str>, b: Option<&str>, a: Option<&str>| {
        if b != a {
            out.push(super::FieldChange {
                field: name,
                before: b.map(Arc::from),
                after: a.map(Arc::from),
            });
        }
    };
    // Many steps keep the binding as it is (an update of the description): then
    // neither its keys nor a Viber application change.
    if before.map(|a| &a.binding) != after.map(|a| &a.binding) {
        binding_changes(before, after, &mut field);
    }
    // The instance profile, key by key in the file's order (most channels have none).
    let empty = crate::model::Profile::default();
    let prof_b = before.map_or(&empty, |a| &a.profile);
    let prof_a = after.map_or(&empty, |a| &a.profile);
    if !(prof_b.is_empty() && prof_a.is_empty()) {
        for ((k, b), (_, a)) in prof_b.fields().into_iter().zip(prof_a.fields()) {
            field(k.into(), b, a);
        }
    }
    out
}

/// The changes of a step's binding: its keys, then a Viber application's keys.
fn binding_changes(
    before: Option<&Attrs>,
    after: Option<&Attrs>,
    field: &mut impl FnMut(Cow<'static, str>, Option<&str>, Option<&str>),
) {
    // Binding fields in key order; a binding has a few, so vectors beat maps here.
    let bind_b = binding_fields(before);
    let bind_a = binding_fields(after);
    fn get<'a>(f: &[(Cow<'static, str>, &'a str)], k: &str) -> Option<&'a str> {
        f.iter().find(|(key, _)| key == k).map(|(_, v)| *v)
    }
    let mut keys: Vec<&str> = bind_b
        .iter()
        .chain(bind_a.iter())
        .map(|(k, _)| k.as_ref())
        .collect();
    keys.sort_unstable_by(|a, b| key_order(a, b));
    keys.dedup();
    for k in keys {
        field(binding_field(k), get(&bind_b, k), get(&bind_a, k));
    }
    // A Viber application, key by key in the file's order.
    fn audit(a: Option<&Attrs>) -> Option<&crate::model::ViberAudit> {
        match a.and_then(|a| a.binding.as_ref()) {
            Some(Binding::Viber(v)) => v.audit.as_deref(),
            _ => None,
        }
    }
    for (k, b, a) in crate::model::types::viber::changes(audit(before), audit(after)) {
        field(k.into(), b.as_deref(), a.as_deref());
    }
}

#[cfg(test)]
mod tests {
    use super::key_order;
    use std::cmp::Ordering;

    #[test]
    fn list_entries_are_ordered_by_their_index_as_a_number() {
        assert_eq!(
            key_order(
                "phone_numbers/2/phone_number",
                "phone_numbers/10/phone_number"
            ),
            Ordering::Less
        );
        assert_eq!(
            key_order(
                "phone_numbers/1/phone_number",
                "phone_numbers/1/verified_name"
            ),
            Ordering::Less
        );
        assert_eq!(key_order("waba_id", "phone_number"), Ordering::Greater);
        assert_eq!(key_order("waba_id", "waba_id"), Ordering::Equal);
    }
}
