/* math_layout.c — TeX's math layout (The TeXbook, Appendix G, rules 13-22) over the parsed tree.
 * Every node becomes a box whose drawing is a contiguous range of one shared item array, placed
 * by translating that range; so a formula costs a few amortised allocations, not one per glyph. */
#include "typeset/math_layout.h"
#include "typeset/memo.h"

#include "typeset/math_tree.h"
#include "util/grow.h"
#include "util/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

typedef enum { IT_TEXT, IT_RULE, IT_PATH, IT_MARK } item_kind;

typedef struct litem {
    uint8_t kind, face;
    double size, x, y;
    const char *s;         /* TEXT: into the tree's buffer or a static string */
    uint32_t len;
    double w, h;           /* RULE */
    size_t p0, np;         /* PATH: points pts[2*p0 ...] */
    int32_t row;           /* MARK: row index */
} litem;

typedef struct box {
    double w, h, d;
    double ic;             /* italic correction of a single italic glyph run */
    size_t i0, i1;         /* items [i0, i1) */
} box;

typedef struct hent {      /* an element of an hlist being built */
    int cls, style, kern;
    box b;
} hent;

typedef struct lay {
    const gb_math_node *t;
    const gb_metrics *m;
    double base;
    litem *it;
    size_t nit, capit;
    double *pts;
    size_t npts, cappts;
    hent *h;
    size_t nh, caph;
    gb_err *e;
    int failed, code;      /* code: GB_EINPUT or GB_EINTERNAL once failed */
    double xh[3];
    int32_t line_table;
} lay;

static const char *const spacing_table =   /* tex.web's math_spacing, rows/cols ord..inner */
    "02340001"
    "22*40001"
    "33**3**3"
    "44*04004"
    "00*00000"
    "02340001"
    "11*11111"
    "12341011";

/* ------------------------------------------------------------------ small helpers */

static int fail_oom(lay *L)
{
    if (!L->failed) gb_err_set(L->e, GB_EINTERNAL, NULL, 0, 0, "out of memory setting a formula");
    if (!L->failed) L->code = GB_EINTERNAL;
    L->failed = 1;
    return -1;
}

static litem *push_item(lay *L, int kind)
{
    litem *n = gb_grow(L->it, &L->capit, L->nit + 1, sizeof *n, 64);
    if (!n) { fail_oom(L); return NULL; }
    L->it = n;
    litem *i = &L->it[L->nit++];
    memset(i, 0, sizeof *i);
    i->kind = (uint8_t)kind;
    return i;
}

static double *push_pts(lay *L, size_t n, size_t *p0)
{
    if (L->npts + n > L->cappts) {
        double *p = gb_grow(L->pts, &L->cappts, L->npts + n, 2 * sizeof *p, 128);   /* (x, y) */
        if (!p) { fail_oom(L); return NULL; }
        L->pts = p;
    }
    *p0 = L->npts;
    L->npts += n;
    return L->pts + 2 * *p0;
}

static int push_h(lay *L, const hent *h)
{
    hent *n = gb_grow(L->h, &L->caph, L->nh + 1, sizeof *n, 32);
    if (!n) return fail_oom(L);
    L->h = n;
    L->h[L->nh++] = *h;
    return 0;
}

static void translate(lay *L, size_t i0, size_t i1, double dx, double dy)
{
    for (size_t i = i0; i < i1; i++) {
        litem *it = &L->it[i];
        it->x += dx;
        it->y += dy;
        if (it->kind == IT_PATH)
            for (size_t k = 0; k < it->np; k++) {
                L->pts[2 * (it->p0 + k)] += dx;
                L->pts[2 * (it->p0 + k) + 1] += dy;
            }
    }
}

static void empty_box(lay *L, box *b)
{
    memset(b, 0, sizeof *b);
    b->i0 = b->i1 = L->nit;
}

/* Styles as in tex.web: D=0 D'=1 T=2 T'=3 S=4 S'=5 SS=6 SS'=7 (odd = cramped). */
static int size_index(int style) { return style < 4 ? 0 : style < 6 ? 1 : 2; }
static double sz(const lay *L, int style)
{
    static const double scale[3] = {1.0, GB_MATH_SCRIPT_SCALE, GB_MATH_SSCRIPT_SCALE};
    return L->base * scale[size_index(style)];
}
static int sup_style(int s) { return s < 4 ? 4 + (s & 1) : 6 + (s & 1); }
static int sub_style(int s) { return sup_style(s) | 1; }
static int num_style(int s) { return s < 4 ? s + 2 : 6 + (s & 1); }
static int den_style(int s) { return num_style(s) | 1; }
static double axis(const lay *L, int style) { return GB_MATH_AXIS * sz(L, style); }

static double xheight(lay *L, int style)
{
    int k = size_index(style);
    if (L->xh[k] < 0) {
        gb_bbox bb;
        L->m->glyph_bbox(L->m->ctx, GB_FACE_SERIF_ITALIC, 'x', sz(L, style), &bb);
        L->xh[k] = bb.ury;
    }
    return L->xh[k];
}

static int text_item(lay *L, int face, double size, double x, double y, const char *s, size_t n)
{
    litem *it = push_item(L, IT_TEXT);
    if (!it) return -1;
    it->face = (uint8_t)face;
    it->size = size;
    it->x = x;
    it->y = y;
    it->s = s;
    it->len = (uint32_t)n;
    return 0;
}

static int rule_item(lay *L, double x, double y, double w, double h)
{
    litem *it = push_item(L, IT_RULE);
    if (!it) return -1;
    it->x = x;
    it->y = y;
    it->w = w;
    it->h = h;
    return 0;
}

/* Ink height and depth of a run (max over its glyphs), and the italic correction of its last
 * glyph (how far its ink sticks out past its advance). */
static void ink(lay *L, int face, const char *s, size_t n, double size, double *h, double *d,
                double *ic)
{
    *h = *d = 0;
    if (ic) *ic = 0;
    size_t i = 0;
    uint32_t last = 0;
    gb_bbox bb = {0, 0, 0, 0};
    while (i < n) {
        uint32_t cp;
        i += gb_utf8_decode(s + i, n - i, &cp);
        L->m->glyph_bbox(L->m->ctx, (gb_face)face, cp, size, &bb);
        if (bb.ury > *h) *h = bb.ury;
        if (-bb.lly > *d) *d = -bb.lly;
        last = cp;
    }
    if (ic && n && face == GB_FACE_SERIF_ITALIC) {
        char u[4];
        size_t k = gb_utf8_encode(last, u);
        double adv = L->m->advance(L->m->ctx, (gb_face)face, u, k, size);
        if (bb.urx > adv) *ic = bb.urx - adv;
    }
}

static int cls_of(const lay *L, int32_t i)
{
    const gb_mnode *n = &L->t->n[i];
    switch (n->kind) {
    case GB_MK_LIST: case GB_MK_SYM: case GB_MK_FENCED: return n->cls;
    case GB_MK_SCRIPTS: return n->a >= 0 ? cls_of(L, n->a) : GB_MC_ORD;
    case GB_MK_FRAC: return GB_MC_INNER;
    case GB_MK_SPACE: case GB_MK_STYLE: return GB_MC_NONE;
    default: return GB_MC_ORD;
    }
}

static int lay_node(lay *L, int32_t i, int style, box *out);
static int lay_hlist(lay *L, int32_t first, int style, int lead, box *out);

/* ------------------------------------------------------------------ symbols */

static int lay_sym(lay *L, int32_t i, int style, box *out)
{
    const gb_mnode *n = &L->t->n[i];
    const char *s = L->t->buf + n->off;
    empty_box(L, out);
    if (n->flags & GB_MF_USER) {
        size_t k = 0;
        while (k < n->len) {
            uint32_t cp;
            k += gb_utf8_decode(s + k, n->len - k, &cp);
            if (cp != ' ' && !L->m->has_glyph(L->m->ctx, (gb_face)n->face, cp)) {
                if (!L->failed)
                    gb_math__err_at(L->t, L->e, GB_EINPUT, n->src,
                                    "the font has no glyph for U+%04X", (unsigned)cp);
                if (!L->failed) L->code = GB_EINPUT;
                L->failed = 1;
                return -1;
            }
        }
    }
    if (!n->len) return 0;
    int large = (n->flags & GB_MF_LARGE) != 0;
    double size = sz(L, style) * (large && style < 2 ? GB_MATH_BIGOP_SCALE : 1.0);
    out->w = L->m->advance(L->m->ctx, (gb_face)n->face, s, n->len, size);
    ink(L, n->face, s, n->len, size, &out->h, &out->d, &out->ic);
    double y = 0;
    if (large) {   /* rule 13: big operators are centred on the axis */
        double shift = 0.5 * (out->h - out->d) - axis(L, style);
        y = -shift;
        out->h -= shift;
        out->d += shift;
    }
    if (text_item(L, n->face, size, 0, y, s, n->len) < 0) return -1;
    out->i1 = L->nit;
    return 0;
}

/* ------------------------------------------------------------------ scripts (rules 13a, 17, 18) */

static int lay_limits(lay *L, const gb_mnode *n, box *nb, int style, box *out)
{
    double s = sz(L, style);
    box sup, sub;
    int has_sup = n->c >= 0, has_sub = n->b >= 0;
    if (has_sup) { if (lay_node(L, n->c, sup_style(style), &sup) < 0) return -1; }
    else empty_box(L, &sup);
    if (has_sub) { if (lay_node(L, n->b, sub_style(style), &sub) < 0) return -1; }
    else empty_box(L, &sub);
    double W = fmax(nb->w, fmax(sup.w, sub.w));
    translate(L, nb->i0, nb->i1, (W - nb->w) / 2, 0);
    out->h = nb->h;
    out->d = nb->d;
    if (has_sup) {
        double y = nb->h + fmax(GB_MATH_LIMIT_GAP_SUP * s, GB_MATH_LIMIT_RISE_SUP * s - sup.d) + sup.d;
        translate(L, sup.i0, sup.i1, (W - sup.w) / 2 + nb->ic / 2, y);
        out->h = y + sup.h + GB_MATH_LIMIT_PAD * s;
    }
    if (has_sub) {
        double y = nb->d + fmax(GB_MATH_LIMIT_GAP_SUB * s, GB_MATH_LIMIT_DROP_SUB * s - sub.h) + sub.h;
        translate(L, sub.i0, sub.i1, (W - sub.w) / 2 - nb->ic / 2, -y);
        out->d = y + sub.d + GB_MATH_LIMIT_PAD * s;
    }
    out->w = W;
    out->ic = 0;
    out->i1 = L->nit;
    return 0;
}

static const char prime_utf8[] = "\xE2\x80\xB2";   /* U+2032, drawn unshrunk: the glyph is
                                                      already raised like a superscript */

static int lay_scripts(lay *L, int32_t i, int style, box *out)
{
    const gb_mnode *n = &L->t->n[i];
    empty_box(L, out);
    box nb;
    if (n->a >= 0) { if (lay_node(L, n->a, style, &nb) < 0) return -1; }
    else empty_box(L, &nb);
    n = &L->t->n[i];
    const gb_mnode *nuc = n->a >= 0 ? &L->t->n[n->a] : NULL;
    /* A glyph nucleus starts its scripts from the baseline; a box (a group, a fraction, a big
     * operator, which TeX also boxes) from its own height and depth. */
    int is_char = nuc && nuc->kind == GB_MK_SYM && !(nuc->flags & GB_MF_LARGE);
    if (nuc && nuc->kind == GB_MK_SYM && nuc->cls == GB_MC_OP && !n->nprimes) {
        int lim = (nuc->flags & GB_MF_FORCE_LIMITS) ||
                  ((nuc->flags & GB_MF_LIMITS) && !(nuc->flags & GB_MF_NOLIMITS) && style < 2);
        if (lim) return lay_limits(L, n, &nb, style, out);
    }
    double s = sz(L, style), xh = xheight(L, style);
    int sup_st = sup_style(style), sub_st = sub_style(style);
    double u = is_char ? 0 : nb.h - GB_MATH_SUP_DROP * sz(L, sup_st);
    double v = is_char ? 0 : nb.d + GB_MATH_SUB_DROP * sz(L, sub_st);
    double wp = 0, hp = 0;
    for (unsigned k = 0; k < n->nprimes; k++) {
        double pw = L->m->advance(L->m->ctx, GB_FACE_MATH, prime_utf8, 3, s);
        if (text_item(L, GB_FACE_MATH, s, nb.w + nb.ic + wp, 0, prime_utf8, 3) < 0) return -1;
        wp += pw;
    }
    if (n->nprimes) {
        double pd;
        ink(L, GB_FACE_MATH, prime_utf8, 3, s, &hp, &pd, NULL);
    }
    box sup, sub;
    int has_sup = n->c >= 0, has_sub = n->b >= 0;
    if (has_sup) {
        if (lay_node(L, n->c, sup_st, &sup) < 0) return -1;
        n = &L->t->n[i];
        double p = style < 2 ? GB_MATH_SUP1 : (style & 1) ? GB_MATH_SUP3 : GB_MATH_SUP2;
        u = fmax(u, fmax(p * s, sup.d + xh / 4));
    } else empty_box(L, &sup);
    if (has_sub) {
        if (lay_node(L, n->b, sub_st, &sub) < 0) return -1;
        n = &L->t->n[i];
    } else empty_box(L, &sub);
    if (has_sub && !has_sup) {
        v = fmax(v, fmax(GB_MATH_SUB1 * s, sub.h - 0.8 * xh));
    } else if (has_sub && has_sup) {
        double theta = GB_MATH_RULE * s;
        v = fmax(v, GB_MATH_SUB2 * s);
        if ((u - sup.d) - (sub.h - v) < 4 * theta) {
            v = 4 * theta - (u - sup.d) + sub.h;
            double psi = 0.8 * xh - (u - sup.d);
            if (psi > 0) { u += psi; v -= psi; }
        }
    }
    out->w = nb.w;
    out->h = fmax(nb.h, hp);
    out->d = nb.d;
    double right = 0;
    if (n->nprimes) right = nb.ic + wp;
    if (has_sup) {
        translate(L, sup.i0, sup.i1, nb.w + nb.ic + wp, u);
        right = nb.ic + wp + sup.w;
        out->h = fmax(out->h, u + sup.h);
    }
    if (has_sub) {
        translate(L, sub.i0, sub.i1, nb.w, -v);
        right = fmax(right, sub.w);
        out->d = fmax(out->d, v + sub.d);
    }
    out->w += right + GB_MATH_SCRIPTSPACE * s;
    out->i1 = L->nit;
    return 0;
}

/* ------------------------------------------------------------------ fractions (rule 15) */

static int lay_frac(lay *L, int32_t i, int style, box *out)
{
    const gb_mnode *n = &L->t->n[i];
    empty_box(L, out);
    int eff = (n->flags & GB_MF_DFRAC) ? 0 : (n->flags & GB_MF_TFRAC) ? 2 : style;
    int32_t a = n->a, b = n->b;
    box num, den;
    if (lay_node(L, a, num_style(eff), &num) < 0) return -1;
    if (lay_node(L, b, den_style(eff), &den) < 0) return -1;
    double s = sz(L, eff), th = GB_MATH_RULE * s, ax = axis(L, eff);
    double u = (eff < 2 ? GB_MATH_NUM1 : GB_MATH_NUM2) * s;
    double v = (eff < 2 ? GB_MATH_DENOM1 : GB_MATH_DENOM2) * s;
    double phi = eff < 2 ? 3 * th : th;
    double clr = (u - num.d) - (ax + th / 2);
    if (clr < phi) u += phi - clr;
    clr = (ax - th / 2) - (den.h - v);
    if (clr < phi) v += phi - clr;
    double W = fmax(num.w, den.w), nds = GB_MATH_NULLDELIM * s;
    translate(L, num.i0, num.i1, nds + (W - num.w) / 2, u);
    translate(L, den.i0, den.i1, nds + (W - den.w) / 2, -v);
    if (rule_item(L, nds, ax - th / 2, W, th) < 0) return -1;
    out->w = W + 2 * nds;
    out->h = u + num.h;
    out->d = v + den.d;
    out->i1 = L->nit;
    return 0;
}

/* ------------------------------------------------------------------ accents (rules 9, 12) */

static int lay_accent(lay *L, int32_t i, int style, box *out)
{
    const gb_mnode *n = &L->t->n[i];
    empty_box(L, out);
    box body;
    if (lay_node(L, n->a, style | 1, &body) < 0) return -1;
    n = &L->t->n[i];
    double s = sz(L, style);
    out->w = body.w;
    out->h = body.h;
    out->d = body.d;
    if (n->flags & GB_MF_BOXED) {
        /* A frame of rule thickness th, pad inside, around the body (amsmath's \boxed uses
         * \fboxsep 3 pt and \fboxrule 0.4 pt at 10 pt). */
        double th = 0.04 * s, pad = 0.3 * s;
        translate(L, body.i0, body.i1, pad + th, 0);
        double w = body.w + 2 * (pad + th), top = body.h + pad + th, bot = -(body.d + pad + th);
        if (rule_item(L, 0, bot, w, th) < 0 || rule_item(L, 0, top - th, w, th) < 0 ||
            rule_item(L, 0, bot, th, top - bot) < 0 || rule_item(L, w - th, bot, th, top - bot) < 0)
            return -1;
        out->w = w;
        out->h = top;
        out->d = -bot;
        out->i1 = L->nit;
        return 0;
    }
    if (n->flags & GB_MF_OVERLINE) {
        double th = GB_MATH_RULE * s;
        if (rule_item(L, 0, body.h + 3 * th, body.w, th) < 0) return -1;
        out->h = body.h + 5 * th;
        out->i1 = L->nit;
        return 0;
    }
    const char *acc = L->t->buf + n->off;
    double asize = (n->flags & GB_MF_SMALLACC) ? 0.6 * s : s;
    double aw = L->m->advance(L->m->ctx, GB_FACE_SERIF, acc, n->len, asize);
    double ah, ad;
    ink(L, GB_FACE_SERIF, acc, n->len, asize, &ah, &ad, NULL);
    double delta = fmin(body.h, xheight(L, style));
    /* An accent over one italic letter leans with it (TeX's \skewchar kern): move it right by
     * the slant (about 0.2) times half the accent's height above the baseline. */
    double skew = 0;
    const gb_mnode *bn = &L->t->n[n->a];
    if (bn->kind == GB_MK_LIST && bn->a >= 0) bn = &L->t->n[bn->a];
    if (bn->kind == GB_MK_SYM && bn->next < 0 && bn->face == GB_FACE_SERIF_ITALIC && bn->len <= 2)
        skew = 0.1 * delta;
    double y = (n->flags & GB_MF_SMALLACC) ? body.h + 0.1 * s + ad : body.h - delta;
    if (text_item(L, GB_FACE_SERIF, asize, (body.w - aw) / 2 + skew, y, acc, n->len) < 0)
        return -1;
    out->h = fmax(body.h, y + ah);
    out->i1 = L->nit;
    return 0;
}

/* ------------------------------------------------------------------ delimiters (rule 19) */

typedef enum { D_PAREN, D_BRACKET, D_FLOOR, D_CEIL, D_BRACE, D_BAR, D_DBAR, D_ANGLE, D_GLYPH } dshape;

static dshape delim_shape(uint32_t cp, int *mirror)
{
    *mirror = 0;
    switch (cp) {
    case ')': *mirror = 1; /* fall through */
    case '(': return D_PAREN;
    case ']': *mirror = 1; /* fall through */
    case '[': return D_BRACKET;
    case 0x230B: *mirror = 1; /* fall through */
    case 0x230A: return D_FLOOR;
    case 0x2309: *mirror = 1; /* fall through */
    case 0x2308: return D_CEIL;
    case '}': *mirror = 1; /* fall through */
    case '{': return D_BRACE;
    case '|': return D_BAR;
    case 0x2016: return D_DBAR;
    case 0x27E9: *mirror = 1; /* fall through */
    case 0x27E8: return D_ANGLE;
    default: return D_GLYPH;
    }
}

static int path_item(lay *L, double *xy, size_t np, size_t p0, int mirror, double W)
{
    if (mirror)
        for (size_t k = 0; k < np; k++) xy[2 * k] = W - xy[2 * k];
    litem *it = push_item(L, IT_PATH);
    if (!it) return -1;
    it->p0 = p0;
    it->np = np;
    return 0;
}

/* A delimiter at least `size` tall (points) centred on the axis. */
static int build_delim(lay *L, uint32_t cp, double size, int style, box *out)
{
    empty_box(L, out);
    double s = sz(L, style), ax = axis(L, style);
    if (cp == 0) {
        out->w = GB_MATH_NULLDELIM * s;
        return 0;
    }
    char u[4];
    size_t ul = gb_utf8_encode(cp, u);
    /* The glyph's text must outlive the layout: take it from the static table below. */
    static const struct { uint32_t cp; const char *s; } glyphs[] = {
        {'(', "("}, {')', ")"}, {'[', "["}, {']', "]"}, {'{', "{"}, {'}', "}"}, {'|', "|"},
        {'/', "/"}, {0x2016, "\xE2\x80\x96"}, {0x27E8, "\xE2\x9F\xA8"}, {0x27E9, "\xE2\x9F\xA9"},
        {0x230A, "\xE2\x8C\x8A"}, {0x230B, "\xE2\x8C\x8B"}, {0x2308, "\xE2\x8C\x88"},
        {0x2309, "\xE2\x8C\x89"},
    };
    const char *gs = NULL;
    for (size_t k = 0; k < sizeof glyphs / sizeof glyphs[0]; k++)
        if (glyphs[k].cp == cp) gs = glyphs[k].s;
    double gh, gd;
    ink(L, GB_FACE_MATH, u, ul, s, &gh, &gd, NULL);
    int mirror;
    dshape shape = delim_shape(cp, &mirror);
    if (gs && (size <= (gh + gd) * 1.01 || shape == D_GLYPH)) {
        double gsize = s;
        if (shape == D_GLYPH && gh + gd > 0 && size > gh + gd) {   /* '/' grows uniformly */
            gsize = s * size / (gh + gd);
            gh *= gsize / s;
            gd *= gsize / s;
        }
        double dy = ax - (gh - gd) / 2;
        if (text_item(L, GB_FACE_MATH, gsize, 0, dy, gs, strlen(gs)) < 0) return -1;
        out->w = L->m->advance(L->m->ctx, GB_FACE_MATH, gs, strlen(gs), gsize);
        out->h = gh + dy;
        out->d = gd - dy;
        out->i1 = L->nit;
        return 0;
    }
    double H = size, He = size / s;
    double yt = ax + H / 2, yb = ax - H / 2;
    double th = fmin(0.08 + 0.015 * He, 0.13) * s, thin = 0.035 * s;
    double W;
    size_t p0;
    double *xy;
    switch (shape) {
    case D_PAREN: {
        W = fmin(0.27 + 0.17 * He, 0.85) * s;
        enum { NP = 24 };
        if (!(xy = push_pts(L, 2 * (NP + 1), &p0))) return -1;
        double xl = 0.2 * W, xr = 0.85 * W;
        for (int k = 0; k <= NP; k++) {   /* outer edge, top to bottom */
            double t = (double)k / NP, sn = sin(PI * t);
            xy[2 * k] = (xr - thin) - (xr - thin - xl) * sn;
            xy[2 * k + 1] = yt - t * H;
        }
        for (int k = 0; k <= NP; k++) {   /* inner edge, bottom to top */
            double t = 1.0 - (double)k / NP, sn = sin(PI * t);
            double xo = (xr - thin) - (xr - thin - xl) * sn;
            xy[2 * (NP + 1 + k)] = xo + thin + (th - thin) * sn;
            xy[2 * (NP + 1 + k) + 1] = yt - t * H;
        }
        if (path_item(L, xy, 2 * (NP + 1), p0, mirror, W) < 0) return -1;
        break;
    }
    case D_BRACKET: case D_FLOOR: case D_CEIL: {
        W = fmin(0.36 + 0.075 * He, 0.6) * s;
        double xl = 0.3 * W, xr = 0.85 * W, hs = 1.2 * thin, st = 0.85 * th;
        double top = shape == D_FLOOR ? 0 : hs, bot = shape == D_CEIL ? 0 : hs;
        double pts[16] = {xr, yt, xl, yt, xl, yb, xr, yb, xr, yb + bot, xl + st, yb + bot,
                          xl + st, yt - top, xr, yt - top};
        if (shape == D_FLOOR) { pts[0] = xl + st; pts[14] = xl + st; }
        if (shape == D_CEIL) { pts[6] = xl + st; pts[8] = xl + st; }
        if (!(xy = push_pts(L, 8, &p0))) return -1;
        memcpy(xy, pts, sizeof pts);
        if (path_item(L, xy, 8, p0, mirror, W) < 0) return -1;
        break;
    }
    case D_BRACE: {
        W = fmin(0.5 + 0.09 * He, 0.85) * s;
        enum { NP = 40 };
        if (!(xy = push_pts(L, 2 * (NP + 1), &p0))) return -1;
        double xtip = 0.85 * W, xmid = 0.5 * W, xcusp = 0.15 * W, s1 = 0.12;
        for (int side = 0; side < 2; side++)
            for (int k = 0; k <= NP; k++) {
                double t = side == 0 ? (double)k / NP : 1.0 - (double)k / NP;
                double q = t <= 0.5 ? t / 0.5 : (1.0 - t) / 0.5;   /* 0 at a tip, 1 at the cusp */
                double c = xmid;
                if (q < s1) c = xmid + (xtip - xmid) * (1 - q / s1) * (1 - q / s1);
                else if (q > 1 - s1) {
                    double r = (q - (1 - s1)) / s1;
                    c = xmid - (xmid - xcusp) * r * r;
                }
                double w = thin + (1.25 * th - thin) * fmin(1.0, 6 * q * (1 - q));
                xy[2 * (side * (NP + 1) + k)] = side == 0 ? c - w / 2 : c + w / 2;
                xy[2 * (side * (NP + 1) + k) + 1] = yt - t * H;
            }
        if (path_item(L, xy, 2 * (NP + 1), p0, mirror, W) < 0) return -1;
        break;
    }
    case D_ANGLE: {
        W = fmin(0.35 + 0.1 * He, 0.7) * s;
        double xl = 0.2 * W, xr = 0.8 * W, tx = 0.9 * th;
        double pts[12] = {xr - tx, yt, xl, ax, xr - tx, yb, xr, yb, xl + tx, ax, xr, yt};
        if (!(xy = push_pts(L, 6, &p0))) return -1;
        memcpy(xy, pts, sizeof pts);
        if (path_item(L, xy, 6, p0, mirror, W) < 0) return -1;
        break;
    }
    case D_BAR: case D_DBAR: default: {
        double tb = 0.065 * s;
        W = (shape == D_DBAR ? 0.5 : 0.3) * s;
        if (shape == D_DBAR) {
            if (rule_item(L, 0.17 * s - tb / 2, yb, tb, H) < 0) return -1;
            if (rule_item(L, 0.33 * s - tb / 2, yb, tb, H) < 0) return -1;
        } else if (rule_item(L, (W - tb) / 2, yb, tb, H) < 0) {
            return -1;
        }
        break;
    }
    }
    out->w = W;
    out->h = yt;
    out->d = -yb;
    out->i1 = L->nit;
    return 0;
}

static int lay_fenced(lay *L, int32_t i, int style, box *out)
{
    const gb_mnode *n = &L->t->n[i];
    empty_box(L, out);
    double s = sz(L, style), ax = axis(L, style);
    if (n->a < 0) {   /* \big( and friends: a fixed size */
        return build_delim(L, n->ldelim, n->amount * s, style, out);
    }
    box body, ld, rd;
    if (lay_hlist(L, L->t->n[n->a].a, style, GB_MC_OPEN, &body) < 0) return -1;
    n = &L->t->n[i];
    double d0 = fmax(body.h - ax, body.d + ax);
    double size = fmax(d0 * 2 * 0.901, 2 * d0 - 0.5 * s);
    if (build_delim(L, n->ldelim, size, style, &ld) < 0) return -1;
    if (build_delim(L, n->rdelim, size, style, &rd) < 0) return -1;
    translate(L, body.i0, body.i1, ld.w, 0);
    translate(L, rd.i0, rd.i1, ld.w + body.w, 0);
    out->w = ld.w + body.w + rd.w;
    out->h = fmax(body.h, fmax(ld.h, rd.h));
    out->d = fmax(body.d, fmax(ld.d, rd.d));
    out->i1 = L->nit;
    return 0;
}

/* ------------------------------------------------------------------ environments */

typedef struct rowinfo { size_t first; size_t ncells; double h, d, y; } rowinfo;

static int lay_table(lay *L, int32_t ti, int style, box *out)
{
    empty_box(L, out);
    const gb_mnode *t = &L->t->n[ti];
    int env = t->env;
    int cell_style = (env == GB_ENV_ALIGNED || env == GB_ENV_GATHERED) ? 0 : 2;
    double s = sz(L, cell_style), ax = axis(L, style);
    size_t nrows = 0, ncols = 0;
    for (int32_t r = t->a; r >= 0; r = L->t->n[r].next) {
        size_t c = 0;
        for (int32_t cell = L->t->n[r].a; cell >= 0; cell = L->t->n[cell].next) c++;
        if (c > ncols) ncols = c;
        nrows++;
    }
    rowinfo *rows = calloc(nrows ? nrows : 1, sizeof *rows);
    double *colw = calloc(ncols ? ncols : 1, sizeof *colw);
    double *colx = calloc(ncols ? ncols : 1, sizeof *colx);
    size_t hbase = L->nh;
    int rc = -1;
    if (!rows || !colw || !colx) { fail_oom(L); goto out; }
    size_t ri = 0;
    for (int32_t r = L->t->n[ti].a; r >= 0; r = L->t->n[r].next, ri++) {
        rows[ri].first = L->nh;
        size_t c = 0;
        for (int32_t cell = L->t->n[r].a; cell >= 0; cell = L->t->n[cell].next, c++) {
            hent h = {GB_MC_ORD, cell_style, 0, {0, 0, 0, 0, 0, 0}};
            int lead = (env == GB_ENV_ALIGNED && (c & 1)) ? GB_MC_ORD : GB_MC_NONE;
            if (lay_hlist(L, L->t->n[cell].a, cell_style, lead, &h.b) < 0) goto out;
            if (push_h(L, &h) < 0) goto out;
            if (h.b.w > colw[c]) colw[c] = h.b.w;
            rows[ri].h = fmax(rows[ri].h, h.b.h);
            rows[ri].d = fmax(rows[ri].d, h.b.d);
        }
        rows[ri].ncells = c;
    }
    /* Columns. */
    const char *spec = L->t->buf + L->t->n[ti].off;
    size_t speclen = env == GB_ENV_ARRAY ? L->t->n[ti].len : 0;
    double x = 0;
    for (size_t c = 0; c < ncols; c++) {
        if (env == GB_ENV_ALIGNED) {
            if (c > 0 && !(c & 1)) x += GB_MATH_ALIGNSEP * s;
            colx[c] = x;
            x += colw[c];
        } else if (env == GB_ENV_GATHERED) {
            colx[c] = x;
            x += colw[c];
        } else {
            x += GB_MATH_ARRAYCOLSEP * s;
            colx[c] = x;
            x += colw[c] + GB_MATH_ARRAYCOLSEP * s;
        }
    }
    double width = x;
    /* Rows: amsmath's \openup\jot spacing for aligned/gathered, struts for arrays. */
    for (size_t r = 0; r < nrows; r++) {
        if (env != GB_ENV_ALIGNED && env != GB_ENV_GATHERED) {
            rows[r].h = fmax(rows[r].h, GB_MATH_STRUT_H * s);
            rows[r].d = fmax(rows[r].d, GB_MATH_STRUT_D * s);
        }
        if (r == 0) { rows[r].y = 0; continue; }
        double dist;
        if (env == GB_ENV_ALIGNED || env == GB_ENV_GATHERED) {
            double skip = (GB_MATH_BASELINESKIP + GB_MATH_JOT) * s;
            double gap = skip - rows[r - 1].d - rows[r].h;
            dist = gap >= GB_MATH_JOT * s ? skip
                                          : rows[r - 1].d + rows[r].h + (0.1 + GB_MATH_JOT) * s;
        } else {
            dist = rows[r - 1].d + rows[r].h;
        }
        rows[r].y = rows[r - 1].y - dist;
    }
    double top = nrows ? rows[0].h : 0, bottom = nrows ? rows[nrows - 1].y - rows[nrows - 1].d : 0;
    double shift = ax - (top + bottom) / 2;   /* the environment is centred on the axis */
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < rows[r].ncells; c++) {
            const box *b = &L->h[rows[r].first + c].b;
            char al;
            if (env == GB_ENV_ALIGNED) al = (c & 1) ? 'l' : 'r';
            else if (env == GB_ENV_GATHERED || env == GB_ENV_MATRIX) al = 'c';
            else if (env == GB_ENV_CASES) al = 'l';
            else al = c < speclen ? spec[c] : 'c';
            double cx = colx[c] + (al == 'l' ? 0 : al == 'r' ? colw[c] - b->w : (colw[c] - b->w) / 2);
            translate(L, b->i0, b->i1, cx, rows[r].y + shift);
        }
        if (ti == L->line_table) {
            litem *m = push_item(L, IT_MARK);
            if (!m) goto out;
            m->y = rows[r].y + shift;
            m->row = (int32_t)r;
        }
    }
    out->w = width;
    out->h = top + shift;
    out->d = -(bottom + shift);
    out->i1 = L->nit;
    rc = 0;
out:
    L->nh = hbase;
    free(rows);
    free(colw);
    free(colx);
    return rc;
}

/* ------------------------------------------------------------------ hlists (rules 5, 6, 20) */

static int lay_hlist(lay *L, int32_t first, int style, int lead, box *out)
{
    empty_box(L, out);
    size_t base = L->nh;
    int st = style;
    for (int32_t c = first; c >= 0; c = L->t->n[c].next) {
        const gb_mnode *n = &L->t->n[c];
        hent h = {GB_MC_NONE, st, 0, {0, 0, 0, 0, 0, 0}};
        if (n->kind == GB_MK_STYLE) {
            st = (int)n->amount;
            continue;
        }
        if (n->kind == GB_MK_SPACE) {
            h.kern = 1;
            h.b.w = n->amount * sz(L, st) / 18.0;
            h.b.i0 = h.b.i1 = L->nit;
        } else {
            h.cls = cls_of(L, c);
            if (lay_node(L, c, st, &h.b) < 0) { L->nh = base; return -1; }
        }
        if (push_h(L, &h) < 0) { L->nh = base; return -1; }
    }
    /* Rules 5 and 6: a Bin with nothing to bind on its left, or followed by a Rel, Close or
     * Punct or by nothing, is an Ord. */
    int prev = lead;
    size_t prev_i = (size_t)-1;
    for (size_t k = base; k < L->nh; k++) {
        hent *h = &L->h[k];
        if (h->kern) continue;
        if (h->cls == GB_MC_BIN && (prev == GB_MC_NONE || prev == GB_MC_BIN || prev == GB_MC_OP ||
                                    prev == GB_MC_REL || prev == GB_MC_OPEN || prev == GB_MC_PUNCT))
            h->cls = GB_MC_ORD;
        if ((h->cls == GB_MC_REL || h->cls == GB_MC_CLOSE || h->cls == GB_MC_PUNCT) &&
            prev == GB_MC_BIN && prev_i != (size_t)-1)
            L->h[prev_i].cls = GB_MC_ORD;
        prev = h->cls;
        prev_i = k;
    }
    if (prev_i != (size_t)-1 && L->h[prev_i].cls == GB_MC_BIN) L->h[prev_i].cls = GB_MC_ORD;
    /* Rule 20: inter-atom spacing. */
    double x = 0;
    prev = lead;
    for (size_t k = base; k < L->nh; k++) {
        hent *h = &L->h[k];
        if (h->kern) { x += h->b.w; continue; }
        if (prev != GB_MC_NONE) {
            char code = spacing_table[prev * 8 + h->cls];
            double mu = sz(L, h->style) / 18.0, sp = 0;
            int script = h->style >= 4;
            if (code == '1' && !script) sp = 3 * mu;
            else if (code == '2') sp = 3 * mu;
            else if (code == '3' && !script) sp = 4 * mu;
            else if (code == '4' && !script) sp = 5 * mu;
            x += sp;
        }
        translate(L, h->b.i0, h->b.i1, x, 0);
        x += h->b.w;
        out->h = fmax(out->h, h->b.h);
        out->d = fmax(out->d, h->b.d);
        prev = h->cls;
    }
    /* A single glyph keeps its italic correction, so x' and {x}^2 still clear the slant. */
    if (L->nh == base + 1 && !L->h[base].kern) out->ic = L->h[base].b.ic;
    out->w = x;
    out->i1 = L->nit;
    L->nh = base;
    return 0;
}

static int lay_node(lay *L, int32_t i, int style, box *out)
{
    switch (L->t->n[i].kind) {
    case GB_MK_LIST: return lay_hlist(L, L->t->n[i].a, style, GB_MC_NONE, out);
    case GB_MK_SYM: return lay_sym(L, i, style, out);
    case GB_MK_SCRIPTS: return lay_scripts(L, i, style, out);
    case GB_MK_FRAC: return lay_frac(L, i, style, out);
    case GB_MK_ACCENT: return lay_accent(L, i, style, out);
    case GB_MK_FENCED: return lay_fenced(L, i, style, out);
    case GB_MK_TABLE: return lay_table(L, i, style, out);
    default: empty_box(L, out); return 0;
    }
}

/* ------------------------------------------------------------------ entry points */

void gb_math_box_free(gb_math_box *mb)
{
    if (!mb) return;
    gb_dlist_free(mb->dl);
    for (size_t k = 0; k < mb->nlines; k++) {
        free((void *)mb->lines[k].tag);
        free((void *)mb->lines[k].label);
    }
    free(mb->lines);
    free((void *)mb->tag);
    free((void *)mb->label);
    memset(mb, 0, sizeof *mb);
}

static char *dup_or_null(const char *s, int *oom)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) *oom = 1;
    return d;
}

/* *dst a copy of *src; its list copied, or shared (gb_dlist_share) when share is set. */
static int copy_box(const gb_math_box *src, gb_math_box *dst, int share)
{
    memset(dst, 0, sizeof *dst);
    int oom = 0;
    dst->width = src->width;
    dst->height = src->height;
    dst->depth = src->depth;
    dst->axis = src->axis;
    dst->notag = src->notag;
    dst->tag = dup_or_null(src->tag, &oom);
    dst->label = dup_or_null(src->label, &oom);
    dst->dl = share && src->dl ? gb_dlist_share(src->dl) : gb_dlist_copy(src->dl);
    if (!dst->dl) oom = 1;
    if (src->nlines) {
        dst->lines = calloc(src->nlines, sizeof *dst->lines);
        if (!dst->lines) oom = 1;
        else {
            dst->nlines = src->nlines;
            for (size_t k = 0; k < src->nlines; k++) {
                dst->lines[k].baseline = src->lines[k].baseline;
                dst->lines[k].notag = src->lines[k].notag;
                dst->lines[k].tag = dup_or_null(src->lines[k].tag, &oom);
                dst->lines[k].label = dup_or_null(src->lines[k].label, &oom);
            }
        }
    }
    if (oom) {
        gb_math_box_free(dst);
        return -1;
    }
    return 0;
}

int gb_math_box_copy(const gb_math_box *src, gb_math_box *dst) { return copy_box(src, dst, 0); }

static char *copy_text(const gb_math_node *t, int32_t off, int32_t len, int *oom)
{
    if (off < 0) return NULL;
    char *s = malloc((size_t)len + 1);
    if (!s) { *oom = 1; return NULL; }
    memcpy(s, t->buf + off, (size_t)len);
    s[len] = '\0';
    return s;
}

static void row_info(const gb_math_node *t, int32_t row, gb_math_line *ln, int *oom)
{
    const gb_mnode *r = &t->n[row];
    ln->notag = r->notag;
    ln->tag = copy_text(t, r->tag_off, r->tag_len, oom);
    ln->label = copy_text(t, r->label_off, r->label_len, oom);
}

int gb_math_layout(const gb_math_node *t, gb_math_style style, double size_pt,
                   const gb_metrics *m, gb_math_box *out, gb_err *e)
{
    memset(out, 0, sizeof *out);
    if (!t || !m || !isfinite(size_pt) || size_pt <= 0 || size_pt > 1e4)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "gb_math_layout: no formula, no metrics or bad size %g", size_pt);
    lay L = {.t = t, .m = m, .base = size_pt, .e = e, .xh = {-1, -1, -1}, .line_table = -1};
    for (int32_t c = t->n[t->root].a; c >= 0; c = t->n[c].next)
        if (t->n[c].kind == GB_MK_TABLE &&
            (t->n[c].env == GB_ENV_ALIGNED || t->n[c].env == GB_ENV_GATHERED)) {
            L.line_table = c;
            break;
        }
    box b;
    int rc = lay_hlist(&L, t->n[t->root].a, style == GB_MATH_TEXT ? 2 : 0, GB_MC_NONE, &b);
    int oom = 0;
    if (rc == 0 && !(isfinite(b.w) && isfinite(b.h) && isfinite(b.d))) {
        rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "formula size is not finite (bad metrics)");
    }
    if (rc == 0) {
        out->width = b.w;
        out->height = b.h;
        out->depth = b.d;
        out->axis = GB_MATH_AXIS * size_pt;
        out->dl = gb_dlist_new();
        size_t nrows = 0;
        if (L.line_table >= 0)
            for (int32_t r = t->n[L.line_table].a; r >= 0; r = t->n[r].next) nrows++;
        out->nlines = nrows ? nrows : 1;
        out->lines = calloc(out->nlines, sizeof *out->lines);
        if (!out->dl || !out->lines) oom = 1;
        const gb_rgb black = GB_BLACK;
        for (size_t k = 0; k < L.nit && !oom; k++) {
            const litem *it = &L.it[k];
            int r = 0;
            switch (it->kind) {
            case IT_TEXT:
                r = gb_dl_text(out->dl, (gb_face)it->face, it->size, it->x, it->y, it->s, it->len,
                               black);
                break;
            case IT_RULE:
                r = gb_dl_rect(out->dl, it->x, it->y, it->w, it->h, &black, NULL);
                break;
            case IT_PATH:
                r = gb_dl_path(out->dl, L.pts + 2 * it->p0, it->np, 1, &black, NULL);
                break;
            case IT_MARK:
                if ((size_t)it->row < out->nlines) out->lines[it->row].baseline = it->y;
                break;
            }
            if (r < 0) oom = 1;
        }
        if (!oom) {
            if (nrows) {
                size_t k = 0;
                for (int32_t r = t->n[L.line_table].a; r >= 0; r = t->n[r].next, k++)
                    row_info(t, r, &out->lines[k], &oom);
            } else {
                row_info(t, t->top_row, &out->lines[0], &oom);
            }
            const gb_mnode *top = &t->n[t->top_row];
            out->notag = top->notag;
            out->tag = copy_text(t, top->tag_off, top->tag_len, &oom);
            out->label = copy_text(t, top->label_off, top->label_len, &oom);
        }
        if (oom) {
            gb_math_box_free(out);
            rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory setting a formula");
        }
    } else if (rc < 0) {
        rc = L.code ? L.code : GB_EINTERNAL;
    }
    free(L.it);
    free(L.pts);
    free(L.h);
    return rc;
}

/* Boxes in the thread's memo (memo.h). */
/* The memo keeps a copy of a box (its list sized to fit) and hands it out with the list shared,
 * read-only (gb_math_render). */
static int box_memo_copy(const void *src, void *dst) { return copy_box(src, dst, 0); }
static int box_memo_give(const void *src, void *dst) { return copy_box(src, dst, 1); }
static void box_memo_clear(void *v) { gb_math_box_free(v); }
static size_t box_memo_weight(const void *v) { return gb_dlist_count(((const gb_math_box *)v)->dl); }
static const gb_memo_ops box_memo = {sizeof(gb_math_box), box_memo_copy, box_memo_clear,
                                     box_memo_weight, box_memo_give};

int gb_math_render(const char *tex, size_t len, gb_math_style style, double size_pt,
                   const gb_metrics *m, const gb_math_src *where, gb_math_box *out, gb_err *e)
{
    memset(out, 0, sizeof *out);
    /* the key: everything the box depends on (metrics, style, size, text) */
    uint64_t mkey = m->key ? m->key(m->ctx) : 0;
    gb_memo_key k = {0};
    int st = (int)style;
    int found = 0;
    if (mkey) {
        gb_memo_key_put(&k, &mkey, sizeof mkey);
        gb_memo_key_put(&k, &st, sizeof st);
        gb_memo_key_put(&k, &size_pt, sizeof size_pt);
        gb_memo_key_put(&k, tex, len);
        found = gb_memo_find(GB_MEMO_MATH, &box_memo, &k, out);
    }
    if (found) {
        gb_memo_key_free(&k);
        return found > 0 ? 0
                         : gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory setting a formula");
    }
    gb_math_node *t = gb_math_parse(tex, len, where, e);
    int rc = t ? gb_math_layout(t, style, size_pt, m, out, e) : e && e->code ? e->code : GB_EINPUT;
    gb_math_free(t);
    /* kept only if the metrics still measure as they did (a font may fail to load meanwhile) */
    if (!rc && mkey && m->key(m->ctx) == mkey) gb_memo_offer(GB_MEMO_MATH, &box_memo, &k, out);
    gb_memo_key_free(&k);
    return rc;
}
