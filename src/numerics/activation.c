/* activation.c — activation functions g(z) and their slopes g'(z) (exercise sections 2.1, 3.1-3.3),
 * written so that no finite z overflows and NaN propagates. */
#include "numerics/activation.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>

static int name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return *a == *b;
}

int gb_act_lookup(const char *name, gb_act *out)
{
    static const struct { const char *name; gb_act_kind kind; } names[] = {
        {"sigmoid", GB_ACT_SIGMOID},       {"logistic", GB_ACT_SIGMOID},
        {"tanh", GB_ACT_TANH},             {"leaky_relu", GB_ACT_LEAKY_RELU},
        {"leaky-relu", GB_ACT_LEAKY_RELU}, {"leakyrelu", GB_ACT_LEAKY_RELU},
        {"identity", GB_ACT_IDENTITY},     {"linear", GB_ACT_IDENTITY},
    };
    if (!name || !out) return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (name_eq(name, names[i].name)) {
            out->kind = names[i].kind;
            out->alpha = GB_LEAKY_RELU_ALPHA_DEFAULT;
            return 0;
        }
    }
    return -1;
}

const char *gb_act_name(gb_act_kind kind)
{
    switch (kind) {
    case GB_ACT_SIGMOID: return "sigmoid";
    case GB_ACT_TANH: return "tanh";
    case GB_ACT_LEAKY_RELU: return "leaky_relu";
    case GB_ACT_IDENTITY: return "identity";
    }
    return "unknown";
}

int gb_act_valid(const gb_act *act)
{
    if (!act) return 0;
    switch (act->kind) {
    case GB_ACT_SIGMOID:
    case GB_ACT_TANH:
    case GB_ACT_IDENTITY: return 1;
    case GB_ACT_LEAKY_RELU: return act->alpha > 0.0 && act->alpha < 1.0; /* false for NaN */
    }
    return 0;
}

/* Only e = exp(-|z|) <= 1 is ever formed, so nothing overflows: sigma = 1/(1+e) for z >= 0 and
 * e/(1+e) for z < 0, which keeps full relative precision down to the subnormals instead of
 * rounding 1/(1+huge). The numerator is selected by indexing rather than by a branch, because in
 * training the sign of z is unpredictable and a mispredicted branch costs as much as the exp.
 * NaN: exp(NaN) is NaN, so the quotient is NaN. */
double gb_sigmoid(double z)
{
    double e = exp(-fabs(z));
    const double num[2] = {1.0, e}; /* indexed, not branched: compilers keep "?:" as a branch */
    return num[z < 0.0] / (1.0 + e);
}

/* sigma'(z) = sigma(z) sigma(-z) = e / (1+e)^2 with e = exp(-|z|). The textbook form
 * sigma (1 - sigma) cancels: at z = 40 it gives 0 instead of 4.25e-18 (shared/cases/03), and in
 * backpropagation it costs digits of every delta of a saturated unit (shared/cases/02). */
double gb_sigmoid_deriv(double z)
{
    double e = exp(-fabs(z));
    double d = 1.0 + e;
    return e / (d * d);
}

/* tanh'(z) = 1 - tanh^2 z = 4 / (e^z + e^-z)^2 = 4e / (1+e)^2 with e = exp(-2|z|) <= 1: no overflow
 * for large |z| (where 1 - tanh^2 would also cancel to 0 long before the true value underflows). */
static double tanh_deriv(double z)
{
    double e = exp(-2.0 * fabs(z));
    double d = 1.0 + e;
    return 4.0 * e / (d * d);
}

double gb_act_f(const gb_act *act, double z)
{
    if (!act) return NAN;
    switch (act->kind) {
    case GB_ACT_SIGMOID: return gb_sigmoid(z);
    case GB_ACT_TANH: return tanh(z);
    case GB_ACT_LEAKY_RELU: return z > 0.0 ? z : act->alpha * z; /* NaN: alpha * NaN = NaN */
    case GB_ACT_IDENTITY: return z;
    }
    return NAN;
}

double gb_act_df(const gb_act *act, double z)
{
    if (!act || isnan(z)) return NAN;
    switch (act->kind) {
    case GB_ACT_SIGMOID: return gb_sigmoid_deriv(z);
    case GB_ACT_TANH: return tanh_deriv(z);
    case GB_ACT_LEAKY_RELU: return z > 0.0 ? 1.0 : act->alpha; /* convention: g'(0) = alpha */
    case GB_ACT_IDENTITY: return 1.0;
    }
    return NAN;
}

int gb_act_near_kink(const gb_act *act, double z, double margin)
{
    if (!act || act->kind != GB_ACT_LEAKY_RELU) return 0;
    return fabs(z) <= margin;
}
