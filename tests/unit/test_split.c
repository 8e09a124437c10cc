/* Split assignment: ratios, group integrity, determinism, stratification. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tuneset/curate_split.h"

static ts_json *rec(ts_arena *a, const char *text)
{
    ts_json *v = NULL;
    ts_err e = TS_ERR_INIT;
    if (ts_json_parse(text, strlen(text), a, NULL, &v, &e))
        return NULL;
    return v;
}

/* Assigns n synthetic records; the i-th has id "x/i", source "s<i%3>" (or
 * "rare" for every tenth) and meta.tree "g<i/7>". */
static int run(ts_splitter *s, int n, int use_id, int *out)
{
    ts_arena a;
    ts_arena_init(&a);
    for (int i = 0; i < n; i++) {
        char t[256];
        ts_arena_reset(&a);
        if (use_id)
            snprintf(t, sizeof t, "{\"id\":\"x/%d\",\"source\":\"%s%d\",\"meta\":{\"tree\":\"g%d\"}}", i,
                     i % 10 ? "s" : "rare", i % 3, i / 7);
        else
            snprintf(t, sizeof t, "{\"source\":\"s%d\"}", i % 3);
        ts_json *v = rec(&a, t);
        if (!v || ts_splitter_assign(s, v, (uint64_t)i, &out[i])) {
            ts_arena_release(&a);
            return -1;
        }
    }
    ts_arena_release(&a);
    return 0;
}

TEST(split_parse_ratios)
{
    ts_split_spec sp;
    char why[200];
    CHECK_INT(ts_split_parse_ratios("train=9,test=1", &sp, why, sizeof why), 0);
    CHECK_INT(sp.n, 2);
    CHECK_STR(sp.name[0], "train");
    CHECK_STR(sp.name[1], "test");
    CHECK(sp.ratio[0] > 0.8999 && sp.ratio[0] < 0.9001);
    CHECK(sp.ratio[1] > 0.0999 && sp.ratio[1] < 0.1001);
    CHECK_INT(ts_split_parse_ratios("a=0.5,b=0.25,c=0.25", &sp, why, sizeof why), 0);
    CHECK_INT(sp.n, 3);
    CHECK_INT(ts_split_parse_ratios("a=1,a=2", &sp, why, sizeof why), TS_EINVAL);
    CHECK(strstr(why, "twice") != NULL);
    CHECK_INT(ts_split_parse_ratios("a=0,b=1", &sp, why, sizeof why), TS_EINVAL);
    CHECK_INT(ts_split_parse_ratios("a=-1", &sp, why, sizeof why), TS_EINVAL);
    CHECK_INT(ts_split_parse_ratios("a", &sp, why, sizeof why), TS_EINVAL);
    CHECK_INT(ts_split_parse_ratios("../x=1", &sp, why, sizeof why), TS_EINVAL);
    CHECK_INT(ts_split_parse_ratios("a/b=1", &sp, why, sizeof why), TS_EINVAL);
    CHECK_INT(ts_split_parse_ratios("", &sp, why, sizeof why), TS_EINVAL);
    CHECK_INT(ts_split_parse_ratios("a=1x", &sp, why, sizeof why), TS_EINVAL);
}

TEST(split_ratios_within_tolerance)
{
    enum { N = 10000 };
    static int out[N];
    for (int use_id = 0; use_id < 2; use_id++) {
        ts_split_spec sp;
        CHECK_INT(ts_split_parse_ratios("train=0.8,val=0.1,test=0.1", &sp, NULL, 0), 0);
        ts_splitter s;
        CHECK_INT(ts_splitter_init(&s, &sp, 42, NULL, NULL), 0);
        CHECK_INT(run(&s, N, use_id, out), 0);
        int n[3] = {0};
        for (int i = 0; i < N; i++)
            n[out[i]]++;
        CHECK_INT(n[0] + n[1] + n[2], N);
        CHECK_INT(s.count[0], n[0]);
        /* Binomial sd is 40 and 30 records: 5 sd of slack. */
        CHECK(n[0] > 8000 - 200 && n[0] < 8000 + 200);
        CHECK(n[1] > 1000 - 150 && n[1] < 1000 + 150);
        CHECK(n[2] > 1000 - 150 && n[2] < 1000 + 150);
        ts_splitter_release(&s);
    }
}

TEST(split_deterministic_by_seed)
{
    enum { N = 2000 };
    static int a[N], b[N], c[N];
    ts_split_spec sp;
    CHECK_INT(ts_split_parse_ratios("train=1,test=1", &sp, NULL, 0), 0);
    ts_splitter s;
    CHECK_INT(ts_splitter_init(&s, &sp, 7, NULL, NULL), 0);
    CHECK_INT(run(&s, N, 1, a), 0);
    ts_splitter_release(&s);
    CHECK_INT(ts_splitter_init(&s, &sp, 7, NULL, NULL), 0);
    CHECK_INT(run(&s, N, 1, b), 0);
    ts_splitter_release(&s);
    CHECK_INT(ts_splitter_init(&s, &sp, 8, NULL, NULL), 0);
    CHECK_INT(run(&s, N, 1, c), 0);
    ts_splitter_release(&s);
    CHECK(!memcmp(a, b, sizeof a));
    int differ = 0;
    for (int i = 0; i < N; i++)
        differ += a[i] != c[i];
    /* Independent halves disagree about half the time. */
    CHECK(differ > N / 2 - 200 && differ < N / 2 + 200);
}

TEST(split_group_integrity)
{
    enum { N = 7000 };
    static int out[N];
    ts_split_spec sp;
    CHECK_INT(ts_split_parse_ratios("a=0.5,b=0.3,c=0.2", &sp, NULL, 0), 0);
    ts_splitter s;
    CHECK_INT(ts_splitter_init(&s, &sp, 1, "meta.tree", NULL), 0);
    CHECK_INT(run(&s, N, 1, out), 0);
    int n[3] = {0};
    for (int i = 0; i < N; i++) {
        n[out[i]]++;
        CHECK_INT(out[i], out[i - i % 7]); /* the whole group went with its first record */
    }
    /* 1000 groups of 7: the share of groups is within ~5 sd. */
    CHECK(n[0] > 3500 - 560 && n[0] < 3500 + 560);
    CHECK(n[2] > 1400 - 450 && n[2] < 1400 + 450);
    /* A record without the key is refused and not counted. */
    ts_arena ar;
    ts_arena_init(&ar);
    int k = -1;
    CHECK_INT(ts_splitter_assign(&s, rec(&ar, "{\"id\":\"z\",\"meta\":{}}"), 0, &k), TS_ESCHEMA);
    CHECK_INT(ts_splitter_assign(&s, rec(&ar, "{\"meta\":{\"tree\":[1]}}"), 0, &k), TS_ESCHEMA);
    CHECK_INT(s.count[0] + s.count[1] + s.count[2], N);
    /* Number keys work, and the same key gives the same split anywhere. */
    int k1, k2;
    CHECK_INT(ts_splitter_assign(&s, rec(&ar, "{\"meta\":{\"tree\":12}}"), 5, &k1), 0);
    CHECK_INT(ts_splitter_assign(&s, rec(&ar, "{\"meta\":{\"tree\":12},\"id\":\"q\"}"), 99, &k2), 0);
    CHECK_INT(k1, k2);
    ts_arena_release(&ar);
    ts_splitter_release(&s);
    CHECK_INT(ts_splitter_init(&s, &sp, 1, "id", "source"), TS_EINVAL);
}

TEST(split_stratify_proportions)
{
    enum { N = 10000 };
    static int out[N];
    ts_split_spec sp;
    CHECK_INT(ts_split_parse_ratios("train=0.8,val=0.1,test=0.1", &sp, NULL, 0), 0);
    ts_splitter s;
    CHECK_INT(ts_splitter_init(&s, &sp, 3, NULL, "source"), 0);
    CHECK_INT(run(&s, N, 1, out), 0);
    CHECK_INT(s.nstrata, 6); /* s0 s1 s2 rare0 rare1 rare2 */
    /* Per stratum, each split is within k-1 = 2 records of its share. */
    for (size_t j = 0; j < s.scap; j++) {
        const ts_split_stratum *t = &s.strata[j];
        if (!t->hash)
            continue;
        uint64_t sum = 0;
        for (int i = 0; i < 3; i++) {
            double want = sp.ratio[i] * (double)t->total;
            CHECK((double)t->count[i] > want - 2.0001 && (double)t->count[i] < want + 2.0001);
            sum += t->count[i];
        }
        CHECK_INT(sum, t->total);
    }
    /* Recount from the assignments: stratum "s1" (i%3==1, i%10!=0). */
    int n1 = 0, tr = 0;
    for (int i = 0; i < N; i++)
        if (i % 3 == 1 && i % 10) {
            n1++;
            tr += out[i] == 0;
        }
    CHECK(tr >= (int)(0.8 * n1) - 2 && tr <= (int)(0.8 * n1) + 2);
    ts_splitter_release(&s);

    /* A missing field is one stratum of its own. */
    ts_arena ar;
    ts_arena_init(&ar);
    CHECK_INT(ts_splitter_init(&s, &sp, 3, NULL, "meta.source"), 0);
    int k;
    for (int i = 0; i < 10; i++)
        CHECK_INT(ts_splitter_assign(&s, rec(&ar, "{\"id\":\"a\"}"), (uint64_t)i, &k), 0);
    CHECK_INT(s.nstrata, 1);
    /* Ten records with the same id all propose the same split; balancing
     * caps it at one over its share, so the others get some. */
    CHECK_INT(s.count[0] + s.count[1] + s.count[2], 10);
    for (int i = 0; i < 3; i++)
        CHECK((double)s.count[i] <= sp.ratio[i] * 10 + 1.0001 && (double)s.count[i] >= sp.ratio[i] * 10 - 2.0001);
    ts_arena_release(&ar);
    ts_splitter_release(&s);
}

/* --- mix ---------------------------------------------------------------- */

/* Pass one and two over a synthetic input: record i has source "a" when
 * i % 4 < 3 (75 of 100) and "b" otherwise (25). copies[i] gets the result. */
static int mix_run(ts_mix *m, uint64_t total, uint64_t *copies, char *why)
{
    ts_arena a;
    ts_arena_init(&a);
    const char *ra = "{\"source\":\"a\"}", *rb = "{\"source\":\"b\"}", *rc = "{\"source\":\"c\"}";
    ts_json *va = rec(&a, ra), *vb = rec(&a, rb), *vc = rec(&a, rc);
    int err = 0;
    for (int pass = 0; pass < 2 && !err; pass++) {
        for (int i = 0; i < 100; i++) {
            int k = ts_mix_find(m, i % 4 < 3 ? va : vb);
            if (pass == 0 && k >= 0)
                m->src[k].avail++;
            if (pass == 1)
                copies[i] = k < 0 ? 0 : ts_mix_copies(m, k);
        }
        if (ts_mix_find(m, vc) != -1)
            err = -1; /* an unlisted source must not match */
        if (pass == 0 && !err)
            err = ts_mix_plan(m, total, why, 200);
    }
    ts_arena_release(&a);
    return err;
}

static void sums(const uint64_t *copies, uint64_t *sa, uint64_t *sb, uint64_t *most)
{
    *sa = *sb = *most = 0;
    for (int i = 0; i < 100; i++) {
        *(i % 4 < 3 ? sa : sb) += copies[i];
        if (copies[i] > *most)
            *most = copies[i];
    }
}

TEST(mix_parse)
{
    ts_mix m;
    char why[200];
    CHECK_INT(ts_mix_parse(&m, "oasst1=3,hh-rlhf/base=1", 0, "source", 0, 0, why, sizeof why), 0);
    CHECK_INT(m.n, 2);
    CHECK_STR(m.src[1].name, "hh-rlhf/base");
    CHECK(m.src[0].weight == 0.75);
    CHECK_INT(ts_mix_parse(&m, "a=10,b=0", 1, "source", 0, 0, why, sizeof why), 0);
    CHECK_INT(m.src[0].want, 10);
    CHECK_INT(ts_mix_parse(&m, "a=1.5", 1, "source", 0, 0, why, sizeof why), TS_EINVAL);
    CHECK_INT(ts_mix_parse(&m, "a=0", 0, "source", 0, 0, why, sizeof why), TS_EINVAL);
    CHECK_INT(ts_mix_parse(&m, "a=1,a=1", 0, "source", 0, 0, why, sizeof why), TS_EINVAL);
    CHECK_INT(ts_mix_parse(&m, "=1", 0, "source", 0, 0, why, sizeof why), TS_EINVAL);
}

TEST(mix_weights_and_counts)
{
    static uint64_t c1[100], c2[100];
    uint64_t sa, sb, most;
    char why[200];
    ts_mix m;
    /* Weights without a total: the largest mix needing no up-sampling.
     * a=0.5,b=0.5 with 75 a and 25 b: 50 records, 25 + 25. */
    CHECK_INT(ts_mix_parse(&m, "a=1,b=1", 0, "source", 9, 0, why, sizeof why), 0);
    CHECK_INT(mix_run(&m, 0, c1, why), 0);
    sums(c1, &sa, &sb, &most);
    CHECK_INT(sa, 25);
    CHECK_INT(sb, 25);
    CHECK_INT(most, 1);
    CHECK_INT(m.src[0].written, 25);
    ts_mix_release(&m);
    /* With a total that up-samples b without replacement: 30 + 70 (0.3 and
     * 0.7 of 100); b's 25 records are written twice, 20 of them three times. */
    CHECK_INT(ts_mix_parse(&m, "a=0.3,b=0.7", 0, "source", 9, 0, why, sizeof why), 0);
    CHECK_INT(mix_run(&m, 100, c1, why), 0);
    sums(c1, &sa, &sb, &most);
    CHECK_INT(sa, 30);
    CHECK_INT(sb, 70);
    int two = 0, three = 0;
    for (int i = 3; i < 100; i += 4) {
        two += c1[i] == 2;
        three += c1[i] == 3;
    }
    CHECK_INT(two, 5);
    CHECK_INT(three, 20);
    ts_mix_release(&m);
    /* Counts with replacement: exact totals, seeded, a different seed differs. */
    CHECK_INT(ts_mix_parse(&m, "a=40,b=60", 1, "source", 5, 1, why, sizeof why), 0);
    CHECK_INT(mix_run(&m, 0, c1, why), 0);
    sums(c1, &sa, &sb, &most);
    CHECK_INT(sa, 40);
    CHECK_INT(sb, 60);
    ts_mix_release(&m);
    CHECK_INT(ts_mix_parse(&m, "a=40,b=60", 1, "source", 5, 1, why, sizeof why), 0);
    CHECK_INT(mix_run(&m, 0, c2, why), 0);
    CHECK(!memcmp(c1, c2, sizeof c1));
    ts_mix_release(&m);
    CHECK_INT(ts_mix_parse(&m, "a=40,b=60", 1, "source", 6, 1, why, sizeof why), 0);
    CHECK_INT(mix_run(&m, 0, c2, why), 0);
    CHECK(memcmp(c1, c2, sizeof c1) != 0);
    ts_mix_release(&m);
    /* A listed source with no records. */
    CHECK_INT(ts_mix_parse(&m, "a=1,zz=1", 0, "source", 0, 0, why, sizeof why), 0);
    CHECK_INT(mix_run(&m, 0, c1, why), TS_EINVAL);
    CHECK(strstr(why, "zz") != NULL);
    ts_mix_release(&m);
}
