//! The service's template rules, for the sandbox (and any other [`Account`] user): a
//! template lives in a WhatsApp or Viber channel's space; (name, language) is unique there
//! (`InvalidParameter.TemplateNameExist`); ModifyChatappTemplate works only while a template
//! is not approved (documented: not yet reviewed, or rejected); deleting a channel deletes
//! its space's templates. What a review decides is the account's [`Review`] setting.

use super::live::{AuditStatus, LiveTemplate};
use super::{Category, Components, TemplateType};
use crate::model::ChannelType;
use crate::rules::Account;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// Why the service refuses a template operation, with the service's documented code where
/// it has one ([`TemplateRuleError::code`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TemplateRuleError {
    #[error("a template named `{name}` in `{language}` exists already in this space")]
    TemplateNameExist { name: String, language: String },
    #[error("template {code} does not exist in this space")]
    TemplateNotExist { code: String },
    #[error("template {code} is approved: an approved template cannot be modified")]
    TemplateApproved { code: String },
    #[error("no channel with instance id {id}")]
    NoSpace { id: String },
    #[error(
        "channel {id} is a {channel_type} channel, whose space holds no templates of this type"
    )]
    NotATemplateSpace {
        id: String,
        channel_type: ChannelType,
    },
}

impl TemplateRuleError {
    /// The service's error code: the documented ones (`InvalidParameter.TemplateNameExist`,
    /// `DelError.TemplateNotExist`), else a name of chanctl's for a refusal whose code is not
    /// documented.
    pub fn code(&self) -> &'static str {
        match self {
            TemplateRuleError::TemplateNameExist { .. } => "InvalidParameter.TemplateNameExist",
            TemplateRuleError::TemplateNotExist { .. } => "DelError.TemplateNotExist",
            TemplateRuleError::TemplateApproved { .. } => "OperationDenied.TemplateApproved",
            TemplateRuleError::NoSpace { .. } => "InvalidInstanceId.NotFound",
            TemplateRuleError::NotATemplateSpace { .. } => "OperationDenied.ChannelTypeMismatch",
        }
    }
}

/// What a review decides about a template submitted (created or modified).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    /// Stays under review (`auditing`).
    #[default]
    Pending,
    /// Approved at once (`pass`).
    Approve,
    /// Rejected at once (`fail`).
    Reject,
}

impl Review {
    /// `approve`, `reject` or `pending`, as `CHANCTL_SANDBOX_REVIEW` writes it.
    pub fn from_name(name: &str) -> Option<Review> {
        match name.trim() {
            "pending" | "" => Some(Review::Pending),
            "approve" => Some(Review::Approve),
            "reject" => Some(Review::Reject),
            _ => None,
        }
    }
}

/// A template's content as Create and Modify send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateBody {
    pub template_type: TemplateType,
    pub name: String,
    pub language: String,
    pub category: Category,
    pub components: Components,
    #[serde(default)]
    pub examples: BTreeMap<String, String>,
    #[serde(default)]
    pub message_send_ttl_seconds: Option<u32>,
}

/// One change to an account's templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TemplateOp {
    /// CreateChatappTemplate in the space of channel `space`.
    Create { space: String, body: TemplateBody },
    /// ModifyChatappTemplate of template `code`.
    Modify {
        space: String,
        code: String,
        body: TemplateBody,
    },
    /// DeleteChatappTemplate of template `code` in `language` (a code may name every
    /// language of a template: the language says which one goes).
    Delete {
        space: String,
        code: String,
        #[serde(default)]
        language: String,
    },
    /// ModifyChatappTemplateProperties of template `code` in `language`.
    Properties {
        space: String,
        code: String,
        #[serde(default)]
        language: String,
        allow_send: Option<bool>,
        category_change_paused: Option<bool>,
    },
}

impl Account {
    /// Every live template, by code.
    pub fn templates(&self) -> impl Iterator<Item = &LiveTemplate> {
        self.templates.values()
    }

    /// Add a template as it is (for tests and seeded sandboxes).
    pub fn insert_template(&mut self, t: LiveTemplate) {
        self.templates.insert(t.code.clone(), t);
    }

    /// Apply `op` under the template rules, with `review` deciding what a submitted template
    /// becomes. Returns the code of a created template.
    pub fn apply_template(
        &mut self,
        op: &TemplateOp,
        review: Review,
    ) -> Result<Option<String>, TemplateRuleError> {
        let (audit_status, reason) = match review {
            Review::Pending => (AuditStatus::Auditing, None),
            Review::Approve => (AuditStatus::Pass, None),
            Review::Reject => (
                AuditStatus::Fail,
                Some("rejected by the sandbox's review (CHANCTL_SANDBOX_REVIEW=reject)".into()),
            ),
        };
        match op {
            TemplateOp::Create { space, body } => {
                self.space(space, body.template_type)?;
                if self.templates.values().any(|t| {
                    t.space == *space && t.name == body.name && t.language == body.language
                }) {
                    return Err(TemplateRuleError::TemplateNameExist {
                        name: body.name.clone(),
                        language: body.language.clone(),
                    });
                }
                self.serial += 1;
                let code = format!("tpl-{:06}", self.serial);
                self.templates.insert(
                    code.clone(),
                    LiveTemplate {
                        code: code.clone(),
                        space: space.clone(),
                        template_type: body.template_type,
                        name: body.name.clone(),
                        language: body.language.clone(),
                        category: body.category,
                        audit_status,
                        reason,
                        quality: None,
                        components: body.components.clone(),
                        examples: body.examples.clone(),
                        message_send_ttl_seconds: body.message_send_ttl_seconds,
                        allow_send: true,
                        category_change_paused: false,
                        last_update_time: None,
                    },
                );
                Ok(Some(code))
            }
            TemplateOp::Modify { space, code, body } => {
                let t = self.template_mut(space, code)?;
                if !t.audit_status.modifiable() {
                    return Err(TemplateRuleError::TemplateApproved { code: code.clone() });
                }
                t.category = body.category;
                t.components = body.components.clone();
                t.examples = body.examples.clone();
                t.message_send_ttl_seconds = body.message_send_ttl_seconds;
                t.audit_status = audit_status;
                t.reason = reason;
                Ok(None)
            }
            TemplateOp::Delete { space, code, .. } => {
                self.template_mut(space, code)?;
                self.templates.remove(code);
                Ok(None)
            }
            TemplateOp::Properties {
                space,
                code,
                allow_send,
                category_change_paused,
                ..
            } => {
                let t = self.template_mut(space, code)?;
                if let Some(a) = allow_send {
                    t.allow_send = *a;
                }
                if let Some(c) = category_change_paused {
                    t.category_change_paused = *c;
                }
                Ok(None)
            }
        }
    }

    /// Settle every template under review as `review` decides (a test's stand-in for Meta's
    /// or Viber's reviewers).
    pub fn review_templates(&mut self, review: Review) {
        for t in self.templates.values_mut() {
            if t.audit_status == AuditStatus::Auditing {
                match review {
                    Review::Pending => {}
                    Review::Approve => t.audit_status = AuditStatus::Pass,
                    Review::Reject => {
                        t.audit_status = AuditStatus::Fail;
                        t.reason = Some("rejected by the sandbox's review".into());
                    }
                }
            }
        }
    }

    /// The channel `space`, which must hold templates of type `t`.
    fn space(&self, space: &str, t: TemplateType) -> Result<(), TemplateRuleError> {
        let channel = self.get(space).ok_or_else(|| TemplateRuleError::NoSpace {
            id: space.to_string(),
        })?;
        if TemplateType::of(channel.channel_type) != Some(t) {
            return Err(TemplateRuleError::NotATemplateSpace {
                id: space.to_string(),
                channel_type: channel.channel_type,
            });
        }
        Ok(())
    }

    fn template_mut(
        &mut self,
        space: &str,
        code: &str,
    ) -> Result<&mut LiveTemplate, TemplateRuleError> {
        match self.templates.get_mut(code) {
            Some(t) if t.space == space => Ok(t),
            _ => Err(TemplateRuleError::TemplateNotExist {
                code: code.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ChannelType;
    use crate::rules::Op;

    fn body(name: &str) -> TemplateBody {
        TemplateBody {
            template_type: TemplateType::Whatsapp,
            name: name.into(),
            language: "en_US".into(),
            category: Category::Utility,
            components: Components {
                body: Some("Hello".into()),
                ..Components::default()
            },
            examples: BTreeMap::new(),
            message_send_ttl_seconds: None,
        }
    }

    fn account() -> (Account, String) {
        let mut a = Account::new(10);
        let id = crate::rules::tests::create_of(&mut a, "wa", ChannelType::Whatsapp);
        (a, id)
    }

    #[test]
    fn a_name_and_language_are_unique_in_a_space() {
        let (mut a, space) = account();
        let create = TemplateOp::Create {
            space: space.clone(),
            body: body("t"),
        };
        a.apply_template(&create, Review::Pending).unwrap();
        let e = a.apply_template(&create, Review::Pending).unwrap_err();
        assert_eq!(e.code(), "InvalidParameter.TemplateNameExist");
    }

    #[test]
    fn an_approved_template_cannot_be_modified_but_a_rejected_one_can() {
        let (mut a, space) = account();
        let create = TemplateOp::Create {
            space: space.clone(),
            body: body("t"),
        };
        let code = a.apply_template(&create, Review::Reject).unwrap().unwrap();
        let modify = TemplateOp::Modify {
            space: space.clone(),
            code: code.clone(),
            body: body("t"),
        };
        a.apply_template(&modify, Review::Approve).unwrap();
        assert_eq!(
            a.templates().next().unwrap().audit_status,
            AuditStatus::Pass
        );
        let e = a.apply_template(&modify, Review::Pending).unwrap_err();
        assert!(
            matches!(e, TemplateRuleError::TemplateApproved { .. }),
            "{e}"
        );
    }

    #[test]
    fn templates_live_in_whatsapp_or_viber_spaces_and_go_with_their_channel() {
        let (mut a, space) = account();
        let sms = a
            .apply(&Op::Create {
                profile: Default::default(),
                name: "s".into(),
                channel_type: ChannelType::Sms,
                description: String::new(),
            })
            .unwrap()
            .unwrap();
        let e = a
            .apply_template(
                &TemplateOp::Create {
                    space: sms,
                    body: body("t"),
                },
                Review::Pending,
            )
            .unwrap_err();
        assert!(
            matches!(e, TemplateRuleError::NotATemplateSpace { .. }),
            "{e}"
        );
        a.apply_template(
            &TemplateOp::Create {
                space: space.clone(),
                body: body("t"),
            },
            Review::Pending,
        )
        .unwrap();
        a.review_templates(Review::Approve);
        assert_eq!(
            a.templates().next().unwrap().audit_status,
            AuditStatus::Pass
        );
        a.apply(&Op::Delete { id: space }).unwrap();
        assert_eq!(a.templates().count(), 0);
    }
}
