#!/usr/bin/env python3
"""The writer section: tuneset writes Parquet, DuckDB and tuneset read it back.

  write_check.py DIR --writer TEMPLATE --reader CMD [--only GLOB]

For every input of DIR/write_manifest.json and every codec, runs the writer
TEMPLATE (a command with {in}, {out}, {codec} and {rows} placeholders), then
each reader (DuckDB's duck_cat.mjs, and CMD) on the file, and compares the
rows with what the writer promises (include/tuneset/parquet_write.h):
  - objects of one column hold the union of their keys, in first-seen order;
    DuckDB reads a missing key as null; tuneset leaves it out again when the
    key was missing from some objects and null in none (the writer lists
    those in "tuneset.absent_fields"), and reads it as null otherwise;
  - an object column that never has a key is a map (read back as it was);
  - a number column with any non-integer (or an integer beyond int64) is
    DOUBLE, so its values compare as float64; integer columns exactly.
Then each input, rewritten as Python's json.dumps writes it (DOUBLE columns
as floats), is written (snappy) and read back by CMD, which must give the
same bytes (--only matches these as INPUT_python).
Prints PASS/FAIL per file and reader and ends with "N passed, N failed".
"""
import fnmatch
import json
import os
import shlex
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from compare import Kinds, Obj, compare_lines, is_num, parse, read_lines, run_reader

CODECS = ["snappy", "zstd", "gzip", "none"]
ROWS = "1000"  # several row groups for the 3000-row inputs
HERE = os.path.dirname(os.path.abspath(__file__))


class Node:
    __slots__ = ("kind", "fields", "elem", "seen", "absent", "nulled")

    def __init__(self):
        self.kind = None  # None (only null seen), bool, int, double, string, list, object
        self.fields = {}
        self.elem = None
        self.seen = 0         # objects merged (for absent)
        self.absent = False   # a field some object of its parent lacked
        self.nulled = False   # a field some object of its parent held null


def merge(n, v):
    if v is None:
        return
    if isinstance(v, bool):
        n.kind = "bool"
    elif isinstance(v, Obj):
        n.kind = "object"
        keys = {k for k, _ in v}
        for k, f in n.fields.items():
            f.absent = f.absent or k not in keys
        for k, x in v:
            if k not in n.fields:
                n.fields[k] = Node()
                n.fields[k].absent = n.seen > 0
            n.fields[k].nulled = n.fields[k].nulled or x is None
            merge(n.fields[k], x)
        n.seen += 1
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


def first(pairs, key, default=None):
    for k, v in pairs:
        if k == key:
            return v
    return default


MISSING = object()


def conform(n, v, drop_absent):
    """v as a reader gives it back: objects in schema order, missing keys
    null, or (drop_absent) left out where the writer lists them absent."""
    if v is None:
        return None
    if n.kind == "object" and n.fields:
        out = []
        for k, f in n.fields.items():
            x = first(v, k, MISSING)
            if x is MISSING and drop_absent and f.absent and not f.nulled:
                continue
            out.append((k, conform(f, None if x is MISSING else x, drop_absent)))
        return Obj(out)
    if n.kind == "list":
        return [conform(n.elem, x, drop_absent) for x in v]
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
    kinds = Kinds(double_paths(root, "", {}))
    return [dump(conform(root, r, False)) for r in rows], [dump(conform(root, r, True)) for r in rows], kinds


def to_python(n, v):
    """v as Python holds it: DOUBLE columns as floats, so json.dumps writes
    them as Python programs do ("8.0", "1e-05")."""
    if v is None:
        return None
    if isinstance(v, Obj):
        return {k: to_python(n.fields[k], x) if n.fields else x for k, x in v}
    if isinstance(v, list):
        return [to_python(n.elem, x) for x in v]
    if is_num(v):
        return float(v) if n.kind == "double" else int(v) if type(v) is int else v
    return v


def py_dumps(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def python_form(src, dst):
    """Writes src as Python's json.dumps writes it; returns the lines the
    tuneset reader must give back for it, byte for byte."""
    rows = [parse(l) for l in read_lines(src) if l.strip()]
    root = Node()
    for r in rows:
        merge(root, r)
    py = [to_python(root, r) for r in rows]
    with open(dst, "w", encoding="utf-8") as f:
        f.write("".join(py_dumps(r) + "\n" for r in py))
    again = [parse(py_dumps(r)) for r in py]
    return [py_dumps(to_python(root, conform(root, r, True))) for r in again]


def exact(want, got):
    """None when the lines are equal byte for byte, else the first difference."""
    got = [l for l in got if l]
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            at = next((k for k in range(min(len(w), len(g))) if w[k] != g[k]), min(len(w), len(g)))
            return f"row {i + 1}, byte {at}: expected ...{w[max(0, at - 40):at + 40]}... got ...{g[max(0, at - 40):at + 40]}..."
    return None if len(want) == len(got) else f"expected {len(want)} rows, got {len(got)}"


def run_writer(writer, src, out, codec):
    subst = {"in": src, "out": out, "codec": codec, "rows": ROWS}
    cmd = [a.format(**subst) for a in writer]
    return run_reader(cmd[:-1], cmd[-1])[1]  # runs cmd; stdout unused


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
        by_duckdb, by_tuneset, kinds = expectation(src)
        for codec in CODECS:
            what = f"write {stem} ({codec}, {ROWS}-row groups)"
            if only and not fnmatch.fnmatchcase(f"{stem}_{codec}", only):
                continue
            out = os.path.join(out_dir, f"{stem}.{codec}.parquet")
            err = run_writer(writer, src, out, codec)
            if err:
                failed += 1
                print(f"FAIL {what}\n     writer: {err}")
                continue
            for rname, rcmd in readers:
                got, err = run_reader(rcmd, out)
                if err is None:
                    err = compare_lines(by_tuneset if rname == "tuneset" else by_duckdb, got, kinds)
                if err:
                    failed += 1
                    print(f"FAIL {what} -> read by {rname}\n     {err}")
                else:
                    passed += 1
                    print(f"PASS {what} -> read by {rname}")
            sys.stdout.flush()
        # The same records as a Python program writes them: tuneset gives
        # back the same bytes.
        if only and not fnmatch.fnmatchcase(f"{stem}_python", only):
            continue
        what = f"write {stem} (as Python's json.dumps writes it, snappy) -> read by tuneset, byte for byte"
        py_src = os.path.join(out_dir, f"{stem}.python.jsonl")
        want = python_form(src, py_src)
        out = os.path.join(out_dir, f"{stem}.python.parquet")
        err = run_writer(writer, py_src, out, "snappy")
        if err is None:
            got, err = run_reader(tuneset, out)
            err = err or exact(want, got)
        if err:
            failed += 1
            print(f"FAIL {what}\n     {err}")
        else:
            passed += 1
            print(f"PASS {what}")
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
