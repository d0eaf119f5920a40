/* gradcheck.c — compares analytic derivatives with gsl_deriv_central and gives a verdict that
 * separates "analytic wrong" from "numeric derivative not trustworthy here" (see gradcheck.h). */
#include "numerics/gradcheck.h"

#include <gsl/gsl_deriv.h>
#include <gsl/gsl_machine.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* How many times (each by a factor 10) the step is shrunk to get a stencil clear of a kink. */
#define KINK_SHRINKS 3
/* Noise of the function values reaches the derivative estimates amplified by the sum of the
 * magnitudes of the rules' coefficients over h: gsl_deriv_central's result
 * ((4/3)(f(x+h/2)-f(x-h/2)) - (1/6)(f(x+h)-f(x-h)))/h has 4/3+4/3+1/6+1/6 = 3; gsl_deriv_forward's
 * four-point rule has 22/3+84/3+114/3+52/3 = 272/3 < 91 (deriv/deriv.c). */
#define CENTRAL_NOISE_GAIN 3.0
#define FORWARD_NOISE_GAIN 91.0
/* How many times (each by a factor 10) the step is grown when the derivative is below the
 * round-off floor at the automatic step. */
#define ROUNDOFF_GROWS 2

const char *gb_check_verdict_name(gb_check_verdict v)
{
    switch (v) {
    case GB_CHECK_PASS: return "pass";
    case GB_CHECK_FAIL: return "FAIL";
    case GB_CHECK_ROUNDOFF: return "inconclusive (round-off)";
    case GB_CHECK_KINK: return "inconclusive (kink)";
    case GB_CHECK_UNRELIABLE_STEP: return "unreliable step";
    }
    return "?";
}

const char *gb_check_verdict_explain(gb_check_verdict v)
{
    switch (v) {
    case GB_CHECK_PASS:
        return "analytic and numeric derivatives agree within the error estimate";
    case GB_CHECK_FAIL:
        return "analytic derivative disagrees with a reliable numeric derivative: analytic wrong";
    case GB_CHECK_ROUNDOFF:
        return "inconclusive: the derivative is below the round-off floor of the numeric "
               "derivative";
    case GB_CHECK_KINK:
        return "inconclusive: the function has a kink within the step; the analytic value lies "
               "between the one-sided slopes";
    case GB_CHECK_UNRELIABLE_STEP:
        return "numeric derivative unreliable at this step; the analytic derivative agrees at "
               "the automatic step";
    }
    return "?";
}

int gb_check_inconclusive(gb_check_verdict v)
{
    return v == GB_CHECK_ROUNDOFF || v == GB_CHECK_KINK || v == GB_CHECK_UNRELIABLE_STEP;
}

double gb_gradcheck_step(double scale)
{
    if (!isfinite(scale)) return GB_GRADCHECK_DZ;
    return GB_GRADCHECK_DZ / fmax(1.0, fabs(scale));
}

/* ---- the scalar core ------------------------------------------------------------------------ */

static double call_fn(double theta, void *params)
{
    const gb_gradcheck_fn *fn = params;
    return fn->f(theta, fn->ctx);
}

static gsl_function as_gsl(const gb_gradcheck_fn *fn)
{
    gsl_function g;
    g.function = call_fn;
    g.params = (void *)fn; /* GSL takes void *; call_fn only reads it */
    return g;
}

/* The verdict of the pass rule (gradcheck.h) for one (analytic, numeric, abserr). */
static gb_check_verdict rule(double a, double n, double e)
{
    const double m = fmax(fabs(a), fabs(n));
    const double d = fabs(a - n);
    if (d <= GB_GRADCHECK_K * e + GB_GRADCHECK_RTOL * m)
        return GB_GRADCHECK_K * e <= GB_GRADCHECK_RESOLVE * m ? GB_CHECK_PASS : GB_CHECK_ROUNDOFF;
    return e < GB_GRADCHECK_FLOOR * fabs(n) ? GB_CHECK_FAIL : GB_CHECK_ROUNDOFF;
}

/* One gsl_deriv_central call at step h and the plain verdict (PASS, FAIL or ROUNDOFF). */
static int check_at(const gb_gradcheck_fn *fn, double theta, double a, double h, gb_check *c)
{
    gsl_function g = as_gsl(fn);
    double n = 0.0, e = 0.0;
    gsl_deriv_central(&g, theta, h, &n, &e); /* always GSL_SUCCESS; the values are the signal */
    if (!isfinite(n) || !isfinite(e)) return GB_GRADCHECK_ENONFINITE;
    memset(c, 0, sizeof *c);
    c->analytic = a;
    c->numeric = n;
    c->abserr = e;
    c->h = h;
    c->floor = CENTRAL_NOISE_GAIN * fn->noise / h;
    c->abs_err = fabs(a - n);
    c->rel_err = c->abs_err / fmax(fmax(fabs(a), fabs(n)), GB_GRADCHECK_TINY);
    c->verdict = rule(a, n, e + c->floor);
    return GB_GRADCHECK_OK;
}

static int has_kink(const gb_gradcheck_fn *fn, double lo, double hi)
{
    return fn->kink && fn->kink(lo, hi, fn->ctx);
}

/* The check at a step chosen by the verifier (automatic), with kink handling. */
static int check_auto(const gb_gradcheck_fn *fn, double theta, double a, double h, gb_check *c)
{
    int rc = check_at(fn, theta, a, h, c);
    if (rc != GB_GRADCHECK_OK || c->verdict == GB_CHECK_PASS) return rc;
    if (!has_kink(fn, theta - h, theta + h)) {
        if (c->verdict != GB_CHECK_ROUNDOFF) return rc;
        /* Below the round-off floor at this step: round-off falls as eps |C| / h, so a larger
         * step (z moved by 1e-4, then 1e-3, still well inside the scale of 1 on which the
         * activations curve; GSL's abserr still covers truncation there) may resolve the
         * derivative. A pass at either step is taken. A FAIL is taken only when both larger
         * steps say FAIL, two independent witnesses (case 04's "two steps that agree"), since a
         * false FAIL is worse than an honest "inconclusive". */
        double g = h;
        int fails = 0;
        gb_check t;
        for (int i = 0; i < ROUNDOFF_GROWS; i++) {
            g *= 10.0;
            if (has_kink(fn, theta - g, theta + g)) break;
            rc = check_at(fn, theta, a, g, &t);
            if (rc != GB_GRADCHECK_OK) return rc;
            if (t.verdict == GB_CHECK_PASS) {
                *c = t;
                return GB_GRADCHECK_OK;
            }
            fails += t.verdict == GB_CHECK_FAIL;
        }
        if (fails == ROUNDOFF_GROWS) *c = t; /* t holds the last (largest) step */
        return GB_GRADCHECK_OK;
    }

    /* A kink in the stencil: a smaller stencil that avoids it sees a smooth function, so a
     * pass there is a real pass. */
    double s = h;
    for (int i = 0; i < KINK_SHRINKS; i++) {
        s /= 10.0;
        if (has_kink(fn, theta - s, theta + s)) continue;
        gb_check t;
        rc = check_at(fn, theta, a, s, &t);
        if (rc != GB_GRADCHECK_OK) return rc;
        if (t.verdict == GB_CHECK_PASS) {
            *c = t;
            return GB_GRADCHECK_OK;
        }
        break;
    }

    /* At (or too close to) the kink: the analytic value must be a subgradient, between the
     * one-sided slopes (Caffe's advice, case 01). At least one of the two one-sided stencils
     * lies on the smooth side that the analytic value describes, so a correct value is inside. */
    gsl_function g = as_gsl(fn);
    double l = 0.0, el = 0.0, r = 0.0, er = 0.0;
    gsl_deriv_backward(&g, theta, h, &l, &el);
    gsl_deriv_forward(&g, theta, h, &r, &er);
    if (!isfinite(l) || !isfinite(el) || !isfinite(r) || !isfinite(er))
        return GB_GRADCHECK_ENONFINITE;
    const double tol = GB_GRADCHECK_K * (fmax(el, er) + FORWARD_NOISE_GAIN * fn->noise / h) +
                       GB_GRADCHECK_RTOL * fmax(fabs(l), fabs(r));
    c->one_sided = 1;
    c->left = l;
    c->right = r;
    c->verdict = (a >= fmin(l, r) - tol && a <= fmax(l, r) + tol) ? GB_CHECK_KINK : GB_CHECK_FAIL;
    return GB_GRADCHECK_OK;
}

int gb_gradcheck_scalar(const gb_gradcheck_fn *fn, double theta0, double analytic, double scale,
                        double h, gb_check *out)
{
    if (!fn || !fn->f || !out || !isfinite(theta0) || !isfinite(analytic) || !isfinite(scale) ||
        !isfinite(h) || h < 0.0 || !isfinite(fn->noise) || fn->noise < 0.0)
        return GB_GRADCHECK_EINVAL;
    if (!isfinite(fn->f(theta0, fn->ctx))) return GB_GRADCHECK_ENONFINITE;
    const double h_auto = gb_gradcheck_step(scale);
    if (h == 0.0) return check_auto(fn, theta0, analytic, h_auto, out);

    int rc = check_at(fn, theta0, analytic, h, out);
    if (rc != GB_GRADCHECK_OK || out->verdict == GB_CHECK_PASS) return rc;
    /* The forced step did not pass: is the analytic value wrong, or the step? Ask the
     * automatic step, whose numeric value is trustworthy (case 04). */
    gb_check ref;
    rc = check_auto(fn, theta0, analytic, h_auto, &ref);
    if (rc != GB_GRADCHECK_OK) return rc;
    out->has_ref = 1;
    out->ref_h = ref.h;
    out->ref_numeric = ref.numeric;
    out->ref_abserr = ref.abserr;
    out->one_sided = ref.one_sided;
    out->left = ref.left;
    out->right = ref.right;
    out->verdict = ref.verdict == GB_CHECK_PASS ? GB_CHECK_UNRELIABLE_STEP : ref.verdict;
    return GB_GRADCHECK_OK;
}

/* ---- activations ----------------------------------------------------------------------------- */

static double act_f(double z, void *ctx)
{
    return gb_act_f(ctx, z);
}

static int act_kink(double lo, double hi, void *ctx)
{
    return gb_act_near_kink(ctx, 0.5 * (lo + hi), 0.5 * (hi - lo));
}

int gb_gradcheck_activation_h(const gb_act *act, double z, double h, gb_check *out)
{
    if (!act || !out || !isfinite(z)) return GB_GRADCHECK_EINVAL;
    gb_act copy = *act; /* the callbacks take void *; keep the caller's const */
    gb_gradcheck_fn fn = {act_f, act_kink, &copy, 0.0}; /* g(z): only its final rounding */
    return gb_gradcheck_scalar(&fn, z, gb_act_df(act, z), 1.0, h, out);
}

int gb_gradcheck_activation(const gb_act *act, double z, gb_check *out)
{
    return gb_gradcheck_activation_h(act, z, 0.0, out);
}

/* ---- networks -------------------------------------------------------------------------------- */

typedef struct net_ctx {
    gb_net *net;
    const double *x, *y;
    gb_trace *t;          /* scratch trace for perturbed passes */
    double *p;            /* the parameter being perturbed */
    signed char *signs;   /* 2 * n_leaky scratch signs for net_kink */
    size_t n_leaky;       /* leaky-ReLU neurons in the network */
} net_ctx;

/* Forward pass with the parameter at theta (restored afterwards), leaving z and a in c->t. */
static void forward_at(net_ctx *c, double theta)
{
    const double saved = *c->p;
    *c->p = theta;
    gb_net_forward(c->net, c->x, c->t);
    *c->p = saved;
}

/* C with the parameter set to theta; the parameter is put back bit for bit after every
 * evaluation, so nothing can leave the network perturbed. */
static double net_f(double theta, void *vctx)
{
    net_ctx *c = vctx;
    forward_at(c, theta);
    return gb_net_loss(c->net, c->t, c->y);   /* reads only the trace, not the parameters */
}

static int sign_of(double z)
{
    return (z > 0.0) - (z < 0.0);
}

/* Signs of every leaky-ReLU pre-activation in c->t, in layer order, into sg (n_leaky). */
static void leaky_signs(const net_ctx *c, signed char *sg)
{
    size_t m = 0;
    for (size_t l = 1; l <= c->net->L; l++) {
        if (c->net->act[l].kind != GB_ACT_LEAKY_RELU) continue;
        for (size_t j = 0; j < c->net->n[l]; j++) sg[m++] = (signed char)sign_of(c->t->z[l][j]);
    }
}

/* A kink in [lo, hi] when a leaky-ReLU pre-activation has different signs (-1, 0, +1) at lo, the
 * middle and hi: it crosses or touches 0. z is smooth in theta between kinks, so a crossing shows
 * up as a sign change; two crossings within one step would need a curvature far beyond the scale
 * the step is chosen for. A z that is 0 at all three points does not depend on theta here (e.g.
 * the parameter is downstream of it), so g(z) is constant in theta: no kink. */
static int net_kink(double lo, double hi, void *vctx)
{
    net_ctx *c = vctx;
    if (c->n_leaky == 0) return 0;
    signed char *s0 = c->signs, *s1 = c->signs + c->n_leaky, *s2 = c->signs;
    forward_at(c, lo);
    leaky_signs(c, s0);
    forward_at(c, 0.5 * (lo + hi));
    leaky_signs(c, s1);
    for (size_t i = 0; i < c->n_leaky; i++)
        if (s0[i] != s1[i]) return 1;
    forward_at(c, hi);
    leaky_signs(c, s2); /* s0 is no longer needed */
    for (size_t i = 0; i < c->n_leaky; i++)
        if (s1[i] != s2[i]) return 1;
    return 0;
}

static int all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) return 0;
    return 1;
}

/* A first-order bound on the absolute rounding error of C from the forward pass in t (errors
 * of x are not counted: x is exact by definition). Per neuron: the sum z = sum_k W a + b rounds by
 * at most (n_in + 1) eps sum |terms| (the classic gamma_n bound), the inputs' errors arrive
 * through |W|, g multiplies the error of z by g'(z) and adds its own rounding (2 eps |a|); C then
 * sees each output's error times |a - y|. Returns -1 when out of memory. */
static double net_noise(const gb_net *net, const gb_trace *t, const double *y)
{
    size_t wmax = 0;
    for (size_t l = 0; l <= net->L; l++) wmax = net->n[l] > wmax ? net->n[l] : wmax;
    double *ea = calloc(2 * wmax, sizeof *ea); /* errors of a[l-1] and of a[l] */
    if (!ea) return -1.0;
    double *prev = ea, *cur = ea + wmax;
    const double eps = GSL_DBL_EPSILON;
    for (size_t l = 1; l <= net->L; l++) {
        const size_t nin = net->n[l - 1];
        for (size_t j = 0; j < net->n[l]; j++) {
            const double *w = net->W[l] + j * nin;
            double mag = fabs(net->b[l][j]), prop = 0.0;
            for (size_t k = 0; k < nin; k++) {
                mag += fabs(w[k] * t->a[l - 1][k]);
                prop += fabs(w[k]) * prev[k];
            }
            const double ez = prop + (double)(nin + 1) * eps * mag;
            cur[j] = fabs(gb_act_df(&net->act[l], t->z[l][j])) * ez + 2.0 * eps * fabs(t->a[l][j]);
        }
        double *tmp = prev;
        prev = cur;
        cur = tmp;
    }
    double noise = 0.0;
    for (size_t j = 0; j < net->n[net->L]; j++) noise += fabs(t->a[net->L][j] - y[j]) * prev[j];
    free(ea);
    return noise;
}

/* Validates the arguments, allocates the two traces, and runs forward + backward at the current
 * parameters into *t_ref (analytic gradients, activations for the step scales). */
static int net_prepare(gb_net *net, const double *x, const double *y, gb_trace **t_ref,
                       gb_trace **t_tmp, size_t *count)
{
    *t_ref = *t_tmp = NULL;
    if (!net || !x || !y) return GB_GRADCHECK_EINVAL;
    const size_t np = gb_net_param_count(net);
    if (np == 0) return GB_GRADCHECK_EINVAL;
    if (!all_finite(x, net->n[0]) || !all_finite(y, net->n[net->L])) return GB_GRADCHECK_EINVAL;
    for (size_t i = 0; i < np; i++)
        if (!isfinite(*gb_net_param(net, i))) return GB_GRADCHECK_EINVAL;
    *t_ref = gb_trace_new(net);
    *t_tmp = gb_trace_new(net);
    if (!*t_ref || !*t_tmp) {
        gb_trace_free(*t_ref);
        gb_trace_free(*t_tmp);
        *t_ref = *t_tmp = NULL;
        return GB_GRADCHECK_ENOMEM;
    }
    gb_net_forward(net, x, *t_ref);
    gb_net_backward(net, y, *t_ref);
    if (!isfinite((*t_ref)->C)) {
        gb_trace_free(*t_ref);
        gb_trace_free(*t_tmp);
        *t_ref = *t_tmp = NULL;
        return GB_GRADCHECK_ENONFINITE;
    }
    *count = np;
    return GB_GRADCHECK_OK;
}

/* The automatic-step scale of parameter i: |a[l-1][k]| for a weight, 1 for a bias. */
static double param_scale(const gb_net *net, const gb_trace *t_ref, size_t i)
{
    size_t l = 0, off = 0;
    int is_bias = 1;
    if (!gb_net_param_locate(net, i, &l, &off, &is_bias) || is_bias) return 1.0;
    return fabs(t_ref->a[l - 1][off % net->n[l - 1]]);   /* W[l][j][k] scales with a[l-1][k] */
}

int gb_gradcheck_net(gb_net *net, const double *x, const double *y, gb_check *out, double h)
{
    if (!out || !isfinite(h) || h < 0.0) return GB_GRADCHECK_EINVAL;
    gb_trace *t_ref, *t_tmp;
    size_t np = 0;
    int rc = net_prepare(net, x, y, &t_ref, &t_tmp, &np);
    if (rc != GB_GRADCHECK_OK) return rc;
    const double noise = net_noise(net, t_ref, y);
    if (noise < 0.0) rc = GB_GRADCHECK_ENOMEM;
    net_ctx ctx = {net, x, y, t_tmp, NULL, NULL, 0};
    for (size_t l = 1; l <= net->L; l++)
        if (net->act[l].kind == GB_ACT_LEAKY_RELU) ctx.n_leaky += net->n[l];
    if (ctx.n_leaky > 0 && !(ctx.signs = malloc(2 * ctx.n_leaky))) rc = GB_GRADCHECK_ENOMEM;
    gb_gradcheck_fn fn = {net_f, net_kink, &ctx, noise};
    for (size_t i = 0; i < np && rc == GB_GRADCHECK_OK; i++) {
        ctx.p = gb_net_param(net, i);
        const double a = gb_trace_grad(net, t_ref, i);
        if (!isfinite(a)) {
            rc = GB_GRADCHECK_ENONFINITE;
            break;
        }
        rc = gb_gradcheck_scalar(&fn, *ctx.p, a, param_scale(net, t_ref, i), h, &out[i]);
    }
    free(ctx.signs);
    gb_trace_free(t_ref);
    gb_trace_free(t_tmp);
    return rc;
}

void gb_gradcheck_tally(const gb_check *checks, size_t n, size_t counts[5])
{
    if (!counts) return;
    for (int v = 0; v < 5; v++) counts[v] = 0;
    if (!checks) return;
    for (size_t i = 0; i < n; i++)
        if ((unsigned)checks[i].verdict < 5) counts[checks[i].verdict]++;
}

/* ---- truncation vs round-off ----------------------------------------------------------------- */

int gb_gradcheck_log_steps(double h_max, double h_min, size_t n, double *h)
{
    if (!h || n < 2 || !isfinite(h_max) || !isfinite(h_min) || h_min <= 0.0 || h_min >= h_max)
        return GB_GRADCHECK_EINVAL;
    const double lmax = log10(h_max), lmin = log10(h_min);
    for (size_t i = 0; i < n; i++)
        h[i] = pow(10.0, lmax + (lmin - lmax) * (double)i / (double)(n - 1));
    h[0] = h_max; /* exact ends, free of pow's rounding */
    h[n - 1] = h_min;
    return GB_GRADCHECK_OK;
}

int gb_gradcheck_sweep(const gb_gradcheck_fn *fn, double theta0, double analytic,
                       const double *h, size_t n, double *err)
{
    if (!fn || !fn->f || !h || !err || n == 0 || !isfinite(theta0) || !isfinite(analytic))
        return GB_GRADCHECK_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(h[i]) || h[i] <= 0.0) return GB_GRADCHECK_EINVAL;
    for (size_t i = 0; i < n; i++) {
        const double d = (fn->f(theta0 + h[i], fn->ctx) - fn->f(theta0 - h[i], fn->ctx)) /
                         (2.0 * h[i]);
        if (!isfinite(d)) return GB_GRADCHECK_ENONFINITE;
        err[i] = fabs(d - analytic);
    }
    return GB_GRADCHECK_OK;
}

int gb_gradcheck_net_sweep(gb_net *net, const double *x, const double *y, size_t i,
                           const double *h, size_t n, double *err, double *h_auto)
{
    gb_trace *t_ref, *t_tmp;
    size_t np = 0;
    int rc = net_prepare(net, x, y, &t_ref, &t_tmp, &np);
    if (rc != GB_GRADCHECK_OK) return rc;
    if (i >= np) {
        rc = GB_GRADCHECK_EINVAL;
    } else {
        net_ctx ctx = {net, x, y, t_tmp, gb_net_param(net, i), NULL, 0};
        gb_gradcheck_fn fn = {net_f, NULL, &ctx, 0.0}; /* plain differences: no verdict */
        const double a = gb_trace_grad(net, t_ref, i);
        if (h_auto) *h_auto = gb_gradcheck_step(param_scale(net, t_ref, i));
        rc = isfinite(a) ? gb_gradcheck_sweep(&fn, *ctx.p, a, h, n, err)
                         : GB_GRADCHECK_ENONFINITE;
    }
    gb_trace_free(t_ref);
    gb_trace_free(t_tmp);
    return rc;
}

const char *gb_gradcheck_error_text(int code)
{
    switch (code) {
    case GB_GRADCHECK_OK: return "no error";
    case GB_GRADCHECK_EINVAL: return "a value is not a finite number";
    case GB_GRADCHECK_ENOMEM: return "out of memory";
    case GB_GRADCHECK_ENONFINITE:
        return "the loss overflows near these values (use smaller inputs or weights)";
    }
    return "unknown error";
}
