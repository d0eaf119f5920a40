/* class_draw.c — a class's variants in roster order, duplicates redrawn. */
#include "classroom/class_draw.h"

#include "util/hash.h"

#include <stdlib.h>
#include <string.h>

/* The drawn texts of the students drawn so far: open addressing over owned copies. */
typedef struct taken_set {
    char **slot;
    size_t cap;   /* a power of two, at least twice the number of students */
} taken_set;

static size_t fnv64(const char *s)
{
    return (size_t)gb_fnv1a64(GB_FNV1A64_BASIS, s, strlen(s));
}

static int taken_fn(const char *givens, void *ctx)
{
    const taken_set *t = ctx;
    for (size_t h = fnv64(givens) & (t->cap - 1);; h = (h + 1) & (t->cap - 1)) {
        if (!t->slot[h]) return 0;
        if (!strcmp(t->slot[h], givens)) return 1;
    }
}

static int taken_add(taken_set *t, const char *givens)
{
    size_t h = fnv64(givens) & (t->cap - 1);
    while (t->slot[h]) h = (h + 1) & (t->cap - 1);
    t->slot[h] = strdup(givens);
    return t->slot[h] ? 0 : -1;
}

int gb_class_draw(const gb_params *base, const char *assignment, const char *const *ids,
                  size_t n, const gb_question_spec *qs, size_t nq, gb_variant_stats *stats,
                  gb_class_drawn_fn on_drawn, void *ctx, size_t *failed, gb_err *e)
{
    taken_set t = {NULL, 16};
    while (t.cap < 2 * n) t.cap *= 2;
    if (!(t.slot = calloc(t.cap, sizeof *t.slot)))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    int rc = 0;
    gb_variant_drawer *d = NULL;   /* made at the first student: no students, nothing to load */
    for (size_t i = 0; i < n && !rc; i++) {
        gb_variant v;
        if (!d) rc = gb_variant_drawer_new(base, qs, nq, &d, e);
        if (!rc)
            rc = gb_variant_drawer_draw(d, assignment, ids[i], taken_fn, &t, &v, stats, e);
        if (rc) {
            if (failed) *failed = i;
            break;
        }
        if (taken_add(&t, v.givens) != 0) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        if (!rc && on_drawn) rc = on_drawn(i, &v, ctx, e);
        if (rc && failed) *failed = i;
        gb_variant_free(&v);
    }
    gb_variant_drawer_free(d);
    for (size_t k = 0; k < t.cap; k++) free(t.slot[k]);
    free(t.slot);
    return rc;
}
