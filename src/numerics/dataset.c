/* dataset.c — the two Gaussian blobs of section 7.5 ("eagles vs chickens"): generation, seeded
 * train/test split and standardisation with the training statistics. */
#include "numerics/dataset.h"

#include "numerics/network.h" /* GB_NUM_* status codes */

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NF GB_DATASET_FEATURES

void gb_dataset_blobs_defaults(gb_blobs_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->per_class = 100;
    p->centre[GB_LABEL_CHICKEN][0] = 2.0;
    p->centre[GB_LABEL_CHICKEN][1] = 3.0;
    p->centre[GB_LABEL_EAGLE][0] = 6.0;
    p->centre[GB_LABEL_EAGLE][1] = 6.0;
    p->spread = 1.1;
    p->seed = 2025;
    p->test_fraction = 0.25;
    p->split_seed = 7;
}

static size_t test_count(const gb_blobs_params *p)
{
    return (size_t)floor(p->test_fraction * (double)(2 * p->per_class) + 0.5);
}

const char *gb_dataset_blobs_check(const gb_blobs_params *p)
{
    if (!p) return "no data-set parameters given";
    if (p->per_class < 1 || p->per_class > GB_DATASET_MAX_PER_CLASS)
        return "per_class must be between 1 and 1000000";
    for (int c = 0; c < 2; c++)
        for (int f = 0; f < NF; f++)
            if (!isfinite(p->centre[c][f])) return "every centre coordinate must be finite";
    if (!(isfinite(p->spread) && p->spread > 0.0)) return "spread must be a finite number > 0";
    if (!(p->test_fraction > 0.0 && p->test_fraction < 1.0))
        return "test_fraction must lie strictly between 0 and 1";
    size_t nt = test_count(p);
    if (nt < 1 || 2 * p->per_class - nt < 2)
        return "test_fraction must leave at least 1 test sample and 2 training samples";
    return NULL;
}

static int dataset_alloc(gb_dataset *d, size_t n)
{
    d->n = n;
    d->x = malloc(n * NF * sizeof *d->x);
    d->y = malloc(n * sizeof *d->y);
    return d->x && d->y;
}

static void dataset_free(gb_dataset *d)
{
    free(d->x);
    free(d->y);
    d->x = d->y = NULL;
    d->n = 0;
}

void gb_dataset_blobs_free(gb_blobs *b)
{
    if (!b) return;
    dataset_free(&b->all);
    dataset_free(&b->train_raw);
    dataset_free(&b->test_raw);
    dataset_free(&b->train);
    dataset_free(&b->test);
    memset(b, 0, sizeof *b);
}

static void copy_row(gb_dataset *dst, size_t i, const gb_dataset *src, size_t j)
{
    for (int f = 0; f < NF; f++) dst->x[i * NF + f] = src->x[j * NF + f];
    dst->y[i] = src->y[j];
}

static void standardise_set(const gb_blobs *b, const gb_dataset *raw, gb_dataset *out)
{
    for (size_t i = 0; i < raw->n; i++) {
        gb_dataset_standardise(b, raw->x + i * NF, out->x + i * NF);
        out->y[i] = raw->y[i];
    }
}

int gb_dataset_blobs_make(const gb_blobs_params *p, gb_blobs *out)
{
    if (!out) return GB_NUM_EINVAL;
    memset(out, 0, sizeof *out);
    if (gb_dataset_blobs_check(p)) return GB_NUM_EINVAL;
    const size_t n = 2 * p->per_class, nt = test_count(p), ntr = n - nt;
    int rc = GB_NUM_ENOMEM;
    gsl_rng *data_rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *split_rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t *perm = malloc(n * sizeof *perm);
    if (!data_rng || !split_rng || !perm || !dataset_alloc(&out->all, n) ||
        !dataset_alloc(&out->train_raw, ntr) || !dataset_alloc(&out->test_raw, nt) ||
        !dataset_alloc(&out->train, ntr) || !dataset_alloc(&out->test, nt))
        goto done;
    gsl_rng_set(data_rng, p->seed);
    gsl_rng_set(split_rng, p->split_seed);

    /* Feature 0 then feature 1 of each point, chickens first: the draw order is part of the
     * data set's identity (gsl_ran_gaussian consumes a variable number of uniforms). */
    for (size_t i = 0; i < n; i++) {
        int c = i < p->per_class ? GB_LABEL_CHICKEN : GB_LABEL_EAGLE;
        for (int f = 0; f < NF; f++)
            out->all.x[i * NF + f] = p->centre[c][f] + gsl_ran_gaussian(data_rng, p->spread);
        out->all.y[i] = (double)c;
    }

    for (size_t i = 0; i < n; i++) perm[i] = i;
    gsl_ran_shuffle(split_rng, perm, n, sizeof *perm);
    for (size_t i = 0; i < nt; i++) copy_row(&out->test_raw, i, &out->all, perm[i]);
    for (size_t i = 0; i < ntr; i++) copy_row(&out->train_raw, i, &out->all, perm[nt + i]);

    /* Statistics of the training set only: the test set must not leak into the model. */
    for (int f = 0; f < NF; f++) {
        out->mean[f] = gsl_stats_mean(out->train_raw.x + f, NF, ntr);
        out->sd[f] = gsl_stats_sd(out->train_raw.x + f, NF, ntr);
        if (!(isfinite(out->sd[f]) && out->sd[f] > 0.0)) {
            rc = GB_NUM_EINVAL;
            goto done;
        }
    }
    standardise_set(out, &out->train_raw, &out->train);
    standardise_set(out, &out->test_raw, &out->test);
    rc = GB_NUM_OK;
done:
    free(perm);
    gsl_rng_free(split_rng);
    gsl_rng_free(data_rng);
    if (rc != GB_NUM_OK) gb_dataset_blobs_free(out);
    return rc;
}

void gb_dataset_standardise(const gb_blobs *b, const double x[GB_DATASET_FEATURES],
                            double s[GB_DATASET_FEATURES])
{
    if (!b || !x || !s) return;
    for (int f = 0; f < NF; f++) s[f] = (x[f] - b->mean[f]) / b->sd[f];
}

void gb_dataset_unstandardise(const gb_blobs *b, const double s[GB_DATASET_FEATURES],
                              double x[GB_DATASET_FEATURES])
{
    if (!b || !x || !s) return;
    for (int f = 0; f < NF; f++) x[f] = b->mean[f] + b->sd[f] * s[f];
}
