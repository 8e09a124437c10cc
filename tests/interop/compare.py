#!/usr/bin/env python3
"""Compares JSON Lines row by row for the Parquet interop tests.

  compare.py run DIR -- READER...   run READER FILE.parquet on every file of
                                    DIR/manifest.json, compare its stdout with
                                    the file's expected JSONL
  compare.py self-check DIR -- READER...
                                    the same, but against the generated source
                                    data where the file has one (tests DuckDB,
                                    the generator and this comparator together)
  compare.py files EXPECTED ACTUAL [--kinds JSON]
                                    compare two JSONL files
  compare.py self-test              the comparator's own tests

Equality (README.md, "How rows are compared"): same number of rows; objects
have the same keys in the same order; strings, booleans and null are exact;
numbers are equal by decimal value, except at FLOAT paths (equal as float32)
and DOUBLE paths (equal as float64). Prints PASS/FAIL per file and a final
"N passed, N failed" line; exits 1 on any failure.
"""
import fnmatch
import json
import os
import struct
import subprocess
import sys
from decimal import Decimal

TIMEOUT = int(os.environ.get("INTEROP_TIMEOUT", "120"))


class Obj(list):
    """A JSON object as its ordered (key, value) pairs."""


def _no_constant(name):
    raise ValueError("non-standard JSON constant " + name)


def parse(line):
    return json.loads(line, parse_float=Decimal, object_pairs_hook=Obj,
                      parse_constant=_no_constant)


def is_num(v):
    return type(v) in (int, Decimal)


def f32(v):
    return struct.unpack("<f", struct.pack("<f", float(v)))[0]


class Kinds:
    """Maps a value's path ("a.b", "a[]", map members "a.*") to its kind."""

    def __init__(self, kinds):
        self.exact = {k: v for k, v in kinds.items() if "*" not in k}
        self.pats = [(k, v) for k, v in kinds.items() if "*" in k]

    def get(self, path):
        k = self.exact.get(path)
        if k is None:
            for pat, kind in self.pats:
                if fnmatch.fnmatchcase(path, pat):
                    return kind
        return k


def num_eq(a, b, kind):
    if Decimal(a) == Decimal(b):
        return True
    try:
        if kind == "float32":
            return f32(a) == f32(b)
        if kind == "float64":
            return float(a) == float(b)
    except OverflowError:
        return False
    return False


def show(v):
    s = json.dumps(v, ensure_ascii=False, default=str)
    return s if len(s) <= 160 else s[:157] + "..."


def diff(exp, act, kinds, path=""):
    """None when equal, else a message naming the first difference."""
    where = path or "(row)"
    if is_num(exp) and is_num(act):
        if num_eq(exp, act, kinds.get(path)):
            return None
        return f"{where}: expected {exp}, got {act}"
    if isinstance(exp, Obj) and isinstance(act, Obj):
        ek = [k for k, _ in exp]
        ak = [k for k, _ in act]
        if ek != ak:
            return f"{where}: expected keys {show(ek)}, got {show(ak)}"
        for (k, e), (_, a) in zip(exp, act):
            d = diff(e, a, kinds, f"{path}.{k}" if path else k)
            if d:
                return d
        return None
    if isinstance(exp, list) and isinstance(act, list) and \
            not isinstance(exp, Obj) and not isinstance(act, Obj):
        if len(exp) != len(act):
            return f"{where}: expected {len(exp)} items, got {len(act)}: {show(act)}"
        for e, a in zip(exp, act):
            d = diff(e, a, kinds, path + "[]")
            if d:
                return d
        return None
    if type(exp) is type(act) and exp == act:
        return None
    return f"{where}: expected {show(exp)}, got {show(act)}"


def compare_lines(exp_lines, act_lines, kinds):
    """None when equal, else the first difference with its row number."""
    exp_lines = [l for l in exp_lines if l.strip()]
    act_lines = [l for l in act_lines if l.strip()]
    for i, (e, a) in enumerate(zip(exp_lines, act_lines)):
        try:
            av = parse(a)
        except ValueError as ex:
            return f"row {i + 1}: output is not JSON ({ex}): {a[:160]}"
        d = diff(parse(e), av, kinds)
        if d:
            return f"row {i + 1}: {d}"
    if len(exp_lines) != len(act_lines):
        return f"expected {len(exp_lines)} rows, got {len(act_lines)}"
    return None


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def run_reader(reader, path):
    """(stdout lines, None) or (None, error message)."""
    try:
        p = subprocess.run(reader + [path], capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, f"reader timed out after {TIMEOUT}s"
    except OSError as ex:
        return None, f"cannot run reader: {ex}"
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, f"reader exit {p.returncode}: " + (" | ".join(err[-3:]) or "(no message)")
    try:
        return p.stdout.decode("utf-8").split("\n"), None
    except UnicodeDecodeError as ex:
        return None, f"output is not UTF-8: {ex}"


def run_matrix(folder, reader, against_source, only):
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    passed = failed = 0
    for m in manifest:
        if only and not fnmatch.fnmatchcase(m["name"], only):
            continue
        ref = m["source"] if against_source and m["source"] else m["expected"]
        lines, err = run_reader(reader, os.path.join(folder, m["parquet"]))
        if err is None:
            err = compare_lines(read_lines(os.path.join(folder, ref)), lines, Kinds(m["kinds"]))
        what = f"{m['name']} ({m['rows']} rows, {m['row_groups']} row groups, " \
               f"{'/'.join(m['codecs'] or ['-'])}, {'+'.join(m['encodings'] or ['-'])})"
        if err:
            failed += 1
            print(f"FAIL {what}\n     {err}")
        else:
            passed += 1
            print(f"PASS {what}")
        sys.stdout.flush()
    return passed, failed


def self_test():
    k = Kinds({"f": "float32", "d": "float64", "m.*": "float64", "l[]": "float32"})
    cases = [
        ('{"a":1,"b":"x"}', '{"a":1,"b":"x"}', True),
        ('{"a":1,"b":"x"}', '{"b":"x","a":1}', False),       # key order matters
        ('{"a":1}', '{"a":1,"b":null}', False),               # extra key
        ('{"a":1.5}', '{"a":1.50}', True),                    # numbers by value
        ('{"a":1}', '{"a":1.0}', True),
        ('{"a":1}', '{"a":2}', False),
        ('{"a":1}', '{"a":true}', False),                     # bool is not a number
        ('{"a":true}', '{"a":1}', False),
        ('{"a":null}', '{"a":0}', False),
        ('{"a":null}', '{"a":[]}', False),
        ('{"a":[]}', '{"a":{}}', False),
        ('{"a":"x"}', '{"a":"x "}', False),
        ('{"a":[1,2]}', '{"a":[1,2,2]}', False),
        ('{"a":[1,[2]]}', '{"a":[1,[3]]}', False),
        ('{"a":"é"}', '{"a":"e\\u0301"}', False),              # no Unicode normalization
        ('{"f":0.1}', '{"f":0.100000001}', True),             # float32 round trip
        ('{"f":0.1}', '{"f":0.10000000149011612}', True),
        ('{"f":0.1}', '{"f":0.10000001}', False),             # next float32
        ('{"l":[0.1]}', '{"l":[0.100000001]}', True),
        ('{"d":0.1}', '{"d":0.1000000000000000055511151231257827}', True),
        ('{"d":0.1}', '{"d":0.10000000000000002}', False),    # next double
        ('{"d":0.1}', '{"d":0.100000001}', False),            # float32 tolerance only at FLOAT
        ('{"m":{"k":0.3}}', '{"m":{"k":0.29999999999999999}}', True),
        ('{"x":0.3}', '{"x":0.29999999999999999}', False),    # untyped paths are exact
        ('{"x":12345678901234567890.1234567890}', '{"x":12345678901234567890.1234567891}', False),
        ('{"x":18446744073709551615}', '{"x":18446744073709551614}', False),
        ('{"f":3.4028235e38}', '{"f":3.4028234663852886e+38}', True),
        ('{"f":1e39}', '{"f":3.4028234663852886e+38}', False),  # float32 overflow
    ]
    bad = 0
    for exp, act, want in cases:
        got = compare_lines([exp], [act], k) is None
        if got != want:
            bad += 1
            print(f"FAIL self-test: {exp} vs {act}: expected {'equal' if want else 'different'}")
    rows = [('{"a":1}\n{"a":2}', '{"a":1}', False), ('{"a":1}', '{"a":1}\n{"a":2}', False),
            ('{"a":1}\n', '{"a":1}', True), ('{"a":1}', 'not json', False), ('{"a":1}', '{"a":NaN}', False)]
    for exp, act, want in rows:
        got = compare_lines(exp.split("\n"), act.split("\n"), k) is None
        if got != want:
            bad += 1
            print(f"FAIL self-test: rows {exp!r} vs {act!r}")
    total = len(cases) + len(rows)
    print(f"comparator self-test: {total - bad} of {total} cases behave")
    return total - bad, bad


def main(argv):
    if len(argv) >= 2 and argv[1] == "self-test":
        _, bad = self_test()
        return 1 if bad else 0
    if len(argv) >= 4 and argv[1] == "files":
        kinds = json.loads(argv[5]) if len(argv) >= 6 and argv[4] == "--kinds" else {}
        d = compare_lines(read_lines(argv[2]), read_lines(argv[3]), Kinds(kinds))
        print(d or "same")
        return 1 if d else 0
    if len(argv) >= 5 and argv[1] in ("run", "self-check") and "--" in argv:
        sep = argv.index("--")
        folder, opts, reader = argv[2], argv[3:sep], argv[sep + 1:]
        only = opts[opts.index("--only") + 1] if "--only" in opts else None
        p, f = run_matrix(folder, reader, argv[1] == "self-check", only)
        print(f"{p} passed, {f} failed")
        return 1 if f or not p else 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
