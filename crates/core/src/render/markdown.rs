//! The plan as Markdown for a pull-request comment: the summary first, a table of steps,
//! details in `<details>`, unmanaged channels and warnings. Never longer than a comment may
//! be: on overflow, rows are left out and a note says how many. Every value is shown exactly,
//! in a code span or the fenced diff block, as [`super::gfm`] writes it.

use super::gfm::{cell_code, code, fence, text, visible};
use super::plural;
use crate::plan::{Action, Plan, Rule, Step};
use crate::sensitive::shown;
use std::fmt::Write;

/// The most characters a pull-request comment may hold.
pub const MAX_CHARS: usize = 65_535;

/// Render `plan` as Markdown of at most [`MAX_CHARS`] characters.
pub fn render(plan: &Plan) -> String {
    render_with_limit(plan, MAX_CHARS)
}

pub fn render_with_limit(plan: &Plan, limit: usize) -> String {
    let mut head = String::new();
    let environment = plan
        .environment
        .as_ref()
        .map(|e| format!(" · environment {}", code(e)))
        .unwrap_or_default();
    if plan.is_empty() {
        match &plan.environment {
            Some(e) => {
                let _ = writeln!(
                    head,
                    "**No changes.** The account matches the file (environment {}).",
                    code(e)
                );
            }
            None => head.push_str("**No changes.** The account matches the file.\n"),
        }
    } else {
        let _ = writeln!(head, "**{}**\n", text(&plan.summary.line()));
        let (steps, waves) = (plan.steps.len(), plan.waves());
        let _ = writeln!(
            head,
            "Target: {} {}{environment} · {steps} {} in {waves} {}\n",
            code(&plan.target.backend),
            code(&plan.target.account),
            plural(steps, "step", "steps"),
            plural(waves, "wave", "waves"),
        );
        if let Some(b) = plan.api_budget.as_ref().filter(|b| b.calls > 0) {
            let _ = writeln!(head, "{}\n", super::budget::api_calls(b));
        }
    }

    let mut tail = String::new();
    let blocks = plan.blocks();
    if !blocks.is_empty() || !plan.warnings.is_empty() {
        tail.push_str("\n### Warnings\n\n");
        for b in &blocks {
            match b.rule {
                Rule::Protect => {
                    for s in b.steps.iter().filter_map(|i| plan.steps.get(*i)) {
                        let _ = writeln!(
                            tail,
                            "- :warning: {} {} touches a protected channel: apply refuses it without `--force`",
                            s.action.as_str(),
                            code(&s.subject())
                        );
                    }
                }
                Rule::MaxChangePercent | Rule::UnprovenTwin => {
                    let _ = writeln!(
                        tail,
                        "- :no_entry: **Blocked by a safety rule:** {}; apply refuses it without `--force`",
                        text(&b.message)
                    );
                }
            }
        }
        // A warning names channels and patterns from the file: shown whole as written.
        for w in &plan.warnings {
            let _ = writeln!(tail, "- {}", code(w));
        }
    }
    tail.push_str(&super::twins::markdown(plan));
    if !plan.unmanaged.is_empty() {
        let n = plan.unmanaged.len();
        let _ = writeln!(
            tail,
            "\n### Unmanaged channels\n\n{n} live {} {} not in the file and {} left alone (`--prune` deletes {}):\n",
            plural(n, "channel", "channels"),
            plural(n, "is", "are"),
            plural(n, "is", "are"),
            plural(n, "it", "them"),
        );
        for u in &plan.unmanaged {
            let _ = writeln!(
                tail,
                "- {} ({}, {})",
                code(&u.name),
                u.channel_type,
                code(&u.instance_id)
            );
        }
    }

    let templates = super::templates::status_lines(plan);
    if !templates.is_empty() {
        tail.push_str("\n### Templates\n\n");
        for line in &templates {
            let _ = writeln!(tail, "- {}", code(line));
        }
    }
    if plan.is_empty() {
        return fit(head + &tail, limit);
    }

    let table_head =
        "| # | | action | channel | type | changes | reason |\n|---:|---|---|---|---|---|---|\n";
    let rows: Vec<String> = plan.steps.iter().map(row).collect();
    let details: Vec<String> = plan.steps.iter().map(detail).collect();

    // Budget: everything but rows and details is fixed; rows come first, then details.
    let note_room = 200;
    let fixed = head.chars().count() + table_head.len() + tail.chars().count() + note_room;
    let mut budget = limit.saturating_sub(fixed);
    let mut shown_rows = 0;
    for r in &rows {
        let n = r.chars().count();
        if n > budget {
            break;
        }
        budget -= n;
        shown_rows += 1;
    }
    // No line of the diff can close its fence: the fence is longer than any backtick run.
    let fence = details
        .iter()
        .map(|d| fence(d))
        .max_by_key(String::len)
        .unwrap_or_else(|| fence(""));
    let details_open = format!("\n<details><summary>Details</summary>\n\n{fence}diff\n");
    let details_close = format!("{fence}\n\n</details>\n");
    let mut shown_details = 0;
    if shown_rows == rows.len() && budget > details_open.len() + details_close.len() {
        budget -= details_open.len() + details_close.len();
        for d in &details {
            let n = d.chars().count();
            if n > budget {
                break;
            }
            budget -= n;
            shown_details += 1;
        }
    }

    let mut out = head;
    out.push_str(table_head);
    for r in &rows[..shown_rows] {
        out.push_str(r);
    }
    if shown_rows < rows.len() {
        let left_out = rows.len() - shown_rows;
        let _ = writeln!(
            out,
            "\n> **Truncated:** {left_out} of {} {} {} not shown (the comment limit is {limit} characters). The full plan is in the JSON plan file (`chanctl plan --out plan.json`).",
            rows.len(),
            plural(rows.len(), "step", "steps"),
            plural(left_out, "is", "are"),
        );
    }
    if shown_details > 0 {
        out.push_str(&details_open);
        for d in &details[..shown_details] {
            out.push_str(d);
        }
        if shown_details < details.len() {
            let left_out = details.len() - shown_details;
            let _ = writeln!(
                out,
                "# … details of {left_out} more {} left out",
                plural(left_out, "step", "steps")
            );
        }
        out.push_str(&details_close);
    }
    out.push_str(&tail);
    fit(out, limit)
}

fn row(s: &Step) -> String {
    let changes: Vec<String> = s
        .changes
        .iter()
        .map(|c| match (&c.before, &c.after) {
            (None, Some(a)) => format!("{}: {}", text(&c.field), cell_code(shown(a))),
            (Some(b), None) => format!("{}: ~~{}~~", text(&c.field), cell_code(shown(b))),
            (Some(b), Some(a)) => format!(
                "{}: {} → {}",
                text(&c.field),
                cell_code(shown(b)),
                cell_code(shown(a))
            ),
            (None, None) => String::new(),
        })
        .collect();
    format!(
        "| {} | {} | {}{} | {} | {} | {} | {} |\n",
        s.index + 1,
        emoji(s.action),
        s.action.as_str(),
        if s.replace { " (replace)" } else { "" },
        cell_code(&super::templates::subject(s).unwrap_or_else(|| s.channel.to_string())),
        s.channel_type,
        changes.join("<br>"),
        {
            let reason = match super::templates::step_review(s) {
                Some(review) => format!("{} ({})", text(&s.reason), text(&review)),
                None => text(&s.reason),
            };
            match &s.manual {
                Some(why) => format!("{reason} — **manual step:** {}", text(why)),
                None => reason,
            }
        }
    )
}

fn detail(s: &Step) -> String {
    let sign = match s.action {
        Action::Create | Action::Bind => "+",
        Action::Delete | Action::Unbind => "-",
        Action::Update | Action::Rebind => "!",
    };
    // One line per value: no value can start a line of the block, so none can close it.
    let mut out = format!(
        "{sign} {} {} ({})\n",
        s.action.as_str(),
        visible(&super::templates::subject(s).unwrap_or_else(|| s.channel.to_string())),
        s.channel_type
    );
    for c in &s.changes {
        if let Some(b) = &c.before {
            let _ = writeln!(out, "-     {}: {}", c.field, visible(shown(b)));
        }
        if let Some(a) = &c.after {
            let _ = writeln!(out, "+     {}: {}", c.field, visible(shown(a)));
        }
    }
    out
}

fn emoji(a: Action) -> &'static str {
    match a {
        Action::Create => ":heavy_plus_sign:",
        Action::Update => ":pencil2:",
        Action::Bind => ":link:",
        Action::Rebind => ":repeat:",
        Action::Unbind => ":scissors:",
        Action::Delete => ":x:",
    }
}

/// A last guard: cut at a character boundary if the estimate was off.
fn fit(s: String, limit: usize) -> String {
    if s.chars().count() <= limit {
        return s;
    }
    let note = "\n\n> **Truncated** to fit the comment limit.\n";
    let keep = limit.saturating_sub(note.chars().count());
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(note);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Desired, DesiredChannel};
    use crate::model::{Binding, ChannelType, MessengerBinding};

    fn plan_of(n: usize) -> Plan {
        let desired = Desired {
            quota: n as u32,
            prune: false,
            channels: (0..n)
                .map(|i| DesiredChannel {
                    profile: Default::default(),
                    name: format!("channel-{i:05}"),
                    channel_type: ChannelType::Messenger,
                    description: "A channel with a description long enough to take room".into(),
                    binding: Some(Binding::Messenger(MessengerBinding {
                        page_id: format!("{}", 100_000 + i),
                    })),
                    protect: false,
                    previously: vec![],
                })
                .collect(),
            ..Desired::default()
        };
        crate::plan::plan_from_nothing(&desired)
    }

    #[test]
    fn a_large_plan_is_truncated_under_the_comment_limit() {
        let plan = plan_of(2_000);
        let md = render(&plan);
        assert!(
            md.chars().count() <= MAX_CHARS,
            "{} chars",
            md.chars().count()
        );
        assert!(md.starts_with("**Plan: 2000 to create"));
        assert!(md.contains("**Truncated:**"), "no truncation note");
        assert!(md.contains("of 4000 steps are not shown"));
    }

    #[test]
    fn a_small_plan_is_whole() {
        let md = render(&plan_of(3));
        assert!(!md.contains("Truncated"));
        assert!(md.contains("<details>"));
        assert_eq!(md.matches("| create |").count(), 3);
    }
}
