/* quantity.c — named quantities, evaluated through numerics/rules.h. */
#include "model/quantity.h"

#include "numerics/rules.h"
#include "util/grow.h"
#include "util/hash.h"
#include "util/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAST_INPUTS 64   /* inputs gathered on the stack up to this count */

struct gb_model {
    gb_quantity *q;
    size_t n, cap;
    /* the index of names: open addressing, slot[h] = quantity index + 1 (0: empty); nslot a
     * power of two >= 2 n, or 0 (out of memory once: names are then searched in order) */
    uint32_t *slot;
    size_t nslot;
    int unindexed;
};

gb_model *gb_model_new(void) { return calloc(1, sizeof(gb_model)); }

void gb_model_free(gb_model *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) free(m->q[i].inputs);
    free(m->q);
    free(m->slot);
    free(m);
}

size_t gb_model_count(const gb_model *m) { return m->n; }
const gb_quantity *gb_model_at(const gb_model *m, size_t i) { return &m->q[i]; }

static size_t name_hash(const char *name)
{
    return (size_t)gb_fnv1a64(GB_FNV1A64_BASIS, name, strlen(name));
}

long gb_model_find(const gb_model *m, const char *name)
{
    if (!m->nslot) {
        for (size_t i = 0; i < m->n; i++)
            if (!strcmp(m->q[i].name, name)) return (long)i;
        return -1;
    }
    size_t mask = m->nslot - 1;
    for (size_t h = name_hash(name) & mask; m->slot[h]; h = (h + 1) & mask)
        if (!strcmp(m->q[m->slot[h] - 1].name, name)) return (long)m->slot[h] - 1;
    return -1;
}

static void slot_put(uint32_t *slot, size_t nslot, const char *name, size_t i)
{
    size_t h = name_hash(name) & (nslot - 1);
    while (slot[h]) h = (h + 1) & (nslot - 1);
    slot[h] = (uint32_t)(i + 1);
}

/* Quantity m->n (filled in) becomes part of the model: counted and indexed. Returns its index. */
static size_t commit(gb_model *m)
{
    size_t i = m->n++;
    if (m->unindexed) return i;
    if (2 * m->n > m->nslot || m->n >= UINT32_MAX) {   /* the index grows, or gives up */
        size_t nslot = m->nslot ? 2 * m->nslot : 256;
        uint32_t *slot = m->n < UINT32_MAX ? calloc(nslot, sizeof *slot) : NULL;
        free(m->slot);
        m->slot = slot;
        m->nslot = slot ? nslot : 0;
        if (!slot) {
            m->unindexed = 1;
            return i;
        }
        for (size_t k = 0; k < i; k++) slot_put(slot, nslot, m->q[k].name, k);
    }
    slot_put(m->slot, m->nslot, m->q[i].name, i);
    return i;
}

double gb_model_value(const gb_model *m, const char *name, int *ok)
{
    long i = gb_model_find(m, name);
    if (ok) *ok = i >= 0;
    return i >= 0 ? m->q[i].value : 0.0;
}

static gb_quantity *push(gb_model *m, const char *name, const char *symbol, const char *desc)
{
    if (strlen(name) >= sizeof m->q->name || gb_model_find(m, name) >= 0) return NULL;
    if (m->n == m->cap) {
        gb_quantity *q = gb_grow(m->q, &m->cap, m->cap + 1, sizeof *q, 64);
        if (!q) return NULL;
        m->q = q;
    }
    gb_quantity *q = &m->q[m->n];
    memset(q, 0, sizeof *q);
    gb_utf8_copy(q->name, sizeof q->name, name);
    gb_utf8_copy(q->symbol, sizeof q->symbol, symbol ? symbol : name);
    gb_utf8_copy(q->desc, sizeof q->desc, desc ? desc : "");
    return q;
}

long gb_model_add_given(gb_model *m, const char *name, const char *symbol, const char *desc,
                        double value)
{
    gb_quantity *q = push(m, name, symbol, desc);
    if (!q) return -1;
    q->op = GB_OP_GIVEN;
    q->value = value;
    return (long)commit(m);
}

long gb_model_add_measured(gb_model *m, const char *name, const char *symbol, const char *desc,
                           double value)
{
    long i = gb_model_add_given(m, name, symbol, desc, value);
    if (i >= 0) m->q[i].op = GB_OP_MEASURED;
    return i;
}

/* The number of inputs op takes, given the total (for variable-length ops: a valid total). */
static int arity_ok(gb_op op, size_t n)
{
    switch (op) {
    case GB_OP_GIVEN: case GB_OP_MEASURED: return n == 0;
    case GB_OP_PREACT: case GB_OP_AUGMENTED: return n >= 3 && n % 2 == 1;
    case GB_OP_ACTIVATION: case GB_OP_ACT_DERIV: case GB_OP_GRAD_BIAS: case GB_OP_COPY:
        return n == 1;
    case GB_OP_LOSS: return n >= 2 && n % 2 == 0;
    case GB_OP_DELTA_OUTPUT: case GB_OP_STEP: return n == 3;
    case GB_OP_DELTA_HIDDEN: return n >= 3 && n % 2 == 1;
    case GB_OP_GRAD_WEIGHT: return n == 2;
    }
    return 0;
}

/* Applies op to the gathered input values v[0..n-1]. */
static double apply(gb_op op, const gb_act *act, const double *v, size_t n)
{
    switch (op) {
    case GB_OP_GIVEN: case GB_OP_MEASURED: return 0.0;   /* not reached: no formula */
    case GB_OP_PREACT: {
        size_t k = (n - 1) / 2;
        return gb_rule_preact(v, v + k, k, v[2 * k]);
    }
    case GB_OP_ACTIVATION: return gb_rule_activation(act, v[0]);
    case GB_OP_ACT_DERIV: return gb_act_df(act, v[0]);
    case GB_OP_LOSS: return gb_rule_loss(v, v + n / 2, n / 2);
    /* The deltas take the slope g'(z) as a quantity of its own, as the exercise computes it, so
     * a grader can carry a student's slope forward. */
    case GB_OP_DELTA_OUTPUT: return gb_rule_delta_output_slope(v[0], v[1], v[2]);
    case GB_OP_DELTA_HIDDEN: {
        size_t k = (n - 1) / 2;
        return gb_rule_delta_hidden_slope(v, v + k, k, v[2 * k]);
    }
    case GB_OP_GRAD_WEIGHT: return gb_rule_grad_weight(v[0], v[1]);
    case GB_OP_GRAD_BIAS: return gb_rule_grad_bias(v[0]);
    case GB_OP_STEP: return gb_rule_step(v[0], v[1], v[2]);
    case GB_OP_COPY: return v[0];
    case GB_OP_AUGMENTED: {
        /* [1, x] . [b, w]: the bias is the weight of a constant input 1 (exercise 2.4). */
        size_t k = (n - 1) / 2;
        double one = 1.0, sum = gb_rule_preact(&v[0], &one, 1, 0.0);
        sum += gb_rule_preact(v + 1, v + 1 + k, k, 0.0);
        return gb_rule_activation(act, sum);
    }
    }
    return 0.0;
}

double gb_model_compute(const gb_model *m, size_t i, const double *values)
{
    const gb_quantity *q = &m->q[i];
    if (q->op == GB_OP_GIVEN || q->op == GB_OP_MEASURED) return values[i];
    double stack[FAST_INPUTS] = {0}, *v = stack;
    if (q->ninputs > FAST_INPUTS) {
        v = malloc(q->ninputs * sizeof *v);
        if (!v) return NAN;   /* out of memory: NaN, which callers check with isfinite */
    }
    for (size_t k = 0; k < q->ninputs; k++) v[k] = values[q->inputs[k]];
    double r = apply(q->op, &q->act, v, q->ninputs);
    if (v != stack) free(v);
    return r;
}

/* Recomputes quantity i from the stored values of its inputs. Returns 0, -1 out of memory. */
static int eval_stored(gb_model *m, size_t i)
{
    gb_quantity *q = &m->q[i];
    double stack[FAST_INPUTS] = {0}, *v = stack;
    if (q->ninputs > FAST_INPUTS) v = malloc(q->ninputs * sizeof *v);
    if (!v) return -1;
    for (size_t k = 0; k < q->ninputs; k++) v[k] = m->q[q->inputs[k]].value;
    q->value = apply(q->op, &q->act, v, q->ninputs);
    if (v != stack) free(v);
    return 0;
}

long gb_model_add_computed(gb_model *m, const char *name, const char *symbol, const char *desc,
                           gb_op op, const gb_act *act, const size_t *inputs, size_t ninputs)
{
    if (!arity_ok(op, ninputs) || op == GB_OP_GIVEN || op == GB_OP_MEASURED) return -1;
    for (size_t k = 0; k < ninputs; k++)
        if (inputs[k] >= m->n) return -1;
    size_t *in = malloc(ninputs * sizeof *in);
    if (!in) return -1;
    gb_quantity *q = push(m, name, symbol, desc);
    if (!q) { free(in); return -1; }
    memcpy(in, inputs, ninputs * sizeof *in);
    q->op = op;
    if (act) q->act = *act;
    q->inputs = in;
    q->ninputs = ninputs;
    if (eval_stored(m, m->n) != 0) { free(in); return -1; }
    return (long)commit(m);
}

void gb_model_propagate(const gb_model *m, double *values, const unsigned char *override)
{
    for (size_t i = 0; i < m->n; i++) {
        if (override && override[i]) continue;
        const gb_quantity *q = &m->q[i];
        values[i] = (q->op == GB_OP_GIVEN || q->op == GB_OP_MEASURED)
                        ? q->value : gb_model_compute(m, i, values);
    }
}

const char *gb_act_symbol_tex(const gb_act *a)
{
    switch (a->kind) {
    case GB_ACT_SIGMOID: return "\\sigma";
    case GB_ACT_TANH: return "\\tanh";
    default: return "g";
    }
}
