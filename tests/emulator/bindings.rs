//! Every binding operation of every channel type against the emulator, over real HTTP, each
//! checked against the rules it maps onto (a resource held once, a channel bound before it
//! is rebound): the longest walk through the operations, apart from the envelope tests in
//! mod.rs.

use super::*;

#[tokio::test]
async fn every_binding_operation_maps_onto_the_rules() {
    // What Meta knows: WABA 555 shared for `w` (and, later, for `w2`), Page 333 linked to
    // Instagram account 444.
    let emu = start(&[
        "--signup",
        "555=w:+6588001234",
        "--signup",
        "555=w2:+6588001234",
        "--instagram-link",
        "333=444",
    ]);
    let c = client(&emu);
    let ms = create(&c, "m", "messenger").await;
    let ig = create(&c, "i", "instagram").await;
    let em = create(&c, "e", "email").await;
    let wa = create(&c, "w", "whatsapp").await;
    let vb = create(&c, "v", "viber").await;

    // Messenger.
    let bind = format!("InstanceId={ms}&PageId=111");
    assert_eq!(
        c.ok("BindMessengerPage", &bind).await["Data"][0]["PageId"],
        "111"
    );
    c.ok("BindMessengerPage", &bind).await; // the same binding again is fine
    let other = format!("InstanceId={ms}&PageId=222");
    c.no(
        "BindMessengerPage",
        &other,
        "400 OperationDenied.AlreadyBound",
    )
    .await;
    // Rows do not say what a channel is bound to (the SDK's row model has no such field);
    // the filters do.
    let by_page = c.ok("ListInstance", "BindId=111").await;
    assert_eq!(
        (ids(&by_page), &by_page["Data"][0]["BindId"]),
        (vec![ms.clone()], &serde_json::Value::Null)
    );
    let bound = c
        .ok("ListInstance", "ChannelType=messenger&IsBind=true")
        .await;
    assert_eq!(ids(&bound), vec![ms.clone()]);
    let wrong = format!("InstanceId={ms}&PageId=999");
    c.no(
        "DeleteMessengerPage",
        &wrong,
        "400 OperationDenied.BindingMismatch",
    )
    .await;
    c.ok("DeleteMessengerPage", &bind).await;
    assert_eq!(c.ok("ListInstance", "IsBind=true").await["TotalCount"], 0);

    // Instagram.
    let r = c
        .ok("BindInstagramPage", &format!("InstanceId={ig}&PageId=333"))
        .await;
    assert_eq!(r["Data"][0]["AccountId"], "444", "the account Meta links");
    c.no(
        "BindInstagramPage",
        &format!("InstanceId={ig}&PageId=333&AccountId=444"),
        "400 InvalidParameter.Undeclared",
    )
    .await;
    let info = c.ok("ListInstagramPage", &format!("InstanceId={ig}")).await;
    assert_eq!(info["Data"]["InstagramInfo"]["AccountId"], "444");
    c.ok(
        "DeleteInstagramPage",
        &format!("InstanceId={ig}&PageId=333"),
    )
    .await;
    let info = c.ok("ListInstagramPage", &format!("InstanceId={ig}")).await;
    assert!(info["Data"]["InstagramInfo"].is_null());

    // DirectMail.
    let attr = r#"{"AccountName":"noreply@mail.example.com","SendType":"batch"}"#;
    c.ok(
        "BindDmAccount",
        &format!("CustSpaceId={em}&AccountCode=acc-1&ExtendAttr={attr}"),
    )
    .await;
    let dm = c
        .ok("ListBindDmAccount", &format!("CustSpaceId={em}"))
        .await;
    assert_eq!(dm["Data"][0]["AccountCode"], "acc-1");
    assert_eq!(
        dm["Data"][0]["ExtendAttr"]["AccountName"],
        "noreply@mail.example.com"
    );
    c.ok("UnbindDmAccount", &format!("CustSpaceId={em}")).await;
    let dm = c
        .ok("ListBindDmAccount", &format!("CustSpaceId={em}"))
        .await;
    assert_eq!(dm["Data"], Value::Array(vec![]));
    let bad = format!("CustSpaceId={em}&AccountCode=a&ExtendAttr={{");
    c.no("BindDmAccount", &bad, "400 InvalidParameter.ExtendAttr")
        .await;

    // WhatsApp.
    let space = format!("CustSpaceId={wa}");
    c.no(
        "QueryChatappBindWaba",
        &space,
        "400 ERR-OPERATION-MAAP-0060",
    )
    .await;
    // The only parameter is the WABA; it lands in the space its signup was made for.
    let r = c.ok("ChatappBindWaba", "WabaId=555").await;
    assert_eq!(
        (&r["Data"]["WabaId"], &r["Data"]["CustSpaceId"]),
        (&"555".into(), &wa.clone().into())
    );
    assert_eq!(
        c.ok("QueryChatappBindWaba", &space).await["Data"]["Id"],
        "555"
    );
    // Country code and number, digits only, as the API documents it.
    let n = c.ok("QueryChatappPhoneNumbers", &space).await;
    assert_eq!(n["PhoneNumbers"][0]["PhoneNumber"], "6588001234");
    c.no("ChatappBindWaba", "WabaId=5", "400 ERR-FB-001").await;
    let guessed = format!("WabaId=555&CustSpaceId={wa}&PhoneNumber=+6588001234");
    c.no(
        "ChatappBindWaba",
        &guessed,
        "400 InvalidParameter.Undeclared",
    )
    .await;

    // Viber: pending until the audit is queried.
    let record = r#"{"BusinessAccountName":"Acme Viber","ContactName":"x"}"#;
    let r = c
        .ok(
            "AddAuditViberOpen",
            &format!("CustSpaceId={vb}&AuditRecord={record}"),
        )
        .await;
    let request_no = r["Data"]["RequestNo"]
        .as_str()
        .expect("RequestNo")
        .to_string();
    let svc = c
        .ok("ListViberServiceMessage", &format!("CustSpaceId={vb}"))
        .await;
    assert_eq!(
        (
            &svc["Data"][0]["State"],
            &svc["Data"][0]["BusinessAccountName"]
        ),
        (&"".into(), &"Acme Viber".into())
    );
    // The application waits for its audit: listed as not audited, with the response's
    // record fields only.
    let unaudited = c
        .ok(
            "GetAuditRequestByTypeUnAudit",
            &format!("CustSpaceId={vb}&RequestType=viberOpen"),
        )
        .await;
    assert_eq!(
        unaudited["Data"]["AuditRecord"],
        serde_json::json!({"BusinessAccountName": "Acme Viber"})
    );
    assert_eq!(unaudited["Data"]["RequestNo"], request_no.as_str());
    let audit = c
        .ok("GetViberByRequestNo", &format!("RequestNo={request_no}"))
        .await;
    assert_eq!(
        (&audit["Data"]["State"], &audit["Data"]["AuditResult"]),
        (&"Approved".into(), &"Pass".into())
    );
    let svc = c
        .ok("ListViberServiceMessage", &format!("CustSpaceId={vb}"))
        .await;
    // Which states the service writes is not documented: none unless --viber-service-state.
    assert_eq!(svc["Data"][0]["State"], "");
    let unaudited = c
        .ok(
            "GetAuditRequestByTypeUnAudit",
            &format!("CustSpaceId={vb}&RequestType=viberOpen"),
        )
        .await;
    assert_eq!(unaudited["Data"], serde_json::json!({}));
    c.no(
        "GetViberByRequestNo",
        "RequestNo=nope",
        "400 InvalidRequestNo.NotFound",
    )
    .await;

    // Deleting an instance releases what it held.
    c.ok("DeleteInstance", &format!("InstanceId={wa}")).await;
    let wa2 = create(&c, "w2", "whatsapp").await;
    let r = c.ok("ChatappBindWaba", "WabaId=555").await;
    assert_eq!(r["Data"]["CustSpaceId"], wa2.as_str());
}
