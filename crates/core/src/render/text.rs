//! The plan for a terminal, in the manner of Terraform: one block per step (a replacement
//! as one block), changed fields with before → after, descriptions as inline word diffs,
//! then unmanaged channels, warnings and the summary line.

use super::plural;
use super::style::Style;
use super::words::{word_diff, word_lines};
use crate::plan::{Action, FieldChange, Plan, Rule, Step};
use crate::sensitive;
use std::fmt::Write;

/// The symbol of an action, as shown in the margin.
pub fn symbol(action: Action) -> &'static str {
    match action {
        Action::Create | Action::Bind => "+",
        Action::Update => "~",
        Action::Rebind => "↻",
        Action::Unbind | Action::Delete => "-",
    }
}

fn paint(style: Style, action: Action, s: &str) -> String {
    match action {
        Action::Create | Action::Bind => style.green(s),
        Action::Update => style.yellow(s),
        Action::Rebind => style.cyan(s),
        Action::Unbind | Action::Delete => style.red(s),
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Create => "will be created",
        Action::Update => "will be updated",
        Action::Bind => "will be bound",
        Action::Rebind => "will be rebound",
        Action::Unbind => "will be unbound",
        Action::Delete => "will be deleted",
    }
}

/// Render `plan` as text.
pub fn render(plan: &Plan, style: Style) -> String {
    render_forced(plan, style, false)
}

/// Render `plan` as text for an apply given `--force` when `forced`: the steps a safety rule
/// blocks are then said to run, not to be refused.
pub fn render_forced(plan: &Plan, style: Style, forced: bool) -> String {
    let refuses = if forced {
        "--force is given, so apply runs"
    } else {
        "apply refuses"
    };
    // A step's block is a few lines: reserve for them once instead of growing (and copying)
    // the text of a large plan many times.
    let mut out = String::with_capacity(256 * (plan.steps.len() + 1));
    let environment = plan
        .environment
        .as_ref()
        .map(|e| format!(", environment {e}"))
        .unwrap_or_default();
    if plan.is_empty() {
        out.push_str(&style.bold("No changes."));
        match &plan.environment {
            Some(e) => {
                let _ = writeln!(out, " The account matches the file (environment {e}).");
            }
            None => out.push_str(" The account matches the file.\n"),
        }
    } else {
        let _ = writeln!(
            out,
            "chanctl will run {} {} on {} {}{environment} ({} {}):\n",
            plan.steps.len(),
            plural(plan.steps.len(), "step", "steps"),
            plan.target.backend,
            plan.target.account,
            plan.waves(),
            plural(plan.waves(), "wave", "waves"),
        );
        let mut shown_replacements: rustc_hash::FxHashSet<&str> = Default::default();
        for step in &plan.steps {
            if step.replace {
                if !shown_replacements.insert(&step.resource.key) {
                    continue;
                }
                replacement(&mut out, plan, step, style);
            } else {
                block(&mut out, step, style);
            }
        }
    }
    let templates = super::templates::status_lines(plan);
    if !templates.is_empty() {
        out.push_str("Templates:\n");
        for line in &templates {
            let _ = writeln!(out, "  • {line}");
        }
        out.push('\n');
    }
    if !plan.unmanaged.is_empty() {
        let _ = writeln!(
            out,
            "Unmanaged: {} live {} not in the file, left alone (--prune deletes {}):",
            plan.unmanaged.len(),
            plural(plan.unmanaged.len(), "channel", "channels"),
            plural(plan.unmanaged.len(), "it", "them")
        );
        for u in &plan.unmanaged {
            let _ = writeln!(
                out,
                "  • {} ({}, {})",
                u.name, u.channel_type, u.instance_id
            );
        }
        out.push('\n');
    }
    for blocked in plan.blocks() {
        let steps: Vec<&Step> = blocked
            .steps
            .iter()
            .filter_map(|i| plan.steps.get(*i))
            .collect();
        match blocked.rule {
            Rule::Protect => {
                let _ = writeln!(
                    out,
                    "{} {} {} {}; {refuses} {}{}:",
                    style.red("!"),
                    steps.len(),
                    plural(steps.len(), "step", "steps"),
                    plural(
                        steps.len(),
                        "touches a protected channel",
                        "touch protected channels"
                    ),
                    plural(steps.len(), "it", "them"),
                    if forced { "" } else { " without --force" }
                );
                for s in steps {
                    let _ = writeln!(out, "  • {} {}", s.action.as_str(), s.subject());
                }
            }
            Rule::MaxChangePercent | Rule::UnprovenTwin => {
                let _ = writeln!(
                    out,
                    "{} Blocked by a safety rule: {}; {refuses} it{}.",
                    style.red("!"),
                    blocked.message,
                    if forced { "" } else { " without --force" }
                );
            }
        }
        out.push('\n');
    }
    out.push_str(&super::twins::terminal(plan, style));
    for w in &plan.warnings {
        let _ = writeln!(out, "{} {w}", style.yellow("Note:"));
    }
    if !plan.warnings.is_empty() {
        out.push('\n');
    }
    if let Some(b) = plan.api_budget.as_ref().filter(|b| b.calls > 0) {
        let _ = writeln!(out, "{}\n", super::budget::api_calls(b));
    }
    if !plan.is_empty() {
        let _ = writeln!(out, "{}", style.bold(&plan.summary.line()));
    }
    out
}

fn block(out: &mut String, step: &Step, style: Style) {
    let sym = paint(style, step.action, symbol(step.action));
    match (
        super::templates::subject(step),
        super::templates::verb(step),
    ) {
        (Some(subject), Some(verb)) => {
            let _ = writeln!(
                out,
                "  {sym} {} ({}) {verb} {}",
                style.bold(&subject),
                step.channel_type,
                style.dim(&format!("— {}", step.reason)),
            );
            if let Some(review) = super::templates::step_review(step) {
                let _ = writeln!(out, "      {review}");
            }
        }
        _ => {
            let _ = writeln!(
                out,
                "  {sym} {} ({}) {} {}",
                style.bold(&step.channel),
                step.channel_type,
                verb(step.action),
                style.dim(&format!("— {}", step.reason)),
            );
        }
    }
    // A create's name is in the heading already.
    let changes = step
        .changes
        .iter()
        .filter(|c| !(step.action == Action::Create && c.field == "name"));
    fields(out, changes, style, "      ");
    if let Some(why) = &step.manual {
        let _ = writeln!(out, "      {} manual step: {why}", style.red("!"));
    }
    out.push('\n');
}

fn replacement(out: &mut String, plan: &Plan, first: &Step, style: Style) {
    let parts: Vec<&Step> = plan
        .steps
        .iter()
        .filter(|s| s.replace && s.resource == first.resource)
        .collect();
    let old_type = parts
        .iter()
        .find(|s| s.action == Action::Delete)
        .map(|s| s.channel_type);
    let new_type = parts
        .iter()
        .find(|s| s.action == Action::Create)
        .map(|s| s.channel_type);
    let types = match (old_type, new_type) {
        (Some(a), Some(b)) if first.template.is_none() => format!("{a} → {b}"),
        _ => first.channel_type.to_string(),
    };
    let (subject, why) = match super::templates::subject(first) {
        Some(s) => (
            s,
            "— --replace: approved templates cannot be modified; its review starts over",
        ),
        None => (
            first.channel.to_string(),
            "— the type cannot change in place",
        ),
    };
    let _ = writeln!(
        out,
        "{} {} ({types}) must be replaced {}",
        style.magenta("-/+"),
        style.bold(&subject),
        style.dim(why),
    );
    // A template's replacement shows what changes from the old one to the new one.
    let template_diff = super::templates::replacement_changes(&parts);
    for s in &parts {
        let _ = writeln!(
            out,
            "      {} {} (step {})",
            paint(style, s.action, symbol(s.action)),
            s.action.as_str(),
            s.index + 1
        );
        if template_diff.is_none() {
            fields(out, s.changes.iter(), style, "          ");
        }
    }
    if let Some(changes) = &template_diff {
        fields(out, changes.iter(), style, "      ");
    }
    out.push('\n');
}

/// The lines of `changes`, written straight into `out`: a plan of thousands of steps has
/// tens of thousands of these lines.
fn fields<'a>(
    out: &mut String,
    changes: impl Iterator<Item = &'a FieldChange> + Clone,
    style: Style,
    indent: &str,
) {
    let width = changes
        .clone()
        .map(|c| c.field.chars().count())
        .max()
        .unwrap_or(0);
    // `{field:<width$}` pads to `width` characters, as `width` counts them.
    for c in changes {
        let field = &*c.field;
        let _ = match (&c.before, &c.after) {
            (None, Some(a)) => writeln!(
                out,
                "{indent}{} {field:<width$} = {}",
                style.green("+"),
                Quoted(a)
            ),
            (Some(b), None) => writeln!(
                out,
                "{indent}{} {field:<width$} = {}",
                style.red("-"),
                Quoted(b)
            ),
            // In colour, a before line and an after line with the changed words emphasised;
            // without, git's inline word-diff form.
            (Some(b), Some(a))
                if (field == "description" || super::templates::is_text(field)) && style.color =>
            {
                let (before, after) = word_lines(b, a, style);
                writeln!(
                    out,
                    "{indent}{} {field:<width$}\n{indent}    {} {before}\n{indent}    {} {after}",
                    style.yellow("~"),
                    style.red("-"),
                    style.green("+"),
                )
            }
            (Some(b), Some(a)) if field == "description" || super::templates::is_text(field) => {
                writeln!(
                    out,
                    "{indent}{} {field:<width$} = {}",
                    style.yellow("~"),
                    word_diff(b, a, style)
                )
            }
            (Some(b), Some(a)) => writeln!(
                out,
                "{indent}{} {field:<width$} = {} → {}",
                style.yellow("~"),
                Quoted(b),
                Quoted(a)
            ),
            (None, None) => continue,
        };
    }
}

/// A value in quotes; a redacted one as `(sensitive)`, without.
struct Quoted<'a>(&'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if sensitive::is_redacted(self.0) {
            f.write_str(sensitive::SHOWN)
        } else if self
            .0
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
        {
            // What `{:?}` writes for printable ASCII without quotes or backslashes, without
            // its escaping character by character (a plan of thousands of steps has tens of
            // thousands of values).
            f.write_str("\"")?;
            f.write_str(self.0)?;
            f.write_str("\"")
        } else {
            write!(f, "{:?}", self.0)
        }
    }
}

/// One paragraph for cron jobs: whether the account drifted from the file, and how.
pub fn drift_summary(plan: &Plan) -> String {
    let mut out = if plan.is_empty() {
        "drift: none; the account matches the file".to_string()
    } else {
        let mut channels: Vec<&str> = plan.steps.iter().map(|s| &*s.channel).collect();
        channels.dedup();
        channels.sort_unstable();
        channels.dedup();
        format!(
            "drift: {} {} {} from the file ({}): {}",
            channels.len(),
            super::plural(channels.len(), "channel", "channels"),
            super::plural(channels.len(), "differs", "differ"),
            plan.summary
                .line()
                .trim_start_matches("Plan: ")
                .trim_end_matches('.'),
            channels.join(", ")
        )
    };
    for g in &plan.twins {
        out.push_str(&format!(
            "\ntwins: {} live channels are named {} ({})",
            g.copies.len(),
            g.name,
            g.copies
                .iter()
                .map(|c| c.instance_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !plan.unmanaged.is_empty() {
        let names: Vec<&str> = plan.unmanaged.iter().map(|u| u.name.as_str()).collect();
        out.push_str(&format!(
            "\nunmanaged (not drift without --prune): {}",
            names.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_quoted_value_is_written_as_debug_writes_it() {
        for v in [
            "",
            "Generated channel number 7",
            "~ !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}",
            "say \"hi\"",
            "back\\slash",
            "tab\there",
            "line\nbreak",
            "\u{7f}",
            "café",
            "e\u{301}",
            "\u{200b}",
        ] {
            assert_eq!(super::Quoted(v).to_string(), format!("{v:?}"), "{v:?}");
        }
    }

    use super::*;
    use crate::config::{Desired, DesiredChannel};
    use crate::model::{Binding, ChannelType, LiveState, ViberBinding};
    use crate::plan::{PlanOptions, Target, build, redact};
    use crate::sensitive::Secrets;

    #[test]
    fn a_redacted_value_shows_as_sensitive_and_the_environment_is_named() {
        let desired = Desired {
            quota: 5,
            environment: Some("staging".into()),
            channels: vec![DesiredChannel {
                profile: Default::default(),
                name: "sales".into(),
                channel_type: ChannelType::Viber,
                description: String::new(),
                binding: Some(Binding::Viber(ViberBinding::account("acme-secret"))),
                protect: false,
                previously: vec![],
            }],
            ..Desired::default()
        };
        let target = Target {
            backend: "sandbox".into(),
            account: "s.json".into(),
        };
        let plan = build(
            &desired,
            &LiveState::default(),
            &PlanOptions::new(false, target),
        )
        .unwrap();
        let secrets = Secrets::new(["acme-secret".to_string()]);
        let (shown, _) = redact::redact(plan, &secrets, &[]);
        let text = render(&shown, Style { color: false });
        assert!(
            text.contains("on sandbox s.json, environment staging (2 waves)"),
            "{text}"
        );
        assert!(
            text.contains("+ binding.business_account = (sensitive)\n"),
            "{text}"
        );
        assert!(!text.contains("acme-secret"), "{text}");
        let md = crate::render::markdown::render(&shown);
        assert!(
            md.contains("binding.business_account: `(sensitive)`"),
            "{md}"
        );
        assert!(!md.contains("acme-secret"), "{md}");
    }
}
