/* dataset.h — the "eagles vs chickens" two-class data set of section 7.5: two Gaussian blobs in
 * two features, a seeded train/test split, and standardisation with the training statistics.
 *
 * Labels: 0 = chickens (GB_LABEL_CHICKEN), 1 = eagles (GB_LABEL_EAGLE), stored as doubles 0.0 / 1.0
 * so a label is directly the target y of the network's single sigmoid output. Features are in
 * arbitrary "original units" (the exercise does not name them). Randomness: the points come from
 * a GSL mt19937 seeded with seed (gsl_ran_gaussian, whose argument is the standard deviation),
 * the split from a second mt19937 seeded with split_seed (gsl_ran_shuffle), so changing one never
 * shifts the other. Pure numerics: no I/O. */
#ifndef GB_DATASET_H
#define GB_DATASET_H

#include <stddef.h>

#define GB_DATASET_FEATURES 2
#define GB_DATASET_MAX_PER_CLASS 1000000

enum { GB_LABEL_CHICKEN = 0, GB_LABEL_EAGLE = 1 };

/* Parameters of the data set; gb_dataset_blobs_defaults gives the documented defaults. */
typedef struct gb_blobs_params {
    size_t per_class;        /* samples per class, 1..GB_DATASET_MAX_PER_CLASS (default 100) */
    double centre[2][GB_DATASET_FEATURES]; /* centre[c][f]: mean of feature f for label c
                                              (default chickens (2, 3), eagles (6, 6)) */
    double spread;           /* standard deviation of each feature around its centre, > 0
                                (default 1.1) */
    unsigned long seed;      /* seed of the data RNG (default 2025) */
    double test_fraction;    /* share held out for testing, in (0, 1) (default 0.25); the test set
                                has round(test_fraction * 2 per_class) samples */
    unsigned long split_seed;/* seed of the split RNG (default 7) */
} gb_blobs_params;

/* n samples: x[i * 2 + f] is feature f of sample i (row-major, n x 2), y[i] its label 0.0/1.0. */
typedef struct gb_dataset {
    size_t n;
    double *x;
    double *y;
} gb_dataset;

/* A generated data set. All arrays are owned by the struct; free with gb_dataset_blobs_free. */
typedef struct gb_blobs {
    gb_dataset all;        /* every sample in original units, in generation order: per_class
                              chickens, then per_class eagles */
    gb_dataset train_raw;  /* training samples, original units, in split order */
    gb_dataset test_raw;   /* test samples, original units, in split order */
    gb_dataset train;      /* train_raw standardised with mean/sd below */
    gb_dataset test;       /* test_raw standardised with the same (training) mean/sd */
    double mean[GB_DATASET_FEATURES];  /* training mean per feature (gsl_stats_mean) */
    double sd[GB_DATASET_FEATURES];    /* training standard deviation per feature (gsl_stats_sd,
                                          N - 1 denominator), > 0 */
} gb_blobs;

/* Sets *p to the defaults above (p NULL: nothing). */
void gb_dataset_blobs_defaults(gb_blobs_params *p);

/* NULL if p is usable, else a static English reason naming the bad field (e.g. "spread must be a
 * finite number > 0"). */
const char *gb_dataset_blobs_check(const gb_blobs_params *p);

/* Generates the blobs, splits them and standardises them into *out (fully overwritten; on error
 * *out holds no memory). Returns GB_NUM_OK, GB_NUM_EINVAL (p or out NULL, gb_dataset_blobs_check
 * fails, or a training feature with zero spread) or GB_NUM_ENOMEM (memory or RNG allocation).
 * Deterministic: the same parameters give the same bytes. */
int gb_dataset_blobs_make(const gb_blobs_params *p, gb_blobs *out);

/* Frees the arrays of b and zeroes it (the struct itself is the caller's); NULL is fine. */
void gb_dataset_blobs_free(gb_blobs *b);

/* Standardise s_f = (x_f - mean_f) / sd_f and its inverse x_f = mean_f + sd_f s_f, with the
 * training statistics of b (a gb_blobs filled by gb_dataset_blobs_make), for one point of 2
 * features (in and out may alias). Nothing happens when an argument is NULL. */
void gb_dataset_standardise(const gb_blobs *b, const double x[GB_DATASET_FEATURES],
                            double s[GB_DATASET_FEATURES]);
void gb_dataset_unstandardise(const gb_blobs *b, const double s[GB_DATASET_FEATURES],
                              double x[GB_DATASET_FEATURES]);

#endif
