//! HTTP serving and routing: `GET` and `POST` on `/`, each request taken through latency,
//! authentication, flow control, fault injection and the operation, in that order.
//!
//! Everything between reading the request and building the answer is synchronous, so a
//! client that hangs up cannot cancel a change half-way: either the change is committed (and
//! saved) or it never started. To emulate an answer lost after the change, the connection is
//! closed through a per-connection kill switch (see [`KillableListener`]) before any byte of
//! the response is written.

use super::Emulator;
use super::auth;
use super::envelope::{self, ApiError, DEFAULT_HOST};
use super::faults::{Fault, FaultKind};
use super::operations::{self, Ctx, Fields};
use super::params::Params;
use super::{imds, sts};
use axum::Router;
use axum::body::Bytes;
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;
use axum::routing::{any, get, put};
use axum::serve::{IncomingStream, Listener};
use chanctl_cams::declared;
use chanctl_cams::verify::HttpRequest;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Serve `emulator` on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, emulator: Arc<Emulator>) -> io::Result<()> {
    let app = Router::new()
        .route("/", any(handle))
        .route("/latest/api/token", put(imds::token))
        .route(
            "/latest/meta-data/ram/security-credentials/",
            get(imds::role),
        )
        .route(
            "/latest/meta-data/ram/security-credentials/{role}",
            get(imds::credentials),
        )
        .fallback(unknown_path)
        .with_state(emulator);
    axum::serve(
        KillableListener(listener),
        app.into_make_service_with_connect_info::<Kill>(),
    )
    .await
}

use super::lock;

/// What the synchronous part decided.
struct Decision {
    action: String,
    /// The names of the parameters the request carried.
    params: Vec<String>,
    reply: Result<Fields, ApiError>,
    fault: Option<Fault>,
    /// A `late` fault: the operation to run once the answer has been given up on.
    deferred: Option<Params>,
}

impl Emulator {
    fn decide(&self, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Decision {
        let headers = header_pairs(headers);
        let req = HttpRequest {
            method: method.as_str(),
            raw_query: uri.query().unwrap_or_default(),
            headers: &headers,
            body,
        };
        let mut action = String::from("-");
        let mut names = Vec::new();
        let reply = self.authorized(&req, &mut action).and_then(|params| {
            names = params.names().map(str::to_string).collect();
            if let Some(bad) = declared::undeclared(&action, params.names()) {
                return Err(ApiError::new(
                    400,
                    "InvalidParameter.Undeclared",
                    format!(
                        "{action} has no parameter {bad}: the official SDK does not declare it \
                         (this emulator refuses what the real service is not known to take)"
                    ),
                ));
            }
            if !lock(&self.throttle).admit(&action, Instant::now()) {
                return Err(ApiError::throttled());
            }
            Ok(params)
        });
        let params = match reply {
            Ok(p) => p,
            Err(e) => {
                return Decision {
                    action,
                    params: names,
                    reply: Err(e),
                    fault: None,
                    deferred: None,
                };
            }
        };
        let fault = lock(&self.faults).roll();
        if let Some(f) = fault.filter(|f| !f.kind.commits() || f.kind == FaultKind::Late) {
            let deferred = (f.kind == FaultKind::Late).then_some(params);
            return Decision {
                action,
                params: names,
                reply: Ok(Fields::new()),
                fault: Some(f),
                deferred,
            };
        }
        let reply = self.run(&action, &params);
        Decision {
            action,
            params: names,
            reply,
            fault,
            deferred: None,
        }
    }

    /// The answer to an STS request (none for a CAMS one). STS is neither throttled nor
    /// faulted, nor recorded: the record is checked against the CAMS SDK's models.
    fn sts_answer(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
        request_id: &str,
    ) -> Option<Response> {
        let headers = header_pairs(headers);
        let req = HttpRequest {
            method: method.as_str(),
            raw_query: uri.query().unwrap_or_default(),
            headers: &headers,
            body,
        };
        let action = sts::action(&req)?;
        Some(match self.sts(&action, &req) {
            Ok(reply) => envelope::json_response(200, request_id, &reply),
            Err(e) => {
                eprintln!("cams-emulator: {action} -> {} {}", e.status, e.code);
                envelope::error(request_id, sts_host(), &e)
            }
        })
    }

    /// Append what the request carried and what its answer holds (before any injected fault)
    /// to the record file, when there is one.
    fn record(&self, d: &Decision) {
        let Some(file) = &self.recorder else { return };
        let line = match &d.reply {
            Ok(fields) => serde_json::json!({
                "action": d.action, "params": d.params, "status": 200, "fields": fields,
            }),
            Err(e) => serde_json::json!({
                "action": d.action, "params": d.params, "status": e.status, "code": e.code,
            }),
        };
        let mut text = line.to_string();
        text.push('\n');
        let _ = std::io::Write::write_all(&mut *lock(file), text.as_bytes());
    }

    fn run(&self, action: &str, params: &Params) -> Result<Fields, ApiError> {
        let ctx = Ctx {
            now: jiff::Timestamp::now(),
            viber_audit_ms: self.options.viber_audit_ms,
            viber_service_state: self.options.viber_service_state.clone(),
            meta: self.options.meta.clone(),
            review: self.options.review.clone(),
        };
        operations::dispatch(action, params, &mut lock(&self.store), &ctx)
    }

    fn authorized(&self, req: &HttpRequest<'_>, action: &mut String) -> Result<Params, ApiError> {
        if req.method != "GET" && req.method != "POST" {
            return Err(ApiError::new(
                403,
                "UnsupportedHTTPMethod",
                format!(
                    "The HTTP method {} is not supported; use POST or GET.",
                    req.method
                ),
            ));
        }
        *action = auth::action(req)?;
        let verified = auth::authenticate(&self.verifier, req)?;
        Ok(Params::new(verified.params))
    }
}

async fn handle(
    State(emu): State<Arc<Emulator>>,
    ConnectInfo(kill): ConnectInfo<Kill>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = envelope::request_id();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or(DEFAULT_HOST)
        .to_string();
    if !emu.options.latency.is_zero() {
        tokio::time::sleep(emu.options.latency).await;
    }
    if let Some(response) = emu.sts_answer(&method, &uri, &headers, &body, &request_id) {
        return response;
    }
    let d = emu.decide(&method, &uri, &headers, &body);
    emu.record(&d);
    if let Some(params) = d.deferred {
        // Committed later by a task of its own, whether or not the client is still there.
        let delay = emu.options.ambiguous_delay;
        let (late, action) = (emu.clone(), d.action.clone());
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let done = late.run(&action, &params);
            eprintln!(
                "cams-emulator: {action} committed late ({})",
                if done.is_ok() { "done" } else { "refused" }
            );
        });
        tokio::time::sleep(delay / 2).await;
        kill.0.store(true, Ordering::SeqCst);
        return envelope::error(&request_id, &host, &ApiError::unavailable());
    }
    let response = match (&d.reply, d.fault) {
        (_, Some(f)) if !f.kind.commits() => {
            eprintln!("cams-emulator: {} -> injected {}", d.action, f.kind.name());
            match f.kind {
                FaultKind::Business => envelope::business_failure(
                    &request_id,
                    "ERR-COMMON-001",
                    "System error, please try again later.",
                ),
                FaultKind::Throttle => {
                    let mut e = ApiError::throttled();
                    e.retry_after_ms = f.retry_after_ms;
                    envelope::error(&request_id, &host, &e)
                }
                _ => envelope::error(&request_id, &host, &ApiError::unavailable()),
            }
        }
        (Ok(fields), _) => envelope::success(&request_id, fields.clone()),
        (Err(e), _) => {
            eprintln!("cams-emulator: {} -> {} {}", d.action, e.status, e.code);
            envelope::error(&request_id, &host, e)
        }
    };
    match d.fault.map(|f| f.kind) {
        Some(FaultKind::Drop) => {
            eprintln!(
                "cams-emulator: {} done, then the connection is dropped",
                d.action
            );
            kill.0.store(true, Ordering::SeqCst);
        }
        Some(FaultKind::Delay) => {
            eprintln!(
                "cams-emulator: {} done, answer held back {} ms",
                d.action,
                emu.options.ambiguous_delay.as_millis()
            );
            tokio::time::sleep(emu.options.ambiguous_delay).await;
        }
        _ => {}
    }
    response
}

/// The headers as (name, value) pairs.
fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The host id STS errors name.
fn sts_host() -> &'static str {
    chanctl_cams::credentials::sts::DEFAULT_HOST
}

async fn unknown_path(uri: Uri) -> Response {
    let id = envelope::request_id();
    let e = ApiError::new(
        404,
        "InvalidApi.NotFound",
        format!(
            "Specified api is not found: CAMS serves `/`, not `{}`.",
            uri.path()
        ),
    );
    envelope::error(&id, DEFAULT_HOST, &e)
}

/// A TCP listener whose connections can be closed from a handler, before it answers.
pub struct KillableListener(pub TcpListener);

/// The handler's end of a connection's kill switch (its `ConnectInfo`).
#[derive(Debug, Clone)]
pub struct Kill(Arc<AtomicBool>);

/// A TCP stream that fails every read and write once its switch is set.
pub struct KillableStream {
    inner: TcpStream,
    killed: Arc<AtomicBool>,
}

impl KillableStream {
    fn dead(&self) -> bool {
        self.killed.load(Ordering::SeqCst)
    }
}

fn aborted() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "dropped by fault injection",
    )
}

impl Listener for KillableListener {
    type Io = KillableStream;
    type Addr = Kill;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((inner, _)) => {
                    let _ = inner.set_nodelay(true);
                    let killed = Arc::new(AtomicBool::new(false));
                    return (
                        KillableStream {
                            inner,
                            killed: killed.clone(),
                        },
                        Kill(killed),
                    );
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()?;
        Ok(Kill(Arc::new(AtomicBool::new(false))))
    }
}

impl Connected<IncomingStream<'_, KillableListener>> for Kill {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

impl AsyncRead for KillableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.dead() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.dead() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.dead() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
