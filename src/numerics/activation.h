/* activation.h — activation functions g(z) and their derivatives g'(z), looked up by name.
 *
 * Source: exercise sections 2.1 (sigmoid), 3.1-3.3 (sigmoid, tanh, leaky ReLU). Pure numerics:
 * no I/O. Every function is total on finite doubles and never overflows; NaN in gives NaN out. */
#ifndef GB_ACTIVATION_H
#define GB_ACTIVATION_H

typedef enum gb_act_kind {
    GB_ACT_SIGMOID,     /* sigma(z) = 1 / (1 + e^{-z}) */
    GB_ACT_TANH,        /* tanh(z) */
    GB_ACT_LEAKY_RELU,  /* max(alpha z, z) for 0 < alpha < 1 */
    GB_ACT_IDENTITY     /* z */
} gb_act_kind;

/* An activation: its kind and, for leaky ReLU, the slope alpha for z < 0 (default 0.01). */
typedef struct gb_act {
    gb_act_kind kind;
    double alpha;
} gb_act;

#define GB_LEAKY_RELU_ALPHA_DEFAULT 0.01

/* Looks up an activation by name: "sigmoid" (also "logistic"), "tanh", "leaky_relu" (also
 * "leaky-relu", "leakyrelu"), "identity" (also "linear"); case-insensitive. Sets *out (alpha =
 * default) and returns 0, or returns -1 for an unknown name or NULL argument (out untouched). */
int gb_act_lookup(const char *name, gb_act *out);

/* The canonical name of a kind ("sigmoid", "tanh", "leaky_relu", "identity"); static string
 * ("unknown" for a value outside the enum). */
const char *gb_act_name(gb_act_kind kind);

/* 1 if act is usable: a known kind and, for leaky ReLU, 0 < alpha < 1 (not NaN); 0 otherwise or
 * for NULL. gb_net_new rejects activations that are not valid. */
int gb_act_valid(const gb_act *act);

/* g(z). Sigmoid is computed from e = exp(-|z|) so it never overflows: exactly 0 or 1 only where
 * the true value rounds to it (shared/cases/03). tanh is libm's tanh. Leaky ReLU: z for z > 0,
 * alpha z otherwise. NaN z (or NULL act, or a kind outside the enum) gives NaN. */
double gb_act_f(const gb_act *act, double z);

/* g'(z) at the pre-activation z. Sigmoid: e / (1 + e)^2 with e = exp(-|z|) (no cancellation in
 * 1 - sigma, correct to ~1 ulp for |z| <= 700; cases 02, 03). tanh: 1 - tanh^2 computed as
 * 4 / (e^z + e^-z)^2 in a form without overflow. Leaky ReLU convention at the kink: g'(z) = 1
 * for z > 0 and alpha for z <= 0, so g'(0) = alpha (shared/cases/01). Identity: 1.
 * NaN z (or NULL act, or a kind outside the enum) gives NaN for every kind. */
double gb_act_df(const gb_act *act, double z);

/* 1 if z lies within margin of a point where g is not differentiable (leaky ReLU: |z| <= margin;
 * other activations: never). */
int gb_act_near_kink(const gb_act *act, double z, double margin);

/* The stable sigmoid alone (used by the perceptron and the data-set classifier). */
double gb_sigmoid(double z);
/* sigma'(z) = sigma(z) sigma(-z) = e / (1 + e)^2 with e = exp(-|z|), stable as above. */
double gb_sigmoid_deriv(double z);

#endif
