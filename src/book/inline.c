/* inline.c — the spans of a paragraph as line-breaker items: text in its face, values formatted
 * from the model, references, inline formulas. */
#include "book/book.h"

#include "book/values.h"
#include "util/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gb_inline *push_item(gb_inline_buf *b)
{
    gb_inline *it = gb_grow(b->items, &b->cap, b->n + 1, sizeof *it, 16);
    if (!it) return NULL;
    b->items = it;
    gb_inline *x = &b->items[b->n++];
    memset(x, 0, sizeof *x);
    x->link = -1;
    return x;
}

static const char *keep_str(gb_inline_buf *b, const char *s)
{
    char **v = gb_grow(b->strs, &b->cap_strs, b->nstrs + 1, sizeof *v, 16);
    if (!v) return NULL;
    b->strs = v;
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (!c) return NULL;
    memcpy(c, s, n);
    b->strs[b->nstrs++] = c;
    return c;
}

void gb_inline_buf_free(gb_inline_buf *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->nboxes; i++) gb_math_box_free(&b->boxes[i]);
    for (size_t i = 0; i < b->nstrs; i++) free(b->strs[i]);
    free(b->boxes);
    free(b->strs);
    free(b->items);
    memset(b, 0, sizeof *b);
}

static gb_face styled(gb_face base, unsigned style)
{
    if (base != GB_FACE_SERIF) return base;
    if (style & GB_STYLE_STRONG) return GB_FACE_SERIF_BOLD;
    if (style & GB_STYLE_EM) return GB_FACE_SERIF_ITALIC;
    return base;
}

static int add_text(gb_inline_buf *b, gb_face face, double size, const char *text, int link)
{
    gb_inline *it = push_item(b);
    if (!it) return -1;
    *it = gb_inline_text(face, size, text);
    it->link = link;
    return 0;
}

/* Sets TeX as an inline formula box and adds it. */
static int add_math(gb_book *book, gb_inline_buf *b, const char *tex, double size, gb_srcpos pos,
                    gb_err *e)
{
    gb_math_box *bx = gb_grow(b->boxes, &b->cap_boxes, b->nboxes + 1, sizeof *bx, 16);
    if (!bx) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    b->boxes = bx;
    gb_math_box *box = &b->boxes[b->nboxes];
    memset(box, 0, sizeof *box);
    gb_math_src where = {pos.file, pos.line, pos.col};
    int rc = gb_math_render(tex, strlen(tex), GB_MATH_TEXT, size, book->ctx->metrics, &where, box, e);
    if (rc) return rc;
    b->nboxes++;
    gb_inline *it = push_item(b);
    if (!it) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    it->kind = GB_INLINE_BOX;
    it->box = box->dl;
    it->width = box->width;
    it->height = box->height;
    it->depth = box->depth;
    return 0;
}

/* A quantity's formatted value, or an error naming the span. */
static int format_value(const gb_book *book, const gb_span *s, gb_formatted *f, gb_err *e)
{
    int ok;
    double v = gb_model_value(book->ctx->model, s->name, &ok);
    if (!ok)
        return gb_err_set(e, GB_EINPUT, s->pos.file, s->pos.line, s->pos.col,
                          "unknown quantity '%s' (the names are listed in README.md)", s->name);
    if (gb_value_format_check(s->fmt) != 0)
        return gb_err_set(e, GB_EINPUT, s->pos.file, s->pos.line, s->pos.col,
                          "'%s': unknown format '%s' (expected e.g. .4f, .3e, .6g, d or .1%%)",
                          s->name, s->fmt);
    if (gb_value_format(v, s->fmt, f) != 0)
        return gb_err_set(e, GB_EINPUT, s->pos.file, s->pos.line, s->pos.col,
                          "'%s' is not a finite number (%g)", s->name, v);
    return 0;
}

/* TeX shown for quantity `name` (already formatted as fv) in this document kind: a question is
 * a numbered box (blank in a worksheet, holding the answer in a key); in a worksheet a value of
 * an asked quantity points to its box instead of giving the answer away. NULL: show the value. */
static const char *question_tex(const gb_book *book, const char *name, int is_question,
                                const gb_formatted *fv, char *buf, size_t cap)
{
    const gb_book_question *q = gb_book_question_of(book, name);
    if (book->qmode == GB_Q_VALUE) return NULL;
    if (!q) {
        /* In a worksheet a computed value that is not asked would still give answers away
         * (an intermediate slope, an output computed a second way): it is left out. */
        long i = gb_model_find(book->ctx->model, name);
        const gb_quantity *qq = i >= 0 ? gb_model_at(book->ctx->model, (size_t)i) : NULL;
        if (book->qmode == GB_Q_BLANK && qq && qq->op != GB_OP_GIVEN && qq->op != GB_OP_MEASURED) {
            snprintf(buf, cap, "\\ldots");
            return buf;
        }
        return NULL;
    }
    if (book->qmode == GB_Q_BLANK) {
        if (is_question) snprintf(buf, cap, "\\boxed{\\text{Q%d}\\qquad\\qquad\\quad}", q->number);
        else snprintf(buf, cap, "\\text{Q%d}", q->number);
        return buf;
    }
    if (!is_question) return NULL;
    snprintf(buf, cap, "\\boxed{%s}_{\\text{Q%d}}", fv->tex, q->number);
    return buf;
}

/* 1 if span i begins a sentence: nothing but blanks before it in the paragraph, or a text
 * ending in '.', '!' or '?' (and blanks). */
static int sentence_start(const gb_span *spans, size_t i)
{
    size_t k = i;
    while (k > 0 && spans[k - 1].kind == GB_SPAN_TEXT && spans[k - 1].text &&
           strspn(spans[k - 1].text, " \t\n") == strlen(spans[k - 1].text))
        k--;
    if (k == 0) return 1;
    if (spans[k - 1].kind != GB_SPAN_TEXT || !spans[k - 1].text) return 0;
    const char *p = spans[k - 1].text;
    size_t n = strlen(p);
    while (n > 0 && strchr(" \t\n", p[n - 1])) n--;
    return n > 0 && strchr(".!?", p[n - 1]) != NULL;
}

int gb_book_inlines(gb_book *book, const gb_span *spans, size_t n, double size, gb_face face,
                    gb_inline_buf *out, gb_err *e)
{
    memset(out, 0, sizeof *out);
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const gb_span *s = &spans[i];
        gb_face f = styled(face, s->style);
        switch (s->kind) {
        case GB_SPAN_TEXT:
            if (add_text(out, f, size, s->text, -1)) rc = GB_EINTERNAL;
            break;
        case GB_SPAN_CODE:
            /* Inline code a little smaller, as monospaced faces run wide. */
            if (add_text(out, GB_FACE_MONO, size * 0.9, s->text, -1)) rc = GB_EINTERNAL;
            break;
        case GB_SPAN_MATH: {
            char *tex = gb_book_substitute_tex(book, s->text, s->pos, e);
            if (!tex) { rc = e->code ? e->code : GB_EINTERNAL; break; }
            rc = add_math(book, out, tex, size, s->pos, e);
            free(tex);
            break;
        }
        case GB_SPAN_VALUE:
        case GB_SPAN_QUESTION: {
            gb_formatted fv;
            if ((rc = format_value(book, s, &fv, e))) break;
            char qbuf[256];
            const char *qt = question_tex(book, s->name, s->kind == GB_SPAN_QUESTION, &fv, qbuf,
                                          sizeof qbuf);
            if (qt) {
                rc = add_math(book, out, qt, size, s->pos, e);
            } else if (fv.has_exponent) {
                rc = add_math(book, out, fv.tex, size, s->pos, e);
            } else {
                const char *t = keep_str(out, fv.text);
                if (!t || add_text(out, f, size, t, -1)) rc = GB_EINTERNAL;
            }
            break;
        }
        case GB_SPAN_REF: {
            const gb_label *l = gb_book_label(book, s->name);
            if (!l && book->qmode == GB_Q_VALUE) {
                rc = gb_err_set(e, GB_EINPUT, s->pos.file, s->pos.line, s->pos.col,
                                "unknown label '%s' in {{ref:%s}}", s->name, s->name);
                break;
            }
            /* A worksheet or key holds only some chapters: a reference to a part that lives in
             * the report only (the report build checks every label exists) reads so. */
            const char *t = l ? l->text
                            : !strncmp(s->name, "sec:", 4) ? "the report"
                            : !strncmp(s->name, "fig:", 4) ? "a figure of the report"
                            : !strncmp(s->name, "tab:", 4) ? "a table of the report"
                                                           : "(in the report)";
            /* Such words are capitalised at the start of a sentence. */
            char cap[80];
            if (t[0] >= 'a' && t[0] <= 'z' && sentence_start(spans, i)) {
                snprintf(cap, sizeof cap, "%s", t);
                cap[0] = (char)(cap[0] - 'a' + 'A');
                t = cap;
            }
            const char *kept = keep_str(out, t);
            if (!kept || add_text(out, f, size, kept, l ? l->dest : -1)) rc = GB_EINTERNAL;
            break;
        }
        case GB_SPAN_BREAK: {
            gb_inline *it = push_item(out);
            if (!it) rc = GB_EINTERNAL;
            else it->kind = GB_INLINE_BREAK;
            break;
        }
        }
    }
    if (rc == GB_EINTERNAL && !e->code) gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (rc) gb_inline_buf_free(out);
    return rc;
}

char *gb_book_substitute_tex(const gb_book *book, const char *tex, gb_srcpos pos, gb_err *e)
{
    size_t cap = strlen(tex) + 64, o = 0;
    char *out = malloc(cap);
    if (!out) { gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); return NULL; }
    unsigned line = pos.line, col = pos.col;
    for (const char *p = tex; *p;) {
        if (p[0] == '{' && p[1] == '{') {
            const char *end = strstr(p + 2, "}}");
            if (!end) {
                free(out);
                gb_err_set(e, GB_EINPUT, pos.file, line, col, "unclosed {{ in a formula");
                return NULL;
            }
            char inner[160];
            size_t n = (size_t)(end - p - 2);
            if (n >= sizeof inner) n = sizeof inner - 1;
            memcpy(inner, p + 2, n);
            inner[n] = '\0';
            gb_span s = {0};
            s.kind = GB_SPAN_VALUE;
            s.pos = (gb_srcpos){pos.file, line, col};
            int is_q = inner[0] == '?';
            char *q = is_q ? inner + 1 : inner;
            char *colon = strchr(q, ':');
            s.name = q;
            s.fmt = (char *)"";
            if (colon) { *colon = '\0'; s.fmt = colon + 1; }
            gb_formatted fv;
            if (format_value(book, &s, &fv, e)) { free(out); return NULL; }
            char qbuf[256];
            const char *qt = question_tex(book, s.name, is_q, &fv, qbuf, sizeof qbuf);
            if (qt) snprintf(fv.tex, sizeof fv.tex, "%s", qt);
            size_t need = strlen(fv.tex) + 3;
            if (o + need + 1 > cap) {
                cap = (o + need + 1) * 2;
                char *nb = realloc(out, cap);
                if (!nb) { free(out); gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); return NULL; }
                out = nb;
            }
            o += (size_t)snprintf(out + o, cap - o, "{%s}", fv.tex);
            col += (unsigned)(end + 2 - p);
            p = end + 2;
            continue;
        }
        if (o + 2 > cap) {
            cap *= 2;
            char *nb = realloc(out, cap);
            if (!nb) { free(out); gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); return NULL; }
            out = nb;
        }
        if (*p == '\n') { line++; col = 1; } else col++;
        out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}
