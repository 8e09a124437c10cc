/* Internal to the oasst1 importer: oasst1.c reads messages into the
 * table below, oasst1_tree.c rebuilds the trees and writes the records. */
#ifndef TS_FMT_OASST1_H
#define TS_FMT_OASST1_H

#include <stdint.h>

#include "tuneset/format.h"
#include "tuneset/hash.h"

#define OA_NONE UINT32_MAX

enum { OA_PROMPTER = 1, OA_ASSISTANT = 2 };

/* Message flags from the input. The tree state only counts on roots. */
enum {
    OA_DELETED = 1,
    OA_REVIEW_FAILED = 2,    /* review_result false; null is no verdict */
    OA_STATE_NOT_READY = 4,  /* tree_state present and not ready_for_export */
};

/* What became of a message when the trees were built. */
enum {
    OA_UNSEEN, /* never reached from a root: an orphan */
    OA_ALIVE,
    OA_F_DELETED,
    OA_F_REVIEW_FAILED,
    OA_F_TREE_NOT_READY,
    OA_F_LANG,
    OA_F_TOP_K,
    OA_F_TOP_K_UNRANKED,
    OA_F_PRUNED,
    OA_NFATES
};

/* One buffered message: about 100 bytes plus its strings. Strings live in
 * the state's store arena, so they outlive the input value. */
typedef struct fmt_oa_msg {
    const char *id, *parent, *text, *lang;
    const char *tree_id; /* roots only: message_tree_id, else NULL */
    uint32_t id_len, parent_len, text_len, lang_len, tree_id_len;
    int32_t rank; /* -1 = null */
    uint8_t role, flags;
    /* set by finish() */
    uint8_t fate, ended; /* ended: a thread ending here was considered */
    uint32_t first_child, last_child, next; /* children in input order */
} fmt_oa_msg;

typedef enum { OA_PAIRS_ALL, OA_PAIRS_ADJACENT, OA_PAIRS_BEST_WORST } fmt_oa_pairs;

typedef struct fmt_oa_slot {
    uint64_t hash;
    uint32_t idx; /* OA_NONE = empty */
} fmt_oa_slot;

typedef struct fmt_oa_state {
    ts_kind kind;
    int top_k;
    fmt_oa_pairs pairs;
    const char *lang; /* copy of the --lang list, or NULL */
    fmt_oa_msg *msgs;
    uint32_t n, cap;
    fmt_oa_slot *slots; /* message_id -> index, open addressing */
    size_t nslots;
    ts_arena store;   /* the messages' strings */
    ts_arena scratch; /* one output record at a time */
    ts_jb jb;
    uint32_t *path, *buf; /* finish(): the current path, a work list */
    size_t path_cap, buf_cap;
} fmt_oa_state;

/* Index of the message with this id, or OA_NONE. */
uint32_t fmt_oa_find(const fmt_oa_state *s, const char *id, size_t len);
/* The driver's finish(): rebuild, prune, emit. */
int fmt_oa_finish(void *state, ts_sink *sink, ts_arena *a, ts_err *err);

#endif
