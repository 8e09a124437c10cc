# tuneset votes: SHP's pairing rule and every filter, counted by rule, over
# a project-written Reddit dump (tests/fixtures/votes); order independence;
# SHP's own schema read back by `import shp`; bad records.
. "$ROOT/tests/cli/lib.sh"
D="$F/votes"

run ts votes "$D/submissions.jsonl" "$D/comments.jsonl" -o "$T/v.jsonl" --stats "$T/s.json"; expect_rc 0
[ "$(json_get "$T/s.json" "d['read'], d['written'], d['dropped_total'], d['rejected'], d['unit']")" = "21 9 12 0 pair" ] || fail "pair counts $(cat "$T/s.json")"
[ "$(json_get "$T/s.json" "sorted(d['dropped'].items())")" = "[('pair_max_per_post', 1), ('pair_score_ratio', 1), ('pair_tie', 1), ('pair_winner_earlier', 9)]" ] || fail "pair drops $(cat "$T/s.json")"
R="d['records']"
[ "$(json_get "$T/s.json" "$R['read'], $R['posts'], $R['comments'], $R['used'], $R['rejected'], $R['read'] == $R['used'] + sum($R['dropped'].values()) + $R['rejected']")" = "33 10 23 12 0 True" ] || fail "record counts $(cat "$T/s.json")"
cat > "$T/want" <<'TXT'
comment_by_post_author 1
comment_deleted 2
comment_duplicate 1
comment_edited 1
comment_empty 1
comment_low_score 1
comment_moderator 1
comment_no_post 1
comment_not_top_level 1
comment_post_dropped 2
comment_stickied 1
post_deleted 1
post_duplicate 1
post_edited 1
post_low_score 1
post_moderator 1
post_not_self 1
post_nsfw 1
post_stickied 1
TXT
json_get "$T/s.json" "'\n'.join('%s %d' % kv for kv in sorted($R['dropped'].items()))" > "$T/got"
cmp -s "$T/want" "$T/got" || fail "record drops: $(diff "$T/want" "$T/got")"
expect_err_has "dropped comment_by_post_author       1"
ts validate -q "$T/v.jsonl" || fail "output does not validate"

# The pairs: preferred = higher score and written no earlier; the highest
# ratios first; links reduced to their text, bare URLs kept, entities decoded.
python3 - "$T/v.jsonl" <<'PY' || fail "pairs: $(head -c 800 "$T/v.jsonl")"
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
got = [(r["meta"]["chosen_id"], r["meta"]["rejected_id"], r["meta"]["score_ratio"]) for r in rs]
assert got == [("c1", "c3", 8), ("c1", "c2", 4), ("c1", "c4", 2), ("c5", "c3", 2),
               ("d1", "d4", 32), ("d1", "d3", 16), ("d2", "d4", 8), ("d1", "d2", 4), ("d2", "d3", 4)], got
r = rs[0]
assert r["prompt"] == [{"role": "user", "content": "How do I keep rice from sticking? Every time I cook rice it sticks to the pot & burns. See my photo."}], r["prompt"]
assert r["chosen"][0]["content"] == "Rinse it first & use the absorption method. More at https://rice.example.com", r["chosen"]
assert (r["score_chosen"], r["score_rejected"], r["id"], r["source"]) == (40, 5, "votes/aaa1/c1-c3", "votes")
m = r["meta"]
assert (m["domain"], m["seconds_difference"], m["post_score"], m["upvote_ratio"]) == ("askcooking", 100, 50, 0.95), m
for r in rs:
    assert r["meta"]["created_chosen"] >= r["meta"]["created_rejected"] and r["score_chosen"] > r["score_rejected"]
PY

# Any order, any split into files: the same pairs and the same counts.
python3 - "$D/submissions.jsonl" "$D/comments.jsonl" "$T/shuf.jsonl" <<'PY'
import random, sys
lines = open(sys.argv[1]).readlines() + open(sys.argv[2]).readlines()
random.Random(3).shuffle(lines)
open(sys.argv[3], "w").writelines(lines)
PY
run ts votes "$D/comments.jsonl" "$D/submissions.jsonl" -o "$T/rev.jsonl" --stats "$T/rev.json"; expect_rc 0
run ts votes "$T/shuf.jsonl" -o "$T/shuf.out" --stats "$T/shuf.json"; expect_rc 0
sort "$T/v.jsonl" > "$T/a"; sort "$T/rev.jsonl" > "$T/b"; sort "$T/shuf.out" > "$T/c"
cmp -s "$T/a" "$T/b" && cmp -s "$T/a" "$T/c" || fail "input order changed the pairs"
for f in rev shuf; do
  [ "$(json_get "$T/$f.json" "d['dropped'], d['records']['dropped']")" = "$(json_get "$T/s.json" "d['dropped'], d['records']['dropped']")" ] || fail "$f counts differ: $(cat "$T/$f.json")"
done

# --max-comments 3: the best three by score per post (then the post
# author's own comment leaves); --max-pairs 0: no cap.
run ts votes --max-comments 3 --max-pairs 0 "$D/comments.jsonl" "$D/submissions.jsonl" -o "$T/m.jsonl" --stats "$T/m.json"; expect_rc 0
[ "$(json_get "$T/m.json" "d['written'], d['records']['dropped']['comment_over_cap'], d['records']['dropped']['comment_by_post_author'], d['dropped'].get('pair_max_per_post', 0)")" = "4 5 1 0" ] || fail "max-comments $(cat "$T/m.json")"
run ts votes -q --min-score-ratio 4 --min-post-score 20 "$D/submissions.jsonl" "$D/comments.jsonl" -o "$T/r.jsonl" --stats "$T/r.json"; expect_rc 0
[ "$(json_get "$T/r.json" "d['written'], d['records']['dropped']['post_low_score'], d['dropped']['pair_score_ratio']")" = "2 2 3" ] || fail "thresholds $(cat "$T/r.json")"

run ts votes -q --before 600 "$D/submissions.jsonl" "$D/comments.jsonl" -o "$T/b4.jsonl" --stats "$T/b4.json"; expect_rc 0
[ "$(json_get "$T/b4.json" "d['written'], d['records']['dropped']['post_too_recent'], d['records']['dropped']['comment_post_dropped']")" = "5 1 11" ] || fail "--before $(cat "$T/b4.json")"

# --schema shp: SHP's columns, labels seeded; import shp reads them back
# into the same preferences.
run ts votes --schema shp --seed 7 "$D/submissions.jsonl" "$D/comments.jsonl" -o "$T/shp.jsonl"; expect_rc 0
run ts import shp "$T/shp.jsonl" -o "$T/back.jsonl"; expect_rc 0
python3 - "$T/shp.jsonl" "$T/back.jsonl" "$T/v.jsonl" <<'PY' || fail "shp schema: $(head -c 800 "$T/shp.jsonl")"
import json, sys
shp = [json.loads(l) for l in open(sys.argv[1])]
keys = ["post_id", "domain", "upvote_ratio", "history", "c_root_id_A", "c_root_id_B", "created_at_utc_A",
        "created_at_utc_B", "score_A", "score_B", "human_ref_A", "human_ref_B", "labels",
        "seconds_difference", "score_ratio"]
assert all(list(r) == keys for r in shp), list(shp[0])
assert {r["labels"] for r in shp} == {0, 1}
for r in shp:
    win, lose = ("A", "B") if r["labels"] else ("B", "A")
    assert r["score_" + win] > r["score_" + lose] and r["seconds_difference"] >= 0
    assert r["score_ratio"] == r["score_" + win] / r["score_" + lose]
    assert r["created_at_utc_" + win] - r["created_at_utc_" + lose] == r["seconds_difference"]
key = lambda r: (r["prompt"][0]["content"], r["chosen"][0]["content"], r["rejected"][0]["content"], r["score_chosen"], r["score_rejected"])
back = sorted(map(key, map(json.loads, open(sys.argv[2]))))
ours = sorted(map(key, map(json.loads, open(sys.argv[3]))))
assert back == ours, (back, ours)
PY
run ts votes --schema shp --seed 8 "$D/submissions.jsonl" "$D/comments.jsonl" -o "$T/shp8.jsonl"; expect_rc 0
cmp -s "$T/shp.jsonl" "$T/shp8.jsonl" && fail "--seed does not change the A/B order"
run ts votes --schema shp --seed 7 "$D/submissions.jsonl" "$D/comments.jsonl" -o "$T/shp7.jsonl"; expect_rc 0
cmp -s "$T/shp.jsonl" "$T/shp7.jsonl" || fail "same seed, different bytes"

# Bad records: rejected with their position; the counts still add up.
run ts votes "$D/bad.jsonl" -o "$T/bad.jsonl"; expect_rc 1
expect_err_has "bad.jsonl:2"
expect_err_has "neither a submission"
[ -e "$T/bad.jsonl" ] && fail "failed run left its output"
run ts votes --on-error skip --rejects "$T/rej.jsonl" "$D/bad.jsonl" -o "$T/bad.jsonl" --stats "$T/b.json"; expect_rc 0
[ "$(json_get "$T/b.json" "d['read'], d['written'], d['rejected'], d['records']['read'], d['records']['rejected'], d['records']['used']")" = "4 1 3 6 3 3" ] || fail "bad counts $(cat "$T/b.json")"
[ "$(wc -l < "$T/rej.jsonl")" = 3 ] || fail "rejects $(cat "$T/rej.jsonl")"
grep -q "field 'score' must be a number" "$T/rej.jsonl" || fail "rejects lack the reason: $(cat "$T/rej.jsonl")"
run ts votes --schema other "$D/bad.jsonl"; expect_rc 2
run ts votes --help; expect_rc 0; expect_out_has "example: tuneset votes"
exit 0
