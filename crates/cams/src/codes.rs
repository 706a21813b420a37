//! The service's error codes, in one table: what each means, whether another attempt can
//! help, and what a person should check. The CAMS codes are the documented ones
//! (`fidelity.md`: the codes on every operation page and the public codes); the gateway codes
//! are Alibaba Cloud's common ones. No decision of chanctl rests on a code that is in neither
//! list: an unknown code stops the step and is shown as the service wrote it.

/// Whether another attempt can succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// A passing fault on the service's side: try again (the change may have been made).
    RetrySystem,
    /// Flow control: try again later, nothing was done.
    RetryThrottled,
    /// Retrying cannot help.
    Stop,
}

/// One code (or, ending in `*`, a family of codes).
#[derive(Debug, Clone, Copy)]
pub struct Code {
    pub code: &'static str,
    pub decision: Decision,
    /// What a person should check or do; `{action}` is replaced by the operation.
    pub hint: Option<&'static str>,
}

const fn code(code: &'static str, decision: Decision, hint: Option<&'static str>) -> Code {
    Code {
        code,
        decision,
        hint,
    }
}

use Decision::{RetrySystem, RetryThrottled, Stop};

/// Every code chanctl decides on.
pub const TABLE: &[Code] = &[
    // Documented on every CAMS operation page.
    code(
        "Product.Unsubscript",
        Stop,
        Some("Activate Chat App Message Service for this account in the console"),
    ),
    code(
        "Ram.PermissionDeny",
        Stop,
        Some("The RAM identity lacks permission for cams:{action}; grant it in the RAM console"),
    ),
    code("System.LimitControl", RetryThrottled, None),
    code(
        "Unknown.ResourceOwnerId",
        Stop,
        Some(
            "The resource belongs to another Alibaba Cloud account: check the account of the credentials and the ids in the file",
        ),
    ),
    // Documented public CAMS codes.
    code("999999", RetrySystem, None),
    code("ERR-COMMON-001", RetrySystem, None),
    code(
        "ERR-FB-001",
        Stop,
        Some(
            "Meta refused the Graph API call: share the WhatsApp Business account or Facebook Page with Alibaba Cloud (embedded signup, or Business Settings) and check its permissions",
        ),
    ),
    code(
        "ERR-OPERATION-MAAP-0065",
        Stop,
        Some(
            "The number is not bound to this space: check the number and the channel in the CAMS console",
        ),
    ),
    code(
        "ERR-OPERATION-MAAP-0085",
        Stop,
        Some("A website must start with http:// or https://"),
    ),
    code(
        "ERR-OPERATION-MAAP-*",
        Stop,
        Some(
            "The service refused the operation on this channel's space: see the message and the channel in the CAMS console",
        ),
    ),
    // Alibaba Cloud's gateway.
    code("Throttling", RetryThrottled, None),
    code("Throttling.*", RetryThrottled, None),
    code("InternalError", RetrySystem, None),
    code("InternalError.*", RetrySystem, None),
    code("ServiceUnavailable*", RetrySystem, None),
    code("CHAT.APIError", RetrySystem, None),
    code(
        "InvalidAccessKeyId*",
        Stop,
        Some(
            "Check the AccessKey id (ALIBABA_CLOUD_ACCESS_KEY_ID or the aliyun profile) and that the key is enabled",
        ),
    ),
    code(
        "SignatureDoesNotMatch",
        Stop,
        Some("Check the AccessKey secret (ALIBABA_CLOUD_ACCESS_KEY_SECRET or the aliyun profile)"),
    ),
    code(
        "IncompleteSignature",
        Stop,
        Some("Check the AccessKey secret (ALIBABA_CLOUD_ACCESS_KEY_SECRET or the aliyun profile)"),
    ),
    code(
        "InvalidSecurityToken.Expired",
        Stop,
        Some(
            "The STS security token has expired: get new temporary credentials (ALIBABA_CLOUD_SECURITY_TOKEN is never renewed; a role, OIDC or instance profile is)",
        ),
    ),
    code(
        "InvalidSecurityToken*",
        Stop,
        Some("Check the STS security token: it must be the one issued with this AccessKey id"),
    ),
    code(
        "InvalidTimeStamp*",
        Stop,
        Some(
            "Check this machine's clock: requests must be within 15 minutes of the service's time",
        ),
    ),
    code(
        "Forbidden*",
        Stop,
        Some("The RAM identity lacks permission for cams:{action}; grant it in the RAM console"),
    ),
    code(
        "NoPermission",
        Stop,
        Some("The RAM identity lacks permission for cams:{action}; grant it in the RAM console"),
    ),
    code(
        "SignatureNonceUsed",
        Stop,
        Some("A request was replayed; run the command again"),
    ),
];

/// The entry for `code`: an exact entry first, then the longest family that holds it.
pub fn lookup(code: &str) -> Option<&'static Code> {
    TABLE.iter().find(|c| c.code == code).or_else(|| {
        TABLE
            .iter()
            .filter(|c| {
                c.code
                    .strip_suffix('*')
                    .is_some_and(|prefix| code.starts_with(prefix))
            })
            .max_by_key(|c| c.code.len())
    })
}

/// What `action`'s refusal with `code` asks of a person, if the table says.
pub fn hint(code: &str, action: &str) -> Option<String> {
    lookup(code)
        .and_then(|c| c.hint)
        .map(|h| h.replace("{action}", action))
}

/// Whether `code` is a passing fault on the service's side.
pub fn is_system_error(code: &str) -> bool {
    lookup(code).is_some_and(|c| c.decision == RetrySystem)
}

/// Whether `code` is flow control.
pub fn is_throttling(code: &str) -> bool {
    lookup(code).is_some_and(|c| c.decision == RetryThrottled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_has_a_decision() {
        for (c, d) in [
            ("Product.Unsubscript", Stop),
            ("Ram.PermissionDeny", Stop),
            ("System.LimitControl", RetryThrottled),
            ("Unknown.ResourceOwnerId", Stop),
            ("999999", RetrySystem),
            ("ERR-COMMON-001", RetrySystem),
            ("ERR-FB-001", Stop),
            ("ERR-OPERATION-MAAP-0060", Stop),
            ("Throttling.User", RetryThrottled),
            ("ServiceUnavailable", RetrySystem),
        ] {
            assert_eq!(lookup(c).map(|x| x.decision), Some(d), "{c}");
        }
        assert!(
            lookup("InvalidInstanceId.NotFound").is_none(),
            "undocumented: no decision"
        );
        assert_eq!(
            hint("ERR-OPERATION-MAAP-0065", "X").as_deref(),
            Some(
                "The number is not bound to this space: check the number and the channel in the CAMS console"
            )
        );
        assert!(
            hint("Ram.PermissionDeny", "ListInstance")
                .unwrap()
                .contains("cams:ListInstance")
        );
    }
}
