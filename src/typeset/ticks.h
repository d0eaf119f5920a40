/* ticks.h — axis ticks: "nice" tick positions for linear and log10 axes, and their labels.
 *
 * Linear ticks follow the idea of Heckbert's "Nice numbers for graph labels" (Graphics Gems I,
 * 1990) with the step set of Talbot, Lin & Hanrahan's extended algorithm (IEEE InfoVis 2010):
 * steps q * 10^k with q in {1, 5, 2, 2.5}, each candidate scored by simplicity, coverage of the
 * data range and closeness to the wanted number of ticks. Labels use the fewest decimals that
 * tell every tick apart (never "0.30000000000000004", never "-0"). Log10 axes get ticks at powers
 * of ten (labels as mantissa/exponent parts so a plot can raise the exponent) and minor ticks at
 * 2..9 x 10^k when the range spans few decades. Pure computation: no fonts, no allocation. */
#ifndef GB_TICKS_H
#define GB_TICKS_H

#include <stddef.h>

/* Most ticks one axis can hold (majors + minors). */
#define GB_TICKS_MAX 96

/* gb_ticks_* return values (>= 0 means out is filled and usable). */
enum {
    GB_TICKS_OK = 0,
    GB_TICKS_FALLBACK = 1,   /* the input range was unusable; a documented fallback range was used */
    GB_TICKS_EARG = -1       /* out is NULL */
};

typedef struct gb_tick {
    double value;     /* position in data units */
    int major;        /* 1 = major tick (carries a label), 0 = minor tick (label empty) */
    /* The label is mant, or, when exp is not empty, mant x 10^exp; an empty mant with a
     * non-empty exp means the pure power 10^exp (log axes). Both NUL-terminated ASCII with
     * '-' as minus sign (a typesetter may replace it by U+2212). Empty for minor ticks. */
    char mant[24];
    char exp[8];
} gb_tick;

typedef struct gb_ticks {
    double lo, hi;    /* axis range chosen (data units; for log axes still data, not log10) */
    double step;      /* linear: distance between majors; log: decades between labelled majors */
    int log;          /* 1 for a log10 axis */
    size_t n;         /* ticks used in t[], ascending by value */
    gb_tick t[GB_TICKS_MAX];
} gb_ticks;

/* Nice linear ticks for data in [lo, hi] (lo > hi is swapped), aiming at `target` majors (the
 * usual 5..7 comes from target 6; values outside 2..12 are clamped).
 *   loose = 1: the axis range is widened to the outermost ticks (out->lo <= lo, out->hi >= hi);
 *   loose = 0: the axis range is exactly [lo, hi] and only ticks inside it are listed.
 * Degenerate input: lo == hi == v becomes [v - |v|/10, v + |v|/10] ([-1, 1] for v == 0) and
 * GB_TICKS_OK is returned; NaN or infinite lo/hi give the range [0, 1] and GB_TICKS_FALLBACK;
 * a range too small to be resolved in doubles around its centre (span < 1e-12 * |centre|) is
 * widened as if degenerate. Labels: all majors share the fewest decimals that tell them apart
 * (so "0.0", "0.2", ... "1.0"); plain decimals when 1e-4 <= max|tick| < 1e6 and no label is
 * longer than 8 characters, otherwise mantissas with a common exponent (exp "9": 1.5 x 10^9;
 * the zero tick is then "0" with no exponent). Returns GB_TICKS_OK, GB_TICKS_FALLBACK or
 * GB_TICKS_EARG (out NULL). */
int gb_ticks_linear(double lo, double hi, int target, int loose, gb_ticks *out);

/* Log10 ticks for data in [lo, hi] (data units, > 0; swapped if lo > hi). The range is widened
 * to whole decades [10^floor(log10 lo), 10^ceil(log10 hi)] (at least one decade). A major tick
 * sits at every decade; with more than max_labels decades only every s-th decade (s the
 * smallest stride keeping the labelled ones <= max_labels; exponents multiple of s) carries a
 * label, the others are listed as unlabelled minors. Minor ticks at 2..9 x 10^k are added when
 * the range spans <= 4 decades. Labels are always powers: mant "" and exp "-12" for 10^-12,
 * exp "0" for 10^0 (uniform, as in matplotlib).
 * Fallbacks (GB_TICKS_FALLBACK): NaN/inf or hi <= 0 give [1, 10]; lo <= 0 < hi gives
 * [hi / 1000, hi] before widening. max_labels is clamped to 2..12. Returns as gb_ticks_linear. */
int gb_ticks_log(double lo, double hi, int max_labels, gb_ticks *out);

/* Formats v with `decimals` digits after the point into buf (cap bytes, NUL-terminated,
 * truncated if short), never producing "-0" (a result that reads as zero loses its sign).
 * decimals is clamped to 0..17. Returns the length written (excluding NUL). */
size_t gb_ticks_format(double v, int decimals, char *buf, size_t cap);

/* Fewest decimals (0..17) with which %.*f tells all n values apart and reads each back within
 * 1e-6 of the smallest gap between them (or of |v| when n == 1). vals may be NULL when n == 0
 * (returns 0). */
int gb_ticks_decimals(const double *vals, size_t n);

#endif
