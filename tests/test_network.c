/* test_network.c — the fully connected network: the worked example of section 6 against the
 * tests' long-double 2-2-1 reference (ref_mlp.h), shared/cases/02, 07 and 08, gradient checks by
 * central differences on several architectures, Glorot initialisation, parameter indexing and
 * misuse. */
#include "gb_test.h"
#include "ref_mlp.h"

#include "numerics/network.h"
#include "numerics/perceptron.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

static const gb_act SIG = {GB_ACT_SIGMOID, GB_LEAKY_RELU_ALPHA_DEFAULT};

static long double sig_ld(long double z) { return 1.0L / (1.0L + expl(-z)); }

/* A 2-2-1 sigmoid net with the given parameters (W1 row-major [j][k], W2 [0][j]). */
static gb_net *net221(const double W1[4], const double b1[2], const double W2[2], double b2)
{
    size_t n[3] = {2, 2, 1};
    gb_act acts[2] = {SIG, SIG};
    gb_net *net = gb_net_new(2, n, acts);
    if (!net) return NULL;
    memcpy(net->W[1], W1, 4 * sizeof(double));
    memcpy(net->b[1], b1, 2 * sizeof(double));
    memcpy(net->W[2], W2, 2 * sizeof(double));
    net->b[2][0] = b2;
    return net;
}

/* Section 6 for this one net against the tests' long-double reference (ref_mlp.h): every quantity
 * of the forward and backward pass as a closed-form expression in the inputs (the textbook a(1-a)
 * slope is fine here because nothing saturates and long double carries 11 extra bits). */
static void test_worked_example_section6(void)
{
    const double x[2] = {0.5, -1.5}, W1[4] = {0.1, -0.2, 0.4, 0.2}, b1[2] = {0.0, -0.1};
    const double W2[2] = {0.3, -0.4}, b2 = 0.2, y = 1.0;
    gb_net *net = net221(W1, b1, W2, b2);
    gb_trace *t = gb_trace_new(net);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);

    /* The same double inputs, promoted: the reference differs only by the net's rounding. */
    const double W1m[2][2] = {{W1[0], W1[1]}, {W1[2], W1[3]}};
    ref_mlp r;
    ref_mlp_pass(x, W1m, b1, W2, b2, y, &r);

    gb_net_forward(net, x, t);
    gb_net_backward(net, &y, t);
    const double rt = 2e-15;
    GB_ASSERT_REL(t->z[1][0], (double)r.z1[0], rt);
    GB_ASSERT_REL(t->z[1][1], (double)r.z1[1], rt);
    GB_ASSERT_REL(t->a[1][0], (double)r.a1[0], rt);
    GB_ASSERT_REL(t->a[1][1], (double)r.a1[1], rt);
    GB_ASSERT_REL(t->z[2][0], (double)r.z2, rt);
    GB_ASSERT_REL(t->a[2][0], (double)r.yhat, rt);
    GB_ASSERT_REL(t->C, (double)r.C, rt);
    GB_ASSERT_REL(gb_net_loss(net, t, &y), (double)r.C, rt);
    GB_ASSERT_REL(t->delta[2][0], (double)r.delta2, rt);
    GB_ASSERT_REL(t->delta[1][0], (double)r.delta1[0], rt);
    GB_ASSERT_REL(t->delta[1][1], (double)r.delta1[1], rt);
    GB_ASSERT_REL(t->gW[2][0], (double)r.gW2[0], rt);
    GB_ASSERT_REL(t->gW[2][1], (double)r.gW2[1], rt);
    GB_ASSERT_REL(t->gb[2][0], (double)r.gb2, rt);
    GB_ASSERT_REL(t->gW[1][0], (double)r.gW1[0][0], rt);
    GB_ASSERT_REL(t->gW[1][1], (double)r.gW1[0][1], rt);
    GB_ASSERT_REL(t->gW[1][2], (double)r.gW1[1][0], rt);
    GB_ASSERT_REL(t->gW[1][3], (double)r.gW1[1][1], rt);
    GB_ASSERT_REL(t->gb[1][0], (double)r.gb1[0], rt);
    GB_ASSERT_REL(t->gb[1][1], (double)r.gb1[1], rt);
    GB_ASSERT_MSG(memcmp(t->a[0], x, sizeof x) == 0, "a[0] is a copy of x");

    /* The step with eta = 1 (the section's example rate): theta - grad for every parameter. */
    gb_net *before = gb_net_clone(net);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    gb_net_step(net, t, 1.0);
    for (size_t i = 0; i < gb_net_param_count(net); i++)
        GB_ASSERT_NEAR(*gb_net_param(net, i),
                       *gb_net_param(before, i) - gb_trace_grad(net, t, i), 1e-17);
    /* The section's claim: the step lowers the loss for this sample. */
    gb_net_forward(net, x, t);
    GB_ASSERT_MSG(gb_net_loss(net, t, &y) < (double)r.C, "C after step %.17g >= %.17g",
                  gb_net_loss(net, t, &y), (double)r.C);
    gb_net_free(before);
    gb_trace_free(t);
    gb_net_free(net);
}

/* Runs one sample through a 2-2-1 net and returns its trace (caller frees both). */
static gb_trace *run221(gb_net *net, const double x[2], double y)
{
    gb_trace *t = gb_trace_new(net);
    if (!t) return NULL;
    gb_net_forward(net, x, t);
    gb_net_backward(net, &y, t);
    return t;
}

/* shared/cases/07: Set A and Set B, correct (not transposed) values. */
static void test_case07_sets(void)
{
    {
        const double x[2] = {0.05, 0.10}, W1[4] = {0.15, 0.20, 0.25, 0.30}, b1[2] = {0.35, 0.35};
        const double W2[2] = {0.40, 0.45};
        gb_net *net = net221(W1, b1, W2, 0.60);
        CU_ASSERT_PTR_NOT_NULL_FATAL(net);
        gb_trace *t = run221(net, x, 0.01);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        GB_ASSERT_REL(t->z[1][0], 0.3775, 1e-12);
        GB_ASSERT_REL(t->z[1][1], 0.3925, 1e-12);
        GB_ASSERT_REL(t->a[2][0], 0.7513650696, 1e-9);
        GB_ASSERT_REL(t->gW[1][0], 0.0006683960211, 1e-9);
        GB_ASSERT_REL(t->gW[1][1], 0.001336792042, 1e-9);
        GB_ASSERT_REL(t->gW[1][2], 0.0007498037744, 1e-9);
        GB_ASSERT_REL(t->gW[1][3], 0.001499607549, 1e-9);
        GB_ASSERT_REL(t->gW[2][0], 0.08216704056, 1e-9);
        GB_ASSERT_REL(t->gW[2][1], 0.08266762785, 1e-9);
        gb_trace_free(t);
        gb_net_free(net);
    }
    {
        const double x[2] = {1.0, -2.0}, W1[4] = {0.5, -0.3, 0.8, 0.1}, b1[2] = {0.1, -0.2};
        const double W2[2] = {0.7, -0.4};
        gb_net *net = net221(W1, b1, W2, 0.05);
        CU_ASSERT_PTR_NOT_NULL_FATAL(net);
        gb_trace *t = run221(net, x, 1.0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        GB_ASSERT_REL(t->z[1][0], 1.2, 1e-12);
        GB_ASSERT_REL(t->z[1][1], 0.4, 1e-12);
        GB_ASSERT_REL(t->a[2][0], 0.5862519141, 1e-9);
        GB_ASSERT_REL(t->gW[1][0], -0.01249731410, 1e-9);
        GB_ASSERT_REL(t->gW[1][1], 0.02499462819, 1e-9);
        GB_ASSERT_REL(t->gW[1][2], 0.009644930022, 1e-9);
        GB_ASSERT_REL(t->gW[1][3], -0.01928986004, 1e-9);
        GB_ASSERT_REL(t->gW[2][0], -0.07712836874, 1e-9);
        GB_ASSERT_REL(t->gW[2][1], -0.06008368709, 1e-9);
        /* Not the transposed reading of W1 (30% apart in Set B). */
        GB_ASSERT_MSG(fabs(t->gW[1][0] - -0.01625131389) > 1e-3, "transposed W1 gradient");
        gb_trace_free(t);
        gb_net_free(net);
    }
}

/* shared/cases/02: saturated, confidently wrong output (b2 = 20, y = 0). Needs the stable slope. */
static void test_case02_saturated(void)
{
    const double x[2] = {0.05, 0.10}, W1[4] = {0.15, 0.20, 0.25, 0.30}, b1[2] = {0.35, 0.35};
    const double W2[2] = {0.40, 0.45};
    gb_net *net = net221(W1, b1, W2, 20.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    gb_trace *t = run221(net, x, 0.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    GB_ASSERT_REL(t->z[2][0], 20.50590597, 1e-9);
    GB_ASSERT_REL(t->C, 0.4999999988, 1e-9);
    GB_ASSERT_REL(t->gW[1][0], 5.997728234e-12, 1e-9);
    GB_ASSERT_REL(t->gW[2][0], 7.373107611e-10, 1e-9);
    GB_ASSERT_REL(t->gb[2][0], 1.242791260e-9, 1e-9);
    /* The naive a(1-a) value 5.997727944e-12 is wrong from the 7th digit: we must not be it. */
    GB_ASSERT_MSG(fabs(t->gW[1][0] - 5.997727944e-12) > 2e-8 * 5.997727944e-12,
                  "gradient equals the cancelling a(1-a) form");
    gb_trace_free(t);
    gb_net_free(net);
}

/* A reference forward pass in long double over any architecture, written independently of
 * network.c (plain loops over the documented layout). */
static long double act_ld(const gb_act *a, long double z)
{
    switch (a->kind) {
    case GB_ACT_SIGMOID: return sig_ld(z);
    case GB_ACT_TANH: return tanhl(z);
    case GB_ACT_LEAKY_RELU: return z > 0 ? z : a->alpha * z;
    case GB_ACT_IDENTITY: return z;
    }
    return NAN;
}

static void forward_ld(const gb_net *net, const double *x, long double *out)
{
    long double cur[64], nxt[64];
    for (size_t k = 0; k < net->n[0]; k++) cur[k] = x[k];
    for (size_t l = 1; l <= net->L; l++) {
        for (size_t j = 0; j < net->n[l]; j++) {
            long double z = net->b[l][j];
            for (size_t k = 0; k < net->n[l - 1]; k++)
                z += (long double)net->W[l][j * net->n[l - 1] + k] * cur[k];
            nxt[j] = act_ld(&net->act[l], z);
        }
        memcpy(cur, nxt, net->n[l] * sizeof cur[0]);
    }
    memcpy(out, cur, net->n[net->L] * sizeof cur[0]);
}

static double loss_at(const gb_net *net, gb_trace *t, const double *x, const double *y)
{
    gb_net_forward(net, x, t);
    return gb_net_loss(net, t, y);
}

/* Architectures 3-1, 2-2-1, 4-5-3-2, 2-3-3-1 with every activation: forward against the long
 * double reference, every gradient against central differences, one small step lowers C. */
static void test_architectures_gradcheck(void)
{
    static const size_t shapes[][5] = {{1, 3, 1}, {2, 2, 2, 1}, {3, 4, 5, 3, 2}, {3, 2, 3, 3, 1}};
    const gb_act acts4[4] = {{GB_ACT_SIGMOID, 0.01}, {GB_ACT_TANH, 0.01},
                             {GB_ACT_LEAKY_RELU, 0.1}, {GB_ACT_IDENTITY, 0.01}};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 12345);
    size_t checked = 0, nets = 0, lowered = 0;
    for (size_t s = 0; s < 4; s++) {
        for (size_t rep = 0; rep < 20; rep++) {
            size_t L = shapes[s][0];
            gb_act acts[4];
            for (size_t l = 0; l < L; l++) acts[l] = acts4[(rep + l) % 4];
            gb_net *net = gb_net_new(L, shapes[s] + 1, acts);
            CU_ASSERT_PTR_NOT_NULL_FATAL(net);
            gb_net_glorot_uniform(net, r);
            for (size_t l = 1; l <= L; l++)
                for (size_t j = 0; j < net->n[l]; j++) net->b[l][j] = gsl_rng_uniform(r) - 0.5;
            gb_trace *t = gb_trace_new(net);
            CU_ASSERT_PTR_NOT_NULL_FATAL(t);
            double x[4], y[2];
            for (size_t k = 0; k < net->n[0]; k++) x[k] = 4.0 * gsl_rng_uniform(r) - 2.0;
            for (size_t j = 0; j < net->n[L]; j++) y[j] = gsl_rng_uniform(r);

            long double ref[64];
            forward_ld(net, x, ref);
            gb_net_forward(net, x, t);
            for (size_t j = 0; j < net->n[L]; j++)
                GB_ASSERT_NEAR(t->a[L][j], (double)ref[j], 1e-14 * (1.0 + fabsl(ref[j])));

            gb_net_backward(net, y, t);
            const double C0 = t->C;
            int kink = 0;
            for (size_t l = 1; l <= L; l++)
                for (size_t j = 0; j < net->n[l]; j++)
                    kink |= gb_act_near_kink(&net->act[l], t->z[l][j], 1e-3);
            const size_t P = gb_net_param_count(net);
            double g2 = 0.0, grad[64];
            for (size_t i = 0; i < P; i++) {
                grad[i] = gb_trace_grad(net, t, i);
                g2 += grad[i] * grad[i];
            }
            if (!kink) {
                for (size_t i = 0; i < P; i++) {
                    double *p = gb_net_param(net, i), p0 = *p, h = 1e-6;
                    *p = p0 + h;
                    double cp = loss_at(net, t, x, y);
                    *p = p0 - h;
                    double cm = loss_at(net, t, x, y);
                    *p = p0;
                    double num = (cp - cm) / (2.0 * h);
                    GB_ASSERT_MSG(fabs(num - grad[i]) <= 1e-8 + 1e-6 * fabs(grad[i]),
                                  "shape %zu rep %zu param %zu: backprop %.12g numeric %.12g", s,
                                  rep, i, grad[i], num);
                    checked++;
                }
            }
            /* One small step lowers C, by about eta |g|^2 (first order). */
            if (g2 > 1e-12) {
                gb_net_forward(net, x, t);
                gb_net_backward(net, y, t);
                const double eta = 1e-3;
                gb_net_step(net, t, eta);
                double C1 = loss_at(net, t, x, y);
                GB_ASSERT_MSG(C1 < C0, "step did not lower C: %.17g -> %.17g", C0, C1);
                GB_ASSERT_NEAR((C0 - C1) / (eta * g2), 1.0, 0.05);
                lowered++;
            }
            nets++;
            gb_trace_free(t);
            gb_net_free(net);
        }
    }
    /* Guard against a check that passes vacuously (all skipped or all-zero gradients). */
    GB_ASSERT_MSG(checked > 500 && lowered > 70, "checked %zu params, lowered %zu of %zu nets",
                  checked, lowered, nets);
    gsl_rng_free(r);
}

static void test_sgd_update_matches_passes(void)
{
    const double x[2] = {1.0, -2.0}, W1[4] = {0.5, -0.3, 0.8, 0.1}, b1[2] = {0.1, -0.2};
    const double W2[2] = {0.7, -0.4}, y = 1.0;
    gb_net *a = net221(W1, b1, W2, 0.05), *b = net221(W1, b1, W2, 0.05);
    gb_trace *ta = gb_trace_new(a), *tb = gb_trace_new(b);
    CU_ASSERT_FATAL(a && b && ta && tb);
    double Ca = gb_net_sgd_update(a, ta, x, &y, 0.3);
    gb_net_forward(b, x, tb);
    gb_net_backward(b, &y, tb);
    gb_net_step(b, tb, 0.3);
    GB_ASSERT_NEAR(Ca, tb->C, 0.0);
    for (size_t i = 0; i < gb_net_param_count(a); i++)
        GB_ASSERT_NEAR(*gb_net_param(a, i), *gb_net_param(b, i), 0.0);
    GB_ASSERT_MSG(isnan(gb_net_sgd_update(a, ta, NULL, &y, 0.3)), "NULL x gives NaN");
    gb_trace_free(ta);
    gb_trace_free(tb);
    gb_net_free(a);
    gb_net_free(b);
}

/* Flat order: W[1] row-major, b[1], W[2], b[2]; names as the model uses them. */
static void test_param_index_and_names(void)
{
    size_t n[3] = {2, 2, 1};
    gb_act acts[2] = {SIG, SIG};
    gb_net *net = gb_net_new(2, n, acts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    static const char *names[9] = {"W[1][0][0]", "W[1][0][1]", "W[1][1][0]", "W[1][1][1]",
                                   "b[1][0]",    "b[1][1]",    "W[2][0][0]", "W[2][0][1]",
                                   "b[2][0]"};
    double *where[9] = {&net->W[1][0], &net->W[1][1], &net->W[1][2], &net->W[1][3], &net->b[1][0],
                        &net->b[1][1], &net->W[2][0], &net->W[2][1], &net->b[2][0]};
    GB_ASSERT_MSG(gb_net_param_count(net) == 9, "count %zu", gb_net_param_count(net));
    char buf[32];
    for (size_t i = 0; i < 9; i++) {
        gb_net_param_name(net, i, buf, sizeof buf);
        GB_ASSERT_MSG(strcmp(buf, names[i]) == 0, "param %zu is %s, expected %s", i, buf, names[i]);
        GB_ASSERT_MSG(gb_net_param(net, i) == where[i], "param %zu pointer", i);
    }
    GB_ASSERT_MSG(gb_net_param(net, 9) == NULL, "param out of range");
    gb_net_param_name(net, 9, buf, sizeof buf);
    GB_ASSERT_MSG(strcmp(buf, "?") == 0, "name out of range: %s", buf);
    gb_net_param_name(net, 0, buf, 5);
    GB_ASSERT_MSG(strcmp(buf, "W[1]") == 0, "truncated name: %s", buf);
    /* Row = neuron of layer l, column = neuron of layer l-1: W[2][0][1] multiplies a[1][1]. */
    size_t n3[4] = {3, 4, 2, 1};
    gb_act acts3[3] = {SIG, SIG, SIG};
    gb_net *big = gb_net_new(3, n3, acts3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    gb_net_param_name(big, 3 * 4 + 4 + 1 * 4 + 3, buf, sizeof buf);
    GB_ASSERT_MSG(strcmp(buf, "W[2][1][3]") == 0, "name %s", buf);
    GB_ASSERT_MSG(gb_net_param(big, 3 * 4 + 4 + 7) == &big->W[2][7], "pointer of W[2][1][3]");
    gb_trace *t = gb_trace_new(net);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    GB_ASSERT_MSG(isnan(gb_trace_grad(net, t, 9)), "grad out of range is NaN");
    GB_ASSERT_MSG(isnan(gb_trace_grad(big, t, 0)), "grad with a foreign trace is NaN");
    gb_trace_free(t);
    gb_net_free(big);
    gb_net_free(net);
}

/* shared/cases/08: parameter counts, Glorot limits, 10 000 samples per layer. */
static void test_case08_glorot(void)
{
    size_t n[3] = {2, 2, 1};
    gb_act acts[2] = {SIG, SIG};
    gb_net *net = gb_net_new(2, n, acts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    GB_ASSERT_MSG(gb_net_param_count(net) == 9, "2-2-1 has 9 parameters");
    size_t n1[2] = {2, 2}, n2[2] = {2, 1};
    gb_net *l1 = gb_net_new(1, n1, acts), *l2 = gb_net_new(1, n2, acts);
    gb_net *p2 = gb_perceptron_new(2, &SIG), *p3 = gb_perceptron_new(3, &SIG);
    CU_ASSERT_FATAL(l1 && l2 && p2 && p3);
    GB_ASSERT_MSG(gb_net_param_count(l1) == 6 && gb_net_param_count(l2) == 3, "6 and 3");
    GB_ASSERT_MSG(gb_net_param_count(p2) == 3 && gb_net_param_count(p3) == 4, "perceptrons 3, 4");
    GB_ASSERT_REL(gb_glorot_limit(2, 2), 1.224744871, 1e-9);
    GB_ASSERT_REL(gb_glorot_limit(2, 1), 1.414213562, 1e-9);
    GB_ASSERT_REL(gb_glorot_limit(2, 2), sqrt(1.5), 1e-15);
    GB_ASSERT_MSG(isnan(gb_glorot_limit(0, 0)), "limit(0,0) is NaN");

    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 8);
    enum { N = 10000 };
    static double s1[N], s2[N];
    size_t c1 = 0, c2 = 0;
    int bias_ok = 1;
    while (c2 < N) {
        net->b[1][0] = net->b[1][1] = net->b[2][0] = 7.0; /* must be reset to 0 */
        gb_net_glorot_uniform(net, r);
        for (size_t i = 0; i < 4 && c1 < N; i++) s1[c1++] = net->W[1][i];
        for (size_t i = 0; i < 2 && c2 < N; i++) s2[c2++] = net->W[2][i];
        bias_ok &= net->b[1][0] == 0.0 && net->b[1][1] == 0.0 && net->b[2][0] == 0.0;
    }
    GB_ASSERT_MSG(bias_ok, "biases are set to 0");
    const double *sets[2] = {s1, s2};
    const double lims[2] = {sqrt(6.0 / 4.0), sqrt(6.0 / 3.0)};
    for (int k = 0; k < 2; k++) {
        double mn = INFINITY, mx = -INFINITY, sum = 0.0, sq = 0.0;
        for (size_t i = 0; i < N; i++) {
            double v = sets[k][i];
            mn = fmin(mn, v);
            mx = fmax(mx, v);
            sum += v;
            sq += v * v;
        }
        double lim = lims[k], mean = sum / N, var = sq / N - mean * mean;
        GB_ASSERT_MSG(mn >= -lim && mx <= lim, "layer %d: [%g, %g] outside +-%g", k + 1, mn, mx, lim);
        GB_ASSERT_MSG(mn < -0.99 * lim && mx > 0.99 * lim, "layer %d: range [%g, %g] too narrow",
                      k + 1, mn, mx);
        GB_ASSERT_NEAR(mean, 0.0, 0.05);
        /* Var U(-a, a) = a^2/3 (0.5 and 0.6667); the estimate's standard error is ~0.9%. */
        GB_ASSERT_REL(var, lim * lim / 3.0, 0.05);
    }
    gsl_rng_free(r);
    gb_net_free(l1);
    gb_net_free(l2);
    gb_net_free(p2);
    gb_net_free(p3);
    gb_net_free(net);
}

static void test_glorot_seeds(void)
{
    size_t n[4] = {4, 5, 3, 2};
    gb_act acts[3] = {SIG, SIG, SIG};
    gb_net *a = gb_net_new(3, n, acts), *b = gb_net_new(3, n, acts), *c = gb_net_new(3, n, acts);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_FATAL(a && b && c && r);
    gsl_rng_set(r, 42);
    gb_net_glorot_uniform(a, r);
    gsl_rng_set(r, 42);
    gb_net_glorot_uniform(b, r);
    gsl_rng_set(r, 43);
    gb_net_glorot_uniform(c, r);
    size_t P = gb_net_param_count(a), same = 1, differ = 0;
    for (size_t i = 0; i < P; i++) {
        same &= *gb_net_param(a, i) == *gb_net_param(b, i);
        differ += *gb_net_param(a, i) != *gb_net_param(c, i);
    }
    GB_ASSERT_MSG(same, "same seed, same weights");
    GB_ASSERT_MSG(differ == 5 * 4 + 3 * 5 + 2 * 3, "other seed: %zu of 41 weights differ", differ);
    /* The documented draw: limit (2u - 1), row by row, u = gsl_rng_uniform of the same stream. */
    gsl_rng_set(r, 42);
    double lim = gb_glorot_limit(4, 5);
    GB_ASSERT_NEAR(a->W[1][0], lim * (2.0 * gsl_rng_uniform(r) - 1.0), 0.0);
    GB_ASSERT_NEAR(a->W[1][1], lim * (2.0 * gsl_rng_uniform(r) - 1.0), 0.0);
    gsl_rng_free(r);
    gb_net_free(a);
    gb_net_free(b);
    gb_net_free(c);
}

static void test_new_rejects_and_clone(void)
{
    size_t n[3] = {2, 2, 1};
    gb_act acts[2] = {SIG, {GB_ACT_LEAKY_RELU, 0.2}};
    GB_ASSERT_MSG(gb_net_new(0, n, acts) == NULL, "L = 0");
    GB_ASSERT_MSG(gb_net_new(GB_NET_MAX_LAYERS + 1, n, acts) == NULL, "L too big");
    GB_ASSERT_MSG(gb_net_new(2, NULL, acts) == NULL && gb_net_new(2, n, NULL) == NULL, "NULLs");
    size_t z[3] = {2, 0, 1}, w[3] = {2, GB_NET_MAX_WIDTH + 1, 1};
    GB_ASSERT_MSG(gb_net_new(2, z, acts) == NULL && gb_net_new(2, w, acts) == NULL, "sizes");
    gb_act bad[2] = {SIG, {GB_ACT_LEAKY_RELU, 1.5}};
    GB_ASSERT_MSG(gb_net_new(2, n, bad) == NULL, "leaky alpha 1.5");
    gb_net_free(NULL);
    gb_trace_free(NULL);
    GB_ASSERT_MSG(gb_net_clone(NULL) == NULL && gb_trace_new(NULL) == NULL, "NULL in");

    gb_net *net = gb_net_new(2, n, acts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    for (size_t i = 0; i < gb_net_param_count(net); i++) *gb_net_param(net, i) = 0.1 * (double)i;
    gb_net *c = gb_net_clone(net);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    GB_ASSERT_MSG(c->L == 2 && c->n[1] == 2 && c->act[2].kind == GB_ACT_LEAKY_RELU &&
                      c->act[2].alpha == 0.2, "clone keeps shape and activations");
    for (size_t i = 0; i < gb_net_param_count(net); i++)
        GB_ASSERT_NEAR(*gb_net_param(c, i), 0.1 * (double)i, 0.0);
    *gb_net_param(c, 3) = 99.0;
    GB_ASSERT_NEAR(*gb_net_param(net, 3), 0.3, 1e-16);
    GB_ASSERT_MSG(c->W[1] != net->W[1], "clone is deep");
    gb_net_free(c);
    gb_net_free(net);
}

/* A trace of another shape, NULL vectors, NaN and huge inputs: no crash, no silent garbage. */
static void test_misuse_and_extremes(void)
{
    size_t n[3] = {2, 2, 1}, m[3] = {2, 3, 1};
    gb_act acts[2] = {SIG, SIG};
    gb_net *net = gb_net_new(2, n, acts), *other = gb_net_new(2, m, acts);
    CU_ASSERT_FATAL(net && other);
    gb_trace *t = gb_trace_new(other);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    GB_ASSERT_MSG(!gb_trace_fits(net, t) && gb_trace_fits(other, t), "fits");
    const double x[2] = {1.0, 2.0}, y = 1.0;
    t->C = 0.0;
    gb_net_forward(net, x, t);
    GB_ASSERT_MSG(isnan(t->C), "foreign trace marks C NaN");
    GB_ASSERT_MSG(isnan(gb_net_loss(net, t, &y)), "loss with a foreign trace is NaN");
    *gb_net_param(net, 0) = 0.5;
    gb_net_step(net, t, 1.0);
    GB_ASSERT_NEAR(*gb_net_param(net, 0), 0.5, 0.0);
    gb_trace_free(t);

    t = gb_trace_new(net);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    GB_ASSERT_MSG(isnan(t->C), "fresh trace C is NaN");
    gb_net_forward(net, NULL, t);
    GB_ASSERT_MSG(isnan(t->a[2][0]) && isnan(t->C), "NULL x gives NaN outputs");
    gb_net_forward(net, x, t);
    gb_net_backward(net, NULL, t);
    GB_ASSERT_MSG(isnan(t->C), "NULL y gives NaN C");
    const double xn[2] = {NAN, 1.0};
    gb_net_forward(net, xn, t);
    GB_ASSERT_MSG(isnan(t->a[2][0]), "NaN input propagates to the output");

    /* Saturated everywhere: every value finite, gradients finite (no inf - inf, no 0/0). */
    for (size_t i = 0; i < gb_net_param_count(net); i++) *gb_net_param(net, i) = 50.0;
    const double xb[2] = {1000.0, -3000.0}, y0 = 0.0;
    gb_net_forward(net, xb, t);
    gb_net_backward(net, &y0, t);
    int finite = isfinite(t->C);
    for (size_t i = 0; i < gb_net_param_count(net); i++) finite &= isfinite(gb_trace_grad(net, t, i));
    GB_ASSERT_MSG(finite, "saturated net gives non-finite values");
    gb_trace_free(t);
    gb_net_free(net);
    gb_net_free(other);
}

GB_TEST_SUITE(network)
{
    CU_pSuite s = CU_add_suite("network", NULL, NULL);
    GB_ADD(s, test_worked_example_section6);
    GB_ADD(s, test_case07_sets);
    GB_ADD(s, test_case02_saturated);
    GB_ADD(s, test_architectures_gradcheck);
    GB_ADD(s, test_sgd_update_matches_passes);
    GB_ADD(s, test_param_index_and_names);
    GB_ADD(s, test_case08_glorot);
    GB_ADD(s, test_glorot_seeds);
    GB_ADD(s, test_new_rejects_and_clone);
    GB_ADD(s, test_misuse_and_extremes);
}
