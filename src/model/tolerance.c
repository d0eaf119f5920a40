/* tolerance.c — accepted intervals around a key. */
#include "model/tolerance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gb_tolerance_parse(const char *s, gb_tolerance *out)
{
    gb_tolerance t;
    const char *v;
    if (!strncmp(s, "abs:", 4)) { t.kind = GB_TOL_ABS; v = s + 4; }
    else if (!strncmp(s, "rel:", 4)) { t.kind = GB_TOL_REL; v = s + 4; }
    else if (!strncmp(s, "sig:", 4)) { t.kind = GB_TOL_SIG; v = s + 4; }
    else return -1;
    char *end;
    double x = strtod(v, &end);
    if (end == v || !isfinite(x) || x <= 0) return -1;
    if (*end == '%' && t.kind == GB_TOL_REL) { x /= 100; end++; }
    if (*end) return -1;
    if (t.kind == GB_TOL_SIG && (x != floor(x) || x > 15)) return -1;
    if (t.kind == GB_TOL_REL && x >= 1) return -1;
    t.value = x;
    *out = t;
    return 0;
}

void gb_tolerance_format(const gb_tolerance *t, char *buf, unsigned cap)
{
    switch (t->kind) {
    case GB_TOL_ABS: snprintf(buf, cap, "abs:%g", t->value); break;
    case GB_TOL_REL: snprintf(buf, cap, "rel:%g%%", t->value * 100); break;
    case GB_TOL_SIG: snprintf(buf, cap, "sig:%d", (int)t->value); break;
    }
}

double gb_tolerance_halfwidth(const gb_tolerance *t, double k)
{
    double a = fabs(k);
    switch (t->kind) {
    case GB_TOL_ABS: return t->value;
    case GB_TOL_REL: return a > 0 ? t->value * a : GB_TOL_ZERO_FALLBACK;
    case GB_TOL_SIG:
        if (!(a > 0)) return GB_TOL_ZERO_FALLBACK;
        return 0.5 * pow(10.0, floor(log10(a)) - (t->value - 1));
    }
    return 0;
}

int gb_tolerance_accepts(const gb_tolerance *t, double k, double s)
{
    if (!isfinite(k) || !isfinite(s)) return 0;
    /* A hair of slack for the binary representation of decimal answers on the boundary. */
    double w = gb_tolerance_halfwidth(t, k);
    return fabs(s - k) <= w * (1 + 1e-12) + 1e-300;
}
