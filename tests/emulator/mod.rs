//! The CAMS emulator binary over real HTTP on 127.0.0.1: requests signed with
//! `chanctl_cams::sign` (v3, and the legacy scheme once), checked for the envelope, the
//! instance operations, the rule refusals, authentication failures, persistence across a
//! kill, flow control and injected faults; the binding operations are in bindings.rs, the
//! reviews (templates, a Viber application) in reviews.rs. The client and helpers here are
//! theirs too.

use chanctl_cams::sign::{self, Credentials};
use serde_json::Value;
use std::time::Duration;

pub(crate) const KEY_ID: &str = "emu-test-id";
pub(crate) const SECRET: &str = "emu-test-secret-3b9c";

use crate::common;
use common::Emulator;

mod bindings;
mod reviews;

/// The emulator with this file's key, and `extra` flags.
pub(crate) fn start(extra: &[&str]) -> Emulator {
    Emulator::spawn(KEY_ID, SECRET, extra)
}

/// A client signing with this file's key.
pub(crate) fn client(emu: &Emulator) -> Client {
    Client::new(emu.host(), Credentials::new(KEY_ID, SECRET))
}

#[derive(Debug)]
struct Reply {
    status: u16,
    body: Value,
    retry_after: Option<String>,
}

impl Reply {
    fn code(&self) -> &str {
        self.body["Code"].as_str().unwrap_or_default()
    }

    fn ok(self) -> Value {
        assert_eq!((self.status, self.code()), (200, "OK"), "{:?}", self.body);
        assert_eq!(self.body["Success"], true);
        self.body
    }

    /// `expect` is "STATUS Code".
    fn refused(&self, expect: &str) {
        let got = format!("{} {}", self.status, self.code());
        assert_eq!(got, expect, "{:?}", self.body);
        for k in ["RequestId", "HostId", "Message", "Recommend"] {
            assert!(self.body[k].is_string(), "{k} in {:?}", self.body);
        }
    }
}

/// `"K=V&K=V"` (values without `&` or `=`, not encoded) as parameters.
fn q(spec: &str) -> Vec<(String, String)> {
    spec.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn now() -> String {
    sign::format_date(jiff::Timestamp::now())
}

pub(crate) struct Client {
    http: reqwest::Client,
    host: String,
    creds: Credentials,
}

impl Client {
    fn new(host: &str, creds: Credentials) -> Client {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10));
        let http = http.build().expect("http client");
        let host = host.to_string();
        Client { http, host, creds }
    }

    async fn call(&self, action: &str, spec: &str) -> Reply {
        self.fresh(action, &q(spec), b"").await.expect("an answer")
    }

    /// Signed now, with a new nonce.
    async fn fresh(
        &self,
        action: &str,
        query: &[(String, String)],
        body: &[u8],
    ) -> Result<Reply, reqwest::Error> {
        let (date, nonce) = (now(), sign::new_nonce());
        self.signed(action, query, body, &date, &nonce).await
    }

    /// A call that must succeed; its body.
    pub(crate) async fn ok(&self, action: &str, spec: &str) -> Value {
        self.call(action, spec).await.ok()
    }

    /// The first channel's instance id and its Viber application waiting for audit
    /// (`GetAuditRequestByTypeUnAudit`'s `Data`).
    pub(crate) async fn pending_viber_application(&self) -> (String, Value) {
        let listed = self.ok("ListInstance", "PageIndex=1&PageSize=10").await;
        let id = listed["Data"][0]["InstanceId"]
            .as_str()
            .unwrap()
            .to_string();
        let waiting = self
            .ok(
                "GetAuditRequestByTypeUnAudit",
                &format!("CustSpaceId={id}&RequestType=viberOpen"),
            )
            .await;
        (id, waiting["Data"].clone())
    }

    /// A call that must be refused: `expect` is "STATUS Code".
    async fn no(&self, action: &str, spec: &str, expect: &str) -> Reply {
        let r = self.call(action, spec).await;
        r.refused(expect);
        r
    }

    async fn signed(
        &self,
        action: &str,
        query: &[(String, String)],
        body: &[u8],
        date: &str,
        nonce: &str,
    ) -> Result<Reply, reqwest::Error> {
        let (host, v) = (&self.host, "2020-06-06");
        let headers = sign::sign_v3(
            "POST",
            host,
            action,
            v,
            query,
            body,
            date,
            nonce,
            &self.creds,
        );
        let url = format!("http://{host}/?{}", sign::canonical_query(query));
        let mut req = self.http.post(url).body(body.to_vec());
        for (k, v) in headers.iter().filter(|(k, _)| k != "host") {
            req = req.header(k.as_str(), v.as_str());
        }
        send(req).await
    }
}

async fn send(req: reqwest::RequestBuilder) -> Result<Reply, reqwest::Error> {
    let resp = req.send().await?;
    let status = resp.status().as_u16();
    let retry_after = resp.headers().get("x-acs-retry-after");
    let retry_after = retry_after
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = serde_json::from_slice(&resp.bytes().await?).expect("a JSON body");
    Ok(Reply {
        status,
        body,
        retry_after,
    })
}

async fn create(c: &Client, name: &str, channel_type: &str) -> String {
    let spec = format!("ChannelType={channel_type}&InstanceName={name}");
    let r = c.ok("CreateInstance", &spec).await;
    r["Data"]["InstanceId"]
        .as_str()
        .expect("InstanceId")
        .to_string()
}

fn ids(list: &Value) -> Vec<String> {
    let rows = list["Data"].as_array().expect("Data rows").iter();
    rows.map(|r| r["InstanceId"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn instances_are_created_listed_paged_updated_and_deleted() {
    let emu = start(&[]);
    let c = client(&emu);
    let wa = create(&c, "Support WA", "whatsapp").await;
    let ms = create(&c, "Support Messenger", "MESSENGER").await;
    let em = create(&c, "Mail", "email").await;

    let all = c.ok("ListInstance", "").await;
    let rid = all["RequestId"].as_str().unwrap_or_default();
    assert_eq!((rid.len(), rid.to_uppercase()), (36, rid.to_string()));
    assert_eq!(all["TotalCount"], 3);
    assert_eq!(ids(&all), [wa.as_str(), ms.as_str(), em.as_str()]);
    let row = &all["Data"][1];
    assert_eq!(row["CustSpaceId"], row["InstanceId"]);
    assert_eq!(row["ChannelType"], "messenger");

    let second = c.ok("ListInstance", "PageSize=2&PageIndex=2").await;
    assert_eq!((ids(&second), &second["TotalCount"]), (vec![em], &3.into()));
    assert!(ids(&c.ok("ListInstance", "PageIndex=9").await).is_empty());
    let filtered = c.ok("ListInstance", "ChannelType=Messenger&InstanceName=Support");
    assert_eq!(ids(&filtered.await), [ms.as_str()]);
    assert_eq!(c.ok("ListInstance", "IsBind=True").await["TotalCount"], 0);
    c.no(
        "ListInstance",
        "PageSize=101",
        "400 InvalidParameter.PageSize",
    )
    .await;

    let upd = format!("InstanceId={wa}&InstanceName=WA&InstanceDescription=d é");
    c.ok("UpdateInstance", &upd).await;
    let data = c.ok("QueryInstance", &format!("InstanceId={wa}")).await["Data"].clone();
    assert_eq!(
        (&data["InstanceName"], &data["InstanceDescription"]),
        (&"WA".into(), &"d é".into())
    );

    c.ok("DeleteInstance", &format!("InstanceId={wa}")).await;
    let gone = format!("InstanceId={wa}");
    c.no("QueryInstance", &gone, "400 InvalidInstanceId.NotFound")
        .await;
    let fax = "ChannelType=fax&InstanceName=x";
    c.no("CreateInstance", fax, "400 InvalidParameter.ChannelType")
        .await;
    c.no("CreateInstance", "ChannelType=sms", "400 MissingParameter")
        .await;
    c.no("NoSuchAction", "", "404 InvalidApi.NotFound").await;
}

#[tokio::test]
async fn quota_and_resource_holders_are_enforced() {
    let emu = start(&["--quota", "2"]);
    let c = client(&emu);
    let a = create(&c, "a", "messenger").await;
    let b = create(&c, "b", "messenger").await;
    let third = "ChannelType=sms&InstanceName=c";
    c.no("CreateInstance", third, "400 QuotaExceeded.Instance")
        .await;
    c.ok("BindMessengerPage", &format!("InstanceId={a}&PageId=7"))
        .await;
    let held = format!("InstanceId={b}&PageId=7");
    let r = c
        .no(
            "BindMessengerPage",
            &held,
            "400 OperationDenied.ResourceHeld",
        )
        .await;
    assert!(r.body["Message"].as_str().unwrap_or_default().contains(&a));
}

#[tokio::test]
async fn authentication_failures_use_the_gateway_codes() {
    let emu = start(&[]);
    let good = client(&emu);
    let wrong = Client::new(emu.host(), Credentials::new(KEY_ID, "not-the-secret"));
    let r = wrong
        .no("ListInstance", "", "400 SignatureDoesNotMatch")
        .await;
    let msg = r.body["Message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("server StringToSign is [ACS3-HMAC-SHA256\n"),
        "{msg}"
    );
    assert!(!msg.contains(SECRET) && !msg.contains("not-the-secret"));
    let stranger = Client::new(emu.host(), Credentials::new("someone", SECRET));
    stranger
        .no("ListInstance", "", "404 InvalidAccessKeyId.NotFound")
        .await;

    // The same signed request twice: the nonce is spent by the first.
    let (date, page) = (now(), q("PageSize=5"));
    let first = good
        .signed("ListInstance", &page, b"", &date, "fixed-nonce-1")
        .await;
    first.expect("answer").ok();
    let again = good
        .signed("ListInstance", &page, b"", &date, "fixed-nonce-1")
        .await;
    again.expect("answer").refused("400 SignatureNonceUsed");

    let old = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(20 * 60);
    let old = sign::format_date(old);
    let stale = good
        .signed("ListInstance", &page, b"", &old, &sign::new_nonce())
        .await;
    stale
        .expect("answer")
        .refused("400 InvalidTimeStamp.Expired");

    // Parameters in a form body are read (and covered by x-acs-content-sha256).
    let body = b"ChannelType=sms&InstanceName=from+the+body";
    let r = good.fresh("CreateInstance", &[], body).await;
    assert_eq!(
        r.expect("answer").ok()["Data"]["InstanceName"],
        "from the body"
    );

    // The legacy HMAC-SHA1 scheme, everything in the query, with GET.
    let (creds, filter) = (Credentials::new(KEY_ID, SECRET), q("InstanceName=from the"));
    let params = sign::sign_v1(
        "GET",
        "ListInstance",
        "2020-06-06",
        &filter,
        &now(),
        &sign::new_nonce(),
        &creds,
    );
    let url = format!("http://{}/?{}", emu.host(), sign::canonical_query(&params));
    let legacy = send(good.http.get(url)).await.expect("answer").ok();
    assert_eq!(legacy["TotalCount"], 1);
}

#[tokio::test]
async fn the_state_file_survives_a_kill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("cams.json");
    let state_arg = state.to_str().expect("utf-8 path");
    let emu = start(&["--state", state_arg]);
    let c = client(&emu);
    let id = create(&c, "kept", "messenger").await;
    c.ok("BindMessengerPage", &format!("InstanceId={id}&PageId=42"))
        .await;
    emu.kill();

    let emu = start(&["--state", state_arg]);
    let c = client(&emu);
    assert_eq!(ids(&c.ok("ListInstance", "BindId=42").await), [id.as_str()]);
    let files = std::fs::read_dir(dir.path())
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(files, 1, "no temporary file is left behind");
    // Generated ids continue after the stored ones.
    assert_ne!(create(&c, "next", "sms").await, id);
}

#[tokio::test]
async fn qps_throttles_each_action_separately() {
    let emu = start(&["--qps", "2"]);
    let c = client(&emu);
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(c.call("ListInstance", "").await.code().to_string());
    }
    assert_eq!(codes.iter().filter(|c| *c == "OK").count(), 2, "{codes:?}");
    assert!(codes.iter().any(|c| c == "Throttling.User"), "{codes:?}");
    c.no(
        "QueryInstance",
        "InstanceId=x",
        "400 InvalidInstanceId.NotFound",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    c.ok("ListInstance", "").await;
}

#[tokio::test]
async fn injected_faults_keep_or_drop_the_change_as_documented() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("cams.json");
    let state_arg = state.to_str().expect("utf-8 path");
    let faulty = |kind: &str| {
        let delay = ["--ambiguous-delay-ms", "3000"];
        start(
            &[
                &["--state", state_arg, "--fault-rate", "1", "--faults", kind],
                &delay[..],
            ]
            .concat(),
        )
    };
    let create_one = "ChannelType=sms&InstanceName=ambiguous";

    // Answered failures change nothing.
    let emu = faulty("business");
    let r = client(&emu).call("CreateInstance", create_one).await;
    assert_eq!(
        (r.status, r.code(), &r.body["Success"]),
        (200, "ERR-COMMON-001", &false.into())
    );
    emu.kill();
    let emu = faulty("unavailable");
    client(&emu)
        .no("CreateInstance", create_one, "503 ServiceUnavailable")
        .await;
    emu.kill();
    let emu = faulty("throttle");
    let mut hinted = false;
    for _ in 0..6 {
        let r = client(&emu)
            .no("CreateInstance", create_one, "400 Throttling.User")
            .await;
        hinted |= r.retry_after.is_some();
    }
    assert!(hinted, "some throttles carry x-acs-retry-after");
    emu.kill();

    // Ambiguous failures: the connection drops, or the answer comes too late; the change is made.
    let emu = faulty("drop");
    let dropped = client(&emu)
        .fresh("CreateInstance", &q(create_one), b"")
        .await;
    assert!(dropped.is_err(), "{dropped:?}");
    emu.kill();
    let emu = faulty("delay");
    let mut slow = client(&emu);
    slow.http = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let late = q("ChannelType=sms&InstanceName=late");
    let late = slow.fresh("CreateInstance", &late, b"").await;
    assert!(late.as_ref().is_err_and(|e| e.is_timeout()), "{late:?}");
    emu.kill();

    let emu = start(&["--state", state_arg]);
    let list = client(&emu).ok("ListInstance", "").await;
    let rows = list["Data"].as_array().expect("rows").iter();
    let names: Vec<&str> = rows.filter_map(|r| r["InstanceName"].as_str()).collect();
    assert_eq!(names, ["ambiguous", "late"]);
}
