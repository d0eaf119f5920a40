/* pdf_ops.c — PDF content-stream operators into a growable byte buffer (see pdf_ops.h). */
#include "typeset/pdf_ops.h"
#include "util/grow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void gb_ops_free(gb_ops *o)
{
    free(o->buf);
    *o = (gb_ops)GB_OPS_INIT;
}

void gb_ops_clear(gb_ops *o)
{
    o->len = 0;
    o->failed = 0;
    o->in_text = 0;
    o->tx = o->ty = 0;
    o->tj_open = 0;
}

int gb_ops_failed(const gb_ops *o) { return o->failed; }

/* Room for n more bytes; 0 when out of memory (then failed is set). */
static int room(gb_ops *o, size_t n)
{
    if (o->failed) return 0;
    if (o->len + n <= o->cap) return 1;
    char *p = gb_grow(o->buf, &o->cap, o->len + n, 1, 4096);
    if (!p) {
        o->failed = 1;
        return 0;
    }
    o->buf = p;
    return 1;
}

void gb_ops_raw(gb_ops *o, const char *s, size_t len)
{
    if (!room(o, len)) return;
    memcpy(o->buf + o->len, s, len);
    o->len += len;
}

static void str(gb_ops *o, const char *s) { gb_ops_raw(o, s, strlen(s)); }

/* Writes the integer count of thousandths m as a decimal number backwards, ending just before
 * end (at most 22 bytes); returns where it starts. */
static char *fmt_milli(char *end, long long m)
{
    char *p = end;
    int neg = m < 0;
    unsigned long long u = neg ? 0ULL - (unsigned long long)m : (unsigned long long)m;
    unsigned frac = (unsigned)(u % 1000);
    u /= 1000;
    if (frac) {
        int digits = 3;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        for (int i = 0; i < digits; i++) {
            *--p = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--p = '.';
    }
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg) *--p = '-';
    return p;
}

/* Appends the integer count of thousandths m as a decimal number, followed by a space when
 * space is set. */
static void milli_sp(gb_ops *o, long long m, int space)
{
    char tmp[32], *p = tmp + sizeof tmp;
    if (space) *--p = ' ';
    p = fmt_milli(p, m);
    gb_ops_raw(o, p, (size_t)(tmp + sizeof tmp - p));
}

static void milli(gb_ops *o, long long m) { milli_sp(o, m, 1); }

/* llround(r) for |r| < 2^52, without the library call (every number of a page goes through it):
 * r - trunc(r) is exact there. */
static long long round_half_away(double r)
{
    long long i = (long long)r;
    double f = r - (double)i;
    if (f >= 0.5) i++;
    else if (f <= -0.5) i--;
    return i;
}

/* v in thousandths, rounded half away from zero to whole hundredths; non-finite or huge values
 * give 0 and fail. */
static long long to_milli(gb_ops *o, double v)
{
    if (!isfinite(v) || fabs(v) > 1e12) {
        o->failed = 1;
        return 0;
    }
    /* hundredths of a point (1/7200 in): far below any device's resolution; the writer still
     * counts in thousandths, so relative moves stay exact sums */
    return round_half_away(v * 100.0) * 10;
}

void gb_ops_num(gb_ops *o, double v) { milli(o, to_milli(o, v)); }

static void end_tj(gb_ops *o)
{
    if (!o->tj_open) return;
    o->tj_open = 0;
    if (o->failed) return;
    if (o->tj_n == 1 && o->tj_at < o->len && o->buf[o->tj_at] == '[') {
        /* one string: "(...)Tj" without the array */
        memmove(o->buf + o->tj_at, o->buf + o->tj_at + 1, o->len - o->tj_at - 1);
        o->len--;
        str(o, "Tj\n");
    } else {
        str(o, "]TJ\n");
    }
}

void gb_ops_end_text(gb_ops *o)
{
    if (!o->in_text) return;
    end_tj(o);
    str(o, "ET\n");
    o->in_text = 0;
}

static void begin_text(gb_ops *o)
{
    if (o->in_text) return;
    str(o, "BT\n");
    o->in_text = 1;
    o->tx = o->ty = 0;   /* BT resets the text and line matrices */
}

static void rgb(gb_ops *o, double r, double g, double b, const char *op)
{
    end_tj(o);
    gb_ops_num(o, r);
    gb_ops_num(o, g);
    gb_ops_num(o, b);
    str(o, op);
}

void gb_ops_fill_rgb(gb_ops *o, double r, double g, double b) { rgb(o, r, g, b, "rg\n"); }
void gb_ops_stroke_rgb(gb_ops *o, double r, double g, double b) { rgb(o, r, g, b, "RG\n"); }

void gb_ops_line_width(gb_ops *o, double w)
{
    end_tj(o);
    gb_ops_num(o, w > 0 ? w : 0);
    str(o, "w\n");
}

void gb_ops_dash(gb_ops *o, double on, double off)
{
    end_tj(o);
    if (!(on > 0 && off > 0)) {
        str(o, "[] 0 d\n");
        return;
    }
    str(o, "[");
    gb_ops_num(o, on);
    gb_ops_num(o, off);
    str(o, "] 0 d\n");
}

static void point(gb_ops *o, double x, double y, const char *op)
{
    gb_ops_end_text(o);
    gb_ops_num(o, x);
    gb_ops_num(o, y);
    str(o, op);
}

void gb_ops_move_to(gb_ops *o, double x, double y) { point(o, x, y, "m\n"); }
void gb_ops_line_to(gb_ops *o, double x, double y) { point(o, x, y, "l\n"); }

void gb_ops_close(gb_ops *o)
{
    gb_ops_end_text(o);
    str(o, "h\n");
}

void gb_ops_rect(gb_ops *o, double x, double y, double w, double h)
{
    gb_ops_end_text(o);
    gb_ops_num(o, x);
    gb_ops_num(o, y);
    gb_ops_num(o, w);
    gb_ops_num(o, h);
    str(o, "re\n");
}

void gb_ops_circle(gb_ops *o, double x, double y, double r)
{
    /* kappa = 4 (sqrt 2 - 1) / 3: the control-point distance of a quarter circle */
    const double k = 0.5522847498 * r;
    gb_ops_move_to(o, x - r, y);
    const double c[4][6] = {
        {x - r, y + k, x - k, y + r, x, y + r},
        {x + k, y + r, x + r, y + k, x + r, y},
        {x + r, y - k, x + k, y - r, x, y - r},
        {x - k, y - r, x - r, y - k, x - r, y},
    };
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 6; j++) gb_ops_num(o, c[i][j]);
        str(o, "c\n");
    }
}

void gb_ops_paint(gb_ops *o, int fill, int stroke)
{
    gb_ops_end_text(o);
    str(o, fill && stroke ? "B\n" : fill ? "f\n" : stroke ? "S\n" : "n\n");
}

void gb_ops_font(gb_ops *o, const char *name, double size)
{
    begin_text(o);
    end_tj(o);
    /* "/<name> <size> Tf\n" in one piece: a worksheet changes font a thousand times */
    char buf[64], num[32];
    size_t nl = strlen(name);
    if (nl > 24) {   /* not a resource name (gb_store_font_name gives "F<k>") */
        o->failed = 1;
        return;
    }
    char *np = fmt_milli(num + sizeof num, to_milli(o, size));
    size_t n = 0, k = (size_t)(num + sizeof num - np);
    buf[n++] = '/';
    memcpy(buf + n, name, nl);
    n += nl;
    buf[n++] = ' ';
    memcpy(buf + n, np, k);
    n += k;
    memcpy(buf + n, " Tf\n", 4);
    gb_ops_raw(o, buf, n + 4);
}

void gb_ops_text(gb_ops *o, double x, double y, const uint16_t *codes, size_t n,
                 double advance, double size)
{
    begin_text(o);
    long long mx = to_milli(o, x), my = to_milli(o, y);
    double gap = x - o->tj_end;
    if (o->tj_open && my == o->tj_y && size == o->tj_size && gap > -1e-3 && size > 0) {
        /* a TJ displacement is in thousandths of an em, positive to the left */
        double t = -gap * 1000.0 / size;
        if (fabs(t) >= 0.005) {
            /* 2 decimals: 1e-5 em */
            long long c = fabs(t) < 1e12 ? round_half_away(t * 100.0) : llround(t * 100.0);
            milli_sp(o, c * 10, 0);   /* no space needed before the string */
        }
    } else {
        end_tj(o);
        /* "<dx> <dy> Td\n[" in one piece */
        char buf[64], *p = buf + sizeof buf;
        *--p = '[';
        *--p = '\n';
        *--p = 'd';
        *--p = 'T';
        *--p = ' ';
        p = fmt_milli(p, my - o->ty);
        *--p = ' ';
        p = fmt_milli(p, mx - o->tx);
        gb_ops_raw(o, p, (size_t)(buf + sizeof buf - p));
        o->tj_at = o->len - 1;
        o->tj_n = 0;
        o->tx = mx;
        o->ty = my;
        o->tj_open = 1;
        o->tj_y = my;
        o->tj_size = size;
    }
    o->tj_end = x + advance;
    o->tj_n++;
    /* at most 4 bytes a code once escaped */
    if (!room(o, 4 * n + 2)) return;
    char *p = o->buf + o->len;
    *p++ = '(';
    for (size_t i = 0; i < n; i++) {
        unsigned char b[2] = {(unsigned char)(codes[i] >> 8), (unsigned char)(codes[i] & 0xFF)};
        for (int j = 0; j < 2; j++) {
            switch (b[j]) {
            case '(': case ')': case '\\': *p++ = '\\'; *p++ = (char)b[j]; break;
            case '\r': *p++ = '\\'; *p++ = 'r'; break;
            case '\n': *p++ = '\\'; *p++ = 'n'; break;
            default: *p++ = (char)b[j];
            }
        }
    }
    *p++ = ')';
    o->len = (size_t)(p - o->buf);
}
