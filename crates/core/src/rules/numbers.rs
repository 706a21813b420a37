//! The service's rule for a WhatsApp channel's numbers: on one WABA the API releases and
//! registers numbers (so such a rebind is no manual step), and a rebind that only adds numbers
//! takes nothing away. Apart from `rules.rs`, whose state machine these only inform.

use crate::model::Binding;

/// Whether rebinding `from` to `to` only changes the numbers of one WhatsApp Business
/// account (same WABA, a different set of numbers): the API releases a number
/// (`ChatappPhoneNumberDeregister`) and registers another, so such a rebind is no manual step,
/// although a WABA is released by hand.
pub fn swaps_number(from: &Binding, to: &Binding) -> bool {
    match (from, to) {
        (Binding::Whatsapp(a), Binding::Whatsapp(b)) => a.waba_id == b.waba_id && !a.same_number(b),
        _ => false,
    }
}

/// The numbers of `from` that rebinding it to `to` releases: those of one WABA that `to` does
/// not keep (none when the WABA changes, which is a manual step, or for another type).
pub fn released_numbers<'a>(from: &'a Binding, to: &Binding) -> Vec<&'a str> {
    match (from, to) {
        (Binding::Whatsapp(a), Binding::Whatsapp(b)) if swaps_number(from, to) => {
            let kept: Vec<&str> = b.numbers().into_iter().map(|(n, _)| n).collect();
            a.numbers()
                .into_iter()
                .map(|(n, _)| n)
                .filter(|n| !kept.contains(n))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Whether rebinding `from` to `to` only adds numbers to one WABA: nothing is taken away,
/// so the step is not destructive.
pub fn only_adds_numbers(from: &Binding, to: &Binding) -> bool {
    swaps_number(from, to) && released_numbers(from, to).is_empty()
}
