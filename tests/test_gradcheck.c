/* test_gradcheck.c — the gradient verifier: cases 01 (kink), 02 (round-off floor, pass rule),
 * 04 (step from the scale), random networks, a verifier that can fail, activation derivatives,
 * the truncation/round-off sweep and argument errors. */
#include "gb_test.h"
#include "numerics/gradcheck.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

/* ---- helpers written for the tests, independent of the code under test ---------------------- */

/* Leaky ReLU with alpha = 0.01 and its kinks, as a scalar function for gb_gradcheck_scalar. */
static double t_leaky(double z, void *ctx)
{
    (void)ctx;
    return z > 0.0 ? z : 0.01 * z;
}
static int t_leaky_kink(double lo, double hi, void *ctx)
{
    (void)ctx;
    return lo <= 0.0 && 0.0 <= hi;
}

/* C(theta) of a network with parameter i set to theta: the test's own perturbation. */
typedef struct t_net_ctx {
    gb_net *net;
    gb_trace *t;
    const double *x, *y;
    size_t i;
} t_net_ctx;
static double t_net_C(double theta, void *vctx)
{
    t_net_ctx *c = vctx;
    double *p = gb_net_param(c->net, c->i), saved = *p;
    *p = theta;
    gb_net_forward(c->net, c->x, c->t);
    double C = gb_net_loss(c->net, c->t, c->y);
    *p = saved;
    return C;
}

/* The single sigmoid neuron of case 04, C(w) = 1/2 (sigma(w x + b) - y)^2, in long double. */
static const long double c4_x = 30.0L, c4_b = -2.0L, c4_y = 1.0L;
static long double c4_sig(long double z)
{
    return 1.0L / (1.0L + expl(-z));
}
static double c4_C(double w, void *ctx)
{
    (void)ctx;
    long double d = c4_sig(w * c4_x + c4_b) - c4_y;
    return (double)(0.5L * d * d);
}
/* dC/dw = (sigma - y) sigma (1 - sigma) x, the chain rule by hand. */
static double c4_dCdw(double w)
{
    long double s = c4_sig(w * c4_x + c4_b);
    return (double)((s - c4_y) * s * (1.0L - s) * c4_x);
}

static gb_net *net_1x1_sigmoid(double w, double b)
{
    size_t n[] = {1, 1};
    gb_act a[] = {{GB_ACT_SIGMOID, 0.0}};
    gb_net *net = gb_net_new(1, n, a);
    if (net) {
        net->W[1][0] = w;
        net->b[1][0] = b;
    }
    return net;
}

/* The 2-2-1 sigmoid MLP of case 02 with output bias b2. */
static gb_net *net_case02(double b2)
{
    size_t n[] = {2, 2, 1};
    gb_act a[] = {{GB_ACT_SIGMOID, 0.0}, {GB_ACT_SIGMOID, 0.0}};
    gb_net *net = gb_net_new(2, n, a);
    if (!net) return NULL;
    const double W1[] = {0.15, 0.20, 0.25, 0.30};
    memcpy(net->W[1], W1, sizeof W1);
    net->b[1][0] = net->b[1][1] = 0.35;
    net->W[2][0] = 0.40;
    net->W[2][1] = 0.45;
    net->b[2][0] = b2;
    return net;
}

/* ---- case 01: leaky ReLU at its kink -------------------------------------------------------- */

static void test_case01_activation_kink(void)
{
    const gb_act lr = {GB_ACT_LEAKY_RELU, 0.01};
    gb_check c;

    /* z = 0, h = 1e-4: GSL gives (1 + alpha)/2 = 0.505 with a confident abserr. */
    CU_ASSERT_EQUAL_FATAL(gb_gradcheck_activation_h(&lr, 0.0, 1e-4, &c), GB_GRADCHECK_OK);
    GB_ASSERT_REL(c.numeric, 0.5050000000, 1e-9);
    GB_ASSERT_REL(c.numeric, (1.0 + 0.01) / 2.0, 1e-9);
    GB_ASSERT_MSG(c.abserr < 1e-12, "abserr %g should look confident at the kink", c.abserr);
    GB_ASSERT_NEAR(c.analytic, 0.01, 0.0); /* the convention g'(0) = alpha */
    GB_ASSERT_MSG(c.verdict == GB_CHECK_KINK, "z=0: verdict %s, want kink",
                  gb_check_verdict_name(c.verdict));
    CU_ASSERT_TRUE(gb_check_inconclusive(c.verdict));
    CU_ASSERT_TRUE(c.one_sided);
    GB_ASSERT_REL(c.left, 0.01, 1e-9);  /* backward: slope alpha */
    GB_ASSERT_REL(c.right, 1.0, 1e-9);  /* forward: slope 1 */
    GB_ASSERT_MSG(c.analytic >= c.left && c.analytic <= c.right, "analytic %g outside [%g, %g]",
                  c.analytic, c.left, c.right);

    /* The same with h = 1e-8 (the case says GSL still gives 0.505) and with the automatic step. */
    CU_ASSERT_EQUAL(gb_gradcheck_activation_h(&lr, 0.0, 1e-8, &c), GB_GRADCHECK_OK);
    GB_ASSERT_REL(c.numeric, 0.505, 1e-7);
    CU_ASSERT_EQUAL(c.verdict, GB_CHECK_KINK);
    CU_ASSERT_EQUAL(gb_gradcheck_activation(&lr, 0.0, &c), GB_GRADCHECK_OK);
    CU_ASSERT_EQUAL(c.verdict, GB_CHECK_KINK);

    /* Near and away from the kink: pass. */
    const double z[] = {3e-5, -3e-5, 1e-3};
    const double want[] = {1.0, 0.01, 1.0};
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(gb_gradcheck_activation_h(&lr, z[i], 1e-4, &c), GB_GRADCHECK_OK);
        GB_ASSERT_REL(c.numeric, want[i], 1e-9);
        GB_ASSERT_MSG(c.verdict == GB_CHECK_PASS, "z=%g h=1e-4: verdict %s", z[i],
                      gb_check_verdict_name(c.verdict));
        CU_ASSERT_EQUAL(gb_gradcheck_activation(&lr, z[i], &c), GB_GRADCHECK_OK);
        GB_ASSERT_MSG(c.verdict == GB_CHECK_PASS, "z=%g auto: verdict %s", z[i],
                      gb_check_verdict_name(c.verdict));
    }
}

/* At the kink the one-sided check can still fail: a value outside [alpha, 1] is no subgradient. */
static void test_case01_kink_can_fail(void)
{
    gb_gradcheck_fn fn = {t_leaky, t_leaky_kink, NULL, 0.0};
    gb_check c;
    const double bad[] = {2.0, -1.0, 0.0};
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, 0.0, bad[i], 1.0, 0.0, &c), GB_GRADCHECK_OK);
        GB_ASSERT_MSG(c.verdict == GB_CHECK_FAIL, "analytic %g at the kink: verdict %s", bad[i],
                      gb_check_verdict_name(c.verdict));
    }
    /* Both conventions (alpha and 1) are subgradients. */
    const double good[] = {0.01, 1.0, 0.5};
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, 0.0, good[i], 1.0, 0.0, &c), GB_GRADCHECK_OK);
        GB_ASSERT_MSG(c.verdict == GB_CHECK_KINK, "analytic %g at the kink: verdict %s", good[i],
                      gb_check_verdict_name(c.verdict));
    }
}

/* The variant of case 01 inside a network: w = (0.5, -0.5), b = 0, x = (1, 1) puts the hidden
 * leaky-ReLU pre-activation exactly on 0; a tiny offset moves it off, and the verifier then finds
 * a kink-free step. */
static void test_case01_network_kink(void)
{
    size_t n[] = {2, 1, 1};
    gb_act a[] = {{GB_ACT_LEAKY_RELU, 0.01}, {GB_ACT_SIGMOID, 0.0}};
    gb_net *net = gb_net_new(2, n, a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    net->W[1][0] = 0.5, net->W[1][1] = -0.5, net->b[1][0] = 0.0;
    net->W[2][0] = 0.8, net->b[2][0] = 0.1;
    const double x[] = {1.0, 1.0}, y = 1.0;
    gb_check c[5];
    const double hs[] = {0.0, 1e-4};
    for (int q = 0; q < 2; q++) {
        CU_ASSERT_EQUAL_FATAL(gb_gradcheck_net(net, x, &y, c, hs[q]), GB_GRADCHECK_OK);
        for (int i = 0; i < 3; i++) { /* W[1][0][0], W[1][0][1], b[1][0] cross the kink */
            GB_ASSERT_MSG(c[i].verdict == GB_CHECK_KINK, "h=%g param %d: %s", hs[q], i,
                          gb_check_verdict_name(c[i].verdict));
            const double tol = 1e-6 * fmax(fabs(c[i].left), fabs(c[i].right));
            GB_ASSERT_MSG(c[i].analytic >= fmin(c[i].left, c[i].right) - tol &&
                              c[i].analytic <= fmax(c[i].left, c[i].right) + tol,
                          "analytic %g not between %g and %g", c[i].analytic, c[i].left,
                          c[i].right);
        }
        /* W[2][0][0] multiplies a[1] = 0 exactly: its derivative 0 cannot be told from a tiny
         * one, so inconclusive; b[2][0] passes. */
        CU_ASSERT_EQUAL(c[3].verdict, GB_CHECK_ROUNDOFF);
        CU_ASSERT_EQUAL(c[4].verdict, GB_CHECK_PASS);
    }
    /* Off the kink by 1e-7 (hidden z = 1e-7): shrinking the step avoids it. */
    net->b[1][0] = 1e-7;
    CU_ASSERT_EQUAL(gb_gradcheck_net(net, x, &y, c, 0.0), GB_GRADCHECK_OK);
    for (int i = 0; i < 5; i++)
        GB_ASSERT_MSG(c[i].verdict == GB_CHECK_PASS, "z=1e-7 param %d: %s (h %g)", i,
                      gb_check_verdict_name(c[i].verdict), c[i].h);
    CU_ASSERT_TRUE(c[0].h < GB_GRADCHECK_DZ); /* it had to shrink */
    gb_net_free(net);
}

/* ---- case 02: saturated output --------------------------------------------------------------- */

static void test_case02_saturated(void)
{
    gb_net *net = net_case02(20.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    const double x[] = {0.05, 0.10}, y = 0.0;
    gb_check c[9];
    CU_ASSERT_EQUAL_FATAL(gb_gradcheck_net(net, x, &y, c, 0.0), GB_GRADCHECK_OK);
    /* Order: W1[0][0], W1[0][1], W1[1][0], W1[1][1], b1[0], b1[1], W2[0], W2[1], b2. */
    GB_ASSERT_REL(c[0].analytic, 5.997728234e-12, 1e-9);
    GB_ASSERT_REL(c[6].analytic, 7.373107611e-10, 1e-9);
    GB_ASSERT_REL(c[8].analytic, 1.242791260e-9, 1e-9);
    for (int i = 0; i < 9; i++)
        GB_ASSERT_MSG(c[i].verdict != GB_CHECK_FAIL, "param %d: FAIL on a correct gradient (a %g "
                      "n %g e %g)", i, c[i].analytic, c[i].numeric, c[i].abserr);
    /* dC/dW1[0][0]: the numeric value is below the round-off floor (GSL's abserr exceeds it). */
    GB_ASSERT_MSG(c[0].verdict == GB_CHECK_ROUNDOFF, "W1[0][0]: %s",
                  gb_check_verdict_name(c[0].verdict));
    GB_ASSERT_MSG(c[0].abserr > fabs(c[0].numeric), "abserr %g, numeric %g", c[0].abserr,
                  c[0].numeric);
    /* At the case's h = 1e-5 (here the automatic step for W1, whose input is 0.05 < 1), GSL's
     * result is far off the true value: the check is honest about it. */
    GB_ASSERT_NEAR(c[0].h, 1e-5, 0.0);
    GB_ASSERT_MSG(c[0].rel_err > 0.3, "rel_err %g", c[0].rel_err);
    CU_ASSERT_STRING_EQUAL(gb_check_verdict_name(c[0].verdict), "inconclusive (round-off)");
    gb_net_free(net);

    /* Saturated but correct (b2 = -20): everything resolvable passes. */
    net = net_case02(-20.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    CU_ASSERT_EQUAL_FATAL(gb_gradcheck_net(net, x, &y, c, 0.0), GB_GRADCHECK_OK);
    for (int i = 0; i < 9; i++)
        GB_ASSERT_MSG(c[i].verdict == GB_CHECK_PASS && c[i].rel_err < 1e-6,
                      "b2=-20 param %d: %s rel %g", i, gb_check_verdict_name(c[i].verdict),
                      c[i].rel_err);
    gb_net_free(net);
}

/* A saturated output close to, but not at, its target (a ~ 1 - 1e-5, y = 0.98): C = 2e-4 is
 * computed from a, whose own rounding (eps |a|) reaches C multiplied by |a - y|. GSL's abserr only
 * counts eps |C| and would call the resulting 1e-5 relative noise a FAIL; the forward-pass floor
 * keeps the verdict honest. Found as a false FAIL among random networks. */
static void test_saturated_output_noise(void)
{
    gb_net *net = net_1x1_sigmoid(1.0, 9.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    const double x = 1.0, y = 0.98;
    gb_check c[2];
    size_t fails = 0, floor_dominant = 0;
    for (int i = 0; i <= 400; i++) {
        net->b[1][0] = 9.0 + 0.01 * i; /* z = 10 .. 14 */
        CU_ASSERT_EQUAL_FATAL(gb_gradcheck_net(net, &x, &y, c, 0.0), GB_GRADCHECK_OK);
        for (int k = 0; k < 2; k++) {
            fails += c[k].verdict == GB_CHECK_FAIL;
            floor_dominant += c[k].floor > 10.0 * c[k].abserr;
            GB_ASSERT_MSG(c[k].verdict == GB_CHECK_PASS, "z=%g param %d: %s (a %.10g n %.10g)",
                          net->b[1][0] + 1.0, k, gb_check_verdict_name(c[k].verdict),
                          c[k].analytic, c[k].numeric);
        }
    }
    CU_ASSERT_EQUAL(fails, 0);
    CU_ASSERT_TRUE(floor_dominant > 400); /* the regime where GSL's estimate is blind */
    gb_net_free(net);
}

/* Slopes given exactly (f linear, so GSL's numeric value is exact up to rounding). */
static double t_linear(double t, void *ctx)
{
    return *(const double *)ctx * t;
}

/* The pass rule has an absolute and a relative term: the CNTK pair (numeric 1.089973e-6 against
 * analytic -7.956320e-6, |a-n| = 9.05e-6 < 1e-5) is a FAIL, though a fixed absolute tolerance of
 * 1e-5 would pass it. */
static void test_case02_pass_rule(void)
{
    double slope = 1.089973e-6;
    gb_gradcheck_fn fn = {t_linear, NULL, &slope, 0.0};
    gb_check c;
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, 0.3, -7.956320e-6, 1.0, 0.0, &c), GB_GRADCHECK_OK);
    GB_ASSERT_REL(c.numeric, 1.089973e-6, 1e-9);
    CU_ASSERT_TRUE(c.abs_err < 1e-5);
    GB_ASSERT_MSG(c.verdict == GB_CHECK_FAIL, "CNTK pair: %s", gb_check_verdict_name(c.verdict));
    GB_ASSERT_REL(c.rel_err, (1.089973e-6 + 7.956320e-6) / 7.956320e-6, 1e-6);
    /* A correct tiny gradient passes (a pure relative rule would be fine here, the absolute term
     * is what keeps case 02 from failing). */
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, 0.3, 1.089973e-6, 1.0, 0.0, &c), GB_GRADCHECK_OK);
    CU_ASSERT_EQUAL(c.verdict, GB_CHECK_PASS);
    /* rel_err's tiny: both exactly 0 gives 0, not NaN. */
    slope = 0.0;
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, 0.3, 0.0, 1.0, 0.0, &c), GB_GRADCHECK_OK);
    GB_ASSERT_NEAR(c.rel_err, 0.0, 0.0);
    CU_ASSERT_EQUAL(c.verdict, GB_CHECK_PASS); /* f constant: abserr is exactly 0 */
}

/* ---- case 04: the step from the scale -------------------------------------------------------- */

static void test_case04_step_from_scale(void)
{
    const double w = 0.1, x = 30.0, y = 1.0;
    gb_net *net = net_1x1_sigmoid(w, -2.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    gb_check c[2];
    CU_ASSERT_EQUAL_FATAL(gb_gradcheck_net(net, &x, &y, c, 0.0), GB_GRADCHECK_OK);
    GB_ASSERT_REL(c[0].analytic, -1.586312784, 1e-9);
    GB_ASSERT_REL(c[0].analytic, c4_dCdw(w), 1e-12);
    GB_ASSERT_REL(c[0].numeric, -1.586312784, 1e-9);
    GB_ASSERT_REL(c[0].h, 1e-5 / 30.0, 1e-12); /* a change of 1e-5 in z */
    GB_ASSERT_REL(gb_gradcheck_step(30.0), 1e-5 / 30.0, 1e-15);
    GB_ASSERT_REL(gb_gradcheck_step(0.05), 1e-5, 1e-15);
    GB_ASSERT_MSG(c[0].verdict == GB_CHECK_PASS, "default: %s",
                  gb_check_verdict_name(c[0].verdict));
    GB_ASSERT_REL(c[1].analytic, -0.05287709278, 1e-9);
    CU_ASSERT_EQUAL(c[1].verdict, GB_CHECK_PASS);

    /* Forced steps: bad ones are "unreliable step", never "analytic wrong". */
    CU_ASSERT_EQUAL_FATAL(gb_gradcheck_net(net, &x, &y, c, 0.1), GB_GRADCHECK_OK);
    GB_ASSERT_REL(c[0].numeric, -1.898441046, 1e-6); /* GSL keeps its first, 20 % off estimate */
    GB_ASSERT_REL(c[0].abserr, 0.0403, 0.01);
    GB_ASSERT_MSG(c[0].verdict == GB_CHECK_UNRELIABLE_STEP, "h=0.1: %s",
                  gb_check_verdict_name(c[0].verdict));
    CU_ASSERT_TRUE(c[0].has_ref);
    GB_ASSERT_REL(c[0].ref_numeric, -1.586312784, 1e-9);
    GB_ASSERT_REL(c[0].ref_h, 1e-5 / 30.0, 1e-12);
    CU_ASSERT_STRING_EQUAL(gb_check_verdict_name(c[0].verdict), "unreliable step");
    CU_ASSERT_PTR_NOT_NULL(strstr(gb_check_verdict_explain(c[0].verdict),
                                  "numeric derivative unreliable at this step"));

    CU_ASSERT_EQUAL_FATAL(gb_gradcheck_net(net, &x, &y, c, 1e-13), GB_GRADCHECK_OK);
    GB_ASSERT_MSG(c[0].verdict == GB_CHECK_UNRELIABLE_STEP, "h=1e-13: %s (n %.10g e %g)",
                  gb_check_verdict_name(c[0].verdict), c[0].numeric, c[0].abserr);
    GB_ASSERT_MSG(fabs(c[0].numeric + 1.586312784) > 1e-5, "h=1e-13 numeric %.10g", c[0].numeric);

    /* The sensible forced steps agree. */
    const double good[] = {0.01, 1e-5, 1e-8};
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(gb_gradcheck_net(net, &x, &y, c, good[i]), GB_GRADCHECK_OK);
        GB_ASSERT_MSG(c[0].verdict == GB_CHECK_PASS, "h=%g: %s", good[i],
                      gb_check_verdict_name(c[0].verdict));
    }
    /* h = 1e-11 must at least not blame the analytic value. */
    CU_ASSERT_EQUAL(gb_gradcheck_net(net, &x, &y, c, 1e-11), GB_GRADCHECK_OK);
    CU_ASSERT_NOT_EQUAL(c[0].verdict, GB_CHECK_FAIL);
    /* The parameters are untouched, bit for bit. */
    CU_ASSERT_TRUE(net->W[1][0] == w && net->b[1][0] == -2.0);
    gb_net_free(net);

    /* A wrong analytic value is still caught when the user forces a bad step. */
    gb_gradcheck_fn fn = {c4_C, NULL, NULL, 0.0};
    gb_check s;
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, w, -c4_dCdw(w), x, 0.1, &s), GB_GRADCHECK_OK);
    CU_ASSERT_EQUAL(s.verdict, GB_CHECK_FAIL);
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, w, 1.01 * c4_dCdw(w), x, 1e-13, &s), GB_GRADCHECK_OK);
    CU_ASSERT_EQUAL(s.verdict, GB_CHECK_FAIL);
    /* And the scalar core with the test's own long-double C agrees by default. */
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, w, c4_dCdw(w), x, 0.0, &s), GB_GRADCHECK_OK);
    CU_ASSERT_EQUAL(s.verdict, GB_CHECK_PASS);
}

/* ---- random networks ------------------------------------------------------------------------- */

#define N_NETS 1000
typedef struct shape {
    size_t L;
    size_t n[4];
} shape;
static const shape shapes[3] = {{2, {2, 2, 1, 0}}, {1, {3, 1, 0, 0}}, {3, {4, 5, 3, 2}}};

/* Network number it: shape it % 3, activation of layer l cycling through all four kinds so every
 * kind appears in every layer position; N(0,1) parameters, x in [-2,2), y in [-1,1). */
static gb_net *random_net(gsl_rng *r, int it, double *x, double *y)
{
    const shape *s = &shapes[it % 3];
    gb_act acts[3];
    for (size_t l = 0; l < s->L; l++) {
        acts[l].kind = (gb_act_kind)((size_t)(it / 3) + l) % 4;
        acts[l].alpha = GB_LEAKY_RELU_ALPHA_DEFAULT;
    }
    gb_net *net = gb_net_new(s->L, s->n, acts);
    if (!net) return NULL;
    for (size_t i = 0; i < gb_net_param_count(net); i++)
        *gb_net_param(net, i) = gsl_ran_gaussian(r, 1.0);
    for (size_t k = 0; k < s->n[0]; k++) x[k] = 4.0 * gsl_rng_uniform(r) - 2.0;
    for (size_t k = 0; k < s->n[s->L]; k++) y[k] = 2.0 * gsl_rng_uniform(r) - 1.0;
    return net;
}

static void test_random_networks(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 20240501);
    size_t total[5] = {0}, checked = 0, big = 0, acts_seen[4] = {0}, moved = 0;
    gb_check out[64];
    double before[64];
    for (int it = 0; it < N_NETS; it++) {
        double x[4], y[4];
        gb_net *net = random_net(r, it, x, y);
        CU_ASSERT_PTR_NOT_NULL_FATAL(net);
        const size_t np = gb_net_param_count(net);
        for (size_t i = 0; i < np; i++) before[i] = *gb_net_param(net, i);
        for (size_t l = 1; l <= net->L; l++) acts_seen[net->act[l].kind]++;
        CU_ASSERT_EQUAL_FATAL(gb_gradcheck_net(net, x, y, out, 0.0), GB_GRADCHECK_OK);
        for (size_t i = 0; i < np; i++) {
            moved += memcmp(&before[i], gb_net_param(net, i), sizeof(double)) != 0;
            big += fabs(out[i].analytic) > 1e-3;
            if (out[i].verdict == GB_CHECK_FAIL) {
                char name[32];
                gb_net_param_name(net, i, name, sizeof name);
                GB_ASSERT_MSG(0, "net %d %s: FAIL a=%.10g n=%.10g abserr=%g floor=%g h=%g", it,
                              name, out[i].analytic, out[i].numeric, out[i].abserr, out[i].floor,
                              out[i].h);
            }
        }
        size_t counts[5];
        gb_gradcheck_tally(out, np, counts);
        for (int v = 0; v < 5; v++) total[v] += counts[v];
        checked += np;
        gb_net_free(net);
    }
    gsl_rng_free(r);
    CU_ASSERT_EQUAL(moved, 0);
    CU_ASSERT_EQUAL(total[GB_CHECK_FAIL], 0);
    CU_ASSERT_EQUAL(total[GB_CHECK_UNRELIABLE_STEP], 0); /* no forced step */
    const size_t inconclusive = total[GB_CHECK_ROUNDOFF] + total[GB_CHECK_KINK];
    GB_ASSERT_MSG(inconclusive * 100 < checked, "%zu of %zu checks inconclusive", inconclusive,
                  checked);
    GB_ASSERT_MSG(total[GB_CHECK_PASS] + inconclusive == checked, "%zu pass + %zu inconclusive "
                  "!= %zu", total[GB_CHECK_PASS], inconclusive, checked);
    CU_ASSERT_TRUE(checked > 20000);
    GB_ASSERT_MSG(big * 2 > checked, "only %zu of %zu gradients above 1e-3: a trivial test", big,
                  checked);
    for (int k = 0; k < 4; k++) GB_ASSERT_MSG(acts_seen[k] > 100, "activation %d used %zu times",
                                              k, acts_seen[k]);
}

/* The verifier can fail: a gradient 1 % off or with its sign flipped is never a pass, and is a
 * FAIL wherever the correct gradient passes. */
static void test_wrong_gradient_fails(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 7);
    size_t judged = 0, failed_pct = 0, failed_sign = 0, passes = 0;
    for (int it = 0; it < 300; it++) {
        double x[4], y[4];
        gb_net *net = random_net(r, it, x, y);
        gb_trace *t = gb_trace_new(net), *tmp = gb_trace_new(net);
        CU_ASSERT_FATAL(net && t && tmp);
        gb_net_forward(net, x, t);
        gb_net_backward(net, y, t);
        t_net_ctx ctx = {net, tmp, x, y, 0};
        gb_gradcheck_fn fn = {t_net_C, NULL, &ctx, 0.0};
        for (size_t i = 0; i < gb_net_param_count(net); i++) {
            ctx.i = i;
            const double a = gb_trace_grad(net, t, i), theta = *gb_net_param(net, i);
            gb_check ok, pct, sign;
            CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, theta, a, 1.0, 0.0, &ok), GB_GRADCHECK_OK);
            CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, theta, 1.01 * a, 1.0, 0.0, &pct), 0);
            CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, theta, -a, 1.0, 0.0, &sign), 0);
            passes += pct.verdict == GB_CHECK_PASS || sign.verdict == GB_CHECK_PASS;
            if (ok.verdict != GB_CHECK_PASS) continue;
            judged++;
            failed_pct += pct.verdict == GB_CHECK_FAIL;
            failed_sign += sign.verdict == GB_CHECK_FAIL;
        }
        gb_trace_free(t);
        gb_trace_free(tmp);
        gb_net_free(net);
    }
    gsl_rng_free(r);
    CU_ASSERT_EQUAL(passes, 0);
    CU_ASSERT_TRUE(judged > 5000);
    GB_ASSERT_MSG(failed_pct == judged, "1%% off: %zu of %zu FAIL", failed_pct, judged);
    GB_ASSERT_MSG(failed_sign == judged, "sign flipped: %zu of %zu FAIL", failed_sign, judged);
}

/* ---- activations ----------------------------------------------------------------------------- */

static double t_tanh(double z, void *ctx)
{
    (void)ctx;
    return tanh(z);
}

static void test_activation_derivatives(void)
{
    const gb_act acts[] = {{GB_ACT_SIGMOID, 0.0}, {GB_ACT_TANH, 0.0},
                           {GB_ACT_LEAKY_RELU, 0.01}, {GB_ACT_LEAKY_RELU, 0.2},
                           {GB_ACT_IDENTITY, 0.0}};
    for (size_t k = 0; k < sizeof acts / sizeof acts[0]; k++) {
        size_t pass = 0, n = 0;
        for (int i = -400; i <= 400; i++) {
            const double z = i * 0.05; /* -20 .. 20, including 0 */
            gb_check c;
            CU_ASSERT_EQUAL_FATAL(gb_gradcheck_activation(&acts[k], z, &c), GB_GRADCHECK_OK);
            n++;
            pass += c.verdict == GB_CHECK_PASS;
            if (acts[k].kind == GB_ACT_LEAKY_RELU && i == 0) {
                CU_ASSERT_EQUAL(c.verdict, GB_CHECK_KINK);
            } else if (fabs(z) <= 8.0) {
                GB_ASSERT_MSG(c.verdict == GB_CHECK_PASS, "%s z=%g: %s (a %.10g n %.10g)",
                              gb_act_name(acts[k].kind), z, gb_check_verdict_name(c.verdict),
                              c.analytic, c.numeric);
            } else {
                /* Saturated tails: a derivative below the round-off floor of g (~eps / h with
                 * g ~ 1, h <= 1e-3 after growing) is inconclusive, never FAIL. */
                GB_ASSERT_MSG(c.verdict == GB_CHECK_PASS ||
                                  (c.verdict == GB_CHECK_ROUNDOFF && fabs(c.analytic) < 1e-8),
                              "%s z=%g: %s (a %g)", gb_act_name(acts[k].kind), z,
                              gb_check_verdict_name(c.verdict), c.analytic);
            }
        }
        GB_ASSERT_MSG(pass * 2 > n, "%s: %zu of %zu pass", gb_act_name(acts[k].kind), pass, n);
    }
    /* A wrong derivative formula is caught: d tanh/dz taken as 1 - tanh(z) (missing square). */
    gb_gradcheck_fn fn = {t_tanh, NULL, NULL, 0.0};
    gb_check c;
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, 1.0, 1.0 - tanh(1.0), 1.0, 0.0, &c), GB_GRADCHECK_OK);
    CU_ASSERT_EQUAL(c.verdict, GB_CHECK_FAIL);
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, 1.0, 1.0 - tanh(1.0) * tanh(1.0), 1.0, 0.0, &c), 0);
    CU_ASSERT_EQUAL(c.verdict, GB_CHECK_PASS);
}

/* ---- truncation vs round-off sweep ----------------------------------------------------------- */

static void test_sweep(void)
{
    double h[13], err[13];
    CU_ASSERT_EQUAL_FATAL(gb_gradcheck_log_steps(1e-1, 1e-13, 13, h), GB_GRADCHECK_OK);
    for (int i = 0; i < 13; i++) GB_ASSERT_REL(h[i], pow(10.0, -1 - i), 1e-12);

    const double x = 30.0, y = 1.0;
    gb_net *net = net_1x1_sigmoid(0.1, -2.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    double h_auto = 0.0;
    CU_ASSERT_EQUAL_FATAL(gb_gradcheck_net_sweep(net, &x, &y, 0, h, 13, err, &h_auto), 0);
    GB_ASSERT_REL(h_auto, 1e-5 / 30.0, 1e-12);
    /* Case 04's plain differences: -1.938699972 at h = 0.1, -1.586312803 at 1e-5. */
    GB_ASSERT_REL(err[0], fabs(-1.938699972 - -1.586312784), 1e-8);
    GB_ASSERT_NEAR(err[4], fabs(-1.586312803 - -1.586312784), 2e-9);
    /* Truncation regime: error ~ h^2 (factor ~100 per decade at large h). */
    GB_ASSERT_MSG(err[1] / err[2] > 30.0 && err[1] / err[2] < 300.0, "err(1e-2)/err(1e-3) = %g",
                  err[1] / err[2]);
    /* The minimum lies between the regimes; round-off dominates at the small end. */
    int best = 0;
    for (int i = 1; i < 13; i++) best = err[i] < err[best] ? i : best;
    GB_ASSERT_MSG(best >= 3 && best <= 8, "best step 1e-%d", best + 1);
    CU_ASSERT_TRUE(err[12] > 100.0 * err[best]);
    CU_ASSERT_TRUE(net->W[1][0] == 0.1);
    /* Errors. */
    CU_ASSERT_EQUAL(gb_gradcheck_net_sweep(net, &x, &y, 2, h, 13, err, NULL), GB_GRADCHECK_EINVAL);
    h[3] = -1.0;
    CU_ASSERT_EQUAL(gb_gradcheck_net_sweep(net, &x, &y, 0, h, 13, err, NULL), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_log_steps(1e-13, 1e-1, 13, h), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_log_steps(1e-1, 0.0, 13, h), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_log_steps(1e-1, 1e-3, 1, h), GB_GRADCHECK_EINVAL);
    gb_net_free(net);
}

/* ---- errors and names ------------------------------------------------------------------------ */

static void test_errors(void)
{
    const double x = 30.0, y = 1.0;
    gb_net *net = net_1x1_sigmoid(0.1, -2.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    gb_check c[2];
    CU_ASSERT_EQUAL(gb_gradcheck_net(NULL, &x, &y, c, 0.0), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_net(net, NULL, &y, c, 0.0), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_net(net, &x, NULL, c, 0.0), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_net(net, &x, &y, NULL, 0.0), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_net(net, &x, &y, c, -1e-5), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_net(net, &x, &y, c, NAN), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_net(net, &x, &y, c, INFINITY), GB_GRADCHECK_EINVAL);
    const double xn = NAN;
    CU_ASSERT_EQUAL(gb_gradcheck_net(net, &xn, &y, c, 0.0), GB_GRADCHECK_EINVAL);
    net->W[1][0] = INFINITY;
    CU_ASSERT_EQUAL(gb_gradcheck_net(net, &x, &y, c, 0.0), GB_GRADCHECK_EINVAL);
    gb_net_free(net);

    /* An identity network whose loss overflows. */
    size_t n[] = {1, 1};
    gb_act id[] = {{GB_ACT_IDENTITY, 0.0}};
    net = gb_net_new(1, n, id);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    net->W[1][0] = 1e200;
    const double big = 1e200;
    CU_ASSERT_EQUAL(gb_gradcheck_net(net, &big, &y, c, 0.0), GB_GRADCHECK_ENONFINITE);
    gb_net_free(net);

    const gb_act lr = {GB_ACT_LEAKY_RELU, 0.01};
    gb_check s;
    CU_ASSERT_EQUAL(gb_gradcheck_activation(NULL, 0.0, &s), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_activation(&lr, 0.0, NULL), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_activation(&lr, NAN, &s), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_activation_h(&lr, 1.0, -1.0, &s), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(NULL, 0.0, 0.0, 1.0, 0.0, &s), GB_GRADCHECK_EINVAL);
    gb_gradcheck_fn fn = {t_leaky, NULL, NULL, 0.0};
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, 1.0, NAN, 1.0, 0.0, &s), GB_GRADCHECK_EINVAL);
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, 1.0, 1.0, NAN, 0.0, &s), GB_GRADCHECK_EINVAL);
    fn.noise = -1.0;
    CU_ASSERT_EQUAL(gb_gradcheck_scalar(&fn, 1.0, 1.0, 1.0, 0.0, &s), GB_GRADCHECK_EINVAL);

    CU_ASSERT_STRING_EQUAL(gb_check_verdict_name(GB_CHECK_PASS), "pass");
    CU_ASSERT_STRING_EQUAL(gb_check_verdict_name(GB_CHECK_FAIL), "FAIL");
    CU_ASSERT_STRING_EQUAL(gb_check_verdict_name(GB_CHECK_KINK), "inconclusive (kink)");
    CU_ASSERT_STRING_EQUAL(gb_check_verdict_name((gb_check_verdict)99), "?");
    CU_ASSERT_FALSE(gb_check_inconclusive(GB_CHECK_PASS));
    CU_ASSERT_FALSE(gb_check_inconclusive(GB_CHECK_FAIL));
    CU_ASSERT_TRUE(gb_check_inconclusive(GB_CHECK_ROUNDOFF));

    gb_check arr[3] = {{.verdict = GB_CHECK_PASS}, {.verdict = GB_CHECK_KINK},
                       {.verdict = GB_CHECK_PASS}};
    size_t counts[5];
    gb_gradcheck_tally(arr, 3, counts);
    CU_ASSERT_EQUAL(counts[GB_CHECK_PASS], 2);
    CU_ASSERT_EQUAL(counts[GB_CHECK_KINK], 1);
    CU_ASSERT_EQUAL(counts[GB_CHECK_FAIL], 0);
}

GB_TEST_SUITE(gradcheck)
{
    CU_pSuite s = CU_add_suite("gradcheck", NULL, NULL);
    GB_ADD(s, test_case01_activation_kink);
    GB_ADD(s, test_case01_kink_can_fail);
    GB_ADD(s, test_case01_network_kink);
    GB_ADD(s, test_case02_saturated);
    GB_ADD(s, test_case02_pass_rule);
    GB_ADD(s, test_saturated_output_noise);
    GB_ADD(s, test_case04_step_from_scale);
    GB_ADD(s, test_random_networks);
    GB_ADD(s, test_wrong_gradient_fails);
    GB_ADD(s, test_activation_derivatives);
    GB_ADD(s, test_sweep);
    GB_ADD(s, test_errors);
}
