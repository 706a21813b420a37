#!/usr/bin/env python3
"""How many channels carry each name, as the official CAMS SDK (alibabacloud-cams20200606)
lists them from an endpoint: the fault matrix counts twins with it after every run, so that
"no twin" is what an independent client sees, not what chanctl or the emulator says.

    count_names.py --endpoint 127.0.0.1:PORT --key-id ID --secret SECRET

Prints one JSON object, name -> count. Exits 1 (with the error) when the listing fails.
"""

import argparse
import json
import sys

from alibabacloud_cams20200606 import models as m
from alibabacloud_cams20200606.client import Client
from alibabacloud_tea_openapi import utils_models as api


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--key-id", required=True)
    ap.add_argument("--secret", required=True)
    args = ap.parse_args()
    client = Client(api.Config(access_key_id=args.key_id, access_key_secret=args.secret,
                               endpoint=args.endpoint, protocol="http"))
    counts = {}
    page = 1
    while True:
        # The emulator injects faults into reads too: try each page a few times.
        for attempt in range(8):
            try:
                body = client.list_instance(m.ListInstanceRequest(page_index=page, page_size=100)).body
                if body.code == "OK":
                    break
            except Exception as e:  # noqa: BLE001 - any failure is retried, then reported
                if attempt == 7:
                    print(f"ListInstance page {page}: {e}", file=sys.stderr)
                    sys.exit(1)
        else:
            print(f"ListInstance page {page}: {body.code}", file=sys.stderr)
            sys.exit(1)
        rows = body.data or []
        for row in rows:
            counts[row.instance_name] = counts.get(row.instance_name, 0) + 1
        if not rows or page * 100 >= (body.total_count or 0):
            break
        page += 1
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
