//! What the emulator puts under review, over real HTTP: template reviews (approved, rejected
//! or left pending as its flags say, and a modify refused while one is pending), and a Viber
//! application that stays pending with its service state shown as written. Apart from the
//! operations and envelope tests (mod.rs) as reviews are the service's slow, asynchronous side.

use super::*;

/// The template review is driven by flags: held reviews stay `auditing` (and may be
/// modified), a name given to --template-reject fails with its reason (and may be modified,
/// which starts a new review), an approved template is not modified in place.
#[tokio::test]
async fn template_reviews_follow_the_flags_and_gate_modify() {
    let emu = start(&[
        "--template-review",
        "hold",
        "--template-reject",
        "promo=Promotional content in a utility template",
    ]);
    let c = client(&emu);
    let space = create(&c, "tpl", "whatsapp").await;
    let body = r#"[{"Type":"BODY","Text":"Hi {{1}}"}]"#;
    let make = |name: &str| {
        format!(
            "CustSpaceId={space}&TemplateType=WHATSAPP&Name={name}&Language=en&Category=UTILITY&Components={body}"
        )
    };
    let held = c.ok("CreateChatappTemplate", &make("held")).await;
    let held_code = held["Data"]["TemplateCode"].as_str().unwrap().to_string();
    c.ok("CreateChatappTemplate", &make("promo")).await;
    let list = c
        .ok("ListChatappTemplate", &format!("CustSpaceId={space}"))
        .await;
    let status = |name: &str| {
        let rows = list["ListTemplate"].as_array().unwrap();
        let row = rows.iter().find(|r| r["TemplateName"] == name).unwrap();
        (
            row["AuditStatus"].as_str().unwrap().to_string(),
            row["Reason"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(status("held").0, "auditing");
    assert_eq!(
        status("promo"),
        (
            "fail".into(),
            "Promotional content in a utility template".into()
        )
    );
    let modify = |code_or_name: &str| {
        format!(
            "CustSpaceId={space}&TemplateType=WHATSAPP&{code_or_name}&Language=en&Components={body}"
        )
    };
    c.ok(
        "ModifyChatappTemplate",
        &modify(&format!("TemplateCode={held_code}")),
    )
    .await;
    c.ok("ModifyChatappTemplate", &modify("TemplateName=promo"))
        .await;
    c.no(
        "CreateChatappTemplate",
        &make("held"),
        "400 InvalidParameter.TemplateNameExist",
    )
    .await;
    c.no(
        "DeleteChatappTemplate",
        &format!("CustSpaceId={space}&TemplateType=WHATSAPP&TemplateName=nothing"),
        "404 DelError.TemplateNotExist",
    )
    .await;

    // Approved at once: modify is refused.
    let emu = start(&[]);
    let c = client(&emu);
    let space = create(&c, "tpl", "whatsapp").await;
    let made = c
        .ok(
            "CreateChatappTemplate",
            &format!("CustSpaceId={space}&TemplateType=WHATSAPP&Name=ok&Language=en&Category=UTILITY&Components={body}"),
        )
        .await;
    let code = made["Data"]["TemplateCode"].as_str().unwrap().to_string();
    let detail = c
        .ok(
            "GetChatappTemplateDetail",
            &format!("CustSpaceId={space}&Language=en&TemplateCode={code}"),
        )
        .await;
    assert_eq!(detail["Data"]["AuditStatus"], "pass");
    c.no(
        "ModifyChatappTemplate",
        &format!("CustSpaceId={space}&TemplateType=WHATSAPP&TemplateCode={code}&Language=en&Components={body}"),
        "400 OperationDenied.TemplateApproved",
    )
    .await;
}

/// A Viber application through the binary: pending while the emulator lists it as not
/// audited; once the audit passes, bound, with the service's state shown as written.
#[tokio::test]
async fn a_viber_application_is_pending_then_its_service_state_is_shown_as_written() {
    let emu = start(&["--viber-service-state", "stop"]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = "version: 1\nchannels:\n  - name: v\n    type: viber\n    binding: {business_account: acme}\n";
    std::fs::write(dir.join("channels.yaml"), file).unwrap();
    let run = |args: &[&str]| {
        crate::common::chanctl_with_keys(dir, KEY_ID, SECRET)
            .args(args)
            .args(["--backend", "cams", "--endpoint", &emu.url])
            .output()
            .unwrap()
    };
    let out = run(&["apply", "--auto-approve"]);
    assert!(out.status.success(), "{}", crate::common::text(&out));
    let out = run(&["plan", "--detailed-exitcode"]);
    let text = crate::common::text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("`v` is pending review"), "{text}");
    assert!(!text.contains("in state"), "{text}");
    // The audit passes.
    let c = client(&emu);
    let (_, waiting) = c.pending_viber_application().await;
    let request_no = waiting["RequestNo"].as_str().unwrap().to_string();
    c.ok("GetViberByRequestNo", &format!("RequestNo={request_no}"))
        .await;
    let out = run(&["plan", "--detailed-exitcode"]);
    let text = crate::common::text(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "bound as the file says:\n{text}"
    );
    assert!(!text.contains("pending review"), "{text}");
    assert!(
        text.contains("the service of business account `acme` is in state `stop`"),
        "{text}"
    );
}
