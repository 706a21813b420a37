#!/usr/bin/env python3
"""What a reviewer sees of `chanctl plan --format markdown` on GitHub, checked with cmark-gfm
(PyPI `cmarkgfm`), the renderer GitHub uses, with GitHub's extensions (table, autolink,
strikethrough, tagfilter, tasklist).

Each plan scenario in fixtures/plans (the channels file and live state set up as
tests/plan_scenarios.rs does) and a few scenarios of hostile values (pipes, backticks, HTML,
`</details>`, fences, emoji, right-to-left text, 150-character descriptions, mentions, line
breaks, ...) is planned by the built binary, as JSON and as Markdown. The Markdown is rendered
to HTML and checked:

  (a) the text a reader sees in each table cell, in the diff block, the warnings and the
      unmanaged list is the value from the plan (a line break shows as U+23CE, other control
      characters as their control pictures, bidi controls as `<U+202E>`);
  (b) there is exactly one table, with one row per step (none for an empty plan);
  (c) no element is created that the renderer does not create for plain values: a hostile
      scenario's elements are exactly those of the same scenario with plain values, and a
      fixture's are among the renderer's own;
  and counts are pluralised ("1 step in 1 wave").

Usage: gfm_check.py [--chanctl target/debug/chanctl]. The last line printed is
`N passed, M failed`; the exit code is 1 when anything failed.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import yaml
from cmarkgfm.cmark import Options

ROOT = Path(__file__).resolve().parents[2]

# The elements the Markdown renderer itself makes.
RENDERER_TAGS = {
    "p", "strong", "code", "table", "thead", "tbody", "tr", "th", "td", "br", "del",
    "details", "summary", "pre", "h3", "ul", "li", "blockquote",
}
HEADER = ["#", "", "action", "channel", "type", "changes", "reason"]
SIGN = {"create": "+", "bind": "+", "delete": "-", "unbind": "-", "update": "!", "rebind": "!"}


def to_html(md):
    # Raw HTML kept (GitHub sanitises after rendering): HTML a value could open shows up here.
    return cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE)


def visible(value):
    """A value as the Markdown shows it: a line break as ⏎, other controls as pictures, bidi
    embeddings, overrides and isolates as `<U+202E>`."""
    out = []
    for c in value:
        o = ord(c)
        if c == "\n":
            out.append("\u23ce")
        elif c == "\t":
            out.append(c)
        elif o < 0x20:
            out.append(chr(0x2400 + o))
        elif o == 0x7F:
            out.append("\u2421")
        elif 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
            out.append(f"<U+{o:04X}>")
        else:
            out.append(c)
    return "".join(out)


def shown(value):
    return "(sensitive)" if value.startswith("(sensitive) sha256:") else value


class Page(HTMLParser):
    """Tags in order; tables as rows of cell texts; list items; preformatted blocks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.tables, self.items, self.pres, self.prose = [], [], [], [], []
        self.cell = self.item = self.pre = None
        self.literal = 0  # inside code or pre: values, not the renderer's words

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("code", "pre"):
            self.literal += 1
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "br":
            self.data("\n")
        elif tag == "li":
            self.item = []
        elif tag == "pre":
            self.pre = []

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag in ("code", "pre"):
            self.literal -= 1
        if tag in ("td", "th") and self.cell is not None and self.tables:
            self.tables[-1][-1].append("".join(self.cell))
            self.cell = None
        elif tag == "li" and self.item is not None:
            self.items.append("".join(self.item))
            self.item = None
        elif tag == "pre" and self.pre is not None:
            self.pres.append("".join(self.pre))
            self.pre = None

    def data(self, text):
        if not self.literal:
            self.prose.append(text)
        for buf in (self.cell, self.item, self.pre):
            if buf is not None:
                buf.append(text)

    handle_data = data

    def handle_comment(self, data):
        self.tags.append("!--")

    def handle_decl(self, decl):
        self.tags.append("!" + decl.split()[0].lower())

    def handle_pi(self, data):
        self.tags.append("?")


def parse(html):
    page = Page()
    page.feed(html)
    page.close()
    return page


def subject(step):
    """What a step's row and diff heading name: the channel, or a template in its channel."""
    t = step.get("template")
    if t:
        return f"template {t['name']} ({t['language']}) in {step['channel']}"
    return step["channel"]


def expected_row(step):
    changes = []
    for c in step.get("changes", []):
        before, after = c.get("before"), c.get("after")
        if before is not None and after is not None:
            changes.append(f"{c['field']}: {visible(shown(before))} → {visible(shown(after))}")
        elif before is not None or after is not None:
            changes.append(f"{c['field']}: {visible(shown(before if after is None else after))}")
    reason = step["reason"]
    if step.get("manual"):
        reason += f" — manual step: {step['manual']}"
    action = step["action"] + (" (replace)" if step.get("replace") else "")
    return [str(step["index"] + 1), None, action, visible(subject(step)), step["type"],
            "\n".join(changes), reason]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))


def run(binary, workdir, args, fmt):
    env = {k: v for k, v in os.environ.items()
           if k not in ("CHANCTL_SANDBOX", "CHANCTL_ENV", "CHANCTL_BACKEND")}
    env["NO_COLOR"] = "1"
    return subprocess.run([binary, "plan", "--format", fmt, *args], cwd=workdir, env=env,
                          capture_output=True, text=True)


def seed(workdir, live):
    """The sandbox file for a live state, as tests/plan_scenarios.rs writes it."""
    (workdir / ".chanctl").mkdir(exist_ok=True)
    account = {"quota": 100, "serial": len(live), "channels": {c["id"]: c for c in live}}
    (workdir / ".chanctl/sandbox.json").write_text(
        json.dumps({"format": "chanctl-sandbox/1", "account": account}, ensure_ascii=False))


def plan_both(binary, workdir, args):
    """(JSON plan, Markdown) or None when the plan fails."""
    js, md = run(binary, workdir, args, "json"), run(binary, workdir, args, "markdown")
    if js.returncode != 0 or md.returncode != 0:
        return None, js.stderr + md.stderr
    return json.loads(js.stdout), md.stdout


def check_plan(checks, name, plan, md):
    """(a), (b) and the plural check; returns the parsed page for (c)."""
    page = parse(to_html(md))
    steps = plan["steps"]
    want_tables = 1 if steps else 0
    checks.check(f"{name}: {want_tables} table(s)", len(page.tables) == want_tables,
                 f"found {len(page.tables)}")
    if steps and len(page.tables) == 1:
        rows = page.tables[0]
        checks.check(f"{name}: header", rows and rows[0] == HEADER, repr(rows[:1]))
        body = rows[1:]
        checks.check(f"{name}: one row per step", len(body) == len(steps),
                     f"{len(body)} rows for {len(steps)} steps")
        for step, row in zip(steps, body):
            want = expected_row(step)
            got = [cell if w is not None else None for cell, w in zip(row, want)]
            checks.check(f"{name}: row {step['index'] + 1} cells", got == want and
                         len(row) == len(want), f"\n  got  {row!r}\n  want {want!r}")
    if steps and len(page.pres) == 1:
        diff = page.pres[0].split("\n")
        for step in steps:
            head = f"{SIGN[step['action']]} {step['action']} {visible(subject(step))} ({step['type']})"
            checks.check(f"{name}: diff heading of step {step['index'] + 1}", head in diff,
                         repr(head))
            for c in step.get("changes", []):
                for side, mark in (("before", "-"), ("after", "+")):
                    if c.get(side) is not None:
                        line = f"{mark}     {c['field']}: {visible(shown(c[side]))}"
                        checks.check(f"{name}: diff line of step {step['index'] + 1}",
                                     line in diff, repr(line))
    elif steps:
        checks.check(f"{name}: one diff block", False, f"found {len(page.pres)}")
    for w in plan["warnings"]:
        checks.check(f"{name}: warning shown as written", visible(w) in page.items, repr(w))
    for u in plan["unmanaged"]:
        item = f"{visible(u['name'])} ({u['type']}, {visible(u['instance_id'])})"
        checks.check(f"{name}: unmanaged channel shown as written", item in page.items,
                     f"{item!r} not in {page.items!r}")
    prose = "".join(page.prose)
    bad = re.findall(r"(?<![\d.])1 (?:steps|waves|channels|problems)\b", prose)
    checks.check(f"{name}: pluralised", not bad, repr(bad))
    return page


def fixtures(checks, binary):
    for fixture in sorted(p for p in (ROOT / "fixtures/plans").iterdir() if p.is_dir()):
        expect = yaml.load((fixture / "expect.yaml").read_text(), Loader=yaml.BaseLoader) or {}
        if str(expect.get("plan_exit", "0")) != "0":
            continue
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            shutil.copy(fixture / "channels.yaml", workdir / "channels.yaml")
            # The files the channels file includes (`templates: {include: "templates/*.yaml"}`).
            if (fixture / "templates").is_dir():
                shutil.copytree(fixture / "templates", workdir / "templates")
            if (fixture / "live.yaml").exists():
                live = yaml.load((fixture / "live.yaml").read_text(), Loader=yaml.BaseLoader)
                seed(workdir, live or [])
            plan, md = plan_both(binary, workdir, expect.get("args", []))
            checks.check(f"{fixture.name}: plans", plan is not None, md)
            if plan is None:
                continue
            page = check_plan(checks, fixture.name, plan, md)
            extra = set(page.tags) - RENDERER_TAGS
            checks.check(f"{fixture.name}: only the renderer's elements", not extra, repr(extra))


# Hostile values: the same scenario is built with these and with plain stand-ins.
NAMES = [
    "pipe|name", "a | b ||", "`tick`", "a``b", "```", "````four````", "`start", "end`",
    "<script>alert(1)</script>", "</details>", "<!-- x", "</td></tr></table>",
    "🚀 launch 👩‍👩‍👧", "مرحبا بالعالم", "\u202eevil", "\u2067isolate", "@team", "#12",
    "**bold**", "_em_",
    "~~gone~~", "[link](https://example.com)", "https://example.com", "www.example.com",
    "trailing\\", "back\\|slash", "&amp; &lt;", "$x$", ":rocket:", "*", "- [ ] task",
]
DESCRIPTIONS = [
    "a | b <script>alert(1)</script> `tick` **bold** @team #12",
    "</details> <!-- x",
    "```\n</details>\n```",
    "line one\nline two\r\n# heading\n- item",
    "`` ` `` ``` ```` x",
    "ends with a backtick `",
    " spaced ",
    "tab\there",
    "x" * 149 + "`",
    "é" * 150,
    "\u05e9\u05dc\u05d5\u05dd | <b>bold</b> \u202e",
    "ends with a backslash \\",
]


def hostile_scenarios(v):
    """(name, channels file, live state, args), with every value passed through `v`."""
    creates = {"version": 1, "channels": [
        {"name": v(n), "type": "sms", "description": v(DESCRIPTIONS[i % len(DESCRIPTIONS)])}
        for i, n in enumerate(NAMES)]}
    live = [{"id": f"cams-{i + 1:012d}", "name": v(n), "type": "sms",
             "description": v(d)} for i, (n, d) in enumerate(zip(NAMES, DESCRIPTIONS))]
    updates = {"version": 1, "channels": [
        {"name": v(n), "type": "sms", "description": v(DESCRIPTIONS[-1 - i])}
        for i, n in enumerate(NAMES[:len(DESCRIPTIONS)])]}
    # Channels the file does not declare, and a binding pending review.
    live_unmanaged = live + [
        {"id": f"cams-{100 + i:012d}", "name": v(n), "type": "email"}
        for i, n in enumerate(NAMES[len(DESCRIPTIONS):])
    ] + [{"id": "cams-000000000999", "name": v("`pending` @team <b>"), "type": "viber",
          "binding": {"business_account": "acct"}, "bind_state": "pending"}]
    updates_pending = dict(updates)
    updates_pending["channels"] = updates["channels"] + [
        {"name": v("`pending` @team <b>"), "type": "viber",
         "binding": {"business_account": "acct"}}]
    prune = {"version": 1, "safety": {"max_change_percent": 100}, "channels": []}
    return [
        ("hostile-create", creates, [], []),
        ("hostile-update-unmanaged-pending", updates_pending, live_unmanaged, []),
        ("hostile-prune", prune, live, ["--prune"]),
    ]


def plain():
    names = {}
    return lambda s: names.setdefault(s, f"plain-{len(names)}")


def hostile(checks, binary):
    for (name, doc, live, args), (_, plain_doc, plain_live, _) in zip(
            hostile_scenarios(lambda s: s), hostile_scenarios(plain())):
        results = []
        for d, l in ((doc, live), (plain_doc, plain_live)):
            with tempfile.TemporaryDirectory() as tmp:
                workdir = Path(tmp)
                # JSON is YAML: the values are written exactly.
                (workdir / "channels.yaml").write_text(json.dumps(d, ensure_ascii=False))
                if l:
                    seed(workdir, l)
                results.append(plan_both(binary, workdir, args))
        (plan, md), (plain_plan, plain_md) = results
        checks.check(f"{name}: plans", plan is not None and plain_plan is not None,
                     f"{md}{plain_md}")
        if plan is None or plain_plan is None:
            continue
        page = check_plan(checks, name, plan, md)
        plain_page = parse(to_html(plain_md))
        checks.check(f"{name}: the elements of plain values", page.tags == plain_page.tags,
                     f"\n  hostile {sorted(set(page.tags))}\n  plain   {sorted(set(plain_page.tags))}"
                     f"\n  counts {len(page.tags)} vs {len(plain_page.tags)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chanctl", default=str(ROOT / "target/debug/chanctl"))
    # Absolute: the binary runs in a temporary directory.
    binary = str(Path(parser.parse_args().chanctl).resolve())
    checks = Checks()
    fixtures(checks, binary)
    hostile(checks, binary)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
