/* training.h — the training run of section 7.5: per-sample stochastic gradient descent on a
 * gb_net over the standardised "eagles vs chickens" data (dataset.h), with the loss and accuracy
 * per epoch, final train/test accuracy, and the trained net for drawing the decision boundary.
 *
 * Prediction: the single output yhat is read as "eagle" when yhat >= 0.5 (label 1), else
 * "chicken" (label 0). Randomness: the initial weights come from an mt19937 seeded with
 * init_seed (Glorot uniform, gb_net_glorot_uniform), the sample order of each epoch from a
 * second mt19937 seeded with shuffle_seed (gsl_ran_shuffle), the data from the data set's own
 * seeds: changing one never shifts the others. Pure numerics: no I/O. */
#ifndef GB_TRAINING_H
#define GB_TRAINING_H

#include "numerics/dataset.h"
#include "numerics/network.h"

#include <stddef.h>

#define GB_TRAINING_MAX_EPOCHS 1000000

/* Everything a run depends on. gb_training_defaults sets:
 *   architecture 2-2-1 (L = 2, sizes {2, 2, 1}), sigmoid in both layers (the exercise's MLP);
 *   eta = 0.5, epochs = 100, init_seed = 1, shuffle_seed = 2;
 *   data = gb_dataset_blobs_defaults.
 * With these the test accuracy is >= 95% (the unit tests check it, and over many seeds). */
typedef struct gb_training_config {
    size_t L;                              /* layers with weights, 1..GB_NET_MAX_LAYERS */
    size_t sizes[GB_NET_MAX_LAYERS + 1];   /* sizes[0] must be 2 (features), sizes[L] must be 1 */
    gb_act acts[GB_NET_MAX_LAYERS];        /* acts[l-1] for layer l */
    double eta;                            /* learning rate, finite and > 0 */
    size_t epochs;                         /* E, 1..GB_TRAINING_MAX_EPOCHS */
    unsigned long init_seed;               /* weights */
    unsigned long shuffle_seed;            /* sample order per epoch */
    gb_blobs_params data;                  /* the data set */
} gb_training_config;

/* Sets *c to the defaults above (c NULL: nothing). */
void gb_training_defaults(gb_training_config *c);

/* NULL if c is usable, else a static English reason (architecture, eta, epochs, or the data
 * set's own gb_dataset_blobs_check reason). */
const char *gb_training_check(const gb_training_config *c);

/* A finished run. Everything is owned by the struct; free with gb_training_result_free. */
typedef struct gb_training_result {
    gb_training_config config;  /* copy of the configuration */
    gb_blobs data;              /* the data set it ran on (standardised train/test + raw) */
    gb_net *net_init;           /* the weights before the first update */
    gb_net *net;                /* the trained net (input: standardised features) */
    size_t epochs;              /* E */
    double *loss;               /* [E]: after epoch e (0-based), mean of C = 1/2 (yhat - y)^2
                                   over the training set */
    double *train_acc;          /* [E]: after epoch e, fraction of the training set classified
                                   correctly, in [0, 1] */
    double train_accuracy;      /* = train_acc[E-1] */
    double test_accuracy;       /* fraction of the test set classified correctly at the end */
} gb_training_result;

/* Runs the training: builds the data set and the net, initialises it, then for each of E epochs
 * shuffles the sample order and applies one gb_net_sgd_update per training sample. Fills *out
 * (fully overwritten; on error it holds no memory). Returns GB_NUM_OK; GB_NUM_EINVAL when c or out
 * is NULL, gb_training_check fails, the data set is degenerate, or the loss stops being finite
 * (divergence, e.g. an absurd eta); GB_NUM_ENOMEM. Deterministic in c. */
int gb_training_run(const gb_training_config *c, gb_training_result *out);

/* Frees everything r owns and zeroes it; NULL is fine. */
void gb_training_result_free(gb_training_result *r);

/* The trained net's output yhat in [0, 1] at a point of the standardised feature space (s0, s1),
 * e.g. for shading a decision-boundary plot (the boundary is yhat = 0.5). NaN for r NULL, a net
 * that is not 2 -> 1, or out of memory (a trace is allocated per call). */
double gb_training_output(const gb_training_result *r, double s0, double s1);

/* The same at a point in original units (x0, x1): standardised with the training statistics
 * first (gb_dataset_standardise), so plots can use original units. */
double gb_training_output_orig(const gb_training_result *r, double x0, double x1);

/* Fraction of d's samples that net (2 inputs, 1 output) classifies correctly, threshold 0.5;
 * mean loss C over d. NaN for NULL/empty d, a net of other shape, or out of memory. */
double gb_training_accuracy(const gb_net *net, const gb_dataset *d);
double gb_training_mean_loss(const gb_net *net, const gb_dataset *d);

/* Benchmark kernel: K per-sample SGD updates (forward + backward + step, gb_net_sgd_update) with
 * rate eta, cycling through d's samples in order; one trace is allocated before the loop, nothing
 * inside it. Modifies net. Returns the mean loss of the K updates (so the work cannot be optimised
 * away), or NaN for NULL/empty d, K = 0, a net of other shape, or out of memory. */
double gb_training_bench_updates(gb_net *net, const gb_dataset *d, size_t K, double eta);

#endif
