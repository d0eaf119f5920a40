/* ref_mlp.c — the tests' independent long-double 2-2-1 sigmoid pass (see ref_mlp.h). */
#include "ref_mlp.h"

#include <math.h>

static long double sig(long double z) { return 1.0L / (1.0L + expl(-z)); }

void ref_mlp_pass(const double x[2], const double W1[2][2], const double b1[2],
                  const double W2[2], double b2, double y, ref_mlp *r)
{
    const long double X[2] = {x[0], x[1]}, Y = y;
    for (int j = 0; j < 2; j++) {
        r->z1[j] = (long double)W1[j][0] * X[0] + (long double)W1[j][1] * X[1] + b1[j];
        r->a1[j] = sig(r->z1[j]);
    }
    r->z2 = (long double)W2[0] * r->a1[0] + (long double)W2[1] * r->a1[1] + b2;
    r->yhat = sig(r->z2);
    r->C = 0.5L * (r->yhat - Y) * (r->yhat - Y);
    r->delta2 = (r->yhat - Y) * r->yhat * (1.0L - r->yhat);
    r->gb2 = r->delta2;
    for (int j = 0; j < 2; j++) {
        r->gW2[j] = r->delta2 * r->a1[j];
        r->delta1[j] = r->delta2 * W2[j] * r->a1[j] * (1.0L - r->a1[j]);
        r->gb1[j] = r->delta1[j];
        for (int k = 0; k < 2; k++) r->gW1[j][k] = r->delta1[j] * X[k];
    }
}
