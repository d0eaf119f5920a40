/* ticks.c — nice tick positions and minimal-decimal labels for linear and log10 axes
 * (Heckbert 1990; Talbot, Lin & Hanrahan 2010 scoring, simplified to one tick per step). */
#include "typeset/ticks.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Talbot et al.'s preference order of step mantissas: earlier = simpler. */
static const double Q[] = {1.0, 5.0, 2.0, 2.5};
#define NQ 4

/* 10^k for integer k, exact for |k| <= 22 (pow of an exact power is correctly rounded there). */
static double pow10i(int k) { return pow(10.0, (double)k); }

/* i * q * 10^k computed so that e.g. 3 * 0.1 gives 0.3, not 0.30000000000000004: dividing by an
 * exact 10^-k rounds once, multiplying by an inexact 10^k would round twice. */
static double tick_value(double i, double q, int k)
{
    return k >= 0 ? i * q * pow10i(k) : (i * q) / pow10i(-k);
}

size_t gb_ticks_format(double v, int decimals, char *buf, size_t cap)
{
    if (!buf || cap == 0) return 0;
    if (decimals < 0) decimals = 0;
    if (decimals > 17) decimals = 17;
    if (!isfinite(v)) v = 0;   /* callers pass finite ticks; never print "nan" */
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    const char *s = tmp;
    if (tmp[0] == '-') {
        int zero = 1;
        for (const char *c = tmp + 1; *c; c++)
            if (*c != '0' && *c != '.') { zero = 0; break; }
        if (zero) s = tmp + 1;   /* "-0.00" reads as zero: drop the sign */
    }
    size_t n = strlen(s);
    if (n >= cap) n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return n;
}

int gb_ticks_decimals(const double *vals, size_t n)
{
    if (!vals || n == 0) return 0;
    double gap = INFINITY;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double g = fabs(vals[i] - vals[j]);
            if (g > 0 && g < gap) gap = g;
        }
    if (!isfinite(gap)) gap = fabs(vals[0]);
    double tol = 1e-6 * gap;
    for (int d = 0; d <= 17; d++) {
        int ok = 1;
        for (size_t i = 0; i < n && ok; i++) {
            char b[400];
            gb_ticks_format(vals[i], d, b, sizeof b);
            if (!(fabs(strtod(b, NULL) - vals[i]) <= tol)) ok = 0;
        }
        if (ok) return d;
    }
    return 17;
}

/* Fills the majors' labels with values scaled by 10^-e (e = 0: plain decimals). Returns the
 * longest label's length. */
static size_t fill_labels(gb_ticks *out, int e)
{
    double vals[GB_TICKS_MAX];
    size_t n = 0, longest = 0;
    for (size_t i = 0; i < out->n; i++)
        if (out->t[i].major) {
            double v = out->t[i].value;
            vals[n++] = e > 0 ? v / pow10i(e) : e < 0 ? v * pow10i(-e) : v;
        }
    int d = gb_ticks_decimals(vals, n);
    size_t j = 0;
    for (size_t i = 0; i < out->n; i++) {
        gb_tick *t = &out->t[i];
        t->mant[0] = t->exp[0] = '\0';
        if (!t->major) continue;
        double v = vals[j++];
        if (t->value == 0 && e != 0) {
            strcpy(t->mant, "0");   /* "0", not "0.0 x 10^9" */
            continue;
        }
        size_t len = gb_ticks_format(v, d, t->mant, sizeof t->mant);
        if (e != 0) len += (size_t)snprintf(t->exp, sizeof t->exp, "%d", e) + 3;   /* "x10" */
        if (len > longest) longest = len;
    }
    return longest;
}

/* Labels for the majors of a linear axis: plain decimals, or mantissas with a common power of
 * ten when the plain form would be long (>= 1e6), mostly zeros (< 1e-4), or longer than 8
 * characters (a narrow range far from zero). */
static void label_linear(gb_ticks *out)
{
    double amax = 0;
    for (size_t i = 0; i < out->n; i++)
        if (out->t[i].major && fabs(out->t[i].value) > amax) amax = fabs(out->t[i].value);
    int e = amax > 0 ? (int)floor(log10(amax)) : 0;
    if (amax >= 1e6 || (amax > 0 && amax < 1e-4)) { fill_labels(out, e); return; }
    size_t plain = fill_labels(out, 0);
    if (plain > 8 && e != 0) fill_labels(out, e);
}

int gb_ticks_linear(double lo, double hi, int target, int loose, gb_ticks *out)
{
    if (!out) return GB_TICKS_EARG;
    memset(out, 0, sizeof *out);
    int rc = GB_TICKS_OK;
    if (!isfinite(lo) || !isfinite(hi)) { lo = 0; hi = 1; rc = GB_TICKS_FALLBACK; }
    if (lo > hi) { double t = lo; lo = hi; hi = t; }
    /* Keep clear of the top of the double range so lo - step etc. stay finite. */
    if (fabs(lo) > 1e300 || fabs(hi) > 1e300) {
        lo = fmax(lo, -1e300); hi = fmin(hi, 1e300);
    }
    double mid = 0.5 * lo + 0.5 * hi;
    if (!(hi - lo > 1e-12 * fabs(mid)) || hi - lo < 1e-300) {
        double half = fabs(mid) > 0 ? fabs(mid) / 10 : 1.0;
        lo = mid - half;
        hi = mid + half;
    }
    if (target < 2) target = 2;
    if (target > 12) target = 12;
    double span = hi - lo;
    int k0 = (int)floor(log10(span));
    double best = -INFINITY, bstep = 0, bq = 1;
    long bi0 = 0, bi1 = 0;
    int bk = 0;
    for (int k = k0 - 2; k <= k0 + 1; k++)
        for (int qi = 0; qi < NQ; qi++) {
            double q = Q[qi], step = tick_value(1, q, k);
            double f = lo / step, l = hi / step;
            double i0 = loose ? floor(f + 1e-9) : ceil(f - 1e-9);
            double i1 = loose ? ceil(l - 1e-9) : floor(l + 1e-9);
            double n = i1 - i0 + 1;
            if (n < 2 || n > 3 * target || n > GB_TICKS_MAX) continue;
            double lmin = i0 * step, lmax = i1 * step;
            int has_zero = i0 <= 0 && i1 >= 0;
            double simp = 1.0 - qi / (double)(NQ - 1) + (has_zero ? 1.0 : 0.0);
            /* Coverage: the share of the axis that the data use (loose), or of the data range
             * that the ticks span (tight). Talbot's quadratic form punished loose axes so hard
             * that 10+ ticks won over 7; the ratio keeps the count near the target. */
            double cov = loose ? span / (lmax - lmin) : (lmax - lmin) / span;
            double dens = 2 - fmax(n / target, target / n);
            double score = 0.25 * simp + 0.2 * cov + 0.5 * dens;
            if (score > best + 1e-12) {
                best = score; bstep = step; bq = q; bk = k; bi0 = (long)i0; bi1 = (long)i1;
            }
        }
    if (bstep == 0) {
        /* Cannot happen for a finite span > 0 (some q*10^k gives 2..target ticks); recover. */
        out->lo = lo; out->hi = hi; out->step = span; out->n = 2;
        out->t[0].value = lo; out->t[0].major = 1;
        out->t[1].value = hi; out->t[1].major = 1;
        label_linear(out);
        return GB_TICKS_FALLBACK;
    }
    out->step = bstep;
    for (long i = bi0; i <= bi1 && out->n < GB_TICKS_MAX; i++) {
        double v = tick_value((double)i, bq, bk);
        if (i == 0) v = 0.0;   /* exact zero, never -0 */
        out->t[out->n].value = v;
        out->t[out->n].major = 1;
        out->n++;
    }
    out->lo = loose ? fmin(lo, out->t[0].value) : lo;
    out->hi = loose ? fmax(hi, out->t[out->n - 1].value) : hi;
    label_linear(out);
    return rc;
}

static long floordiv(long a, long b) { long q = a / b; return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q; }
static long ceildiv(long a, long b) { return -floordiv(-a, b); }

static void push_tick(gb_ticks *out, double v, int major, int e)
{
    if (out->n >= GB_TICKS_MAX) return;
    gb_tick *t = &out->t[out->n++];
    t->value = v;
    t->major = major;
    t->mant[0] = t->exp[0] = '\0';
    if (major) snprintf(t->exp, sizeof t->exp, "%d", e);
}

int gb_ticks_log(double lo, double hi, int max_labels, gb_ticks *out)
{
    if (!out) return GB_TICKS_EARG;
    memset(out, 0, sizeof *out);
    out->log = 1;
    int rc = GB_TICKS_OK;
    if (!isfinite(lo) || !isfinite(hi)) { lo = 1; hi = 10; rc = GB_TICKS_FALLBACK; }
    if (lo > hi) { double t = lo; lo = hi; hi = t; }
    if (hi <= 0) { lo = 1; hi = 10; rc = GB_TICKS_FALLBACK; }
    else if (lo <= 0) { lo = hi / 1000; rc = GB_TICKS_FALLBACK; }
    if (lo < DBL_MIN) lo = DBL_MIN;   /* keep 10^e0 a normal, non-zero double */
    if (max_labels < 2) max_labels = 2;
    if (max_labels > 12) max_labels = 12;
    long e0 = (long)floor(log10(lo) + 1e-9);
    long e1 = (long)ceil(log10(hi) - 1e-9);
    if (e0 < -307) e0 = -307;
    if (e1 > 308) e1 = 308;
    if (e1 <= e0) { if (e1 < 308) e1 = e0 + 1; else e0 = e1 - 1; }
    long stride = 1;
    while (floordiv(e1, stride) - ceildiv(e0, stride) + 1 > max_labels) stride++;
    long ndec = e1 - e0;
    int with_minor = ndec <= 4;
    int all_decades = ndec + 1 <= GB_TICKS_MAX - (with_minor ? 8 * ndec : 0);
    for (long e = e0; e <= e1; e++) {
        int labelled = floordiv(e, stride) * stride == e;
        double v = pow10i((int)e);
        if (labelled) push_tick(out, v, 1, (int)e);
        else if (all_decades) push_tick(out, v, 0, (int)e);
        if (with_minor && e < e1)
            for (int m = 2; m <= 9; m++) push_tick(out, m * v, 0, (int)e);
    }
    out->lo = pow10i((int)e0);
    out->hi = pow10i((int)e1);
    out->step = (double)stride;
    return rc;
}
