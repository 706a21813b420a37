#!/usr/bin/env python3
"""Conformance of the CAMS emulator with the official Python SDK.

The emulator is only useful if it behaves like the service towards real clients. This script
starts the emulator binary on 127.0.0.1, drives every channel and binding operation it serves
with `alibabacloud-cams20200606` (the SDK's own signer, v3 and legacy v2, with and without an
STS token), and checks that the signatures are accepted, that replies parse into the SDK's
models, and that errors surface as the SDK's exceptions with the gateway codes.

Setup (once, from the repository root):
    python3 -m venv .venv && .venv/bin/pip install alibabacloud-cams20200606
    cargo build --bin cams-emulator
Run:
    .venv/bin/python tests/sdk/sdk_conformance.py [--emulator PATH]
The emulator is found with --emulator, $CAMS_EMULATOR, or target/debug/cams-emulator under
$CARGO_TARGET_DIR or the repository. Prints "N passed, M failed"; exits non-zero on failure.
"""
import argparse
import os
import subprocess
import sys
import traceback

from alibabacloud_cams20200606 import models as m
from alibabacloud_cams20200606.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException
from alibabacloud_tea_openapi import utils_models as api

KEY_ID = "sdk-test-id"
SECRET = "sdk-test-secret-91d2"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def find_emulator(explicit):
    candidates = [explicit, os.environ.get("CAMS_EMULATOR")]
    for target in (os.environ.get("CARGO_TARGET_DIR"), os.path.join(ROOT, "target")):
        if target:
            candidates.append(os.path.join(target, "debug", "cams-emulator"))
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    sys.exit("cams-emulator not found: build it (cargo build -p cams-emulator) or pass --emulator")


class Emulator:
    def __init__(self, binary, *extra):
        self.proc = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--access-key-id", KEY_ID,
             "--access-key-secret", SECRET, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on http://"):
            self.stop()
            sys.exit(f"unexpected first line from the emulator: {line!r}")
        self.endpoint = line[len("listening on http://"):]

    def client(self, secret=SECRET, key_id=KEY_ID, **config):
        return Client(api.Config(access_key_id=key_id, access_key_secret=secret,
                                 endpoint=self.endpoint, protocol="http", **config))

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def ok(resp):
    assert resp.status_code == 200, resp.status_code
    assert resp.body.code == "OK", resp.body.code
    assert resp.body.success is True
    rid = resp.body.request_id
    assert rid and rid == rid.upper() and len(rid) == 36, rid
    return resp.body


def ok_bare(resp):
    """A reply whose model declares only RequestId (e.g. ChangeResourceGroup)."""
    assert resp.status_code == 200, resp.status_code
    rid = resp.body.request_id
    assert rid and rid == rid.upper() and len(rid) == 36, rid
    return resp.body


def refused(fn, code, status=400, exc=ClientException):
    try:
        fn()
    except exc as e:
        assert e.code == code, f"{e.code} != {code}: {e.message}"
        assert e.status_code == status, f"{e.status_code} != {status}"
        return e
    raise AssertionError(f"expected {code}, the call succeeded")


CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def create(c, name, channel_type):
    body = ok(c.create_instance(m.CreateInstanceRequest(channel_type=channel_type, instance_name=name)))
    return body.data.instance_id


@check
def instances(emu):
    c = emu.client()
    body = ok(c.create_instance(m.CreateInstanceRequest(
        channel_type="whatsapp", instance_name="SDK Chan ü/~*+&=é",
        instance_description="desc with  two spaces", contact_mail="ops@example.com", country_id="SG")))
    iid = body.data.instance_id
    assert body.data.channel_type == "whatsapp"
    listed = ok(c.list_instance(m.ListInstanceRequest(page_index=1, page_size=10, is_bind=False,
                                                      channel_type="whatsapp")))
    assert listed.total_count >= 1
    row = next(r for r in listed.data if r.instance_id == iid)
    assert row.instance_name == "SDK Chan ü/~*+&=é" and row.cust_space_id == iid
    assert row.contact_mail == "ops@example.com"
    ok(c.update_instance(m.UpdateInstanceRequest(instance_id=iid, instance_name="renamed",
                                                 instance_description="new")))
    q = ok(c.query_instance(m.QueryInstanceRequest(instance_id=iid)))
    assert (q.data.instance_name, q.data.instance_description) == ("renamed", "new")
    ok_bare(c.change_resource_group(m.ChangeResourceGroupRequest(
        resource_id=iid, resource_group_id="rg-sdk1", resource_type="instance")))
    moved = ok(c.list_instance(m.ListInstanceRequest(resource_group_id="rg-sdk1")))
    assert [r.instance_id for r in moved.data] == [iid]
    ok(c.delete_instance(m.DeleteInstanceRequest(instance_id=iid)))
    refused(lambda: c.query_instance(m.QueryInstanceRequest(instance_id=iid)),
            "InvalidInstanceId.NotFound")


@check
def paging(emu):
    c = emu.client()
    made = [create(c, f"page-{i}", "sms") for i in range(3)]
    first = ok(c.list_instance(m.ListInstanceRequest(channel_type="sms", page_index=1, page_size=2)))
    second = ok(c.list_instance(m.ListInstanceRequest(channel_type="sms", page_index=2, page_size=2)))
    assert first.total_count == second.total_count == 3
    assert [r.instance_id for r in first.data + second.data] == made


@check
def messenger(emu):
    c = emu.client()
    iid = create(c, "sdk messenger", "messenger")
    body = ok(c.bind_messenger_page(m.BindMessengerPageRequest(instance_id=iid, page_id="1001")))
    assert body.data[0].page_id == "1001"
    listed = ok(c.list_instance(m.ListInstanceRequest(bind_id="1001", is_bind=True)))
    assert [r.instance_id for r in listed.data] == [iid]
    ok(c.delete_messenger_page(m.DeleteMessengerPageRequest(instance_id=iid, page_id="1001")))


@check
def instagram(emu):
    c = emu.client()
    iid = create(c, "sdk instagram", "instagram")
    body = ok(c.bind_instagram_page(m.BindInstagramPageRequest(instance_id=iid, page_id="2001")))
    assert body.data[0].account_id == "2002"
    info = ok(c.list_instagram_page(m.ListInstagramPageRequest(instance_id=iid)))
    assert (info.data.instagram_info.page_id, info.data.instagram_info.account_id) == ("2001", "2002")
    ok(c.delete_instagram_page(m.DeleteInstagramPageRequest(instance_id=iid, page_id="2001")))


@check
def directmail(emu):
    c = emu.client()
    iid = create(c, "sdk mail", "email")
    attr = m.BindDmAccountRequestExtendAttr(account_name="noreply@mail.example.com", send_type="trigger")
    ok(c.bind_dm_account(m.BindDmAccountRequest(cust_space_id=iid, account_code="acc-1", extend_attr=attr)))
    listed = ok(c.list_bind_dm_account(m.ListBindDmAccountRequest(cust_space_id=iid)))
    assert listed.data[0].account_code == "acc-1"
    assert listed.data[0].extend_attr.account_name == "noreply@mail.example.com"
    ok(c.unbind_dm_account(m.UnbindDmAccountRequest(cust_space_id=iid)))
    assert ok(c.list_bind_dm_account(m.ListBindDmAccountRequest(cust_space_id=iid))).data == []


@check
def whatsapp(emu):
    c = emu.client()
    iid = create(c, "sdk whatsapp", "whatsapp")
    refused(lambda: c.query_chatapp_bind_waba(m.QueryChatappBindWabaRequest(cust_space_id=iid)),
            "ERR-OPERATION-MAAP-0060")
    body = ok(c.chatapp_bind_waba(m.ChatappBindWabaRequest(waba_id="3001")))
    assert (body.data.waba_id, body.data.cust_space_id) == ("3001", iid)
    waba = ok(c.query_chatapp_bind_waba(m.QueryChatappBindWabaRequest(cust_space_id=iid)))
    assert waba.data.id == "3001"
    numbers = ok(c.query_chatapp_phone_numbers(m.QueryChatappPhoneNumbersRequest(cust_space_id=iid)))
    assert numbers.phone_numbers[0].phone_number == "6588001234"


def done(resp):
    """A reply whose model declares the envelope but no Success (ChatappPhoneNumberDeregister)."""
    assert resp.status_code == 200, resp.status_code
    assert resp.body.code == "OK", resp.body.code
    return resp.body


@check
def whatsapp_number_registration(emu):
    c = emu.client()
    iid = create(c, "sdk whatsapp numbers", "whatsapp")
    ok(c.chatapp_bind_waba(m.ChatappBindWabaRequest(waba_id="3002")))
    ok(c.add_chatapp_phone_number(m.AddChatappPhoneNumberRequest(
        cc="65", cust_space_id=iid, phone_number="88005678", verified_name="SDK Shop")))

    def listed():
        return {n.phone_number: n for n in ok(c.query_chatapp_phone_numbers(
            m.QueryChatappPhoneNumbersRequest(cust_space_id=iid))).phone_numbers}

    assert listed()["6588005678"].code_verification_status == "NOT_VERIFIED"
    assert listed()["6588005678"].verified_name == "SDK Shop"
    refused(lambda: c.chatapp_verify_and_register(m.ChatappVerifyAndRegisterRequest(
        cust_space_id=iid, phone_number="6588005678", verify_code="123456")),
        "InvalidParameter.VerifyCode")
    ok(c.get_chatapp_verify_code(m.GetChatappVerifyCodeRequest(
        cust_space_id=iid, locale="en_US", method="sms", phone_number="6588005678")))
    ok(c.chatapp_verify_and_register(m.ChatappVerifyAndRegisterRequest(
        cust_space_id=iid, phone_number="6588005678", verify_code="123456")))
    assert listed()["6588005678"].code_verification_status == "VERIFIED"
    done(c.chatapp_phone_number_deregister(m.ChatappPhoneNumberDeregisterRequest(
        cust_space_id=iid, phone_number="6588005678")))
    assert "6588005678" not in listed()
    refused(lambda: c.get_chatapp_verify_code(m.GetChatappVerifyCodeRequest(
        cust_space_id=iid, locale="en_US", method="sms", phone_number="6588005678")),
        "ERR-OPERATION-MAAP-0065")


@check
def viber(emu):
    c = emu.client()
    iid = create(c, "sdk viber", "VIBER")
    record = m.AddAuditViberOpenRequestAuditRecord(business_account_name="SDK Viber", contact_name="x")
    body = ok(c.add_audit_viber_open(m.AddAuditViberOpenRequest(cust_space_id=iid, audit_record=record)))
    request_no = body.data["RequestNo"]
    svc = ok(c.list_viber_service_message(m.ListViberServiceMessageRequest(cust_space_id=iid)))
    # The service's states are not documented: the emulator writes none unless told.
    assert not svc.data[0].state and svc.data[0].business_account_name == "SDK Viber"
    unaudited = ok(c.get_audit_request_by_type_un_audit(m.GetAuditRequestByTypeUnAuditRequest(
        cust_space_id=iid, request_type="viberOpen")))
    assert unaudited.data.request_no == request_no
    assert unaudited.data.audit_record.business_account_name == "SDK Viber"
    # While pending, UpdateAuditRequest edits the application (the SDK's own request model).
    edit = m.UpdateAuditRequestRequestAuditRecord(
        company_legal_name="SDK Ltd.", industry_involved="Retail", message_destination_country=["SG"])
    ok(c.update_audit_request(m.UpdateAuditRequestRequest(
        cust_space_id=iid, request_no=request_no, audit_record=edit)))
    unaudited = ok(c.get_audit_request_by_type_un_audit(m.GetAuditRequestByTypeUnAuditRequest(
        cust_space_id=iid, request_type="viberOpen")))
    assert unaudited.data.audit_record.company_legal_name == "SDK Ltd."
    assert unaudited.data.audit_record.business_account_name == "SDK Viber"
    audit = ok(c.get_viber_by_request_no(m.GetViberByRequestNoRequest(request_no=request_no)))
    assert (audit.data.state, audit.data.audit_result) == ("Approved", "Pass")
    assert audit.data.audit_record.business_account_name == "SDK Viber"
    svc = ok(c.list_viber_service_message(m.ListViberServiceMessageRequest(cust_space_id=iid)))
    assert not svc.data[0].state
    assert svc.data[0].industry_involved == "Retail"
    assert svc.data[0].message_destination_country == ["SG"]
    # Approved: the API no longer edits it.
    refused(lambda: c.update_audit_request(m.UpdateAuditRequestRequest(
        cust_space_id=iid, request_no=request_no, audit_record=edit)), "OperationDenied.AuditFinished")
    unaudited = ok(c.get_audit_request_by_type_un_audit(m.GetAuditRequestByTypeUnAuditRequest(
        cust_space_id=iid, request_type="viberOpen")))
    assert unaudited.data is None or unaudited.data.audit_record is None


@check
def viber_application_keys(emu):
    """chanctl's Viber application keys (model/types/viber/audit.rs) name fields of the SDK's
    AuditRecord for AddAuditViberOpen and UpdateAuditRequest; those it compares while pending
    are in GetAuditRequestByTypeUnAudit's record, and once approved in ListViberServiceMessage."""
    import re
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import sdk_model
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    with open(os.path.join(root, "crates/core/src/model/types/viber/audit.rs")) as f:
        src = f.read()
    keys = re.findall(r'k\(\s*"(\w+)",\s*"(\w+)",\s*(true|false),\s*(true|false),?\s*\)(\))?', src)
    assert len(keys) == 20, keys
    sent = [set(sdk_model._wire(getattr(m, name))) for name in (
        "AddAuditViberOpenRequestAuditRecord", "UpdateAuditRequestRequestAuditRecord")]
    pending = set(sdk_model._wire(m.GetAuditRequestByTypeUnAuditResponseBodyDataAuditRecord))
    card = set(sdk_model._wire(m.ListViberServiceMessageResponseBodyData))
    approved = set(re.findall(r'approved\(k\(\s*"(\w+)"', src))
    assert approved, "no key is compared once approved"
    for key, wire, _, read_pending, _ in keys:
        for fields in sent:
            assert wire in fields, f"{key}: {wire} is not an AuditRecord field"
        assert (wire in pending) == (read_pending == "true"), f"{key}: {wire} pending read"
        assert (wire in card) == (key in approved), f"{key}: {wire} on the service card"


@check
def templates(emu):
    c = emu.client()
    iid = create(c, "sdk templates", "whatsapp")
    body_text = "Your code is {{1}}"
    req = m.CreateChatappTemplateRequest(
        cust_space_id=iid, template_type="WHATSAPP", name="sdk_otp", language="en",
        category="AUTHENTICATION", message_send_ttl_seconds=300, example={"1": "123456"},
        components=[
            m.CreateChatappTemplateRequestComponents(type="BODY", text=body_text),
            m.CreateChatappTemplateRequestComponents(type="BUTTONS", buttons=[
                m.CreateChatappTemplateRequestComponentsButtons(type="COPY_CODE", text="Copy")]),
        ])
    created = ok(c.create_chatapp_template(req))
    code = created.data.template_code
    assert created.data.template_name == "sdk_otp"
    refused(lambda: c.create_chatapp_template(req), "InvalidParameter.TemplateNameExist")
    page = m.ListChatappTemplateRequestPage(index=1, size=10)
    listed = ok(c.list_chatapp_template(m.ListChatappTemplateRequest(cust_space_id=iid, page=page)))
    assert listed.total == 1, listed.total
    row = listed.list_template[0]
    assert (row.template_code, row.language, row.category) == (code, "en", "AUTHENTICATION")
    assert row.audit_status == "pass" and isinstance(row.last_update_time, int), row.audit_status
    detail = ok(c.get_chatapp_template_detail(m.GetChatappTemplateDetailRequest(
        cust_space_id=iid, language="en", template_code=code)))
    assert detail.data.components[0].text == body_text
    assert detail.data.example == {"1": "123456"} and detail.data.quality_score == "GREEN"
    assert detail.data.message_send_ttl_seconds == 300
    # Approved: not modified in place.
    modify = m.ModifyChatappTemplateRequest(
        cust_space_id=iid, template_code=code, language="en", template_type="WHATSAPP",
        components=[m.ModifyChatappTemplateRequestComponents(type="BODY", text="New {{1}}")])
    refused(lambda: c.modify_chatapp_template(modify), "OperationDenied.TemplateApproved")
    footer = m.CreateChatappTemplateRequest(
        cust_space_id=iid, template_type="WHATSAPP", name="sdk_footer", language="en",
        category="MARKETING", components=[
            m.CreateChatappTemplateRequestComponents(type="BODY", text="Hello"),
            m.CreateChatappTemplateRequestComponents(type="FOOTER", text="bye {{1}}")])
    refused(lambda: c.create_chatapp_template(footer), "InvalidParameter.FooterHaveVariable")
    ok(c.modify_chatapp_template_properties(m.ModifyChatappTemplatePropertiesRequest(
        cust_space_id=iid, language="en", template_code=code, template_type="WHATSAPP",
        allow_send=False)))
    detail = ok(c.get_chatapp_template_detail(m.GetChatappTemplateDetailRequest(
        cust_space_id=iid, language="en", template_code=code)))
    assert detail.data.allow_send is False
    ok(c.delete_chatapp_template(m.DeleteChatappTemplateRequest(
        cust_space_id=iid, template_type="WHATSAPP", template_code=code, language="en")))
    refused(lambda: c.get_chatapp_template_detail(m.GetChatappTemplateDetailRequest(
        cust_space_id=iid, language="en", template_code=code)), "DetailError.TemplateNotExist", status=404)
    # The documented 5/s of ListChatappTemplate, whatever --qps says.
    throttled = 0
    for _ in range(12):
        try:
            c.list_chatapp_template(m.ListChatappTemplateRequest(cust_space_id=iid, page=page))
        except ThrottlingException:
            throttled += 1
        except ClientException as e:
            assert e.code == "Throttling.User", e.code
            throttled += 1
    assert throttled > 0, "12 calls at once were all admitted"


@check
def legacy_signature_and_sts(emu):
    ok(emu.client(signature_algorithm="v2").list_instance(m.ListInstanceRequest(page_size=5)))
    ok(emu.client(security_token="sts-token").list_instance(m.ListInstanceRequest(page_size=5)))
    ok(emu.client(security_token="sts-token", signature_algorithm="v2")
       .list_instance(m.ListInstanceRequest(page_size=5)))


@check
def wrong_secret_and_unknown_key(emu):
    e = refused(lambda: emu.client(secret="wrong").list_instance(m.ListInstanceRequest()),
                "SignatureDoesNotMatch")
    assert "server StringToSign is" in e.message and "wrong" not in e.message
    refused(lambda: emu.client(signature_algorithm="v2", secret="wrong").list_instance(m.ListInstanceRequest()),
            "SignatureDoesNotMatch")
    refused(lambda: emu.client(key_id="nobody").list_instance(m.ListInstanceRequest()),
            "InvalidAccessKeyId.NotFound", status=404)


@check
def rule_refusals(emu):
    c = emu.client()
    a, b = create(c, "held a", "messenger"), create(c, "held b", "messenger")
    ok(c.bind_messenger_page(m.BindMessengerPageRequest(instance_id=a, page_id="4001")))
    refused(lambda: c.bind_messenger_page(m.BindMessengerPageRequest(instance_id=b, page_id="4001")),
            "OperationDenied.ResourceHeld")


@check
def quota(emu):
    small = Emulator(emu.binary, "--quota", "1")
    try:
        c = small.client()
        create(c, "only", "sms")
        refused(lambda: c.create_instance(m.CreateInstanceRequest(channel_type="sms", instance_name="2")),
                "QuotaExceeded.Instance")
    finally:
        small.stop()


@check
def injected_faults(emu):
    business = Emulator(emu.binary, "--fault-rate", "1", "--faults", "business")
    try:
        # HTTP 200 with an error code: the SDK returns normally; callers must look at Code.
        resp = business.client().list_instance(m.ListInstanceRequest())
        assert resp.status_code == 200
        assert (resp.body.code, resp.body.success) == ("ERR-COMMON-001", False)
    finally:
        business.stop()
    throttle = Emulator(emu.binary, "--fault-rate", "1", "--faults", "throttle")
    try:
        kinds = set()
        for _ in range(6):
            try:
                throttle.client().list_instance(m.ListInstanceRequest())
            except ThrottlingException as e:
                assert e.retry_after and e.retry_after > 0
                kinds.add("ThrottlingException")
            except ClientException as e:
                assert e.code == "Throttling.User", e.code
                kinds.add("ClientException")
        assert kinds == {"ThrottlingException", "ClientException"}, kinds
    finally:
        throttle.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--emulator")
    args = ap.parse_args()
    binary = find_emulator(args.emulator)
    # What Meta knows, as the emulator must be told it: WABA 3001 shared through embedded signup
    # for the channel "sdk whatsapp" with its number, WABA 3002 without one (the SDK registers
    # it); Page 2001 linked to Instagram account 2002.
    emu = Emulator(binary, "--signup", "3001=sdk whatsapp:+6588001234",
                   "--signup", "3002=sdk whatsapp numbers:", "--instagram-link", "2001=2002")
    emu.binary = binary
    passed = failed = 0
    try:
        for fn in CHECKS:
            try:
                fn(emu)
                passed += 1
                print(f"ok    {fn.__name__}")
            except Exception:
                failed += 1
                print(f"FAIL  {fn.__name__}")
                traceback.print_exc()
    finally:
        emu.stop()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
