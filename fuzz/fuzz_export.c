/* libFuzzer target: length control and every export target over whatever
 * valid records the input holds, plus the dataset_info.json merge over the
 * raw input. The first two bytes pick the budget, mode and overhead.
 * Invariants: every record is accounted for (pieces or a drop rule), every
 * row encodes, a split piece is a valid record, a kept piece fits unless
 * it is a single round. */
#include <stdlib.h>
#include <string.h>

#include "tuneset/export.h"
#include "tuneset/template.h"
#include "tuneset/tokenizer.h"

/* The fixture tokenizer and its chatml template, loaded once when the
 * fuzzer runs from the repository root (else the tokenized path is skipped). */
static ts_tokenizer *tok;
static ts_template *tpl;

static void tokenize(const ts_json *rec, ts_arena *a)
{
    if (!tok && !tpl) {
        if (ts_tokenizer_load("tests/fixtures/export/tiny", &tok, NULL) ||
            ts_template_load("tests/fixtures/export/tiny", &tpl, NULL)) {
            tpl = (ts_template *)1; /* tried: never again */
            return;
        }
    }
    if (!tok || tpl == (ts_template *)1)
        return;
    ts_tok_example ex;
    ts_tok_pair p;
    ts_json *row;
    if (ts_record_kind(rec) == TS_REC_SFT) {
        if (!ts_export_tokenize_sft(tok, tpl, NULL, ts_json_get(rec, "messages"), false, a, &ex, NULL)) {
            for (size_t i = 0; i < ex.n; i++)
                if (ex.labels[i] != -100 && ex.labels[i] != (int32_t)ex.ids[i])
                    abort(); /* a label is always the id at its place */
            if (ts_export_example_row(&ex, a, &row))
                abort();
        }
    } else if (!ts_export_tokenize_pref(tok, tpl, NULL, rec, a, &p, NULL) && ts_export_pair_row(&p, a, &row)) {
        abort();
    }
}

static void must_encode(const ts_json *v)
{
    ts_buf b;
    ts_buf_init(&b, 0);
    if (ts_json_write(&b, v))
        abort();
    ts_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 2)
        return 0;
    ts_len_opts lo = {.max = data[0] % 97, .mode = (ts_len_mode)(data[1] % 3), .turn_overhead = (data[1] >> 2) % 4};
    data += 2;
    size -= 2;
    ts_buf merged;
    ts_buf_init(&merged, 0);
    char why[256];
    ts_export_lf_merge(&merged, (const char *)data, size, "x", "{\"file_name\":\"a\"}", 17, why, sizeof why);
    ts_buf_release(&merged);
    ts_arena a;
    ts_arena_init(&a);
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        ts_json *rec;
        ts_json_opts jo = {.max_depth = 64};
        ts_arena_reset(&a);
        if (!ts_json_parse(p, n, &a, &jo, &rec, NULL) && !ts_record_validate(rec, why, sizeof why)) {
            ts_rec_kind kind = ts_record_kind(rec);
            ts_len_result res;
            if (ts_len_apply(&lo, rec, &a, &res))
                abort();
            if (!res.n && !res.drop_rule)
                abort();
            for (size_t i = 0; i < res.n; i++) {
                const ts_json *pc = res.pieces[i];
                if ((kind == TS_REC_SFT || kind == TS_REC_PREF) && ts_record_validate(pc, why, sizeof why))
                    abort(); /* length control must keep records valid */
                if (kind == TS_REC_SFT || kind == TS_REC_PREF)
                    tokenize(pc, &a);
                for (int t = TS_EXPORT_TRL; t <= TS_EXPORT_SHAREGPT; t++) {
                    ts_export_opts eo = {.target = (ts_export_target)t, .alpaca_history = data[0] & 1,
                                         .lf_format = (ts_export_lf_format)(data[0] >> 7)};
                    ts_json *row;
                    const char *rule;
                    int rc = ts_export_row(&eo, pc, &a, &row, &rule, why, sizeof why);
                    if (rc == 0 && !row && !rule)
                        abort();
                    if (rc == 0 && row)
                        must_encode(row);
                }
            }
        }
        p += n + 1;
    }
    ts_arena_release(&a);
    return 0;
}
