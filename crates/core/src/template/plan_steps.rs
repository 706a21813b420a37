//! How [`super::plan::append`] finds the template steps, space by space (see that module for
//! the rules).

use super::DesiredTemplate;
use super::live::LiveTemplate;
use super::plan::{
    Extra, TemplateChange, TemplateOperation, TemplateOptions, TemplateStatus, action_of, address,
    attrs_of_desired, attrs_of_live, channel_type, content_differs, field_changes,
    properties_differ, review_of,
};
use crate::config::Desired;
use crate::model::{ChannelType, LiveState};
use crate::plan::{Kind, Step};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;

/// One step before it is numbered.
struct Draft {
    change: TemplateChange,
    channel: String,
    space: Option<String>,
    reason: String,
    wave: usize,
    depends_on: Vec<usize>,
    replace: bool,
    /// Runs after the draft before it (a properties change after its template's modify).
    follows: bool,
    protected: bool,
    manual: Option<String>,
}

pub(super) fn append(
    desired: &Desired,
    live: &LiveState,
    options: &TemplateOptions,
    steps: &mut Vec<Step>,
) -> Extra {
    let mut extra = Extra::default();
    let mut drafts: Vec<Draft> = Vec::new();
    // Everything a space needs, indexed once: a file of many channels with templates would
    // otherwise read the whole account, plan and file again for each.
    let managed: HashSet<&str> = desired
        .template_channels
        .iter()
        .map(String::as_str)
        .collect();
    let mut first_live: HashMap<(&str, ChannelType), usize> = HashMap::default();
    for (i, l) in live.channels.iter().enumerate() {
        first_live
            .entry((l.name.as_str(), l.channel_type))
            .or_insert(i);
    }
    // The steps of each managed channel, in plan order.
    let mut steps_of: HashMap<&str, Vec<usize>> = HashMap::default();
    for s in steps.iter() {
        if s.resource.kind == Kind::Channel
            && let Some(name) = managed.get(&*s.resource.key)
        {
            steps_of.entry(*name).or_default().push(s.index);
        }
    }
    let mut wanted_of: HashMap<&str, Vec<&DesiredTemplate>> = HashMap::default();
    for t in &desired.templates {
        wanted_of.entry(t.channel.as_str()).or_default().push(t);
    }
    let mut live_of: HashMap<&str, Vec<&LiveTemplate>> = HashMap::default();
    for t in &live.templates {
        live_of.entry(t.space.as_str()).or_default().push(t);
    }
    for channel in desired
        .channels
        .iter()
        .filter(|c| managed.contains(c.name.as_str()))
    {
        // The live channel of its name and type, else the first of an old name.
        let of_name = |name: &str| first_live.get(&(name, channel.channel_type)).copied();
        let space = of_name(&channel.name)
            .or_else(|| channel.previously.iter().filter_map(|p| of_name(p)).min())
            .map(|i| live.channels[i].id.clone());
        let deps: Vec<usize> = steps_of
            .get(channel.name.as_str())
            .cloned()
            .unwrap_or_default();
        let wave = deps.iter().map(|&i| steps[i].wave + 1).max().unwrap_or(0);
        let wanted: Vec<&DesiredTemplate> = wanted_of
            .get(channel.name.as_str())
            .cloned()
            .unwrap_or_default();
        let live_here: Vec<&LiveTemplate> = match &space {
            Some(id) => live_of.get(id.as_str()).cloned().unwrap_or_default(),
            None => Vec::new(),
        };
        let base = |change: TemplateChange, reason: String| Draft {
            change,
            channel: channel.name.clone(),
            space: space.clone(),
            reason,
            wave,
            depends_on: deps.clone(),
            replace: false,
            follows: false,
            protected: false,
            manual: None,
        };
        for d in &wanted {
            let found = live_here
                .iter()
                .find(|l| l.name == d.name && l.language == d.language);
            let after = attrs_of_desired(d);
            let Some(l) = found else {
                let mut create = base(
                    change(
                        d,
                        TemplateOperation::Create,
                        None,
                        None,
                        Some(after.clone()),
                        None,
                    ),
                    "declared in the file, not in the account".into(),
                );
                // The account holds it, with a category chanctl cannot read: creating it again
                // would be refused (TemplateNameExist), and comparing it is not possible.
                if let Some(u) = space.as_ref().and_then(|id| {
                    live.unread_templates
                        .iter()
                        .find(|u| u.space == *id && u.name == d.name && u.language == d.language)
                }) {
                    create.reason = format!(
                        "the account holds it ({}) with category `{}`, which chanctl does not know",
                        u.code, u.category
                    );
                    create.manual = Some(format!(
                        "template `{}` ({}) exists with category `{}` as the service writes it, \
                         which chanctl cannot compare with the file: change or delete it in the \
                         console, or give this template another name",
                        d.name, d.language, u.category
                    ));
                    drafts.push(create);
                    continue;
                }
                drafts.push(create);
                // A new template can be sent and its category changed (what the reader takes
                // an absent property for): other properties are set once it exists, with the
                // code its create returns.
                if after.allow_send == Some(false) || after.category_change_paused == Some(true) {
                    let fresh = super::plan::TemplateAttrs {
                        allow_send: Some(true),
                        category_change_paused: Some(false),
                        ..after.clone()
                    };
                    let mut set = base(
                        change(
                            d,
                            TemplateOperation::Properties,
                            None,
                            Some(fresh),
                            Some(after),
                            None,
                        ),
                        "properties of the new template; set once it is created".into(),
                    );
                    set.wave = wave + 1;
                    set.follows = true;
                    drafts.push(set);
                }
                continue;
            };
            let before = attrs_of_live(l);
            let review = Some(review_of(l));
            let code = Some(l.code.clone());
            if content_differs(&after, &before) {
                if l.audit_status.modifiable() {
                    let why = match l.audit_status {
                        super::live::AuditStatus::Fail => format!(
                            "content differs; the template was rejected ({}) and is submitted again",
                            l.reason.as_deref().unwrap_or("no reason given")
                        ),
                        _ => "content differs; the template is not approved yet, so it can be modified".into(),
                    };
                    // Modify sends the content only: properties that differ too follow it.
                    let properties = properties_differ(&after, l).then(|| {
                        let mut set = base(
                            change(
                                d,
                                TemplateOperation::Properties,
                                code.clone(),
                                Some(super::plan::TemplateAttrs {
                                    allow_send: Some(l.allow_send),
                                    category_change_paused: Some(l.category_change_paused),
                                    ..after.clone()
                                }),
                                Some(after.clone()),
                                review.clone(),
                            ),
                            "properties differ; set once the content is modified".into(),
                        );
                        set.wave = wave + 1;
                        set.follows = true;
                        set
                    });
                    drafts.push(base(
                        change(
                            d,
                            TemplateOperation::Modify,
                            code,
                            Some(before),
                            Some(after),
                            review,
                        ),
                        why,
                    ));
                    drafts.extend(properties);
                } else if options.replace.contains(&d.name) {
                    extra.warnings.push(format!(
                        "template `{}` ({}) is replaced: it is deleted and created again, and its review starts over; until the new one is approved it cannot be sent. Meta may refuse a deleted approved name for a while (WhatsApp Business Management API, message templates: a deleted template's name cannot be reused for 30 days)",
                        d.name, d.language
                    ));
                    let mut delete = base(
                        change(d, TemplateOperation::Delete, code, Some(before.clone()), None, review.clone()),
                        "--replace: an approved template cannot be modified, so it is deleted first".into(),
                    );
                    delete.replace = true;
                    delete.protected = d.protect;
                    drafts.push(delete);
                    let mut create = base(
                        change(d, TemplateOperation::Create, None, None, Some(after), None),
                        "--replace: created again with the file's content; the review starts over"
                            .into(),
                    );
                    create.replace = true;
                    create.wave = wave + 1;
                    drafts.push(create);
                } else {
                    let why = format!(
                        "template `{name}` ({lang}) is approved, and an approved template cannot be modified. Either give it a new name in the file with `previously: [{name}]` (the new one is created and reviewed; `{name}` is deleted once the new one is approved), or run with `--replace {name}` to delete and re-create it (its review starts over)",
                        name = d.name,
                        lang = d.language
                    );
                    let mut refused = base(
                        change(
                            d,
                            TemplateOperation::Modify,
                            code,
                            Some(before),
                            Some(after),
                            review,
                        ),
                        "content differs from the approved template".into(),
                    );
                    refused.manual = Some(why);
                    drafts.push(refused);
                }
            } else if properties_differ(&after, l) {
                drafts.push(base(
                    change(
                        d,
                        TemplateOperation::Properties,
                        code,
                        Some(before),
                        Some(after),
                        review,
                    ),
                    "properties differ".into(),
                ));
            } else {
                extra.statuses.push(TemplateStatus {
                    key: d.key(),
                    code: l.code.clone(),
                    review: review_of(l),
                });
            }
        }
        // Old names, retired once the template under its new name is approved.
        let mut retired: Vec<&str> = Vec::new();
        for d in &wanted {
            for old in &d.previously {
                let Some(l) = live_here
                    .iter()
                    .find(|l| l.name == *old && l.language == d.language)
                else {
                    continue;
                };
                retired.push(&l.code);
                let approved = live_here.iter().any(|n| {
                    n.name == d.name
                        && n.language == d.language
                        && n.audit_status == super::live::AuditStatus::Pass
                });
                if approved {
                    let mut delete = base(
                        change_of_live(l, TemplateOperation::Delete),
                        format!("retired: `{}` replaces it and is approved", d.name),
                    );
                    delete.protected = d.protect;
                    drafts.push(delete);
                } else {
                    extra.warnings.push(format!(
                        "template `{old}` ({}) is kept until `{}` is approved; the plan after that deletes it",
                        d.language, d.name
                    ));
                }
            }
        }
        for l in &live_here {
            let declared = wanted
                .iter()
                .any(|d| d.name == l.name && d.language == l.language);
            if declared || retired.contains(&l.code.as_str()) {
                continue;
            }
            if options.prune {
                // Undeclared, it has no `protect` of its own: its channel's holds it back.
                let mut delete = base(
                    change_of_live(l, TemplateOperation::Delete),
                    "not declared in the file (prune)".into(),
                );
                delete.protected = channel.protect;
                drafts.push(delete);
            } else {
                extra
                    .unmanaged
                    .push(super::key(&channel.name, &l.name, &l.language));
            }
        }
    }
    // Number the drafts after the channel steps; a replacement's create follows its delete, and
    // a properties change its template's modify.
    let first = steps.len();
    for (k, d) in drafts.into_iter().enumerate() {
        let index = first + k;
        let mut depends_on = d.depends_on;
        if d.follows || (d.replace && d.change.operation == TemplateOperation::Create) {
            depends_on.push(index - 1);
        }
        let key = super::key(&d.channel, &d.change.name, &d.change.language);
        steps.push(Step {
            index,
            action: action_of(d.change.operation),
            resource: address(key),
            channel: d.channel.into(),
            channel_type: channel_type(d.change.template_type),
            instance_id: d.space,
            changes: field_changes(d.change.before.as_ref(), d.change.after.as_ref()),
            before: None,
            after: None,
            reason: Cow::Owned(d.reason),
            wave: d.wave,
            depends_on,
            replace: d.replace,
            protected: d.protected,
            manual: d.manual,
            twin: None,
            template: Some(Box::new(d.change)),
        });
    }
    extra
}

fn change(
    d: &DesiredTemplate,
    operation: TemplateOperation,
    code: Option<String>,
    before: Option<super::plan::TemplateAttrs>,
    after: Option<super::plan::TemplateAttrs>,
    review: Option<super::plan::ReviewState>,
) -> TemplateChange {
    TemplateChange {
        name: d.name.clone(),
        language: d.language.clone(),
        template_type: d.template_type,
        operation,
        code,
        before,
        after,
        review,
    }
}

fn change_of_live(l: &LiveTemplate, operation: TemplateOperation) -> TemplateChange {
    TemplateChange {
        name: l.name.clone(),
        language: l.language.clone(),
        template_type: l.template_type,
        operation,
        code: Some(l.code.clone()),
        before: Some(attrs_of_live(l)),
        after: None,
        review: Some(review_of(l)),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::ChannelType;
    use crate::plan::{PlanOptions, Target};
    use crate::rules::Account;
    use crate::template::TemplateType;
    use crate::template::live::UnreadTemplate;

    const FILE: &str = "version: 1\nchannels:\n  - name: wa\n    type: whatsapp\n    templates:\n      - name: promo\n        category: MARKETING\n        language: en_US\n        components: {body: \"Hi\"}\n      - name: other\n        category: MARKETING\n        language: en_US\n        components: {body: \"Hi\"}\n";

    /// A live template of a category chanctl does not know blocks neither the plan nor the
    /// other templates; declaring it is a manual step, not a create the service would refuse.
    #[test]
    fn a_live_template_of_an_unknown_category_is_not_created_again() {
        let desired = crate::config::load(FILE).unwrap();
        let mut account = Account::new(10);
        let space = crate::rules::tests::create_of(&mut account, "wa", ChannelType::Whatsapp);
        let mut live = account.snapshot();
        live.unread_templates.push(UnreadTemplate {
            code: "tpl-9".into(),
            space,
            template_type: TemplateType::Whatsapp,
            name: "promo".into(),
            language: "en_US".into(),
            category: "text_button".into(),
        });
        let target = Target {
            backend: "sandbox".into(),
            account: "test".into(),
        };
        let plan = crate::plan::build(&desired, &live, &PlanOptions::new(false, target)).unwrap();
        let of = |name: &str| {
            plan.steps
                .iter()
                .find(|s| s.template.as_ref().is_some_and(|t| t.name == name))
                .unwrap()
        };
        let promo = of("promo");
        assert!(
            promo
                .manual
                .as_deref()
                .is_some_and(|m| m.contains("category `text_button`")),
            "{promo:?}"
        );
        assert!(promo.reason.contains("tpl-9"), "{}", promo.reason);
        assert_eq!(of("other").manual, None);
        // Without the file declaring it, nothing is planned for it.
        live.unread_templates[0].name = "elsewhere".into();
        let target = Target {
            backend: "sandbox".into(),
            account: "test".into(),
        };
        let plan = crate::plan::build(&desired, &live, &PlanOptions::new(false, target)).unwrap();
        assert!(plan.steps.iter().all(|s| s.manual.is_none()));
    }
}
