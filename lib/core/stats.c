#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tuneset/error.h"
#include "tuneset/json.h"
#include "tuneset/stats.h"

void ts_stats_init(ts_stats *s) { memset(s, 0, sizeof *s); }

void ts_stats_drop_n(ts_stats *s, const char *rule, uint64_t n)
{
    for (int i = 0; i < s->nrules; i++)
        if (!strcmp(s->dropped[i].rule, rule)) {
            s->dropped[i].n += n;
            return;
        }
    if (s->nrules == TS_STATS_MAX_RULES) {
        s->dropped_overflow += n;
        return;
    }
    s->dropped[s->nrules].rule = rule;
    s->dropped[s->nrules].n = n;
    s->nrules++;
}

void ts_stats_drop(ts_stats *s, const char *rule) { ts_stats_drop_n(s, rule, 1); }

void ts_stats_step(ts_stats *s, const char *name)
{
    for (int i = 0; i < s->nsteps; i++)
        if (!strcmp(s->steps[i].name, name)) {
            s->steps[i].n++;
            return;
        }
    if (s->nsteps < TS_STATS_MAX_RULES) {
        s->steps[s->nsteps].name = name;
        s->steps[s->nsteps].n = 1;
        s->nsteps++;
    }
}

uint64_t ts_stats_dropped(const ts_stats *s)
{
    uint64_t n = s->dropped_overflow;
    for (int i = 0; i < s->nrules; i++)
        n += s->dropped[i].n;
    return n;
}

int ts_stats_balanced(const ts_stats *s)
{
    return s->read == s->written + ts_stats_dropped(s) + s->rejected;
}

int ts_stats_to_json(const ts_stats *s, ts_buf *out, const char *extra)
{
    char num[32];
    int rc = 0;
#define PUT(str) (rc = rc ? rc : ts_buf_append(out, str, strlen(str)))
#define PUTN(v) (snprintf(num, sizeof num, "%" PRIu64, (uint64_t)(v)), PUT(num))
    PUT("{\"read\":");
    PUTN(s->read);
    PUT(",\"written\":");
    PUTN(s->written);
    PUT(",\"dropped\":{");
    for (int i = 0; i < s->nrules; i++) {
        if (i)
            PUT(",");
        rc = rc ? rc : ts_json_write_string(out, s->dropped[i].rule, strlen(s->dropped[i].rule));
        PUT(":");
        PUTN(s->dropped[i].n);
    }
    if (s->dropped_overflow) {
        PUT(s->nrules ? "," : "");
        PUT("\"other\":");
        PUTN(s->dropped_overflow);
    }
    PUT("},\"dropped_total\":");
    PUTN(ts_stats_dropped(s));
    PUT(",\"rejected\":");
    PUTN(s->rejected);
    if (s->nsteps) {
        PUT(",\"steps\":{");
        for (int i = 0; i < s->nsteps; i++) {
            if (i)
                PUT(",");
            rc = rc ? rc : ts_json_write_string(out, s->steps[i].name, strlen(s->steps[i].name));
            PUT(":");
            PUTN(s->steps[i].n);
        }
        PUT("}");
    }
    if (extra && *extra) {
        PUT(",");
        PUT(extra);
    }
    PUT("}");
#undef PUT
#undef PUTN
    return rc;
}
