/* The reply cache: one SQLite table (key, request, reply, created) in WAL
 * mode. Writes are grouped in one transaction per batch of completions
 * and committed before their callbacks run, so whatever a generator has
 * seen survives a kill, without one fsync per reply. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llm_int.h"

struct llm_cache {
    sqlite3 *db;
    sqlite3_stmt *get, *put;
    bool in_txn;
};

static int db_err(llm_cache *k, ts_err *err, const char *what)
{
    return ts_err_set(err, TS_EIO, "cache: %s: %s", what, k->db ? sqlite3_errmsg(k->db) : "cannot open");
}

int llm_cache_open(llm_cache **out, const char *path, ts_err *err)
{
    llm_cache *k = calloc(1, sizeof *k);
    if (!k)
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    int rc = TS_EIO;
    if (sqlite3_open_v2(path, &k->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        rc = ts_err_set(err, TS_EIO, "cache %s: %s", path, k->db ? sqlite3_errmsg(k->db) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(k->db, 10000);
    /* NORMAL in WAL mode: a commit is a write, not an fsync; a killed
     * process loses nothing committed (only a power cut could). Only
     * checkpoints fsync, and they stall the event loop: one per 64 MiB of
     * WAL instead of SQLite's 4 MiB. */
    const char *setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=16384;"
                        "CREATE TABLE IF NOT EXISTS llm_cache(key BLOB PRIMARY KEY, request TEXT NOT NULL,"
                        " reply TEXT NOT NULL, created INTEGER NOT NULL);";
    if (sqlite3_exec(k->db, setup, NULL, NULL, NULL) != SQLITE_OK) {
        rc = ts_err_set(err, TS_EIO, "cache %s: %s", path, sqlite3_errmsg(k->db));
        goto fail;
    }
    if (sqlite3_prepare_v2(k->db, "SELECT reply FROM llm_cache WHERE key = ?1", -1, &k->get, NULL) ||
        sqlite3_prepare_v2(k->db, "INSERT OR REPLACE INTO llm_cache(key, request, reply, created) VALUES (?1,?2,?3,?4)",
                           -1, &k->put, NULL)) {
        rc = ts_err_set(err, TS_EIO, "cache %s: %s", path, sqlite3_errmsg(k->db));
        goto fail;
    }
    *out = k;
    return 0;
fail:
    llm_cache_close(k);
    return rc;
}

void llm_cache_close(llm_cache *k)
{
    if (!k)
        return;
    if (k->in_txn)
        sqlite3_exec(k->db, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(k->get);
    sqlite3_finalize(k->put);
    sqlite3_close(k->db);
    free(k);
}

int llm_cache_get(llm_cache *k, const uint8_t key[16], char **reply, size_t *len, ts_err *err)
{
    sqlite3_reset(k->get);
    sqlite3_bind_blob(k->get, 1, key, 16, SQLITE_STATIC);
    int s = sqlite3_step(k->get);
    if (s == SQLITE_DONE)
        return 0;
    if (s != SQLITE_ROW)
        return db_err(k, err, "read");
    const void *p = sqlite3_column_blob(k->get, 0);
    size_t n = (size_t)sqlite3_column_bytes(k->get, 0);
    char *copy = malloc(n + 1);
    if (!copy)
        return ts_err_set(err, TS_ENOMEM, "out of memory");
    if (n)
        memcpy(copy, p, n);
    copy[n] = 0;
    sqlite3_reset(k->get);
    *reply = copy;
    *len = n;
    return 1;
}

int llm_cache_put(llm_cache *k, const uint8_t key[16], const char *req, size_t reqlen, const char *reply,
                  size_t replylen, ts_err *err)
{
    if (!k->in_txn) {
        if (sqlite3_exec(k->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
            return db_err(k, err, "begin");
        k->in_txn = true;
    }
    sqlite3_reset(k->put);
    sqlite3_bind_blob(k->put, 1, key, 16, SQLITE_STATIC);
    sqlite3_bind_text(k->put, 2, req, (int)reqlen, SQLITE_STATIC);
    sqlite3_bind_text(k->put, 3, reply, (int)replylen, SQLITE_STATIC);
    sqlite3_bind_int64(k->put, 4, (sqlite3_int64)time(NULL));
    int s = sqlite3_step(k->put);
    sqlite3_reset(k->put);
    return s == SQLITE_DONE ? 0 : db_err(k, err, "write");
}

int llm_cache_commit(llm_cache *k, ts_err *err)
{
    if (!k->in_txn)
        return 0;
    k->in_txn = false;
    if (sqlite3_exec(k->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return db_err(k, err, "commit");
    return 0;
}
