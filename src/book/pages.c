/* pages.c — the vertical list cut into pages: title page, contents with links, body pages with
 * running heads and page numbers, outline; the PDF saved whole. */
#include "book/book.h"

#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_GRAY ((gb_rgb){0.35, 0.35, 0.35})
#define HEAD_GRAY ((gb_rgb){0.25, 0.25, 0.25})

static int oom(gb_err *e) { return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); }

/* Where each item lands: page (0-based within the body) and baseline y. */
typedef struct placed { int page; double y; } placed;

/* Distance from the previous item's baseline to this one's. */
static double advance(const gb_book *b, const gb_vitem *prev, const gb_vitem *cur)
{
    if (prev->is_line && cur->is_line) {
        double natural = prev->depth + cur->height + 1.0;
        double lead = b->tpl->leading;
        return cur->space_before + (natural > lead ? natural : lead);
    }
    return prev->depth + cur->space_before + cur->height;
}

/* Pagination state: the current page, the baseline of the last item placed, and figures and
 * tables waiting for the next page. */
typedef struct pager {
    const gb_book *b;
    placed *pos;
    double top, bottom;
    int page;
    double y;
    const gb_vitem *prev;
    size_t *queue, nq;
} pager;

static void place(pager *g, size_t k)
{
    const gb_vitem *it = &g->b->items[k];
    g->y -= g->prev ? advance(g->b, g->prev, it) : it->height;
    g->pos[k].page = g->page;
    g->pos[k].y = g->y;
    g->prev = it;
}

/* Would item k fit below what is on the page? */
static int fits(const pager *g, size_t k)
{
    const gb_vitem *it = &g->b->items[k];
    double y = g->y - (g->prev ? advance(g->b, g->prev, it) : it->height);
    return y - it->depth >= g->bottom - 0.01;
}

/* Starts a page; figures and tables deferred from earlier pages go first, as many as fit. */
static void new_page(pager *g)
{
    g->page++;
    g->y = g->top;
    g->prev = NULL;
    size_t done = 0;
    while (done < g->nq && (!g->prev || fits(g, g->queue[done]))) place(g, g->queue[done++]);
    memmove(g->queue, g->queue + done, (g->nq - done) * sizeof *g->queue);
    g->nq -= done;
}

/* Assigns pages: first fit, never breaking inside a keep_with_next chain when the chain fits on
 * a fresh page. A figure or table that does not fit where it stands floats to the top of the
 * next page while the text goes on (as LaTeX's floats do), so pages are not left half empty.
 * Returns the number of body pages (0 when out of memory). */
static int paginate(const gb_book *b, placed *pos)
{
    const gb_template *t = b->tpl;
    pager g = {b, pos, t->page_h - t->m_top, t->m_bottom, 0, t->page_h - t->m_top, NULL, NULL, 0};
    g.queue = malloc((b->nitems ? b->nitems : 1) * sizeof *g.queue);
    if (!g.queue) return 0;
    size_t i = 0;
    while (i < b->nitems) {
        const gb_vitem *cur = &b->items[i];
        if (cur->is_float && !cur->keep_with_next && !cur->page_break_before) {
            /* Floats keep their order: behind a waiting one, or when there is no room, wait. */
            if (g.nq || (g.prev && !fits(&g, i))) g.queue[g.nq++] = i;
            else place(&g, i);
            i++;
            continue;
        }
        /* The chain i..j that must stay together. */
        size_t j = i;
        while (j + 1 < b->nitems && b->items[j].keep_with_next) j++;
        /* Height of the chain if placed here. */
        double yy = g.y;
        const gb_vitem *pp = g.prev;
        for (size_t k = i; k <= j; k++) {
            const gb_vitem *it = &b->items[k];
            yy -= pp ? advance(b, pp, it) : it->height;
            pp = it;
        }
        int chain_fits = yy - b->items[j].depth >= g.bottom - 0.01;
        int newpage = b->items[i].page_break_before && g.prev;
        if ((!chain_fits && g.prev) || newpage) {
            /* Does the chain fit on an empty page? If not, place it item by item. */
            double h = 0;
            for (size_t k = i; k <= j; k++)
                h += (k == i ? b->items[k].height : advance(b, &b->items[k - 1], &b->items[k]));
            if (h + b->items[j].depth <= g.top - g.bottom || newpage) {
                new_page(&g);
            } else {
                j = i;   /* too long to keep: break inside it */
                if (!fits(&g, i)) new_page(&g);
            }
        }
        for (size_t k = i; k <= j; k++) {
            if (g.prev && !fits(&g, k)) new_page(&g);
            place(&g, k);
        }
        i = j + 1;
    }
    while (g.nq) new_page(&g);
    free(g.queue);
    return b->nitems ? g.page + 1 : 0;
}

/* Expands {title} {section} {page} {student} {student_id} {variant} {hash} in a running-head
 * template (student fields are empty for a report). */
static void expand(const gb_book *b, const char *tpl, const char *section, const char *page,
                   char *out, size_t cap)
{
    const gb_book_student *st = b->student;
    struct { const char *key, *val; } keys[] = {
        {"{title}", b->tpl->title}, {"{section}", section}, {"{page}", page},
        {"{student}", st && st->name ? st->name : ""},
        {"{student_id}", st && st->id ? st->id : ""},
        {"{variant}", st && st->variant ? st->variant : ""},
        {"{hash}", st && st->hash ? st->hash : ""},
    };
    size_t o = 0;
    for (const char *p = tpl; *p && o + 1 < cap;) {
        const char *v = NULL;
        size_t skip = 0;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            size_t n = strlen(keys[k].key);
            if (!strncmp(p, keys[k].key, n)) { v = keys[k].val; skip = n; break; }
        }
        if (v) {
            int n = snprintf(out + o, cap - o, "%s", v);
            o += n > 0 ? (size_t)n : 0;
            if (o >= cap) o = cap - 1;
            p += skip;
        } else {
            out[o++] = *p++;
        }
    }
    out[o < cap ? o : cap - 1] = '\0';
}

/* Text s (a buffer of cap bytes) cut at a character boundary, with an ellipsis, to fit width. */
static void fit_text(const gb_metrics *m, gb_face face, double size, char *s, size_t cap,
                     double width)
{
    static const char ell[] = "\xE2\x80\xA6";
    size_t len = strlen(s);
    if (m->advance(m->ctx, face, s, len, size) <= width) return;
    double ew = m->advance(m->ctx, face, ell, 3, size);
    /* The longest prefix (whole characters) that fits with the ellipsis. Prefixes only grow
     * with their length, so a binary search over the character boundaries finds the one a
     * scan from the end would (a running head was measured ~14 times). */
    size_t at[512], nb = 0;   /* the boundaries below len, longest first (s < 512 bytes) */
    for (size_t k = len; k > 0 && nb < sizeof at / sizeof at[0];)
        at[nb++] = k = gb_utf8_prefix(s, len, k - 1);
    size_t lo = 0, hi = nb;   /* at[k] fits for k >= hi, not for k < lo */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->advance(m->ctx, face, s, at[mid], size) + ew <= width) hi = mid;
        else lo = mid + 1;
    }
    size_t n = lo < nb ? at[lo] : 0;
    if (n + 4 > cap) n = gb_utf8_prefix(s, len, cap - 4);
    memcpy(s + n, ell, 4);
}

static int draw_marks(gb_book *b, const char *parts[3], double y, gb_face face, double size,
                      gb_err *e)
{
    const gb_template *t = b->tpl;
    gb_metrics *m = (gb_metrics *)b->ctx->metrics;
    double w = t->page_w - t->m_left - t->m_right;
    gb_dlist *dl = gb_dlist_new();
    if (!dl) return oom(e);
    for (int k = 0; k < 3; k++) {
        if (!parts[k][0]) continue;
        char s[512];
        gb_utf8_copy(s, sizeof s, parts[k]);
        fit_text(m, face, size, s, sizeof s, k == 1 ? w / 3 : w * 0.48);
        double sw = m->advance(m->ctx, face, s, strlen(s), size);
        double x = k == 0 ? t->m_left : k == 1 ? t->m_left + (w - sw) / 2 : t->m_left + w - sw;
        gb_dl_text(dl, face, size, x, y, s, strlen(s), HEAD_GRAY);
    }
    int rc = gb_pdf_page_draw(b->pdf, dl, 0, 0, e);
    gb_dlist_free(dl);
    return rc;
}

/* Running head (with a thin rule) and footer of a body page. */
static int decorate(gb_book *b, int page_no, const char *section, gb_err *e)
{
    const gb_template *t = b->tpl;
    char num[16], head[3][512], foot[3][512];
    snprintf(num, sizeof num, "%d", page_no);
    const char *hp[3], *fp[3];
    int any_head = 0;
    for (int k = 0; k < 3; k++) {
        expand(b, t->head[k], section, num, head[k], sizeof head[k]);
        expand(b, t->foot[k], section, num, foot[k], sizeof foot[k]);
        hp[k] = head[k];
        fp[k] = foot[k];
        any_head |= head[k][0] != 0;
    }
    double hs = t->size * 0.85;
    double hy = t->page_h - t->m_top + 2.2 * t->leading;
    int rc = draw_marks(b, hp, hy, GB_FACE_SERIF_ITALIC, hs, e);
    if (!rc && any_head) {
        gb_dlist *dl = gb_dlist_new();
        if (!dl) return oom(e);
        gb_stroke st = {0.4, 0, 0, RULE_GRAY};
        gb_dl_line(dl, t->m_left, hy - 0.45 * t->leading, t->page_w - t->m_right,
                   hy - 0.45 * t->leading, &st);
        rc = gb_pdf_page_draw(b->pdf, dl, 0, 0, e);
        gb_dlist_free(dl);
    }
    if (!rc) rc = draw_marks(b, fp, t->m_bottom - 2.4 * t->leading, GB_FACE_SERIF, t->size * 0.9, e);
    return rc;
}

static int text_line(gb_dlist *dl, gb_face face, double size, double x, double y, const char *s)
{
    return gb_dl_text(dl, face, size, x, y, s, strlen(s), GB_BLACK);
}

static int title_page(gb_book *b, gb_err *e)
{
    const gb_template *t = b->tpl;
    const gb_metrics *m = b->ctx->metrics;
    if (gb_pdf_page_add(b->pdf, t->page_w, t->page_h, e) < 0) return e->code;
    gb_dlist *dl = gb_dlist_new();
    if (!dl) return oom(e);
    double w = t->page_w - t->m_left - t->m_right, y = t->page_h * 0.68;
    const gb_book_student *stu = b->student;
    char who[600] = "", variant[200] = "";
    if (stu && stu->name) snprintf(who, sizeof who, "%s \xC2\xB7 %s", stu->name, stu->id ? stu->id : "");
    gb_utf8_trim_end(who);
    if (stu && stu->variant)
        snprintf(variant, sizeof variant, "Variant %s \xC2\xB7 %s", stu->variant, stu->hash ? stu->hash : "");
    struct { const char *s; gb_face f; double size, gap; } lines[] = {
        {t->title, GB_FACE_SERIF_BOLD, t->size * 2.1, 0},
        {t->subtitle, GB_FACE_SERIF_ITALIC, t->size * 1.25, 2.2},
        {t->course, GB_FACE_SERIF, t->size * 1.15, 4.5},
        {who, GB_FACE_SERIF_BOLD, t->size * 1.3, 3.0},
        {variant, GB_FACE_MONO, t->size * 0.9, 1.2},
        {t->author, GB_FACE_SERIF, t->size, 2.2},
        {t->date, GB_FACE_SERIF, t->size, 1.8},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if (!lines[i].s || !lines[i].s[0]) continue;
        /* Long titles wrap, centred. */
        gb_inline in = gb_inline_text(lines[i].f, lines[i].size, lines[i].s);
        gb_para_style st = {w, 0, 0, 0};
        gb_lines ls = {0};
        int rc = gb_linebreak(m, &in, 1, &st, &ls, e);
        if (rc) { gb_dlist_free(dl); return rc; }
        y -= lines[i].gap * t->leading;
        for (size_t k = 0; k < ls.n; k++) {
            y -= lines[i].size * 1.25;
            gb_dl_append(dl, ls.line[k].dl, t->m_left + (w - ls.line[k].width) / 2, y);
        }
        gb_lines_free(&ls);
        if (i == 0) {
            gb_stroke st2 = {0.8, 0, 0, GB_BLACK};
            gb_dl_line(dl, t->m_left + w * 0.3, y - 0.9 * t->leading, t->m_left + w * 0.7,
                       y - 0.9 * t->leading, &st2);
        }
    }
    int rc = gb_pdf_page_draw(b->pdf, dl, 0, 0, e);
    gb_dlist_free(dl);
    return rc;
}

/* Lays out the contents into pages of dlists; with known page numbers when pos is given. */
typedef struct toc_page { gb_dlist *dl; } toc_page;

static int contents(gb_book *b, const placed *pos, int first_body_page_no, toc_page *pages,
                    int max_pages, int *npages, gb_err *e)
{
    const gb_template *t = b->tpl;
    const gb_metrics *m = b->ctx->metrics;
    double w = t->page_w - t->m_left - t->m_right;
    double top = t->page_h - t->m_top, bottom = t->m_bottom;
    int np = 0;
    pages[0].dl = gb_dlist_new();
    if (!pages[0].dl) return oom(e);
    np = 1;
    double y = top - t->size * 1.5;
    text_line(pages[0].dl, GB_FACE_SERIF_BOLD, t->size * 1.5, t->m_left, y, t->contents_title);
    y -= 1.6 * t->leading;
    for (size_t i = 0; i < b->nitems; i++) {
        const gb_vitem *it = &b->items[i];
        if (!it->outline_level || it->outline_level > 2) continue;
        int top_level = it->outline_level == 1;
        double step = top_level ? 1.55 * t->leading : 1.15 * t->leading;
        if (y - step < bottom) {
            if (np == max_pages) break;
            pages[np].dl = gb_dlist_new();
            if (!pages[np].dl) return oom(e);
            np++;
            y = top;
        }
        y -= step;
        gb_dlist *dl = pages[np - 1].dl;
        gb_face face = top_level ? GB_FACE_SERIF_BOLD : GB_FACE_SERIF;
        double indent = top_level ? 0 : 1.6 * t->size;
        double numw = top_level ? 1.6 * t->size : 2.4 * t->size;
        char pg[16];
        snprintf(pg, sizeof pg, "%d", pos ? pos[i].page + first_body_page_no : 0);
        double pgw = m->advance(m->ctx, face, pg, strlen(pg), t->size);
        /* Long titles wrap under themselves; the page number sits on the last line. */
        const char *title = it->toc_title ? it->toc_title : "";
        double tx = t->m_left + indent + numw, maxw = w - indent - numw - 3 * t->size;
        gb_inline in = gb_inline_text(face, t->size, title);
        gb_para_style ps = {maxw, 0, 0, 0};
        gb_lines tl = {0};
        int lrc = gb_linebreak(m, &in, 1, &ps, &tl, e);
        if (lrc) return lrc;
        double y_first = y;
        text_line(dl, face, t->size, t->m_left + indent, y, it->toc_number ? it->toc_number : "");
        for (size_t k = 0; k < tl.n; k++) {
            if (k) {
                y -= 1.15 * t->leading;
                if (y < bottom) {   /* a title never straddles two contents pages */
                    y = bottom;
                }
            }
            gb_dl_append(dl, tl.line[k].dl, tx, y);
        }
        double tw = tl.n ? tl.line[tl.n - 1].width : 0;
        gb_lines_free(&tl);
        /* Dot leaders between title and page number, on a fixed grid so they line up. */
        if (!top_level) {
            double dot = m->advance(m->ctx, GB_FACE_SERIF, " .", 2, t->size);
            double x0 = tx + tw + 0.5 * t->size, x1 = t->m_left + w - pgw - 0.6 * t->size;
            for (double x = t->m_left + dot * (double)(long)((x0 - t->m_left) / dot + 1); x + dot <= x1;
                 x += dot)
                gb_dl_text(dl, GB_FACE_SERIF, t->size, x, y, " .", 2, (gb_rgb){0.4, 0.4, 0.4});
        }
        text_line(dl, face, t->size, t->m_left + w - pgw, y, pg);
        if (it->dest >= 0)
            gb_dl_link(dl, t->m_left, y - 0.3 * t->size, w, y_first - y + t->size * 1.2, it->dest);
    }
    *npages = np;
    return 0;
}

int gb_book_emit(gb_book *b, gb_err *e)
{
    const gb_template *t = b->tpl;
    placed *pos = calloc(b->nitems ? b->nitems : 1, sizeof *pos);
    if (!pos) return oom(e);
    int rc = 0;
    int body_pages = paginate(b, pos);
    if (b->nitems && !body_pages) { free(pos); return oom(e); }
    /* Front matter: the title page, then the contents. */
    toc_page toc[8] = {{0}};
    int ntoc = 0;
    if (!rc && t->title_page) rc = title_page(b, e);
    if (!rc && t->contents) rc = contents(b, pos, 1, toc, 8, &ntoc, e);
    for (int i = 0; !rc && i < ntoc; i++) {
        if (gb_pdf_page_add(b->pdf, t->page_w, t->page_h, e) < 0) { rc = e->code; break; }
        rc = gb_pdf_page_draw(b->pdf, toc[i].dl, 0, 0, e);
    }
    for (int i = 0; i < ntoc; i++) gb_dlist_free(toc[i].dl);
    int front = gb_pdf_page_count(b->pdf);                       /* first body page */
    int first_page = front - ntoc - (t->title_page ? 1 : 0);     /* this document's first */
    /* Body pages: each page draws the items placed on it, in order (a deferred figure may be
     * drawn on a later page than the text after it). */
    const char *section = "";
    /* a page's lists and where they go, for gb_pdf_page_body */
    gb_placed *parts = malloc((b->nitems ? b->nitems : 1) * sizeof *parts);
    if (!rc && !parts) rc = oom(e);
    for (int p = 0; !rc && p < body_pages; p++) {
        if (gb_pdf_page_add(b->pdf, t->page_w, t->page_h, e) < 0) { rc = e->code; break; }
        /* The running head names the section current at the page's top, or the first one that
         * starts on the page. */
        const char *mark = section;
        for (size_t k = 0; k < b->nitems; k++)
            if (pos[k].page == p && b->items[k].mark) { mark = b->items[k].mark; break; }
        size_t n = 0;
        for (size_t k = 0; k < b->nitems; k++)
            if (pos[k].page == p) parts[n++] = (gb_placed){b->items[k].dl, t->m_left, pos[k].y};
        /* the body is the class's; the head and footer drawn after it name the student */
        rc = gb_pdf_page_body(b->pdf, parts, n, e);
        for (size_t k = 0; !rc && k < b->nitems; k++) {
            if (pos[k].page != p) continue;
            gb_vitem *it = &b->items[k];
            if (it->dest >= 0)
                rc = gb_pdf_dest_place(b->pdf, it->dest, front + p, t->m_left,
                                       pos[k].y + it->height + 0.6 * t->leading, e);
            if (!rc && it->outline_level)
                rc = gb_pdf_outline_add(b->pdf, it->outline_level, it->outline_title, it->dest, e);
            if (it->mark) section = it->mark;
        }
        if (!rc) rc = decorate(b, p + 1, mark, e);
    }
    free(parts);
    free(pos);
    /* Front matter numbered i, ii, ...; the body from 1 (labels need their pages to exist). */
    if (!rc && first_page < front)
        rc = gb_pdf_page_label(b->pdf, first_page, GB_LABEL_ROMAN_LOWER, 1, "", e);
    if (!rc && body_pages) rc = gb_pdf_page_label(b->pdf, front, GB_LABEL_DECIMAL, 1, "", e);
    return rc;
}
