/* formula.c — formulas of computed quantities, with symbols and with numbers. */
#include "model/formula.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct out {
    char *buf;
    size_t cap, n;
    int overflow;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
    if (o->overflow) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->buf + o->n, o->cap - o->n, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= o->cap - o->n) { o->overflow = 1; return; }
    o->n += (size_t)k;
}

/* A number as TeX; negative ones in parentheses when paren is set. */
static void num(out *o, double v, int digits, int paren)
{
    char b[48];
    if (v == 0) v = 0.0;
    snprintf(b, sizeof b, "%.*g", digits, v);
    char *e = strchr(b, 'e');
    if (e) {
        /* 1.2e-05 -> 1.2 \times 10^{-5} */
        int ex = 0;
        sscanf(e + 1, "%d", &ex);
        *e = '\0';
        if (paren && v < 0) put(o, "(%s \\times 10^{%d})", b, ex);
        else put(o, "%s \\times 10^{%d}", b, ex);
        return;
    }
    if (paren && v < 0) put(o, "(%s)", b);
    else put(o, "%s", b);
}

typedef struct ctx {
    const gb_model *m;
    const gb_quantity *q;
    const double *vals;
    int digits;
} ctx;

static double in_val(const ctx *c, size_t k)
{
    size_t idx = c->q->inputs[k];
    return c->vals ? c->vals[idx] : gb_model_at(c->m, idx)->value;
}

static const char *in_sym(const ctx *c, size_t k)
{
    return gb_model_at(c->m, c->q->inputs[k])->symbol;
}

/* One side of the formula: symbols (numeric = 0) or numbers (numeric = 1). */
static void side(const ctx *c, int numeric, out *o)
{
    const gb_quantity *q = c->q;
    size_t n = q->ninputs;
#define ITEM(k, paren) do { if (numeric) num(o, in_val(c, k), c->digits, paren); \
                            else put(o, "%s", in_sym(c, k)); } while (0)
    const char *g = gb_act_symbol_tex(&q->act);
    switch (q->op) {
    case GB_OP_GIVEN: case GB_OP_MEASURED: break;
    case GB_OP_PREACT: case GB_OP_AUGMENTED: {
        size_t k = (n - 1) / 2;
        int aug = q->op == GB_OP_AUGMENTED;
        if (aug) {
            put(o, "%s(", g);
            /* [1, x] . [b, w] */
            put(o, "1 \\cdot ");
            ITEM(0, 1);
            for (size_t t = 0; t < k; t++) {
                put(o, " + ");
                ITEM(1 + k + t, 1);
                put(o, numeric ? " \\times " : "\\,");
                ITEM(1 + t, 1);
            }
            put(o, ")");
            break;
        }
        for (size_t t = 0; t < k; t++) {
            if (t) put(o, " + ");
            ITEM(t, t > 0);
            put(o, numeric ? " \\times " : "\\,");
            ITEM(k + t, 1);
        }
        put(o, " + ");
        ITEM(2 * k, 1);
        break;
    }
    case GB_OP_ACTIVATION:
        if (q->act.kind == GB_ACT_SIGMOID) { put(o, "\\frac{1}{1 + e^{-"); ITEM(0, 1); put(o, "}}"); }
        else if (q->act.kind == GB_ACT_TANH) { put(o, "\\tanh("); ITEM(0, 0); put(o, ")"); }
        else if (q->act.kind == GB_ACT_LEAKY_RELU) {
            put(o, "\\max(%g", q->act.alpha);
            put(o, numeric ? " \\times " : "\\,");
            ITEM(0, 1); put(o, ", "); ITEM(0, 0); put(o, ")");
        } else ITEM(0, 0);
        break;
    case GB_OP_ACT_DERIV:
        if (q->act.kind == GB_ACT_SIGMOID || q->act.kind == GB_ACT_TANH) {
            double a = gb_act_f(&q->act, in_val(c, 0));
            int sig = q->act.kind == GB_ACT_SIGMOID;
            if (numeric) {
                if (sig) { num(o, a, c->digits, 0); put(o, " \\times (1 - "); num(o, a, c->digits, 0); put(o, ")"); }
                else { put(o, "1 - "); num(o, a, c->digits, 1); put(o, "^2"); }
            } else {
                if (sig) put(o, "\\sigma(%s)\\,(1 - \\sigma(%s))", in_sym(c, 0), in_sym(c, 0));
                else put(o, "1 - \\tanh^2(%s)", in_sym(c, 0));
            }
        } else {
            put(o, "g'(");
            ITEM(0, 0);
            put(o, ")");
        }
        break;
    case GB_OP_LOSS: {
        size_t k = n / 2;
        put(o, "\\frac{1}{2}");
        for (size_t t = 0; t < k; t++) {
            if (t) put(o, " + ");
            put(o, "(");
            ITEM(t, 0);
            put(o, " - ");
            ITEM(k + t, 1);
            put(o, ")^2");
        }
        break;
    }
    case GB_OP_DELTA_OUTPUT:
        put(o, "(");
        ITEM(0, 0);
        put(o, " - ");
        ITEM(1, 1);
        put(o, ")");
        /* The slope is a quantity of its own (sigma'(z) of the exercise's step 1). */
        put(o, numeric ? " \\times " : "\\,");
        ITEM(2, 1);
        break;
    case GB_OP_DELTA_HIDDEN: {
        size_t k = (n - 1) / 2;
        if (k > 1) put(o, "(");
        for (size_t t = 0; t < k; t++) {
            if (t) put(o, " + ");
            ITEM(k + t, t > 0 || k == 1);
            put(o, numeric ? " \\times " : "\\,");
            ITEM(t, 1);
        }
        if (k > 1) put(o, ")");
        put(o, numeric ? " \\times " : "\\,");
        ITEM(2 * k, 1);
        break;
    }
    case GB_OP_GRAD_WEIGHT:
        ITEM(0, 0);
        put(o, numeric ? " \\times " : "\\,");
        ITEM(1, 1);
        break;
    case GB_OP_GRAD_BIAS: case GB_OP_COPY:
        ITEM(0, 0);
        break;
    case GB_OP_STEP:
        ITEM(0, 0);
        put(o, " - ");
        ITEM(1, 1);
        put(o, numeric ? " \\times " : "\\,");
        ITEM(2, 1);
        break;
    }
#undef ITEM
}

int gb_formula_tex(const gb_model *m, size_t i, const double *values, int digits, char *sym,
                   size_t sym_cap, char *numbuf, size_t num_cap)
{
    const gb_quantity *q = gb_model_at(m, i);
    if (sym_cap) sym[0] = '\0';
    if (num_cap) numbuf[0] = '\0';
    if (q->op == GB_OP_GIVEN || q->op == GB_OP_MEASURED || !sym_cap || !num_cap) return -1;
    ctx c = {m, q, values, digits};
    out so = {sym, sym_cap, 0, 0}, no = {numbuf, num_cap, 0, 0};
    side(&c, 0, &so);
    side(&c, 1, &no);
    if (so.overflow || no.overflow) {
        sym[0] = numbuf[0] = '\0';
        return -1;
    }
    return 0;
}
