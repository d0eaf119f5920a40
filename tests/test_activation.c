/* test_activation.c — activation functions and slopes against long-double references, identities,
 * numerical differentiation and the values of shared/cases/03 and 05. */
#include "gb_test.h"

#include "numerics/activation.h"

#include <fenv.h>
#include <gsl/gsl_deriv.h>
#include <math.h>
#include <string.h>

static const gb_act SIG = {GB_ACT_SIGMOID, GB_LEAKY_RELU_ALPHA_DEFAULT};
static const gb_act TANH = {GB_ACT_TANH, GB_LEAKY_RELU_ALPHA_DEFAULT};
static const gb_act LEAKY = {GB_ACT_LEAKY_RELU, GB_LEAKY_RELU_ALPHA_DEFAULT};
static const gb_act IDENT = {GB_ACT_IDENTITY, GB_LEAKY_RELU_ALPHA_DEFAULT};

/* References in long double (64-bit mantissa, exponent range to 1e4932: e^800 does not overflow),
 * written from the definitions, not from the stable forms under test. */
static long double sig_ld(long double z) { return 1.0L / (1.0L + expl(-z)); }
static long double dsig_ld(long double z)
{
    long double e = expl(-z);
    return e / ((1.0L + e) * (1.0L + e));
}
static long double dtanh_ld(long double z)
{
    long double c = coshl(z);
    return 1.0L / (c * c); /* sech^2: no cancellation, unlike 1 - tanh^2 */
}

/* Equal to the correctly rounded reference within a few ulp; exactly when the reference rounds
 * to 0 or 1 in double. */
static void check_close(double got, long double ref, const char *what, double z)
{
    double r = (double)ref;
    GB_ASSERT_MSG(isfinite(got), "%s(%g) = %g is not finite", what, z, got);
    if (r == 0.0 || r == 1.0)
        GB_ASSERT_MSG(got == r, "%s(%g) = %.17g, expected exactly %g", what, z, got, r);
    else
        GB_ASSERT_REL(got, r, 4e-16);
}

static const double ZS[] = {0.0, 1.0, -1.0, 20.0, -20.0, 800.0, -800.0, 0.5, -1.2, 2.0, 37.5};

static void test_sigmoid_reference(void)
{
    for (size_t i = 0; i < sizeof ZS / sizeof ZS[0]; i++) {
        double z = ZS[i];
        check_close(gb_sigmoid(z), sig_ld(z), "sigma", z);
        check_close(gb_act_f(&SIG, z), sig_ld(z), "g_sigmoid", z);
        check_close(gb_sigmoid_deriv(z), dsig_ld(z), "sigma'", z);
        check_close(gb_act_df(&SIG, z), dsig_ld(z), "g'_sigmoid", z);
    }
    /* Exact values and limits. */
    GB_ASSERT_MSG(gb_sigmoid(0.0) == 0.5, "sigma(0) = %.17g", gb_sigmoid(0.0));
    GB_ASSERT_MSG(gb_sigmoid_deriv(0.0) == 0.25, "sigma'(0) = %.17g", gb_sigmoid_deriv(0.0));
    GB_ASSERT_MSG(gb_sigmoid(800.0) == 1.0 && gb_sigmoid(-800.0) == 0.0, "limits at +-800");
    GB_ASSERT_MSG(gb_sigmoid_deriv(800.0) == 0.0 && gb_sigmoid_deriv(-800.0) == 0.0,
                  "slope limits at +-800");
    GB_ASSERT_MSG(gb_sigmoid(INFINITY) == 1.0 && gb_sigmoid(-INFINITY) == 0.0, "limits at inf");
}

/* sigma(z) + sigma(-z) = 1 and sigma'(z) = sigma(z) sigma(-z), evaluated in long double from the
 * doubles under test. */
static void test_sigmoid_identities(void)
{
    for (double z = -30.0; z <= 30.0; z += 0.37) {
        long double s = gb_sigmoid(z), sm = gb_sigmoid(-z);
        GB_ASSERT_NEAR((double)(s + sm), 1.0, 2.3e-16);
        GB_ASSERT_REL(gb_sigmoid_deriv(z), (double)(s * sm), 5e-16);
        GB_ASSERT_MSG(gb_sigmoid_deriv(z) == gb_sigmoid_deriv(-z), "sigma' even at %g", z);
    }
}

/* shared/cases/03: z in {-1234.1, -745.2, -40, 0, 40, 709.8, 1234.1}. */
static void test_case03_overflow(void)
{
    static const double zs[] = {-1234.1, -745.2, -40.0, 0.0, 40.0, 709.8, 1234.1};
    feclearexcept(FE_ALL_EXCEPT);
    for (size_t i = 0; i < sizeof zs / sizeof zs[0]; i++) {
        double s = gb_sigmoid(zs[i]), d = gb_sigmoid_deriv(zs[i]);
        GB_ASSERT_MSG(isfinite(s) && isfinite(d), "sigma(%g) = %g, sigma' = %g", zs[i], s, d);
        GB_ASSERT_MSG(s >= 0.0 && s <= 1.0 && d >= 0.0 && d <= 0.25, "range at %g", zs[i]);
    }
    GB_ASSERT_MSG(!fetestexcept(FE_OVERFLOW | FE_INVALID), "an overflow/invalid flag was raised");
    GB_ASSERT_REL(gb_sigmoid(-40.0), 4.248354255e-18, 1e-9);
    GB_ASSERT_REL(gb_sigmoid_deriv(-40.0), 4.248354255e-18, 1e-9);
    GB_ASSERT_REL(gb_sigmoid_deriv(40.0), 4.248354255e-18, 1e-9); /* s(1-s) would give 0 */
    GB_ASSERT_MSG(gb_sigmoid(40.0) == 1.0, "sigma(40) rounds to 1");
    GB_ASSERT_REL(gb_sigmoid_deriv(709.8), 5.467348342e-309, 1e-9);
    GB_ASSERT_MSG(gb_sigmoid(709.8) == 1.0 && gb_sigmoid(1234.1) == 1.0, "sigma -> 1");
    GB_ASSERT_MSG(gb_sigmoid(-745.2) == 0.0 && gb_sigmoid(-1234.1) == 0.0, "sigma -> 0");
    GB_ASSERT_MSG(gb_sigmoid_deriv(-1234.1) == 0.0 && gb_sigmoid_deriv(1234.1) == 0.0,
                  "sigma' -> 0");
    GB_ASSERT_NEAR(gb_sigmoid(0.0), 0.5, 0.0);
    GB_ASSERT_NEAR(gb_sigmoid_deriv(0.0), 0.25, 0.0);
}

/* shared/cases/05: the bold (correct) values, 10 significant digits. */
static void test_case05_variants(void)
{
    GB_ASSERT_REL(gb_act_f(&TANH, 0.5), 0.4621171573, 1e-9);
    GB_ASSERT_REL(gb_act_f(&TANH, -1.2), -0.8336546070, 1e-9);
    GB_ASSERT_REL(gb_act_f(&TANH, 2.0), 0.9640275801, 1e-9);
    GB_ASSERT_REL(gb_act_df(&TANH, 0.5), 0.7864477330, 1e-9);
    GB_ASSERT_REL(gb_act_df(&TANH, -1.2), 0.3050199962, 1e-9);
    GB_ASSERT_REL(gb_act_df(&TANH, 2.0), 0.07065082485, 1e-9);
    GB_ASSERT_REL(gb_act_f(&SIG, 0.5), 0.6224593312, 1e-9);
    GB_ASSERT_REL(gb_act_f(&SIG, -1.2), 0.2314752165, 1e-9);
    GB_ASSERT_REL(gb_act_f(&SIG, 2.0), 0.8807970780, 1e-9);
    GB_ASSERT_REL(gb_act_df(&SIG, 0.5), 0.2350037122, 1e-9);
    GB_ASSERT_REL(gb_act_df(&SIG, -1.2), 0.1778944406, 1e-9);
    GB_ASSERT_REL(gb_act_df(&SIG, 2.0), 0.1049935854, 1e-9);
    /* The slope is taken at z, not at the activation: g'(g(z)) must differ (case 05's trap). */
    GB_ASSERT_MSG(fabs(gb_act_df(&SIG, 0.5) - gb_act_df(&SIG, gb_act_f(&SIG, 0.5))) > 1e-3,
                  "sigma'(0.5) indistinguishable from sigma'(sigma(0.5))");
}

static void test_tanh(void)
{
    for (size_t i = 0; i < sizeof ZS / sizeof ZS[0]; i++) {
        double z = ZS[i];
        double t = gb_act_f(&TANH, z), tr = (double)tanhl(z);
        GB_ASSERT_MSG(t == tr || fabs(t - tr) <= 4e-16 * fabs(tr), "tanh(%g) = %.17g, expected %.17g",
                      z, t, tr);
        check_close(gb_act_df(&TANH, z), dtanh_ld(z), "tanh'", z);
    }
    /* tanh' = 1 - tanh^2 where the subtraction does not cancel (|z| <= 1), in long double. */
    for (double z = -1.0; z <= 1.0; z += 0.125) {
        long double t = tanhl(z);
        GB_ASSERT_REL(gb_act_df(&TANH, z), (double)(1.0L - t * t), 4e-16);
    }
    GB_ASSERT_MSG(gb_act_df(&TANH, 0.0) == 1.0, "tanh'(0) = %.17g", gb_act_df(&TANH, 0.0));
    GB_ASSERT_MSG(gb_act_df(&TANH, 800.0) == 0.0 && gb_act_df(&TANH, -800.0) == 0.0, "tanh' at 800");
    GB_ASSERT_MSG(gb_act_f(&TANH, 800.0) == 1.0 && gb_act_f(&TANH, -800.0) == -1.0, "tanh at 800");
}

static void test_leaky_relu(void)
{
    GB_ASSERT_NEAR(gb_act_f(&LEAKY, 2.5), 2.5, 0.0);
    GB_ASSERT_NEAR(gb_act_f(&LEAKY, -2.5), -0.025, 1e-17);
    GB_ASSERT_NEAR(gb_act_f(&LEAKY, 0.0), 0.0, 0.0);
    GB_ASSERT_NEAR(gb_act_f(&LEAKY, -800.0), -8.0, 1e-15);
    GB_ASSERT_NEAR(gb_act_df(&LEAKY, 1.0), 1.0, 0.0);
    GB_ASSERT_NEAR(gb_act_df(&LEAKY, 1e-300), 1.0, 0.0);
    GB_ASSERT_NEAR(gb_act_df(&LEAKY, -1.0), 0.01, 0.0);
    /* Convention "z > 0 -> 1, else alpha": g'(0) = alpha, which lies in [alpha, 1], the range of
     * one-sided slopes (shared/cases/01). */
    GB_ASSERT_NEAR(gb_act_df(&LEAKY, 0.0), GB_LEAKY_RELU_ALPHA_DEFAULT, 0.0);
    GB_ASSERT_NEAR(gb_act_df(&LEAKY, -0.0), GB_LEAKY_RELU_ALPHA_DEFAULT, 0.0);
    gb_act a2 = {GB_ACT_LEAKY_RELU, 0.2};
    GB_ASSERT_NEAR(gb_act_f(&a2, -3.0), -0.6, 2e-16);
    GB_ASSERT_NEAR(gb_act_df(&a2, -3.0), 0.2, 0.0);
    GB_ASSERT_MSG(gb_act_near_kink(&LEAKY, 0.0, 0.05) && gb_act_near_kink(&LEAKY, -0.04, 0.05),
                  "near kink");
    GB_ASSERT_MSG(!gb_act_near_kink(&LEAKY, 0.06, 0.05), "0.06 is not near the kink");
    GB_ASSERT_MSG(!gb_act_near_kink(&SIG, 0.0, 0.05) && !gb_act_near_kink(&TANH, 0.0, 0.05),
                  "smooth activations have no kink");
}

static void test_identity(void)
{
    GB_ASSERT_NEAR(gb_act_f(&IDENT, -3.25), -3.25, 0.0);
    GB_ASSERT_NEAR(gb_act_f(&IDENT, 1e300), 1e300, 0.0);
    GB_ASSERT_NEAR(gb_act_df(&IDENT, -3.25), 1.0, 0.0);
}

static void test_nan_propagates(void)
{
    const gb_act *acts[] = {&SIG, &TANH, &LEAKY, &IDENT};
    for (size_t i = 0; i < 4; i++) {
        GB_ASSERT_MSG(isnan(gb_act_f(acts[i], NAN)), "%s(NaN) not NaN", gb_act_name(acts[i]->kind));
        GB_ASSERT_MSG(isnan(gb_act_df(acts[i], NAN)), "%s'(NaN) not NaN",
                      gb_act_name(acts[i]->kind));
    }
    GB_ASSERT_MSG(isnan(gb_sigmoid(NAN)) && isnan(gb_sigmoid_deriv(NAN)), "sigmoid NaN");
    GB_ASSERT_MSG(isnan(gb_act_f(NULL, 1.0)) && isnan(gb_act_df(NULL, 1.0)), "NULL act gives NaN");
}

/* Central differences (GSL) agree with the analytic slopes away from the kink; h = 1e-3 as
 * LIBRARIES.md recommends, tolerance k * abserr plus a relative floor. */
static double eval_act(double z, void *p) { return gb_act_f((const gb_act *)p, z); }

static void test_slopes_numeric(void)
{
    const gb_act *acts[] = {&SIG, &TANH, &LEAKY, &IDENT};
    static const double zs[] = {-3.0, -0.7, 0.3, 1.5, 4.0};
    for (size_t i = 0; i < 4; i++) {
        gsl_function F = {eval_act, (void *)acts[i]};
        for (size_t k = 0; k < sizeof zs / sizeof zs[0]; k++) {
            double num, abserr;
            gsl_deriv_central(&F, zs[k], 1e-3, &num, &abserr);
            double an = gb_act_df(acts[i], zs[k]);
            GB_ASSERT_MSG(fabs(an - num) <= 2.0 * abserr + 1e-9 * fabs(an),
                          "%s'(%g): analytic %.12g numeric %.12g +- %.2g",
                          gb_act_name(acts[i]->kind), zs[k], an, num, abserr);
        }
    }
}

static void test_lookup(void)
{
    gb_act a = {GB_ACT_IDENTITY, 0.5};
    GB_ASSERT_MSG(gb_act_lookup("Sigmoid", &a) == 0 && a.kind == GB_ACT_SIGMOID, "Sigmoid");
    GB_ASSERT_MSG(gb_act_lookup("TANH", &a) == 0 && a.kind == GB_ACT_TANH, "TANH");
    GB_ASSERT_MSG(gb_act_lookup("leaky-relu", &a) == 0 && a.kind == GB_ACT_LEAKY_RELU &&
                      a.alpha == GB_LEAKY_RELU_ALPHA_DEFAULT, "leaky-relu");
    GB_ASSERT_MSG(gb_act_lookup("LeakyReLU", &a) == 0 && a.kind == GB_ACT_LEAKY_RELU, "LeakyReLU");
    GB_ASSERT_MSG(gb_act_lookup("linear", &a) == 0 && a.kind == GB_ACT_IDENTITY, "linear");
    gb_act before = a;
    GB_ASSERT_MSG(gb_act_lookup("relu", &a) == -1 && memcmp(&a, &before, sizeof a) == 0,
                  "unknown name must fail and leave out untouched");
    GB_ASSERT_MSG(gb_act_lookup("sigmoidx", &a) == -1 && gb_act_lookup("", &a) == -1, "prefixes");
    GB_ASSERT_MSG(gb_act_lookup(NULL, &a) == -1 && gb_act_lookup("tanh", NULL) == -1, "NULL");
    const gb_act_kind kinds[] = {GB_ACT_SIGMOID, GB_ACT_TANH, GB_ACT_LEAKY_RELU, GB_ACT_IDENTITY};
    for (size_t i = 0; i < 4; i++) {
        gb_act b;
        GB_ASSERT_MSG(gb_act_lookup(gb_act_name(kinds[i]), &b) == 0 && b.kind == kinds[i],
                      "name round trip for %s", gb_act_name(kinds[i]));
    }
}

static void test_valid(void)
{
    GB_ASSERT_MSG(gb_act_valid(&SIG) && gb_act_valid(&LEAKY) && gb_act_valid(&IDENT), "valid");
    gb_act bad = {GB_ACT_LEAKY_RELU, 0.0};
    GB_ASSERT_MSG(!gb_act_valid(&bad), "alpha 0");
    bad.alpha = 1.0;
    GB_ASSERT_MSG(!gb_act_valid(&bad), "alpha 1");
    bad.alpha = NAN;
    GB_ASSERT_MSG(!gb_act_valid(&bad), "alpha NaN");
    GB_ASSERT_MSG(!gb_act_valid(NULL), "NULL");
}

GB_TEST_SUITE(activation)
{
    CU_pSuite s = CU_add_suite("activation", NULL, NULL);
    GB_ADD(s, test_sigmoid_reference);
    GB_ADD(s, test_sigmoid_identities);
    GB_ADD(s, test_case03_overflow);
    GB_ADD(s, test_case05_variants);
    GB_ADD(s, test_tanh);
    GB_ADD(s, test_leaky_relu);
    GB_ADD(s, test_identity);
    GB_ADD(s, test_nan_propagates);
    GB_ADD(s, test_slopes_numeric);
    GB_ADD(s, test_lookup);
    GB_ADD(s, test_valid);
}
