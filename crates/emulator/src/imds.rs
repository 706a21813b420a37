//! An ECS instance metadata service in hardened mode (IMDSv2 style), serving the RAM role
//! given with `--ecs-role`, so that the instance-role credential source runs in tests:
//!
//! - `PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds` (1 to 21,600)
//!   answers a token; without the header, 400.
//! - `GET /latest/meta-data/ram/security-credentials/` with `X-aliyun-ecs-metadata-token`
//!   answers the role's name; `GET .../ROLE` its temporary keys as `{Code: "Success",
//!   AccessKeyId, AccessKeySecret, SecurityToken, Expiration, LastUpdated}`, issued like
//!   STS's (`--sts-lifetime-secs`, else six hours).
//! - Without a valid token, 401; an unknown role, or no `--ecs-role`, 404.

use super::Emulator;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;

/// How long the instance's keys last when `--sts-lifetime-secs` does not say.
const ROLE_LIFETIME: Duration = Duration::from_secs(6 * 3600);

fn status(code: StatusCode, text: &str) -> Response {
    (code, text.to_string()).into_response()
}

/// `PUT /latest/api/token`.
pub async fn token(State(emu): State<Arc<Emulator>>, headers: HeaderMap) -> Response {
    let ttl = headers
        .get("x-aliyun-ecs-metadata-token-ttl-seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let Some(ttl) = ttl.filter(|t| (1..=21_600).contains(t)) else {
        return status(
            StatusCode::BAD_REQUEST,
            "X-aliyun-ecs-metadata-token-ttl-seconds must be 1 to 21600",
        );
    };
    let token = uuid::Uuid::new_v4().simple().to_string();
    let expires = super::sts::expiration(Duration::from_secs(ttl));
    crate::lock(&emu.metadata_tokens).insert(token.clone(), expires);
    token.into_response()
}

/// Whether the request carries a token this service gave and that has not expired.
fn authorized(emu: &Emulator, headers: &HeaderMap) -> bool {
    let Some(token) = headers
        .get("x-aliyun-ecs-metadata-token")
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    crate::lock(&emu.metadata_tokens)
        .get(token)
        .is_some_and(|end| *end > jiff::Timestamp::now())
}

/// `GET /latest/meta-data/ram/security-credentials/`.
pub async fn role(State(emu): State<Arc<Emulator>>, headers: HeaderMap) -> Response {
    if !authorized(&emu, &headers) {
        return status(StatusCode::UNAUTHORIZED, "a metadata token is required");
    }
    match &emu.sts_config.ecs_role {
        Some(role) => role.clone().into_response(),
        None => status(StatusCode::NOT_FOUND, "no RAM role is attached"),
    }
}

/// `GET /latest/meta-data/ram/security-credentials/ROLE`.
pub async fn credentials(
    State(emu): State<Arc<Emulator>>,
    Path(wanted): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&emu, &headers) {
        return status(StatusCode::UNAUTHORIZED, "a metadata token is required");
    }
    if emu.sts_config.ecs_role.as_deref() != Some(wanted.as_str()) {
        return status(StatusCode::NOT_FOUND, "no such RAM role on this instance");
    }
    let lifetime = emu.sts_config.lifetime.unwrap_or(ROLE_LIFETIME);
    let (creds, expires) = emu.issue_temporary(lifetime);
    let mut body = super::sts::credentials_json(&creds, expires);
    body["Code"] = "Success".into();
    body["LastUpdated"] = chanctl_cams::sign::format_date(jiff::Timestamp::now()).into();
    let mut response = body.to_string().into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}
