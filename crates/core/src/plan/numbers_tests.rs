//! A WhatsApp channel with several numbers, through load, plan, redaction and export: the
//! list form's keys as plan fields, a one-entry list that is no change from the single form,
//! adding numbers (not destructive) and releasing one (destructive, refused when protected).

use crate::config::load::{LoadOptions, load, load_with};
use crate::model::{Binding, ChannelType, LiveChannel, LiveState, WhatsappBinding};
use crate::plan::{Action, Plan, PlanOptions, Target, build};

fn live(numbers: &[&str]) -> LiveState {
    LiveState::new(vec![LiveChannel {
        binding: Some(Binding::whatsapp(WhatsappBinding::with_numbers(
            "5001".into(),
            numbers.iter().map(|n| (n.to_string(), None)).collect(),
        ))),
        ..LiveChannel::new("cams-1", "shop-wa", ChannelType::Whatsapp)
    }])
}

fn plan(src: &str, live: &LiveState) -> Plan {
    let desired = load(src).unwrap_or_else(|d| panic!("{src}\n{d:#?}"));
    let target = Target {
        backend: "sandbox".into(),
        account: "x".into(),
    };
    build(&desired, live, &PlanOptions::new(false, target)).expect("a plan")
}

fn file(binding: &str, protect: bool) -> String {
    format!(
        "version: 1\nchannels:\n  - name: shop-wa\n    type: whatsapp\n    protect: {protect}\n    \
         binding:\n{binding}"
    )
}

const TWO: &str = "      waba_id: \"5001\"\n      phone_numbers:\n        - phone_number: \"+6588001234\"\n        - phone_number: \"+6588005678\"\n          verified_name: Example Shop\n";

#[test]
fn a_one_entry_list_is_no_change_from_the_single_form() {
    let src = file(
        "      waba_id: \"5001\"\n      phone_numbers:\n        - phone_number: \"+6588001234\"\n",
        false,
    );
    assert!(plan(&src, &live(&["+6588001234"])).steps.is_empty());
    let src = file(
        "      waba_id: \"5001\"\n      phone_number: \"+6588005678\"\n",
        false,
    );
    let p = plan(&src, &live(&["+6588001234", "+6588005678"]));
    assert_eq!(p.steps.len(), 1, "the other verified number is released");
}

#[test]
fn adding_a_number_is_a_rebind_that_takes_nothing_away() {
    let p = plan(&file(TWO, true), &live(&["+6588001234"]));
    assert_eq!(p.steps.len(), 1, "{:#?}", p.steps);
    let step = &p.steps[0];
    assert_eq!(step.action, Action::Rebind);
    assert!(
        !step.protected,
        "adding a number to a protected channel is allowed"
    );
    assert!(p.blocked_by.is_empty(), "{:?}", p.blocked_by);
    assert!(step.manual.is_none());
    let fields: Vec<&str> = step.changes.iter().map(|c| c.field.as_ref()).collect();
    assert_eq!(
        fields,
        [
            "binding.phone_numbers[1].phone_number",
            "binding.phone_numbers[1].verified_name",
        ],
        "the live binding is shown in the file's form"
    );
    assert!(
        step.reason
            .contains("adds numbers to the WhatsApp Business account: +6588005678 registered"),
        "{}",
        step.reason
    );
}

#[test]
fn releasing_a_number_is_destructive_and_refused_when_protected() {
    let src = file(
        "      waba_id: \"5001\"\n      phone_numbers:\n        - phone_number: \"+6588005678\"\n        - phone_number: \"+6588009999\"\n          verified_name: Example Shop\n",
        true,
    );
    let p = plan(&src, &live(&["+6588001234", "+6588005678"]));
    assert_eq!(p.steps.len(), 1);
    assert!(p.steps[0].protected);
    assert!(!p.blocked_by.is_empty());
    assert!(
        p.steps[0]
            .reason
            .contains("+6588001234 released (deregistered), +6588009999 registered"),
        "{}",
        p.steps[0].reason
    );
}

#[test]
fn a_sensitive_variable_in_a_list_entry_is_found_and_redacted() {
    let src = "version: 1\nvariables:\n  SECOND: {}\nchannels:\n  - name: shop-wa\n    type: whatsapp\n    binding:\n      waba_id: \"5001\"\n      phone_numbers:\n        - phone_number: \"+6588001234\"\n        - phone_number: \"${SECOND}\"\n";
    let vars = |name: &str| (name == "SECOND").then(|| "+6588005678".to_string());
    let desired = load_with(
        src,
        &LoadOptions {
            environment: None,
            vars: &vars,
            credentials: &[],
        },
    )
    .unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(desired.sensitive.len(), 1, "{:?}", desired.sensitive);
    assert_eq!(desired.sensitive[0].field, "phone_numbers/1/phone_number");
    let target = Target {
        backend: "sandbox".into(),
        account: "x".into(),
    };
    let p = build(
        &desired,
        &live(&["+6588001234"]),
        &PlanOptions::new(false, target),
    )
    .unwrap();
    let secrets = crate::sensitive::Secrets::new(desired.sensitive_values());
    let (shown, _) = crate::plan::redact::redact(p, &secrets, &desired.sensitive);
    let json = serde_json::to_string(&shown).unwrap();
    assert!(!json.contains("+6588005678"), "{json}");
    assert!(
        json.contains("+6588001234"),
        "the other number is not sensitive"
    );
    let (back, _) = crate::plan::redact::restore(shown, &secrets).expect("restored");
    assert!(
        serde_json::to_string(&back)
            .unwrap()
            .contains("+6588005678")
    );
}

#[test]
fn an_export_of_several_numbers_loads_back_and_plans_nothing() {
    let state = live(&["+6588001234", "+6588005678"]);
    let yaml = crate::render::export::to_yaml(&state, 100, "x.json").unwrap();
    assert!(
        yaml.contains(
            "      phone_numbers:\n        - phone_number: \"+6588001234\"\n        - phone_number: \"+6588005678\"\n"
        ),
        "{yaml}"
    );
    let p = plan(&yaml, &state);
    assert!(p.steps.is_empty(), "{:#?}", p.steps);
}
