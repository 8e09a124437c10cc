#!/usr/bin/env python3
"""The Python peer of `tuneset import sharegpt` and `tuneset import hh-rlhf`:
stdlib only, written the way a data scientist would write the conversion.
A ShareGPT JSON array is loaded whole with json.load (the stdlib cannot
stream an array); JSON Lines are read a line at a time.

usage: peer_import.py sharegpt IN OUT
       peer_import.py hh-rlhf IN OUT

It applies the importers' rules (lib/formats/sharegpt.c without --clean,
lib/formats/hh_rlhf.c) and writes compact records, keys in canonical order,
UTF-8 unescaped: the bytes tuneset writes, so the outputs compare with cmp.
Like tuneset's default --on-error fail, a row that is not of the format
(a reject) stops the run with exit status 1. A summary (written, dropped by
rule) goes to stderr.
"""
import gzip
import json
import re
import sys

# --- input -----------------------------------------------------------------


def open_text(path):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def is_array(path):
    with open(path, "rb") as f:
        head = f.read(2)
    if head == b"\x1f\x8b":
        with gzip.open(path, "rb") as f:
            head = f.read(64)
    else:
        with open(path, "rb") as f:
            head = f.read(64)
    head = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return head[:1] == b"["


def rows(path):
    """Yields the input's rows: the items of a top-level array, or one
    value a non-blank line."""
    if is_array(path):
        with open_text(path) as f:
            yield from json.load(f)
        return
    with open_text(path) as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


class Reject(Exception):
    pass


# --- sharegpt ----------------------------------------------------------------

SPEAKERS = {
    "human": "user", "user": "user",
    "gpt": "assistant", "chatgpt": "assistant", "bard": "assistant",
    "bing": "assistant", "assistant": "assistant",
    "system": "system",
}


def speaker_role(s):
    # strncasecmp folds ASCII only: "İ".lower() must not match anything.
    return SPEAKERS.get(s.lower()) if s.isascii() else None


def msgs_problem(msgs):
    """fmt_msgs_problem: the drop rule a list of (role, text) breaks."""
    if not msgs:
        return "no_turns"
    assistant = False
    for i, (role, text) in enumerate(msgs):
        if not text:
            return "empty_turn"
        if role == "system":
            if i:
                return "misplaced_system"
            continue
        prev = msgs[i - 1][0] if i else "system"
        if prev == "system":
            if role != "user":
                return "first_turn_not_user"
        elif prev == role:
            return "not_alternating"
        assistant = assistant or role == "assistant"
    return None if assistant else "no_assistant_turn"


def own_id(v):
    """fmt_own_id: a non-empty string, or a number (as written)."""
    if isinstance(v, str):
        return v or None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return str(v)  # exact for the integers JSON allows; floats may differ


class ShareGPT:
    def __init__(self):
        self.row = 0
        self.ids = set()

    def record(self, r):
        row = self.row
        self.row += 1
        if not isinstance(r, dict):
            raise Reject("a row must be a JSON object")
        conv = r.get("conversations")
        if not isinstance(conv, list):
            raise Reject("field 'conversations' must be an array" if "conversations" in r
                         else "missing field 'conversations'")
        msgs = []
        for i, t in enumerate(conv):
            if not isinstance(t, dict):
                raise Reject(f"conversations[{i}] must be an object")
            frm, value = t.get("from"), t.get("value")
            if not isinstance(frm, str) or not isinstance(value, str):
                raise Reject(f"conversations[{i}]: 'from' or 'value' missing or not a string")
            role = speaker_role(frm)
            if role is None:
                raise Reject(f"unknown speaker '{frm[:40]}' in conversations[{i}]")
            msgs.append((role, value))
        own = own_id(r.get("id"))
        rule = msgs_problem(msgs)
        if not rule and own is not None and own in self.ids:
            rule = "duplicate_id"
        if rule:
            return rule
        if own is not None:
            self.ids.add(own)
        meta = {}
        for k in ("lang", "model"):
            v = r.get(k)
            if isinstance(v, str):
                meta[k] = v
        return {
            "messages": [{"role": role, "content": text} for role, text in msgs],
            "id": "sharegpt/" + (own if own is not None else str(row)),
            "source": "sharegpt",
            "meta": meta,
        }


# --- hh-rlhf -----------------------------------------------------------------

# A turn starts at "\n\n" + a marker; one space after the colon belongs to
# the marker, and a transcript may open with a bare marker. re.split scans
# left to right from each marker's end, as the C scanner does; the markers
# are ASCII, so str offsets behave like byte offsets.
TURN = re.compile(r"\n\n(?:(H)uman:|Assistant:) ?")


def parse_transcript(s):
    if s.startswith("Human:") or s.startswith("Assistant:"):
        s = "\n\n" + s
    parts = TURN.split(s)
    if len(parts) == 1:
        raise ValueError('no "\\n\\nHuman:" / "\\n\\nAssistant:" turns')
    if parts[0]:
        raise ValueError('text before the first "\\n\\nHuman:" turn')
    it = iter(parts[1:])
    return [("user" if h else "assistant", text) for h, text in zip(it, it)]


def shape_problem(turns):
    if turns[0][0] != "user":
        return "first_turn_not_user"
    for i in range(1, len(turns)):
        if turns[i][0] == turns[i - 1][0]:
            return "not_alternating"
    return None


def pref_split(c, r):
    """fmt_pref_split: the longest common run of whole turns ending with a
    user turn."""
    split = 0
    for i, (tc, tr) in enumerate(zip(c, r)):
        if tc != tr:
            break
        if tc[0] == "user":
            split = i + 1
    return split


def path_parent(path):
    end = path.rfind("/")
    if end <= 0:
        return ""
    return path[path.rfind("/", 0, end) + 1:end]


def path_stem(path):
    return path[path.rfind("/") + 1:].split(".", 1)[0]


def msg_list(turns):
    return [{"role": role, "content": text} for role, text in turns]


class HHRLHF:
    def __init__(self, path):
        self.row = 0
        self.subset = path_parent(path) if path != "-" else ""
        self.split = path_stem(path) if path != "-" else ""
        self.prefix = "hh-rlhf/" + "".join(p + "/" for p in (self.subset, self.split) if p)
        self.meta = {"subset": self.subset} if self.subset else {}

    def record(self, r):
        row = self.row
        self.row += 1
        if not isinstance(r, dict):
            raise Reject("a row must be a JSON object")
        if "chosen" not in r and "rejected" not in r and "transcript" in r:
            sys.exit("peer_import: this is not an HH-RLHF preference file (red-team-attempts schema)")
        c, rj = r.get("chosen"), r.get("rejected")
        for k, v in (("chosen", c), ("rejected", rj)):
            if not isinstance(v, str):
                raise Reject(f"field '{k}' must be a string" if k in r else f"missing field '{k}'")
        if c == rj:
            return "identical"
        try:
            tc = parse_transcript(c)
        except ValueError as e:
            raise Reject(f"chosen: {e}")
        try:
            tr = parse_transcript(rj)
        except ValueError as e:
            raise Reject(f"rejected: {e}")
        rule = shape_problem(tc) or shape_problem(tr)
        if rule:
            return rule
        k = pref_split(tc, tr)
        if not k:
            return "no_common_prompt"
        ch, rej = tc[k:], tr[k:]
        if not ch or not rej or any(not t for _, t in ch) or any(not t for _, t in rej):
            return "empty_response"
        if any(not t for _, t in tc[:k]):
            return "empty_turn"
        return {
            "prompt": msg_list(tc[:k]),
            "chosen": msg_list(ch),
            "rejected": msg_list(rej),
            "id": self.prefix + str(row),
            "source": "hh-rlhf",
            "meta": dict(self.meta),
        }


# --- main --------------------------------------------------------------------


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("sharegpt", "hh-rlhf"):
        sys.exit("usage: peer_import.py sharegpt|hh-rlhf IN OUT")
    fmt, src, dst = sys.argv[1:]
    conv = ShareGPT() if fmt == "sharegpt" else HHRLHF(src)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    written, dropped = 0, {}
    with open(dst, "w", encoding="utf-8", newline="\n") as out:
        for n, r in enumerate(rows(src)):
            try:
                rec = conv.record(r)
            except Reject as e:
                sys.exit(f"peer_import: {src}: row {n}: {fmt}: {e}")
            if isinstance(rec, str):
                dropped[rec] = dropped.get(rec, 0) + 1
                continue
            out.write(dumps(rec))
            out.write("\n")
            written += 1
    rules = ", ".join(f"{k} {v}" for k, v in sorted(dropped.items()))
    print(f"peer_import {fmt}: {written} written, {sum(dropped.values())} dropped"
          + (f" ({rules})" if rules else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
