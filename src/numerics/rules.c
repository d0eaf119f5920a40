/* rules.c — the exercise's formulas, one function per kind of quantity: the only copies, used by
 * network.c and by the model of named quantities. */
#include "numerics/rules.h"

double gb_rule_preact(const double *w_row, const double *a_prev, size_t n, double b)
{
    /* Summed in index order k = 0..n-1, then b: the order the exercise writes the sum in
     * (w_00 x_0 + w_01 x_1 + b_0), so a hand check in the same order rounds the same way. */
    double s = 0.0;
    for (size_t k = 0; k < n; k++) s += w_row[k] * a_prev[k];
    return s + b;
}

double gb_rule_activation(const gb_act *act, double z)
{
    return gb_act_f(act, z);
}

double gb_rule_loss(const double *yhat, const double *y, size_t n)
{
    double s = 0.0;
    for (size_t j = 0; j < n; j++) {
        double d = yhat[j] - y[j];
        s += d * d;
    }
    return 0.5 * s;
}

double gb_rule_delta_output_slope(double a, double y, double slope)
{
    return (a - y) * slope;
}

double gb_rule_delta_output(const gb_act *act, double a, double y, double z)
{
    /* g'(z) at the pre-activation, not a(1-a) from the activation (shared/cases/02, 05). */
    return gb_rule_delta_output_slope(a, y, gb_act_df(act, z));
}

double gb_rule_delta_hidden_slope(const double *w_col, const double *delta_next, size_t n_next,
                                  double slope)
{
    double s = 0.0;
    for (size_t i = 0; i < n_next; i++) s += w_col[i] * delta_next[i];
    return s * slope;
}

double gb_rule_delta_hidden(const gb_act *act, const double *w_col, const double *delta_next,
                            size_t n_next, double z)
{
    return gb_rule_delta_hidden_slope(w_col, delta_next, n_next, gb_act_df(act, z));
}

double gb_rule_grad_weight(double delta, double a_prev)
{
    return delta * a_prev;
}

double gb_rule_grad_bias(double delta)
{
    return delta;
}

double gb_rule_step(double theta, double eta, double grad)
{
    return theta - eta * grad;
}
