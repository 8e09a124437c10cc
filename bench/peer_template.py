"""The template benchmark's peer: renders every conversation of a JSONL file
with Python's jinja2, compiled once and set up as transformers'
apply_chat_template sets it up (the same environment as
tests/template/parity.py), and writes each record with its `text` added —
the work `tuneset render` does.

usage: peer_template.py CONFIG IN OUT [--agp]
"""
import json
import sys
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


class Generation(Extension):
    """transformers' {% generation %} tag (rendering only: no mask here)."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def token(cfg, key):
    v = cfg.get(key)
    if isinstance(v, dict):
        v = v.get("content")
    return v if isinstance(v, str) else ""


def main(config, src, dst, agp):
    cfg = json.load(open(config, encoding="utf-8"))
    ct = cfg["chat_template"]
    if isinstance(ct, list):
        ct = {t["name"]: t["template"] for t in ct}["default"]
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[Generation, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda f: datetime.now().strftime(f)
    tpl = env.from_string(ct)
    bos, eos = token(cfg, "bos_token"), token(cfg, "eos_token")
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            rec = json.loads(line)
            rec["text"] = tpl.render(messages=rec["messages"], tools=None, documents=None,
                                     add_generation_prompt=agp, bos_token=bos, eos_token=eos)
            out.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], "--agp" in sys.argv[4:])
