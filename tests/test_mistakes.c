/* test_mistakes.c — the values the classic mistakes give (model/mistakes.h), checked against
 * second formulas written out here from the model's correct values, and against shared/cases/07
 * (transposed first-layer weights). */
#include "gb_test.h"

#include "model/exercise.h"
#include "model/mistakes.h"
#include "model/params.h"
#include "model/quantity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct built {
    gb_params *p;
    gb_exercise ex;
    gb_model *m;
    double *v[GB_MISTAKE_COUNT];   /* values under each mistake */
} built;

/* The exercise model of chapters/exercise3.ini with the --set assignments sets (NULL-ended). */
static int build(built *b, const char *const *sets)
{
    memset(b, 0, sizeof *b);
    gb_err e = {0};
    b->p = gb_params_new();
    int rc = gb_params_load(b->p, gb_test_path("chapters/exercise3.ini"), &e);
    for (size_t i = 0; sets && sets[i] && rc == 0; i++) rc = gb_params_set(b->p, sets[i], &e);
    if (rc == 0) rc = gb_exercise_load(&b->ex, b->p, -1, &e);
    GB_ASSERT_MSG(rc == 0, "model: %s", e.msg);
    if (rc) { gb_params_free(b->p); return -1; }
    b->m = gb_exercise_model(&b->ex);
    size_t n = gb_model_count(b->m);
    for (int k = 0; k < GB_MISTAKE_COUNT; k++) {
        b->v[k] = malloc(n * sizeof(double));
        gb_model_propagate_mistake(b->m, b->v[k], NULL, (gb_mistake)k);
    }
    return 0;
}

static void unbuild(built *b)
{
    for (int k = 0; k < GB_MISTAKE_COUNT; k++) free(b->v[k]);
    gb_model_free(b->m);
    gb_exercise_free(&b->ex);
    gb_params_free(b->p);
}

static double key(const built *b, const char *name)
{
    int ok;
    double v = gb_model_value(b->m, name, &ok);
    GB_ASSERT_MSG(ok, "quantity %s exists", name);
    return v;
}

static double mis(const built *b, gb_mistake k, const char *name)
{
    long i = gb_model_find(b->m, name);
    GB_ASSERT_MSG(i >= 0, "quantity %s exists", name);
    return i >= 0 ? b->v[k][i] : NAN;
}

/* Second formulas, written out in the test (not the rules of numerics/). */
static double sig(double z) { return 1.0 / (1.0 + exp(-z)); }
static double dsig(double z) { return sig(z) * (1.0 - sig(z)); }

static void test_none_is_propagate(void)
{
    built b;
    if (build(&b, NULL)) return;
    size_t n = gb_model_count(b.m);
    for (size_t i = 0; i < n; i++)
        GB_ASSERT_NEAR(b.v[GB_MISTAKE_NONE][i], gb_model_at(b.m, i)->value, 0);
    unbuild(&b);
}

static void test_output_delta_mistakes(void)
{
    built b;
    if (build(&b, NULL)) return;
    double a = key(&b, "yhat"), y = key(&b, "y"), z = key(&b, "z[2][0]");
    double right = (a - y) * dsig(z);
    GB_ASSERT_REL(key(&b, "delta[2][0]"), right, 1e-12);
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_SIGN, "delta[2][0]"), (y - a) * dsig(z), 1e-12);
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_HALF, "delta[2][0]"), 2 * (a - y) * dsig(z), 1e-12);
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_NO_DACT, "delta[2][0]"), a - y, 1e-12);
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_DACT_OF_A, "delta[2][0]"), (a - y) * dsig(a), 1e-12);
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_DACT_OF_A, "dact[2][0]"), dsig(a), 1e-12);
    /* The mistakes propagate: a hidden delta under NO_DACT is W2[0][j] (a - y), no slope. */
    for (int j = 0; j < 2; j++) {
        char w[32], d[32], zn[32], an[32];
        snprintf(w, sizeof w, "W[2][0][%d]", j);
        snprintf(d, sizeof d, "delta[1][%d]", j);
        snprintf(zn, sizeof zn, "z[1][%d]", j);
        snprintf(an, sizeof an, "a[1][%d]", j);
        double wj = key(&b, w);
        GB_ASSERT_REL(mis(&b, GB_MISTAKE_NO_DACT, d), wj * (a - y), 1e-12);
        GB_ASSERT_REL(mis(&b, GB_MISTAKE_SIGN, d), -key(&b, d), 1e-12);
        GB_ASSERT_REL(mis(&b, GB_MISTAKE_HALF, d), 2 * key(&b, d), 1e-12);
        GB_ASSERT_REL(mis(&b, GB_MISTAKE_DACT_OF_A, d),
                      wj * (a - y) * dsig(a) * dsig(key(&b, an)), 1e-12);
        /* Mistakes of the backward pass leave the forward pass alone. */
        GB_ASSERT_NEAR(mis(&b, GB_MISTAKE_SIGN, zn), key(&b, zn), 0);
    }
    GB_ASSERT_NEAR(mis(&b, GB_MISTAKE_SIGN, "C"), key(&b, "C"), 0);
    unbuild(&b);
}

static void test_no_bias_and_plus_step(void)
{
    built b;
    if (build(&b, NULL)) return;
    double x0 = key(&b, "x[0]"), x1 = key(&b, "x[1]");
    double z = key(&b, "W[1][1][0]") * x0 + key(&b, "W[1][1][1]") * x1;
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_NO_BIAS, "z[1][1]"), z, 1e-12);
    GB_ASSERT_MSG(fabs(mis(&b, GB_MISTAKE_NO_BIAS, "z[1][1]") - key(&b, "z[1][1]")) > 0.05,
                  "dropping b[1][1] = %g changes z[1][1]", key(&b, "b[1][1]"));
    double w = key(&b, "W[2][0][0]"), eta = key(&b, "eta"), g = key(&b, "grad.W[2][0][0]");
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_PLUS_STEP, "new.W[2][0][0]"), w + eta * g, 1e-12);
    GB_ASSERT_REL(key(&b, "new.W[2][0][0]"), w - eta * g, 1e-12);
    unbuild(&b);
}

/* shared/cases/07, Set B: the transposed first layer (10 significant digits given). */
static void test_swap_w_case07(void)
{
    const char *sets[] = {"x=[1.0, -2.0]", "W1=[[0.5, -0.3], [0.8, 0.1]]", "b1=[0.1, -0.2]",
                          "W2=[[0.7, -0.4]]", "b2=[0.05]", "y=[1]", NULL};
    built b;
    if (build(&b, sets)) return;
    GB_ASSERT_REL(key(&b, "z[1][0]"), 1.2, 1e-12);
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_SWAP_W, "z[1][0]"), -1.0, 1e-9);
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_SWAP_W, "z[1][1]"), -0.7, 1e-9);
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_SWAP_W, "yhat"), 0.5263590661, 1e-9);
    /* Case 07 lists dC/dW1 for the loss 1/2 (yhat - y)^2 of the exercise. */
    GB_ASSERT_REL(key(&b, "grad.W[1][0][0]"), -0.01249731410, 1e-8);
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_SWAP_W, "grad.W[1][0][0]"), -0.01625131389, 1e-8);
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_SWAP_W, "grad.W[1][1][1]"), -0.02094408841, 1e-8);
    /* The second layer (1 x 2) is not square: untouched. */
    GB_ASSERT_NEAR(mis(&b, GB_MISTAKE_SWAP_W, "W[2][0][1]"), -0.4, 0);
    unbuild(&b);
}

static void test_overrides_kept(void)
{
    built b;
    if (build(&b, NULL)) return;
    size_t n = gb_model_count(b.m);
    long ia = gb_model_find(b.m, "a[2][0]"), id = gb_model_find(b.m, "delta[2][0]");
    GB_ASSERT_MSG(ia >= 0 && id >= 0, "a[2][0] and delta[2][0] in the model: %ld %ld", ia, id);
    if (ia < 0 || id < 0) { unbuild(&b); return; }
    double *v = calloc(n, sizeof *v);
    unsigned char *o = calloc(n, 1);
    o[ia] = 1;
    v[ia] = 0.3;
    gb_model_propagate_mistake(b.m, v, o, GB_MISTAKE_SIGN);
    GB_ASSERT_NEAR(v[ia], 0.3, 0);
    double y = key(&b, "y"), z = key(&b, "z[2][0]");
    GB_ASSERT_REL(mis(&b, GB_MISTAKE_NONE, "z[2][0]"), z, 0);
    GB_ASSERT_REL(v[id], (y - 0.3) * dsig(z), 1e-12);
    free(v);
    free(o);
    GB_ASSERT_MSG(strcmp(gb_mistake_id(GB_MISTAKE_SIGN), "sign") == 0, "id");
    GB_ASSERT_MSG(strcmp(gb_mistake_desc(GB_MISTAKE_COUNT), "unknown") == 0, "out of range");
    unbuild(&b);
}

GB_TEST_SUITE(mistakes)
{
    CU_pSuite s = CU_add_suite("mistakes", NULL, NULL);
    GB_ADD(s, test_none_is_propagate);
    GB_ADD(s, test_output_delta_mistakes);
    GB_ADD(s, test_no_bias_and_plus_step);
    GB_ADD(s, test_swap_w_case07);
    GB_ADD(s, test_overrides_kept);
}
