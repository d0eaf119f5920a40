/* mistakes.h — the values that the classic mistakes of backpropagation give, computed through
 * the same rules as the correct values (numerics/rules.h) with altered ARGUMENTS, never with a
 * second copy of a formula. The grader labels a wrong answer with the mistake it matches. */
#ifndef GB_MISTAKES_H
#define GB_MISTAKES_H

#include "model/quantity.h"

/* The named mistakes. How each is evaluated (every other op is evaluated as the model does):
 *   NO_DACT     the delta rules called with slope 1: the sigma' factor left out of delta
 *               (exercise section 5, steps 1 and 2)
 *   DACT_OF_A   g' evaluated at the activation a = g(z) instead of the pre-activation z, in the
 *               slope quantity dact, from which the deltas take it (shared/cases/05)
 *   SIGN        gb_rule_delta_output_slope with a and y exchanged: (y - yhat) for (yhat - y)
 *   NO_BIAS     gb_rule_preact with b := 0 (every layer, and the perceptron's sum)
 *   SWAP_W      the values of W[l][j][k] and W[l][k][j] exchanged in every square layer
 *               (n_l = n_{l-1}) before propagating, then the ordinary rules (shared/cases/07)
 *   PLUS_STEP   gb_rule_step with eta := -eta: theta + eta grad (section 4.3)
 *   HALF        the output delta doubled (gb_rule_delta_output_slope twice): the derivative of
 *               (yhat - y)^2 without the 1/2 of the loss (section 4.1)
 * A mistake is applied wherever its op occurs, so its effect propagates downstream as the
 * student's would. */
typedef enum gb_mistake {
    GB_MISTAKE_NONE,
    GB_MISTAKE_NO_DACT,
    GB_MISTAKE_DACT_OF_A,
    GB_MISTAKE_SIGN,
    GB_MISTAKE_NO_BIAS,
    GB_MISTAKE_SWAP_W,
    GB_MISTAKE_PLUS_STEP,
    GB_MISTAKE_HALF,
    GB_MISTAKE_COUNT
} gb_mistake;

/* Short stable identifier ("no-dact", "dact-of-a", "sign", "no-bias", "swap-w", "plus-step",
 * "half", "none"); static string, "unknown" outside the enum. */
const char *gb_mistake_id(gb_mistake k);

/* Description for feedback and the class summary, e.g. "sign of (yhat - y) flipped",
 * "sigma' factor left out of delta"; static string, "unknown" outside the enum. */
const char *gb_mistake_desc(gb_mistake k);

/* Like gb_model_propagate, with mistake k made at every op it concerns: writes every quantity's
 * value into values[] (gb_model_count(m) entries), starting from the model's own given values
 * and recomputing every computed quantity in model order; entries marked in override[] (may be
 * NULL; gb_model_count entries) keep the caller's value. For SWAP_W a W pair is exchanged only
 * when neither is overridden. GB_MISTAKE_NONE (or a value outside the enum) is exactly
 * gb_model_propagate. Values may be non-finite when the caller's overrides are extreme; callers
 * check with isfinite. No allocation beyond a few stack buffers (ops with more than 64 inputs are
 * evaluated by the model's own rule). */
void gb_model_propagate_mistake(const gb_model *m, double *values, const unsigned char *override,
                                gb_mistake k);

#endif
