/* values.c — formatting quantity values for text, math and exports. */
#include "book/values.h"
#include "util/hash.h"
#include "util/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

typedef struct spec { char conv; int prec; } spec;

static int parse(const char *fmt, spec *s)
{
    if (!fmt || !*fmt) { s->conv = 'f'; s->prec = 4; return 0; }
    if (!strcmp(fmt, "d")) { s->conv = 'd'; s->prec = 0; return 0; }
    if (fmt[0] != '.') return -1;
    char *end;
    long p = strtol(fmt + 1, &end, 10);
    if (end == fmt + 1 || p < 0 || p > 15) return -1;
    if (!strchr("feg%", *end) || !*end || end[1]) return -1;
    s->conv = *end;
    s->prec = (int)p;
    if (s->conv == 'g' && s->prec == 0) s->prec = 1;
    return 0;
}

int gb_value_format_check(const char *fmt)
{
    spec s;
    return parse(fmt, &s);
}

/* "1.234e-05" -> mantissa "1.234", exponent -5. */
static void split_exp(const char *s, char *mant, size_t cap, int *exp)
{
    const char *e = strchr(s, 'e');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n >= cap) n = cap - 1;
    memcpy(mant, s, n);
    mant[n] = '\0';
    *exp = e ? atoi(e + 1) : 0;
}

/* gb_value_format copies its 64-byte buffer into these whole */
_Static_assert(sizeof ((gb_formatted *)0)->plain >= 64 && sizeof ((gb_formatted *)0)->tex >= 64,
               "gb_formatted's plain and tex hold a formatted number");

/* The thread's last formatted values, direct-mapped by (v, fmt): a sheet formats a quantity
 * many times (a given value appears in every formula that uses it), and printf of a double is
 * slow. An entry holds the whole result, so a hit gives the same bytes. */
#define FMT_CACHE 64
typedef struct fmt_entry {
    uint64_t bits;       /* of v */
    char fmt[16];        /* "" = empty slot */
    gb_formatted out;
} fmt_entry;
static _Thread_local fmt_entry fmt_cache[FMT_CACHE];

static int format(double v, const char *fmt, gb_formatted *out);

int gb_value_format(double v, const char *fmt, gb_formatted *out)
{
    size_t fl = fmt ? strlen(fmt) : 0;
    if (!fmt || fl >= sizeof fmt_cache[0].fmt) return format(v, fmt, out);
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint64_t h = (bits ^ (bits >> 29) ^ gb_hash_words64(fmt, fl)) * 0x9E3779B97F4A7C15ULL;
    fmt_entry *c = &fmt_cache[h >> 58];   /* 6 bits: FMT_CACHE slots */
    if (c->fmt[0] && c->bits == bits && !strcmp(c->fmt, fmt)) {
        *out = c->out;
        return 0;
    }
    int rc = format(v, fmt, out);
    if (!rc && fl) {
        c->bits = bits;
        memcpy(c->fmt, fmt, fl + 1);
        c->out = *out;
    }
    return rc;
}

static int format(double v, const char *fmt, gb_formatted *out)
{
    spec s;
    memset(out, 0, sizeof *out);
    if (parse(fmt, &s) != 0 || !isfinite(v)) return -1;
    if (v == 0) v = 0.0;   /* -0 -> 0 */
    char buf[64];
    switch (s.conv) {
    case 'd':
        if (fabs(v) >= 1e15) snprintf(buf, sizeof buf, "%.3e", v);
        else snprintf(buf, sizeof buf, "%.0f", v);
        break;
    case 'f':
        if (fabs(v) >= 1e15) { snprintf(buf, sizeof buf, "%.*e", s.prec, v); break; }
        snprintf(buf, sizeof buf, "%.*f", s.prec, v);
        /* A non-zero value that rounds to zero keeps its digits in scientific notation. */
        if (v != 0 && strtod(buf, NULL) == 0) snprintf(buf, sizeof buf, "%.*e", s.prec ? s.prec - 1 : 0, v);
        break;
    case 'e': snprintf(buf, sizeof buf, "%.*e", s.prec, v); break;
    case 'g': snprintf(buf, sizeof buf, "%.*g", s.prec, v); break;
    case '%':
        if (fabs(v) >= 1e13) snprintf(buf, sizeof buf, "%.*e", s.prec, v * 100);
        else snprintf(buf, sizeof buf, "%.*f", s.prec, v * 100);
        break;
    }
    if (!strcmp(buf, "-0") || (buf[0] == '-' && strtod(buf, NULL) == 0 && !strchr(buf, 'e')))
        memmove(buf, buf + 1, strlen(buf));   /* "-0.0000" -> "0.0000" */
    out->has_exponent = strchr(buf, 'e') != NULL;
    if (out->has_exponent) split_exp(buf, out->mant, sizeof out->mant, &out->exp);
    if (s.conv == '%') {
        snprintf(out->plain, sizeof out->plain, "%s %%", buf);
        snprintf(out->tex, sizeof out->tex, "%s\\,\\%%", buf);
    } else {
        /* buf (< 64 bytes) fits both: copied, not printed (a worksheet formats ~100 values) */
        size_t n = strlen(buf) + 1;
        memcpy(out->plain, buf, n);
        if (out->has_exponent) {
            snprintf(out->tex, sizeof out->tex, "%s \\times 10^{%d}", out->mant, out->exp);
        } else {
            memcpy(out->tex, buf, n);
        }
    }
    /* Body text: a typographic minus. */
    gb_utf8_minus(out->text, sizeof out->text, out->plain);
    return 0;
}

int gb_value_interval_tex(double lo, double hi, char *buf, size_t cap)
{
    gb_formatted a, b;
    for (int d = 6;; d = d + 2 > 15 ? 15 : d + 2) {   /* gb_value_format takes up to 15 */
        char fmt[16];
        snprintf(fmt, sizeof fmt, ".%dg", d);
        if (gb_value_format(lo, fmt, &a) || gb_value_format(hi, fmt, &b)) return -1;
        if (strcmp(a.tex, b.tex) != 0 || d == 15) break;
    }
    snprintf(buf, cap, "[%s,\\ %s]", a.tex, b.tex);
    return 0;
}

int gb_value_rounded(double v, const char *fmt, double *out)
{
    gb_formatted f;
    if (gb_value_format(v, fmt, &f) != 0) return -1;
    *out = strtod(f.plain, NULL);
    spec s;
    parse(fmt, &s);
    if (s.conv == '%') *out /= 100;
    return 0;
}
