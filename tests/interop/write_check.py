#!/usr/bin/env python3
"""The writer section: tuneset writes Parquet, DuckDB and tuneset read it back.

  write_check.py DIR --writer TEMPLATE --reader CMD [--only GLOB]

For every input of DIR/write_manifest.json and every codec, runs the writer
TEMPLATE (a command with {in}, {out}, {codec} and {rows} placeholders), then
each reader (DuckDB's duck_cat.mjs, and CMD) on the file, and compares the
rows with what the writer promises (include/tuneset/parquet_write.h):
  - objects of one column hold the union of their keys, in first-seen order,
    and a missing key reads back as null;
  - an object column that never has a key is a map (read back as it was);
  - a number column with any non-integer (or an integer beyond int64) is
    DOUBLE, so its values compare as float64; integer columns exactly.
tuneset's reader may instead drop the fields the file lists in
"tuneset.absent_fields" and give back the input itself: both pass.
Prints PASS/FAIL per file and reader and ends with "N passed, N failed".
"""
import fnmatch
import json
import os
import shlex
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from compare import Kinds, Obj, compare_lines, parse, read_lines, run_reader

CODECS = ["snappy", "zstd", "gzip", "none"]
ROWS = "1000"  # several row groups for the 3000-row inputs
HERE = os.path.dirname(os.path.abspath(__file__))


class Node:
    __slots__ = ("kind", "fields", "elem")

    def __init__(self):
        self.kind = None  # None (only null seen), bool, int, double, string, list, object
        self.fields = {}
        self.elem = None


def merge(n, v):
    if v is None:
        return
    if isinstance(v, bool):
        n.kind = "bool"
    elif isinstance(v, Obj):
        n.kind = "object"
        for k, x in v:
            merge(n.fields.setdefault(k, Node()), x)
    elif isinstance(v, list):
        n.kind = "list"
        n.elem = n.elem or Node()
        for x in v:
            merge(n.elem, x)
    elif isinstance(v, str):
        n.kind = "string"
    else:
        whole = type(v) is int and -2**63 <= v < 2**63
        n.kind = "double" if n.kind == "double" or not whole else "int"


def first(pairs, key):
    for k, v in pairs:
        if k == key:
            return v
    return None


def conform(n, v):
    if v is None:
        return None
    if n.kind == "object" and n.fields:
        return Obj([(k, conform(f, first(v, k))) for k, f in n.fields.items()])
    if n.kind == "list":
        return [conform(n.elem, x) for x in v]
    return v


def double_paths(n, path, out):
    if n.kind == "double":
        out[path] = "float64"
    for k, f in n.fields.items():
        double_paths(f, f"{path}.{k}" if path else k, out)
    if n.elem:
        double_paths(n.elem, path + "[]", out)
    return out


def dump(v):
    if isinstance(v, Obj):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + dump(x) for k, x in v) + "}"
    if isinstance(v, list):
        return "[" + ",".join(dump(x) for x in v) + "]"
    return json.dumps(v, ensure_ascii=False) if not hasattr(v, "as_tuple") else str(v)


def expectation(path):
    lines = [l for l in read_lines(path) if l.strip()]
    rows = [parse(l) for l in lines]
    root = Node()
    for r in rows:
        merge(root, r)
    return [dump(conform(root, r)) for r in rows], lines, Kinds(double_paths(root, "", {}))


def main(argv):
    if len(argv) < 2 or "--writer" not in argv or "--reader" not in argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    folder = argv[1]
    writer = shlex.split(argv[argv.index("--writer") + 1])
    tuneset = shlex.split(argv[argv.index("--reader") + 1])
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    readers = [("duckdb", ["node", os.path.join(HERE, "duck_cat.mjs")]), ("tuneset", tuneset)]
    with open(os.path.join(folder, "write_manifest.json"), encoding="utf-8") as f:
        inputs = json.load(f)["inputs"]
    out_dir = os.path.join(folder, "written")
    os.makedirs(out_dir, exist_ok=True)
    passed = failed = 0
    for name in inputs:
        stem = name[:-len(".jsonl")]
        src = os.path.join(folder, name)
        exp, raw, kinds = expectation(src)
        for codec in CODECS:
            what = f"write {stem} ({codec}, {ROWS}-row groups)"
            if only and not fnmatch.fnmatchcase(f"{stem}_{codec}", only):
                continue
            out = os.path.join(out_dir, f"{stem}.{codec}.parquet")
            subst = {"in": src, "out": out, "codec": codec, "rows": ROWS}
            cmd = [a.format(**subst) for a in writer]
            lines, err = run_reader(cmd[:-1], cmd[-1])  # runs cmd; stdout unused
            if err:
                failed += 1
                print(f"FAIL {what}\n     writer: {err}")
                continue
            for rname, rcmd in readers:
                got, err = run_reader(rcmd, out)
                if err is None:
                    err = compare_lines(exp, got, kinds)
                    if err and rname == "tuneset" and compare_lines(raw, got, kinds) is None:
                        err = None  # absent fields dropped again: the input itself
                if err:
                    failed += 1
                    print(f"FAIL {what} -> read by {rname}\n     {err}")
                else:
                    passed += 1
                    print(f"PASS {what} -> read by {rname}")
            sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
