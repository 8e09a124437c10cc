# tuneset report: one self-contained HTML page with SVG charts and samples.
. "$ROOT/tests/cli/lib.sh"
IN="$F/curate/report.jsonl"
run ts report "$IN" -o "$T/r.html" --title "Demo <1>"; expect_rc 0
expect_err_has "read 6, written 6, dropped 0, rejected 0"
H="$T/r.html"
grep -qF "<title>Demo &lt;1&gt;</title>" "$H" || fail "title not escaped"
grep -qF "6 records: 4 SFT, 2 preference" "$H" || fail "totals"
grep -qF "1 exact duplicate texts" "$H" || fail "duplicates"
[ "$(grep -o '<svg ' "$H" | wc -l)" = 7 ] || fail "expected 7 charts"
[ "$(grep -o '<details class="rec">' "$H" | wc -l)" = 6 ] || fail "expected 6 sample records"
grep -qF "<title>en: 4</title>" "$H" || fail "language bar"
grep -qF "<title>pref: 2</title>" "$H" || fail "source bar"
grep -qF "&lt;script&gt;alert(1)&lt;/script&gt;" "$H" || fail "content not escaped"
# Self-contained: no scripts, stylesheets, images or links to fetch.
grep -qiE "<script|<link|<img|src=|url\(" "$H" && fail "page refers to something outside itself"
# --sample 1: the first record and one random one; the seed decides which.
run ts report "$IN" -o "$T/a.html" --sample 1 --seed 3 -q; expect_rc 0
run ts report "$IN" -o "$T/b.html" --sample 1 --seed 3 -q; expect_rc 0
cmp -s "$T/a.html" "$T/b.html" || fail "same seed, different page"
[ "$(grep -o '<details class="rec">' "$T/a.html" | wc -l)" = 2 ] || fail "--sample 1 shows 2 records"
picks=$(for s in 0 1 2 3 4 5 6 7; do ts report "$IN" -o - --sample 1 --seed $s -q | grep -o '#[1-5]</span>'; done | sort -u | wc -l)
[ "$picks" -ge 2 ] || fail "the seed does not change the random sample"
# SFT only: the score gap chart says "no data".
head -n 1 "$IN" > "$T/one.jsonl"
run ts report "$T/one.jsonl" -o "$T/e.html" -q; expect_rc 0
[ "$(grep -o 'no data' "$T/e.html" | wc -l)" = 1 ] || fail "SFT only: one empty chart"
run ts report "$T/missing.jsonl" -o "$T/m.html" -q; expect_rc 3
[ -e "$T/m.html" ] && fail "output written after a failed read"
run ts report "$IN" --sample 20000 -o "$T/x.html"; expect_rc 2
exit 0
