/* Self-Instruct: seed tasks in, the numbered request prompt out. */
#include <string.h>

#include "tuneset/gen.h"
#include "si_int.h"

void si_labels(const ts_si_labels *lb, ts_si_labels *out)
{
    out->instruction = lb && lb->instruction ? lb->instruction : "Instruction";
    out->input = lb && lb->input ? lb->input : "Input";
    out->output = lb && lb->output ? lb->output : "Output";
    out->noinput = lb && lb->noinput ? lb->noinput : "<noinput>";
}

static const ts_json *str_member(const ts_json *o, const char *k)
{
    const ts_json *v = ts_json_get(o, k);
    return ts_json_is(v, TS_JSON_STRING) ? v : NULL;
}

int ts_si_seed(const ts_json *rec, ts_si_task *t, ts_err *err)
{
    memset(t, 0, sizeof *t);
    if (!ts_json_is(rec, TS_JSON_OBJECT))
        return ts_err_set(err, TS_ESCHEMA, "seed task: not an object");
    const ts_json *ins = str_member(rec, "instruction");
    if (!ins || !ins->len)
        return ts_err_set(err, TS_ESCHEMA, "seed task: instruction missing or empty");
    const ts_json *insts = ts_json_get(rec, "instances");
    const ts_json *first = ts_json_at(insts, 0);
    if (!ts_json_is(insts, TS_JSON_ARRAY) || !ts_json_is(first, TS_JSON_OBJECT))
        return ts_err_set(err, TS_ESCHEMA, "seed task: instances must be a non-empty array of objects");
    const ts_json *in = ts_json_get(first, "input"), *out = str_member(first, "output");
    if (in && in->type != TS_JSON_STRING && in->type != TS_JSON_NULL)
        return ts_err_set(err, TS_ESCHEMA, "seed task: instances[0].input must be a string");
    if (!out)
        return ts_err_set(err, TS_ESCHEMA, "seed task: instances[0].output missing or not a string");
    t->instruction = ins->u.s;
    t->instruction_len = ins->len;
    if (in && in->type == TS_JSON_STRING) {
        t->input = in->u.s;
        t->input_len = in->len;
    } else {
        t->input = "";
    }
    t->output = out->u.s;
    t->output_len = out->len;
    return 0;
}

static bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* The instruction on one line: runs of whitespace become one space, the
 * ends are trimmed, and trailing ':' go (the layout adds its own). */
static int put_one_line(ts_buf *b, const char *s, size_t n)
{
    while (n && is_space((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && (is_space((unsigned char)s[n - 1]) || s[n - 1] == ':'))
        n--;
    int rc = 0;
    bool gap = false;
    for (size_t i = 0; i < n && !rc; i++) {
        if (is_space((unsigned char)s[i])) {
            gap = true;
            continue;
        }
        if (gap)
            rc = ts_buf_putc(b, ' ');
        gap = false;
        if (!rc)
            rc = ts_buf_putc(b, s[i]);
    }
    return rc;
}

int ts_si_prompt(ts_buf *out, const char *preamble, size_t plen, const ts_si_task *tasks,
                 size_t n, const ts_si_labels *lbin)
{
    ts_si_labels lb;
    si_labels(lbin, &lb);
    int rc = ts_buf_append(out, preamble, plen);
    if (!rc)
        rc = ts_buf_putc(out, '\n');
    for (size_t i = 0; i < n && !rc; i++) {
        const ts_si_task *t = &tasks[i];
        unsigned k = (unsigned)(i + 1);
        rc = ts_buf_printf(out, "###\n%u. %s: ", k, lb.instruction);
        if (!rc)
            rc = put_one_line(out, t->instruction, t->instruction_len);
        if (!rc)
            rc = ts_buf_printf(out, "\n%u. %s:\n", k, lb.input);
        if (!rc) {
            if (t->input_len)
                rc = ts_buf_append(out, t->input, t->input_len);
            else
                rc = ts_buf_append(out, lb.noinput, strlen(lb.noinput));
        }
        if (!rc)
            rc = ts_buf_printf(out, "\n%u. %s:\n", k, lb.output);
        if (!rc)
            rc = ts_buf_append(out, t->output, t->output_len);
        if (!rc)
            rc = ts_buf_putc(out, '\n');
    }
    if (!rc)
        rc = ts_buf_printf(out, "###\n%u. %s:", (unsigned)(n + 1), lb.instruction);
    return rc;
}
