//! The CAMS response envelope and the emulator's errors.
//!
//! Success: HTTP 200 `{RequestId, Code:"OK", Message:"OK", Success:true, ...}` plus the
//! operation's fields (`Data`, `TotalCount`, `PhoneNumbers`). Errors: a non-2xx status with the
//! gateway's body `{RequestId, HostId, Code, Message, Recommend}`. The injected business
//! failure is HTTP 200 with `Code` other than OK and `Success:false`, which clients must treat
//! as an error too. The codes chosen for rule refusals are listed in the module header of
//! [`crate::emulator`].

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chanctl_cams::verify::AuthError;
use chanctl_core::rules::RuleError;
use serde_json::{Map, Value, json};

/// Host id reported when the request names none.
pub const DEFAULT_HOST: &str = "cams.ap-southeast-1.aliyuncs.com";

/// A refusal: status, code and message, and optionally a retry hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// Sent as `x-acs-retry-after` (milliseconds).
    pub retry_after_ms: Option<u64>,
}

impl ApiError {
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            retry_after_ms: None,
        }
    }

    /// 400 MissingParameter.
    pub fn missing(param: &str) -> Self {
        ApiError::new(
            400,
            "MissingParameter",
            format!(
                "The input parameter \"{param}\" that is mandatory for processing this request is not supplied."
            ),
        )
    }

    /// 400 `InvalidParameter.<param>`.
    pub fn invalid(param: &str, why: impl std::fmt::Display) -> Self {
        ApiError::new(
            400,
            format!("InvalidParameter.{param}"),
            format!("The specified parameter \"{param}\" is not valid: {why}"),
        )
    }

    /// 500 InternalError.
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(500, "InternalError", message)
    }

    /// 400 Throttling.User.
    pub fn throttled() -> Self {
        ApiError::new(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        )
    }

    pub fn unavailable() -> Self {
        ApiError::new(
            503,
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
        )
    }
}

/// The code for each rule refusal (all HTTP 400).
pub fn rule_code(e: &RuleError) -> &'static str {
    match e {
        RuleError::QuotaExceeded { .. } => "QuotaExceeded.Instance",
        RuleError::NotFound { .. } => "InvalidInstanceId.NotFound",
        RuleError::ResourceHeld { .. } => "OperationDenied.ResourceHeld",
        RuleError::AlreadyBound { .. } => "OperationDenied.AlreadyBound",
        RuleError::BindingMismatch { .. } => "OperationDenied.BindingMismatch",
        RuleError::WrongBindingType { .. } => "OperationDenied.ChannelTypeMismatch",
        RuleError::NotUnderReview { .. } => "OperationDenied.AuditFinished",
        RuleError::InvalidName { .. } => "InvalidParameter.InstanceName",
        RuleError::DescriptionTooLong { .. } => "InvalidParameter.InstanceDescription",
    }
}

impl From<RuleError> for ApiError {
    fn from(e: RuleError) -> Self {
        ApiError::new(400, rule_code(&e), e.to_string())
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        ApiError::new(e.status(), e.code(), e.to_string())
    }
}

/// A new RequestId in the SDK's style: an upper-case UUID.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string().to_uppercase()
}

/// A JSON reply with the RequestId header.
pub fn json_response(status: u16, request_id: &str, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = (status, body.to_string()).into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-acs-request-id", v);
    }
    resp
}

/// HTTP 200 with the success envelope and `fields` (e.g. `Data`).
pub fn success(request_id: &str, fields: Map<String, Value>) -> Response {
    let mut body = Map::new();
    body.insert("RequestId".into(), json!(request_id));
    body.insert("Code".into(), json!("OK"));
    body.insert("Message".into(), json!("OK"));
    body.insert("Success".into(), json!(true));
    body.extend(fields);
    json_response(200, request_id, &Value::Object(body))
}

/// The gateway's error reply.
pub fn error(request_id: &str, host_id: &str, e: &ApiError) -> Response {
    let body = json!({
        "RequestId": request_id,
        "HostId": host_id,
        "Code": e.code,
        "Message": e.message,
        "Recommend": format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=cams&requestId={request_id}",
            e.code
        ),
    });
    let mut resp = json_response(e.status, request_id, &body);
    if let Some(ms) = e.retry_after_ms {
        resp.headers_mut()
            .insert("x-acs-retry-after", HeaderValue::from(ms));
    }
    resp
}

/// HTTP 200 that is nevertheless a failure: `Code` is not OK and `Success` is false.
pub fn business_failure(request_id: &str, code: &str, message: &str) -> Response {
    let body = json!({
        "RequestId": request_id,
        "Code": code,
        "Message": message,
        "Success": false,
    });
    json_response(200, request_id, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_upper_case_uuids() {
        let id = request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id, id.to_uppercase());
    }

    #[test]
    fn every_rule_error_has_a_400_code() {
        let e = ApiError::from(RuleError::QuotaExceeded { quota: 3 });
        assert_eq!((e.status, e.code.as_str()), (400, "QuotaExceeded.Instance"));
        assert!(e.message.contains('3'));
    }
}
