//! The sandbox's WhatsApp numbers: which numbers a bind registers, the one-time code each
//! takes (the sandbox's code is any 6 digits), and how the sandbox's file remembers which of
//! several numbers still wait for theirs (they keep the name they were registered with).
//! Apart from `sandbox.rs` because it is the one part of the sandbox that is per number.

use super::{ProviderError, Sandbox};
use crate::model::{BindState, Binding};
use crate::rules::{Account, Op};

impl Sandbox {
    /// A WhatsApp bind that registers its numbers: those its binding names with the verified
    /// name to register them with, or those waiting for their code. The code is the sandbox's
    /// own: any 6 digits. Without one, a new number is added and waits for it. `None` when
    /// the bind registers nothing; else the numbers still waiting after it.
    pub(super) fn register(
        &self,
        account: &Account,
        op: &Op,
    ) -> Option<Result<Vec<String>, ProviderError>> {
        let (Op::Bind { id, binding }
        | Op::Rebind {
            id, to: binding, ..
        }) = op
        else {
            return None;
        };
        let Binding::Whatsapp(w) = binding else {
            return None;
        };
        let current = account.get(id);
        let stored = match current.and_then(|c| c.binding.as_ref()) {
            Some(Binding::Whatsapp(h)) => Some(h),
            _ => None,
        };
        let waiting = current.is_some_and(|c| {
            c.bind_state == BindState::Unverified
                && c.binding.as_ref().is_some_and(|b| b.same_choice(binding))
        });
        // Finishing: the numbers that wait (of several, those still stored with their name).
        // Otherwise: the numbers the channel lacks that name their verified name.
        let numbers: Vec<&str> = if waiting {
            match stored {
                Some(h) if h.is_list() => h
                    .phone_numbers
                    .iter()
                    .filter(|n| n.verified_name.is_some())
                    .map(|n| n.phone_number.as_str())
                    .collect(),
                _ => w.numbers().into_iter().map(|(n, _)| n).collect(),
            }
        } else {
            let held: Vec<&str> = stored
                .map(|h| h.numbers().into_iter().map(|(n, _)| n).collect())
                .unwrap_or_default();
            w.numbers()
                .into_iter()
                .filter(|(n, name)| name.is_some() && !held.contains(n))
                .map(|(n, _)| n)
                .collect()
        };
        if numbers.is_empty() && !waiting {
            return None;
        }
        let mut still_waiting = Vec::new();
        for number in numbers {
            // A number waiting for its code takes the one given for it; a new number is sent
            // one now, which only a person asked on the spot can give.
            let code = match waiting {
                true => self.codes.given(number).or_else(|| self.codes.ask(number)),
                false => self.codes.ask(number),
            };
            match code {
                Some(code) if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) => {}
                Some(_) => {
                    return Some(Err(ProviderError::Api {
                        code: "InvalidVerifyCode".to_string(),
                        message: format!(
                            "the one-time code for {number} is wrong: the sandbox's code is any 6 digits"
                        ),
                        request_id: None,
                    }));
                }
                None if waiting => {
                    return Some(Err(ProviderError::Unsupported(format!(
                        "{number} waits for its one-time code: give it with --verify-code {number}=CODE"
                    ))));
                }
                None => still_waiting.push(number.to_string()),
            }
        }
        Some(Ok(still_waiting))
    }
}

/// `op` (a bind of several WhatsApp numbers) with the verified name kept only on the numbers
/// still `waiting`; `None` for any other op.
pub(super) fn keep_waiting_names(op: &Op, waiting: &[String]) -> Option<Op> {
    let strip = |w: &crate::model::WhatsappBinding| {
        let mut w = w.clone();
        for n in &mut w.phone_numbers {
            if !waiting.contains(&n.phone_number) {
                n.verified_name = None;
            }
        }
        Binding::whatsapp(w)
    };
    match op {
        Op::Bind {
            id,
            binding: Binding::Whatsapp(w),
        } if w.is_list() => Some(Op::Bind {
            id: id.clone(),
            binding: strip(w),
        }),
        Op::Rebind {
            id,
            from,
            to: Binding::Whatsapp(w),
        } if w.is_list() => Some(Op::Rebind {
            id: id.clone(),
            from: from.clone(),
            to: strip(w),
        }),
        _ => None,
    }
}
