/* runs.h — the runs behind a document: the gradient verification of the sample network, the
 * step-size sweep of one parameter, and the training run of section 7.5. Their results join the
 * model as measured quantities; their series (loss per epoch, error per step) are kept here for
 * figures.
 *
 * Parameters (all optional; absent keys take the documented defaults of numerics/training.h and
 * numerics/dataset.h):
 *   [training]  sizes = [2, 2, 1]   activation = sigmoid   eta = 0.5   epochs = 100
 *               init_seed = 1   shuffle_seed = 2
 *   [data]      per_class = 100   chickens = [2, 3]   eagles = [6, 6]   spread = 1.1
 *               seed = 2025   test_fraction = 0.25   split_seed = 7
 *   [check]     step = 0 (automatic) or a forced step h > 0
 *               sweep = W[1][0][0]   (the parameter of the step-size figure)
 *               sweep_points = 25    (steps from 1e-1 down to 1e-13)
 *
 * Measured quantities added to the model:
 *   check.NAME.numerical, check.NAME.error_estimate, check.NAME.relative_error, check.NAME.step
 *     for every parameter NAME (W[l][j][k], b[l][j]) of the sample network, and check.passed,
 *     check.failed, check.inconclusive, check.count (counts);
 *   sweep.step_auto (the automatic step of the swept parameter);
 *   training.eta, training.epochs, training.train_accuracy, training.test_accuracy,
 *   training.final_loss, training.initial_loss, data.per_class, data.train_size,
 *   data.test_size, data.spread;
 *   net.params (parameter count of the sample network), net.params[l] per layer,
 *   perceptron.params, glorot.limit[l] per layer of the sample network. */
#ifndef GB_RUNS_H
#define GB_RUNS_H

#include "model/exercise.h"
#include "model/params.h"
#include "model/quantity.h"
#include "numerics/gradcheck.h"
#include "numerics/training.h"
#include "util/diag.h"

typedef struct gb_runs {
    gb_check *checks;          /* gb_net_param_count(ex->net) checks, in parameter order */
    size_t nchecks;
    char sweep_param[48];      /* name of the swept parameter */
    double *sweep_h, *sweep_err;  /* sweep_n steps and plain central-difference errors */
    size_t sweep_n;
    double sweep_h_auto;       /* the automatic step gradcheck uses for it */
    gb_training_result training;
} gb_runs;

/* The gradient check's step from the parameters' [check] step into *step (0 when absent:
 * automatic, see numerics/gradcheck.h). 0, or GB_EINPUT naming the key's file:line:column for a
 * value that is not a number or is negative. */
int gb_runs_check_step(const gb_params *p, double *step, gb_err *e);

/* Runs everything and adds the measured quantities to m. GB_EINPUT for a bad [training],
 * [data] or [check] value (file:line:column), a training run that diverges, or a sweep parameter
 * that is not a parameter of the network; GB_EINTERNAL when out of memory. On error r holds no
 * memory. seed_override >= 0 replaces init_seed, shuffle_seed, data seed and split_seed. */
int gb_runs_execute(gb_runs *r, const gb_params *p, const gb_exercise *ex, long seed_override,
                    gb_model *m, gb_err *e);

/* The same, without the training run (its quantities are then absent and r->training is
 * empty): for documents that show nothing of it (worksheets, keys), it is the costliest run. */
int gb_runs_execute_no_training(gb_runs *r, const gb_params *p, const gb_exercise *ex,
                                gb_model *m, gb_err *e);
void gb_runs_free(gb_runs *r);

#endif
