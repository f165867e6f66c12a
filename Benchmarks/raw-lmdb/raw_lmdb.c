/* Raw LMDB baseline for Lumbung's benchmarks (see ../README.md).
 *
 *   raw_lmdb put   DIR COUNT VALUE_BYTES BATCH [indexed]   COUNT records, BATCH per durable commit
 *   raw_lmdb scan  DIR [REPEAT]                            cursor passes over every record (median, best)
 *
 * put: keys are the next COUNT positions (after those already there) as big-endian u64, stored with MDB_APPEND into database
 * "events"; values are VALUE_BYTES bytes (the size of Lumbung's record for the same event);
 * the environment is opened with default flags, so every commit is fsync'd, as Lumbung's are.
 * With "indexed" each record also gets Lumbung's index puts (random 16-byte id -> position,
 * stream+0+version -> position, type+0+position -> empty, stream -> version, and one "head" per
 * commit): LMDB's own cost of Lumbung's layout, without Swift, hashing or encoding.
 * scan: MDB_NEXT over "events" in one read transaction, touching every value's first and last byte.
 * Each prints one JSON line.
 */
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(expr) do { int rc_ = (expr); if (rc_) { \
    fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #expr, mdb_strerror(rc_)); exit(1); } } while (0)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void be64(unsigned char *p, uint64_t v) {
    for (int i = 7; i >= 0; i--) { p[i] = (unsigned char)v; v >>= 8; }
}

/* splitmix64: random-looking, deterministic per position (so rounds never repeat an id). */
static uint64_t mix(uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static MDB_env *open_env(const char *dir, int maxdbs) {
    MDB_env *env;
    CHECK(mdb_env_create(&env));
    CHECK(mdb_env_set_maxdbs(env, maxdbs));
    CHECK(mdb_env_set_mapsize(env, (size_t)8 << 30));
    /* RAW_NOSYNC=1: no fsync at commit (diagnostics: the software cost of a commit). */
    const char *nosync = getenv("RAW_NOSYNC");
    CHECK(mdb_env_open(env, dir, MDB_NOTLS | (nosync && strcmp(nosync, "1") == 0 ? MDB_NOSYNC : 0), 0644));
    return env;
}

static MDB_dbi open_db(MDB_env *env, const char *name) {
    MDB_txn *txn; MDB_dbi dbi;
    CHECK(mdb_txn_begin(env, NULL, 0, &txn));
    CHECK(mdb_dbi_open(txn, name, MDB_CREATE, &dbi));
    CHECK(mdb_txn_commit(txn));
    return dbi;
}

static int put(const char *dir, long count, size_t vsize, long batch, int indexed) {
    MDB_env *env = open_env(dir, 16);
    MDB_dbi events = open_db(env, "events"), ids = 0, streams = 0, types = 0, heads = 0, meta = 0;
    if (indexed) {
        ids = open_db(env, "ids"); streams = open_db(env, "streams"); types = open_db(env, "types");
        heads = open_db(env, "heads"); meta = open_db(env, "meta");
    }
    unsigned char *value = malloc(vsize);
    for (size_t i = 0; i < vsize; i++) value[i] = (unsigned char)('a' + i % 26);
    const char *type = "aid.donation-received";
    size_t tlen = strlen(type);
    unsigned char kbuf[8], ibuf[16], sk[64], tk[64], vbuf[8], head[48];
    char stream[32];
    /* Continue after the last position already there (rounds append to the same environment). */
    long first = 1;
    {
        MDB_txn *txn; MDB_cursor *cur; MDB_val k, v;
        CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
        CHECK(mdb_cursor_open(txn, events, &cur));
        if (mdb_cursor_get(cur, &k, &v, MDB_LAST) == 0 && k.mv_size == 8) {
            uint64_t last = 0;
            for (int i = 0; i < 8; i++) last = last << 8 | ((unsigned char *)k.mv_data)[i];
            first = (long)last + 1;
        }
        mdb_cursor_close(cur);
        mdb_txn_abort(txn);
    }
    long end = first + count - 1, commits = 0;
    double t0 = now();
    for (long pos = first; pos <= end;) {
        MDB_txn *txn;
        CHECK(mdb_txn_begin(env, NULL, 0, &txn));
        for (long j = 0; j < batch && pos <= end; j++, pos++) {
            be64(kbuf, (uint64_t)pos);
            memcpy(value + 1, &pos, sizeof pos);   /* values differ from one another */
            MDB_val k = {8, kbuf}, v = {vsize, value};
            CHECK(mdb_put(txn, events, &k, &v, MDB_APPEND));
            if (indexed) {
                long s = (pos - 1) % 1000;                 /* event i goes to stream i mod 1000 */
                uint64_t version = (uint64_t)(pos - 1) / 1000 + 1;
                int slen = snprintf(stream, sizeof stream, "donation-DN-2018-%06ld", s);
                MDB_val pv = {8, kbuf};
                /* id (random, as Lumbung's generated v4 ids) -> position */
                uint64_t a = mix(2 * (uint64_t)pos), b = mix(2 * (uint64_t)pos + 1);
                memcpy(ibuf, &a, 8); memcpy(ibuf + 8, &b, 8);
                MDB_val ik = {16, ibuf}, ev = {0, NULL};
                CHECK(mdb_get(txn, ids, &ik, &ev) == MDB_NOTFOUND ? 0 : MDB_KEYEXIST);
                CHECK(mdb_put(txn, ids, &ik, &pv, 0));
                /* stream + 0 + version -> position */
                memcpy(sk, stream, slen); sk[slen] = 0; be64(sk + slen + 1, version);
                MDB_val skv = {slen + 9, sk};
                CHECK(mdb_put(txn, streams, &skv, &pv, MDB_NOOVERWRITE));
                /* type + 0 + position -> nothing */
                memcpy(tk, type, tlen); tk[tlen] = 0; be64(tk + tlen + 1, (uint64_t)pos);
                MDB_val tkv = {tlen + 9, tk}, none = {0, NULL};
                CHECK(mdb_put(txn, types, &tkv, &none, 0));
                /* stream -> version (Lumbung writes it once per stream per request) */
                be64(vbuf, version);
                MDB_val hk = {(size_t)slen, stream}, hv = {8, vbuf};
                CHECK(mdb_put(txn, heads, &hk, &hv, 0));
            }
        }
        if (indexed) {
            MDB_val hk = {4, "head"}, hv = {48, head};
            memset(head, 0, sizeof head); be64(head, (uint64_t)(pos - 1));
            CHECK(mdb_put(txn, meta, &hk, &hv, 0));
        }
        CHECK(mdb_txn_commit(txn));   /* fsync: the environment is not MDB_NOSYNC */
        commits++;
    }
    double secs = now() - t0;
    const char *nosync = getenv("RAW_NOSYNC");
    printf("{\"bench\":\"raw.put%s%s\",\"events\":%ld,\"commits\":%ld,\"batch\":%ld,\"value_bytes\":%zu,"
           "\"seconds\":%.6f,\"events_per_s\":%.1f,\"commits_per_s\":%.1f}\n",
           indexed ? "-indexed" : "", nosync && strcmp(nosync, "1") == 0 ? "-nosync" : "", count, commits, batch, vsize, secs, count / secs, commits / secs);
    mdb_env_close(env);
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int scan(const char *dir, int repeat) {
    MDB_env *env = open_env(dir, 16);
    MDB_dbi events = open_db(env, "events");
    double times[64], cpu[64];
    long n = 0; uint64_t sum = 0; size_t bytes = 0;
    if (repeat < 1) repeat = 1;
    if (repeat > 64) repeat = 64;
    for (int r = 0; r < repeat; r++) {
        double t0 = now(), c0 = cpu_now();
        MDB_txn *txn; MDB_cursor *cur;
        CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
        CHECK(mdb_cursor_open(txn, events, &cur));
        MDB_val k, v;
        n = 0; sum = 0; bytes = 0;
        for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
            const unsigned char *p = v.mv_data;
            sum += p[0] + p[v.mv_size - 1] + ((const unsigned char *)k.mv_data)[7];
            bytes += v.mv_size;
            n++;
        }
        mdb_cursor_close(cur);
        mdb_txn_abort(txn);
        times[r] = now() - t0;
        cpu[r] = cpu_now() - c0;
    }
    qsort(times, repeat, sizeof times[0], cmp_double);
    qsort(cpu, repeat, sizeof cpu[0], cmp_double);
    double median = times[repeat / 2], cpu_median = cpu[repeat / 2];
    printf("{\"bench\":\"raw.scan\",\"events\":%ld,\"bytes\":%zu,\"checksum\":%llu,\"repeats\":%d,"
           "\"seconds_best\":%.6f,\"seconds_median\":%.6f,\"events_per_s\":%.1f,\"events_per_s_best\":%.1f,"
           "\"cpu_seconds_median\":%.6f,\"events_per_cpu_s\":%.1f}\n",
           n, bytes, (unsigned long long)sum, repeat, times[0], median, n / median, n / times[0],
           cpu_median, n / cpu_median);
    mdb_env_close(env);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 6 && strcmp(argv[1], "put") == 0)
        return put(argv[2], atol(argv[3]), (size_t)atol(argv[4]), atol(argv[5]),
                   argc >= 7 && strcmp(argv[6], "indexed") == 0);
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "scan") == 0) return scan(argv[2], argc == 4 ? atoi(argv[3]) : 1);
    fprintf(stderr, "usage: %s put DIR COUNT VALUE_BYTES BATCH [indexed] | scan DIR [REPEAT]\n", argv[0]);
    return 2;
}
