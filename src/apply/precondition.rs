//! Whether a step of a saved plan still finds the account as the plan saw it: checked
//! before each step when apply re-reads the account between waves.

use crate::model::{LiveChannel, LiveState, Resource};
use crate::plan::{Action, Step};
use std::collections::HashMap;

/// An account as re-read before a wave, indexed once for all the wave's steps: a wave of
/// thousands of binds would otherwise look through every channel's resources for each.
pub struct Reread {
    pub live: LiveState,
    /// Channel positions by instance id and by name (the first of a name).
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    /// The channels holding each resource, in the account's order.
    holders: HashMap<Resource, Vec<usize>>,
}

impl Reread {
    pub fn new(live: LiveState) -> Self {
        let mut by_id = HashMap::with_capacity(live.channels.len());
        let mut by_name = HashMap::with_capacity(live.channels.len());
        let mut holders: HashMap<Resource, Vec<usize>> = HashMap::new();
        for (i, c) in live.channels.iter().enumerate() {
            by_id.entry(c.id.clone()).or_insert(i);
            by_name.entry(c.name.clone()).or_insert(i);
            for r in c
                .binding
                .as_ref()
                .map(|b| b.resources())
                .unwrap_or_default()
            {
                holders.entry(r).or_default().push(i);
            }
        }
        Reread {
            live,
            by_id,
            by_name,
            holders,
        }
    }

    fn by_id(&self, id: &str) -> Option<&LiveChannel> {
        self.by_id.get(id).map(|&i| &self.live.channels[i])
    }

    fn by_name(&self, name: &str) -> Option<&LiveChannel> {
        self.by_name.get(name).map(|&i| &self.live.channels[i])
    }

    /// The first channel holding `r` other than the one of id `own`.
    fn holder(&self, r: &Resource, own: Option<&str>) -> Option<&LiveChannel> {
        self.holders
            .get(r)?
            .iter()
            .map(|&i| &self.live.channels[i])
            .find(|c| Some(c.id.as_str()) != own)
    }
}

/// Whether `step` still finds the account as the plan saw it: its channel as it was, no
/// other channel of the name it creates, and the resources it takes free.
pub fn precondition(step: &Step, id: Option<&str>, account: &Reread) -> Result<(), String> {
    if step.template.is_some() {
        return template_precondition(step, id, account);
    }
    let sensitive = |s: &str| s.starts_with("(sensitive)");
    let same = |a: &Option<crate::model::Binding>, b: &Option<crate::model::Binding>| match (a, b) {
        // A WhatsApp binding's numbers compared in the same form and order.
        (Some(a), Some(b)) => {
            let (a, b) = (a.fields(), b.in_form_of(a));
            let b = b.fields();
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((_, x), (_, y))| x == &y || sensitive(x) || sensitive(y))
        }
        (a, b) => a.is_none() == b.is_none(),
    };
    let current = id.and_then(|id| account.by_id(id));
    match (step.action, current, &step.before) {
        (Action::Create, _, _) => {
            if let Some(c) = account.by_name(&step.channel) {
                return Err(format!(
                    "a channel named `{}` exists already ({})",
                    c.name, c.id
                ));
            }
        }
        (_, None, _) if step.instance_id.is_some() => {
            return Err(format!("channel `{}` no longer exists", step.channel));
        }
        (_, Some(c), Some(before))
            if *c.name != *before.name
                || *c.description != *before.description
                || !same(&c.binding, &before.binding) =>
        {
            return Err(format!(
                "channel `{}` changed since the plan was made",
                before.name
            ));
        }
        _ => {}
    }
    if matches!(step.action, Action::Bind | Action::Rebind) {
        let wanted = step.after.as_ref().and_then(|a| a.binding.as_ref());
        for r in wanted.map(|b| b.resources()).unwrap_or_default() {
            if let Some(holder) = account.holder(&r, id) {
                return Err(format!(
                    "{r} is now bound to `{}` ({})",
                    holder.name, holder.id
                ));
            }
        }
    }
    Ok(())
}

/// Whether a template step still finds its space and template as the plan saw them.
fn template_precondition(step: &Step, id: Option<&str>, account: &Reread) -> Result<(), String> {
    let Some(t) = &step.template else {
        return Ok(());
    };
    if step.instance_id.is_some() && id.and_then(|id| account.by_id(id)).is_none() {
        return Err(format!("channel `{}` no longer exists", step.channel));
    }
    let found = account
        .live
        .templates
        .iter()
        .find(|l| Some(l.space.as_str()) == id && l.name == t.name && l.language == t.language);
    match (&t.code, found) {
        // A create finds none; a step that follows a create in the same apply finds it.
        (None, Some(l))
            if !step.replace && t.operation == crate::template::plan::TemplateOperation::Create =>
        {
            Err(format!(
                "a template named `{}` in `{}` exists already ({})",
                t.name, t.language, l.code
            ))
        }
        (Some(code), None) => Err(format!("template {code} no longer exists")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::{Reread, precondition};
    use crate::model::{Binding, ChannelType, LiveChannel, LiveState, WhatsappBinding};

    fn live(numbers: &[&str]) -> LiveState {
        LiveState::new(vec![LiveChannel {
            binding: Some(Binding::whatsapp(WhatsappBinding::with_numbers(
                "5001".into(),
                numbers.iter().map(|n| (n.to_string(), None)).collect(),
            ))),
            ..LiveChannel::new("cams-1", "shop", ChannelType::Whatsapp)
        }])
    }

    #[test]
    fn a_whatsapp_binding_is_the_same_in_another_order_and_form() {
        let src = "version: 1\nchannels:\n  - name: shop\n    type: whatsapp\n    binding:\n      \
                   waba_id: \"5001\"\n      phone_numbers:\n        - phone_number: \"+6588005678\"\n";
        let desired = crate::config::load(src).unwrap();
        let account = live(&["+6588001234", "+6588005678"]);
        let target = crate::plan::Target {
            backend: "sandbox".into(),
            account: "x".into(),
        };
        let options = crate::plan::PlanOptions::new(false, target);
        let plan = crate::plan::build(&desired, &account, &options).unwrap();
        let step = &plan.steps[0];
        // The plan shows the live numbers in the file's order; the account lists them in its own.
        let reread = |live: &LiveState| Reread::new(live.clone());
        // The number it keeps is held by the channel itself, not by another.
        assert_eq!(step.action, crate::plan::Action::Rebind);
        assert!(precondition(step, Some("cams-1"), &reread(&account)).is_ok());
        let gone = precondition(step, Some("cams-1"), &reread(&LiveState::new(Vec::new())));
        assert_eq!(gone.unwrap_err(), "channel `shop` no longer exists");
        let why = precondition(step, Some("cams-1"), &reread(&live(&["+6588005678"]))).unwrap_err();
        assert!(!why.is_empty());
        let why = precondition(
            step,
            Some("cams-1"),
            &reread(&live(&["+6588001234", "+6588009999"])),
        );
        assert!(why.is_err());
    }
}
