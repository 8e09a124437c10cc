#!/usr/bin/env python3
"""The Python peer of `tuneset dedup` (stdlib only), and the maker of its input.

  peer_dedup.py [--exact-only] IN OUT     dedup IN (SFT JSONL) into OUT
  peer_dedup.py make SRC N SEED OUT       ~1 KB records with planted duplicates

The peer follows lib/curate/dedup_text.c, minhash.c and dedup.c at their
defaults (--fields all, --keep first, 128 permutations, 5-word shingles,
threshold 0.8, seed 0), so the two tools should remove the same records:
  text   every message's content; per turn ASCII-lowercased, split on ASCII
         whitespace, words joined by one space; turns joined by 0x1e (only
         once the text so far is not empty).
  exact  the normalized text itself (tuneset keeps a 64-bit hash of it).
  words  FNV-1a 64 of each lowercased word; words never span turns.
  shingle  rotate-xor-multiply over n consecutive word hashes, then fmix64
         (one shingle of all words when there are fewer than n).
  minhash  permutation i = high 32 bits of (a_i*h + b_i) mod 2^64, a_i, b_i
         from splitmix64 seeded with seed ^ "minhash", a_i odd.
  LSH    bands x rows chosen as ts_minhash_lsh_params does (16 x 8); a
         record is a near duplicate when a kept record sharing a band has
         >= ceil(threshold * perms) equal positions. tuneset keys bands by a
         64-bit hash, Python by the values: only a hash collision (never
         seen) could make them differ.
Kept records are written as compact JSON (json.dumps, ensure_ascii=False),
as tuneset writes them, so the outputs can be compared with cmp.
"""
import json
import math
import random
import sys
import time

M64 = (1 << 64) - 1
UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def splitmix(s):
    s = (s + 0x9E3779B97F4A7C15) & M64
    z = s
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return s, z ^ (z >> 31)


def fmix(z):
    z = ((z ^ (z >> 33)) * 0xFF51AFD7ED558CCD) & M64
    z = ((z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53) & M64
    return z ^ (z >> 33)


def perms_of(perms, seed):
    s = seed ^ 0x6D696E68617368
    ab = []
    for _ in range(perms):
        s, a = splitmix(s)
        s, b = splitmix(s)
        ab.append((a | 1, b))
    return ab


def lsh_params(perms, t):
    bands, rows = perms, 1
    for r in range(1, perms + 1):
        if perms % r:
            continue
        b = perms // r
        if 1.0 - (1.0 - t**r) ** b >= 0.9:
            bands, rows = b, r
    return bands, rows


_word_cache = {}


def fnv1a(w):
    h = _word_cache.get(w)
    if h is None:
        h = 0xCBF29CE484222325
        for c in w:
            h = ((h ^ c) * 0x100000001B3) & M64
        if len(_word_cache) < 2_000_000:
            _word_cache[w] = h
    return h


def segments(rec):
    """The strings --fields all compares (SFT, preference or text)."""
    def turns(v):
        if isinstance(v, str):
            return [v]
        if isinstance(v, list):
            return [m.get("content") for m in v if isinstance(m, dict) and isinstance(m.get("content"), str)]
        return []
    if "messages" in rec:
        return turns(rec["messages"])
    if "prompt" in rec:
        return turns(rec["prompt"]) + turns(rec.get("chosen")) + turns(rec.get("rejected"))
    t = rec.get("text")
    return [t] if isinstance(t, str) else []


def shingles(words, n):
    if not words:
        return []
    ln = min(n, len(words))
    out = []
    for i in range(len(words) - ln + 1):
        h = 0x243F6A8885A308D3
        for j in range(i, i + ln):
            h = ((((h << 23) | (h >> 41)) & M64) ^ words[j]) * 0x9FB21C651E98DF25 & M64
        out.append(fmix(h))
    return out


def dedup(src, dst, exact_only, perms=128, ngram=5, threshold=0.8, seed=0):
    ab = perms_of(perms, seed)
    bands, rows = lsh_params(perms, threshold)
    need = math.ceil(threshold * perms - 1e-9)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    seen = set()
    buckets = {}  # (band, values) -> [kept signatures]
    read = exact = near = 0
    clock = time.perf_counter
    t_parse = t_dedup = 0.0  # the stages, as tuneset's --stats times them
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8", newline="\n") as out:
        for line in f:
            if not line.strip():
                continue
            t0 = clock()
            rec = json.loads(line)
            t1 = clock()
            t_parse += t1 - t0
            read += 1
            norm = b""
            words = []
            for s in segments(rec):
                ws = s.encode("utf-8", "surrogatepass").lower().split()
                if norm:
                    norm += b"\x1e"
                norm += b" ".join(ws)
                if not exact_only:
                    words.extend(map(fnv1a, ws))
            if norm in seen:
                exact += 1
                t_dedup += clock() - t1
                continue
            keys = None
            if not exact_only and words:
                sh = shingles(words, ngram)
                sig = [min([(a * h + b) & M64 for h in sh]) >> 32 for a, b in ab]
                keys = [(k, tuple(sig[k * rows:(k + 1) * rows])) for k in range(bands)]
                dup = False
                for key in keys:
                    for other in buckets.get(key, ()):
                        if sum(x == y for x, y in zip(sig, other)) >= need:
                            dup = True
                            break
                    if dup:
                        break
                if dup:
                    near += 1
                    t_dedup += clock() - t1
                    continue
            seen.add(norm)
            if keys:
                for key in keys:
                    buckets.setdefault(key, []).append(sig)
            t_dedup += clock() - t1
            out.write(dumps(rec))
            out.write("\n")
    print(f"peer_dedup: read {read}, written {read - exact - near}, exact {exact}, near {near}", file=sys.stderr)
    print(f"peer_dedup: seconds_parse {t_parse:.4f} seconds_dedup {t_dedup:.4f}", file=sys.stderr)


def make(src, n, seed, dst):
    """~1 KB SFT records cut from datagen's, plus planted duplicates: 3% exact
    copies after normalization (case and spacing changed), 5% near copies
    (1 or 2 words replaced), of one of the last 5000 records."""
    rng = random.Random(seed)
    recent = []
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    made = 0
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8", newline="\n") as out:
        for line in f:
            if made >= n:
                break
            rec = json.loads(line)
            budget = 640
            for m in rec["messages"]:
                c = m["content"]
                room = max(budget, 40)
                if len(c) > room:
                    cut = c.rfind(" ", 0, room)
                    c = c[:cut if cut > 0 else room]
                m["content"] = c
                budget -= len(c)
            out.write(dumps(rec) + "\n")
            made += 1
            recent.append(rec)
            if len(recent) > 5000:
                recent.pop(0)
            r = rng.random()
            if r < 0.08:
                orig = recent[rng.randrange(len(recent))]
                cp = json.loads(json.dumps(orig))
                msg = max(cp["messages"], key=lambda m: len(m["content"]))
                if r < 0.03:
                    cp["id"] += "#exact%d" % made
                    msg["content"] = "  " + msg["content"].translate(UPPER).replace(" ", "  \n") + "\t"
                else:
                    cp["id"] += "#near%d" % made
                    ws = msg["content"].split(" ")
                    for _ in range(1 + (r > 0.065)):
                        ws[rng.randrange(len(ws))] = rng.choice(["zebra", "quokka", "nebula", "saffron"])
                    msg["content"] = " ".join(ws)
                out.write(dumps(cp) + "\n")


def main():
    a = sys.argv[1:]
    if a and a[0] == "make":
        make(a[1], int(a[2]), int(a[3]), a[4])
        return
    exact_only = "--exact-only" in a
    a = [x for x in a if x != "--exact-only"]
    if len(a) != 2:
        sys.exit("usage: peer_dedup.py [--exact-only] IN OUT | make SRC N SEED OUT")
    dedup(a[0], a[1], exact_only)


if __name__ == "__main__":
    main()
