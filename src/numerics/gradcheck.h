/* gradcheck.h — verification of analytic derivatives (backpropagation, activation derivatives)
 * against GSL numerical differentiation (gsl_deriv_central), with an honest verdict.
 *
 * Pure numerics: no I/O. Sources: GSL manual "Numerical Differentiation" (gsl_deriv_central,
 * _forward, _backward; deriv/deriv.c) and shared/LIBRARIES.md 2.2; the cases shared/cases/01
 * (kink), 02 (round-off floor, pass rule) and 04 (step from the scale).
 *
 * ---- The step h --------------------------------------------------------------------------
 * Automatic step: h = GB_GRADCHECK_DZ / max(1, scale), where scale is the magnitude of what
 * multiplies the parameter in its pre-activation (|a[l-1][k]| for the weight W[l][j][k], 1 for a
 * bias, 1 for an activation's own z). The perturbation therefore moves the pre-activation z by
 * about 1e-5. Why 1e-5: a central difference balances truncation error (~h^2 |f'''|/6, where
 * sigmoid/tanh/loss vary on a scale of 1 in z) against round-off (~eps |C| / h); the optimum is
 * h ~ cbrt(3 eps) ~ 1e-5 in units of that scale. An unscaled input (case 04: x = 30) would
 * otherwise move z 30 times further. gsl_deriv_central can only shrink the step it is given,
 * never grow it (LIBRARIES.md 2.2), so the starting step must already be right.
 *
 * ---- The pass rule --------------------------------------------------------------------------
 * With a = analytic, n = numeric, e = GSL's abserr (its rounding + truncation estimate) plus the
 * round-off floor 3 * noise / h of the function's own evaluation error (gb_gradcheck_fn.noise;
 * for a network a forward-pass rounding bound, which GSL cannot see), m = max(|a|, |n|):
 *   agree      |a - n| <= GB_GRADCHECK_K * e + GB_GRADCHECK_RTOL * m
 *              (an absolute term from the error estimate and a relative term; a pure relative
 *              test fails correct tiny gradients (case 02), a fixed absolute one passes tiny
 *              gradients of opposite sign (the CNTK pair of case 02));
 *   sharp      GB_GRADCHECK_K * e <= GB_GRADCHECK_RESOLVE * m
 *              (the tolerance is narrow enough that a 0.1 % error in the analytic value would
 *              have been caught; otherwise agreement proves little);
 *   resolved   e < GB_GRADCHECK_FLOOR * |n|
 *              (the numeric value has at least one significant digit: above the round-off
 *              floor).
 * Verdict at one step: agree and sharp -> PASS; agree but not sharp -> ROUNDOFF (inconclusive);
 * disagree and resolved -> FAIL; disagree and not resolved -> ROUNDOFF.
 * ROUNDOFF at the automatic step (and no kink) is re-tried at 10 h and 100 h (z moved by 1e-4,
 * 1e-3): round-off falls as 1/h while truncation, still tiny there, stays inside GSL's estimate.
 * A PASS at either larger step is taken; a FAIL only when both larger steps say FAIL (two
 * witnesses; a false FAIL is worse than an honest "inconclusive"); otherwise ROUNDOFF stands.
 * Case 02's dC/dW1[0][0] = 6e-12 stays ROUNDOFF at all three steps.
 * Measured while tuning: over 200 x 1000 random networks (N(0,1) parameters, 4.3 million
 * checks) no FAIL and 0.45 % ROUNDOFF, all derivatives below ~1e-7 of a loss of order 1; a
 * gradient 1 % off or of flipped sign never passes. tests/test_gradcheck.c repeats one seed.
 *
 * ---- Kinks ----------------------------------------------------------------------------------
 * When the check at the step does not pass and a kink (leaky ReLU at z = 0) lies within
 * [theta - h, theta + h], the step is shrunk by 10 up to 3 times to find a kink-free stencil
 * (a pass there is a pass). If none exists, left and right slopes are taken with
 * gsl_deriv_backward/forward (step h): an analytic value inside [min, max] of them (widened by the
 * same k*abserr + rtol terms) is a subgradient, verdict KINK (inconclusive); outside, FAIL.
 *
 * ---- Forced steps ---------------------------------------------------------------------------
 * A caller may force h (> 0). If the check does not pass at the forced step, it is repeated at
 * the automatic step (the ref_* fields): if that passes, the verdict is UNRELIABLE_STEP (the
 * numeric derivative is unreliable at the forced step; the analytic value is not wrong);
 * otherwise the automatic step's verdict (FAIL, ROUNDOFF or KINK) is given.
 */
#ifndef GB_GRADCHECK_H
#define GB_GRADCHECK_H

#include "numerics/activation.h"
#include "numerics/network.h"

#include <stddef.h>

/* Change of the pre-activation z made by the automatic step (see above). */
#define GB_GRADCHECK_DZ 1e-5
/* Factor on GSL's abserr in the pass rule: GSL's own deriv/test.c allows its error estimate to
 * undershoot by a factor of 2. (At the automatic step the estimate is conservative; it can
 * undershoot more at steps far too large, case 04, which is why forced steps are re-checked.) */
#define GB_GRADCHECK_K 2.0
/* Relative slack for what abserr does not cover: the analytic value's own rounding (a few ulps
 * per layer) and GSL's estimate being slightly optimistic. 1e-6 is far below the 1e-2 that
 * signals a bug (cs231n, case 02) yet well above double round-off. */
#define GB_GRADCHECK_RTOL 1e-6
/* Sharpness: a pass requires K*abserr <= RESOLVE * max(|a|,|n|), so a check that passes could
 * have detected a 0.1 % error; a 1 % error (the classic bug size) is always caught. */
#define GB_GRADCHECK_RESOLVE 1e-3
/* Round-off floor: a numeric value whose abserr is at least this fraction of |n| has no
 * significant digit left, so disagreement with it is inconclusive, not a FAIL (case 02:
 * n = -3.7e-12, abserr = 8.1e-11). */
#define GB_GRADCHECK_FLOOR 0.1
/* rel_err = |a - n| / max(|a|, |n|, TINY). TINY only prevents 0/0 when both are exactly 0
 * (rel_err is then 0): any derivative of an O(1) loss above 1e-30 keeps a true relative error,
 * and anything below it is far under the round-off floor (~eps |C| / h ~ 1e-11) anyway. */
#define GB_GRADCHECK_TINY 1e-30

/* Return codes of the functions below. */
enum {
    GB_GRADCHECK_OK = 0,
    GB_GRADCHECK_EINVAL = 1,     /* NULL pointer, h < 0 or not finite, n == 0, non-finite input */
    GB_GRADCHECK_ENOMEM = 2,     /* out of memory */
    GB_GRADCHECK_ENONFINITE = 3  /* f or the analytic value is not finite at theta or on the
                                    stencil (e.g. overflow of an identity layer) */
};

typedef enum gb_check_verdict {
    GB_CHECK_PASS,            /* analytic and numeric agree, sharply */
    GB_CHECK_FAIL,            /* they disagree beyond every error estimate: analytic is wrong */
    GB_CHECK_ROUNDOFF,        /* inconclusive: derivative below the round-off floor */
    GB_CHECK_KINK,            /* inconclusive: a kink within the stencil; analytic value is a
                                 subgradient (lies between the one-sided slopes) */
    GB_CHECK_UNRELIABLE_STEP  /* forced step gave an unreliable numeric value; analytic agrees
                                 at the automatic step */
} gb_check_verdict;

/* Short stable words for tables: "pass", "FAIL", "inconclusive (round-off)",
 * "inconclusive (kink)", "unreliable step"; "?" for an unknown value. Static strings. */
const char *gb_check_verdict_name(gb_check_verdict v);
/* One sentence for the report/key, e.g. "numeric derivative unreliable at this step; the
 * analytic gradient agrees at the automatic step". Static strings. */
const char *gb_check_verdict_explain(gb_check_verdict v);
/* 1 for ROUNDOFF, KINK and UNRELIABLE_STEP (not a verdict on the analytic value), else 0. */
int gb_check_inconclusive(gb_check_verdict v);

/* One derivative check. All values refer to the step that decided the verdict, except ref_*. */
typedef struct gb_check {
    double analytic;   /* the analytic derivative under test */
    double numeric;    /* gsl_deriv_central's result */
    double abserr;     /* gsl_deriv_central's error estimate (rounding + truncation) */
    double h;          /* the step passed to gsl_deriv_central (forced, automatic, or shrunk
                          away from a kink) */
    double abs_err;    /* |analytic - numeric| */
    double rel_err;    /* |analytic - numeric| / max(|analytic|, |numeric|, GB_GRADCHECK_TINY) */
    double floor;      /* round-off floor from the evaluation noise of f:
                          3 * noise / h (gb_gradcheck_fn.noise); added to abserr in the pass rule */
    gb_check_verdict verdict;
    int one_sided;     /* 1 when left/right were computed (kink handling), else 0 */
    double left;       /* gsl_deriv_backward slope (valid when one_sided), else 0 */
    double right;      /* gsl_deriv_forward slope (valid when one_sided), else 0 */
    int has_ref;       /* 1 when a forced step failed and the automatic step was checked */
    double ref_h, ref_numeric, ref_abserr;  /* that automatic-step check (valid when has_ref) */
} gb_check;

/* A scalar function f(theta) whose derivative is checked, and (optionally) where it has kinks. */
typedef struct gb_gradcheck_fn {
    double (*f)(double theta, void *ctx);
    /* 1 when f may be non-differentiable somewhere in [lo, hi]; NULL = f is smooth. */
    int (*kink)(double lo, double hi, void *ctx);
    void *ctx;
    /* Absolute rounding error of one evaluation of f beyond the last rounding of its result
     * (GSL's abserr already counts eps |f|), or 0. A loss C = 1/2 (a - y)^2 whose output a is
     * close to 1 carries the rounding of a (eps |a|) times |a - y|, which can exceed eps |C| by
     * orders of magnitude; GSL cannot see it. */
    double noise;
} gb_gradcheck_fn;

/* The automatic step for a parameter multiplied by an input of magnitude scale:
 * GB_GRADCHECK_DZ / max(1, |scale|) (case 04). A non-finite scale gives GB_GRADCHECK_DZ. */
double gb_gradcheck_step(double scale);

/* Checks d f / d theta at theta0 against analytic. h > 0 forces the step; h == 0 uses
 * gb_gradcheck_step(scale). Fills *out. Returns GB_GRADCHECK_OK, EINVAL (fn/fn->f/out NULL,
 * theta0/analytic/scale not finite, h < 0 or not finite, fn->noise < 0 or not finite) or
 * ENONFINITE (f not finite at theta0, or GSL's result not finite). out is unspecified on error.
 * A pass at a forced step is only as good as that step; the automatic step is the reference. */
int gb_gradcheck_scalar(const gb_gradcheck_fn *fn, double theta0, double analytic, double scale,
                        double h, gb_check *out);

/* Verifies g'(z) (gb_act_df) against the numeric derivative of g (gb_act_f) at z with the
 * automatic step (scale 1: h = 1e-5). The leaky-ReLU convention g'(0) = alpha (activation.h)
 * gives KINK at z = 0, since alpha lies in [alpha, 1]. Errors as gb_gradcheck_scalar
 * (act or out NULL, z not finite -> EINVAL). */
int gb_gradcheck_activation(const gb_act *act, double z, gb_check *out);
/* The same with a forced step h (> 0) or automatic (h == 0); case 01 uses h = 1e-4. */
int gb_gradcheck_activation_h(const gb_act *act, double z, double h, gb_check *out);

/* Checks every parameter of net for one sample: x (n[0] values), y (n[L] values). out has
 * gb_net_param_count(net) entries in the order of gb_net_param. The numeric derivative perturbs
 * the parameter in place and evaluates C by gb_net_forward + gb_net_loss; the parameter is
 * restored exactly (bit for bit) before returning, also on error. The analytic gradient comes
 * from gb_net_backward. Steps: h > 0 forces one step for all parameters, h == 0 uses
 * gb_gradcheck_step(|a[l-1][k]|) for W[l][j][k] and gb_gradcheck_step(1) for b[l][j]. Kinks: any
 * leaky-ReLU pre-activation that changes sign (or is exactly 0) over [theta-h, theta+h].
 * Returns GB_GRADCHECK_OK, EINVAL (NULL argument, h < 0 or not finite, a non-finite x, y or
 * parameter, an invalid net), ENOMEM, or ENONFINITE (C not finite at the current parameters). */
int gb_gradcheck_net(gb_net *net, const double *x, const double *y, gb_check *out, double h);

/* A sentence for a return code of the functions below (static string). */
const char *gb_gradcheck_error_text(int code);

/* Counts verdicts of checks[0..n-1] into counts[v] for v in gb_check_verdict (5 entries). */
void gb_gradcheck_tally(const gb_check *checks, size_t n, size_t counts[5]);

/* ---- Truncation vs round-off (for the step-size figure) -------------------------------- */

/* Fills h[0..n-1] with n >= 2 steps log-spaced from h_max down to h_min (both > 0, h_min <
 * h_max; e.g. 1e-1 .. 1e-13). Returns GB_GRADCHECK_OK or EINVAL. */
int gb_gradcheck_log_steps(double h_max, double h_min, size_t n, double *h);

/* For each h[i], the error of the plain central difference of f at theta0:
 * err[i] = |(f(theta0 + h) - f(theta0 - h)) / (2h) - analytic| (no GSL, no adaptivity: the
 * figure shows truncation error falling as h^2 and round-off error growing as eps/h). An err
 * may be exactly 0 (a log plot must clamp it). h and err have n entries. Returns OK, EINVAL
 * (NULL, n == 0, an h[i] <= 0 or non-finite) or ENONFINITE. */
int gb_gradcheck_sweep(const gb_gradcheck_fn *fn, double theta0, double analytic,
                       const double *h, size_t n, double *err);

/* The same for parameter i (order of gb_net_param) of net on sample (x, y), against the
 * backpropagation gradient; the parameter is restored. Errors as gb_gradcheck_net, and EINVAL
 * for i >= gb_net_param_count(net). The automatic step for parameter i (to mark it in the
 * figure) is written to *h_auto when h_auto is not NULL. */
int gb_gradcheck_net_sweep(gb_net *net, const double *x, const double *y, size_t i,
                           const double *h, size_t n, double *err, double *h_auto);

#endif
