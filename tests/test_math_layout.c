/* test_math_layout.c — the math parser and layout against the fake metrics (every glyph 0.5 em
 * wide, ink [0, 0.7 em], so x-height = 0.7 em); expected sizes are worked out by hand from
 * TeX's rules with the constants of math_layout.h, errors by their columns, and a fuzz run. */
#include "gb_test.h"

#include "typeset/math_layout.h"
#include "typeset/math_parse.h"
#include "typeset/math_symbols.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SZ 10.0
#define EPS 1e-9
#define MU (SZ / 18.0)
#define XH (0.7 * SZ)   /* fake x-height: the ink top of 'x' */

static gb_metrics M;

static int render(const char *tex, gb_math_style st, gb_math_box *b)
{
    gb_err e = {0};
    gb_math_src w = {"t.md", 1, 1};
    int rc = gb_math_render(tex, strlen(tex), st, SZ, &M, &w, b, &e);
    GB_ASSERT_MSG(rc == 0, "'%s' failed: %s", tex, e.msg);
    return rc;
}

/* The n-th (0-based) text item whose text is s, or NULL. */
static const gb_item *find_text(const gb_math_box *b, const char *s, int nth)
{
    for (size_t i = 0; i < gb_dlist_count(b->dl); i++) {
        const gb_item *it = gb_dlist_item(b->dl, i);
        if (it->kind == GB_ITEM_TEXT && strcmp(it->text, s) == 0 && nth-- == 0) return it;
    }
    return NULL;
}

static size_t count_kind(const gb_math_box *b, gb_item_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < gb_dlist_count(b->dl); i++)
        if (gb_dlist_item(b->dl, i)->kind == k) n++;
    return n;
}

static void test_single_letter(void)
{
    gb_math_box b;
    if (render("x", GB_MATH_TEXT, &b)) return;
    GB_ASSERT_NEAR(b.width, 0.5 * SZ, EPS);
    GB_ASSERT_NEAR(b.height, 0.7 * SZ, EPS);
    GB_ASSERT_NEAR(b.depth, 0, EPS);
    const gb_item *it = find_text(&b, "x", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it);
    CU_ASSERT_EQUAL(it->face, GB_FACE_SERIF_ITALIC);
    GB_ASSERT_NEAR(it->size, SZ, EPS);
    GB_ASSERT_NEAR(b.axis, GB_MATH_AXIS * SZ, EPS);
    CU_ASSERT_EQUAL(b.nlines, 1);
    gb_math_box_free(&b);
}

static void test_faces(void)
{
    gb_math_box b;
    if (render("\\mathbf{w}^T 2 - \\max \\sum \\text{if} \\alpha \\Delta", GB_MATH_TEXT, &b))
        return;
    struct { const char *s; gb_face f; } want[] = {
        {"w", GB_FACE_SERIF_BOLD}, {"T", GB_FACE_SERIF_ITALIC}, {"2", GB_FACE_SERIF},
        {"\xE2\x88\x92", GB_FACE_MATH}, {"max", GB_FACE_SERIF}, {"\xE2\x88\x91", GB_FACE_MATH},
        {"if", GB_FACE_SERIF}, {"\xCE\xB1", GB_FACE_SERIF_ITALIC}, {"\xCE\x94", GB_FACE_SERIF},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const gb_item *it = find_text(&b, want[i].s, 0);
        GB_ASSERT_MSG(it != NULL, "no item '%s'", want[i].s);
        if (it) GB_ASSERT_MSG(it->face == want[i].f, "'%s' in face %d, want %d", want[i].s,
                              (int)it->face, (int)want[i].f);
    }
    gb_math_box_free(&b);
}

static void test_subscript(void)
{
    gb_math_box b;
    if (render("x_0", GB_MATH_TEXT, &b)) return;
    /* Rule 18b: v = max(sigma16 = 1.5, h_sub - 4/5 xh = 4.9 - 5.6) = 1.5. */
    const gb_item *z = find_text(&b, "0", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(z);
    GB_ASSERT_NEAR(z->size, GB_MATH_SCRIPT_SCALE * SZ, EPS);
    GB_ASSERT_NEAR(z->x, 0.5 * SZ, EPS);
    GB_ASSERT_NEAR(z->y, -GB_MATH_SUB1 * SZ, EPS);
    GB_ASSERT_NEAR(b.width, 5 + 3.5 + GB_MATH_SCRIPTSPACE * SZ, EPS);
    GB_ASSERT_NEAR(b.depth, GB_MATH_SUB1 * SZ, EPS);
    gb_math_box_free(&b);
}

static void test_superscript_styles(void)
{
    gb_math_box b;
    if (render("x^2", GB_MATH_TEXT, &b)) return;
    const gb_item *two = find_text(&b, "2", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(two);
    GB_ASSERT_NEAR(two->y, GB_MATH_SUP2 * SZ, EPS);          /* max(sigma14, 0 + xh/4) */
    GB_ASSERT_NEAR(b.height, GB_MATH_SUP2 * SZ + 0.7 * 7, EPS);
    gb_math_box_free(&b);
    if (render("x^2", GB_MATH_DISPLAY, &b)) return;
    two = find_text(&b, "2", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(two);
    GB_ASSERT_NEAR(two->y, GB_MATH_SUP1 * SZ, EPS);
    gb_math_box_free(&b);
    /* In a denominator (cramped) the superscript rises by sigma15 only, at script size. */
    if (render("\\frac{1}{x^2}", GB_MATH_TEXT, &b)) return;
    two = find_text(&b, "2", 0);
    const gb_item *x = find_text(&b, "x", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(two);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    GB_ASSERT_NEAR(two->size, GB_MATH_SSCRIPT_SCALE * SZ, EPS);
    /* sigma15 at script size 7 vs d_sup + xh(7)/4 = 1.225: 0.289 * 7 = 2.023 wins. */
    GB_ASSERT_NEAR(two->y - x->y, GB_MATH_SUP3 * 7, EPS);
    gb_math_box_free(&b);
}

static void test_layer_index(void)
{
    gb_math_box b;
    if (render("x_0^{[1]}", GB_MATH_TEXT, &b)) return;
    /* Rule 18e by hand: u = 3.63, v = 2.47; (u - 0) - (4.9 - v) = 1.2 < 4 theta = 2 gives
     * v = 3.27; psi = 4/5 * 7 - 3.63 = 1.97 > 0 gives u = 5.6, v = 1.3. */
    double theta = GB_MATH_RULE * SZ, u = GB_MATH_SUP2 * SZ, v = GB_MATH_SUB2 * SZ;
    if (u - (4.9 - v) < 4 * theta) {
        v = 4 * theta - u + 4.9;
        double psi = 0.8 * XH - u;
        if (psi > 0) { u += psi; v -= psi; }
    }
    GB_ASSERT_NEAR(u, 5.6, 1e-12);
    GB_ASSERT_NEAR(v, 1.3, 1e-12);
    const gb_item *br = find_text(&b, "[", 0), *one = find_text(&b, "1", 0),
                  *z = find_text(&b, "0", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    CU_ASSERT_PTR_NOT_NULL_FATAL(one);
    CU_ASSERT_PTR_NOT_NULL_FATAL(z);
    GB_ASSERT_NEAR(br->y, 5.6, EPS);
    GB_ASSERT_NEAR(br->x, 5, EPS);
    GB_ASSERT_NEAR(one->x, 8.5, EPS);     /* [ 1 ] are Open, Ord, Close: no space */
    GB_ASSERT_NEAR(z->y, -1.3, EPS);
    GB_ASSERT_NEAR(z->x, 5, EPS);
    GB_ASSERT_NEAR(b.width, 5 + 10.5 + GB_MATH_SCRIPTSPACE * SZ, EPS);
    GB_ASSERT_NEAR(b.height, 5.6 + 4.9, EPS);
    GB_ASSERT_NEAR(b.depth, 1.3, EPS);
    gb_math_box_free(&b);
}

static const gb_item *first_kind(const gb_math_box *b, gb_item_kind k)
{
    for (size_t i = 0; i < gb_dlist_count(b->dl); i++)
        if (gb_dlist_item(b->dl, i)->kind == k) return gb_dlist_item(b->dl, i);
    return NULL;
}

static void test_fraction(void)
{
    gb_math_box b;
    if (render("\\frac{1}{2}", GB_MATH_DISPLAY, &b)) return;
    double th = GB_MATH_RULE * SZ, ax = GB_MATH_AXIS * SZ, nd = GB_MATH_NULLDELIM * SZ;
    /* Clearances hold with the plain shifts: 6.77 - 3.0 >= 1.5 and 2.5 - (7 - 6.86) >= 1.5. */
    GB_ASSERT_NEAR(b.width, 5 + 2 * nd, EPS);
    GB_ASSERT_NEAR(b.height, GB_MATH_NUM1 * SZ + 7, EPS);
    GB_ASSERT_NEAR(b.depth, GB_MATH_DENOM1 * SZ, EPS);
    const gb_item *bar = first_kind(&b, GB_ITEM_PATH);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bar);
    /* The bar is a rectangle centred on the axis. */
    double ylo = 1e9, yhi = -1e9, xlo = 1e9, xhi = -1e9;
    for (size_t k = 0; k < bar->npts; k++) {
        xlo = fmin(xlo, bar->xy[2 * k]);
        xhi = fmax(xhi, bar->xy[2 * k]);
        ylo = fmin(ylo, bar->xy[2 * k + 1]);
        yhi = fmax(yhi, bar->xy[2 * k + 1]);
    }
    GB_ASSERT_NEAR((ylo + yhi) / 2, ax, EPS);
    GB_ASSERT_NEAR(yhi - ylo, th, EPS);
    GB_ASSERT_NEAR(xlo, nd, EPS);
    GB_ASSERT_NEAR(xhi, nd + 5, EPS);
    const gb_item *one = find_text(&b, "1", 0), *two = find_text(&b, "2", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(one);
    CU_ASSERT_PTR_NOT_NULL_FATAL(two);
    GB_ASSERT_NEAR(one->size, SZ, EPS);   /* display fraction: text-size numerator */
    GB_ASSERT_NEAR(one->y, GB_MATH_NUM1 * SZ, EPS);
    GB_ASSERT_NEAR(two->y, -GB_MATH_DENOM1 * SZ, EPS);
    gb_math_box_free(&b);

    if (render("\\frac{1}{2}", GB_MATH_TEXT, &b)) return;
    one = find_text(&b, "1", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(one);
    GB_ASSERT_NEAR(one->size, GB_MATH_SCRIPT_SCALE * SZ, EPS);
    GB_ASSERT_NEAR(b.height, GB_MATH_NUM2 * SZ + 4.9, EPS);
    GB_ASSERT_NEAR(b.depth, GB_MATH_DENOM2 * SZ, EPS);
    gb_math_box_free(&b);
}

static void test_fraction_clearance(void)
{
    /* A deep numerator (y has depth 0.2 em) in text style: u - d_num - (a + theta/2) =
     * 3.94 - 1.4 - 3.0 < theta, so u grows to restore theta. */
    gb_math_box b;
    if (render("\\frac{y}{2}", GB_MATH_TEXT, &b)) return;
    const gb_item *y = find_text(&b, "y", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    double th = GB_MATH_RULE * SZ, ax = GB_MATH_AXIS * SZ;
    GB_ASSERT_NEAR(y->y - 0.2 * 7, ax + th / 2 + th, EPS);
    gb_math_box_free(&b);
}

static void test_spacing(void)
{
    struct { const char *tex; double w; } c[] = {
        {"a=b", 15 + 10 * MU},          /* thick either side of a Rel */
        {"a+b", 15 + 8 * MU},           /* medium either side of a Bin */
        {"-a", 10},                     /* unary minus: Bin at the start is Ord */
        {"a=-b", 20 + 10 * MU},         /* Bin after Rel is Ord */
        {"(-a)", 20},                   /* ... and after Open */
        {"a+", 10},                     /* ... and at the end */
        {"a,b", 15 + 3 * MU},           /* thin after Punct */
        {"\\sin x", 20 + 3 * MU},       /* Op then Ord: thin */
        {"a\\,b\\;c\\!d\\quad e", 25 + (3 + 5 - 3 + 18) * MU},
        {"x^{a+b=c}", 5 + 5 * 3.5 + GB_MATH_SCRIPTSPACE * SZ},   /* no Bin/Rel space in scripts */
        {"a \\cdot b", 15 + 8 * MU},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        gb_math_box b;
        if (render(c[i].tex, GB_MATH_TEXT, &b)) continue;
        GB_ASSERT_MSG(fabs(b.width - c[i].w) < 1e-9, "'%s': width %.6f, want %.6f", c[i].tex,
                      b.width, c[i].w);
        gb_math_box_free(&b);
    }
}

static void test_sum_limits(void)
{
    gb_math_box b;
    if (render("\\sum_{i=1}^{n}", GB_MATH_DISPLAY, &b)) return;
    /* The sum at 1.4 x 10 pt: ink [0, 9.8], centred on the axis: shift 4.9 - 2.75 = 2.15. */
    double s = SZ, big = GB_MATH_BIGOP_SCALE * SZ;
    double shift = 0.5 * 0.7 * big - GB_MATH_AXIS * s;
    double oh = 0.7 * big - shift, od = shift;
    double W = 10.5;                               /* "i=1" at 7 pt, no spaces in script style */
    const gb_item *sum = find_text(&b, "\xE2\x88\x91", 0), *n = find_text(&b, "n", 0),
                  *i = find_text(&b, "i", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(i);
    GB_ASSERT_NEAR(sum->size, big, EPS);
    GB_ASSERT_NEAR(sum->y, -shift, EPS);
    GB_ASSERT_NEAR(sum->x, (W - 0.5 * big) / 2, EPS);
    double ysup = oh + fmax(GB_MATH_LIMIT_GAP_SUP * s, GB_MATH_LIMIT_RISE_SUP * s - 0);
    double ysub = -(od + fmax(GB_MATH_LIMIT_GAP_SUB * s, GB_MATH_LIMIT_DROP_SUB * s - 4.9) + 4.9);
    GB_ASSERT_NEAR(n->y, ysup, EPS);
    GB_ASSERT_NEAR(n->x, (W - 3.5) / 2, EPS);     /* centred above */
    GB_ASSERT_NEAR(i->y, ysub, EPS);
    GB_ASSERT_NEAR(i->x, 0, EPS);                 /* the widest piece */
    CU_ASSERT(n->y > 0 && i->y < -od);
    GB_ASSERT_NEAR(b.width, W, EPS);
    GB_ASSERT_NEAR(b.height, ysup + 4.9 + GB_MATH_LIMIT_PAD * s, EPS);
    GB_ASSERT_NEAR(b.depth, -ysub + GB_MATH_LIMIT_PAD * s, EPS);
    gb_math_box_free(&b);

    /* Text style: limits at the side, the sum at text size. */
    if (render("\\sum_{i=1}^{n}", GB_MATH_TEXT, &b)) return;
    sum = find_text(&b, "\xE2\x88\x91", 0);
    n = find_text(&b, "n", 0);
    i = find_text(&b, "i", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(i);
    GB_ASSERT_NEAR(sum->size, SZ, EPS);
    GB_ASSERT_NEAR(n->x, 5, EPS);
    GB_ASSERT_NEAR(i->x, 5, EPS);
    CU_ASSERT(n->y > 0 && i->y < 0);
    gb_math_box_free(&b);

    /* \max takes limits in display style too; \nolimits sends them to the side. */
    if (render("\\max_{x}", GB_MATH_DISPLAY, &b)) return;
    const gb_item *x = find_text(&b, "x", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    GB_ASSERT_NEAR(x->x, (15 - 3.5) / 2, EPS);
    CU_ASSERT(x->y < -4.9);
    gb_math_box_free(&b);
    if (render("\\sum\\nolimits_{i}", GB_MATH_DISPLAY, &b)) return;
    i = find_text(&b, "i", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(i);
    GB_ASSERT_NEAR(i->x, 0.5 * big, EPS);
    gb_math_box_free(&b);
}

static void path_yrange(const gb_item *it, double *lo, double *hi)
{
    *lo = 1e9;
    *hi = -1e9;
    for (size_t k = 0; k < it->npts; k++) {
        *lo = fmin(*lo, it->xy[2 * k + 1]);
        *hi = fmax(*hi, it->xy[2 * k + 1]);
    }
}

static void test_left_right_grow(void)
{
    gb_math_box b;
    double ax = GB_MATH_AXIS * SZ;
    /* Around a display fraction: delta0 = max(13.77 - 2.75, 6.86 + 2.75) = 11.02, and the
     * delimiter is max(1.802 delta0, 2 delta0 - 5) tall, centred on the axis (rule 19). */
    if (render("\\left( \\frac{1}{2} \\right)", GB_MATH_DISPLAY, &b)) return;
    double d0 = fmax(GB_MATH_NUM1 * SZ + 7 - ax, GB_MATH_DENOM1 * SZ + ax);
    double want = fmax(d0 * 2 * 0.901, 2 * d0 - 0.5 * SZ);
    CU_ASSERT_EQUAL(count_kind(&b, GB_ITEM_PATH), 3);   /* two parentheses and the bar */
    const gb_item *lp = first_kind(&b, GB_ITEM_PATH);
    /* The bar comes first (the body is set before its delimiters): find the tall ones. */
    int seen = 0;
    for (size_t k = 0; k < gb_dlist_count(b.dl); k++) {
        const gb_item *it = gb_dlist_item(b.dl, k);
        if (it->kind != GB_ITEM_PATH) continue;
        double lo, hi;
        path_yrange(it, &lo, &hi);
        if (hi - lo < 1) continue;
        seen++;
        GB_ASSERT_NEAR(hi - lo, want, 1e-9);
        GB_ASSERT_NEAR((hi + lo) / 2, ax, 1e-9);
        lp = it;
    }
    CU_ASSERT_EQUAL(seen, 2);
    (void)lp;
    double big_h = b.height;
    gb_math_box_free(&b);
    /* A small body keeps smaller delimiters. */
    if (render("\\left( x \\right)", GB_MATH_DISPLAY, &b)) return;
    double lo = 0, hi = 0;
    const gb_item *p = first_kind(&b, GB_ITEM_PATH);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    path_yrange(p, &lo, &hi);
    double d1 = fmax(7 - ax, ax);
    GB_ASSERT_NEAR(hi - lo, fmax(d1 * 1.802, 2 * d1 - 5), 1e-9);
    CU_ASSERT(hi - lo < want);
    CU_ASSERT(b.height < big_h);
    gb_math_box_free(&b);
    /* \left. draws nothing and takes the null delimiter space. */
    if (render("\\left. x \\right|", GB_MATH_TEXT, &b)) return;
    const gb_item *x = find_text(&b, "x", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    GB_ASSERT_NEAR(x->x, GB_MATH_NULLDELIM * SZ, EPS);
    gb_math_box_free(&b);
}

static void test_aligned_columns(void)
{
    gb_math_box b;
    const char *tex = "\\begin{aligned} a &= b \\\\ ccc &= d+e \\label{two} \\\\ f &= h \\notag"
                      "\\end{aligned}";
    if (render(tex, GB_MATH_DISPLAY, &b)) return;
    const gb_item *eq0 = find_text(&b, "=", 0), *eq1 = find_text(&b, "=", 1),
                  *eq2 = find_text(&b, "=", 2), *a = find_text(&b, "a", 0),
                  *c = find_text(&b, "c", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(eq0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(eq1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(eq2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    /* Right column starts at 15 (widest left cell "ccc"); "=" keeps its thick space. */
    GB_ASSERT_NEAR(eq0->x, 15 + 5 * MU, EPS);
    GB_ASSERT_NEAR(eq1->x, eq0->x, EPS);
    GB_ASSERT_NEAR(eq2->x, eq0->x, EPS);
    GB_ASSERT_NEAR(a->x, 10, EPS);      /* right-aligned */
    GB_ASSERT_NEAR(c->x, 0, EPS);
    CU_ASSERT_EQUAL_FATAL(b.nlines, 3);
    /* Rows 1.5 em apart (baselineskip + jot); the block centred on the axis. */
    double top = 7, bottom = -30, shift = GB_MATH_AXIS * SZ - (top + bottom) / 2;
    for (int k = 0; k < 3; k++) GB_ASSERT_NEAR(b.lines[k].baseline, shift - 15 * k, EPS);
    GB_ASSERT_NEAR(eq1->y, b.lines[1].baseline, EPS);
    GB_ASSERT_NEAR(b.height, top + shift, EPS);
    GB_ASSERT_NEAR(b.depth, -(bottom + shift), EPS);
    CU_ASSERT_PTR_NULL(b.lines[0].label);
    CU_ASSERT_STRING_EQUAL(b.lines[1].label ? b.lines[1].label : "", "two");
    CU_ASSERT_EQUAL(b.lines[2].notag, 1);
    CU_ASSERT_EQUAL(b.lines[0].notag, 0);
    gb_math_box_free(&b);

    /* Two column pairs: the second pair starts \minalignsep after the first. */
    if (render("\\begin{aligned} a &= 1 & b &= 2 \\\\ cc &= 3 \\end{aligned}", GB_MATH_DISPLAY, &b))
        return;
    const gb_item *bb = find_text(&b, "b", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bb);
    GB_ASSERT_NEAR(bb->x, 10 + 10 + 10 * MU + GB_MATH_ALIGNSEP * SZ, EPS);
    gb_math_box_free(&b);
}

static void test_array(void)
{
    gb_math_box b;
    if (render("\\begin{array}{lr} a & bb \\\\ ccc & d \\end{array}", GB_MATH_DISPLAY, &b)) return;
    double sep = GB_MATH_ARRAYCOLSEP * SZ;
    const gb_item *a = find_text(&b, "a", 0), *d = find_text(&b, "d", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    GB_ASSERT_NEAR(a->x, sep, EPS);
    GB_ASSERT_NEAR(d->x, sep + 15 + 2 * sep + 5, EPS);     /* right-aligned in a 10 pt column */
    GB_ASSERT_NEAR(b.width, 4 * sep + 25, EPS);
    /* Strut rows: 8.4 + 3.6 = 12 pt apart. */
    GB_ASSERT_NEAR(a->y - d->y, (GB_MATH_STRUT_H + GB_MATH_STRUT_D) * SZ, EPS);
    CU_ASSERT_EQUAL(b.nlines, 1);       /* arrays are not numbered lines */
    gb_math_box_free(&b);
}

static void test_prime_hat_tag(void)
{
    gb_math_box b;
    if (render("\\sigma'(z)", GB_MATH_TEXT, &b)) return;
    const gb_item *pr = find_text(&b, "\xE2\x80\xB2", 0), *lp = find_text(&b, "(", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lp);
    GB_ASSERT_NEAR(pr->x, 5, EPS);
    GB_ASSERT_NEAR(pr->y, 0, EPS);
    GB_ASSERT_NEAR(pr->size, SZ, EPS);
    GB_ASSERT_NEAR(lp->x, 10 + GB_MATH_SCRIPTSPACE * SZ, EPS);
    gb_math_box_free(&b);

    if (render("\\hat{y}", GB_MATH_TEXT, &b)) return;
    const gb_item *hat = find_text(&b, "\xCB\x86", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(hat);
    /* delta = min(h(y) = 5, xh = 7) = 5: the accent drops by 5 from y's top; skew 0.1 delta. */
    GB_ASSERT_NEAR(hat->y, 0, EPS);
    GB_ASSERT_NEAR(hat->x, 0.5, EPS);
    GB_ASSERT_NEAR(b.height, 7, EPS);
    GB_ASSERT_NEAR(b.width, 5, EPS);
    gb_math_box_free(&b);

    if (render("E = mc^2 \\tag{3a} \\label{eq:e}", GB_MATH_DISPLAY, &b)) return;
    CU_ASSERT_STRING_EQUAL(b.tag ? b.tag : "", "3a");
    CU_ASSERT_STRING_EQUAL(b.label ? b.label : "", "eq:e");
    CU_ASSERT_EQUAL(b.nlines, 1);
    CU_ASSERT_STRING_EQUAL(b.lines[0].tag ? b.lines[0].tag : "", "3a");
    CU_ASSERT_EQUAL(count_kind(&b, GB_ITEM_TEXT), 5);   /* E = m c 2: tag and label not drawn */
    gb_math_box_free(&b);
}

static void expect_error(const char *tex, const char *want)
{
    gb_err e = {0};
    gb_math_src w = {"f.md", 3, 10};
    gb_math_box b;
    int rc = gb_math_render(tex, strlen(tex), GB_MATH_DISPLAY, SZ, &M, &w, &b, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT, "'%s': rc %d, want GB_EINPUT", tex, rc);
    GB_ASSERT_MSG(strncmp(e.msg, want, strlen(want)) == 0, "'%s': got '%s', want '%s...'", tex,
                  e.msg, want);
    CU_ASSERT_PTR_NULL(b.dl);
    gb_math_box_free(&b);
}

static void test_errors(void)
{
    expect_error("\\frac{1}", "f.md:3:10: missing argument of \\frac");
    expect_error("a+\\frac", "f.md:3:12: missing argument of \\frac");
    expect_error("a + {b", "f.md:3:14: unclosed brace");
    expect_error("x + \\foo", "f.md:3:14: unknown command \\foo");
    expect_error("\xCE\xB1 + \\foo", "f.md:3:14: unknown command \\foo");   /* α is 1 column */
    expect_error("a \\end{aligned}", "f.md:3:12: \\end without");
    expect_error("a & b", "f.md:3:12: stray '&'");
    expect_error("x = \xF0\x9D\x91\xA5", "f.md:3:14: character U+1D465 is outside");
    expect_error("x^2^3", "f.md:3:13: double superscript");
    expect_error("x_1_2", "f.md:3:13: double subscript");
    expect_error("\\left( x", "f.md:3:10: \\left without a matching \\right");
    expect_error("x \\right)", "f.md:3:12: \\right without");
    expect_error("x }", "f.md:3:12: unmatched '}'");
    expect_error("\\begin{foo} x \\end{foo}", "f.md:3:10: unknown environment 'foo'");
    expect_error("\\begin{aligned} a \\end{array}", "f.md:3:28: \\end{array} does not match");
    expect_error("\\begin{aligned} a &= b", "f.md:3:10: \\begin{aligned} without \\end");
    expect_error("a\n  \\bad", "f.md:4:3: unknown command \\bad");
    expect_error("x^", "f.md:3:11: missing argument of '^'");
    expect_error("a \\\\ b", "f.md:3:12: \\\\ outside");
    expect_error("a \xFF b", "f.md:3:12: invalid UTF-8");
    expect_error("\\text{a $b$}", "f.md:3:18: math inside \\text");
    expect_error("\\left< x \\right\\foo", "f.md:3:25: \\right cannot take");
    expect_error("\\begin{array}{ll} a & b & c \\end{array}", "f.md:3:35: extra column");
    expect_error("\\text{\xE4\xB8\xAD}", "");   /* fake metrics lack U+4E2D: caught at layout */
    gb_err e = {0};
    gb_math_box b;
    const char *cjk = "x + \\text{\xE4\xB8\xAD}";
    CU_ASSERT_EQUAL(gb_math_render(cjk, strlen(cjk), GB_MATH_TEXT, SZ, &M, NULL, &b, &e), GB_EINPUT);
    GB_ASSERT_MSG(strstr(e.msg, "<formula>:1:5: the font has no glyph for U+4E2D") != NULL,
                  "got '%s'", e.msg);
    /* Deep nesting is an error, not a stack overflow. */
    size_t n = 20000;
    char *deep = malloc(2 * n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(deep);
    memset(deep, '{', n);
    memset(deep + n, '}', n);
    deep[2 * n] = '\0';
    gb_err_clear(&e);
    CU_ASSERT_PTR_NULL(gb_math_parse(deep, 2 * n, NULL, &e));
    CU_ASSERT_EQUAL(e.code, GB_EINPUT);
    GB_ASSERT_MSG(strstr(e.msg, "nested too deeply") != NULL, "got '%s'", e.msg);
    free(deep);
    /* Bad sizes are refused. */
    gb_err_clear(&e);
    CU_ASSERT_EQUAL(gb_math_render("x", 1, GB_MATH_TEXT, NAN, &M, NULL, &b, &e), GB_EINTERNAL);
}

static void test_table_sorted(void)
{
    CU_ASSERT(gb_math_cmd_table_sorted());
    CU_ASSERT_PTR_NOT_NULL(gb_math_cmd_find("alpha", 5));
    CU_ASSERT_PTR_NOT_NULL(gb_math_cmd_find(",", 1));
    CU_ASSERT_PTR_NULL(gb_math_cmd_find("alphax", 6));
    const gb_math_cmd *le = gb_math_cmd_by_char(0x2264);
    CU_ASSERT_PTR_NOT_NULL_FATAL(le);
    CU_ASSERT_STRING_EQUAL(le->text, "\xE2\x89\xA4");
}

/* Every input ends in a tree or GB_EINPUT, never a crash, a hang or a non-finite box. */
static void test_fuzz(void)
{
    static const char *const pieces[] = {
        "\\frac", "{", "}", "^", "_", "'", "&", "\\\\", "\\left(", "\\right)", "\\left.",
        "\\begin{aligned}", "\\end{aligned}", "\\begin{array}{lc}", "\\end{array}", "x", "1",
        ".", "+", "-", "=", "\\sum", "\\hat", "\\text{a b}", "\\mathbf", "\\sigma", " ", "\\",
        "\\tag{1}", "\\label{a}", "\\notag", "\\limits", "\\big(", "\\quad", "\xCE\xB1", "%",
        "\xF0\x9F\x98\x80", "\xC3", "\\begin{pmatrix}", "\\end{pmatrix}", "[", "]", "\\{",
        "\\right\\}", "\\cdot", "\\displaystyle", "\\operatorname{f}", "\n", "\\overline",
    };
    uint64_t st = 0x9E3779B97F4A7C15ull;
    char buf[256];
    int parsed = 0, failed = 0;
    for (int iter = 0; iter < 6000; iter++) {
        size_t n = 0;
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        int mode = (int)(st >> 60) & 1;
        int count = 1 + (int)((st >> 33) % 24);
        for (int k = 0; k < count; k++) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            if (mode) {
                const char *pc = pieces[(st >> 33) % (sizeof pieces / sizeof pieces[0])];
                size_t l = strlen(pc);
                if (n + l >= sizeof buf) break;
                memcpy(buf + n, pc, l);
                n += l;
            } else {
                buf[n++] = (char)(st >> 56);
            }
        }
        gb_err e = {0};
        gb_math_box b;
        int rc = gb_math_render(buf, n, iter & 1 ? GB_MATH_TEXT : GB_MATH_DISPLAY, SZ, &M, NULL,
                                &b, &e);
        if (rc == 0) {
            parsed++;
            if (!(isfinite(b.width) && isfinite(b.height) && isfinite(b.depth) && b.dl &&
                  b.nlines >= 1))
                GB_ASSERT_MSG(0, "iteration %d: bad box", iter);
        } else {
            failed++;
            if (rc != GB_EINPUT || e.msg[0] == '\0')
                GB_ASSERT_MSG(0, "iteration %d: rc %d msg '%s'", iter, rc, e.msg);
        }
        gb_math_box_free(&b);
    }
    /* Both outcomes must really occur, or the fuzzing proves nothing. */
    GB_ASSERT_MSG(parsed > 100 && failed > 100, "parsed %d, failed %d", parsed, failed);
}

/* All the exercise's formula shapes parse and set in both styles. */
static void test_exercise_shapes(void)
{
    static const char *const f[] = {
        "z = \\sum_{i=1}^n w_i x_i + b = \\mathbf{w}^T \\mathbf{x} + b",
        "\\mathbf{x} = [x_1, x_2, \\dots, x_n]^T",
        "g(z) = \\sigma(z) = \\frac{1}{1 + e^{-z}}",
        "\\tanh(x) = \\frac{e^x - e^{-x}}{e^x + e^{-x}}",
        "\\text{LeakyReLU}(x) = \\max(0.01x, x)",
        "w_i \\leftarrow w_i - \\eta \\frac{\\partial C}{\\partial w_i}, \\quad b \\leftarrow b",
        "\\delta_j^{[1]} = \\left( \\frac{\\partial C}{\\partial \\hat{y}} \\cdot \\frac{\\partial "
        "z_0^{[2]}}{\\partial a_j^{[1]}} \\right) \\cdot \\sigma'(z_j^{[1]})",
        "\\begin{aligned} z_0^{[1]} &= w_{00}^{[1]}x_0 + b_0^{[1]} \\\\ &= 0.05 + 0.3 = 0.35 "
        "\\end{aligned}",
        "\\begin{array}{ll}w_{00}^{[1]} = 0.1 & w_{01}^{[1]} = -0.2 \\\\ b_0^{[1]} = 0.0 & b_1^{[1]}"
        " = -0.1\\end{array}",
        "C = \\frac{1}{2}(\\hat{y} - y)^2 = \\frac{1}{2}(-0.25)^2 = 0.03125",
        "\\frac{\\partial C}{\\partial \\theta} = \\frac{\\partial C}{\\partial \\hat{y}} \\quad (1)",
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        for (int s = 0; s < 2; s++) {
            gb_math_box b;
            if (render(f[i], s ? GB_MATH_TEXT : GB_MATH_DISPLAY, &b)) continue;   /* asserted */
            GB_ASSERT_MSG(b.width > 0 && b.height > 0, "'%s': %g x %g", f[i], b.width, b.height);
            gb_math_box_free(&b);
        }
}

GB_TEST_SUITE(math_layout)
{
    M = gb_metrics_fake();
    CU_pSuite s = CU_add_suite("math_layout", NULL, NULL);
    GB_ADD(s, test_single_letter);
    GB_ADD(s, test_faces);
    GB_ADD(s, test_subscript);
    GB_ADD(s, test_superscript_styles);
    GB_ADD(s, test_layer_index);
    GB_ADD(s, test_fraction);
    GB_ADD(s, test_fraction_clearance);
    GB_ADD(s, test_spacing);
    GB_ADD(s, test_sum_limits);
    GB_ADD(s, test_left_right_grow);
    GB_ADD(s, test_aligned_columns);
    GB_ADD(s, test_array);
    GB_ADD(s, test_prime_hat_tag);
    GB_ADD(s, test_errors);
    GB_ADD(s, test_table_sorted);
    GB_ADD(s, test_fuzz);
    GB_ADD(s, test_exercise_shapes);
}
