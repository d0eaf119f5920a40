/* test_perceptron.c — the single neuron of section 2: shape, seeded Glorot weights, and the two
 * forward passes (network and bias-augmented sum) against a long-double reference. */
#include "gb_test.h"

#include "numerics/perceptron.h"

#include <gsl/gsl_rng.h>
#include <math.h>

static const gb_act SIG = {GB_ACT_SIGMOID, GB_LEAKY_RELU_ALPHA_DEFAULT};

static void test_shape(void)
{
    gb_net *p = gb_perceptron_new(3, &SIG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    GB_ASSERT_MSG(gb_perceptron_is(p) && p->L == 1 && p->n[0] == 3 && p->n[1] == 1, "shape");
    GB_ASSERT_MSG(gb_net_param_count(p) == 4, "Dense(1, input_dim=3) has 4 parameters");
    for (size_t i = 0; i < 4; i++) GB_ASSERT_NEAR(*gb_net_param(p, i), 0.0, 0.0);
    gb_net_free(p);
    GB_ASSERT_MSG(gb_perceptron_new(0, &SIG) == NULL, "0 inputs");
    GB_ASSERT_MSG(gb_perceptron_new(3, NULL) == NULL, "NULL activation");
    size_t n[3] = {2, 2, 1};
    gb_act acts[2] = {SIG, SIG};
    gb_net *mlp = gb_net_new(2, n, acts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mlp);
    GB_ASSERT_MSG(!gb_perceptron_is(mlp) && !gb_perceptron_is(NULL), "an MLP is no perceptron");
    double z, yh;
    GB_ASSERT_MSG(gb_perceptron_forward_net(mlp, (double[]){1, 2}, &z, &yh) == GB_NUM_EINVAL,
                  "forward on an MLP");
    gb_net_free(mlp);
}

/* Keras' Dense(1, input_dim=3) made reproducible: limit sqrt(6/4), bias 0, the documented draw. */
static void test_glorot_seeded(void)
{
    gb_net *a = gb_perceptron_new_glorot(3, &SIG, 2025), *b = gb_perceptron_new_glorot(3, &SIG, 2025);
    gb_net *c = gb_perceptron_new_glorot(3, &SIG, 2026);
    CU_ASSERT_FATAL(a && b && c);
    const double lim = sqrt(6.0 / 4.0);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 2025);
    int differ = 0;
    for (size_t k = 0; k < 3; k++) {
        double w = a->W[1][k];
        GB_ASSERT_MSG(fabs(w) <= lim, "w%zu = %g outside +-%g", k, w, lim);
        GB_ASSERT_NEAR(w, lim * (2.0 * gsl_rng_uniform(r) - 1.0), 0.0);
        GB_ASSERT_NEAR(b->W[1][k], w, 0.0);
        differ += c->W[1][k] != w;
    }
    GB_ASSERT_MSG(differ == 3, "another seed gives other weights (%d differ)", differ);
    GB_ASSERT_NEAR(a->b[1][0], 0.0, 0.0);
    gsl_rng_free(r);
    gb_net_free(a);
    gb_net_free(b);
    gb_net_free(c);
}

/* Section 2.4's input [2, 3, 4] with fixed weights: both paths against long double. */
static void test_two_ways_agree(void)
{
    gb_net *p = gb_perceptron_new(3, &SIG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    p->W[1][0] = 0.3;
    p->W[1][1] = -0.7;
    p->W[1][2] = 0.45;
    p->b[1][0] = 0.1;
    const double x[3] = {2.0, 3.0, 4.0};
    long double z = (long double)0.3 * 2 + (long double)-0.7 * 3 +
                    (long double)0.45 * 4 + (long double)0.1;
    long double yh = 1.0L / (1.0L + expl(-z));
    gb_perceptron_check c;
    GB_ASSERT_MSG(gb_perceptron_compare(p, x, &c) == GB_NUM_OK, "compare");
    GB_ASSERT_REL(c.z_net, (double)z, 1e-14);
    GB_ASSERT_REL(c.z_aug, (double)z, 1e-14);
    GB_ASSERT_REL(c.yhat_net, (double)yh, 1e-15);
    GB_ASSERT_REL(c.yhat_aug, (double)yh, 1e-15);
    GB_ASSERT_NEAR(c.abs_diff, fabs(c.yhat_net - c.yhat_aug), 0.0);
    GB_ASSERT_NEAR(c.abs_diff, 0.0, 1e-15);

    /* Identity activation: yhat = z on both paths. */
    gb_act id = {GB_ACT_IDENTITY, 0.01};
    p->act[1] = id;
    double zz, y2;
    GB_ASSERT_MSG(gb_perceptron_forward_augmented(p, x, &zz, &y2) == GB_NUM_OK, "augmented");
    GB_ASSERT_NEAR(y2, zz, 0.0);
    gb_net_free(p);
}

/* Many seeded perceptrons on random inputs: the two paths agree to rounding. */
static void test_two_ways_random(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    double worst = 0.0;
    for (unsigned long seed = 1; seed <= 200; seed++) {
        size_t n = 1 + seed % 7;
        gb_net *p = gb_perceptron_new_glorot(n, &SIG, seed);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        p->b[1][0] = 0.5 - gsl_rng_uniform(r);
        double x[8];
        for (size_t k = 0; k < n; k++) x[k] = 10.0 * gsl_rng_uniform(r) - 5.0;
        gb_perceptron_check c;
        GB_ASSERT_MSG(gb_perceptron_compare(p, x, &c) == GB_NUM_OK, "compare seed %lu", seed);
        worst = fmax(worst, c.abs_diff);
        gb_net_free(p);
    }
    GB_ASSERT_NEAR(worst, 0.0, 1e-15);
    gsl_rng_free(r);
}

static void test_errors(void)
{
    gb_net *p = gb_perceptron_new(2, &SIG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    gb_perceptron_check c = {1, 2, 3, 4, 5};
    const double x[2] = {1.0, 2.0};
    GB_ASSERT_MSG(gb_perceptron_compare(p, NULL, &c) == GB_NUM_EINVAL && c.abs_diff == 5,
                  "NULL x: EINVAL, out untouched");
    GB_ASSERT_MSG(gb_perceptron_compare(p, x, NULL) == GB_NUM_EINVAL, "NULL out");
    GB_ASSERT_MSG(gb_perceptron_compare(NULL, x, &c) == GB_NUM_EINVAL, "NULL net");
    const double xn[2] = {NAN, 1.0};
    GB_ASSERT_MSG(gb_perceptron_compare(p, xn, &c) == GB_NUM_OK && isnan(c.yhat_net) &&
                      isnan(c.yhat_aug), "NaN input gives NaN outputs");
    gb_net_free(p);
}

GB_TEST_SUITE(perceptron)
{
    CU_pSuite s = CU_add_suite("perceptron", NULL, NULL);
    GB_ADD(s, test_shape);
    GB_ADD(s, test_glorot_seeded);
    GB_ADD(s, test_two_ways_agree);
    GB_ADD(s, test_two_ways_random);
    GB_ADD(s, test_errors);
}
