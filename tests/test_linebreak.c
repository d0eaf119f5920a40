/* test_linebreak.c — line breaking with the fake monospace metrics (0.5 em per code point, so
 * at 10 pt every code point is 5 pt wide and a line of width W holds W / 5 code points). */
#include "gb_test.h"

#include "typeset/linebreak.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gb_inline txt(const char *s) { return gb_inline_text(GB_FACE_SERIF, 10, s); }

/* The text a line draws: its TEXT items concatenated in order, a space between items. */
static void line_text(const gb_line *ln, char *out, size_t cap, int spaces)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < gb_dlist_count(ln->dl); i++) {
        const gb_item *it = gb_dlist_item(ln->dl, i);
        if (it->kind != GB_ITEM_TEXT) continue;
        if (spaces && k && k + 1 < cap) out[k++] = ' ';
        size_t l = it->len < cap - k - 1 ? it->len : cap - k - 1;
        memcpy(out + k, it->text, l);
        k += l;
        out[k] = '\0';
    }
}

/* Right end of the last text item of a line, from the metrics (x + advance). */
static double text_right(const gb_metrics *m, const gb_line *ln)
{
    double r = 0;
    for (size_t i = 0; i < gb_dlist_count(ln->dl); i++) {
        const gb_item *it = gb_dlist_item(ln->dl, i);
        if (it->kind == GB_ITEM_TEXT)
            r = it->x + m->advance(m->ctx, it->face, it->text, it->len, it->size);
    }
    return r;
}

/* Reference first fit over words counted in code points (a second, independent algorithm):
 * writes the words of each line joined by spaces, lines separated by '|'. */
static void reference(const char *text, size_t per_line, char *out)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", text);
    size_t used = 0;
    out[0] = '\0';
    for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
        size_t n = gb_utf8_count(w, strlen(w));
        if (used && used + 1 + n <= per_line) {
            strcat(out, " ");
            used += 1;
        } else if (used) {
            strcat(out, "|");
            used = 0;
        }
        strcat(out, w);
        used += n;
    }
}

static void joined(const gb_lines *L, char *out, size_t cap)
{
    char t[512];
    out[0] = '\0';
    for (size_t i = 0; i < L->n; i++) {
        line_text(&L->line[i], t, sizeof t, 1);
        if (i) strncat(out, "|", cap - strlen(out) - 1);
        strncat(out, t, cap - strlen(out) - 1);
    }
}

static void test_break_positions(void)
{
    gb_metrics m = gb_metrics_fake();
    const char *texts[] = {
        "aaa bb cccc dd e",
        "the quick brown fox jumps over the lazy dog and keeps running far away",
        "a b c d e f g h i j k l m n o p",
    };
    size_t widths[] = {8, 12, 7};
    for (size_t t = 0; t < 3; t++) {
        gb_inline it = txt(texts[t]);
        gb_para_style st = {(double)widths[t] * 5, 0, 0, 0};
        gb_lines L;
        gb_err e = {0};
        int rc = gb_linebreak(&m, &it, 1, &st, &L, &e);
        GB_ASSERT_MSG(rc == 0, "%s", e.msg);
        char got[1024], want[1024];
        joined(&L, got, sizeof got);
        reference(texts[t], widths[t], want);
        GB_ASSERT_MSG(strcmp(got, want) == 0, "got '%s' want '%s'", got, want);
        gb_lines_free(&L);
    }
    /* the first case by hand too: 6, 7 and 1 code points per line */
    gb_inline it = txt("aaa bb cccc dd e");
    gb_para_style st = {40, 0, 0, 0};
    gb_lines L;
    gb_linebreak(&m, &it, 1, &st, &L, NULL);
    GB_ASSERT_MSG(L.n == 3, "%zu lines", L.n);
    if (L.n == 3) {
        GB_ASSERT_NEAR(L.line[0].natural, 30, 1e-12);
        GB_ASSERT_NEAR(L.line[1].natural, 35, 1e-12);
        GB_ASSERT_NEAR(L.line[2].natural, 5, 1e-12);
        GB_ASSERT_NEAR(L.line[0].height, 7.5, 1e-12);
        GB_ASSERT_NEAR(L.line[0].depth, 2.5, 1e-12);
    }
    gb_lines_free(&L);
}

static void test_justify(void)
{
    gb_metrics m = gb_metrics_fake();
    const char *s = "the quick brown fox jumps over the lazy dog and keeps running far away";
    gb_inline it = txt(s);
    gb_para_style st = {60, 0, 0, 1};
    gb_lines L;
    gb_err e = {0};
    GB_ASSERT_MSG(gb_linebreak(&m, &it, 1, &st, &L, &e) == 0, "%s", e.msg);
    GB_ASSERT_MSG(L.n >= 3, "%zu lines", L.n);
    for (size_t i = 0; i + 1 < L.n; i++) {
        /* every line but the last ends exactly at the measure */
        GB_ASSERT_NEAR(text_right(&m, &L.line[i]), 60, 1e-9);
        GB_ASSERT_NEAR(L.line[i].width, 60, 1e-9);
    }
    const gb_line *last = &L.line[L.n - 1];
    GB_ASSERT_NEAR(last->width, last->natural, 1e-12);
    GB_ASSERT_NEAR(text_right(&m, last), last->natural, 1e-9);
    /* spaces on a justified line are equal: gaps between consecutive text items */
    const gb_line *l0 = &L.line[0];
    double gap0 = -1;
    for (size_t i = 1; i < gb_dlist_count(l0->dl); i++) {
        const gb_item *a = gb_dlist_item(l0->dl, i - 1), *b = gb_dlist_item(l0->dl, i);
        double gap = b->x - (a->x + m.advance(m.ctx, a->face, a->text, a->len, a->size));
        if (gap0 < 0) gap0 = gap;
        GB_ASSERT_NEAR(gap, gap0, 1e-9);
    }
    gb_lines_free(&L);

    /* A line whose one space would have to grow absurdly stays ragged: "aa bb" then a word of
     * 18 code points that needs a line of its own (width 100 = 20 code points). */
    gb_inline it2 = txt("aa bb cccccccccccccccccc");
    gb_para_style st2 = {100, 0, 0, 1};
    gb_linebreak(&m, &it2, 1, &st2, &L, NULL);
    GB_ASSERT_MSG(L.n == 2, "%zu lines", L.n);
    if (L.n == 2) GB_ASSERT_NEAR(L.line[0].width, 25, 1e-12);
    gb_lines_free(&L);
}

/* Concatenation of all line texts without spaces equals the input without spaces. */
static void check_nothing_lost(const gb_lines *L, const char *input)
{
    char got[1024] = "", want[1024], t[512];
    for (size_t i = 0; i < L->n; i++) {
        line_text(&L->line[i], t, sizeof t, 0);
        strncat(got, t, sizeof got - strlen(got) - 1);
    }
    size_t k = 0;
    for (const char *p = input; *p; p++)
        if (*p != ' ') want[k++] = *p;
    want[k] = '\0';
    GB_ASSERT_MSG(strcmp(got, want) == 0, "got '%s' want '%s'", got, want);
}

static void test_long_word(void)
{
    gb_metrics m = gb_metrics_fake();
    /* cases/19: s6001 in a 50 pt box is 10 code points per line at 10 pt */
    const char *name = "Donaudampfschifffahrtsgesellschaftskapitaen";   /* 43 code points */
    gb_inline it = txt(name);
    gb_para_style st = {50, 0, 0, 1};
    gb_lines L;
    gb_err e = {0};
    GB_ASSERT_MSG(gb_linebreak(&m, &it, 1, &st, &L, &e) == 0, "%s", e.msg);
    GB_ASSERT_MSG(L.n == 5, "%zu lines (43 code points, 10 a line)", L.n);
    for (size_t i = 0; i < L.n; i++) {
        GB_ASSERT_MSG(L.line[i].natural <= 50 + 1e-9, "line %zu is %g wide", i,
                      L.line[i].natural);
        GB_ASSERT_MSG(!L.line[i].overfull, "line %zu overfull", i);
    }
    check_nothing_lost(&L, name);
    gb_lines_free(&L);

    /* s6002: the short word stays whole, the long one is split */
    const char *n2 = "Ana Lovelace-Donaudampfschifffahrt";
    it = txt(n2);
    gb_linebreak(&m, &it, 1, &st, &L, NULL);
    char t[128];
    line_text(&L.line[0], t, sizeof t, 1);
    GB_ASSERT_MSG(strcmp(t, "Ana") == 0, "first line '%s'", t);
    check_nothing_lost(&L, n2);
    gb_lines_free(&L);

    /* multibyte: Greek letters split between code points, never inside one */
    const char *greek = "\xce\xb1\xce\xb2\xce\xb3\xce\xb4\xce\xb5\xce\xb6\xce\xb7";  /* 7 */
    it = txt(greek);
    gb_para_style st3 = {15, 0, 0, 0};   /* 3 code points a line */
    gb_linebreak(&m, &it, 1, &st3, &L, NULL);
    GB_ASSERT_MSG(L.n == 3, "%zu lines", L.n);
    for (size_t i = 0; i < L.n; i++) {
        line_text(&L.line[i], t, sizeof t, 0);
        GB_ASSERT_MSG(gb_utf8_valid(t, strlen(t), NULL), "line %zu cut inside a character", i);
    }
    check_nothing_lost(&L, greek);
    gb_lines_free(&L);

    /* a line too narrow for even one code point still makes progress */
    it = txt("abc");
    gb_para_style st4 = {2, 0, 0, 0};
    gb_linebreak(&m, &it, 1, &st4, &L, NULL);
    GB_ASSERT_MSG(L.n == 3, "%zu lines", L.n);
    check_nothing_lost(&L, "abc");
    gb_lines_free(&L);
}

static void test_cjk(void)
{
    gb_metrics m = gb_metrics_fake();
    /* s6003: 王小明 four times, no spaces; 20 pt lines hold 4 ideographs */
    const char *s = "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e"
                    "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e";
    gb_inline it = txt(s);
    gb_para_style st = {20, 0, 0, 1};
    gb_lines L;
    gb_err e = {0};
    GB_ASSERT_MSG(gb_linebreak(&m, &it, 1, &st, &L, &e) == 0, "%s", e.msg);
    GB_ASSERT_MSG(L.n == 3, "%zu lines", L.n);
    for (size_t i = 0; i < L.n; i++) GB_ASSERT_NEAR(L.line[i].natural, 20, 1e-12);
    check_nothing_lost(&L, s);
    gb_lines_free(&L);

    /* a Latin word followed by ideographs: the break comes between ideographs, and the
     * ideographs of a justified line are spaced to fill the measure */
    const char *mixed = "Name: \xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xe7\x8e\x8b\xe5\xb0\x8f";
    it = txt(mixed);
    gb_para_style st2 = {42, 0, 0, 1};   /* 8.4 code points: "Name: 王小" is 8 */
    gb_linebreak(&m, &it, 1, &st2, &L, NULL);
    GB_ASSERT_MSG(L.n == 2, "%zu lines", L.n);
    char t[128];
    line_text(&L.line[0], t, sizeof t, 0);
    GB_ASSERT_MSG(strcmp(t, "Name:\xe7\x8e\x8b\xe5\xb0\x8f") == 0, "line 1 '%s'", t);
    GB_ASSERT_NEAR(L.line[0].width, 42, 1e-9);
    check_nothing_lost(&L, mixed);
    gb_lines_free(&L);
    GB_ASSERT_MSG(gb_linebreak_is_cjk(0x4E2D) && !gb_linebreak_is_cjk('A') &&
                  !gb_linebreak_is_cjk(0x3001), "is_cjk");
}

static void test_nbsp(void)
{
    gb_metrics m = gb_metrics_fake();
    const char *s = "xx yy\xc2\xa0zz";   /* "yy zz" must stay together */
    gb_inline it = txt(s);
    gb_para_style st = {30, 0, 0, 0};    /* 6 code points */
    gb_lines L;
    gb_linebreak(&m, &it, 1, &st, &L, NULL);
    GB_ASSERT_MSG(L.n == 2, "%zu lines", L.n);
    char t[64];
    if (L.n == 2) {
        line_text(&L.line[0], t, sizeof t, 1);
        GB_ASSERT_MSG(strcmp(t, "xx") == 0, "line 1 '%s'", t);
        line_text(&L.line[1], t, sizeof t, 1);
        GB_ASSERT_MSG(strcmp(t, "yy\xc2\xa0zz") == 0, "line 2 '%s'", t);
        GB_ASSERT_NEAR(L.line[1].natural, 25, 1e-12);
    }
    gb_lines_free(&L);
}

static void test_items_boxes_breaks_indents(void)
{
    gb_metrics m = gb_metrics_fake();
    gb_dlist *formula = gb_dlist_new();
    gb_stroke st0 = {1, 0, 0, GB_BLACK};
    gb_dl_line(formula, 0, 0, 30, 0, &st0);
    gb_inline items[6];
    items[0] = txt("foo");
    items[1] = txt("bar baz ");
    items[1].face = GB_FACE_SERIF_BOLD;
    items[2] = (gb_inline){0};
    items[2].kind = GB_INLINE_BOX;
    items[2].box = formula;
    items[2].width = 30;
    items[2].height = 12;
    items[2].depth = 4;
    items[3] = txt(" end");
    items[3].link = 7;
    items[4] = (gb_inline){0};
    items[4].kind = GB_INLINE_BREAK;
    items[5] = txt("aft");
    gb_para_style st = {40, 10, 20, 1};
    gb_lines L;
    gb_err e = {0};
    GB_ASSERT_MSG(gb_linebreak(&m, items, 6, &st, &L, &e) == 0, "%s", e.msg);
    /* line 1 (indent 10, room 30 = 6 code points): "foobar" is one word across two runs;
     * line 2 (indent 20, room 20): "baz"; the 30 pt box does not fit with it: line 3 alone
     * (overfull: 30 > 20); line 4: "end" then the forced break; line 5: "aft" */
    GB_ASSERT_MSG(L.n == 5, "%zu lines", L.n);
    if (L.n != 5) { gb_lines_free(&L); gb_dlist_free(formula); return; }
    char t[64];
    line_text(&L.line[0], t, sizeof t, 0);
    GB_ASSERT_MSG(strcmp(t, "foobar") == 0, "line 1 '%s'", t);
    GB_ASSERT_NEAR(gb_dlist_item(L.line[0].dl, 0)->x, 10, 1e-12);
    GB_ASSERT_NEAR(gb_dlist_item(L.line[1].dl, 0)->x, 20, 1e-12);
    GB_ASSERT_MSG(L.line[2].overfull && gb_dlist_count(L.line[2].dl) == 1, "box line");
    GB_ASSERT_NEAR(L.line[2].height, 12, 1e-12);
    GB_ASSERT_NEAR(L.line[2].depth, 4, 1e-12);
    GB_ASSERT_NEAR(gb_dlist_item(L.line[2].dl, 0)->xy[0], 20, 1e-12);
    /* "end" links to destination 7 over its own extent; not stretched (forced break) */
    const gb_line *l4 = &L.line[3];
    int link = 0;
    for (size_t i = 0; i < gb_dlist_count(l4->dl); i++) {
        const gb_item *it = gb_dlist_item(l4->dl, i);
        if (it->kind == GB_ITEM_LINK) {
            link = it->dest == 7;
            GB_ASSERT_NEAR(it->w, 15, 1e-12);
            GB_ASSERT_NEAR(it->h, 10, 1e-12);
        }
    }
    GB_ASSERT_MSG(link, "no link to 7 on line 4");
    GB_ASSERT_NEAR(l4->width, 20 + 15, 1e-12);
    line_text(&L.line[4], t, sizeof t, 0);
    GB_ASSERT_MSG(strcmp(t, "aft") == 0, "line 5 '%s'", t);
    gb_lines_free(&L);
    gb_dlist_free(formula);
}

static void test_bad_input(void)
{
    gb_metrics m = gb_metrics_fake();
    gb_inline it = txt("abc");
    gb_para_style st = {0, 0, 0, 0};
    gb_lines L = {0};
    gb_err e = {0};
    GB_ASSERT_MSG(gb_linebreak(&m, &it, 1, &st, &L, &e) == GB_EINTERNAL && L.n == 0, "width 0");
    st.width = 100;
    it.size = -1;
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_linebreak(&m, &it, 1, &st, &L, &e) == GB_EINTERNAL, "size -1");
    /* empty paragraph and spaces only: no lines */
    GB_ASSERT_MSG(gb_linebreak(&m, NULL, 0, &st, &L, NULL) == 0 && L.n == 0, "empty");
    it = txt("   ");
    GB_ASSERT_MSG(gb_linebreak(&m, &it, 1, &st, &L, NULL) == 0 && L.n == 0, "spaces");
    gb_lines_free(&L);
}

GB_TEST_SUITE(linebreak)
{
    CU_pSuite s = CU_add_suite("linebreak", NULL, NULL);
    GB_ADD(s, test_break_positions);
    GB_ADD(s, test_justify);
    GB_ADD(s, test_long_word);
    GB_ADD(s, test_cjk);
    GB_ADD(s, test_nbsp);
    GB_ADD(s, test_items_boxes_breaks_indents);
    GB_ADD(s, test_bad_input);
}
