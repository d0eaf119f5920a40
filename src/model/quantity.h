/* quantity.h — the model of named quantities: the one source of every number a document shows.
 *
 * A quantity has a stable name ("z[1][0]", "a[2][0]", "yhat", "C", "delta[1][1]",
 * "grad.W[2][0][1]", "grad.b[1][0]", "perceptron.yhat"), a value, a TeX symbol for typesetting
 * ("z_{0}^{[1]}", "\frac{\partial C}{\partial w_{01}^{[1]}}"), and how it is obtained:
 *   - given (a sample value: x, W, b, y, eta) or measured (a result of a run that is not a
 *     formula of other quantities: a GSL numerical derivative, a training accuracy);
 *   - computed: an operation (gb_op) applied to the values of a list of input quantities.
 * Computed quantities are evaluated through numerics/rules.h, the same functions the network uses,
 * so the report, the answer key and the grader (which recomputes a quantity from a student's own
 * upstream answers with gb_model_compute) can never disagree. Quantities are stored in an order
 * where every input comes before the quantities computed from it. */
#ifndef GB_QUANTITY_H
#define GB_QUANTITY_H

#include "numerics/activation.h"

#include <stddef.h>

typedef enum gb_op {
    GB_OP_GIVEN,         /* no inputs: a sample value */
    GB_OP_MEASURED,      /* no inputs: the result of a run (not recomputable from others) */
    GB_OP_PREACT,        /* z = sum_k W_k a_k + b; inputs: W[0..n-1], a[0..n-1], b (2n+1) */
    GB_OP_ACTIVATION,    /* a = g(z); inputs: z */
    GB_OP_ACT_DERIV,     /* g'(z); inputs: z */
    GB_OP_LOSS,          /* C = 1/2 sum (yhat_j - y_j)^2; inputs: yhat[0..m-1], y[0..m-1] */
    GB_OP_DELTA_OUTPUT,  /* (a - y) g'(z); inputs: a, y, g'(z) (the ACT_DERIV quantity) */
    GB_OP_DELTA_HIDDEN,  /* (sum_i W_i delta_i) g'(z); inputs: W[0..m-1], delta[0..m-1], g'(z) */
    GB_OP_GRAD_WEIGHT,   /* delta a_prev; inputs: delta, a_prev */
    GB_OP_GRAD_BIAS,     /* delta; inputs: delta */
    GB_OP_STEP,          /* theta - eta grad; inputs: theta, eta, grad */
    GB_OP_COPY,          /* the value of its one input (yhat = a[L][0]) */
    GB_OP_AUGMENTED      /* g([1, x] . [b, w]); inputs: b, w[0..n-1], x[0..n-1] (2n+1) */
} gb_op;

typedef struct gb_quantity {
    char name[48];       /* stable name, unique in the model */
    char symbol[128];    /* TeX for the math typesetter */
    char desc[96];       /* a few words: "pre-activation of neuron 0 in layer 1" */
    double value;
    gb_op op;
    gb_act act;          /* for ACTIVATION, ACT_DERIV, DELTA_*, AUGMENTED */
    size_t ninputs;
    size_t *inputs;      /* indices of the input quantities (all smaller than this one's) */
} gb_quantity;

typedef struct gb_model gb_model;

/* An empty model; NULL when out of memory. gb_model_free(NULL) is fine. */
gb_model *gb_model_new(void);
void gb_model_free(gb_model *m);

size_t gb_model_count(const gb_model *m);
/* Quantity i (< count), borrowed: valid until the model changes. */
const gb_quantity *gb_model_at(const gb_model *m, size_t i);
/* Index of the quantity named name, or -1. */
long gb_model_find(const gb_model *m, const char *name);
/* Value of the quantity named name; *ok (if not NULL) = 0 when there is none (returns 0.0). */
double gb_model_value(const gb_model *m, const char *name, int *ok);

/* Adds a given or measured quantity. Returns its index, or -1 (name taken, or out of memory). */
long gb_model_add_given(gb_model *m, const char *name, const char *symbol, const char *desc,
                        double value);
long gb_model_add_measured(gb_model *m, const char *name, const char *symbol, const char *desc,
                           double value);
/* Adds a computed quantity and evaluates it from the current values of its inputs (indices,
 * each < the new index; copied). act may be NULL for ops that need none. Returns its index, or
 * -1 (name taken, an input index out of range, a wrong number of inputs for op, or out of
 * memory). */
long gb_model_add_computed(gb_model *m, const char *name, const char *symbol, const char *desc,
                           gb_op op, const gb_act *act, const size_t *inputs, size_t ninputs);

/* The value of quantity i computed by its op from values[] (indexed like the model: the values
 * of its inputs are read from values[inputs[k]]); for a given or measured quantity, values[i].
 * This is the one function the grader uses to carry errors forward. */
double gb_model_compute(const gb_model *m, size_t i, const double *values);

/* Writes every quantity's value into values[] (gb_model_count entries), starting from the
 * model's own values and recomputing every computed quantity in order; entries marked in
 * override[] (may be NULL) keep the caller's value instead. */
void gb_model_propagate(const gb_model *m, double *values, const unsigned char *override);

/* The TeX symbol of activation a in the exercise's notation (static text): \sigma for the
 * sigmoid, \tanh for tanh, "g" for any other (the exercise's generic g(z)). */
const char *gb_act_symbol_tex(const gb_act *a);

#endif
