/* test_model.c — the model of named quantities: built from the parameters file, equal to the
 * network's own forward and backward pass, and every computed quantity recomputable from its
 * inputs through gb_model_compute (what the grader uses). */
#include "gb_test.h"
#include "gb_test_params.h"
#include "ref_mlp.h"

#include "model/exercise.h"
#include "model/params.h"
#include "model/quantity.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gb_model *build(gb_params *p, gb_exercise *ex)
{
    gb_err e = {0};
    int rc = gb_exercise_load(ex, p, -1, &e);
    GB_ASSERT_MSG(rc == 0, "exercise load: %s", e.msg);
    if (rc) return NULL;
    return gb_exercise_model(ex);
}

static double val(const gb_model *m, const char *name)
{
    int ok;
    double v = gb_model_value(m, name, &ok);
    GB_ASSERT_MSG(ok, "quantity %s exists", name);
    return v;
}

/* Every model value equals the network's trace, name by name. */
static void check_against_network(const gb_model *m, const gb_exercise *ex)
{
    gb_net *net = ex->net;
    gb_trace *t = gb_trace_new(net);
    gb_net_forward(net, ex->x, t);
    gb_net_backward(net, ex->y, t);
    char name[64];
    for (size_t l = 1; l <= net->L; l++)
        for (size_t j = 0; j < net->n[l]; j++) {
            snprintf(name, sizeof name, "z[%zu][%zu]", l, j);
            GB_ASSERT_NEAR(val(m, name), t->z[l][j], 0);
            snprintf(name, sizeof name, "a[%zu][%zu]", l, j);
            GB_ASSERT_NEAR(val(m, name), t->a[l][j], 0);
            snprintf(name, sizeof name, "delta[%zu][%zu]", l, j);
            GB_ASSERT_NEAR(val(m, name), t->delta[l][j], 0);
            snprintf(name, sizeof name, "grad.b[%zu][%zu]", l, j);
            GB_ASSERT_NEAR(val(m, name), t->gb[l][j], 0);
            for (size_t k = 0; k < net->n[l - 1]; k++) {
                snprintf(name, sizeof name, "grad.W[%zu][%zu][%zu]", l, j, k);
                GB_ASSERT_NEAR(val(m, name), t->gW[l][j * net->n[l - 1] + k], 0);
            }
        }
    GB_ASSERT_NEAR(val(m, "C"), t->C, 0);
    gb_trace_free(t);
}

/* Recomputing each computed quantity from the model's own values gives the same value. */
static void check_recompute(const gb_model *m)
{
    size_t n = gb_model_count(m);
    double *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = gb_model_at(m, i)->value;
    size_t computed = 0;
    for (size_t i = 0; i < n; i++) {
        const gb_quantity *q = gb_model_at(m, i);
        if (q->op == GB_OP_GIVEN || q->op == GB_OP_MEASURED) continue;
        computed++;
        GB_ASSERT_NEAR(gb_model_compute(m, i, v), q->value, 0);
        for (size_t k = 0; k < q->ninputs; k++)
            GB_ASSERT_MSG(q->inputs[k] < i, "%s: input %zu comes before it", q->name, k);
    }
    GB_ASSERT_MSG(computed >= 30, "the model has all its computed quantities (%zu)", computed);
    free(v);
}

static void test_worked_example_matches_network(void)
{
    gb_params *p = gb_test_exercise_params();
    gb_exercise ex;
    gb_model *m = build(p, &ex);
    if (!m) { gb_params_free(p); return; }
    check_against_network(m, &ex);
    check_recompute(m);
    /* Independent closed form of the loss from the givens alone, in long double (ref_mlp.h). */
    const double x[2] = {val(m, "x[0]"), val(m, "x[1]")};
    const double W1[2][2] = {{val(m, "W[1][0][0]"), val(m, "W[1][0][1]")},
                             {val(m, "W[1][1][0]"), val(m, "W[1][1][1]")}};
    const double b1[2] = {val(m, "b[1][0]"), val(m, "b[1][1]")};
    const double W2[2] = {val(m, "W[2][0][0]"), val(m, "W[2][0][1]")};
    ref_mlp r;
    ref_mlp_pass(x, W1, b1, W2, val(m, "b[2][0]"), val(m, "y"), &r);
    GB_ASSERT_REL(val(m, "C"), (double)r.C, 1e-14);
    GB_ASSERT_REL(val(m, "yhat"), (double)r.yhat, 1e-15);
    /* The step: new.W = W - eta * grad. */
    GB_ASSERT_NEAR(val(m, "new.W[2][0][1]"),
                   val(m, "W[2][0][1]") - val(m, "eta") * val(m, "grad.W[2][0][1]"), 1e-17);
    gb_model_free(m);
    gb_exercise_free(&ex);
    gb_params_free(p);
}

static void test_other_shapes_and_activations(void)
{
    const char *sets[][4] = {
        {"network.activation=tanh", NULL, NULL, NULL},
        {"network.activation=leaky_relu", "x=[0.7, -0.3]", NULL, NULL},
        {"network.sizes=[3, 4, 2, 2]", "network.activation=[tanh, leaky_relu, sigmoid]",
         "x=[1, -2, 0.5]", "y=[0, 1]"},
    };
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        gb_params *p = gb_test_exercise_params();
        gb_err e = {0};
        int rc = 0;
        for (size_t i = 0; i < 4 && sets[s][i]; i++) rc |= gb_params_set(p, sets[s][i], &e);
        if (s == 2) {
            /* A new shape: drop the 2-2-1 weights so Glorot draws them. */
            rc |= gb_params_set(p, "sample.W1=", &e);
        }
        GB_ASSERT_MSG(rc == 0, "set %zu: %s", s, e.msg);
        gb_exercise ex;
        if (s == 2) {
            /* Giving an empty W1 is an error: the keys must be all given or all absent. */
            gb_err e2 = {0};
            GB_ASSERT_MSG(gb_exercise_load(&ex, p, 7, &e2) == GB_EINPUT, "an empty W1 is rejected");
            gb_params_free(p);
            continue;
        }
        gb_model *m = build(p, &ex);
        if (m) {
            check_against_network(m, &ex);
            check_recompute(m);
        }
        gb_model_free(m);
        gb_exercise_free(&ex);
        gb_params_free(p);
    }
}

static void test_glorot_network_when_no_weights(void)
{
    const char *ini =
        "[network]\nsizes = [4, 5, 3, 2]\nactivation = [tanh, leaky_relu, sigmoid]\nseed = 3\n"
        "[sample]\nx = [1, -2, 0.5, 0.25]\ny = [0, 1]\neta = 0.5\n"
        "[perceptron]\ninputs = [1, 2]\nactivation = sigmoid\nseed = 9\n";
    char path[] = "/tmp/gb_test_model_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs(ini, f);
    fclose(f);
    gb_params *p = gb_params_new();
    gb_err e = {0};
    GB_ASSERT_MSG(gb_params_load(p, path, &e) == 0, "%s", e.msg);
    gb_exercise a, b;
    gb_model *ma = NULL, *mb = NULL;
    if (gb_exercise_load(&a, p, -1, &e) == 0 && gb_exercise_load(&b, p, 4, &e) == 0) {
        ma = gb_exercise_model(&a);
        mb = gb_exercise_model(&b);
        check_against_network(ma, &a);
        check_recompute(ma);
        GB_ASSERT_MSG(val(ma, "W[1][0][0]") != val(mb, "W[1][0][0]"), "another seed, other weights");
        GB_ASSERT_NEAR(val(ma, "b[2][1]"), 0, 0);
        gb_exercise_free(&a);
        gb_exercise_free(&b);
    } else {
        GB_ASSERT_MSG(0, "load: %s", e.msg);
    }
    gb_model_free(ma);
    gb_model_free(mb);
    gb_params_free(p);
    remove(path);
}

/* The grader's use: change an upstream value, recompute downstream from it. */
static void test_carry_forward_recompute(void)
{
    gb_params *p = gb_test_exercise_params();
    gb_exercise ex;
    gb_model *m = build(p, &ex);
    if (!m) { gb_params_free(p); return; }
    size_t n = gb_model_count(m);
    double *v = malloc(n * sizeof *v);
    unsigned char *ov = calloc(n, 1);
    long iy = gb_model_find(m, "yhat"), id = gb_model_find(m, "delta[2][0]");
    long iz = gb_model_find(m, "z[2][0]");
    GB_ASSERT_MSG(iy >= 0 && id >= 0 && iz >= 0, "names exist");
    /* A student wrote a wrong z[2][0]: everything after it follows from their value. */
    v[iz] = 0.25;
    ov[iz] = 1;
    gb_model_propagate(m, v, ov);
    double s = 1 / (1 + exp(-0.25));
    GB_ASSERT_REL(v[iy], s, 1e-15);
    GB_ASSERT_REL(v[id], (s - val(m, "y")) * s * (1 - s), 1e-12);
    free(v);
    free(ov);
    gb_model_free(m);
    gb_exercise_free(&ex);
    gb_params_free(p);
}

static void test_perceptron_both_ways(void)
{
    gb_params *p = gb_test_exercise_params();
    gb_exercise ex;
    gb_model *m = build(p, &ex);
    if (!m) { gb_params_free(p); return; }
    double a = val(m, "perceptron.yhat"), b = val(m, "perceptron.yhat_aug");
    GB_ASSERT_NEAR(a, b, 1e-15);
    double lim = sqrt(6.0 / (double)(ex.p_n + 1));
    for (size_t k = 0; k < ex.p_n; k++)
        GB_ASSERT_MSG(fabs(ex.p_w[k]) <= lim, "perceptron weight %zu within Glorot limit", k);
    GB_ASSERT_NEAR(ex.p_b, 0, 0);
    gb_model_free(m);
    gb_exercise_free(&ex);
    gb_params_free(p);
}

/* Names are found through the model's index as it grows past several rehashes: every name
 * finds its own quantity, names never added are absent, a taken name is refused, a refused
 * computed quantity (wrong number of inputs, refused before it is added) leaves its name free.
 * Expected indices are the order of adding. */
static void test_names_indexed(void)
{
    gb_model *m = gb_model_new();
    GB_ASSERT_MSG(m != NULL, "out of memory");
    if (!m) return;
    enum { N = 3000 };
    char name[48];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "q[%d]", i);
        long k = gb_model_add_given(m, name, NULL, NULL, (double)i);
        GB_ASSERT_MSG(k == i, "'%s' added as %ld", name, k);
    }
    int wrong = 0;
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "q[%d]", i);
        long k = gb_model_find(m, name);
        int ok;
        double v = gb_model_value(m, name, &ok);
        if (k != i || !ok || v != (double)i) wrong++;
    }
    GB_ASSERT_MSG(wrong == 0, "%d of %d names found wrong", wrong, N);
    GB_ASSERT_MSG(gb_model_find(m, "q[3000]") == -1 && gb_model_find(m, "q") == -1 &&
                  gb_model_find(m, "") == -1, "names never added are found");
    GB_ASSERT_MSG(gb_model_add_given(m, "q[17]", NULL, NULL, 1.0) == -1, "a taken name is added");
    /* a computed quantity with a wrong number of inputs is refused, and its name stays free */
    size_t in[2] = {0, 1};
    GB_ASSERT_MSG(gb_model_add_computed(m, "bad", NULL, NULL, GB_OP_ACTIVATION, NULL, in, 2) == -1,
                  "an activation of two inputs is added");
    GB_ASSERT_MSG(gb_model_find(m, "bad") == -1, "a refused quantity is found");
    GB_ASSERT_MSG(gb_model_add_given(m, "bad", NULL, NULL, 2.0) == N, "the free name is refused");
    GB_ASSERT_MSG((size_t)gb_model_count(m) == N + 1, "count %zu", gb_model_count(m));
    gb_model_free(m);
}

GB_TEST_SUITE(model)
{
    CU_pSuite s = CU_add_suite("model", NULL, NULL);
    GB_ADD(s, test_worked_example_matches_network);
    GB_ADD(s, test_other_shapes_and_activations);
    GB_ADD(s, test_glorot_network_when_no_weights);
    GB_ADD(s, test_carry_forward_recompute);
    GB_ADD(s, test_perceptron_both_ways);
    GB_ADD(s, test_names_indexed);
}
