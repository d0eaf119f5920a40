/* math_cache.c — formulas set once per thread (see math_cache.h). */
#include "typeset/math_cache.h"
#include "util/hash.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024   /* a power of two */

typedef struct entry {
    struct entry *next;   /* in its bucket */
    uint64_t h;
    char *tex;
    size_t len;
    gb_math_style style;
    double size_pt;
    uint64_t mkey;
    gb_math_box box;
} entry;

typedef struct cache {
    entry *bucket[BUCKETS];
    size_t nboxes, nitems;
    uint64_t seen[GB_MATH_CACHE_SEEN];       /* hashes of formulas met; 0 = empty slot */
    unsigned char met[GB_MATH_CACHE_SEEN];   /* how often (up to 255) */
    size_t nseen;
} cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static _Thread_local cache *tl_cache;

static void drop_boxes(cache *c)
{
    for (size_t b = 0; b < BUCKETS; b++) {
        entry *x = c->bucket[b];
        while (x) {
            entry *next = x->next;
            gb_math_box_free(&x->box);
            free(x->tex);
            free(x);
            x = next;
        }
        c->bucket[b] = NULL;
    }
    c->nboxes = c->nitems = 0;
}

static void cache_free(void *p)
{
    cache *c = p;
    if (!c) return;
    drop_boxes(c);
    free(c);
}

static void cache_key_make(void) { (void)pthread_key_create(&cache_key, cache_free); }

void gb_math_cache_thread_done(void)
{
    if (!tl_cache) return;
    pthread_once(&cache_once, cache_key_make);
    pthread_setspecific(cache_key, NULL);
    cache_free(tl_cache);
    tl_cache = NULL;
}

/* The calling thread's cache, made on first use; NULL when out of memory. */
static cache *thread_cache(void)
{
    if (tl_cache) return tl_cache;
    cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    pthread_once(&cache_once, cache_key_make);
    pthread_setspecific(cache_key, c);   /* freed when the thread ends */
    return tl_cache = c;
}

static uint64_t hash_of(const gb_math_key *k)
{
    uint64_t h = gb_fnv1a64(GB_FNV1A64_BASIS, k->tex, k->len);
    int style = (int)k->style;
    h = gb_fnv1a64(h, &style, sizeof style);
    h = gb_fnv1a64(h, &k->size_pt, sizeof k->size_pt);
    h = gb_fnv1a64(h, &k->mkey, sizeof k->mkey);
    return h ? h : 1;
}

static entry *lookup(const cache *c, const gb_math_key *k, uint64_t h)
{
    for (entry *x = c->bucket[h & (BUCKETS - 1)]; x; x = x->next)
        if (x->h == h && x->len == k->len && x->style == k->style && x->size_pt == k->size_pt &&
            x->mkey == k->mkey && (!k->len || !memcmp(x->tex, k->tex, k->len)))
            return x;
    return NULL;
}

/* The slot of h in the seen table (its own, or the empty one where it would go). */
static size_t seen_slot(const cache *c, uint64_t h)
{
    size_t i = (size_t)h & (GB_MATH_CACHE_SEEN - 1);
    while (c->seen[i] && c->seen[i] != h) i = (i + 1) & (GB_MATH_CACHE_SEEN - 1);
    return i;
}

int gb_math_cache_find(const gb_math_key *k, gb_math_box *out)
{
    if (!k->mkey) return 0;
    cache *c = thread_cache();
    if (!c) return 0;
    uint64_t h = hash_of(k);
    entry *x = lookup(c, k, h);
    if (x) return gb_math_box_copy(&x->box, out) ? -1 : 1;
    size_t i = seen_slot(c, h);
    if (!c->seen[i]) {
        if (c->nseen >= GB_MATH_CACHE_SEEN / 2) {   /* half full: start counting again */
            memset(c->seen, 0, sizeof c->seen);
            memset(c->met, 0, sizeof c->met);
            c->nseen = 0;
            i = seen_slot(c, h);
        }
        c->seen[i] = h;
        c->nseen++;
    }
    if (c->met[i] < 255) c->met[i]++;
    return 0;
}

void gb_math_cache_offer(const gb_math_key *k, const gb_math_box *box)
{
    if (!k->mkey || !tl_cache) return;
    cache *c = tl_cache;
    uint64_t h = hash_of(k);
    size_t i = seen_slot(c, h);
    if (c->seen[i] != h || c->met[i] < 2 || lookup(c, k, h)) return;
    size_t items = gb_dlist_count(box->dl);
    if (items > GB_MATH_CACHE_ITEMS) return;
    if (c->nboxes >= GB_MATH_CACHE_BOXES || c->nitems + items > GB_MATH_CACHE_ITEMS)
        drop_boxes(c);   /* full: start again */
    entry *x = calloc(1, sizeof *x);
    char *tex = x ? malloc(k->len ? k->len : 1) : NULL;
    if (!tex || gb_math_box_copy(box, &x->box)) {
        free(tex);
        free(x);
        return;
    }
    if (k->len) memcpy(tex, k->tex, k->len);
    x->h = h;
    x->tex = tex;
    x->len = k->len;
    x->style = k->style;
    x->size_pt = k->size_pt;
    x->mkey = k->mkey;
    x->next = c->bucket[h & (BUCKETS - 1)];
    c->bucket[h & (BUCKETS - 1)] = x;
    c->nboxes++;
    c->nitems += items;
}
