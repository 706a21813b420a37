//! Twins side by side: each copy of a name several live channels share, with its creation
//! time, description and binding, and which copy the plan keeps. A person comparing copies
//! that differ needs them in one place, in the terminal and in the pull request.

use super::gfm::{cell_code, text};
use super::style::Style;
use crate::plan::{Plan, TwinCopy};
use crate::sensitive::shown;
use std::fmt::Write;

/// When the service says the copy was created, for people.
fn created(c: &TwinCopy) -> String {
    c.created
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "not listed".to_string())
}

/// The copy's binding in one line, sensitive values shown as such.
fn binding(c: &TwinCopy) -> String {
    match &c.attrs.binding {
        None => "not bound".to_string(),
        Some(b) => {
            let fields: Vec<String> = b
                .fields()
                .iter()
                .map(|(k, v)| format!("{}={}", crate::model::types::shown_key(k), shown(v)))
                .collect();
            let pending = if c.pending { " (pending review)" } else { "" };
            format!("{}{pending}", fields.join(" "))
        }
    }
}

/// The twins of `plan` for the terminal (empty when there are none).
pub fn terminal(plan: &Plan, style: Style) -> String {
    let mut out = String::new();
    for g in &plan.twins {
        let _ = writeln!(
            out,
            "{} {} live channels are named {}{}:",
            style.yellow("Twins:"),
            g.copies.len(),
            g.name,
            if g.differ {
                " and they differ: compare them before apply deletes one"
            } else {
                ""
            }
        );
        for c in &g.copies {
            let mark = if c.instance_id == g.kept {
                "keep  "
            } else {
                "delete"
            };
            let _ = writeln!(
                out,
                "  {mark} {}  created {}  description {:?}  {}",
                c.instance_id,
                created(c),
                c.attrs.description,
                binding(c)
            );
        }
        out.push('\n');
    }
    out
}

/// The twins of `plan` as a Markdown section (empty when there are none).
pub fn markdown(plan: &Plan) -> String {
    if plan.twins.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n### Twins\n\n");
    for g in &plan.twins {
        let _ = writeln!(
            out,
            "{} live channels are named {}; the plan keeps {} ({}){}:\n",
            g.copies.len(),
            super::gfm::code(&g.name),
            super::gfm::code(&g.kept),
            text(g.keep_because.describe()),
            if g.differ {
                text(". They differ: compare them before apply deletes one")
            } else {
                String::new()
            }
        );
        out.push_str("| copy | | created | description | binding |\n|---|---|---|---|---|\n");
        for c in &g.copies {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell_code(&c.instance_id),
                if c.instance_id == g.kept {
                    "keep"
                } else {
                    "delete"
                },
                created(c),
                cell_code(&c.attrs.description),
                cell_code(&binding(c))
            );
        }
        out.push('\n');
    }
    out
}
