/* linebreak.c — first-fit line breaking of inline items with justification; words too long for
 * a line are split between code points, never dropped. */
#include "typeset/linebreak.h"
#include "typeset/memo.h"

#include "util/grow.h"
#include "util/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A line may take this much more than its measure before a word is moved: absorbs rounding in
 * sums of advances. */
#define FIT_EPS 1e-6
/* Justification stretches a space to at most this many times its natural width; a line that
 * would need more (e.g. two words on a long line) is set ragged instead. */
#define MAX_SPACE_FACTOR 8.0

enum { E_BOX, E_GLUE, E_CJK, E_FORCED };

/* The paragraph as a sequence of boxes (text pieces, inline boxes), glue (inter-word spaces),
 * CJK break opportunities and forced breaks. */
typedef struct elem {
    int type;
    size_t item;        /* index into the items */
    size_t off, len;    /* E_BOX of a text item: byte range of the text */
    double w;           /* natural width */
} elem;

typedef struct elems { elem *e; size_t n, cap; } elems;

static int push(elems *v, elem x)
{
    elem *p = gb_grow(v->e, &v->cap, v->n + 1, sizeof *p, 64);
    if (!p) return -1;
    v->e = p;
    v->e[v->n++] = x;
    return 0;
}

static int insert_at(elems *v, size_t at, elem x)
{
    if (push(v, x)) return -1;
    memmove(v->e + at + 1, v->e + at, (v->n - 1 - at) * sizeof *v->e);
    v->e[at] = x;
    return 0;
}

int gb_linebreak_is_cjk(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x2FFF) ||   /* radicals */
           (cp >= 0x3040 && cp <= 0x30FF) ||   /* kana */
           (cp >= 0x3400 && cp <= 0x4DBF) ||   /* CJK extension A */
           (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK unified ideographs */
           (cp >= 0xAC00 && cp <= 0xD7AF) ||   /* Hangul syllables */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility ideographs */
           (cp >= 0x20000 && cp <= 0x3FFFF);   /* supplementary ideographs */
}

static int is_space(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r'; }

static double text_w(const gb_metrics *m, const gb_inline *it, size_t off, size_t len)
{
    return len ? m->advance(m->ctx, it->face, it->text + off, len, it->size) : 0;
}

/* Turns the items into elements. prev_cjk carries across item boundaries so that two
 * ideographs in different runs may still break between them. */
static int build(const gb_metrics *m, const gb_inline *items, size_t n, elems *v)
{
    int prev_cjk = 0;
    for (size_t i = 0; i < n; i++) {
        const gb_inline *it = &items[i];
        if (it->kind == GB_INLINE_BOX) {
            if (push(v, (elem){E_BOX, i, 0, 0, it->width})) return -1;
            prev_cjk = 0;
            continue;
        }
        if (it->kind == GB_INLINE_BREAK) {
            if (push(v, (elem){E_FORCED, i, 0, 0, 0})) return -1;
            prev_cjk = 0;
            continue;
        }
        size_t p = 0, ws = (size_t)-1;
        while (p < it->len) {
            uint32_t cp;
            size_t l = gb_utf8_decode(it->text + p, it->len - p, &cp);
            if (is_space(cp)) {
                if (ws != (size_t)-1 &&
                    push(v, (elem){E_BOX, i, ws, p - ws, text_w(m, it, ws, p - ws)}))
                    return -1;
                ws = (size_t)-1;
                /* runs of spaces collapse into one glue, as wide as one space of this run */
                if (!(v->n && v->e[v->n - 1].type == E_GLUE) &&
                    push(v, (elem){E_GLUE, i, p, l, text_w(m, it, p, 1)}))
                    return -1;
                prev_cjk = 0;
            } else {
                int cjk = gb_linebreak_is_cjk(cp);
                if (cjk && prev_cjk) {
                    if (ws != (size_t)-1 &&
                        push(v, (elem){E_BOX, i, ws, p - ws, text_w(m, it, ws, p - ws)}))
                        return -1;
                    if (push(v, (elem){E_CJK, i, p, 0, 0})) return -1;
                    ws = p;
                } else if (ws == (size_t)-1) {
                    ws = p;
                }
                prev_cjk = cjk;
            }
            p += l;
        }
        if (ws != (size_t)-1 &&
            push(v, (elem){E_BOX, i, ws, p - ws, text_w(m, it, ws, p - ws)}))
            return -1;
    }
    return 0;
}

/* The longest prefix of text box b whose width fits room: its byte length and width. */
static size_t fit_prefix(const gb_metrics *m, const gb_inline *it, const elem *b, double room,
                         double *w)
{
    size_t p = 0, fit = 0;
    double acc = 0;
    *w = 0;
    while (p < b->len) {
        uint32_t cp;
        size_t l = gb_utf8_decode(it->text + b->off + p, b->len - p, &cp);
        acc += text_w(m, it, b->off + p, l);
        if (acc > room + FIT_EPS) break;
        p += l;
        fit = p;
        *w = acc;
    }
    return fit;
}

/* Height and depth a text item gives a line. */
static void text_extent(const gb_metrics *m, const gb_inline *it, double *h, double *d)
{
    gb_vmetrics v;
    m->vmetrics(m->ctx, it->face, it->size, &v);
    *h = v.ascent;
    *d = v.descent;
}

typedef struct run { int on; size_t item, off, len; double x0, w; } run;

static int flush(gb_dlist *dl, const gb_metrics *m, const gb_inline *items, run *r)
{
    if (!r->on) return 0;
    r->on = 0;
    const gb_inline *it = &items[r->item];
    if (gb_dl_text(dl, it->face, it->size, r->x0, 0, it->text + r->off, r->len, it->color))
        return -1;
    if (it->link >= 0) {
        double h, d;
        text_extent(m, it, &h, &d);
        if (gb_dl_link(dl, r->x0, -d, r->w, h + d, it->link)) return -1;
    }
    return 0;
}

/* Sets elements [a, b) as one line. stretch_ok: the line ended at a break opportunity (not the
 * paragraph's end or a forced break), so it may be justified. */
static int set_line(const gb_metrics *m, const gb_inline *items, const elems *v, size_t a,
                    size_t b, double indent, double avail, int justify, int stretch_ok,
                    const gb_inline *last_text, gb_line *ln)
{
    /* trailing spaces and break opportunities take no room */
    while (b > a && (v->e[b - 1].type == E_GLUE || v->e[b - 1].type == E_CJK)) b--;
    double natural = 0, glue_w = 0;
    size_t nglue = 0, ncjk = 0;
    for (size_t i = a; i < b; i++) {
        natural += v->e[i].w;
        if (v->e[i].type == E_GLUE) { nglue++; glue_w += v->e[i].w; }
        if (v->e[i].type == E_CJK) ncjk++;
    }
    double per_glue = 0, per_cjk = 0, extra = avail - natural;
    if (justify && stretch_ok && extra > 0) {
        if (nglue && extra / nglue <= (MAX_SPACE_FACTOR - 1) * (glue_w / nglue))
            per_glue = extra / nglue;
        else if (!nglue && ncjk)
            /* CJK text is justified by spacing the ideographs; allow up to one em-ish gap */
            per_cjk = extra / ncjk <= natural / (double)(ncjk + 1) ? extra / ncjk : 0;
    }
    memset(ln, 0, sizeof *ln);
    ln->dl = gb_dlist_new();
    if (!ln->dl) return -1;
    ln->indent = indent;
    ln->natural = natural;
    double x = indent, h = 0, d = 0;
    int any_text = 0;
    run r = {0};
    for (size_t i = a; i < b; i++) {
        const elem *e = &v->e[i];
        const gb_inline *it = &items[e->item];
        if (e->type == E_GLUE || e->type == E_CJK) {
            if (flush(ln->dl, m, items, &r)) return -1;
            x += e->w + (e->type == E_GLUE ? per_glue : per_cjk);
            continue;
        }
        if (e->type != E_BOX) continue;
        if (it->kind == GB_INLINE_BOX) {
            if (flush(ln->dl, m, items, &r)) return -1;
            if (it->box && gb_dl_append(ln->dl, it->box, x, 0)) return -1;
            if (it->height > h) h = it->height;
            if (it->depth > d) d = it->depth;
            x += e->w;
            continue;
        }
        double th, td;
        text_extent(m, it, &th, &td);
        if (th > h) h = th;
        if (td > d) d = td;
        any_text = 1;
        if (r.on && r.item == e->item && r.off + r.len == e->off) {
            r.len += e->len;
            r.w += e->w;
        } else {
            if (flush(ln->dl, m, items, &r)) return -1;
            r = (run){1, e->item, e->off, e->len, x, e->w};
        }
        x += e->w;
    }
    if (flush(ln->dl, m, items, &r)) return -1;
    if (!any_text && h == 0 && d == 0 && last_text) text_extent(m, last_text, &h, &d);
    ln->width = x;
    ln->height = h;
    ln->depth = d;
    ln->overfull = natural > avail + FIT_EPS;
    return 0;
}

static int check_input(const gb_inline *items, size_t n, const gb_para_style *st, gb_err *e)
{
    if (!(isfinite(st->width) && st->width > 0 && isfinite(st->first_indent) &&
          isfinite(st->rest_indent) && st->first_indent >= 0 && st->rest_indent >= 0 &&
          st->first_indent < st->width && st->rest_indent < st->width))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "bad paragraph style: width %g, indents %g and %g", st->width,
                          st->first_indent, st->rest_indent);
    for (size_t i = 0; i < n; i++) {
        const gb_inline *it = &items[i];
        if (it->kind == GB_INLINE_TEXT && (!(it->size > 0 && isfinite(it->size)) ||
                                           (!it->text && it->len)))
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "inline item %zu: bad text run", i);
        if (it->kind == GB_INLINE_BOX &&
            !(isfinite(it->width) && isfinite(it->height) && isfinite(it->depth) &&
              it->width >= 0 && it->height >= 0 && it->depth >= 0))
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                              "inline item %zu: bad box %g x %g + %g", i, it->width,
                              it->height, it->depth);
        if (it->kind != GB_INLINE_TEXT && it->kind != GB_INLINE_BOX &&
            it->kind != GB_INLINE_BREAK)
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "inline item %zu: unknown kind", i);
    }
    return 0;
}

void gb_lines_free(gb_lines *out)
{
    if (!out) return;
    for (size_t i = 0; i < out->n; i++) gb_dlist_free(out->line[i].dl);
    free(out->line);
    out->line = NULL;
    out->n = 0;
}

/* ---- remembered paragraphs (memo.h) ---- */

/* *out a copy of the lines in v: their lists copied (sized to fit: what the memo keeps), or
 * shared (gb_dlist_share: how the memo hands them out; none changes them, gb_linebreak's
 * contract). */
static int copy_lines(const void *v, void *out, int share)
{
    const gb_lines *src = v;
    gb_lines *c = out;
    c->n = 0;
    if (!(c->line = calloc(src->n ? src->n : 1, sizeof *c->line))) return -1;
    for (; c->n < src->n; c->n++) {
        c->line[c->n] = src->line[c->n];
        gb_dlist *dl = src->line[c->n].dl;
        if (!(c->line[c->n].dl = share && dl ? gb_dlist_share(dl) : gb_dlist_copy(dl))) {
            gb_lines_free(c);
            return -1;
        }
    }
    return 0;
}
static int lines_memo_copy(const void *v, void *out) { return copy_lines(v, out, 0); }
static int lines_memo_give(const void *v, void *out) { return copy_lines(v, out, 1); }
static void lines_memo_clear(void *v) { gb_lines_free(v); }
static size_t lines_memo_weight(const void *v)
{
    const gb_lines *l = v;
    size_t w = l->n;
    for (size_t i = 0; i < l->n; i++) w += gb_dlist_count(l->line[i].dl);
    return w;
}
static const gb_memo_ops lines_memo = {sizeof(gb_lines), lines_memo_copy, lines_memo_clear,
                                       lines_memo_weight, lines_memo_give};

#define PUT(k, v) gb_memo_key_put((k), &(v), sizeof(v))

/* gb_dlist_bytes' sink: the paragraph key. */
static void put_bytes(void *k, const void *p, size_t n) { gb_memo_key_put(k, p, n); }

/* The key of a paragraph: everything its lines depend on (metrics, style, every item). */
static void key_paragraph(gb_memo_key *k, uint64_t mkey, const gb_inline *items, size_t n,
                          const gb_para_style *st)
{
    PUT(k, mkey);
    PUT(k, st->width);
    PUT(k, st->first_indent);
    PUT(k, st->rest_indent);
    PUT(k, st->justify);
    PUT(k, n);
    for (size_t i = 0; i < n; i++) {
        const gb_inline *it = &items[i];
        int kind = (int)it->kind, face = (int)it->face;
        PUT(k, kind);
        if (it->kind == GB_INLINE_TEXT) {
            PUT(k, face);
            PUT(k, it->size);
            PUT(k, it->color);
            PUT(k, it->link);
            PUT(k, it->len);
            gb_memo_key_put(k, it->text, it->len);
        } else if (it->kind == GB_INLINE_BOX) {
            PUT(k, it->width);
            PUT(k, it->height);
            PUT(k, it->depth);
            gb_dlist_bytes(it->box, put_bytes, k);
        }
    }
}

#undef PUT

static int linebreak(const gb_metrics *m, const gb_inline *items, size_t n,
                     const gb_para_style *st, gb_lines *out, gb_err *e);

int gb_linebreak(const gb_metrics *m, const gb_inline *items, size_t n,
                 const gb_para_style *st, gb_lines *out, gb_err *e)
{
    out->line = NULL;
    out->n = 0;
    int rc = check_input(items, n, st, e);
    if (rc) return rc;
    uint64_t mkey = m->key ? m->key(m->ctx) : 0;
    if (!mkey) return linebreak(m, items, n, st, out, e);
    gb_memo_key k = {0};
    key_paragraph(&k, mkey, items, n, st);
    int found = gb_memo_find(GB_MEMO_LINES, &lines_memo, &k, out);
    if (found) {
        gb_memo_key_free(&k);
        return found > 0 ? 0 : gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    rc = linebreak(m, items, n, st, out, e);
    /* kept only if the metrics still measure as they did (a font may fail to load meanwhile) */
    if (!rc && m->key(m->ctx) == mkey) gb_memo_offer(GB_MEMO_LINES, &lines_memo, &k, out);
    gb_memo_key_free(&k);
    return rc;
}

/* gb_linebreak itself, after the input was checked. */
static int linebreak(const gb_metrics *m, const gb_inline *items, size_t n,
                     const gb_para_style *st, gb_lines *out, gb_err *e)
{
    elems v = {0};
    size_t cap = 0;
    const gb_inline *last_text = NULL;
    for (size_t i = 0; i < n; i++)
        if (items[i].kind == GB_INLINE_TEXT) { last_text = &items[i]; break; }
    if (build(m, items, n, &v)) goto oom;
    size_t pos = 0;
    while (pos < v.n) {
        while (pos < v.n && (v.e[pos].type == E_GLUE || v.e[pos].type == E_CJK)) pos++;
        if (pos >= v.n) break;
        double indent = out->n == 0 ? st->first_indent : st->rest_indent;
        double avail = st->width - indent, cur = 0;
        size_t i = pos, end = v.n, next = v.n, brk = (size_t)-1;
        int stretch_ok = 0;
        for (; i < v.n; i++) {
            elem *x = &v.e[i];
            if (x->type == E_FORCED) { end = i; next = i + 1; break; }
            if (x->type == E_GLUE || x->type == E_CJK) { brk = i; cur += x->w; continue; }
            if (cur + x->w <= avail + FIT_EPS) { cur += x->w; continue; }
            if (brk != (size_t)-1) { end = brk; next = brk + 1; stretch_ok = 1; break; }
            /* The word does not fit a line of its own: split it between code points. */
            const gb_inline *it = &items[x->item];
            if (it->kind == GB_INLINE_BOX) {
                end = next = cur > 0 ? i : i + 1;   /* alone on its line if need be */
                break;
            }
            double w;
            size_t k = fit_prefix(m, it, x, avail - cur, &w);
            if (k == 0 && cur > 0) { end = next = i; break; }
            if (k == 0) {   /* not even one code point fits: take one anyway */
                uint32_t cp;
                k = gb_utf8_decode(it->text + x->off, x->len, &cp);
                w = text_w(m, it, x->off, k);
            }
            if (k < x->len) {
                elem rest = {E_BOX, x->item, x->off + k, x->len - k, 0};
                rest.w = text_w(m, it, rest.off, rest.len);
                x->len = k;
                x->w = w;
                if (insert_at(&v, i + 1, rest)) goto oom;
            }
            end = next = i + 1;
            break;
        }
        gb_line *lines = gb_grow(out->line, &cap, out->n + 1, sizeof *lines, 16);
        if (!lines) goto oom;
        out->line = lines;
        for (size_t j = pos; j < end; j++)
            if (items[v.e[j].item].kind == GB_INLINE_TEXT) last_text = &items[v.e[j].item];
        if (set_line(m, items, &v, pos, end, indent, avail, st->justify, stretch_ok, last_text,
                     &out->line[out->n])) {
            gb_dlist_free(out->line[out->n].dl);
            goto oom;
        }
        out->n++;
        pos = next;
    }
    free(v.e);
    return 0;
oom:
    free(v.e);
    gb_lines_free(out);
    return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
}

gb_inline gb_inline_text(gb_face face, double size, const char *text)
{
    gb_inline it;
    memset(&it, 0, sizeof it);
    it.kind = GB_INLINE_TEXT;
    it.face = face;
    it.size = size;
    it.color = GB_BLACK;
    it.text = text;
    it.len = strlen(text);
    it.link = -1;
    return it;
}
