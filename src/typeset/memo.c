/* memo.c — layout results remembered per thread (see memo.h). */
#include "typeset/memo.h"
#include "util/grow.h"
#include "util/hash.h"
#include "util/thread_slot.h"

#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024   /* a power of two */

typedef struct entry {
    struct entry *next;   /* in its bucket */
    uint64_t h;
    unsigned char *key;
    size_t len;
    void *v;
} entry;

typedef struct table {
    const gb_memo_ops *ops;   /* of the kind's results (set at the first offer) */
    entry *bucket[BUCKETS];
    size_t n, weight;
    uint64_t seen[GB_MEMO_SEEN];       /* hashes of keys met; 0 = empty slot */
    unsigned char met[GB_MEMO_SEEN];   /* how often (up to 255) */
    size_t nseen;
} table;

typedef struct memo {
    table t[GB_MEMO_KINDS];
    /* one key buffer lent to the key being made (keys are made, used and freed one at a time;
     * a second key while one is lent gets its own memory): no allocation per key */
    unsigned char *scratch;
    size_t scratch_cap;
    int lent;
} memo;


/* Frees a kept result (a heap struct of ops->size bytes). */
static void result_free(const gb_memo_ops *ops, void *v)
{
    ops->clear(v);
    free(v);
}

static void drop(table *t)
{
    for (size_t b = 0; b < BUCKETS; b++) {
        entry *x = t->bucket[b];
        while (x) {
            entry *next = x->next;
            result_free(t->ops, x->v);
            free(x->key);
            free(x);
            x = next;
        }
        t->bucket[b] = NULL;
    }
    t->n = t->weight = 0;
}

static void memo_free(void *p)
{
    memo *m = p;
    if (!m) return;
    for (int k = 0; k < GB_MEMO_KINDS; k++)
        if (m->t[k].ops) drop(&m->t[k]);
    if (!m->lent) free(m->scratch);   /* a lent buffer is freed by its key */
    free(m);
}

static gb_thread_slot memo_slot = GB_THREAD_SLOT(sizeof(memo), memo_free);

void gb_memo_thread_done(void) { gb_thread_slot_done(&memo_slot); }

int gb_memo_key_room(gb_memo_key *k, size_t n)
{
    if (!k->b && !k->cap) {   /* a new key: borrow the thread's buffer if it is free */
        memo *m = gb_thread_slot_get(&memo_slot);
        if (m && !m->lent) {
            m->lent = 1;
            k->b = m->scratch;
            k->cap = m->scratch_cap;
            k->scratch = 1;
        }
    }
    unsigned char *b = k->len + n >= k->len ? gb_grow(k->b, &k->cap, k->len + n, 1, 1024) : NULL;
    if (!b) {
        k->failed = 1;
        return -1;
    }
    k->b = b;
    return 0;
}

void gb_memo_key_free(gb_memo_key *k)
{
    memo *m = k->scratch ? gb_thread_slot_peek(&memo_slot) : NULL;
    if (m) {   /* the buffer (grown, maybe moved) goes back to the thread */
        m->scratch = k->b;
        m->scratch_cap = k->cap;
        m->lent = 0;
    } else {
        free(k->b);
    }
    memset(k, 0, sizeof *k);
}

/* The key's hash, computed once (gb_hash_words64 never gives 0). */
static uint64_t hash_of(gb_memo_key *k)
{
    if (!k->h) k->h = gb_hash_words64(k->b, k->len);
    return k->h;
}


static entry *lookup(const table *t, const gb_memo_key *k, uint64_t h)
{
    for (entry *x = t->bucket[h & (BUCKETS - 1)]; x; x = x->next)
        if (x->h == h && x->len == k->len && (!k->len || !memcmp(x->key, k->b, k->len)))
            return x;
    return NULL;
}

/* The slot of h in the seen table (its own, or the empty one where it would go). */
static size_t seen_slot(const table *t, uint64_t h)
{
    size_t i = (size_t)h & (GB_MEMO_SEEN - 1);
    while (t->seen[i] && t->seen[i] != h) i = (i + 1) & (GB_MEMO_SEEN - 1);
    return i;
}

int gb_memo_find(gb_memo_kind kind, const gb_memo_ops *ops, gb_memo_key *key, void *out)
{
    if (key->failed || (int)kind < 0 || kind >= GB_MEMO_KINDS) return 0;
    memo *m = gb_thread_slot_get(&memo_slot);   /* made on first use */
    if (!m) return 0;
    table *t = &m->t[kind];
    uint64_t h = hash_of(key);
    entry *x = lookup(t, key, h);
    if (x) return ops->give(x->v, out) ? -1 : 1;
    size_t i = seen_slot(t, h);
    if (!t->seen[i]) {
        if (t->nseen >= GB_MEMO_SEEN / 2) {   /* half full: start counting again */
            memset(t->seen, 0, sizeof t->seen);
            memset(t->met, 0, sizeof t->met);
            t->nseen = 0;
            i = seen_slot(t, h);
        }
        t->seen[i] = h;
        t->nseen++;
    }
    if (t->met[i] < 255) t->met[i]++;
    return 0;
}

void gb_memo_offer(gb_memo_kind kind, const gb_memo_ops *ops, gb_memo_key *key, const void *v)
{
    memo *m = gb_thread_slot_peek(&memo_slot);
    if (key->failed || !m || (int)kind < 0 || kind >= GB_MEMO_KINDS) return;
    table *t = &m->t[kind];
    uint64_t h = hash_of(key);
    size_t i = seen_slot(t, h);
    if (t->seen[i] != h || t->met[i] < 2 || lookup(t, key, h)) return;
    size_t w = ops->weight(v);
    if (w > GB_MEMO_WEIGHT) return;
    if (t->ops && (t->n >= GB_MEMO_ENTRIES || t->weight + w > GB_MEMO_WEIGHT))
        drop(t);   /* full: start again */
    t->ops = ops;
    entry *x = calloc(1, sizeof *x);
    unsigned char *kb = x ? malloc(key->len ? key->len : 1) : NULL;
    void *c = kb ? malloc(ops->size) : NULL;
    if (!c || ops->copy(v, c)) {
        free(c);
        free(kb);
        free(x);
        return;
    }
    if (key->len) memcpy(kb, key->b, key->len);
    x->h = h;
    x->key = kb;
    x->len = key->len;
    x->v = c;
    x->next = t->bucket[h & (BUCKETS - 1)];
    t->bucket[h & (BUCKETS - 1)] = x;
    t->n++;
    t->weight += w;
}

