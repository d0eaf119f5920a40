/* test_dataset.c — the "eagles vs chickens" blobs: class statistics, a split that partitions the
 * samples, standardisation with the training statistics, determinism per seed, bad parameters. */
#include "gb_test.h"

#include "numerics/dataset.h"
#include "numerics/network.h"

#include <math.h>
#include <string.h>

static int make_default(gb_blobs *b, gb_blobs_params *p)
{
    gb_dataset_blobs_defaults(p);
    return gb_dataset_blobs_make(p, b);
}

static void test_defaults_and_classes(void)
{
    gb_blobs_params p;
    gb_blobs b;
    CU_ASSERT_FATAL(make_default(&b, &p) == GB_NUM_OK);
    GB_ASSERT_MSG(gb_dataset_blobs_check(&p) == NULL, "defaults are valid");
    GB_ASSERT_MSG(b.all.n == 200 && b.test.n == 50 && b.train.n == 150 && b.test_raw.n == 50 &&
                      b.train_raw.n == 150, "sizes %zu %zu %zu", b.all.n, b.train.n, b.test.n);
    /* Labels: chickens (0) first, then eagles (1); per class mean near its centre, sd near the
     * spread (tolerances ~4.5 standard errors for 100 samples). */
    for (int c = 0; c < 2; c++) {
        for (int f = 0; f < 2; f++) {
            long double s = 0, s2 = 0;
            for (size_t i = 0; i < 100; i++) {
                size_t k = (size_t)c * 100 + i;
                GB_ASSERT_MSG(b.all.y[k] == (double)c, "label of sample %zu", k);
                s += b.all.x[2 * k + f];
            }
            long double m = s / 100;
            for (size_t i = 0; i < 100; i++) {
                long double d = b.all.x[2 * ((size_t)c * 100 + i) + f] - m;
                s2 += d * d;
            }
            GB_ASSERT_NEAR((double)m, p.centre[c][f], 4.5 * p.spread / 10.0);
            GB_ASSERT_REL((double)sqrtl(s2 / 99), p.spread, 0.35);
        }
    }
    gb_dataset_blobs_free(&b);
    GB_ASSERT_MSG(b.all.x == NULL && b.train.n == 0, "free zeroes the struct");
    gb_dataset_blobs_free(&b); /* twice is harmless */
    gb_dataset_blobs_free(NULL);
}

/* Every sample lands in exactly one of train/test, with its label. */
static void test_split_partitions(void)
{
    gb_blobs_params p;
    gb_blobs b;
    CU_ASSERT_FATAL(make_default(&b, &p) == GB_NUM_OK);
    size_t bad = 0;
    for (size_t i = 0; i < b.all.n; i++) {
        size_t hits = 0;
        const gb_dataset *sets[2] = {&b.train_raw, &b.test_raw};
        for (int s = 0; s < 2; s++)
            for (size_t j = 0; j < sets[s]->n; j++)
                if (sets[s]->x[2 * j] == b.all.x[2 * i] && sets[s]->x[2 * j + 1] == b.all.x[2 * i + 1] &&
                    sets[s]->y[j] == b.all.y[i])
                    hits++;
        bad += hits != 1;
    }
    GB_ASSERT_MSG(bad == 0, "%zu samples not in exactly one set", bad);
    /* Both classes reach the test set (the shuffle mixes them). */
    double eagles = 0;
    for (size_t j = 0; j < b.test.n; j++) eagles += b.test.y[j];
    GB_ASSERT_MSG(eagles > 10 && eagles < 40, "%g eagles among 50 test samples", eagles);
    gb_dataset_blobs_free(&b);
}

/* Training set: mean 0, sd 1 after standardising (own long-double two-pass computation); the test
 * set uses the training statistics, so its own mean is not 0. */
static void test_standardisation(void)
{
    gb_blobs_params p;
    gb_blobs b;
    CU_ASSERT_FATAL(make_default(&b, &p) == GB_NUM_OK);
    for (int f = 0; f < 2; f++) {
        long double s = 0, s2 = 0;
        size_t n = b.train_raw.n;
        for (size_t i = 0; i < n; i++) s += b.train_raw.x[2 * i + f];
        long double m = s / n;
        for (size_t i = 0; i < n; i++) {
            long double d = b.train_raw.x[2 * i + f] - m;
            s2 += d * d;
        }
        long double sd = sqrtl(s2 / (n - 1));
        GB_ASSERT_REL(b.mean[f], (double)m, 1e-14);
        GB_ASSERT_REL(b.sd[f], (double)sd, 1e-14);
        long double t = 0, t2 = 0;
        for (size_t i = 0; i < n; i++) t += b.train.x[2 * i + f];
        for (size_t i = 0; i < n; i++) t2 += (b.train.x[2 * i + f] - t / n) * (b.train.x[2 * i + f] - t / n);
        GB_ASSERT_NEAR((double)(t / n), 0.0, 1e-14);
        GB_ASSERT_NEAR((double)sqrtl(t2 / (n - 1)), 1.0, 1e-14);
        long double u = 0;
        for (size_t i = 0; i < b.test.n; i++) {
            double want = (b.test_raw.x[2 * i + f] - (double)m) / (double)sd;
            GB_ASSERT_NEAR(b.test.x[2 * i + f], want, 1e-13);
            u += b.test.x[2 * i + f];
        }
        GB_ASSERT_MSG(fabsl(u / b.test.n) > 1e-6, "test set standardised with its own mean?");
    }
    for (size_t i = 0; i < b.train.n; i++) GB_ASSERT_NEAR(b.train.y[i], b.train_raw.y[i], 0.0);
    const double x[2] = {3.7, -12.5};
    double s[2], back[2];
    gb_dataset_standardise(&b, x, s);
    GB_ASSERT_NEAR(s[0], (3.7 - b.mean[0]) / b.sd[0], 1e-15);
    gb_dataset_unstandardise(&b, s, back);
    GB_ASSERT_NEAR(back[0], 3.7, 1e-14);
    GB_ASSERT_NEAR(back[1], -12.5, 1e-14);
    gb_dataset_unstandardise(&b, s, s); /* in place */
    GB_ASSERT_NEAR(s[1], -12.5, 1e-14);
    gb_dataset_blobs_free(&b);
}

static int same_set(const gb_dataset *a, const gb_dataset *b)
{
    return a->n == b->n && memcmp(a->x, b->x, 2 * a->n * sizeof(double)) == 0 &&
           memcmp(a->y, b->y, a->n * sizeof(double)) == 0;
}

static void test_seeds(void)
{
    gb_blobs_params p;
    gb_blobs a, b, c, d;
    CU_ASSERT_FATAL(make_default(&a, &p) == GB_NUM_OK);
    CU_ASSERT_FATAL(gb_dataset_blobs_make(&p, &b) == GB_NUM_OK);
    GB_ASSERT_MSG(same_set(&a.all, &b.all) && same_set(&a.train, &b.train) &&
                      same_set(&a.test, &b.test), "same parameters, same data");
    p.split_seed++;
    CU_ASSERT_FATAL(gb_dataset_blobs_make(&p, &c) == GB_NUM_OK);
    GB_ASSERT_MSG(same_set(&a.all, &c.all), "the split seed does not move the points");
    GB_ASSERT_MSG(!same_set(&a.test, &c.test), "another split seed, another split");
    p.split_seed--;
    p.seed++;
    CU_ASSERT_FATAL(gb_dataset_blobs_make(&p, &d) == GB_NUM_OK);
    GB_ASSERT_MSG(!same_set(&a.all, &d.all), "another seed, other points");
    gb_dataset_blobs_free(&a);
    gb_dataset_blobs_free(&b);
    gb_dataset_blobs_free(&c);
    gb_dataset_blobs_free(&d);
}

static void test_bad_params(void)
{
    gb_blobs_params p;
    gb_blobs b;
    memset(&b, 0x55, sizeof b);
    gb_dataset_blobs_defaults(&p);
    GB_ASSERT_MSG(gb_dataset_blobs_check(NULL) != NULL, "NULL params");
    GB_ASSERT_MSG(gb_dataset_blobs_make(NULL, &b) == GB_NUM_EINVAL && b.all.x == NULL,
                  "NULL params: EINVAL, out zeroed");
    GB_ASSERT_MSG(gb_dataset_blobs_make(&p, NULL) == GB_NUM_EINVAL, "NULL out");
    gb_dataset_blobs_defaults(&p);
    p.spread = 0.0;
    GB_ASSERT_MSG(gb_dataset_blobs_check(&p) && strstr(gb_dataset_blobs_check(&p), "spread"),
                  "spread 0");
    GB_ASSERT_MSG(gb_dataset_blobs_make(&p, &b) == GB_NUM_EINVAL, "spread 0 make");
    p.spread = NAN;
    GB_ASSERT_MSG(gb_dataset_blobs_check(&p) != NULL, "spread NaN");
    gb_dataset_blobs_defaults(&p);
    p.centre[1][0] = INFINITY;
    GB_ASSERT_MSG(gb_dataset_blobs_check(&p) && strstr(gb_dataset_blobs_check(&p), "centre"),
                  "infinite centre");
    gb_dataset_blobs_defaults(&p);
    p.per_class = 0;
    GB_ASSERT_MSG(gb_dataset_blobs_check(&p) && strstr(gb_dataset_blobs_check(&p), "per_class"),
                  "per_class 0");
    gb_dataset_blobs_defaults(&p);
    const double fr[] = {0.0, 1.0, -0.1, NAN};
    for (size_t i = 0; i < 4; i++) {
        p.test_fraction = fr[i];
        GB_ASSERT_MSG(gb_dataset_blobs_check(&p) != NULL, "test_fraction %g", fr[i]);
    }
    p.per_class = 1; /* 2 samples: 1 test leaves 1 training sample, no standard deviation */
    p.test_fraction = 0.5;
    GB_ASSERT_MSG(gb_dataset_blobs_check(&p) != NULL, "too few training samples");
    p.per_class = 2; /* 4 samples: 1 test, 3 train */
    p.test_fraction = 0.25;
    GB_ASSERT_MSG(gb_dataset_blobs_check(&p) == NULL, "smallest usable set");
    GB_ASSERT_MSG(gb_dataset_blobs_make(&p, &b) == GB_NUM_OK && b.train.n == 3 && b.test.n == 1,
                  "smallest set made");
    gb_dataset_blobs_free(&b);
}

GB_TEST_SUITE(dataset)
{
    CU_pSuite s = CU_add_suite("dataset", NULL, NULL);
    GB_ADD(s, test_defaults_and_classes);
    GB_ADD(s, test_split_partitions);
    GB_ADD(s, test_standardisation);
    GB_ADD(s, test_seeds);
    GB_ADD(s, test_bad_params);
}
