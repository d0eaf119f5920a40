/* test_memo.c — layout remembered per thread (typeset/memo.h). Formulas: a box handed out by the
 * memo equals, bit for bit, the box the parser and layout make again; metrics without a key,
 * other keys, sizes and styles never share; errors are not kept; a full memo starts again and
 * stays right. Paragraphs: lines handed out equal the lines broken again (keyless metrics that
 * measure alike), and another width or another box content is another paragraph.
 * gb_dlist_copy keeps -0.0. Metrics: the fake ones (metrics.h) behind a wrapper that counts the
 * calls and may have a key. */
#include "gb_test.h"

#include "typeset/dlist.h"
#include "typeset/linebreak.h"
#include "typeset/memo.h"
#include "typeset/math_layout.h"
#include "typeset/math_parse.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- counting metrics with a key ---- */

typedef struct counting {
    gb_metrics fake;
    double scale;        /* advances multiplied by this */
    uint64_t key;        /* 0: no key function at all */
    unsigned long calls;
} counting;

static double c_advance(void *ctx, gb_face f, const char *s, size_t n, double size)
{
    counting *c = ctx;
    c->calls++;
    return c->scale * c->fake.advance(c->fake.ctx, f, s, n, size);
}
static void c_vmetrics(void *ctx, gb_face f, double size, gb_vmetrics *out)
{
    counting *c = ctx;
    c->calls++;
    c->fake.vmetrics(c->fake.ctx, f, size, out);
}
static void c_bbox(void *ctx, gb_face f, uint32_t cp, double size, gb_bbox *out)
{
    counting *c = ctx;
    c->calls++;
    c->fake.glyph_bbox(c->fake.ctx, f, cp, size, out);
    out->urx *= c->scale;
}
static int c_has(void *ctx, gb_face f, uint32_t cp)
{
    counting *c = ctx;
    c->calls++;
    return c->fake.has_glyph(c->fake.ctx, f, cp);
}
static uint64_t c_key(void *ctx) { return ((counting *)ctx)->key; }

static gb_metrics counting_metrics(counting *c, uint64_t key, double scale)
{
    memset(c, 0, sizeof *c);
    c->fake = gb_metrics_fake();
    c->scale = scale;
    c->key = key;
    gb_metrics m = {c, c_advance, c_vmetrics, c_bbox, c_has, key ? c_key : NULL};
    return m;
}

/* ---- comparing boxes bit for bit ---- */

static int same_double(double a, double b) { return !memcmp(&a, &b, sizeof a); }
static int same_str(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }
static int same_rgb(gb_rgb a, gb_rgb b)
{
    return same_double(a.r, b.r) && same_double(a.g, b.g) && same_double(a.b, b.b);
}

static int same_item(const gb_item *a, const gb_item *b)
{
    if (a->kind != b->kind) return 0;
    switch (a->kind) {
    case GB_ITEM_TEXT:
        return a->face == b->face && same_double(a->size, b->size) && same_double(a->x, b->x) &&
               same_double(a->y, b->y) && a->len == b->len && !memcmp(a->text, b->text, a->len) &&
               same_rgb(a->color, b->color);
    case GB_ITEM_PATH:
        if (a->npts != b->npts || a->closed != b->closed || a->do_fill != b->do_fill ||
            a->do_stroke != b->do_stroke)
            return 0;
        if (a->npts && memcmp(a->xy, b->xy, a->npts * 2 * sizeof *a->xy)) return 0;
        if (a->do_fill && !same_rgb(a->fill, b->fill)) return 0;
        return !a->do_stroke || (same_double(a->stroke.width, b->stroke.width) &&
                                 same_double(a->stroke.dash_on, b->stroke.dash_on) &&
                                 same_double(a->stroke.dash_off, b->stroke.dash_off) &&
                                 same_rgb(a->stroke.color, b->stroke.color));
    case GB_ITEM_CIRCLE:
        return same_double(a->x, b->x) && same_double(a->y, b->y) && same_double(a->r, b->r) &&
               a->do_fill == b->do_fill && a->do_stroke == b->do_stroke &&
               (!a->do_fill || same_rgb(a->fill, b->fill)) &&
               (!a->do_stroke || (same_double(a->stroke.width, b->stroke.width) &&
                                  same_rgb(a->stroke.color, b->stroke.color)));
    case GB_ITEM_LINK:
        return same_double(a->x, b->x) && same_double(a->y, b->y) && same_double(a->w, b->w) &&
               same_double(a->h, b->h) && a->dest == b->dest;
    }
    return 0;
}

/* 1 if a and b are the same box; else 0 with why filled. */
static int same_box(const gb_math_box *a, const gb_math_box *b, char *why, size_t cap)
{
    if (!same_double(a->width, b->width) || !same_double(a->height, b->height) ||
        !same_double(a->depth, b->depth) || !same_double(a->axis, b->axis)) {
        snprintf(why, cap, "size %.17g x %.17g + %.17g vs %.17g x %.17g + %.17g", a->width,
                 a->height, a->depth, b->width, b->height, b->depth);
        return 0;
    }
    if (a->notag != b->notag || !same_str(a->tag, b->tag) || !same_str(a->label, b->label) ||
        a->nlines != b->nlines) {
        snprintf(why, cap, "tag/label/lines differ (%zu vs %zu lines)", a->nlines, b->nlines);
        return 0;
    }
    for (size_t k = 0; k < a->nlines; k++)
        if (!same_double(a->lines[k].baseline, b->lines[k].baseline) ||
            a->lines[k].notag != b->lines[k].notag || !same_str(a->lines[k].tag, b->lines[k].tag) ||
            !same_str(a->lines[k].label, b->lines[k].label)) {
            snprintf(why, cap, "line %zu differs", k);
            return 0;
        }
    size_t n = gb_dlist_count(a->dl);
    if (n != gb_dlist_count(b->dl)) {
        snprintf(why, cap, "%zu vs %zu items", n, gb_dlist_count(b->dl));
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (!same_item(gb_dlist_item(a->dl, i), gb_dlist_item(b->dl, i))) {
            snprintf(why, cap, "item %zu differs", i);
            return 0;
        }
    return 1;
}

/* The box set without the cache (parser + layout). */
static int reference(const char *tex, gb_math_style st, double size, const gb_metrics *m,
                     gb_math_box *out)
{
    gb_err e = {0};
    gb_math_node *t = gb_math_parse(tex, strlen(tex), NULL, &e);
    GB_ASSERT_MSG(t != NULL, "'%s' does not parse: %s", tex, e.msg);
    if (!t) return -1;
    int rc = gb_math_layout(t, st, size, m, out, &e);
    gb_math_free(t);
    GB_ASSERT_MSG(rc == 0, "'%s' does not set: %s", tex, e.msg);
    return rc;
}

static int render(const char *tex, gb_math_style st, double size, const gb_metrics *m,
                  gb_math_box *out)
{
    gb_err e = {0};
    int rc = gb_math_render(tex, strlen(tex), st, size, m, NULL, out, &e);
    GB_ASSERT_MSG(rc == 0, "'%s' failed: %s", tex, e.msg);
    return rc;
}

static const char *const formulas[] = {
    "z = \\sum_{i=1}^n w_i x_i + b = \\mathbf{w}^T \\mathbf{x} + b",
    "g(z) = \\sigma(z) = \\frac{1}{1 + e^{-z}}",
    "\\delta_j^{[1]} = \\left( \\frac{\\partial C}{\\partial \\hat{y}} \\cdot \\frac{\\partial "
    "z_0^{[2]}}{\\partial a_j^{[1]}} \\right) \\cdot \\sigma'(z_j^{[1]}) \\tag{20} \\label{eq:d}",
    "\\begin{aligned} z_0^{[1]} &= w_{00}^{[1]}x_0 + b_0^{[1]} \\label{a} \\\\ &= -0.5 \\notag "
    "\\end{aligned}",
    "\\begin{array}{ll}w_{00}^{[1]} = 0.1 & w_{01}^{[1]} = -0.2 \\\\ b_0^{[1]} = 0.0 & b_1 "
    "\\end{array}",
    "\\left[ \\begin{matrix} 1 & 2 \\\\ 3 & 4 \\end{matrix} \\right]",
    "\\theta \\leftarrow \\theta - \\eta \\cdot \\frac{\\partial C}{\\partial \\theta}",
};
#define NF (sizeof formulas / sizeof formulas[0])

/* Met three times: the third comes from the cache (no metrics call) and every one equals the
 * reference, in both styles. */
static void test_copy_is_the_box(void)
{
    counting c;
    gb_metrics m = counting_metrics(&c, 0x5eed01, 1.0);
    for (size_t i = 0; i < NF; i++)
        for (int s = 0; s < 2; s++) {
            gb_math_style st = s ? GB_MATH_TEXT : GB_MATH_DISPLAY;
            gb_math_box ref;
            if (reference(formulas[i], st, 10.5, &m, &ref)) continue;
            for (int k = 0; k < 3; k++) {
                gb_math_box b;
                unsigned long before = c.calls;
                if (render(formulas[i], st, 10.5, &m, &b)) continue;
                char why[200] = "";
                GB_ASSERT_MSG(same_box(&b, &ref, why, sizeof why), "'%s' (style %d), time %d: %s",
                              formulas[i], (int)st, k + 1, why);
                if (k < 2)
                    GB_ASSERT_MSG(c.calls > before, "'%s' time %d: set without measuring",
                                  formulas[i], k + 1);
                else
                    GB_ASSERT_MSG(c.calls == before, "'%s' time 3: %lu metrics calls, not from "
                                  "the cache", formulas[i], c.calls - before);
                /* from the memo (met twice) the list is shared, read-only; a copy is the box's
                 * own */
                GB_ASSERT_MSG(gb_dlist_shared(b.dl) == (k == 2), "'%s' time %d: list %s",
                              formulas[i], k + 1, k == 2 ? "not shared" : "shared");
                if (k == 2) {
                    gb_math_box own;
                    GB_ASSERT_MSG(gb_math_box_copy(&b, &own) == 0 && !gb_dlist_shared(own.dl) &&
                                  gb_dlist_same(own.dl, b.dl), "'%s': a copy", formulas[i]);
                    gb_math_box_free(&own);
                }
                gb_math_box_free(&b);
            }
            gb_math_box_free(&ref);
        }
}

/* Metrics without a key are never cached: every time measures. */
static void test_no_key_no_cache(void)
{
    counting c;
    gb_metrics m = counting_metrics(&c, 0, 1.0);
    for (int k = 0; k < 4; k++) {
        gb_math_box b;
        unsigned long before = c.calls;
        if (render(formulas[1], GB_MATH_DISPLAY, 10, &m, &b)) continue;
        GB_ASSERT_MSG(c.calls > before, "time %d: no metrics call without a key", k + 1);
        gb_math_box_free(&b);
    }
}

/* Another key, size or style is another formula. */
static void test_keys_sizes_styles_apart(void)
{
    counting ca, cb;
    gb_metrics a = counting_metrics(&ca, 0xA11, 1.0), b = counting_metrics(&cb, 0xB22, 2.0);
    const char *f = "a + \\frac{b}{c} = 1";
    gb_math_box ref_a, ref_b, ref_a12, ref_at, x;
    if (reference(f, GB_MATH_DISPLAY, 10, &a, &ref_a) ||
        reference(f, GB_MATH_DISPLAY, 10, &b, &ref_b) ||
        reference(f, GB_MATH_DISPLAY, 12, &a, &ref_a12) ||
        reference(f, GB_MATH_TEXT, 10, &a, &ref_at))
        return;
    GB_ASSERT_MSG(ref_b.width > ref_a.width * 1.5, "the wider metrics give %g vs %g",
                  ref_b.width, ref_a.width);
    for (int k = 0; k < 3; k++) {   /* kept for a at 10 pt, display */
        if (render(f, GB_MATH_DISPLAY, 10, &a, &x)) return;
        gb_math_box_free(&x);
    }
    struct { const gb_metrics *m; double size; gb_math_style st; const gb_math_box *ref;
             const char *what; } cases[] = {
        {&b, 10, GB_MATH_DISPLAY, &ref_b, "other key"},
        {&a, 12, GB_MATH_DISPLAY, &ref_a12, "other size"},
        {&a, 10, GB_MATH_TEXT, &ref_at, "other style"},
        {&a, 10, GB_MATH_DISPLAY, &ref_a, "the kept one"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (render(f, cases[i].st, cases[i].size, cases[i].m, &x)) continue;
        char why[200] = "";
        GB_ASSERT_MSG(same_box(&x, cases[i].ref, why, sizeof why), "%s: %s", cases[i].what, why);
        gb_math_box_free(&x);
    }
    gb_math_box_free(&ref_a);
    gb_math_box_free(&ref_b);
    gb_math_box_free(&ref_a12);
    gb_math_box_free(&ref_at);
}

/* A malformed formula fails every time, its message naming where it was met this time. */
static void test_errors_not_kept(void)
{
    counting c;
    gb_metrics m = counting_metrics(&c, 0xE22, 1.0);
    const char *f = "a + \\foo";
    for (unsigned k = 1; k <= 3; k++) {
        gb_err e = {0};
        gb_math_src w = {"f.md", k, 1};
        gb_math_box b;
        int rc = gb_math_render(f, strlen(f), GB_MATH_DISPLAY, 10, &m, &w, &b, &e);
        char want[64];
        snprintf(want, sizeof want, "f.md:%u:5:", k);
        GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, want), "time %u: rc %d, '%s' (want %s)", k,
                      rc, e.msg, want);
        gb_math_box_free(&b);
    }
}

/* More formulas than the cache keeps, each met twice, then the first again: all right. */
static void test_full_cache_starts_again(void)
{
    counting c;
    gb_metrics m = counting_metrics(&c, 0xF11, 1.0);
    size_t n = GB_MEMO_ENTRIES + 40;
    char tex[64];
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < n; i++) {
            snprintf(tex, sizeof tex, "x_{%zu} = \\frac{%zu}{y}", i, i + 1);
            gb_math_box b, ref;
            if (render(tex, GB_MATH_DISPLAY, 10, &m, &b)) return;
            if (round == 2 && (i < 50 || i + 50 > n)) {
                if (reference(tex, GB_MATH_DISPLAY, 10, &m, &ref)) return;
                char why[200] = "";
                GB_ASSERT_MSG(same_box(&b, &ref, why, sizeof why), "'%s': %s", tex, why);
                gb_math_box_free(&ref);
            }
            gb_math_box_free(&b);
        }
    /* and after the flood the memo still works: a formula met twice more comes from it the
     * third time, without measuring */
    const char *f = "q = \\frac{a}{b}";
    for (int k = 0; k < 3; k++) {
        gb_math_box b;
        unsigned long before = c.calls;
        if (render(f, GB_MATH_DISPLAY, 10, &m, &b)) return;
        if (k == 2) GB_ASSERT_MSG(c.calls == before, "after a full memo: %lu metrics calls the "
                                  "third time", c.calls - before);
        gb_math_box_free(&b);
    }
}

/* gb_dlist_copy copies every coordinate bit for bit: -0.0 stays -0.0 (x + 0.0 would not). */
static void test_dlist_copy_exact(void)
{
    gb_dlist *dl = gb_dlist_new();
    GB_ASSERT_MSG(dl != NULL, "out of memory");
    if (!dl) return;
    gb_stroke st = {0.4, 0, 0, GB_BLACK};
    int rc = gb_dl_text(dl, GB_FACE_MATH, 10, -0.0, 1.5, "x", 1, GB_BLACK);
    rc |= gb_dl_line(dl, -0.0, -0.0, 3, 4, &st);
    rc |= gb_dl_circle(dl, -0.0, 2, 1, NULL, &st);
    GB_ASSERT_MSG(rc == 0, "building the list failed");
    gb_dlist *cp = gb_dlist_copy(dl);
    GB_ASSERT_MSG(cp && gb_dlist_count(cp) == 3, "copy of 3 items: %zu", gb_dlist_count(cp));
    if (cp && gb_dlist_count(cp) == 3) {
        for (size_t i = 0; i < 3; i++)
            GB_ASSERT_MSG(same_item(gb_dlist_item(cp, i), gb_dlist_item(dl, i)), "item %zu", i);
        GB_ASSERT_MSG(signbit(gb_dlist_item(cp, 0)->x) && signbit(gb_dlist_item(cp, 1)->xy[1]),
                      "-0.0 lost its sign");
    }
    gb_dlist *empty = gb_dlist_copy(NULL);
    GB_ASSERT_MSG(empty && gb_dlist_count(empty) == 0, "copy of NULL is an empty list");
    gb_dlist_free(empty);
    gb_dlist_free(cp);
    gb_dlist_free(dl);
}

/* gb_dl_translate moves items in place exactly as gb_dl_append into an empty list moves copies:
 * texts, path points, circles and links, by an offset and by zero. */
static void test_dlist_translate(void)
{
    gb_dlist *dl = gb_dlist_new(), *ref = gb_dlist_new();
    GB_ASSERT_MSG(dl && ref, "out of memory");
    if (!dl || !ref) { gb_dlist_free(dl); gb_dlist_free(ref); return; }
    gb_stroke st = {0.4, 0, 0, GB_BLACK};
    double xy[6] = {-0.0, 1.25, 3.5, -2.0, 0.1, 0.2};
    int rc = gb_dl_text(dl, GB_FACE_SERIF, 10, -0.0, 7.3, "ab", 2, GB_BLACK);
    rc |= gb_dl_path(dl, xy, 3, 1, &GB_WHITE, &st);
    rc |= gb_dl_circle(dl, 4, 5, 1, NULL, &st);
    rc |= gb_dl_link(dl, 1, 2, 3, 4, 0);
    GB_ASSERT_MSG(rc == 0, "building the list failed");
    const double off[2][2] = {{12.5, -0.3}, {0, 0}};
    for (int t = 0; t < 2 && !rc; t++) {
        gb_dlist_clear(ref);
        rc = gb_dl_append(ref, dl, off[t][0], off[t][1]);
        gb_dl_translate(dl, off[t][0], off[t][1]);
        GB_ASSERT_MSG(rc == 0 && gb_dlist_count(ref) == gb_dlist_count(dl), "append failed");
        for (size_t i = 0; !rc && i < gb_dlist_count(dl); i++)
            GB_ASSERT_MSG(same_item(gb_dlist_item(dl, i), gb_dlist_item(ref, i)),
                          "offset (%g, %g): item %zu moved differently", off[t][0], off[t][1], i);
    }
    GB_ASSERT_MSG(!signbit(gb_dlist_item(dl, 0)->x) && gb_dlist_item(dl, 1)->xy[2] == 16.0,
                  "coordinates after two moves: %g, %g", gb_dlist_item(dl, 0)->x,
                  gb_dlist_item(dl, 1)->xy[2]);
    gb_dl_translate(NULL, 1, 1);   /* nothing to move */
    gb_dlist_free(dl);
    gb_dlist_free(ref);
}

/* gb_dl_take moves items exactly where gb_dl_append copies them, after dst's own, and leaves
 * src empty; the moved text and points stay valid after src is freed (ASan checks). */
static void test_dlist_take(void)
{
    gb_dlist *src = gb_dlist_new(), *dst = gb_dlist_new(), *ref = gb_dlist_new();
    GB_ASSERT_MSG(src && dst && ref, "out of memory");
    if (!src || !dst || !ref) { gb_dlist_free(src); gb_dlist_free(dst); gb_dlist_free(ref); return; }
    gb_stroke st = {0.4, 0, 0, GB_BLACK};
    double xy[6] = {-0.0, 1.25, 3.5, -2.0, 0.1, 0.2};
    char text[600];
    memset(text, 'a', sizeof text);   /* longer than nothing: its own chunk memory */
    int rc = gb_dl_text(dst, GB_FACE_MONO, 9, 1, 1, "own", 3, GB_BLACK);
    rc |= gb_dl_text(ref, GB_FACE_MONO, 9, 1, 1, "own", 3, GB_BLACK);
    for (int i = 0; i < 40 && !rc; i++) {   /* several chunks */
        rc |= gb_dl_text(src, GB_FACE_SERIF, 10, -0.0, 7.3 * i, text, sizeof text, GB_BLACK);
        rc |= gb_dl_path(src, xy, 3, 1, &GB_WHITE, &st);
    }
    rc |= gb_dl_circle(src, 4, 5, 1, NULL, &st);
    rc |= gb_dl_link(src, 1, 2, 3, 4, 0);
    GB_ASSERT_MSG(rc == 0, "building the lists failed");
    if (rc) { gb_dlist_free(src); gb_dlist_free(dst); gb_dlist_free(ref); return; }
    size_t n = gb_dlist_count(src);
    rc = gb_dl_append(ref, src, 12.5, -0.3);
    rc |= gb_dl_take(dst, src, 12.5, -0.3);
    GB_ASSERT_MSG(rc == 0 && gb_dlist_count(src) == 0 && gb_dlist_count(dst) == n + 1,
                  "after take: src %zu items, dst %zu (want 0 and %zu)", gb_dlist_count(src),
                  gb_dlist_count(dst), n + 1);
    gb_dlist_free(src);   /* dst's items must not point into freed memory */
    GB_ASSERT_MSG(gb_dlist_same(dst, ref), "taken items differ from appended ones");
    GB_ASSERT_MSG(gb_dl_text(dst, GB_FACE_MONO, 9, 0, 0, "more", 4, GB_BLACK) == 0 &&
                  gb_dl_take(dst, NULL, 1, 1) == 0 && gb_dlist_count(dst) == n + 2,
                  "adding after a take");
    gb_dlist_free(dst);
    gb_dlist_free(ref);
}

static int body_list(gb_dlist *dl, int k);

/* Keys made one after the other reuse the thread's buffer; a key made while another is alive
 * gets its own memory; both hold what was put, also past the first growth (ASan checks that no
 * buffer is used after it went back or is freed twice). */
static void test_key_buffers(void)
{
    unsigned char big[5000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (unsigned char)(i * 7);
    const unsigned char *seen = NULL;
    for (int round = 0; round < 3; round++) {
        gb_memo_key a = {0}, b = {0};
        gb_memo_key_put(&a, big, 100);
        gb_memo_key_put(&b, big + 1, 100);   /* while a is alive */
        gb_memo_key_put(&a, big + 100, sizeof big - 100);   /* a grows past 1 KB */
        GB_ASSERT_MSG(!a.failed && !b.failed && a.len == sizeof big && b.len == 100 &&
                      !memcmp(a.b, big, sizeof big) && !memcmp(b.b, big + 1, 100),
                      "round %d: key contents", round);
        GB_ASSERT_MSG(a.b != b.b && a.scratch && !b.scratch, "round %d: the second key shares "
                      "the first one's buffer", round);
        if (round == 2) GB_ASSERT_MSG(a.b == seen, "the thread's buffer is not reused");
        seen = a.b;
        gb_memo_key_free(&b);
        gb_memo_key_free(&a);
    }
}

/* A shared list lives until its last owner frees it; gb_dl_take copies from it and leaves it
 * as it is; a copy of it is its own (ASan checks the frees). */
static void test_dlist_share(void)
{
    gb_dlist *a = gb_dlist_new(), *dst = gb_dlist_new();
    GB_ASSERT_MSG(a && dst && body_list(a, 0) == 13, "building the list failed");
    if (!a || !dst) { gb_dlist_free(a); gb_dlist_free(dst); return; }
    GB_ASSERT_MSG(!gb_dlist_shared(a) && !gb_dlist_shared(NULL), "a new list is not shared");
    gb_dlist *b = gb_dlist_share(a), *c = gb_dlist_share(a);
    GB_ASSERT_MSG(b == a && c == a && gb_dlist_shared(a), "share gives the list, shared");
    size_t n = gb_dlist_count(a);
    GB_ASSERT_MSG(gb_dl_take(dst, a, 2, 3) == 0 && gb_dlist_count(a) == n &&
                  gb_dlist_count(dst) == n, "take from a shared list: %zu left, %zu taken",
                  gb_dlist_count(a), gb_dlist_count(dst));
    gb_dlist *ref = gb_dlist_new();
    GB_ASSERT_MSG(ref && gb_dl_append(ref, a, 2, 3) == 0 && gb_dlist_same(ref, dst),
                  "taken from a shared list: not where append puts it");
    gb_dlist *own = gb_dlist_copy(a);
    GB_ASSERT_MSG(own && !gb_dlist_shared(own) && gb_dlist_same(own, a), "a copy of a shared list");
    gb_dlist_free(b);
    gb_dlist_free(a);
    GB_ASSERT_MSG(!gb_dlist_shared(c) && gb_dlist_count(c) == n, "the last owner keeps it whole");
    gb_dlist_free(c);   /* the last owner: freed for real */
    gb_dlist_free(own);
    gb_dlist_free(ref);
    gb_dlist_free(dst);
}

/* One list of every kind of item; mutation k (1..) changes one field of one item, bit for bit
 * (k = 1 is the sign of a zero). Returns the number of mutations when k = 0, or -1 when
 * building failed. */
static int body_list(gb_dlist *dl, int k)
{
    gb_stroke st = {0.4, k == 9 ? 2 : 0, k == 9 ? 1 : 0, GB_BLACK};
    gb_rgb fill = {0.5, 0.5, k == 8 ? 0.25 : 0.5};
    double xy[6] = {k == 6 ? 1e-300 : 0.0, 1.25, 3.5, -2.0, 0.1, 0.2};
    int rc = gb_dl_text(dl, k == 5 ? GB_FACE_SERIF_BOLD : GB_FACE_SERIF, k == 4 ? 10.01 : 10,
                        k == 1 ? -0.0 : 0.0, k == 3 ? 7.4 : 7.3, k == 2 ? "ac" : "ab", 2,
                        k == 10 ? (gb_rgb){0, 0, 0.01} : GB_BLACK);
    rc |= gb_dl_path(dl, xy, 3, k == 7 ? 0 : 1, &fill, &st);
    rc |= gb_dl_circle(dl, 4, 5, k == 11 ? 1.5 : 1, NULL, &st);
    rc |= gb_dl_link(dl, 1, 2, 3, 4, k == 12 ? 1 : 0);
    if (k == 13) rc |= gb_dl_text(dl, GB_FACE_SERIF, 10, 0, 0, "", 0, GB_BLACK);
    return rc ? -1 : 13;
}

static void put_key(void *ctx, const void *p, size_t n) { gb_memo_key_put(ctx, p, n); }

/* gb_dlist_same: a list and its copy are the same; one bit of any field, a path's closing, a
 * dash, an item more make lists differ; and it agrees with gb_dlist_bytes either way. */
static void test_dlist_same(void)
{
    gb_dlist *a = gb_dlist_new(), *b = gb_dlist_new();
    GB_ASSERT_MSG(a && b && body_list(a, 0) == 13, "building the list failed");
    gb_dlist *cp = a ? gb_dlist_copy(a) : NULL;
    GB_ASSERT_MSG(cp && gb_dlist_same(a, cp) && gb_dlist_same(cp, a), "a copy differs");
    GB_ASSERT_MSG(gb_dlist_same(NULL, b) && !gb_dlist_same(NULL, a), "NULL is the empty list");
    gb_memo_key ka = {0};
    gb_dlist_bytes(a, put_key, &ka);
    for (int k = 1; k <= 13 && a && b; k++) {
        gb_dlist_clear(b);
        if (body_list(b, k) < 0) { GB_ASSERT_MSG(0, "building mutation %d", k); break; }
        GB_ASSERT_MSG(!gb_dlist_same(a, b) && !gb_dlist_same(b, a), "mutation %d: same", k);
        gb_memo_key kb = {0};
        gb_dlist_bytes(b, put_key, &kb);
        GB_ASSERT_MSG(!ka.failed && !kb.failed &&
                      (ka.len != kb.len || memcmp(ka.b, kb.b, ka.len)),
                      "mutation %d: gb_dlist_bytes gives the same bytes", k);
        gb_memo_key_free(&kb);
    }
    gb_memo_key_free(&ka);
    gb_dlist_free(cp);
    gb_dlist_free(a);
    gb_dlist_free(b);
}

/* ---- paragraphs ---- */

static int same_lines(const gb_lines *a, const gb_lines *b, char *why, size_t cap)
{
    if (a->n != b->n) {
        snprintf(why, cap, "%zu vs %zu lines", a->n, b->n);
        return 0;
    }
    for (size_t i = 0; i < a->n; i++) {
        const gb_line *x = &a->line[i], *y = &b->line[i];
        if (!same_double(x->indent, y->indent) || !same_double(x->natural, y->natural) ||
            !same_double(x->width, y->width) || !same_double(x->height, y->height) ||
            !same_double(x->depth, y->depth) || x->overfull != y->overfull) {
            snprintf(why, cap, "line %zu: measures differ", i);
            return 0;
        }
        size_t n = gb_dlist_count(x->dl);
        if (n != gb_dlist_count(y->dl)) {
            snprintf(why, cap, "line %zu: %zu vs %zu items", i, n, gb_dlist_count(y->dl));
            return 0;
        }
        for (size_t k = 0; k < n; k++)
            if (!same_item(gb_dlist_item(x->dl, k), gb_dlist_item(y->dl, k))) {
                snprintf(why, cap, "line %zu item %zu differs", i, k);
                return 0;
            }
    }
    return 1;
}

/* A paragraph: text runs in two faces, a link, an inline box drawing box_text, a forced break. */
static size_t paragraph(gb_inline *it, const gb_dlist *box)
{
    size_t n = 0;
    it[n++] = gb_inline_text(GB_FACE_SERIF, 10.5, "The error signal travels backwards along the "
                             "same weight that carried the activation forwards, and");
    it[n++] = gb_inline_text(GB_FACE_SERIF_ITALIC, 10.5, " is scaled ");
    it[n] = gb_inline_text(GB_FACE_SERIF, 10.5, "by the slope of the hidden neuron");
    it[n++].link = 3;
    it[n].kind = GB_INLINE_BOX;
    it[n].box = box;
    it[n].width = 24;
    it[n].height = 8;
    it[n++].depth = 2;
    it[n++].kind = GB_INLINE_BREAK;
    it[n++] = gb_inline_text(GB_FACE_SERIF, 10.5, "after a forced break, the rest of the text.");
    return n;
}

static int lines_of(const gb_metrics *m, const gb_inline *it, size_t n, double width,
                    gb_lines *out)
{
    gb_para_style st = {width, 12, 0, 1};
    gb_err e = {0};
    int rc = gb_linebreak(m, it, n, &st, out, &e);
    GB_ASSERT_MSG(rc == 0, "gb_linebreak: %s", e.msg);
    return rc;
}

/* Met three times: the third comes from the memo (no metrics call); each equals the lines broken
 * with keyless metrics that measure alike. Another width, another box: their own lines. */
static void test_lines_remembered(void)
{
    counting c, plain;
    gb_metrics m = counting_metrics(&c, 0x11E5, 1.0), p = counting_metrics(&plain, 0, 1.0);
    gb_dlist *box = gb_dlist_new(), *box2 = gb_dlist_new();
    GB_ASSERT_MSG(box && box2, "out of memory");
    if (!box || !box2 || gb_dl_text(box, GB_FACE_MATH, 10.5, 0, 0, "x", 1, GB_BLACK) ||
        gb_dl_text(box2, GB_FACE_MATH, 10.5, 0, 0, "y", 1, GB_BLACK)) {
        gb_dlist_free(box);
        gb_dlist_free(box2);
        return;
    }
    gb_inline it[8], it2[8];
    size_t n = paragraph(it, box);
    paragraph(it2, box2);
    gb_lines ref, got;
    char why[200] = "";
    if (lines_of(&p, it, n, 200, &ref)) return;
    GB_ASSERT_MSG(ref.n >= 3, "the paragraph makes %zu lines", ref.n);
    for (int k = 0; k < 3; k++) {
        unsigned long before = c.calls;
        if (lines_of(&m, it, n, 200, &got)) break;
        GB_ASSERT_MSG(same_lines(&got, &ref, why, sizeof why), "time %d: %s", k + 1, why);
        if (k < 2) GB_ASSERT_MSG(c.calls > before, "time %d: broken without measuring", k + 1);
        else GB_ASSERT_MSG(c.calls == before, "time 3: %lu metrics calls", c.calls - before);
        /* met twice: the memo keeps a copy of the lines (the caller keeps its own), and hands
         * them out shared from then on */
        for (size_t i = 0; i < got.n; i++)
            GB_ASSERT_MSG(gb_dlist_shared(got.line[i].dl) == (k == 2),
                          "time %d: line %zu %s", k + 1, i, k == 2 ? "not shared" : "shared");
        gb_lines_free(&got);
    }
    gb_lines_free(&ref);
    /* another width */
    if (!lines_of(&p, it, n, 150, &ref) && !lines_of(&m, it, n, 150, &got)) {
        GB_ASSERT_MSG(same_lines(&got, &ref, why, sizeof why), "width 150: %s", why);
        gb_lines_free(&got);
    }
    gb_lines_free(&ref);
    /* the same extent, another box content */
    if (!lines_of(&p, it2, n, 200, &ref) && !lines_of(&m, it2, n, 200, &got)) {
        GB_ASSERT_MSG(same_lines(&got, &ref, why, sizeof why), "other box: %s", why);
        int has_y = 0;
        for (size_t i = 0; i < got.n; i++)
            for (size_t k = 0; k < gb_dlist_count(got.line[i].dl); k++) {
                const gb_item *x = gb_dlist_item(got.line[i].dl, k);
                if (x->kind == GB_ITEM_TEXT && x->len == 1 && x->text[0] == 'y') has_y = 1;
            }
        GB_ASSERT_MSG(has_y, "the other box's content is not drawn");
        gb_lines_free(&got);
    }
    gb_lines_free(&ref);
    gb_dlist_free(box);
    gb_dlist_free(box2);
}

GB_TEST_SUITE(memo)
{
    CU_pSuite s = CU_add_suite("memo", NULL, NULL);
    GB_ADD(s, test_copy_is_the_box);
    GB_ADD(s, test_no_key_no_cache);
    GB_ADD(s, test_keys_sizes_styles_apart);
    GB_ADD(s, test_errors_not_kept);
    GB_ADD(s, test_full_cache_starts_again);
    GB_ADD(s, test_dlist_copy_exact);
    GB_ADD(s, test_dlist_translate);
    GB_ADD(s, test_dlist_same);
    GB_ADD(s, test_dlist_take);
    GB_ADD(s, test_dlist_share);
    GB_ADD(s, test_key_buffers);
    GB_ADD(s, test_lines_remembered);
}
