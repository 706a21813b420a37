//! Safety rules: what makes apply refuse a plan without --force (exit 3). The rules live
//! in [`evaluate`], which the plan uses to fill `blocked_by`, the renderers use to show what
//! would block, and apply uses to refuse.
//!
//! - **protect**: a step deletes, unbinds or rebinds a channel marked `protect: true`;
//! - **max_change_percent** (after octoDNS's thresholds): the plan deletes, unbinds, rebinds
//!   or replaces more than `safety.max_change_percent` % of the managed channels, and at
//!   least `safety.min_managed` channels are managed; or it deletes (a replacement's delete
//!   included) more than that share of the managed templates, counted apart;
//! - **unproven_twin**: a step deletes an extra copy of a channel that has twins (see
//!   [`super::twins`]) and no journal shows that chanctl made it.

use super::{Action, Step};
use crate::model::SafetyLimits;
use crate::render::plural;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Which rule blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Steps delete, unbind or rebind `protect: true` channels.
    Protect,
    /// Too large a share of the managed channels is deleted, unbound, rebound or replaced.
    MaxChangePercent,
    /// Steps delete extra copies of twins that nothing shows chanctl made.
    UnprovenTwin,
}

/// A safety rule that blocks the plan: apply refuses it without --force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Blocked {
    pub rule: Rule,
    /// What the rule found, in a sentence.
    pub message: String,
    /// The steps (by index) the rule counts.
    pub steps: Vec<usize>,
}

/// Whether `action` takes something away from a live channel: a delete (a replacement's
/// included), an unbind or a rebind.
fn is_destructive(action: Action) -> bool {
    matches!(action, Action::Delete | Action::Unbind | Action::Rebind)
}

/// Whether rebind `step` only adds numbers to a WhatsApp channel's WABA: nothing is taken
/// away, so the thresholds do not count it.
fn adds_numbers_only(step: &Step) -> bool {
    fn binding(a: &Option<std::sync::Arc<super::Attrs>>) -> Option<&crate::model::Binding> {
        a.as_ref().and_then(|a| a.binding.as_ref())
    }
    match (binding(&step.before), binding(&step.after)) {
        (Some(from), Some(to)) => {
            step.action == Action::Rebind && crate::rules::only_adds_numbers(from, to)
        }
        _ => false,
    }
}

/// Every rule that blocks `steps`, given how many live channels are `managed`, how many
/// managed live templates no step touches, and the `limits`. Empty when apply may go ahead
/// without --force.
pub fn evaluate(
    steps: &[Step],
    managed: usize,
    unchanged_templates: usize,
    limits: SafetyLimits,
) -> Vec<Blocked> {
    let mut out = Vec::new();
    let protected: Vec<&Step> = steps.iter().filter(|s| s.protected).collect();
    if !protected.is_empty() {
        let templates = protected.iter().filter(|s| s.template.is_some()).count();
        let what = if templates == 0 {
            plural(protected.len(), "a protected channel", "protected channels")
        } else if templates == protected.len() {
            plural(
                templates,
                "a template of a protected channel",
                "templates of protected channels",
            )
        } else {
            "protected channels and their templates"
        };
        let verb = if templates == protected.len() {
            "delete"
        } else {
            "delete or rebind"
        };
        out.push(Blocked {
            rule: Rule::Protect,
            message: format!(
                "{} {} would {verb} {what} ({})",
                protected.len(),
                plural(protected.len(), "step", "steps"),
                protected
                    .iter()
                    .map(|s| format!("{} {}", s.action.as_str(), s.subject()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            steps: protected.iter().map(|s| s.index).collect(),
        });
    }

    let unproven: Vec<&Step> = steps
        .iter()
        .filter(|s| s.twin.as_ref().is_some_and(|t| !t.evidence))
        .collect();
    if !unproven.is_empty() {
        out.push(Blocked {
            rule: Rule::UnprovenTwin,
            message: format!(
                "{} {} would delete a copy of a channel that has a twin ({}), and no journal \
                 shows that chanctl made it: deleting is permanent, so compare the copies first",
                unproven.len(),
                plural(unproven.len(), "step", "steps"),
                unproven
                    .iter()
                    .map(|s| format!(
                        "{} ({})",
                        s.channel,
                        s.instance_id.as_deref().unwrap_or_default()
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            steps: unproven.iter().map(|s| s.index).collect(),
        });
    }

    // Channel steps: the limit is a share of the managed channels.
    let counted: Vec<&Step> = steps
        .iter()
        .filter(|s| is_destructive(s.action) && s.template.is_none() && !adds_numbers_only(s))
        .collect();
    // Channels, not steps: a rebind split into an unbind and a bind is one channel.
    let channels: BTreeSet<&str> = counted
        .iter()
        .map(|s| s.instance_id.as_deref().unwrap_or(&s.channel))
        .collect();
    let changed = channels.len();
    let limit = limits.max_change_percent as usize;
    if managed > 0 && managed >= limits.min_managed as usize && changed * 100 > limit * managed {
        out.push(Blocked {
            rule: Rule::MaxChangePercent,
            message: format!(
                "the plan deletes, unbinds, rebinds or replaces {changed} of {managed} managed \
                 {} ({}), more than safety.max_change_percent ({limit}%)",
                crate::render::plural(managed, "channel", "channels"),
                percent(changed, managed)
            ),
            steps: counted.iter().map(|s| s.index).collect(),
        });
    }

    // Template steps: a share of the managed templates, those the plan leaves alone
    // (`unchanged_templates`) and the live ones its steps touch.
    let counted: Vec<&Step> = steps
        .iter()
        .filter(|s| s.action == Action::Delete && s.template.is_some())
        .collect();
    let touched: BTreeSet<(&str, &str)> = steps
        .iter()
        .filter_map(|s| Some((&*s.channel, s.template.as_ref()?.code.as_deref()?)))
        .collect();
    let managed = unchanged_templates + touched.len();
    let changed = counted.len();
    if managed > 0 && managed >= limits.min_managed as usize && changed * 100 > limit * managed {
        out.push(Blocked {
            rule: Rule::MaxChangePercent,
            message: format!(
                "the plan deletes or replaces {changed} of {managed} managed {} ({}), more \
                 than safety.max_change_percent ({limit}%)",
                plural(managed, "template", "templates"),
                percent(changed, managed)
            ),
            steps: counted.iter().map(|s| s.index).collect(),
        });
    }
    out
}

/// `40%`, or `30.8%` when not whole.
fn percent(part: usize, whole: usize) -> String {
    if (part * 100).is_multiple_of(whole) {
        format!("{}%", part * 100 / whole)
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ChannelType;

    fn step(index: usize, action: Action, channel: &str) -> Step {
        Step {
            index,
            action,
            resource: crate::plan::Address::channel(channel),
            channel: channel.into(),
            channel_type: ChannelType::Sms,
            instance_id: (action != Action::Create).then(|| format!("id-{channel}")),
            changes: vec![],
            before: None,
            after: None,
            reason: "".into(),
            wave: 0,
            depends_on: vec![],
            replace: false,
            protected: false,
            manual: None,
            twin: None,
            template: None,
        }
    }

    fn deletes(n: usize) -> Vec<Step> {
        (0..n)
            .map(|i| step(i, Action::Delete, &format!("c{i}")))
            .collect()
    }

    #[test]
    fn the_threshold_blocks_only_above_the_limit() {
        let limits = SafetyLimits::default();
        assert!(
            evaluate(&deletes(3), 10, 0, limits).is_empty(),
            "30% is allowed"
        );
        let blocked = evaluate(&deletes(4), 10, 0, limits);
        assert_eq!(blocked.len(), 1);
        assert_eq!(blocked[0].rule, Rule::MaxChangePercent);
        assert_eq!(blocked[0].steps, [0, 1, 2, 3]);
        assert_eq!(
            blocked[0].message,
            "the plan deletes, unbinds, rebinds or replaces 4 of 10 managed channels (40%), \
             more than safety.max_change_percent (30%)"
        );
        let odd = evaluate(&deletes(4), 13, 0, limits);
        assert!(
            odd[0].message.contains("4 of 13 managed channels (30.8%)"),
            "{odd:?}"
        );
    }

    #[test]
    fn a_rebind_that_only_adds_whatsapp_numbers_is_not_counted() {
        use crate::model::{Binding, WhatsappBinding};
        let numbers = |list: &[&str]| {
            Some(std::sync::Arc::new(crate::plan::Attrs {
                name: "wa".into(),
                description: "".into(),
                binding: Some(Binding::whatsapp(WhatsappBinding::with_numbers(
                    "5001".into(),
                    list.iter().map(|n| (n.to_string(), None)).collect(),
                ))),
                profile: Default::default(),
            }))
        };
        let rebind = |from: &[&str], to: &[&str]| {
            let mut s = step(0, Action::Rebind, "wa");
            s.channel_type = ChannelType::Whatsapp;
            (s.before, s.after) = (numbers(from), numbers(to));
            s
        };
        let strict = SafetyLimits {
            max_change_percent: 0,
            min_managed: 1,
        };
        let adds = rebind(&["+6588001234"], &["+6588001234", "+6588005678"]);
        assert!(evaluate(&[adds], 1, 0, strict).is_empty());
        let drops = rebind(&["+6588001234", "+6588005678"], &["+6588005678"]);
        assert_eq!(evaluate(&[drops], 1, 0, strict).len(), 1);
        let swaps = rebind(&["+6588001234"], &["+6588005678"]);
        assert_eq!(evaluate(&[swaps], 1, 0, strict).len(), 1);
    }

    #[test]
    fn few_managed_channels_are_not_counted() {
        let limits = SafetyLimits::default();
        assert!(
            evaluate(&deletes(9), 9, 0, limits).is_empty(),
            "below min_managed"
        );
        assert!(
            evaluate(
                &[],
                0,
                0,
                SafetyLimits {
                    min_managed: 0,
                    ..limits
                }
            )
            .is_empty()
        );
        let strict = SafetyLimits {
            max_change_percent: 0,
            min_managed: 1,
        };
        assert_eq!(evaluate(&deletes(1), 1, 0, strict).len(), 1);
        let off = SafetyLimits {
            max_change_percent: 100,
            min_managed: 0,
        };
        assert!(
            evaluate(&deletes(5), 5, 0, off).is_empty(),
            "100% turns it off"
        );
    }

    #[test]
    fn unbinds_rebinds_and_replacements_count_once_per_channel_creates_do_not() {
        let mut steps = vec![
            step(0, Action::Unbind, "a"),
            step(1, Action::Bind, "a"),
            step(2, Action::Rebind, "b"),
            step(3, Action::Delete, "c"),
            step(4, Action::Create, "c"),
            step(5, Action::Update, "d"),
            step(6, Action::Create, "e"),
        ];
        steps[3].replace = true;
        steps[4].replace = true;
        let limits = SafetyLimits::default();
        // a, b and c: 3 of 10 is not over; 3 of 9 (with min_managed 9) is.
        assert!(evaluate(&steps, 10, 0, limits).is_empty());
        let nine = SafetyLimits {
            min_managed: 9,
            ..limits
        };
        let blocked = evaluate(&steps, 9, 0, nine);
        assert_eq!(blocked[0].steps, [0, 2, 3]);
        assert!(blocked[0].message.contains(" 3 of 9 "));
    }

    #[test]
    fn protected_steps_block_on_their_own_and_next_to_the_threshold() {
        let mut steps = deletes(4);
        steps[1].protected = true;
        let blocked = evaluate(&steps, 10, 0, SafetyLimits::default());
        let rules: Vec<Rule> = blocked.iter().map(|b| b.rule).collect();
        assert_eq!(rules, [Rule::Protect, Rule::MaxChangePercent]);
        assert_eq!(
            blocked[0].message,
            "1 step would delete or rebind a protected channel (delete c1)"
        );
        assert_eq!(blocked[0].steps, [1]);
        assert_eq!(
            evaluate(&steps[..2], 10, 0, SafetyLimits::default()).len(),
            1
        );
    }

    /// A step deleting template `name` (live code `code`) of channel `channel`.
    fn template_delete(index: usize, channel: &str, code: &str) -> Step {
        use crate::template::plan::{TemplateChange, TemplateOperation};
        let mut s = step(index, Action::Delete, channel);
        s.template = Some(Box::new(TemplateChange {
            name: format!("t_{code}"),
            language: "en".into(),
            template_type: crate::template::TemplateType::Whatsapp,
            operation: TemplateOperation::Delete,
            code: Some(code.into()),
            before: None,
            after: None,
            review: None,
        }));
        s
    }

    #[test]
    fn template_deletions_are_a_share_of_the_managed_templates_apart_from_channels() {
        let limits = SafetyLimits::default();
        let steps: Vec<Step> = (0..4)
            .map(|i| template_delete(i, "wa", &format!("c{i}")))
            .collect();
        // 4 deleted and 6 left alone: 40% of 10 templates.
        let blocked = evaluate(&steps, 1, 6, limits);
        assert_eq!(blocked.len(), 1, "{blocked:?}");
        assert_eq!(blocked[0].rule, Rule::MaxChangePercent);
        assert_eq!(
            blocked[0].message,
            "the plan deletes or replaces 4 of 10 managed templates (40%), more than \
             safety.max_change_percent (30%)"
        );
        assert_eq!(blocked[0].steps, [0, 1, 2, 3]);
        // 4 of 14 is under the limit; templates do not count against the channels.
        assert!(evaluate(&steps, 10, 10, limits).is_empty());
        // Fewer than min_managed templates in all: not counted.
        assert!(evaluate(&steps[..3], 0, 5, limits).is_empty());
    }

    #[test]
    fn a_protected_template_step_is_named_as_a_template_not_a_channel() {
        let mut t = template_delete(0, "wa", "c0");
        t.protected = true;
        let blocked = evaluate(std::slice::from_ref(&t), 0, 20, SafetyLimits::default());
        assert_eq!(blocked[0].rule, Rule::Protect);
        assert_eq!(
            blocked[0].message,
            "1 step would delete a template of a protected channel (delete template t_c0 (en) \
             in wa)"
        );
        let mut c = step(1, Action::Rebind, "sms");
        c.protected = true;
        let blocked = evaluate(&[t, c], 0, 20, SafetyLimits::default());
        assert!(
            blocked[0].message.starts_with(
                "2 steps would delete or rebind protected channels and their templates ("
            ),
            "{}",
            blocked[0].message
        );
    }
}
