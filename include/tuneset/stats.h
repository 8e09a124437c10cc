/* tuneset — the counts every command keeps: read = written + dropped + rejected.
 * Not thread-safe; one per stage. */
#ifndef TUNESET_STATS_H
#define TUNESET_STATS_H

#include <stdint.h>

#include "tuneset/arena.h"

#define TS_STATS_MAX_RULES 64

typedef struct ts_stats {
    uint64_t read, written, rejected;
    uint64_t bytes_in;
    struct {
        const char *rule; /* static string or owned by the caller */
        uint64_t n;
    } dropped[TS_STATS_MAX_RULES];
    int nrules;
    uint64_t dropped_overflow; /* drops past the rule table (never lost) */
    struct {
        const char *name;
        uint64_t n;
    } steps[TS_STATS_MAX_RULES]; /* records edited (not dropped) by a step */
    int nsteps;
} ts_stats;

void ts_stats_init(ts_stats *s);
/* Counts one record dropped by rule (a short name, e.g. "too_short"). */
void ts_stats_drop(ts_stats *s, const char *rule);
void ts_stats_drop_n(ts_stats *s, const char *rule, uint64_t n);
uint64_t ts_stats_dropped(const ts_stats *s);
/* Counts one record edited by a named step (kept, so not in the balance). */
void ts_stats_step(ts_stats *s, const char *name);
/* True when read = written + dropped + rejected. */
int ts_stats_balanced(const ts_stats *s);
/* {"read":N,"written":N,"dropped":{rule:N,...},"rejected":N} plus the
 * caller's extra members (already-encoded JSON "key":value pairs, or NULL). */
int ts_stats_to_json(const ts_stats *s, ts_buf *out, const char *extra);

#endif
