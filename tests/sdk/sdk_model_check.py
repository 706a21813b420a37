"""Checks recorded emulator traffic against the official SDK's models: every request that the
emulator answered carried only parameters the SDK declares for its Action, and every reply held
only fields of that Action's response model (recursively, where the model types them).

The recordings come from `cargo test` run with CHANCTL_EMULATOR_RECORD=DIR: each emulator the
tests start appends its traffic there (`cams-emulator --record FILE`). Prints `N passed, N failed`.
Usage: sdk_model_check.py DIR
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdk_model  # noqa: E402

COMMON = {"Action", "Version"} | sdk_model.GATEWAY
ENVELOPE = {"RequestId", "Code", "Message", "Success", "AccessDeniedDetail"}


def extra_fields(value, model, path):
    """Fields of `value` that `model` (a dict of field -> submodel, or None for any) lacks."""
    if model is None:
        return []
    if isinstance(value, list):
        out = []
        for item in value:
            out.extend(extra_fields(item, model, path + "[]"))
        return out
    if not isinstance(value, dict):
        return []
    out = []
    for key, sub in value.items():
        if key not in model:
            out.append(f"{path}.{key}" if path else key)
        else:
            out.extend(extra_fields(sub, model[key], f"{path}.{key}" if path else key))
    return out


def main(directory):
    declared = {op: None for op in sdk_model.operations()}
    params_of, response_of = {}, {}
    passed, failed, seen = 0, 0, {}
    files = sorted(f for f in os.listdir(directory) if f.endswith(".jsonl"))
    for name in files:
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                rec = json.loads(line)
                if rec.get("status") != 200:
                    continue
                action = rec["action"]
                problems = []
                if action not in declared:
                    problems.append(f"the SDK has no operation {action}")
                else:
                    if action not in params_of:
                        params_of[action] = set(sdk_model.request_params(action)) | COMMON
                        response_of[action] = sdk_model.response_fields(action)
                    bad = [p for p in rec["params"] if p not in params_of[action]]
                    if bad:
                        problems.append(f"undeclared parameters {bad}")
                    fields = {k: v for k, v in rec["fields"].items() if k not in ENVELOPE}
                    extra = extra_fields(fields, response_of[action], "")
                    if extra:
                        problems.append(f"reply fields the response model lacks {sorted(set(extra))}")
                seen[action] = seen.get(action, 0) + 1
                if problems:
                    failed += 1
                    print(f"FAIL {name}:{n} {action}: {'; '.join(problems)}")
                else:
                    passed += 1
    for action in sorted(seen):
        print(f"  {action}: {seen[action]} answered requests")
    if passed + failed == 0:
        print(f"no recorded traffic in {directory}")
        failed = 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
