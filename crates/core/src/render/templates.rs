//! What the renderers say of templates: a template step's heading (name, language, channel,
//! review), and the review of every managed template the plan leaves alone, with the
//! templates the file does not declare.

use crate::plan::{Plan, Step};
use crate::template::live::AuditStatus;
use crate::template::plan::{ReviewState, TemplateOperation};

/// `template order_update (en_US) in wa-main`, for a template step.
pub fn subject(step: &Step) -> Option<String> {
    let t = step.template.as_ref()?;
    Some(format!(
        "template {} ({}) in {}",
        t.name, t.language, step.channel
    ))
}

/// What a template step does, as a verb phrase.
pub fn verb(step: &Step) -> Option<&'static str> {
    Some(match step.template.as_ref()?.operation {
        TemplateOperation::Create => "will be created",
        TemplateOperation::Modify if step.manual.is_some() => "cannot be modified",
        TemplateOperation::Modify => "will be modified",
        TemplateOperation::Delete => "will be deleted",
        TemplateOperation::Properties => "will have its properties changed",
    })
}

/// `pass, quality GREEN` or `fail: the reason`.
pub fn review(r: &ReviewState) -> String {
    let mut s = r.audit_status.as_str().to_string();
    if let Some(reason) = &r.reason {
        s.push_str(&format!(": {reason}"));
    }
    if let Some(q) = r.quality {
        s.push_str(&format!(", quality {}", q.as_str()));
    }
    s
}

/// The review line of a template step, when the template is live.
pub fn step_review(step: &Step) -> Option<String> {
    step.template
        .as_ref()?
        .review
        .as_ref()
        .map(|r| format!("review: {}", review(r)))
}

/// Lines on the managed templates the plan leaves alone (their review) and on live templates
/// the file does not declare; empty when there are none.
pub fn status_lines(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for t in &plan.templates {
        let mark = if t.review.audit_status == AuditStatus::Fail {
            "rejected, drift: change it in the file to submit it again; "
        } else {
            ""
        };
        out.push(format!(
            "template {} ({}): {mark}review {}",
            t.key,
            t.code,
            review(&t.review)
        ));
    }
    for key in &plan.unmanaged_templates {
        out.push(format!(
            "template {key}: not in the file, left alone (--prune deletes it)"
        ));
    }
    out
}

/// For the steps replacing one template (a delete and a create), the fields that differ
/// from the old template to the new; `None` for a channel's replacement.
pub fn replacement_changes(parts: &[&Step]) -> Option<Vec<crate::plan::FieldChange>> {
    let of = |op: TemplateOperation| {
        parts
            .iter()
            .filter_map(|s| s.template.as_ref())
            .find(|t| t.operation == op)
    };
    let before = of(TemplateOperation::Delete)?.before.as_ref();
    let after = of(TemplateOperation::Create)?.after.as_ref();
    Some(crate::template::plan::field_changes(before, after))
}

/// Whether a field of a template step holds text worth a word diff.
pub fn is_text(field: &str) -> bool {
    field.ends_with("body") || field.ends_with("text") || field == "components.footer"
}
