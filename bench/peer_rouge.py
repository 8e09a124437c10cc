"""The peer of bench/run_rouge.sh, in stdlib Python: what Alpaca's
generate_instruction.py does per candidate with rouge_score (default
tokenizer: lowercase, non-alphanumerics to spaces, split; no stemming;
_score_lcs over a full DP table), without the process pool.

  peer_rouge.py make OUT N SEED   write N instruction-like lines
  peer_rouge.py score FILE K Q    max ROUGE-L F of each of the Q lines after
                                  the first K against those K (time on stderr)
"""
import random
import re
import sys
import time

WORDS = ("write explain describe list give name compare summarize classify rewrite translate suggest create "
         "find identify generate tell provide analyze evaluate convert sort the a an of to in for on with about "
         "three five short simple following given each best main two new old why how what which that this these "
         "sentence paragraph story poem email letter list table word words number numbers reasons examples "
         "ideas steps tips ways benefits differences similarities causes effects pros cons summary title topic").split()


def make(out, n, seed):
    rng = random.Random(seed)
    rare = ["w%d" % i for i in range(3000)]
    with open(out, "w") as f:
        for _ in range(n):
            k = rng.randint(6, 24)
            f.write(" ".join(rng.choice(WORDS) if rng.random() < 0.7 else rng.choice(rare) for _ in range(k)).capitalize() + ".\n")


def tokenize(text):
    return [t for t in re.sub(r"[^a-z0-9]+", " ", text.lower()).split() if t]


def lcs(a, b):
    rows, cols = len(a), len(b)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            if a[i - 1] == b[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    return table[-1][-1]


def fmeasure(target, pred):
    if not target or not pred:
        return 0.0
    n = lcs(target, pred)
    p, r = n / len(pred), n / len(target)
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def score(path, k, q):
    lines = open(path).read().splitlines()
    kept = [tokenize(s) for s in lines[:k]]
    queries = lines[k:k + q]
    t0 = time.perf_counter()
    out = []
    for s in queries:
        toks = tokenize(s)
        scores = [fmeasure(toks, t) for t in kept]
        top = sorted(range(len(scores)), key=lambda i: -scores[i])[:10]
        out.append(max(scores) if scores else 0.0)
        del top
    dt = time.perf_counter() - t0
    sys.stdout.write("".join("%.6f\n" % m for m in out))
    sys.stderr.write("%.6f\n" % dt)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        score(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
