/* test_training.c — the SGD training run on the blobs: the default run separates the classes,
 * seeds reproduce, the loss falls, the record agrees with recomputation, bad configs fail. */
#include "gb_test.h"

#include "numerics/training.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

static void test_defaults(void)
{
    gb_training_config c;
    gb_training_defaults(&c);
    GB_ASSERT_MSG(c.L == 2 && c.sizes[0] == 2 && c.sizes[1] == 2 && c.sizes[2] == 1 &&
                      c.acts[0].kind == GB_ACT_SIGMOID && c.acts[1].kind == GB_ACT_SIGMOID,
                  "default architecture 2-2-1 sigmoid");
    GB_ASSERT_MSG(c.eta == 0.5 && c.epochs == 100, "eta %g, epochs %zu", c.eta,
                  c.epochs);
    GB_ASSERT_MSG(gb_training_check(&c) == NULL, "defaults valid: %s", gb_training_check(&c));
}

static void test_default_run(void)
{
    gb_training_config c;
    gb_training_defaults(&c);
    gb_training_result r;
    CU_ASSERT_FATAL(gb_training_run(&c, &r) == GB_NUM_OK);
    GB_ASSERT_MSG(r.test_accuracy >= 0.95, "test accuracy %.4f < 0.95", r.test_accuracy);
    GB_ASSERT_MSG(r.train_accuracy >= 0.95, "train accuracy %.4f", r.train_accuracy);
    GB_ASSERT_MSG(r.epochs == c.epochs && r.loss && r.train_acc, "record of E epochs");
    int finite = 1;
    for (size_t e = 0; e < r.epochs; e++)
        finite &= isfinite(r.loss[e]) && r.train_acc[e] >= 0.0 && r.train_acc[e] <= 1.0;
    GB_ASSERT_MSG(finite, "loss finite, accuracy in [0, 1]");
    /* Loss falls overall: the last tenth well below the first tenth, and below the loss of the
     * initial weights. */
    double first = 0, last = 0;
    for (size_t e = 0; e < 10; e++) first += r.loss[e], last += r.loss[r.epochs - 1 - e];
    GB_ASSERT_MSG(last < 0.5 * first, "loss: first epochs %g, last epochs %g", first / 10, last / 10);
    double l0 = gb_training_mean_loss(r.net_init, &r.data.train);
    GB_ASSERT_MSG(r.loss[r.epochs - 1] < 0.1 * l0, "loss %g vs initial %g", r.loss[r.epochs - 1], l0);
    GB_ASSERT_MSG(gb_training_accuracy(r.net_init, &r.data.test) < r.test_accuracy ||
                      r.test_accuracy == 1.0, "training improved the test accuracy");

    /* The record agrees with recomputation on the final net. */
    GB_ASSERT_NEAR(r.loss[r.epochs - 1], gb_training_mean_loss(r.net, &r.data.train), 1e-15);
    GB_ASSERT_NEAR(r.train_accuracy, gb_training_accuracy(r.net, &r.data.train), 0.0);
    GB_ASSERT_NEAR(r.test_accuracy, gb_training_accuracy(r.net, &r.data.test), 0.0);
    /* And with a count through the decision-boundary function (another path, threshold 0.5). */
    size_t correct = 0;
    for (size_t i = 0; i < r.data.test.n; i++) {
        double yh = gb_training_output(&r, r.data.test.x[2 * i], r.data.test.x[2 * i + 1]);
        correct += (yh >= 0.5) == (r.data.test.y[i] == 1.0);
    }
    GB_ASSERT_NEAR((double)correct / (double)r.data.test.n, r.test_accuracy, 0.0);
    gb_training_result_free(&r);
    GB_ASSERT_MSG(r.net == NULL && r.loss == NULL, "free zeroes the result");
    gb_training_result_free(&r);
    gb_training_result_free(NULL);
}

/* The initial net is Glorot from init_seed, the trained one differs; the boundary separates the
 * two centres; original units go through the training statistics. */
static void test_boundary_and_units(void)
{
    gb_training_config c;
    gb_training_defaults(&c);
    gb_training_result r;
    CU_ASSERT_FATAL(gb_training_run(&c, &r) == GB_NUM_OK);
    gb_net *g = gb_net_new(c.L, c.sizes, c.acts);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_FATAL(g && rng);
    gsl_rng_set(rng, c.init_seed);
    gb_net_glorot_uniform(g, rng);
    size_t P = gb_net_param_count(g), same = 1, moved = 0;
    for (size_t i = 0; i < P; i++) {
        same &= *gb_net_param(g, i) == *gb_net_param(r.net_init, i);
        moved += *gb_net_param(r.net, i) != *gb_net_param(r.net_init, i);
    }
    GB_ASSERT_MSG(same, "net_init is Glorot uniform from init_seed");
    GB_ASSERT_MSG(moved == P, "training moved %zu of %zu parameters", moved, P);
    const double *ch = c.data.centre[GB_LABEL_CHICKEN], *ea = c.data.centre[GB_LABEL_EAGLE];
    GB_ASSERT_MSG(gb_training_output_orig(&r, ch[0], ch[1]) < 0.1, "chicken centre -> %g",
                  gb_training_output_orig(&r, ch[0], ch[1]));
    GB_ASSERT_MSG(gb_training_output_orig(&r, ea[0], ea[1]) > 0.9, "eagle centre -> %g",
                  gb_training_output_orig(&r, ea[0], ea[1]));
    const double x[2] = {4.2, 3.3};
    double s[2];
    gb_dataset_standardise(&r.data, x, s);
    GB_ASSERT_NEAR(gb_training_output_orig(&r, x[0], x[1]), gb_training_output(&r, s[0], s[1]), 0.0);
    GB_ASSERT_MSG(isnan(gb_training_output(NULL, 0, 0)) && isnan(gb_training_output_orig(NULL, 0, 0)),
                  "NULL result gives NaN");
    gsl_rng_free(rng);
    gb_net_free(g);
    gb_training_result_free(&r);
}

static void test_seeds(void)
{
    gb_training_config c;
    gb_training_defaults(&c);
    c.epochs = 30;
    gb_training_result a, b, d, e;
    CU_ASSERT_FATAL(gb_training_run(&c, &a) == GB_NUM_OK);
    CU_ASSERT_FATAL(gb_training_run(&c, &b) == GB_NUM_OK);
    GB_ASSERT_MSG(memcmp(a.loss, b.loss, c.epochs * sizeof(double)) == 0, "same seed, same curve");
    GB_ASSERT_MSG(memcmp(a.net->W[1], b.net->W[1], 4 * sizeof(double)) == 0, "same weights");
    c.shuffle_seed++;
    CU_ASSERT_FATAL(gb_training_run(&c, &d) == GB_NUM_OK);
    GB_ASSERT_MSG(memcmp(a.loss, d.loss, c.epochs * sizeof(double)) != 0, "other shuffle seed");
    GB_ASSERT_MSG(memcmp(a.net_init->W[1], d.net_init->W[1], 4 * sizeof(double)) == 0,
                  "the shuffle seed does not move the initial weights");
    c.shuffle_seed--;
    c.init_seed++;
    CU_ASSERT_FATAL(gb_training_run(&c, &e) == GB_NUM_OK);
    GB_ASSERT_MSG(memcmp(a.loss, e.loss, c.epochs * sizeof(double)) != 0, "other init seed");
    gb_training_result_free(&a);
    gb_training_result_free(&b);
    gb_training_result_free(&d);
    gb_training_result_free(&e);
}

/* The defaults are not a lucky seed: other init and shuffle seeds also reach 95% on the test set. */
static void test_reliable_over_seeds(void)
{
    gb_training_config c;
    size_t below = 0;
    double worst = 1.0;
    for (unsigned long s = 1; s <= 20; s++) {
        gb_training_defaults(&c);
        c.init_seed = 100 + s;
        c.shuffle_seed = 200 + s;
        gb_training_result r;
        CU_ASSERT_FATAL(gb_training_run(&c, &r) == GB_NUM_OK);
        below += r.test_accuracy < 0.95;
        worst = fmin(worst, r.test_accuracy);
        gb_training_result_free(&r);
    }
    GB_ASSERT_MSG(below == 0, "%zu of 20 seeds below 95%% (worst %.3f)", below, worst);
}

static void test_other_architecture(void)
{
    gb_training_config c;
    gb_training_defaults(&c);
    c.L = 3;
    c.sizes[1] = 4;
    c.sizes[2] = 3;
    c.sizes[3] = 1;
    c.acts[0].kind = GB_ACT_TANH;
    c.acts[1].kind = GB_ACT_LEAKY_RELU;
    c.acts[2].kind = GB_ACT_SIGMOID;
    c.eta = 0.1;
    gb_training_result r;
    CU_ASSERT_FATAL(gb_training_run(&c, &r) == GB_NUM_OK);
    GB_ASSERT_MSG(r.test_accuracy >= 0.9, "2-4-3-1 test accuracy %.3f", r.test_accuracy);
    gb_training_result_free(&r);
}

static void test_bad_configs(void)
{
    gb_training_config c;
    gb_training_result r;
    memset(&r, 0x55, sizeof r);
    GB_ASSERT_MSG(gb_training_run(NULL, &r) == GB_NUM_EINVAL && r.net == NULL, "NULL config");
    gb_training_defaults(&c);
    GB_ASSERT_MSG(gb_training_run(&c, NULL) == GB_NUM_EINVAL, "NULL out");
    struct { const char *word; int field; double v; } bad[] = {
        {"eta", 0, 0.0}, {"eta", 0, NAN}, {"eta", 0, -1.0}, {"epochs", 1, 0},
        {"input", 2, 3}, {"output", 3, 2}, {"activation", 4, 0}, {"spread", 5, -1.0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gb_training_defaults(&c);
        switch (bad[i].field) {
        case 0: c.eta = bad[i].v; break;
        case 1: c.epochs = 0; break;
        case 2: c.sizes[0] = 3; break;
        case 3: c.sizes[2] = 2; break;
        case 4: c.acts[1].kind = GB_ACT_LEAKY_RELU, c.acts[1].alpha = 2.0; break;
        case 5: c.data.spread = bad[i].v; break;
        }
        const char *why = gb_training_check(&c);
        GB_ASSERT_MSG(why && strstr(why, bad[i].word), "case %zu: reason '%s' lacks '%s'", i,
                      why ? why : "(none)", bad[i].word);
        GB_ASSERT_MSG(gb_training_run(&c, &r) == GB_NUM_EINVAL && r.net == NULL && r.loss == NULL,
                      "case %zu: run must fail cleanly", i);
    }
    /* An absurd rate either diverges (reported) or stays finite: never a NaN in the record. */
    gb_training_defaults(&c);
    c.eta = 1e300;
    c.epochs = 5;
    int rc = gb_training_run(&c, &r);
    if (rc == GB_NUM_OK) {
        int finite = 1;
        for (size_t e = 0; e < r.epochs; e++) finite &= isfinite(r.loss[e]);
        GB_ASSERT_MSG(finite, "eta 1e300: run OK but loss not finite");
        gb_training_result_free(&r);
    } else {
        GB_ASSERT_MSG(rc == GB_NUM_EINVAL && r.net == NULL, "eta 1e300: rc %d", rc);
    }
}

static void test_bench_kernel(void)
{
    gb_training_config c;
    gb_training_defaults(&c);
    gb_training_result r;
    CU_ASSERT_FATAL(gb_training_run(&c, &r) == GB_NUM_OK);
    gb_net *a = gb_net_clone(r.net_init), *b = gb_net_clone(r.net_init);
    gb_trace *t = gb_trace_new(b);
    CU_ASSERT_FATAL(a && b && t);
    const size_t K = 1000;
    double m = gb_training_bench_updates(a, &r.data.train, K, 0.5);
    /* The same K updates by hand: cycle through the samples in order. */
    double sum = 0;
    for (size_t k = 0; k < K; k++) {
        size_t i = k % r.data.train.n;
        sum += gb_net_sgd_update(b, t, r.data.train.x + 2 * i, r.data.train.y + i, 0.5);
    }
    GB_ASSERT_NEAR(m, sum / (double)K, 1e-15);
    for (size_t i = 0; i < gb_net_param_count(a); i++)
        GB_ASSERT_NEAR(*gb_net_param(a, i), *gb_net_param(b, i), 0.0);
    GB_ASSERT_MSG(isnan(gb_training_bench_updates(a, &r.data.train, 0, 0.5)), "K = 0");
    GB_ASSERT_MSG(isnan(gb_training_bench_updates(a, NULL, 10, 0.5)), "NULL data");
    size_t n31[2] = {3, 1};
    gb_net *wrong = gb_net_new(1, n31, c.acts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wrong);
    GB_ASSERT_MSG(isnan(gb_training_bench_updates(wrong, &r.data.train, 10, 0.5)), "3-1 net");
    GB_ASSERT_MSG(isnan(gb_training_accuracy(wrong, &r.data.train)), "accuracy of a 3-1 net");
    gb_net_free(wrong);
    gb_trace_free(t);
    gb_net_free(a);
    gb_net_free(b);
    gb_training_result_free(&r);
}

GB_TEST_SUITE(training)
{
    CU_pSuite s = CU_add_suite("training", NULL, NULL);
    GB_ADD(s, test_defaults);
    GB_ADD(s, test_default_run);
    GB_ADD(s, test_boundary_and_units);
    GB_ADD(s, test_seeds);
    GB_ADD(s, test_reliable_over_seeds);
    GB_ADD(s, test_other_architecture);
    GB_ADD(s, test_bad_configs);
    GB_ADD(s, test_bench_kernel);
}
