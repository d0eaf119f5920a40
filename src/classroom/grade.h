/* grade.h — grading one answer sheet against the model of named quantities: tolerances, error
 * carried forward, rounded chains and named misconceptions.
 *
 * For question i (quantity Q, key k = the model's value of Q, tolerance t, points p) and what
 * the student wrote s (a VALID number of the sheet; tolerance applied to s as written):
 *   1. RIGHT when s is within t of
 *        a. the key k, or
 *        b. the rounded chain: Q recomputed with every other asked quantity replaced by its key
 *           value as printed (gb_value_rounded with that question's format), as people do by
 *           hand, or
 *        c. Q recomputed from the student's own upstream answers (step 2's value) when none of
 *           those upstream answers is wrong (a student who rounds at every step).
 *   2. CARRIED (carried-forward credit, carried_share * p) when an upstream answer is wrong and s
 *      is within t of Q recomputed from the student's own answers: gb_model_propagate with every
 *      other asked quantity the student answered overriding the model (a question of a copy,
 *      yhat = a[L][0], overrides its source too; unasked intermediates such as dact are
 *      recomputed from the student's upstream). Two readings are tried: the student's
 *      pre-activations as written, and the pre-activations implied by the student's activations
 *      (solving g(z) = a by bisection over gb_rule_activation: the student who computes
 *      sigma'(z) as yhat (1 - yhat) from a wrong yhat). "Upstream" = the asked quantities Q
 *      depends on through the model's inputs; "wrong" = not within tolerance of its key. The
 *      note names the first root wrong upstream question (one that has no wrong upstream of
 *      its own), lowest number first: "carried forward from Q8 (yhat)".
 *      Not given, with the reason in the note (and refused set), when an upstream value used is
 *      impossible (an activation outside the range of its function: sigmoid (0, 1), tanh
 *      (-1, 1); a negative loss C): "no carried-forward credit: yhat = 1.3 (Q8) is impossible,
 *      a sigmoid output lies in (0, 1)"; or when it makes Q trivial (a delta or gradient
 *      Q depends on, or Q itself, recomputes to 0 while its key is not 0, as when yhat = y).
 *   3. WRONG otherwise (0 points). A wrong answer within t of the value a classic mistake gives
 *      (model/mistakes.h; computed from the correct givens, and from the student's own
 *      upstream answers) and not within t of the key (nor of step 2's value) is labelled with
 *      that mistake; when several match, the most specific: a mistake made at this question's
 *      own step (its op evaluated with the mistake on correct inputs: theta + eta grad is named
 *      "plus-step", not the sign error that gives the same number), then the nearest to s
 *      (ties: the lower enum). A RIGHT or CARRIED answer is never labelled. A wrong value that
 *      is impossible in itself (yhat = 1.3) is explained in the note too.
 *   4. BLANK (0 points, not an error) when the sheet has no number for the question: nothing
 *      written, or not a number (the sheet's problem becomes the note).
 * All recomputation goes through gb_model_compute / gb_model_propagate /
 * gb_model_propagate_mistake: there is no second copy of a formula here. */
#ifndef GB_GRADE_H
#define GB_GRADE_H

#include "classroom/answer_sheet.h"
#include "model/mistakes.h"
#include "model/quantity.h"
#include "model/variants.h"
#include "util/diag.h"

#include <stddef.h>

typedef enum gb_mark {
    GB_MARK_RIGHT,
    GB_MARK_CARRIED,
    GB_MARK_WRONG,
    GB_MARK_BLANK
} gb_mark;   /* same order as gb_graded_mark of book/graded.h */

/* Why carried-forward credit was refused (GB_CF_NONE: it was not refused). */
typedef enum gb_cf_refusal { GB_CF_NONE, GB_CF_IMPOSSIBLE, GB_CF_TRIVIAL } gb_cf_refusal;

/* How a RIGHT answer was accepted. */
typedef enum gb_accept {
    GB_ACCEPT_NONE,        /* not RIGHT */
    GB_ACCEPT_KEY,         /* within tolerance of the key */
    GB_ACCEPT_ROUNDED,     /* of the key recomputed from printed (rounded) key values */
    GB_ACCEPT_OWN_ROUNDED  /* of the value recomputed from the student's own right answers */
} gb_accept;

typedef struct gb_grade_opts {
    double carried_share;  /* share of a question's points for carried-forward credit, 0..1 */
    int digits;            /* significant digits of the numbers in feedback formulas (>= 1) */
} gb_grade_opts;

/* Defaults: carried_share 1 (all the points), digits 4. */
void gb_grade_opts_default(gb_grade_opts *o);

/* One graded question. All strings NUL-terminated UTF-8 (plain text unless "TeX"). */
typedef struct gb_grade_row {
    int number;              /* question number, 1-based ("Q7") */
    size_t quantity;         /* index of the quantity in the model */
    char name[48];           /* the quantity's name: "delta[2][0]" */
    char symbol[128];        /* its TeX symbol: "\\delta^{[2]}" */
    char written[GB_SHEET_TEXT_MAX]; /* what the student wrote ("" blank) */
    int valid;               /* 1 when written is a number */
    double value;            /* that number (0 unless valid) */
    double key;              /* the model's value */
    char key_plain[80];      /* the key as printed (book/values.h, ASCII): "-0.1117" */
    char key_tex[112];       /* the same as TeX */
    double lo, hi;           /* the accepted interval about the key */
    char interval_tex[240];  /* "[-0.112345,\\ -0.111234]": gb_value_interval_tex, as the key
                                prints it (6 significant digits, more when lo and hi would print
                                alike) */
    gb_mark mark;
    gb_accept accepted;      /* how a RIGHT answer was accepted */
    double points;           /* earned */
    double max_points;
    double reference;        /* the value s was compared with for CARRIED (else the key) */
    int upstream;            /* CARRIED or refused: the wrong upstream question's number, else 0 */
    char upstream_name[48];  /* its quantity name, "" when none */
    gb_cf_refusal refused;   /* CF refused (the mark is WRONG) */
    gb_mistake mistake;      /* the matched mistake of a WRONG answer, else GB_MISTAKE_NONE */
    char note[320];          /* "" or: "carried forward from Q8 (yhat)", "matches the mistake:
                                sign of (yhat - y) flipped", "line 12: 'abc' is not a number",
                                "no carried-forward credit: ...", "accepted: consistent with your
                                rounded upstream answers" */
    char feedback_tex[640];  /* for WRONG and CARRIED: "SYMBOLIC = NUMBERS" of the quantity's
                                formula with the correct numbers (gb_formula_tex); "" for a given
                                or when it does not fit */
    char carried_tex[640];   /* for CARRIED: the same formula with the student's own numbers */
} gb_grade_row;

typedef struct gb_grade_result {
    gb_grade_row *rows;      /* nq rows in question order (owned) */
    size_t nrows;
    double total, max_total; /* points */
    size_t count[4];         /* rows per gb_mark */
} gb_grade_result;

/* Grades sheet (parsed for the same qs, nq) against the model m of the student's variant.
 * qs[i].name must be a quantity of m, qs[i].fmt a valid format (book/values.h), points finite
 * and >= 0. o may be NULL (defaults). On success fills *out (free with gb_grade_result_free) and
 * returns 0. Errors: GB_EINPUT (a question not in the model, an invalid format, nq different
 * from sheet->nq, carried_share outside 0..1, a key that is not finite), GB_EINTERNAL (out of
 * memory). On error *out is empty. Never reads or writes files. */
int gb_grade(const gb_model *m, const gb_question_spec *qs, size_t nq,
             const gb_answer_sheet *sheet, const gb_grade_opts *o, gb_grade_result *out,
             gb_err *e);

void gb_grade_result_free(gb_grade_result *r);

/* "right", "carried forward", "wrong", "blank" (static). */
const char *gb_mark_name(gb_mark k);

/* The class summary: adds one to counts[i * GB_MISTAKE_COUNT + k] for every row i of r whose
 * answer was labelled with mistake k (counts has r->nrows * GB_MISTAKE_COUNT entries, zeroed by
 * the caller before the first student). */
void gb_grade_count_mistakes(const gb_grade_result *r, size_t *counts);

#endif
