/* tolerance.h — how close an answer must be to its key: absolute, relative or significant
 * figures, as an accepted interval symmetric about the key.
 *
 * Written in parameters and chapters as "abs:0.0005", "rel:0.5%" (or "rel:0.005"), "sig:3".
 *   abs:t    |s - k| <= t
 *   rel:r    |s - k| <= r |k|          (based on |k|, so a negative key keeps lo < hi;
 *                                       shared/cases/13)
 *   sig:n    |s - k| <= 0.5e-(n-1) * 10^floor(log10 |k|), half a unit in the n-th significant
 *            digit of the key
 * A relative or significant-figure tolerance of a key that is exactly 0 has no width; such a
 * question falls back to the absolute tolerance GB_TOL_ZERO_FALLBACK (and variant drawing avoids
 * zero keys anyway). Pure arithmetic: used by variant drawing (model/variants.h), the answer key
 * and the grader. */
#ifndef GB_TOLERANCE_H
#define GB_TOLERANCE_H

typedef enum gb_tol_kind { GB_TOL_ABS, GB_TOL_REL, GB_TOL_SIG } gb_tol_kind;

typedef struct gb_tolerance {
    gb_tol_kind kind;
    double value;        /* abs: t > 0; rel: r > 0 (a fraction: 0.5 % is 0.005); sig: n >= 1 */
} gb_tolerance;

#define GB_TOL_ZERO_FALLBACK 5e-5

/* Parses "abs:T", "rel:R" or "rel:R%", "sig:N". Returns 0, or -1 for anything else (then *out
 * is untouched). */
int gb_tolerance_parse(const char *s, gb_tolerance *out);

/* Writes the canonical form ("rel:0.5%", "abs:0.0005", "sig:3") into buf (cap bytes). */
void gb_tolerance_format(const gb_tolerance *t, char *buf, unsigned cap);

/* The half-width of the accepted interval around key k (>= 0, finite for finite k). */
double gb_tolerance_halfwidth(const gb_tolerance *t, double k);

/* 1 if s lies in [k - w, k + w] with w = gb_tolerance_halfwidth(t, k), else 0 (NaN: 0). */
int gb_tolerance_accepts(const gb_tolerance *t, double k, double s);

#endif
