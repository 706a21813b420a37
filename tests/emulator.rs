//! The CAMS emulator binary over real HTTP on 127.0.0.1: requests signed with
//! `chanctl::cams::sign` (v3, and the legacy scheme once), checked for the envelope, every
//! operation, the rule refusals, authentication failures, persistence across a kill, flow
//! control and injected faults.

use chanctl::cams::sign::{self, Credentials};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const KEY_ID: &str = "emu-test-id";
const SECRET: &str = "emu-test-secret-3b9c";

struct Emulator {
    child: Child,
    host: String,
}

impl Emulator {
    fn start(extra: &[&str]) -> Emulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cams-emulator"))
            .args(["--listen", "127.0.0.1:0"])
            .args(["--access-key-id", KEY_ID, "--access-key-secret", SECRET])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the emulator");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("ready line");
        let host = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        assert!(
            host.starts_with("127.0.0.1:") && !host.ends_with(":0"),
            "{host}"
        );
        Emulator { child, host }
    }

    fn client(&self) -> Client {
        Client::new(&self.host, Credentials::new(KEY_ID, SECRET))
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Client {
    http: reqwest::Client,
    host: String,
    creds: Credentials,
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

    fn refused(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "{:?}",
            self.body
        );
        for k in ["RequestId", "HostId", "Message", "Recommend"] {
            assert!(self.body[k].is_string(), "{k} in {:?}", self.body);
        }
    }
}

fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl Client {
    fn new(host: &str, creds: Credentials) -> Client {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("http client");
        Client {
            http,
            host: host.to_string(),
            creds,
        }
    }

    /// A call that must succeed; its body.
    async fn ok(&self, action: &str, params: &[(&str, &str)]) -> Value {
        self.call(action, params).await.ok()
    }

    /// A call that must be refused with `status` and `code`.
    async fn no(&self, action: &str, params: &[(&str, &str)], status: u16, code: &str) -> Reply {
        let r = self.call(action, params).await;
        r.refused(status, code);
        r
    }

    async fn call(&self, action: &str, params: &[(&str, &str)]) -> Reply {
        let now = sign::format_date(jiff::Timestamp::now());
        self.signed(action, &p(params), b"", &now, &sign::new_nonce())
            .await
            .expect("an answer")
    }

    async fn signed(
        &self,
        action: &str,
        query: &[(String, String)],
        body: &[u8],
        date: &str,
        nonce: &str,
    ) -> Result<Reply, reqwest::Error> {
        let headers = sign::sign_v3(
            "POST",
            &self.host,
            action,
            "2020-06-06",
            query,
            body,
            date,
            nonce,
            &self.creds,
        );
        let q = sign::canonical_query(query);
        let mut req = self
            .http
            .post(format!("http://{}/?{q}", self.host))
            .body(body.to_vec());
        for (k, v) in headers.iter().filter(|(k, _)| k != "host") {
            req = req.header(k.as_str(), v.as_str());
        }
        send(req).await
    }
}

async fn send(req: reqwest::RequestBuilder) -> Result<Reply, reqwest::Error> {
    let resp = req.send().await?;
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("x-acs-retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = resp.bytes().await?;
    let body = serde_json::from_slice(&bytes).expect("a JSON body");
    Ok(Reply {
        status,
        body,
        retry_after,
    })
}

async fn create(c: &Client, name: &str, channel_type: &str) -> String {
    let r = c
        .ok(
            "CreateInstance",
            &[("ChannelType", channel_type), ("InstanceName", name)],
        )
        .await;
    r["Data"]["InstanceId"]
        .as_str()
        .expect("InstanceId")
        .to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list["Data"]
        .as_array()
        .expect("Data rows")
        .iter()
        .map(|r| r["InstanceId"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn instances_are_created_listed_paged_updated_and_deleted() {
    let emu = Emulator::start(&[]);
    let c = emu.client();
    let wa = create(&c, "Support WA", "whatsapp").await;
    let ms = create(&c, "Support Messenger", "MESSENGER").await;
    let em = create(&c, "Mail", "email").await;

    let all = c.ok("ListInstance", &[]).await;
    let rid = all["RequestId"].as_str().unwrap_or_default();
    assert_eq!(rid.len(), 36);
    assert_eq!(rid, rid.to_uppercase());
    assert_eq!(all["TotalCount"], 3);
    assert_eq!(ids(&all), vec![wa.clone(), ms.clone(), em.clone()]);
    let row = &all["Data"][1];
    assert_eq!(row["CustSpaceId"], row["InstanceId"]);
    assert_eq!(row["ChannelType"], "messenger");

    let page = [("PageSize", "2"), ("PageIndex", "2")];
    let second = c.ok("ListInstance", &page).await;
    assert_eq!(
        (ids(&second), &second["TotalCount"]),
        (vec![em.clone()], &3.into())
    );
    let beyond = c.ok("ListInstance", &[("PageIndex", "9")]).await;
    assert!(ids(&beyond).is_empty());
    let filtered = c
        .ok(
            "ListInstance",
            &[("ChannelType", "Messenger"), ("InstanceName", "Support")],
        )
        .await;
    assert_eq!(ids(&filtered), vec![ms.clone()]);
    let unbound = c.ok("ListInstance", &[("IsBind", "True")]).await;
    assert_eq!(unbound["TotalCount"], 0);
    c.no(
        "ListInstance",
        &[("PageSize", "101")],
        400,
        "InvalidParameter.PageSize",
    )
    .await;

    let upd = [
        ("InstanceId", wa.as_str()),
        ("InstanceName", "WA"),
        ("InstanceDescription", "d é"),
    ];
    c.ok("UpdateInstance", &upd).await;
    let q = c.ok("QueryInstance", &[("InstanceId", &wa)]).await;
    assert_eq!(
        (
            &q["Data"]["InstanceName"],
            &q["Data"]["InstanceDescription"]
        ),
        (&"WA".into(), &"d é".into())
    );

    c.ok("DeleteInstance", &[("InstanceId", &wa)]).await;
    c.no(
        "QueryInstance",
        &[("InstanceId", &wa)],
        400,
        "InvalidInstanceId.NotFound",
    )
    .await;
    c.no(
        "CreateInstance",
        &[("ChannelType", "fax"), ("InstanceName", "x")],
        400,
        "InvalidParameter.ChannelType",
    )
    .await;
    c.no(
        "CreateInstance",
        &[("ChannelType", "sms")],
        400,
        "MissingParameter",
    )
    .await;
    c.no("NoSuchAction", &[], 404, "InvalidApi.NotFound").await;
}

#[tokio::test]
async fn every_binding_operation_maps_onto_the_rules() {
    let emu = Emulator::start(&[]);
    let c = emu.client();
    let ms = create(&c, "m", "messenger").await;
    let ig = create(&c, "i", "instagram").await;
    let em = create(&c, "e", "email").await;
    let wa = create(&c, "w", "whatsapp").await;
    let vb = create(&c, "v", "viber").await;

    // Messenger.
    let bind = [("InstanceId", ms.as_str()), ("PageId", "111")];
    let r = c.ok("BindMessengerPage", &bind).await;
    assert_eq!(r["Data"][0]["PageId"], "111");
    c.ok("BindMessengerPage", &bind).await; // the same binding again is fine
    c.no(
        "BindMessengerPage",
        &[("InstanceId", &ms), ("PageId", "222")],
        400,
        "OperationDenied.AlreadyBound",
    )
    .await;
    let by_page = c.ok("ListInstance", &[("BindId", "111")]).await;
    assert_eq!(ids(&by_page), vec![ms.clone()]);
    assert_eq!(by_page["Data"][0]["BindId"], "111");
    c.no(
        "DeleteMessengerPage",
        &[("InstanceId", &ms), ("PageId", "999")],
        400,
        "OperationDenied.BindingMismatch",
    )
    .await;
    c.ok("DeleteMessengerPage", &bind).await;
    assert_eq!(
        c.ok("ListInstance", &[("IsBind", "true")]).await["TotalCount"],
        0
    );

    // Instagram.
    let bind = [
        ("InstanceId", ig.as_str()),
        ("PageId", "333"),
        ("AccountId", "444"),
    ];
    c.ok("BindInstagramPage", &bind).await;
    let info = c.ok("ListInstagramPage", &[("InstanceId", &ig)]).await;
    assert_eq!(info["Data"]["InstagramInfo"]["AccountId"], "444");
    c.ok(
        "DeleteInstagramPage",
        &[("InstanceId", &ig), ("PageId", "333")],
    )
    .await;
    let info = c.ok("ListInstagramPage", &[("InstanceId", &ig)]).await;
    assert!(info["Data"]["InstagramInfo"].is_null());

    // DirectMail.
    let attr = r#"{"AccountName":"noreply@mail.example.com","SendType":"batch"}"#;
    let bind = [
        ("CustSpaceId", em.as_str()),
        ("AccountCode", "acc-1"),
        ("ExtendAttr", attr),
    ];
    c.ok("BindDmAccount", &bind).await;
    let dm = c.ok("ListBindDmAccount", &[("CustSpaceId", &em)]).await;
    assert_eq!(dm["Data"][0]["AccountCode"], "acc-1");
    assert_eq!(
        dm["Data"][0]["ExtendAttr"]["AccountName"],
        "noreply@mail.example.com"
    );
    c.ok("UnbindDmAccount", &[("CustSpaceId", &em)]).await;
    let dm = c.ok("ListBindDmAccount", &[("CustSpaceId", &em)]).await;
    assert_eq!(dm["Data"], Value::Array(vec![]));
    c.no(
        "BindDmAccount",
        &[
            ("CustSpaceId", &em),
            ("AccountCode", "a"),
            ("ExtendAttr", "{"),
        ],
        400,
        "InvalidParameter.ExtendAttr",
    )
    .await;

    // WhatsApp.
    c.no(
        "QueryChatappBindWaba",
        &[("CustSpaceId", &wa)],
        400,
        "ERR-OPERATION-MAAP-0060",
    )
    .await;
    let bind = [
        ("WabaId", "555"),
        ("CustSpaceId", wa.as_str()),
        ("PhoneNumber", "+6588001234"),
    ];
    let r = c.ok("ChatappBindWaba", &bind).await;
    assert_eq!(
        (&r["Data"]["WabaId"], &r["Data"]["CustSpaceId"]),
        (&"555".into(), &wa.clone().into())
    );
    let w = c.ok("QueryChatappBindWaba", &[("CustSpaceId", &wa)]).await;
    assert_eq!(w["Data"]["Id"], "555");
    let n = c
        .ok("QueryChatappPhoneNumbers", &[("CustSpaceId", &wa)])
        .await;
    assert_eq!(n["PhoneNumbers"][0]["PhoneNumber"], "+6588001234");
    c.no(
        "ChatappBindWaba",
        &[
            ("WabaId", "5"),
            ("CustSpaceId", &ms),
            ("PhoneNumber", "6588"),
        ],
        400,
        "InvalidParameter.PhoneNumber",
    )
    .await;
    c.no(
        "ChatappBindWaba",
        &[
            ("WabaId", "5"),
            ("CustSpaceId", &ms),
            ("PhoneNumber", "+6588001299"),
        ],
        400,
        "OperationDenied.ChannelTypeMismatch",
    )
    .await;

    // Viber: pending until the audit is queried.
    let record = r#"{"BusinessAccountName":"Acme Viber","ContactName":"x"}"#;
    let r = c
        .ok(
            "AddAuditViberOpen",
            &[("CustSpaceId", &vb), ("AuditRecord", record)],
        )
        .await;
    let request_no = r["Data"]["RequestNo"]
        .as_str()
        .expect("RequestNo")
        .to_string();
    let services = c
        .ok("ListViberServiceMessage", &[("CustSpaceId", &vb)])
        .await;
    assert_eq!(services["Data"][0]["State"], "Auditing");
    assert_eq!(services["Data"][0]["BusinessAccountName"], "Acme Viber");
    let audit = c
        .ok("GetViberByRequestNo", &[("RequestNo", &request_no)])
        .await;
    assert_eq!(
        (&audit["Data"]["State"], &audit["Data"]["AuditResult"]),
        (&"Approved".into(), &"Pass".into())
    );
    let services = c
        .ok("ListViberServiceMessage", &[("CustSpaceId", &vb)])
        .await;
    assert_eq!(services["Data"][0]["State"], "Approved");
    c.no(
        "GetViberByRequestNo",
        &[("RequestNo", "nope")],
        400,
        "InvalidRequestNo.NotFound",
    )
    .await;

    // Deleting an instance releases what it held.
    c.ok("DeleteInstance", &[("InstanceId", &wa)]).await;
    let wa2 = create(&c, "w2", "whatsapp").await;
    c.ok(
        "ChatappBindWaba",
        &[
            ("WabaId", "555"),
            ("CustSpaceId", &wa2),
            ("PhoneNumber", "+6588001234"),
        ],
    )
    .await;
}

#[tokio::test]
async fn quota_and_resource_holders_are_enforced() {
    let emu = Emulator::start(&["--quota", "2"]);
    let c = emu.client();
    let a = create(&c, "a", "messenger").await;
    let b = create(&c, "b", "messenger").await;
    c.no(
        "CreateInstance",
        &[("ChannelType", "sms"), ("InstanceName", "c")],
        400,
        "QuotaExceeded.Instance",
    )
    .await;
    c.ok("BindMessengerPage", &[("InstanceId", &a), ("PageId", "7")])
        .await;
    let held = c
        .call("BindMessengerPage", &[("InstanceId", &b), ("PageId", "7")])
        .await;
    held.refused(400, "OperationDenied.ResourceHeld");
    assert!(
        held.body["Message"]
            .as_str()
            .unwrap_or_default()
            .contains(&a)
    );
}

#[tokio::test]
async fn authentication_failures_use_the_gateway_codes() {
    let emu = Emulator::start(&[]);
    let good = emu.client();
    let wrong = Client::new(&emu.host, Credentials::new(KEY_ID, "not-the-secret"));
    let r = wrong.call("ListInstance", &[]).await;
    r.refused(400, "SignatureDoesNotMatch");
    let msg = r.body["Message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("server StringToSign is [ACS3-HMAC-SHA256\n"),
        "{msg}"
    );
    assert!(!msg.contains(SECRET) && !msg.contains("not-the-secret"));
    Client::new(&emu.host, Credentials::new("someone", SECRET))
        .no("ListInstance", &[], 404, "InvalidAccessKeyId.NotFound")
        .await;

    // The same signed request twice: the nonce is spent by the first.
    let now = sign::format_date(jiff::Timestamp::now());
    let q = p(&[("PageSize", "5")]);
    let first = good
        .signed("ListInstance", &q, b"", &now, "fixed-nonce-1")
        .await;
    first.expect("answer").ok();
    let again = good
        .signed("ListInstance", &q, b"", &now, "fixed-nonce-1")
        .await;
    again.expect("answer").refused(400, "SignatureNonceUsed");

    let old = sign::format_date(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(20 * 60));
    let stale = good
        .signed("ListInstance", &q, b"", &old, &sign::new_nonce())
        .await;
    stale
        .expect("answer")
        .refused(400, "InvalidTimeStamp.Expired");

    // Parameters in a form body are read (and covered by x-acs-content-sha256).
    let body = b"ChannelType=sms&InstanceName=from+the+body";
    let date = sign::format_date(jiff::Timestamp::now());
    let r = good
        .signed("CreateInstance", &[], body, &date, &sign::new_nonce())
        .await;
    assert_eq!(
        r.expect("answer").ok()["Data"]["InstanceName"],
        "from the body"
    );

    // The legacy HMAC-SHA1 scheme, everything in the query.
    let params = sign::sign_v1(
        "POST",
        "ListInstance",
        "2020-06-06",
        &p(&[("InstanceName", "from the")]),
        &sign::format_date(jiff::Timestamp::now()),
        &sign::new_nonce(),
        &Credentials::new(KEY_ID, SECRET),
    );
    let url = format!("http://{}/?{}", emu.host, sign::canonical_query(&params));
    let legacy = send(good.http.post(url)).await.expect("answer").ok();
    assert_eq!(legacy["TotalCount"], 1);
}

#[tokio::test]
async fn the_state_file_survives_a_kill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("cams.json");
    let state_arg = state.to_str().expect("utf-8 path");
    let emu = Emulator::start(&["--state", state_arg]);
    let c = emu.client();
    let id = create(&c, "kept", "messenger").await;
    c.ok(
        "BindMessengerPage",
        &[("InstanceId", &id), ("PageId", "42")],
    )
    .await;
    emu.kill(); // SIGKILL: nothing is flushed on the way out

    let emu = Emulator::start(&["--state", state_arg]);
    let c = emu.client();
    let list = c.ok("ListInstance", &[("BindId", "42")]).await;
    assert_eq!(ids(&list), vec![id.clone()]);
    assert!(no_temp_files(dir.path()));
    // Generated ids continue after the stored ones.
    let next = create(&c, "next", "sms").await;
    assert_ne!(next, id);
}

fn no_temp_files(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().count() == 1)
        .unwrap_or(false)
}

#[tokio::test]
async fn qps_throttles_each_action_separately() {
    let emu = Emulator::start(&["--qps", "2"]);
    let c = emu.client();
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(c.call("ListInstance", &[]).await.code().to_string());
    }
    assert_eq!(codes.iter().filter(|c| *c == "OK").count(), 2, "{codes:?}");
    assert!(codes.iter().any(|c| c == "Throttling.User"), "{codes:?}");
    c.no(
        "QueryInstance",
        &[("InstanceId", "x")],
        400,
        "InvalidInstanceId.NotFound",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    c.ok("ListInstance", &[]).await;
}

#[tokio::test]
async fn injected_faults_keep_or_drop_the_change_as_documented() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("cams.json");
    let state_arg = state.to_str().expect("utf-8 path");
    let faulty = |kind: &str| {
        Emulator::start(&[
            "--state",
            state_arg,
            "--fault-rate",
            "1",
            "--faults",
            kind,
            "--ambiguous-delay-ms",
            "3000",
        ])
    };
    let call = [("ChannelType", "sms"), ("InstanceName", "ambiguous")];

    // Answered failures change nothing.
    let emu = faulty("business");
    let r = emu.client().call("CreateInstance", &call).await;
    assert_eq!(
        (r.status, r.code(), &r.body["Success"]),
        (200, "ERR-COMMON-001", &false.into())
    );
    emu.kill();
    let emu = faulty("unavailable");
    emu.client()
        .no("CreateInstance", &call, 503, "ServiceUnavailable")
        .await;
    emu.kill();
    let emu = faulty("throttle");
    let mut hinted = false;
    for _ in 0..6 {
        let r = emu.client().call("CreateInstance", &call).await;
        r.refused(400, "Throttling.User");
        hinted |= r.retry_after.is_some();
    }
    assert!(hinted, "some throttles carry x-acs-retry-after");
    emu.kill();

    // Ambiguous failures: the connection drops, or the answer comes too late; the change is made.
    let emu = faulty("drop");
    let now = sign::format_date(jiff::Timestamp::now());
    let dropped = emu
        .client()
        .signed("CreateInstance", &p(&call), b"", &now, &sign::new_nonce())
        .await;
    assert!(dropped.is_err(), "{dropped:?}");
    emu.kill();
    let emu = faulty("delay");
    let mut slow = emu.client();
    slow.http = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let now = sign::format_date(jiff::Timestamp::now());
    let q = p(&[("ChannelType", "sms"), ("InstanceName", "late")]);
    let late = slow
        .signed("CreateInstance", &q, b"", &now, &sign::new_nonce())
        .await;
    assert!(late.as_ref().is_err_and(|e| e.is_timeout()), "{late:?}");
    emu.kill();

    let emu = Emulator::start(&["--state", state_arg]);
    let list = emu.client().ok("ListInstance", &[]).await;
    let names: Vec<&str> = list["Data"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["InstanceName"].as_str())
        .collect();
    assert_eq!(names, vec!["ambiguous", "late"]);
}
