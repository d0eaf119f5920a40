/* mistakes.c — the classic mistakes of backpropagation, evaluated through numerics/rules.h with
 * altered arguments (see mistakes.h). */
#include "model/mistakes.h"

#include "numerics/rules.h"

#include <stdio.h>
#include <string.h>

#define MAX_INPUTS 64   /* ops with more inputs fall back to the model's own rule */

const char *gb_mistake_id(gb_mistake k)
{
    static const char *const id[GB_MISTAKE_COUNT] = {
        "none", "no-dact", "dact-of-a", "sign", "no-bias", "swap-w", "plus-step", "half"};
    return (unsigned)k < GB_MISTAKE_COUNT ? id[k] : "unknown";
}

const char *gb_mistake_desc(gb_mistake k)
{
    static const char *const d[GB_MISTAKE_COUNT] = {
        "no mistake",
        "sigma' factor left out of delta",
        "sigma' taken of the activation a instead of the pre-activation z",
        "sign of (yhat - y) flipped",
        "bias dropped from the pre-activation",
        "indices of W swapped (W[l][k][j] used for W[l][j][k])",
        "update made with + instead of - (theta + eta grad)",
        "1/2 of the loss forgotten in its derivative (delta doubled)"};
    return (unsigned)k < GB_MISTAKE_COUNT ? d[k] : "unknown";
}

/* Quantity i evaluated with mistake k; the model's own rule when k does not concern its op. */
static double eval(const gb_model *m, size_t i, const double *values, gb_mistake k)
{
    const gb_quantity *q = gb_model_at(m, i);
    if (q->ninputs > MAX_INPUTS) return gb_model_compute(m, i, values);
    double v[MAX_INPUTS];
    for (size_t t = 0; t < q->ninputs; t++) v[t] = values[q->inputs[t]];
    size_t n = q->ninputs;
    switch (q->op) {
    case GB_OP_PREACT:
        if (k == GB_MISTAKE_NO_BIAS) {
            size_t h = (n - 1) / 2;
            return gb_rule_preact(v, v + h, h, 0.0);
        }
        break;
    case GB_OP_ACT_DERIV:
        if (k == GB_MISTAKE_DACT_OF_A)
            return gb_act_df(&q->act, gb_rule_activation(&q->act, v[0]));
        break;
    case GB_OP_DELTA_OUTPUT:   /* inputs a, y, slope g'(z) */
        switch (k) {
        case GB_MISTAKE_NO_DACT: return gb_rule_delta_output_slope(v[0], v[1], 1.0);
        case GB_MISTAKE_SIGN: return gb_rule_delta_output_slope(v[1], v[0], v[2]);
        case GB_MISTAKE_HALF:
            return gb_rule_delta_output_slope(v[0], v[1], v[2]) +
                   gb_rule_delta_output_slope(v[0], v[1], v[2]);
        default: break;   /* DACT_OF_A: the slope quantity itself is mistaken (above) */
        }
        break;
    case GB_OP_DELTA_HIDDEN: { /* inputs W[0..h), delta[0..h), slope g'(z) */
        size_t h = (n - 1) / 2;
        if (k == GB_MISTAKE_NO_DACT) return gb_rule_delta_hidden_slope(v, v + h, h, 1.0);
        break;
    }
    case GB_OP_STEP:           /* inputs theta, eta, grad */
        if (k == GB_MISTAKE_PLUS_STEP) return gb_rule_step(v[0], -v[1], v[2]);
        break;
    default: break;
    }
    return gb_model_compute(m, i, values);
}

/* Exchanges the values of W[l][j][k] and W[l][k][j] in every square layer (both not
 * overridden). A layer is square when its weights form an n x n block: the largest j and k
 * seen are equal and every pair exists. */
static void swap_w(const gb_model *m, double *values, const unsigned char *override)
{
    size_t cnt = gb_model_count(m);
    for (size_t l = 1; l < 64; l++) {
        size_t rows = 0, cols = 0, have = 0;
        for (size_t i = 0; i < cnt; i++) {
            size_t L, j, k;
            int used = 0;
            if (sscanf(gb_model_at(m, i)->name, "W[%zu][%zu][%zu]%n", &L, &j, &k, &used) == 3 &&
                gb_model_at(m, i)->name[used] == '\0' && L == l) {
                have++;
                if (j + 1 > rows) rows = j + 1;
                if (k + 1 > cols) cols = k + 1;
            }
        }
        if (have == 0) {
            if (l > 1) break;
            continue;
        }
        if (rows != cols || rows < 2 || have != rows * cols) continue;
        for (size_t j = 0; j < rows; j++)
            for (size_t k = j + 1; k < cols; k++) {
                char a[72], b[72];
                snprintf(a, sizeof a, "W[%zu][%zu][%zu]", l, j, k);
                snprintf(b, sizeof b, "W[%zu][%zu][%zu]", l, k, j);
                long ia = gb_model_find(m, a), ib = gb_model_find(m, b);
                if (ia < 0 || ib < 0) continue;
                if (override && (override[ia] || override[ib])) continue;
                double t = values[ia];
                values[ia] = values[ib];
                values[ib] = t;
            }
    }
}

void gb_model_propagate_mistake(const gb_model *m, double *values, const unsigned char *override,
                                gb_mistake k)
{
    if ((unsigned)k >= GB_MISTAKE_COUNT || k == GB_MISTAKE_NONE) {
        gb_model_propagate(m, values, override);
        return;
    }
    size_t n = gb_model_count(m);
    for (size_t i = 0; i < n; i++) {
        const gb_quantity *q = gb_model_at(m, i);
        if ((q->op == GB_OP_GIVEN || q->op == GB_OP_MEASURED) && !(override && override[i]))
            values[i] = q->value;
    }
    if (k == GB_MISTAKE_SWAP_W) swap_w(m, values, override);
    for (size_t i = 0; i < n; i++) {
        const gb_quantity *q = gb_model_at(m, i);
        if ((override && override[i]) || q->op == GB_OP_GIVEN || q->op == GB_OP_MEASURED)
            continue;
        values[i] = eval(m, i, values, k);
    }
}
