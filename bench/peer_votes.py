#!/usr/bin/env python3
"""The votes benchmark's peer and input maker (Python stdlib).

  peer_votes.py make POSTS SEED RS_OUT RC_OUT   a synthetic Reddit dump: POSTS submissions
                                                and Pareto-many comments each, with every
                                                filter's case, comments shuffled across posts
  peer_votes.py run RS RC OUT                   SHP's pairing with tuneset votes' defaults
                                                (docs/votes.md), writing the same records
"""
import json
import random
import re
import sys

WORDS = ("rice water heat pot lid stir salt boil simmer grain starch rinse cook time steam pan "
         "butter oil slow fast cup ratio minute bowl spoon taste warm cold soak").split()


def make(posts, seed, rs_out, rc_out):
    rnd = random.Random(seed)
    subs, comments = [], []
    for p in range(posts):
        pid = "p%x" % p
        author = "op%d" % rnd.randrange(1000)
        r = rnd.random()
        sub = {"id": pid, "name": "t3_" + pid, "subreddit": rnd.choice(["AskCulinary", "askscience", "AskHistorians"]),
               "title": "Question %d about %s?" % (p, rnd.choice(WORDS)),
               "selftext": " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(5, 60))),
               "is_self": r > 0.05, "score": rnd.choice([3, 12, 40, 250, 1200]), "upvote_ratio": round(rnd.random(), 2),
               "author": "[deleted]" if r < 0.07 else author, "over_18": 0.07 <= r < 0.09,
               "edited": False if rnd.random() > 0.05 else 1600000000, "stickied": False, "distinguished": None,
               "created_utc": 1600000000 + p * 60}
        subs.append(sub)
        n = min(400, int(rnd.paretovariate(1.2) * 4))
        for c in range(n):
            body = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(3, 80)))
            if rnd.random() < 0.2:
                body += " see [this %s guide](https://example.com/%s_(x))" % (rnd.choice(WORDS), rnd.choice(WORDS))
            if rnd.random() < 0.1:
                body += " &amp; https://bare.example.org/%d" % c
            q = rnd.random()
            comments.append({
                "id": "%sc%x" % (pid, c), "parent_id": "t3_" + pid if q > 0.25 else "t1_%sc0" % pid,
                "link_id": "t3_" + pid, "author": "[deleted]" if q < 0.03 else (author if 0.97 < q else "u%d" % rnd.randrange(5000)),
                "body": "[removed]" if 0.25 < q < 0.27 else body, "score": int(rnd.paretovariate(1.1)) if rnd.random() < 0.9 else 1,
                "created_utc": sub["created_utc"] + rnd.randrange(1, 86400),
                "edited": False if rnd.random() > 0.05 else 1700000000, "stickied": rnd.random() < 0.01,
                "distinguished": "moderator" if rnd.random() < 0.01 else None})
    rnd.shuffle(comments)
    with open(rs_out, "w", encoding="utf-8") as f:
        for s in subs:
            f.write(json.dumps(s, ensure_ascii=False, separators=(",", ":")) + "\n")
    with open(rc_out, "w", encoding="utf-8") as f:
        for c in comments:
            f.write(json.dumps(c, ensure_ascii=False, separators=(",", ":")) + "\n")


LINK = re.compile(r"\[([^\]\[\n]*)\]\(((?:[^()\s]|\([^()\s]*\))+)\)")
ENT = re.compile(r"&(amp|lt|gt);")
ENTS = {"amp": "&", "lt": "<", "gt": ">"}


def clean(s):
    s = LINK.sub(lambda m: m.group(1), s)
    return ENT.sub(lambda m: ENTS[m.group(1)], s).strip(" \n\t\r")


def truthy(x):
    return not (x is None or x is False or x == 0 or x == "")


def dbl(x):
    """A double as tuneset writes it: the shortest %g text that reads back."""
    for p in range(1, 18):
        t = "%.*g" % (p, x)
        if float(t) == x:
            return t
    return repr(x)


def run(rs, rc, out):
    posts = {}  # id -> state, in order of first appearance
    order = []

    def post(pid):
        if pid not in posts:
            posts[pid] = {"seen": False, "dropped": False, "c": []}
            order.append(pid)
        return posts[pid]

    def strip(i):
        return i[3:] if len(i) > 3 and i[0] == "t" and "1" <= i[1] <= "6" and i[2] == "_" else i

    dead = ("[deleted]", "[removed]")
    for path in (rs, rc):
        for line in open(path, encoding="utf-8"):
            r = json.loads(line)
            if "title" in r:
                p = post(strip(r["id"]))
                if p["seen"]:
                    continue
                p["seen"] = True
                text = r.get("selftext")
                self_ = r["is_self"] is True if "is_self" in r else bool(text)
                bad = (not self_ or truthy(r.get("over_18")) or r.get("author") in dead or text in dead
                       or r["title"] in dead or truthy(r.get("distinguished")) or truthy(r.get("stickied"))
                       or truthy(r.get("edited")) or r["score"] < 10)
                if bad:
                    p["dropped"], p["c"] = True, []
                    continue
                p.update(author=r.get("author") or "", title=clean(r["title"]), self=clean(text or ""),
                         sub=(r.get("subreddit") or "").lower(), score=r["score"], ratio=r.get("upvote_ratio"))
                continue
            if not r["parent_id"].startswith("t3_"):
                continue
            bad = (r.get("author") in dead or r["body"] in dead or truthy(r.get("distinguished"))
                   or truthy(r.get("stickied")) or truthy(r.get("edited")) or r["score"] < 2)
            p = post(strip(r.get("link_id") or r["parent_id"]))
            if bad or p["dropped"]:
                continue
            body = clean(r["body"])
            if not body or any(c[3] == r["id"] for c in p["c"]):
                continue
            # (score desc, created asc, id asc) is the keep order; hold the best 50.
            c = (-r["score"], r["created_utc"], r["id"].encode(), r["id"], r.get("author") or "", body)
            p["c"].append(c)
            if len(p["c"]) > 50:
                p["c"].remove(max(p["c"]))
    with open(out, "w", encoding="utf-8") as f:
        for pid in order:
            p = posts[pid]
            if not p["seen"] or p["dropped"]:
                continue
            cs = sorted(c for c in p["c"] if c[4] != p["author"])
            cands = []
            for i in range(len(cs)):
                for j in range(i + 1, len(cs)):
                    hi, lo = cs[i], cs[j]
                    if hi[0] == lo[0] or hi[1] < lo[1]:
                        continue
                    ratio = hi[0] / lo[0]
                    if ratio >= 2:
                        cands.append((-ratio, i, j))
            cands.sort()
            hist = p["title"] + (" " + p["self"] if p["self"] else "")
            for neg, i, j in cands[:5]:
                ch, rj = cs[i], cs[j]
                meta = {"post_id": pid}
                if p["sub"]:
                    meta["domain"] = p["sub"]
                meta.update(chosen_id=ch[3], rejected_id=rj[3], created_chosen=ch[1], created_rejected=rj[1],
                            seconds_difference=ch[1] - rj[1], score_ratio="@R@", post_score=p["score"])
                if p["ratio"] is not None:
                    meta["upvote_ratio"] = "@U@"
                rec = {"prompt": [{"role": "user", "content": hist}],
                       "chosen": [{"role": "assistant", "content": ch[5]}],
                       "rejected": [{"role": "assistant", "content": rj[5]}],
                       "score_chosen": -ch[0], "score_rejected": -rj[0],
                       "id": "votes/%s/%s-%s" % (pid, ch[3], rj[3]), "source": "votes", "meta": meta}
                s = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
                s = s.replace('"@R@"', dbl(-neg))
                if p["ratio"] is not None:
                    s = s.replace('"@U@"', dbl(float(p["ratio"])))
                f.write(s + "\n")


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 5 and a[0] == "make":
        make(int(a[1]), int(a[2]), a[3], a[4])
    elif len(a) == 4 and a[0] == "run":
        run(a[1], a[2], a[3])
    else:
        sys.exit(__doc__)
