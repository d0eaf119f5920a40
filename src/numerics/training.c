/* training.c — per-sample SGD on the "eagles vs chickens" blobs (section 7.5): the run with its
 * per-epoch record, accuracy, decision-boundary evaluation, and the benchmark kernel. */
#include "numerics/training.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void gb_training_defaults(gb_training_config *c)
{
    if (!c) return;
    memset(c, 0, sizeof *c);
    c->L = 2;
    c->sizes[0] = 2;
    c->sizes[1] = 2;
    c->sizes[2] = 1;
    c->acts[0].kind = c->acts[1].kind = GB_ACT_SIGMOID;
    c->acts[0].alpha = c->acts[1].alpha = GB_LEAKY_RELU_ALPHA_DEFAULT;
    c->eta = 0.5;
    c->epochs = 100;
    c->init_seed = 1;
    c->shuffle_seed = 2;
    gb_dataset_blobs_defaults(&c->data);
}

const char *gb_training_check(const gb_training_config *c)
{
    if (!c) return "no training configuration given";
    if (c->L < 1 || c->L > GB_NET_MAX_LAYERS) return "the number of layers must be between 1 and 16";
    if (c->sizes[0] != GB_DATASET_FEATURES) return "the input layer must have 2 neurons (features)";
    if (c->sizes[c->L] != 1) return "the output layer must have exactly 1 neuron";
    for (size_t l = 1; l < c->L; l++)
        if (c->sizes[l] < 1 || c->sizes[l] > GB_NET_MAX_WIDTH)
            return "every hidden layer must have between 1 and 4096 neurons";
    for (size_t l = 0; l < c->L; l++)
        if (!gb_act_valid(&c->acts[l]))
            return "unknown activation, or leaky-ReLU alpha outside (0, 1)";
    if (!(isfinite(c->eta) && c->eta > 0.0)) return "eta must be a finite number > 0";
    if (c->epochs < 1 || c->epochs > GB_TRAINING_MAX_EPOCHS)
        return "epochs must be between 1 and 1000000";
    return gb_dataset_blobs_check(&c->data);
}

static int net_fits_data(const gb_net *net)
{
    return net && net->L >= 1 && net->L <= GB_NET_MAX_LAYERS &&
           net->n[0] == GB_DATASET_FEATURES && net->n[net->L] == 1;
}

/* Accuracy and mean loss of net over d with a caller's trace (no allocation). */
static void evaluate(const gb_net *net, gb_trace *t, const gb_dataset *d, double *acc,
                     double *loss)
{
    size_t correct = 0;
    double sum = 0.0;
    for (size_t i = 0; i < d->n; i++) {
        gb_net_forward(net, d->x + i * GB_DATASET_FEATURES, t);
        double yhat = t->a[net->L][0];
        sum += gb_net_loss(net, t, d->y + i);
        double predicted = yhat >= 0.5 ? (double)GB_LABEL_EAGLE : (double)GB_LABEL_CHICKEN;
        if (predicted == d->y[i]) correct++;
    }
    if (acc) *acc = (double)correct / (double)d->n;
    if (loss) *loss = sum / (double)d->n;
}

static double evaluate_alloc(const gb_net *net, const gb_dataset *d, int want_loss)
{
    if (!net_fits_data(net) || !d || d->n == 0 || !d->x || !d->y) return NAN;
    gb_trace *t = gb_trace_new(net);
    if (!t) return NAN;
    double acc, loss;
    evaluate(net, t, d, &acc, &loss);
    gb_trace_free(t);
    return want_loss ? loss : acc;
}

double gb_training_accuracy(const gb_net *net, const gb_dataset *d)
{
    return evaluate_alloc(net, d, 0);
}

double gb_training_mean_loss(const gb_net *net, const gb_dataset *d)
{
    return evaluate_alloc(net, d, 1);
}

void gb_training_result_free(gb_training_result *r)
{
    if (!r) return;
    gb_dataset_blobs_free(&r->data);
    gb_net_free(r->net_init);
    gb_net_free(r->net);
    free(r->loss);
    free(r->train_acc);
    memset(r, 0, sizeof *r);
}

int gb_training_run(const gb_training_config *c, gb_training_result *out)
{
    if (!out) return GB_NUM_EINVAL;
    memset(out, 0, sizeof *out);
    if (gb_training_check(c)) return GB_NUM_EINVAL;
    out->config = *c;
    int rc = gb_dataset_blobs_make(&c->data, &out->data);
    if (rc != GB_NUM_OK) return rc;

    rc = GB_NUM_ENOMEM;
    const size_t E = c->epochs, n = out->data.train.n;
    gb_trace *t = NULL;
    size_t *order = malloc(n * sizeof *order);
    gsl_rng *init_rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *shuffle_rng = gsl_rng_alloc(gsl_rng_mt19937);
    out->epochs = E;
    out->loss = malloc(E * sizeof *out->loss);
    out->train_acc = malloc(E * sizeof *out->train_acc);
    out->net = gb_net_new(c->L, c->sizes, c->acts);
    if (!order || !init_rng || !shuffle_rng || !out->loss || !out->train_acc || !out->net)
        goto done;
    gsl_rng_set(init_rng, c->init_seed);
    gsl_rng_set(shuffle_rng, c->shuffle_seed);
    gb_net_glorot_uniform(out->net, init_rng);
    out->net_init = gb_net_clone(out->net);
    t = gb_trace_new(out->net);
    if (!out->net_init || !t) goto done;

    const gb_dataset *tr = &out->data.train;
    for (size_t i = 0; i < n; i++) order[i] = i;
    for (size_t e = 0; e < E; e++) {
        /* Reshuffling the permutation of the previous epoch is still a uniform permutation and
         * keeps the stream a function of (shuffle_seed, epoch) alone. */
        gsl_ran_shuffle(shuffle_rng, order, n, sizeof *order);
        for (size_t i = 0; i < n; i++) {
            const size_t s = order[i];
            gb_net_sgd_update(out->net, t, tr->x + s * GB_DATASET_FEATURES, tr->y + s, c->eta);
        }
        evaluate(out->net, t, tr, &out->train_acc[e], &out->loss[e]);
        if (!isfinite(out->loss[e])) {
            rc = GB_NUM_EINVAL; /* diverged: report it rather than carry NaN into a document */
            goto done;
        }
    }
    out->train_accuracy = out->train_acc[E - 1];
    evaluate(out->net, t, &out->data.test, &out->test_accuracy, NULL);
    rc = GB_NUM_OK;
done:
    gb_trace_free(t);
    gsl_rng_free(shuffle_rng);
    gsl_rng_free(init_rng);
    free(order);
    if (rc != GB_NUM_OK) gb_training_result_free(out);
    return rc;
}

double gb_training_output(const gb_training_result *r, double s0, double s1)
{
    if (!r || !net_fits_data(r->net)) return NAN;
    gb_trace *t = gb_trace_new(r->net);
    if (!t) return NAN;
    const double s[GB_DATASET_FEATURES] = {s0, s1};
    gb_net_forward(r->net, s, t);
    double yhat = t->a[r->net->L][0];
    gb_trace_free(t);
    return yhat;
}

double gb_training_output_orig(const gb_training_result *r, double x0, double x1)
{
    if (!r) return NAN;
    const double x[GB_DATASET_FEATURES] = {x0, x1};
    double s[GB_DATASET_FEATURES];
    gb_dataset_standardise(&r->data, x, s);
    return gb_training_output(r, s[0], s[1]);
}

double gb_training_bench_updates(gb_net *net, const gb_dataset *d, size_t K, double eta)
{
    if (!net_fits_data(net) || !d || d->n == 0 || !d->x || !d->y || K == 0) return NAN;
    gb_trace *t = gb_trace_new(net);
    if (!t) return NAN;
    double sum = 0.0;
    size_t i = 0;
    for (size_t k = 0; k < K; k++) {
        sum += gb_net_sgd_update(net, t, d->x + i * GB_DATASET_FEATURES, d->y + i, eta);
        if (++i == d->n) i = 0;
    }
    gb_trace_free(t);
    return sum / (double)K;
}
