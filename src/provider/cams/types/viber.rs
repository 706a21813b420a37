//! Viber: a business account, applied for with `AddAuditViberOpen` on the channel's
//! `CustSpaceId`: an audit that stays pending until the service approves it. While it is
//! pending, `UpdateAuditRequest` edits the application; once approved, nothing in the API
//! edits it. The API has no operation that releases one.

use super::super::Cams;
use super::super::read::{Row, read_call, s};
use super::{TypeOps, Unbind, p};
use crate::model::types::viber::AUDIT_KEYS;
use crate::model::{BindState, Binding, ViberAudit, ViberBinding};
use crate::provider::{Outcome, ProviderError};
use crate::rules::Op;
use chanctl_cams::client::Client;
use serde_json::{Map, Value};

pub const OPS: TypeOps = TypeOps {
    bind: Some("AddAuditViberOpen"),
    unbind: Unbind::Manual(crate::rules::VIBER_RELEASED_BY_HAND),
};

/// The `AuditRecord` of `b`: the business account and each key of the application the
/// binding declares, by its SDK name (`Logo` and the destinations as lists); nothing else.
pub(super) fn record(b: &ViberBinding) -> Value {
    let mut out = Map::new();
    out.insert(
        "BusinessAccountName".into(),
        Value::String(b.business_account.clone()),
    );
    let values = b
        .audit
        .as_deref()
        .map(ViberAudit::values)
        .unwrap_or_default();
    for (key, values) in values.into_iter().zip(AUDIT_KEYS) {
        let (_, vals) = key;
        if vals.is_empty() {
            continue;
        }
        let v = if values.list {
            Value::Array(vals.iter().map(|v| Value::String(v.to_string())).collect())
        } else {
            Value::String(vals[0].to_string())
        };
        out.insert(values.wire.to_string(), v);
    }
    Value::Object(out)
}

pub(super) async fn bind(
    cams: &Cams,
    op: &Op,
    id: &str,
    b: &ViberBinding,
) -> Result<Outcome, ProviderError> {
    let space = cams.space_of(id).await?;
    let params = [
        p("CustSpaceId", space),
        p("AuditRecord", record(b).to_string()),
    ];
    cams.change(op, "AddAuditViberOpen", &params).await?;
    Ok(Outcome::Done(BindState::Pending))
}

/// Edit the pending application of instance `id` to `to`: `UpdateAuditRequest` with the
/// `RequestNo` that `GetAuditRequestByTypeUnAudit` gives for it. When no application is
/// pending any more (approved meanwhile), the edit stops with what to do.
pub(super) async fn amend(
    cams: &Cams,
    op: &Op,
    id: &str,
    to: &ViberBinding,
) -> Result<Outcome, ProviderError> {
    let space = cams.space_of(id).await?;
    let params = [p("CustSpaceId", &space), p("RequestType", "viberOpen")];
    let r = read_call(&cams.client, "GetAuditRequestByTypeUnAudit", &params).await?;
    let request_no = s(r.data(), "RequestNo");
    if request_no.is_empty() {
        return Err(ProviderError::Unsupported(format!(
            "the Viber application of {id} is no longer pending (GetAuditRequestByTypeUnAudit \
             returns none), and the API edits only a pending one: change it in the CAMS console"
        )));
    }
    let params = [
        p("CustSpaceId", space),
        p("RequestNo", request_no),
        p("AuditRecord", record(to).to_string()),
    ];
    cams.change(op, "UpdateAuditRequest", &params).await?;
    Ok(Outcome::Done(BindState::Pending))
}

/// The application keys read from `record` (an `AuditRecord`, or a ListViberServiceMessage
/// row) among `keys`: a text field as its value, a list as its values (a text field that
/// comes as a list, as `CompanyRegisteredCountry` does in the pending record, as its first).
fn audit_of<'a>(record: &Value, keys: impl Iterator<Item = &'a str>) -> Option<ViberAudit> {
    let mut audit = ViberAudit::default();
    for key in keys {
        let Some(k) = AUDIT_KEYS.iter().find(|a| a.key == key) else {
            continue;
        };
        let values: Vec<String> = match &record[k.wire] {
            Value::String(v) if !v.is_empty() => vec![v.clone()],
            Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().filter(|v| !v.is_empty()).map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        audit.set(key, values);
    }
    (!audit.is_empty()).then_some(audit)
}

/// The business account, whether its application still waits for the audit, and the
/// service's own state as it writes it.
///
/// `ListViberServiceMessage` names the account and a `State` whose values are not
/// documented, so no value of it is taken to mean approved: the application is pending while
/// `GetAuditRequestByTypeUnAudit(RequestType=viberOpen)` returns it (the operation that lists
/// requests not yet audited), and the state is shown as written. The application is read
/// from the pending record (the keys it has), else from the service card (its industry and
/// destinations).
pub(super) async fn read(
    client: &Client,
    row: &Row,
) -> Result<(Option<Binding>, BindState, Option<String>), ProviderError> {
    let space = [p("CustSpaceId", &row.cust_space_id)];
    let r = read_call(client, "ListViberServiceMessage", &space).await?;
    let service = r
        .data()
        .as_array()
        .and_then(|a| a.iter().find(|d| !s(d, "BusinessAccountName").is_empty()))
        .cloned();
    let params = [
        p("CustSpaceId", &row.cust_space_id),
        p("RequestType", "viberOpen"),
    ];
    let r = read_call(client, "GetAuditRequestByTypeUnAudit", &params).await?;
    let record = &r.data()["AuditRecord"];
    let applied = Some(s(record, "BusinessAccountName")).filter(|n| !n.is_empty());
    let binding = |name: String, audit: Option<ViberAudit>| {
        Some(Binding::Viber(ViberBinding {
            business_account: name,
            audit: audit.map(Box::new),
        }))
    };
    Ok(match (service, applied) {
        // The application waits for its audit (an account already in service being changed
        // reads as the one applied for).
        (_, Some(name)) => {
            let keys = AUDIT_KEYS.iter().filter(|a| a.read_pending).map(|a| a.key);
            let audit = audit_of(record, keys);
            (binding(name, audit), BindState::Pending, None)
        }
        (Some(card), None) => {
            let (name, state) = (s(&card, "BusinessAccountName"), s(&card, "State"));
            let note = (!state.is_empty()).then(|| {
                format!(
                    "viber channel `{}`: the service of business account `{name}` is in state \
                     `{state}` (as ListViberServiceMessage writes it; chanctl does not read \
                     meaning into it)",
                    row.name
                )
            });
            let keys = AUDIT_KEYS.iter().filter(|a| a.read_approved).map(|a| a.key);
            (binding(name, audit_of(&card, keys)), BindState::Bound, note)
        }
        (None, None) => (None, BindState::Bound, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audit() -> ViberAudit {
        let mut a = ViberAudit::default();
        a.set("company_legal_name", vec!["Acme Pte. Ltd.".into()]);
        a.set("registered_country", vec!["SG".into()]);
        a.set("contact_email", vec!["ops@acme.example".into()]);
        a.set("logo", vec!["https://acme.example/logo.png".into()]);
        a.set("destination_countries", vec!["SG".into(), "MY".into()]);
        a
    }

    #[test]
    fn the_record_sends_only_declared_keys_by_their_sdk_names() {
        let b = ViberBinding {
            business_account: "acme".into(),
            audit: Some(Box::new(audit())),
        };
        let r = record(&b);
        assert_eq!(
            r,
            serde_json::json!({
                "BusinessAccountName": "acme",
                "CompanyLegalName": "Acme Pte. Ltd.",
                "CompanyRegisteredCountry": "SG",
                "ContactEmail": "ops@acme.example",
                "Logo": ["https://acme.example/logo.png"],
                "MessageDestinationCountry": ["SG", "MY"],
            })
        );
        for action in ["AddAuditViberOpen", "UpdateAuditRequest"] {
            assert!(
                chanctl_cams::declared::takes(action, "AuditRecord"),
                "{action}"
            );
        }
        assert_eq!(
            record(&ViberBinding::account("acme")),
            serde_json::json!({"BusinessAccountName": "acme"})
        );
    }

    #[test]
    fn the_pending_record_reads_back_with_its_country_as_a_list() {
        let r = serde_json::json!({
            "BusinessAccountName": "acme",
            "CompanyLegalName": "Acme Pte. Ltd.",
            "CompanyRegisteredCountry": ["SG"],
            "Logo": ["https://acme.example/logo.png"],
            "MessageDestinationCountry": ["SG", "MY"],
            "ContactEmail": "ops@acme.example",
        });
        let keys = AUDIT_KEYS.iter().filter(|a| a.read_pending).map(|a| a.key);
        let read = audit_of(&r, keys).unwrap();
        let mut want = audit();
        // Not in the pending record's model: never read, so never compared.
        want.contact_email = None;
        assert_eq!(read, want);
        assert!(audit().differs_from(Some(&read), true).is_empty());
        assert_eq!(
            audit_of(&serde_json::json!({}), AUDIT_KEYS.iter().map(|a| a.key)),
            None
        );
    }
}
