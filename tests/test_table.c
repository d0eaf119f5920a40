/* test_table.c — booktabs tables with the fake metrics (5 pt a code point at 10 pt). */
#include "gb_test.h"

#include "typeset/table.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

static gb_inline txt(const char *s) { return gb_inline_text(GB_FACE_SERIF, 10, s); }

static gb_table_spec spec(size_t rows, size_t cols, const gb_cell *cells, const gb_align *al,
                          double maxw)
{
    gb_table_spec s = {0};
    s.rows = rows;
    s.cols = cols;
    s.head_rows = 1;
    s.cells = cells;
    s.align = al;
    s.max_width = maxw;
    s.col_sep = 10;
    s.leading = 12;
    s.row_sep = 2;
    s.rule_sep = 3;
    s.thick = 0.8;
    s.thin = 0.5;
    return s;
}

/* The text item of dl whose text is s (first match), or NULL. */
static const gb_item *find_text(const gb_dlist *dl, const char *s)
{
    for (size_t i = 0; i < gb_dlist_count(dl); i++) {
        const gb_item *it = gb_dlist_item(dl, i);
        if (it->kind == GB_ITEM_TEXT && it->len == strlen(s) && !memcmp(it->text, s, it->len))
            return it;
    }
    return NULL;
}

static void test_decimal_alignment(void)
{
    gb_metrics m = gb_metrics_fake();
    const char *nums[] = {"3.14", "-12.5", "1.2e-05", "\xe2\x88\x92" "0.0002151472258", "42",
                          "\xe2\x80\x94", "6e+07", "1000"};
    enum { N = 8 };
    gb_inline head[2] = {txt("value"), txt("name")};
    gb_inline items[N][2];
    gb_cell cells[(N + 1) * 2];
    cells[0] = (gb_cell){&head[0], 1};
    cells[1] = (gb_cell){&head[1], 1};
    for (int i = 0; i < N; i++) {
        items[i][0] = txt(nums[i]);
        items[i][1] = txt("x");
        cells[2 + 2 * i] = (gb_cell){&items[i][0], 1};
        cells[3 + 2 * i] = (gb_cell){&items[i][1], 1};
    }
    gb_align al[2] = {GB_ALIGN_DECIMAL, GB_ALIGN_LEFT};
    gb_table_spec s = spec(N + 1, 2, cells, al, 400);
    gb_table t;
    gb_err e = {0};
    GB_ASSERT_MSG(gb_table_layout(&m, &s, &t, &e) == 0, "%s", e.msg);
    /* where each number's decimal point sits: x + width of the text before the point; for a
     * number without one, before its exponent or at its end; a dash's centre */
    double point[N];
    for (int i = 0; i < N; i++) {
        const gb_item *it = find_text(t.dl, nums[i]);
        GB_ASSERT_MSG(it != NULL, "'%s' not drawn", nums[i]);
        if (!it) return;
        const char *dot = strchr(nums[i], '.');
        const char *ex = strpbrk(nums[i], "eE");
        size_t before = dot ? (size_t)(dot - nums[i]) : ex ? (size_t)(ex - nums[i])
                                                           : strlen(nums[i]);
        double wpre = m.advance(m.ctx, it->face, it->text, before, it->size);
        if (i == 5) wpre = m.advance(m.ctx, it->face, it->text, it->len, it->size) / 2;
        point[i] = it->x + wpre;
    }
    for (int i = 1; i < N; i++) GB_ASSERT_NEAR(point[i], point[0], 1e-9);
    /* the column is as wide as the widest integer part plus the widest fraction:
     * "1000" (4) + ".0002151472258" (14) = 18 code points = 90 pt; then 10 pt gap, "name"
     * 20 pt */
    GB_ASSERT_NEAR(t.width, 90 + 10 + 20, 1e-9);
    GB_ASSERT_MSG(t.fits, "does not fit");
    /* the head of a decimal column is centred over it */
    const gb_item *h = find_text(t.dl, "value");
    GB_ASSERT_NEAR(h->x, (90 - 25) / 2.0, 1e-9);
    /* booktabs: three rules, thick-thin-thick, no vertical ones */
    int thick = 0, thin = 0, vertical = 0;
    for (size_t i = 0; i < gb_dlist_count(t.dl); i++) {
        const gb_item *it = gb_dlist_item(t.dl, i);
        if (it->kind != GB_ITEM_PATH) continue;
        if (it->xy[0] == it->xy[2]) vertical++;
        if (it->stroke.width == 0.8) thick++;
        if (it->stroke.width == 0.5) thin++;
        GB_ASSERT_NEAR(it->xy[2] - it->xy[0], t.width, 1e-9);
    }
    GB_ASSERT_MSG(thick == 2 && thin == 1 && vertical == 0, "rules %d thick %d thin %d vertical",
                  thick, thin, vertical);
    gb_table_free(&t);
}

static void test_widths_and_rows(void)
{
    gb_metrics m = gb_metrics_fake();
    gb_inline it[6] = {txt("a"), txt("bbb"), txt("cc"), txt("d"), txt("e"), txt("ff")};
    gb_cell cells[6];
    for (int i = 0; i < 6; i++) cells[i] = (gb_cell){&it[i], 1};
    gb_align al[2] = {GB_ALIGN_RIGHT, GB_ALIGN_CENTER};
    gb_table_spec s = spec(3, 2, cells, al, 400);
    gb_table t;
    GB_ASSERT_MSG(gb_table_layout(&m, &s, &t, NULL) == 0, "layout");
    /* columns: max("a","cc","e") = 10, max("bbb","d","ff") = 15 */
    GB_ASSERT_NEAR(t.width, 10 + 10 + 15, 1e-12);
    /* right alignment: "a" ends at 10; centring: "d" centred in [20, 35] */
    GB_ASSERT_NEAR(find_text(t.dl, "a")->x + 5, 10, 1e-12);
    GB_ASSERT_NEAR(find_text(t.dl, "d")->x, 20 + (15 - 5) / 2.0, 1e-12);
    /* height, summed by hand: rule 0.8 + sep 3 + row (7.5 + 2.5) + sep 3 + rule 0.5 + sep 3 +
     * row 10 + row_sep 2 + row 10 + sep 3 + rule 0.8 */
    GB_ASSERT_NEAR(t.height, 0.8 + 3 + 10 + 3 + 0.5 + 3 + 10 + 2 + 10 + 3 + 0.8, 1e-9);
    /* the first baseline lies one ascent below the top rule's space */
    GB_ASSERT_NEAR(find_text(t.dl, "a")->y, -(0.8 + 3 + 7.5), 1e-12);
    gb_table_free(&t);
}

/* A table too wide for the space wraps its text column instead of overflowing, and keeps every
 * word; one that cannot fit even then says so. */
static void test_wrap_and_overflow(void)
{
    gb_metrics m = gb_metrics_fake();
    const char *longtext = "the derivative of the loss with respect to every weight";
    gb_inline it[4] = {txt("Symbol"), txt("Meaning"), txt("dC/dw"), txt(longtext)};
    gb_cell cells[4];
    for (int i = 0; i < 4; i++) cells[i] = (gb_cell){&it[i], 1};
    gb_align al[2] = {GB_ALIGN_LEFT, GB_ALIGN_LEFT};
    gb_table_spec s = spec(2, 2, cells, al, 150);
    gb_table t;
    GB_ASSERT_MSG(gb_table_layout(&m, &s, &t, NULL) == 0, "layout");
    GB_ASSERT_MSG(t.fits && t.width <= 150 + 1e-9, "width %g", t.width);
    /* every word of the long cell is drawn, in order */
    char all[256] = "";
    int lines = 0;
    double last_y = 1;
    for (size_t i = 0; i < gb_dlist_count(t.dl); i++) {
        const gb_item *x = gb_dlist_item(t.dl, i);
        if (x->kind != GB_ITEM_TEXT || x->x < 40) continue;   /* second column only */
        if (strcmp(x->text, "Meaning") == 0) continue;
        if (x->y != last_y) { lines++; last_y = x->y; }
        if (all[0]) strcat(all, " ");
        strncat(all, x->text, x->len);
    }
    GB_ASSERT_MSG(strcmp(all, longtext) == 0, "got '%s'", all);
    GB_ASSERT_MSG(lines >= 3, "%d lines", lines);
    gb_table_free(&t);

    /* numbers never wrap: a 16-digit number in a 40 pt table cannot fit */
    gb_inline n[2] = {txt("x"), txt("0.0002151472258")};
    gb_cell c2[2] = {{&n[0], 1}, {&n[1], 1}};
    gb_align a2[1] = {GB_ALIGN_DECIMAL};
    gb_table_spec s2 = spec(2, 1, c2, a2, 40);
    GB_ASSERT_MSG(gb_table_layout(&m, &s2, &t, NULL) == 0, "layout");
    GB_ASSERT_MSG(!t.fits && t.min_width > 40, "fits %d min %g", t.fits, t.min_width);
    GB_ASSERT_MSG(find_text(t.dl, "0.0002151472258") != NULL, "number truncated");
    gb_table_free(&t);
}

static void test_bad_spec(void)
{
    gb_metrics m = gb_metrics_fake();
    gb_align al[1] = {GB_ALIGN_LEFT};
    gb_table_spec s = spec(1, 0, NULL, al, 100);
    gb_table t;
    gb_err e = {0};
    GB_ASSERT_MSG(gb_table_layout(&m, &s, &t, &e) == GB_EINTERNAL && !t.dl, "0 columns");
    gb_inline x = txt("x");
    gb_cell c = {&x, 1};
    s = spec(1, 1, &c, al, 100);
    s.col_sep = -1;
    GB_ASSERT_MSG(gb_table_layout(&m, &s, &t, &e) == GB_EINTERNAL, "negative separation");
    s = spec(1, 1, &c, al, 100);
    s.head_rows = 2;
    GB_ASSERT_MSG(gb_table_layout(&m, &s, &t, &e) == GB_EINTERNAL, "head rows > rows");
}

GB_TEST_SUITE(table)
{
    CU_pSuite s = CU_add_suite("table", NULL, NULL);
    GB_ADD(s, test_decimal_alignment);
    GB_ADD(s, test_widths_and_rows);
    GB_ADD(s, test_wrap_and_overflow);
    GB_ADD(s, test_bad_spec);
}
