//! A local emulator of Alibaba Cloud CAMS (Chat App Message Service, API 2020-06-06), so that
//! the CAMS backend and the official SDKs can be tested over real HTTP on 127.0.0.1 without an
//! account. It speaks the wire protocol of `protocol.md` (RPC on `/`, ACS3-HMAC-SHA256 and
//! legacy HMAC-SHA1 signatures verified exactly, the 15-minute clock window, nonce replay,
//! the success and error envelopes) and enforces the same account rules as the sandbox
//! ([`chanctl_core::rules::Account`]).
//!
//! Modules: [`server`] (HTTP and routing), [`auth`] (action, version, signature),
//! [`sts`] (STS role assumption: temporary keys), [`imds`] (the instance metadata service),
//! [`envelope`] (replies and errors), [`operations`] (the CAMS operations), [`params`]
//! (parameter decoding), [`faults`] (flow control and fault injection), [`state`]
//! (the account and its file).
//!
//! # What a client must know
//!
//! **Replies.** Success is HTTP 200 `{RequestId, Code:"OK", Message:"OK", Success:true, ...}`.
//! Errors are non-2xx with `{RequestId, HostId, Code, Message, Recommend}`. With fault
//! injection a reply can also be HTTP 200 with `Code` other than OK (`ERR-COMMON-001`) and
//! `Success:false`: clients must treat that as an error too (the real service is not
//! documented to avoid it). RequestIds are upper-case UUIDs, also in `x-acs-request-id`.
//!
//! **Gateway errors**: 404 `InvalidApi.NotFound` (unknown action), 400 `InvalidVersion`,
//! 400 `MissingParameter`, 400 `InvalidParameter.<Name>` (bad boolean, integer, JSON, E.164
//! number, ChannelType, PageIndex/PageSize), 404 `InvalidAccessKeyId.NotFound`, 400
//! `SignatureDoesNotMatch` (message carries the server StringToSign), 400
//! `IncompleteSignature`, 400 `InvalidSignatureMethod`, 400 `InvalidTimeStamp.Format` /
//! `.Expired`, 400 `SignatureNonceUsed`, 403 `InvalidSecurityToken.MismatchWithAccessKey`, 403
//! `UnsupportedHTTPMethod`, 400 `Throttling.User` (`--qps`), 503 `ServiceUnavailable` and 500
//! `InternalError` (the state file could not be written; nothing changed).
//!
//! **Rule refusals** (chosen here; all HTTP 400, the message is the rule's explanation):
//!
//! | rule | Code |
//! |---|---|
//! | quota full | `QuotaExceeded.Instance` |
//! | no such instance (InstanceId or CustSpaceId) | `InvalidInstanceId.NotFound` |
//! | resource held by another channel | `OperationDenied.ResourceHeld` |
//! | channel already bound to something else | `OperationDenied.AlreadyBound` |
//! | unbind of something the channel does not hold | `OperationDenied.BindingMismatch` |
//! | binding of another channel type | `OperationDenied.ChannelTypeMismatch` |
//! | name empty or over 50 characters | `InvalidParameter.InstanceName` |
//! | description over 150 characters | `InvalidParameter.InstanceDescription` |
//! | QueryChatappBindWaba on a channel without a WABA | `ERR-OPERATION-MAAP-0060` (a documented CAMS code) |
//! | GetViberByRequestNo with an unknown RequestNo | `InvalidRequestNo.NotFound` |
//! | UpdateAuditRequest with a RequestNo of another space, or unknown | `InvalidRequestNo.NotFound` |
//! | UpdateAuditRequest of an application already approved | `OperationDenied.AuditFinished` |
//! | ChangeResourceGroup with a `ResourceType` other than `instance` (any case) | `InvalidParameter.ResourceType` |
//! | ChangeResourceGroup to a group id that is not `rg-...` | `InvalidParameter.ResourceGroupId` |
//! | AddChatappPhoneNumber of a number on another space's WABA | `OperationDenied.PhoneNumberInUse` |
//! | a code, verify or deregister of a number not on the WABA | `ERR-OPERATION-MAAP-0065` (a documented CAMS code) |
//! | ChatappVerifyAndRegister with a code that was not the one sent | `InvalidParameter.VerifyCode` |
//! | GetChatappVerifyCode with a `Method` other than `sms` or `voice` | `InvalidParameter.Method` |
//! | a `PhoneNumber` or `Cc` that is not digits | `InvalidParameter.PhoneNumber` |
//!
//! **Templates** (see [`operations::templates`]): the six template operations with the SDK's
//! parameters and fields; a review state machine (`--template-review approve|reject|hold`,
//! `--template-review-ms`, `--template-reject NAME=REASON`); `InvalidParameter.TemplateNameExist`;
//! modify only before approval (`OperationDenied.TemplateApproved`, a code chosen here); the
//! documented content rules and rates (5/s for List, Detail and Delete, 50/s for Create and
//! Modify, whatever `--qps` says: `chanctl_cams::limits`).
//!
//! **Binding semantics.** Bind on an unbound channel is `rules::Op::Bind`; repeating the
//! binding the channel already has succeeds without change (safe to retry); a different
//! binding on a bound channel is refused (`OperationDenied.AlreadyBound`), as in the sandbox.
//! DeleteMessengerPage / DeleteInstagramPage / UnbindDmAccount are `rules::Op::Unbind`. There
//! is no WABA or Viber unbind (as in the real API); DeleteInstance releases everything.
//!
//! **Behaviour the SDK does not describe**, and what the emulator does (the README's
//! Documented / assumed table lists each):
//! - `ChatappBindWaba(WabaId)` binds the WABA into the space of the channel its embedded
//!   signup (`--signup`) was made for; the caller cannot choose it. The signup's numbers
//!   (verified), then those added with `AddChatappPhoneNumber`, are what
//!   QueryChatappPhoneNumbers returns (country code and number, digits only).
//! - A number added waits for its code: `GetChatappVerifyCode` "sends" `--phone-code`
//!   (123456 unless told), `ChatappVerifyAndRegister` with that code verifies it
//!   (`CodeVerificationStatus: VERIFIED`, `Status: CONNECTED`; before, `NOT_VERIFIED` and
//!   `PENDING`), `ChatappPhoneNumberDeregister` takes it off the listing.
//! - `BindInstagramPage(InstanceId, PageId)`: the linked Instagram account is what Meta
//!   knows (`--instagram-link PAGE=ACCOUNT`); ListInstagramPage returns it.
//! - `BindDmAccount`: the bound address is `ExtendAttr.AccountName` (else `AccountCode`);
//!   ListBindDmAccount returns the AccountCode as sent.
//! - `AddAuditViberOpen` binds `AuditRecord.BusinessAccountName` (required) with
//!   BindState::Pending and returns `Data.RequestNo`; `GetViberByRequestNo` approves it once
//!   `--viber-audit-ms` has passed (0: on the first query), after which the binding is Bound.
//!   `GetAuditRequestByTypeUnAudit(RequestType=viberOpen)` returns the application while it
//!   waits (the response model's record fields only), `Data: {}` after. ListViberServiceMessage
//!   writes the `State` `--viber-service-state` gives (none by default: the service's states
//!   are not documented), and the approved application's `IndustryInvolved` and destinations.
//!   `UpdateAuditRequest(CustSpaceId, RequestNo, AuditRecord)` replaces the record of an
//!   application still pending (a new `BusinessAccountName` moves the binding with it).
//! - ListInstance rows carry only the SDK's fields (no `BindId`); the `IsBind` and `BindId`
//!   filters say which channels are bound and which holds a resource.
//! - ChannelType accepts `sms` and `email` too (chanctl's model has them), any case.
//! - For a direct customer, CustSpaceId == InstanceId.
//! - The instance profile (ContactMail, CountryId, OfficeAddress, FacebookBmId, IsvTerms):
//!   CreateInstance and UpdateInstance set what they are sent and keep the rest; the group
//!   is set by CreateInstance's ResourceGroupId and ChangeResourceGroup only.
//!
//! **ListInstance.** Filters: ChannelType (any case), InstanceName (substring), InstanceId,
//! IsBind (`true`/`True`/...), BindId (any id of the binding: page, Instagram account, WABA,
//! phone number, Viber account, address), FilterStr (substring of name or id),
//! ResourceGroupId. Pages: PageIndex from 1 (default 1), PageSize 1..=100 (default 10); out
//! of range is `InvalidParameter.PageIndex` / `.PageSize`. Rows are in creation order;
//! `TotalCount` counts every match.
//!
//! **STS and instance metadata** ([`sts`], [`imds`]). `AssumeRole` (signed) and
//! `AssumeRoleWithOIDC` (anonymous; `--oidc-token`), version 2015-04-01, on the same address,
//! issue temporary keys; the instance metadata routes serve `--ecs-role`'s. CAMS accepts a
//! temporary key with its exact SecurityToken (403
//! `InvalidSecurityToken.MismatchWithAccessKey` otherwise) until it expires (400
//! `InvalidSecurityToken.Expired` after). `--sts-lifetime-secs` sets every key's lifetime.
//!
//! **Faults** (`--fault-rate F --seed S`, kinds via `--faults`; or a rate per kind with
//! `--fault-5xx`, `--fault-throttle`, `--fault-business`, `--fault-drop`, `--fault-delay`,
//! and `--fault-ambiguous` split evenly between drop and delay; `--fault-late`: the request is
//! held `--ambiguous-delay-ms`, its connection dropped, and only then the change committed,
//! as a request still in flight when the client looks): `unavailable` (503),
//! `throttle` (400 Throttling.User, half with `x-acs-retry-after: <ms>`), `business` (200,
//! Code ERR-COMMON-001, Success false) change nothing; `drop` (connection closed without an
//! answer) and `delay` (answer held `--ambiguous-delay-ms`, default 30 s) happen AFTER the
//! change was committed and saved. Faults only hit authenticated, admitted CAMS operations.

pub mod args;
pub mod auth;
pub mod envelope;
pub mod faults;
pub mod imds;
pub mod meta;
pub mod operations;
pub mod params;
pub mod server;
pub mod state;
pub mod sts;

use chanctl_cams::sign::Credentials;
use chanctl_cams::verify::Verifier;
use faults::{FaultKind, Faults, Throttle};
use state::Store;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// How to run an emulator.
#[derive(Debug, Clone)]
pub struct Config {
    /// The one AccessKey accepted (with a token: STS requests must carry it).
    pub credentials: Credentials,
    /// Where the account is kept; `None` keeps it in memory only.
    pub state: Option<PathBuf>,
    /// Replaces the stored channel quota.
    pub quota: Option<u32>,
    pub latency: Duration,
    /// Per-action requests per second; 0 is unlimited.
    pub qps: u32,
    pub fault_rate: f64,
    pub seed: u64,
    pub fault_kinds: Vec<FaultKind>,
    /// A rate per kind; when not empty it replaces `fault_rate` and `fault_kinds`.
    pub fault_rates: Vec<(FaultKind, f64)>,
    pub viber_audit_ms: u64,
    /// The `State` ListViberServiceMessage writes for an approved service (none by default).
    pub viber_service_state: String,
    pub ambiguous_delay: Duration,
    /// Append each request's action and parameter names, and each reply, to this file (one
    /// JSON object a line), for checking the traffic against the official SDK's models.
    pub record: Option<PathBuf>,
    /// What Meta knows: embedded signups and Instagram links.
    pub meta: meta::Meta,
    /// How template reviews end.
    pub review: operations::templates::Review,
    /// STS and the instance metadata service.
    pub sts: sts::StsConfig,
}

impl Config {
    /// Defaults for everything but the key.
    pub fn new(credentials: Credentials) -> Self {
        Config {
            credentials,
            state: None,
            quota: None,
            latency: Duration::ZERO,
            qps: 0,
            fault_rate: 0.0,
            seed: 1,
            fault_kinds: FaultKind::DEFAULT.to_vec(),
            fault_rates: Vec::new(),
            viber_audit_ms: 0,
            viber_service_state: String::new(),
            ambiguous_delay: Duration::from_secs(30),
            record: None,
            meta: meta::Meta::default(),
            review: operations::templates::Review::default(),
            sts: sts::StsConfig::default(),
        }
    }
}

/// Behaviour fixed at start.
#[derive(Debug, Clone)]
pub struct Options {
    pub latency: Duration,
    pub viber_audit_ms: u64,
    pub viber_service_state: String,
    pub ambiguous_delay: Duration,
    pub meta: std::sync::Arc<meta::Meta>,
    pub review: std::sync::Arc<operations::templates::Review>,
}

/// A running emulator's shared state.
#[derive(Debug)]
pub struct Emulator {
    verifier: Verifier,
    store: Mutex<Store>,
    throttle: Mutex<Throttle>,
    faults: Mutex<Faults>,
    options: Options,
    recorder: Option<Mutex<std::fs::File>>,
    sts_config: sts::StsConfig,
    /// Instance metadata tokens given out, with when each expires.
    metadata_tokens: Mutex<HashMap<String, jiff::Timestamp>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Emulator {
    /// Load the state and get ready to serve.
    pub fn new(config: Config) -> Result<Emulator, String> {
        let store = Store::open(config.state.as_deref(), config.quota)?;
        let recorder = match &config.record {
            None => None,
            Some(path) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?,
            )),
        };
        Ok(Emulator {
            recorder,
            verifier: auth::verifier(&config.credentials),
            store: Mutex::new(store),
            throttle: Mutex::new(Throttle::new(config.qps)),
            faults: Mutex::new(if config.fault_rates.is_empty() {
                Faults::new(config.fault_rate, config.seed, config.fault_kinds)
            } else {
                Faults::per_kind(config.seed, config.fault_rates)
            }),
            options: Options {
                latency: config.latency,
                viber_audit_ms: config.viber_audit_ms,
                viber_service_state: config.viber_service_state.clone(),
                ambiguous_delay: config.ambiguous_delay,
                meta: std::sync::Arc::new(config.meta),
                review: std::sync::Arc::new(config.review),
            },
            sts_config: config.sts,
            metadata_tokens: Mutex::new(HashMap::new()),
        })
    }
}
