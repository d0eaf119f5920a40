/* test_ticks.c — nice ticks for linear and log10 axes and their labels (src/typeset/ticks.h). */
#include "gb_test.h"

#include "typeset/ticks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t majors(const gb_ticks *t, double *v, const char **lab, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n && n < cap; i++)
        if (t->t[i].major) {
            if (v) v[n] = t->t[i].value;
            if (lab) lab[n] = t->t[i].mant;
            n++;
        }
    return n;
}

/* Expected ticks given as exact rationals num[i] / den. */
static void expect_ticks(double lo, double hi, const long *num, long den, size_t n,
                         const char *const *labels)
{
    gb_ticks t;
    int rc = gb_ticks_linear(lo, hi, 6, 1, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_OK, "[%g, %g]: rc %d", lo, hi, rc);
    double v[GB_TICKS_MAX];
    const char *lab[GB_TICKS_MAX];
    size_t m = majors(&t, v, lab, GB_TICKS_MAX);
    GB_ASSERT_MSG(m == n, "[%g, %g]: %zu majors, expected %zu", lo, hi, m, n);
    for (size_t i = 0; i < n && i < m; i++) {
        GB_ASSERT_NEAR(v[i], (double)num[i] / (double)den, 1e-15);
        if (labels) GB_ASSERT_MSG(strcmp(lab[i], labels[i]) == 0, "[%g, %g] tick %zu: '%s', expected '%s'",
                                  lo, hi, i, lab[i], labels[i]);
        GB_ASSERT_MSG(t.t[i].exp[0] == '\0', "no exponent expected, got '%s'", t.t[i].exp);
    }
    GB_ASSERT_MSG(t.lo <= lo && t.hi >= hi, "loose range [%g, %g] covers [%g, %g]", t.lo, t.hi, lo, hi);
}

static void test_named_ranges(void)
{
    const long a[] = {0, 1, 2, 3, 4, 5};
    const char *al[] = {"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"};
    expect_ticks(0, 1, a, 5, 6, al);
    const long b[] = {-6, -4, -2, 0, 2, 4, 6};
    const char *bl[] = {"-6", "-4", "-2", "0", "2", "4", "6"};
    expect_ticks(-6, 6, b, 1, 7, bl);
    const long c[] = {93, 94, 95, 96, 97};
    const char *cl[] = {"0.93", "0.94", "0.95", "0.96", "0.97"};
    expect_ticks(0.93, 0.97, c, 100, 5, cl);
    const long d[] = {0, 50, 100, 150, 200};
    const char *dl[] = {"0", "50", "100", "150", "200"};
    expect_ticks(0, 200, d, 1, 5, dl);
    /* negative only, and the reversed order is swapped */
    const long e[] = {-10, -8, -6, -4, -2, 0};
    expect_ticks(-0.5, -10, e, 1, 6, NULL);
}

/* Deterministic pseudo-random doubles in [0, 1). */
static unsigned long long rng_state = 88172645463325252ULL;
static double urand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* Value of a label: mant, or mant x 10^exp. */
static double label_value(const gb_tick *t)
{
    double m = t->mant[0] ? strtod(t->mant, NULL) : 1.0;
    return t->exp[0] ? m * pow(10, atof(t->exp)) : m;
}

static void check_linear(double lo, double hi, int loose)
{
    gb_ticks t;
    int rc = gb_ticks_linear(lo, hi, 6, loose, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_OK, "[%.17g, %.17g]: rc %d", lo, hi, rc);
    double v[GB_TICKS_MAX];
    size_t n = majors(&t, v, NULL, GB_TICKS_MAX);
    GB_ASSERT_MSG(n >= (loose ? 3u : 2u) && n <= 9, "[%.17g, %.17g] loose %d: %zu ticks", lo, hi, loose, n);
    /* step = q * 10^k with q in {1, 2, 2.5, 5} */
    double k = floor(log10(t.step)), q = t.step / pow(10, k);
    int nice = fabs(q - 1) < 1e-9 || fabs(q - 2) < 1e-9 || fabs(q - 2.5) < 1e-9 || fabs(q - 5) < 1e-9;
    GB_ASSERT_MSG(nice, "[%.17g, %.17g]: step %.17g is not nice (q = %.17g)", lo, hi, t.step, q);
    for (size_t i = 0; i < n; i++) {
        /* every tick is an integer multiple of the step */
        double r = v[i] / t.step;
        GB_ASSERT_MSG(fabs(r - nearbyint(r)) < 1e-6, "tick %.17g not a multiple of %.17g", v[i], t.step);
        if (i) GB_ASSERT_REL(v[i] - v[i - 1], t.step, 1e-6);
    }
    if (loose) GB_ASSERT_MSG(v[0] <= lo && v[n - 1] >= hi, "[%.17g, %.17g] not covered by %.17g..%.17g", lo, hi, v[0], v[n - 1]);
    else {
        GB_ASSERT_MSG(t.lo == lo && t.hi == hi, "tight range kept");
        GB_ASSERT_MSG(v[0] >= lo - 1e-9 * t.step && v[n - 1] <= hi + 1e-9 * t.step, "tight ticks inside");
    }
    /* labels: read back to the tick, all distinct, no "-0", short */
    for (size_t i = 0; i < t.n; i++) {
        const gb_tick *a = &t.t[i];
        if (!a->major) continue;
        GB_ASSERT_MSG(a->mant[0] != '-' || a->value < 0, "label '%s' for %.17g", a->mant, a->value);
        GB_ASSERT_MSG(fabs(label_value(a) - a->value) <= 1e-6 * t.step, "label '%s'e'%s' vs %.17g",
                      a->mant, a->exp, a->value);
        GB_ASSERT_MSG(strlen(a->mant) <= 9, "label '%s' too long", a->mant);
        for (size_t j = i + 1; j < t.n; j++)
            if (t.t[j].major)
                GB_ASSERT_MSG(strcmp(a->mant, t.t[j].mant) != 0 || strcmp(a->exp, t.t[j].exp) != 0,
                              "labels %zu and %zu equal ('%s')", i, j, a->mant);
    }
}

static void test_many_ranges(void)
{
    for (int i = 0; i < 2000; i++) {
        double span = pow(10, -9 + 18 * urand()) * (0.5 + urand());
        double centre = (urand() - 0.5) * span * pow(10, 3 * urand());
        double lo = centre - span * urand(), hi = lo + span;
        check_linear(lo, hi, 1);
        check_linear(lo, hi, 0);
    }
}

static void test_label_decimals(void)
{
    char b[32];
    gb_ticks_format(0.1 + 0.2, 1, b, sizeof b);
    GB_ASSERT_MSG(strcmp(b, "0.3") == 0, "0.1+0.2 -> '%s'", b);
    gb_ticks_format(-0.0001, 2, b, sizeof b);
    GB_ASSERT_MSG(strcmp(b, "0.00") == 0, "-0.0001 -> '%s'", b);
    gb_ticks_format(-0.0, 0, b, sizeof b);
    GB_ASSERT_MSG(strcmp(b, "0") == 0, "-0.0 -> '%s'", b);
    gb_ticks_format(-1.5, 1, b, sizeof b);
    GB_ASSERT_MSG(strcmp(b, "-1.5") == 0, "-1.5 -> '%s'", b);
    const double v1[] = {0.1, 0.1 + 0.1, 0.1 + 0.2};
    GB_ASSERT_MSG(gb_ticks_decimals(v1, 3) == 1, "decimals %d", gb_ticks_decimals(v1, 3));
    const double v2[] = {0, 0.25, 0.5, 0.75};
    GB_ASSERT_MSG(gb_ticks_decimals(v2, 4) == 2, "decimals %d", gb_ticks_decimals(v2, 4));
    const double v3[] = {0, 500, 1000};
    GB_ASSERT_MSG(gb_ticks_decimals(v3, 3) == 0, "decimals %d", gb_ticks_decimals(v3, 3));
    GB_ASSERT_MSG(gb_ticks_decimals(NULL, 0) == 0, "empty");
    /* -0 never appears among ticks around zero */
    gb_ticks t;
    gb_ticks_linear(-0.3, 0.3, 6, 1, &t);
    for (size_t i = 0; i < t.n; i++)
        GB_ASSERT_MSG(t.t[i].mant[0] != '-' || t.t[i].value < 0, "'%s' for %g", t.t[i].mant, t.t[i].value);
}

static void test_tiny_huge(void)
{
    gb_ticks t;
    gb_ticks_linear(1e-9, 5e-9, 6, 1, &t);
    size_t n = majors(&t, NULL, NULL, GB_TICKS_MAX);
    GB_ASSERT_MSG(n >= 3, "%zu ticks", n);
    for (size_t i = 0; i < t.n; i++)
        if (t.t[i].value != 0) {
            GB_ASSERT_MSG(strcmp(t.t[i].exp, "-9") == 0, "exp '%s'", t.t[i].exp);
            GB_ASSERT_REL(label_value(&t.t[i]), t.t[i].value, 1e-9);
        }
    gb_ticks_linear(0, 2e9, 6, 1, &t);
    for (size_t i = 0; i < t.n; i++) {
        if (t.t[i].value == 0) { GB_ASSERT_MSG(strcmp(t.t[i].mant, "0") == 0 && !t.t[i].exp[0], "zero label"); continue; }
        GB_ASSERT_MSG(strcmp(t.t[i].exp, "9") == 0, "exp '%s'", t.t[i].exp);
        GB_ASSERT_REL(label_value(&t.t[i]), t.t[i].value, 1e-9);
    }
    /* extreme magnitudes stay finite */
    int rc = gb_ticks_linear(-1e308, 1e308, 6, 1, &t);
    GB_ASSERT_MSG(rc >= 0 && isfinite(t.lo) && isfinite(t.hi) && t.n >= 2, "huge range rc %d", rc);
    rc = gb_ticks_linear(4e-320, 9e-320, 6, 1, &t);
    GB_ASSERT_MSG(rc >= 0 && t.n >= 2 && t.lo < t.hi, "denormal range rc %d n %zu", rc, t.n);
}

static void test_degenerate(void)
{
    gb_ticks t;
    int rc = gb_ticks_linear(3, 3, 6, 1, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_OK && t.lo < 3 && t.hi > 3 && t.n >= 2, "[3,3]: rc %d [%g, %g]", rc, t.lo, t.hi);
    GB_ASSERT_MSG(t.lo >= 2.6 && t.hi <= 3.4, "[3,3] widened by 10%%: [%g, %g]", t.lo, t.hi);
    rc = gb_ticks_linear(0, 0, 6, 1, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_OK && t.lo == -1 && t.hi == 1, "[0,0]: [%g, %g]", t.lo, t.hi);
    rc = gb_ticks_linear(NAN, 1, 6, 1, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_FALLBACK && t.lo == 0 && t.hi == 1 && t.n == 6, "NaN: rc %d", rc);
    rc = gb_ticks_linear(0, INFINITY, 6, 0, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_FALLBACK && t.lo == 0 && t.hi == 1, "inf: rc %d", rc);
    GB_ASSERT_MSG(gb_ticks_linear(0, 1, 6, 1, NULL) == GB_TICKS_EARG, "NULL out");
    /* target is clamped, not trusted */
    rc = gb_ticks_linear(0, 1, -5, 1, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_OK && t.n >= 2 && t.n <= GB_TICKS_MAX, "target -5: n %zu", t.n);
    rc = gb_ticks_linear(0, 1, 1000, 1, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_OK && t.n <= 40, "target 1000: n %zu", t.n);
}

static void test_log(void)
{
    gb_ticks t;
    int rc = gb_ticks_log(1e-13, 1e-1, 6, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_OK && t.log, "rc %d", rc);
    GB_ASSERT_REL(t.lo, 1e-13, 1e-12);
    GB_ASSERT_REL(t.hi, 1e-1, 1e-12);
    /* a tick at every decade 10^-13 .. 10^-1 and nothing else (13 decades: no 2..9 minors) */
    GB_ASSERT_MSG(t.n == 13, "%zu ticks", t.n);
    size_t labelled = 0;
    for (size_t i = 0; i < t.n && i < 13; i++) {
        GB_ASSERT_REL(t.t[i].value, pow(10, -13 + (int)i), 1e-12);
        if (t.t[i].major) {
            labelled++;
            GB_ASSERT_MSG(t.t[i].mant[0] == '\0' && atoi(t.t[i].exp) == -13 + (int)i,
                          "label '%s' '%s' at 10^%d", t.t[i].mant, t.t[i].exp, -13 + (int)i);
        } else {
            GB_ASSERT_MSG(!t.t[i].exp[0] && !t.t[i].mant[0], "minor tick unlabelled");
        }
    }
    GB_ASSERT_MSG(labelled >= 4 && labelled <= 6, "%zu labelled decades", labelled);
    char s[16];
    snprintf(s, sizeof s, "%d", -12);
    int has12 = 0;
    for (size_t i = 0; i < t.n; i++) if (t.t[i].major && strcmp(t.t[i].exp, s) == 0) has12 = 1;
    GB_ASSERT_MSG(has12, "10^-12 labelled (even exponents with stride 2)");

    /* short range: minors at 2..9 x 10^k */
    rc = gb_ticks_log(1, 100, 6, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_OK && t.n == 3 + 16, "[1, 100]: %zu ticks", t.n);
    size_t maj = 0;
    for (size_t i = 0; i < t.n; i++) {
        double e = log10(t.t[i].value);
        if (t.t[i].major) { maj++; GB_ASSERT_NEAR(e, nearbyint(e), 1e-12); }
        else {
            double mant = t.t[i].value / pow(10, floor(e + 1e-12));
            GB_ASSERT_MSG(fabs(mant - nearbyint(mant)) < 1e-9 && mant >= 2 && mant <= 9, "minor %g", t.t[i].value);
        }
        if (i) GB_ASSERT_MSG(t.t[i].value > t.t[i - 1].value, "ascending");
    }
    GB_ASSERT_MSG(maj == 3, "%zu majors", maj);
    /* data inside one decade widen to it */
    rc = gb_ticks_log(2, 3, 6, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_OK && t.lo == 1 && t.hi == 10, "[2,3] -> [%g, %g]", t.lo, t.hi);
    /* fallbacks */
    rc = gb_ticks_log(-1, 100, 6, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_FALLBACK && t.lo > 0 && t.hi >= 100, "lo <= 0: rc %d", rc);
    rc = gb_ticks_log(NAN, 100, 6, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_FALLBACK && t.lo == 1 && t.hi == 10, "NaN: rc %d", rc);
    rc = gb_ticks_log(-5, -1, 6, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_FALLBACK && t.lo == 1 && t.hi == 10, "all negative: rc %d", rc);
    /* the whole double range: only labelled decades, within capacity */
    rc = gb_ticks_log(5e-324, 1.7e308, 6, &t);
    GB_ASSERT_MSG(rc == GB_TICKS_OK && t.n >= 2 && t.n <= 6 && t.lo > 0 && isfinite(t.hi), "full range n %zu", t.n);
}

GB_TEST_SUITE(ticks)
{
    CU_pSuite s = CU_add_suite("ticks", NULL, NULL);
    GB_ADD(s, test_named_ranges);
    GB_ADD(s, test_many_ranges);
    GB_ADD(s, test_label_decimals);
    GB_ADD(s, test_tiny_huge);
    GB_ADD(s, test_degenerate);
    GB_ADD(s, test_log);
}
