/* values.h — formatting the values of named quantities for documents ({{NAME:FMT}} in chapters).
 *
 * Formats (printf-like, without the '%'):
 *   ""        default: 4 significant digits after the point as in ".4f"
 *   ".Nf"     N decimals (0..15)
 *   ".Ne"     scientific with N decimals
 *   ".Ng"     N significant digits (shortest of f/e)
 *   "d"       a whole number (rounded)
 *   ".N%"     a fraction shown as a percentage with N decimals (0.9875 -> "98.75 %")
 * Rules: -0 is printed as 0; a non-zero value that would print as zero in a fixed format (e.g.
 * 4.2e-18 with ".4f") switches to scientific with N significant digits (shared/cases/03: tiny
 * values are not shown as "0.0000"); the minus sign is U+2212 in the typeset form. */
#ifndef GB_VALUES_H
#define GB_VALUES_H

#include <stddef.h>

typedef struct gb_formatted {
    char plain[80];   /* ASCII: "-0.1117", "4.248e-18", "98.75 %" (for text extraction, CSV) */
    char tex[112];     /* TeX for the math typesetter: "-0.1117", "4.248 \times 10^{-18}" */
    char text[112];    /* UTF-8 for body text: "−0.1117", "4.248×10^-18" is not used: values with an
                         exponent should be set as math (has_exponent) */
    int has_exponent; /* 1 when the value is shown in scientific notation */
    char mant[48];    /* with has_exponent: the mantissa as printed, ASCII ("4.248") ... */
    int exp;          /* ... and the exponent (-18) */
} gb_formatted;

/* Checks fmt; 0 if valid, else -1. */
int gb_value_format_check(const char *fmt);

/* Formats v with fmt into *out. Returns 0, or -1 for an invalid fmt or a non-finite v. */
int gb_value_format(double v, const char *fmt, gb_formatted *out);

/* The accepted interval [lo, hi] as TeX, "[lo,\ hi]" (buf of cap bytes; at least 240 holds any):
 * both bounds with 6 significant digits (gb_value_format ".6g"), more (8, 10, ... 15) while they
 * would print alike. The key and the graded sheet print intervals with it, so a student finds
 * the same numbers on both. Returns 0, or -1 for a non-finite bound. */
int gb_value_interval_tex(double lo, double hi, char *buf, size_t cap);

/* The number a student sees printed for v with fmt, parsed back (the "printed value"): used so
 * that answers depend only on printed digits. Returns 0 or -1 as gb_value_format. */
int gb_value_rounded(double v, const char *fmt, double *out);

#endif
