/* pdf_bodies.c — the calling thread's recently drawn page bodies (pdf_bodies.h). */
#include "typeset/pdf_bodies.h"

#include "util/hash.h"
#include "util/thread_slot.h"

#include <stdlib.h>
#include <string.h>

typedef struct kept {
    int used;
    uint64_t fonts_key;
    double width, height;
    gb_placed *parts;   /* their lists are the table's own copies */
    size_t n, items;
    size_t bytes;   /* its items and operators (the table's budget) */
    char *ops;
    gb_body_step *steps;
    gb_body view;   /* what gb_bodies_find hands out: ops, state and steps of this one */
} kept;

typedef struct table {
    kept k[GB_BODIES_KEPT];
    size_t next;                       /* the one replaced next (the oldest) */
    size_t bytes;                      /* of all kept: at most GB_BODIES_BYTES */
    uint64_t seen[GB_BODIES_SEEN];     /* hashes of operators met once (0: empty) */
    size_t seen_next;
    size_t hits;
} table;

static void kept_clear(kept *k)
{
    for (size_t i = 0; i < k->n; i++) gb_dlist_free((gb_dlist *)k->parts[i].dl);
    free(k->parts);
    free(k->ops);
    free(k->steps);
    memset(k, 0, sizeof *k);
}

static void table_free(void *obj)
{
    table *t = obj;
    for (size_t i = 0; i < GB_BODIES_KEPT; i++) kept_clear(&t->k[i]);
    free(t);
}

static gb_thread_slot bodies_slot = GB_THREAD_SLOT(sizeof(table), table_free);

void gb_bodies_thread_done(void) { gb_thread_slot_done(&bodies_slot); }

size_t gb_bodies_hits(void)
{
    const table *t = gb_thread_slot_peek(&bodies_slot);
    return t ? t->hits : 0;
}

static size_t count_items(const gb_body_input *in)
{
    size_t items = 0;
    for (size_t i = 0; i < in->n; i++) items += gb_dlist_count(in->parts[i].dl);
    return items;
}

const gb_body *gb_bodies_find(const gb_body_input *in)
{
    table *t = in->fonts_key ? gb_thread_slot_peek(&bodies_slot) : NULL;
    if (!t) return NULL;
    size_t items = count_items(in);
    for (size_t j = 0; j < GB_BODIES_KEPT; j++) {
        kept *k = &t->k[j];
        if (!k->used || k->fonts_key != in->fonts_key || k->n != in->n || k->items != items ||
            k->width != in->width || k->height != in->height)
            continue;
        /* offsets bit for bit (drawing adds them to every coordinate), lists item for item */
        size_t i = 0;
        while (i < in->n && !memcmp(&k->parts[i].dx, &in->parts[i].dx, sizeof in->parts[i].dx) &&
               !memcmp(&k->parts[i].dy, &in->parts[i].dy, sizeof in->parts[i].dy) &&
               gb_dlist_same(k->parts[i].dl, in->parts[i].dl))
            i++;
        if (i < in->n) continue;
        t->hits++;
        return &k->view;
    }
    return NULL;
}

int gb_bodies_wanted(const gb_body_input *in, const char *ops, size_t len)
{
    if (!in->fonts_key || !len || len > GB_BODIES_MAX_OPS || count_items(in) > GB_BODIES_MAX_ITEMS)
        return 0;
    table *t = gb_thread_slot_get(&bodies_slot);
    if (!t) return 0;
    uint64_t h = gb_hash_words64(ops, len);   /* never 0 */
    for (size_t i = 0; i < GB_BODIES_SEEN; i++)
        if (t->seen[i] == h) return 1;
    t->seen[t->seen_next] = h;
    t->seen_next = (t->seen_next + 1) % GB_BODIES_SEEN;
    return 0;
}

int gb_bodies_keep(const gb_body_input *in, const char *ops, size_t len,
                   const gb_body_state *state, const gb_body_step *steps, size_t nsteps)
{
    table *t = gb_thread_slot_get(&bodies_slot);
    size_t items = count_items(in);
    if (!t || !in->fonts_key || !len || len > GB_BODIES_MAX_OPS || items > GB_BODIES_MAX_ITEMS)
        return -1;
    size_t bytes = items * sizeof(gb_item) + len;
    if (bytes > GB_BODIES_BYTES) return -1;
    /* the slot taken is the oldest; the next oldest go too while the budget needs it */
    kept *k = &t->k[t->next];
    t->bytes -= k->bytes;
    kept_clear(k);
    for (size_t j = 1; j < GB_BODIES_KEPT && t->bytes + bytes > GB_BODIES_BYTES; j++) {
        kept *old = &t->k[(t->next + j) % GB_BODIES_KEPT];
        t->bytes -= old->bytes;
        kept_clear(old);
    }
    t->next = (t->next + 1) % GB_BODIES_KEPT;
    k->parts = calloc(in->n ? in->n : 1, sizeof *k->parts);
    k->ops = malloc(len);
    k->steps = malloc((nsteps ? nsteps : 1) * sizeof *k->steps);
    int ok = k->parts && k->ops && k->steps;
    for (size_t i = 0; ok && i < in->n; i++) {
        k->n = i + 1;   /* parts[0..n) are freed by kept_clear */
        k->parts[i] = in->parts[i];
        ok = (k->parts[i].dl = gb_dlist_copy(in->parts[i].dl)) != NULL;
    }
    if (!ok) {
        kept_clear(k);
        return -1;
    }
    k->n = in->n;
    memcpy(k->ops, ops, len);
    if (nsteps) memcpy(k->steps, steps, nsteps * sizeof *steps);
    k->fonts_key = in->fonts_key;
    k->width = in->width;
    k->height = in->height;
    k->items = items;
    k->view = (gb_body){k->ops, len, *state, k->steps, nsteps};
    k->bytes = bytes;
    t->bytes += bytes;
    k->used = 1;
    return 0;
}
