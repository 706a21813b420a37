"""What the official CAMS SDK (alibabacloud-cams20200606) declares for each operation, read from its
own model classes: the request's wire parameters and the response body's fields, recursively.

Used by scripts/sdk-declared (which writes crates/cams/src/declared.json, the table the emulator
enforces) and by tests/sdk/sdk_model_check.py (which checks recorded traffic against the SDK).
"""
import inspect
import re

import alibabacloud_cams20200606.models as models

# Parameters every request model carries that are the gateway's, not the operation's.
GATEWAY = {"OwnerId", "ResourceOwnerAccount", "ResourceOwnerId"}
_SCALAR = re.compile(r"result\['(\w+)'\] = self\.(\w+)\s*$", re.M)
_NESTED = re.compile(r"result\['(\w+)'\] = self\.(\w+)\.to_map\(\)")
_LIST = re.compile(r"for k\d* in self\.(\w+):\s*\n\s*result\['(\w+)'\]\.append\(k\d*\.to_map\(\)")


def operations():
    """Every operation the SDK has, by the name of its request model."""
    names = set()
    for name, cls in vars(models).items():
        if inspect.isclass(cls) and name.endswith("Request") and not name.endswith("ShrinkRequest"):
            op = name[: -len("Request")]
            if hasattr(models, op + "ResponseBody"):
                names.add(op)
    return sorted(names)


def _wire(cls):
    """(wire name, attribute) of each field `cls.to_map` writes, and which are nested models."""
    src = inspect.getsource(cls.to_map)
    fields = {}
    for wire, attr in _SCALAR.findall(src):
        fields[wire] = attr
    for wire, attr in _NESTED.findall(src):
        fields[wire] = attr
    for attr, wire in _LIST.findall(src):
        fields[wire] = attr
    return fields


def _hint(cls, attr):
    """The annotation of `attr` in `cls.__init__`, as the SDK writes it (a string such as
    `List[main_models.ListInstanceResponseBodyData]`)."""
    return getattr(cls.__init__, "__annotations__", {}).get(attr)


def _model_of(hint):
    """The SDK model class a hint names (`main_models.X`, `List[main_models.X]`), if any."""
    if not isinstance(hint, str):
        return None
    found = re.search(r"main_models\.(\w+)", hint)
    cls = getattr(models, found.group(1), None) if found else None
    return cls if inspect.isclass(cls) and hasattr(cls, "to_map") else None


def tree(cls, depth=0):
    """The fields of model `cls`: wire name -> subtree (a dict), or None for a value of any shape."""
    out = {}
    for wire, attr in _wire(cls).items():
        nested = _model_of(_hint(cls, attr))
        out[wire] = tree(nested, depth + 1) if nested is not None and depth < 8 else None
    return out


def request_params(op):
    """The wire parameters of operation `op` (a shrink request's JSON parameters by their wire name)."""
    cls = getattr(models, op + "ShrinkRequest", None) or getattr(models, op + "Request")
    return sorted(set(_wire(cls)) - GATEWAY)


def required_params(op):
    """The parameters the SDK's description marks as required (`This parameter is required.`)."""
    cls = getattr(models, op + "Request")
    src = inspect.getsource(cls.__init__)
    required = set()
    for attr in re.findall(r"# This parameter is required\.\s*\n\s*self\.(\w+)", src):
        for wire, a in _wire(cls).items():
            if a == attr:
                required.add(wire)
    return sorted(required)


def response_fields(op):
    """The response body's fields besides the envelope."""
    body = tree(getattr(models, op + "ResponseBody"))
    for k in ("RequestId", "Code", "Message", "Success", "AccessDeniedDetail"):
        body.pop(k, None)
    return body


def declared():
    """Every operation: its parameters and its response fields."""
    return {
        op: {"params": request_params(op), "response": response_fields(op)}
        for op in operations()
    }
