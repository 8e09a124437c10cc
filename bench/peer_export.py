"""The export benchmark's Python peer (stdlib only): canonical SFT JSON Lines
to ShareGPT rows, with the FastChat-style split at a character budget as
docs/export.md defines it (rounds start at a user turn; whole rounds fill a
piece greedily; a round alone over the budget is its own piece; the system
prompt heads every piece; a trailing unanswered turn is left out; pieces get
"<id>#<k>"; ShareGPT rows need human/gpt alternation ending with gpt).
Written independently of tuneset so that equal outputs check both.

usage: python3 bench/peer_export.py MAX_CHARS IN.jsonl OUT.jsonl
"""
import json
import sys

FROM = {"system": "system", "user": "human", "assistant": "gpt", "tool": "observation"}


def length(msgs):
    return sum(len(m["content"]) + len(m.get("reasoning_content", "")) for m in msgs)


def pieces(rec, budget):
    msgs = rec["messages"]
    if not budget or length(msgs) <= budget:
        return [rec]
    head = msgs[:1] if msgs and msgs[0]["role"] == "system" else []
    end = len(msgs)
    while end > len(head) and msgs[end - 1]["role"] != "assistant":
        end -= 1
    if end == len(head):
        return []
    rounds, i = [], len(head)
    while i < end:
        j = i + 1
        while j < end and msgs[j]["role"] != "user":
            j += 1
        rounds.append(msgs[i:j])
        i = j
    groups, cur, used = [], [], length(head)
    for r in rounds:
        if cur and used + length(r) > budget:
            groups.append(cur)
            cur, used = [], length(head)
        cur = cur + r
        used += length(r)
    groups.append(cur)
    if len(groups) == 1 and end == len(msgs):
        return [rec]
    out = []
    for k, g in enumerate(groups, 1):
        p = dict(rec)
        p["messages"] = head + g
        if len(groups) > 1:
            meta = dict(rec.get("meta") or {})
            if "id" in rec:
                p["id"] = "%s#%d" % (rec["id"], k)
                meta["split_from"] = rec["id"]
            meta["split_piece"], meta["split_pieces"] = k, len(groups)
            p["meta"] = meta
        out.append(p)
    return out


def sharegpt(rec):
    msgs = rec["messages"]
    body = msgs[1:] if msgs and msgs[0]["role"] == "system" else msgs
    for k, m in enumerate(body):
        if (m["role"] in ("user", "tool")) != (k % 2 == 0) or m["role"] == "system":
            return None
    if not body or len(body) % 2:
        return None
    row = {}
    if isinstance(rec.get("id"), str):
        row["id"] = rec["id"]
    row["conversations"] = [{"from": FROM[m["role"]], "value": m["content"]} for m in msgs]
    return row


def main():
    budget, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    n_in = n_rows = 0
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            if not line.strip():
                continue
            n_in += 1
            for p in pieces(json.loads(line), budget):
                row = sharegpt(p)
                if row is not None:
                    out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
                    n_rows += 1
    print("peer_export: %d records, %d rows" % (n_in, n_rows), file=sys.stderr)


if __name__ == "__main__":
    main()
