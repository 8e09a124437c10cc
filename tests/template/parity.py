"""Reference renderer and comparator for the chat template parity suite.

Renders every conversation of a JSONL file with Python's jinja2, set up the
way Hugging Face transformers sets it up for apply_chat_template
(ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks, loopcontrols
and the {% generation %} extension; tojson as json.dumps without ASCII
escaping; raise_exception; strftime_now; messages, tools, documents,
add_generation_prompt, bos_token, eos_token and extra variables), then
compares with what `tuneset render --spans` wrote: the same bytes, the same
generation spans (as byte offsets), or both rejecting the record.

usage: parity.py CONFIG CONVERSATIONS TUNESET_OUT TUNESET_REJECTS
                 [--agp] [--var NAME=JSON ...] [--label TEXT]
Prints one FAIL line per difference and "N passed, N failed" last.
"""
import json
import sys
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


class AssistantTracker(Extension):
    """transformers' generation tag: renders its body and records where the
    body landed in the output (characters, converted to bytes below)."""

    tags = {"generation"}

    def __init__(self, environment):
        super().__init__(environment)
        self.blocks = None
        self.spans = None

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

    @jinja2.pass_eval_context
    def _generation_support(self, context, caller):
        rv = caller()
        # transformers tests `blocks or spans`, which misses a block that
        # opens the output; an explicit None test records every block.
        if self.blocks is not None:
            start = len("".join(self.blocks))
            self.spans.append((start, start + len(rv)))
        return rv


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return datetime.now().strftime(fmt)


def token(cfg, key):
    v = cfg.get(key)
    if isinstance(v, dict):
        v = v.get("content")
    return v if isinstance(v, str) else ""


def pick_template(cfg, has_tools):
    ct = cfg.get("chat_template")
    if isinstance(ct, str):
        return ct
    if isinstance(ct, list) and ct:
        named = {t["name"]: t["template"] for t in ct}
        if has_tools and "tool_use" in named:
            return named["tool_use"]
        return named.get("default", ct[0]["template"])
    return None


_compiled = {}


def compile_template(src):
    """One environment and compiled template per source, as transformers
    caches them."""
    if src not in _compiled:
        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                            extensions=[AssistantTracker, loopcontrols])
        env.filters["tojson"] = tojson
        env.globals["raise_exception"] = raise_exception
        env.globals["strftime_now"] = strftime_now
        tracker = [e for e in env.extensions.values() if isinstance(e, AssistantTracker)][0]
        _compiled[src] = (env.from_string(src), tracker)
    return _compiled[src]


def render(cfg, rec, agp, extra):
    tools = rec.get("tools") if isinstance(rec.get("tools"), list) else None
    src = pick_template(cfg, bool(tools))
    if src is None:
        raise ValueError("tokenizer_config has no chat_template")
    tpl, tracker = compile_template(src)
    tracker.blocks, tracker.spans = [], []
    kwargs = {"bos_token": token(cfg, "bos_token"), "eos_token": token(cfg, "eos_token"), **extra}
    for block in tpl.generate(messages=rec.get("messages"), tools=tools, documents=None,
                              add_generation_prompt=agp, **kwargs):
        tracker.blocks.append(block)
    text = "".join(tracker.blocks)
    spans = [[len(text[:a].encode()), len(text[:b].encode())] for a, b in tracker.spans]
    return text, spans


def main(argv):
    config, convs, out_path, rej_path = argv[:4]
    agp, extra, label, i = False, {}, "", 4
    while i < len(argv):
        if argv[i] == "--agp":
            agp = True
        elif argv[i] == "--var":
            k, v = argv[i + 1].split("=", 1)
            try:
                extra[k] = json.loads(v)
            except ValueError:
                extra[k] = v
            i += 1
        elif argv[i] == "--label":
            label = argv[i + 1]
            i += 1
        i += 1
    with open(config, encoding="utf-8") as f:
        cfg = json.load(f)
    got = {}
    with open(out_path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            got[r["id"]] = ("text", r["text"], r.get("generation_spans", []))
    with open(rej_path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            got[json.loads(r["raw"])["id"]] = ("error", r["error"], None)
    passed = failed = 0
    with open(convs, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            rid = rec["id"]
            try:
                want = ("text",) + render(cfg, rec, agp, extra)
            except Exception as e:  # a raising template: tuneset must reject
                want = ("error", f"{type(e).__name__}: {e}", None)
            have = got.get(rid, ("missing", "", None))
            ok = have[0] == want[0] and (want[0] == "error" or (have[1] == want[1] and have[2] == want[2]))
            if ok:
                passed += 1
                continue
            failed += 1
            print(f"FAIL {label} {rid}")
            print(f"  jinja2:  {want[0]} {want[1]!r} {want[2] or ''}"[:2000])
            print(f"  tuneset: {have[0]} {have[1]!r} {have[2] or ''}"[:2000])
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
