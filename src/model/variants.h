/* variants.h — a different version of the exercise for every student: sample values drawn by
 * documented rules from (assignment name, variant key), degenerate draws rejected and redrawn.
 *
 * Rules live in the parameters file:
 *   [variants]
 *   x = -2:2:0.5          every x[k] from -2 to 2 in steps of 0.5 (grid points, ends included)
 *   x[1] = {-1, 1}        a rule for one element overrides the rule of its family
 *   W = -1:1:0.1          every W[l][j][k];   W1, W2 = ...  a rule for one layer
 *   b = -0.5:0.5:0.1      every b[l][j];      b1, b2 = ...
 *   y = {0, 1}            a set of values
 *   eta = {0.5, 1}
 *   saturation = 4        reject when any |z[l][j]| exceeds this (a saturated neuron)
 *   min_loss = 0.001      reject when C is below this (the loss is already near zero)
 *   kink_margin = 0.05    reject when a leaky-ReLU |z| is below this (shared/cases/01)
 *   max_draws = 1000      give up (an error) after this many rejected draws
 *   perceptron = vary     the perceptron's Glorot seed ([perceptron] seed) becomes the variant's
 *                         seed, so its weights differ between students too ("fixed": keep it);
 *                         when the perceptron is asked and its |z| exceeds saturation, the k-th
 *                         redraw (k = 1, 2, ...) seeds it with fold(FNV-1a("<seed>/<k>")), the
 *                         seed in decimal (counted as "saturated" rejections)
 * A rule is a grid LO:HI:STEP, a set {A, B, ...} (at most 64 values) or one number. Without the
 * key, saturation and min_loss are not checked, kink_margin is 0.05 and max_draws 1000.
 * Rule names: x, W, b, y, eta (a family); W1, b2 (a layer); x[0], W[1][0][1], b[1][0], y[0] (an
 * element). chapters/exercise3.ini gives x and y per element (x[0], x[1], y[0]) so that a bare
 * `--set x=...` still names one key of one section.
 * A sample value without a rule keeps its value from [sample]. Drawn values lie on their grid and
 * are set exactly as printed (a grid step of 0.1 gives values like 0.3, never 0.30000000000000004
 * digits beyond the grid), so every answer depends only on printed digits.
 *
 * Derivation (so anyone can regenerate a sheet a year later): seed = FNV-1a 64-bit hash of the
 * UTF-8 bytes of assignment, one 0x00 byte, and key; the 64-bit hash is folded to 32 bits by
 * (h >> 32) ^ (h & 0xffffffff) and seeds GSL's mt19937 (gsl_rng_set). Values are drawn in a fixed
 * order (x[k], W[l][j][k] in row-major order by layer, b[l][j], y[j], eta; elements with a rule
 * only), each as grid_index = gsl_rng_uniform_int(r, count). A rejected draw draws again from the
 * same generator, so the n-th attempt is determined too.
 *
 * Grid value i is LO + i STEP printed with "%.*f" and the decimals of LO or STEP (whichever has
 * more), trailing zeros dropped ("-2.0" -> "-2"); a set value is printed with the fewest decimals
 * that read back exactly. The printed text is what is set (gb_params_set) and what the model
 * computes with, so the variant's value is exactly the printed one.
 *
 * Rejection rules, applied to the model built from the drawn values, in this order (each counted
 * in gb_variant_stats under its own reason):
 *   GB_REJECT_ZERO_GIVEN     an input or weight that an asked answer depends on is 0
 *                            (shared/cases/10: a zero weight zeroes whole rows of gradients).
 *                            "Depends on" = is a factor of: grad.W[l][j][k] and new.W[l][j][k]
 *                            depend on x[k] when l = 1; grad.W, grad.b, new.W, new.b and delta
 *                            of a hidden layer l < L (neuron j) depend on every W[l+1][i][j];
 *                            new.W and new.b also on eta. Forward quantities depend on none.
 *   GB_REJECT_ZERO_ANSWER    an asked answer prints as zero at its printed precision (every
 *                            digit 0 in ".Nf", ".N%", "d"; |v| < 1e-12 in ".Ne"/".Ng")
 *   GB_REJECT_SATURATED      some |z[l][j]| > saturation
 *   GB_REJECT_LOW_LOSS       C < min_loss
 *   GB_REJECT_KINK           a leaky-ReLU |z| <= kink_margin (every z[l][j] of a leaky-ReLU
 *                            layer, and perceptron.z when a perceptron question is asked)
 *   GB_REJECT_TRANSPOSED     an asked gradient of the first layer (grad.W[1], grad.b[1],
 *                            new.W[1], new.b[1], delta[1]) computed with W[1][k][j] in place of
 *                            W[1][j][k] (square first layers of size >= 2 only; the same model
 *                            recomputed with the transposed givens) lies within that question's
 *                            tolerance of the correct answer (shared/cases/07)
 *   GB_REJECT_DUPLICATE      the caller reports the drawn values equal another student's
 *                            (gb_variant_draw's `taken` callback), e.g. within one roster. */
#ifndef GB_VARIANTS_H
#define GB_VARIANTS_H

#include "model/params.h"
#include "model/quantity.h"
#include "model/tolerance.h"
#include "util/diag.h"

#include <stddef.h>

/* A question asked by a document: the quantity, the format it is printed with in the key, its
 * tolerance and points. */
typedef struct gb_question_spec {
    char name[48];
    char fmt[16];
    gb_tolerance tol;
    double points;
} gb_question_spec;

typedef enum gb_reject_reason {
    GB_REJECT_ZERO_GIVEN, GB_REJECT_ZERO_ANSWER, GB_REJECT_SATURATED, GB_REJECT_LOW_LOSS,
    GB_REJECT_KINK, GB_REJECT_TRANSPOSED, GB_REJECT_DUPLICATE, GB_REJECT_COUNT
} gb_reject_reason;

/* Short stable names: "zero-given", "zero-answer", "saturated", "low-loss", "kink",
 * "transposed", "duplicate". */
const char *gb_reject_name(gb_reject_reason r);

/* The level of a [variants] rule key: a family (x, W, b, y, eta), a layer (W1, b2, ...) or one
 * element (x[0], W[1][0][1], b[1][0], y[0]); 0 for none of them (a setting such as max_draws, or
 * a typo). Element rules win over layer rules, which win over family rules. Only the key's form
 * is looked at, not whether the network has that layer or element. */
enum { GB_RULE_FAMILY = 1, GB_RULE_LAYER = 2, GB_RULE_ELEMENT = 3 };
int gb_variant_rule_level(const char *key);

/* How many draws each rule removed (accumulate over many students). */
typedef struct gb_variant_stats {
    size_t accepted;
    size_t rejected[GB_REJECT_COUNT];
} gb_variant_stats;

/* A drawn variant. */
typedef struct gb_variant {
    unsigned long seed;        /* the 32-bit seed derived from (assignment, key) */
    unsigned attempts;         /* draws made (1 = the first draw was accepted) */
    char hash[9];              /* 8 hex digits: FNV-1a (folded as above) of full, printed on
                                  every page so a sheet can be traced, and a sheet graded with
                                  other parameters than it was made with is recognised */
    char givens[2048];         /* canonical text of the drawn values as printed
                                  ("x[0]=0.5;x[1]=-1.5;..."): what differs between students */
    char full[8192];           /* givens, "|", then every other given quantity of the model at
                                  full precision ("eta=1;perceptron.x[0]=2;..."): everything a
                                  sheet's answers depend on */
    gb_params *params;         /* a copy of the base parameters with the drawn values set,
                                  without the [variants] section (the locations of copied keys
                                  read "--set"); owned (gb_variant_free) */
    gb_model *model;           /* the model of params (gb_exercise_load(params, seed -1) then
                                  gb_exercise_model): every value of the variant, the very
                                  numbers gb_variant_answers(params, ...) gives; owned
                                  (gb_variant_free) */
} gb_variant;

/* Returns 1 when the drawn givens (canonical text) are already taken by someone else. */
typedef int (*gb_variant_taken_fn)(const char *givens, void *ctx);

/* Draws the variant of (assignment, key) from base (its [variants] rules; error GB_EINPUT naming
 * file:line:column for a malformed rule, a rule for a sample value that does not exist, an
 * empty grid, bad bounds) for the asked questions qs[0..nq). taken may be NULL. On success fills
 * *out and adds to *stats (may be NULL). GB_EINPUT also when max_draws draws were all rejected
 * (the message names the rule that rejected most), for a question that is not a quantity of the
 * exercise or has an unknown format, and for an exercise that does not load. The draw's
 * rejections are added to *stats on failure too. GB_EINTERNAL: out of memory. On failure *out
 * holds no parameters and no model (gb_variant_free is still safe). */
int gb_variant_draw(const gb_params *base, const char *assignment, const char *key,
                    const gb_question_spec *qs, size_t nq, gb_variant_taken_fn taken,
                    void *taken_ctx, gb_variant *out, gb_variant_stats *stats, gb_err *e);

void gb_variant_free(gb_variant *v);

/* The variant's model, handed over: the caller owns it (gb_model_free) and v holds none any
 * more (a worksheet takes it instead of building the same model again, book/document.h). */
gb_model *gb_variant_take_model(gb_variant *v);

/* The work a draw needs that does not depend on the key, done once for many draws: the base
 * exercise and its model, the drawable sample values, the parsed [variants] rules and the asked
 * questions. gb_variant_draw is gb_variant_drawer_new + gb_variant_drawer_draw +
 * gb_variant_drawer_free; a drawer made once gives the very same variants, key by key, in any
 * order (no draw depends on the draws made before it).
 *
 * Thread rule: a drawer is NOT safe to use from two threads at once (every draw writes its
 * working state: the drawn texts, the model's values, the random generator). Give each thread
 * its own drawer; drawers made from the same base may draw concurrently (base is only read). */
typedef struct gb_variant_drawer gb_variant_drawer;

/* Makes *out (owned: gb_variant_drawer_free) for drawing variants of base for the questions
 * qs[0..nq) (copied; base is borrowed and must outlive the drawer, unchanged). Errors as
 * gb_variant_draw's for the rules, the questions and the exercise (GB_EINPUT), GB_EINTERNAL
 * for a NULL argument or out of memory; on failure *out is NULL. */
int gb_variant_drawer_new(const gb_params *base, const gb_question_spec *qs, size_t nq,
                          gb_variant_drawer **out, gb_err *e);

/* Draws the variant of (assignment, key) with d: as gb_variant_draw (taken, out, stats and the
 * errors of a draw alike). */
int gb_variant_drawer_draw(gb_variant_drawer *d, const char *assignment, const char *key,
                           gb_variant_taken_fn taken, void *taken_ctx, gb_variant *out,
                           gb_variant_stats *stats, gb_err *e);

/* Frees d (NULL is fine). Variants drawn with it stay valid (they own their parameters). */
void gb_variant_drawer_free(gb_variant_drawer *d);


/* The documented seed derivation alone (for tests and documentation). */
unsigned long gb_variant_seed(const char *assignment, const char *key);

/* Applies the rejection rules (the settings of p's [variants]; its rules are validated but draw
 * nothing) to the sample values of p as they are, for the questions qs[0..nq): *why = the first
 * rule broken, or GB_REJECT_COUNT when p would be accepted (duplicates are not checked). Errors
 * as gb_variant_draw. */
int gb_variant_check(const gb_params *p, const gb_question_spec *qs, size_t nq,
                     gb_reject_reason *why, gb_err *e);

/* The values of the asked quantities qs[0..nq) computed from p (e.g. a variant's params) into
 * out[0..nq). GB_EINPUT for an exercise that does not load or a name that is not a quantity. */
int gb_variant_answers(const gb_params *p, const gb_question_spec *qs, size_t nq, double *out,
                       gb_err *e);

/* The same from a model already built (e.g. a drawn variant's v->model): out[i] = the value of
 * qs[i].name in m. GB_EINPUT for a name that is not a quantity of m. */
int gb_variant_model_answers(const gb_model *m, const gb_question_spec *qs, size_t nq,
                             double *out, gb_err *e);

#endif
