//! A create whose answer is lost, against the emulator on 127.0.0.1: found again by name and
//! language, and sent once, whether attempts are left or it was the last.

use crate::provider::cams::test_emulator;
use crate::provider::{Outcome, Provider};
use crate::template::rules::{TemplateBody, TemplateOp};
use crate::template::{Category, Components, TemplateType};
use cams_emulator::faults::FaultKind;
use chanctl_cams::client::ClientOptions;
use std::time::Duration;

#[test]
fn a_create_whose_answer_is_lost_is_found_by_name_and_language_and_sent_once() {
    lost_create_is_found(ClientOptions::default().max_attempts);
}

#[test]
fn a_create_whose_last_attempt_loses_its_answer_is_found_not_reported_failed() {
    lost_create_is_found(1);
}

fn lost_create_is_found(max_attempts: usize) {
    let rt = test_emulator::runtime();
    rt.block_on(async {
        let options = ClientOptions {
            qps: 10_000,
            timeout: Duration::from_secs(1),
            min_retry_delay: Duration::from_millis(1),
            max_attempts,
            ..ClientOptions::default()
        };
        // The third request (the template create) drops its answer after the change, and no
        // other request faults.
        let (client, lines) = test_emulator::faulting_only_at(
            FaultKind::Drop,
            2,
            20,
            test_emulator::config(),
            options,
        )
        .await;
        let space = test_emulator::create_channel(&client, "whatsapp", "wa").await;
        let cams = crate::provider::cams::Cams::new(client);
        let op = TemplateOp::Create {
            space: space.clone(),
            body: TemplateBody {
                template_type: TemplateType::Whatsapp,
                name: "order_update".into(),
                language: "en_US".into(),
                category: Category::Utility,
                components: Components {
                    body: Some("Hello".into()),
                    ..Components::default()
                },
                examples: Default::default(),
                message_send_ttl_seconds: None,
            },
        };
        let outcome = cams.execute_template(&op).await;
        let Outcome::Created(code) = outcome
            .unwrap_or_else(|e| panic!("{e:?}; the log:\n{}", lines.lock().unwrap().join("\n")))
        else {
            panic!("a create answers with its code");
        };
        let cust = cams.space_of(&space).await.unwrap();
        let listed = super::super::list(&cams.client, &cust, TemplateType::Whatsapp, &[])
            .await
            .unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0].code, code);
        let lines = lines.lock().unwrap();
        let sent = lines
            .iter()
            .filter(|l| l.starts_with("→ CreateChatappTemplate"))
            .count();
        assert_eq!(sent, 1, "sent once:\n{}", lines.join("\n"));
        assert!(
            lines.iter().any(|l| l.contains("had gone through")),
            "{}",
            lines.join("\n")
        );
    });
}
