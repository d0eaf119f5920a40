/* graded.h — the graded sheet of one student as a PDF: each answer beside the correct value,
 * its mark (right / wrong / carried forward / blank), the points, the total, and under a wrong
 * answer feedback: the quantity's formula with the correct numbers substituted and, when the
 * answer matches a classic mistake, its name. The data come in plain form (the grader lives in
 * classroom/, which book/ does not know); the page, fonts and running heads come from the
 * template (templates/graded.ini, [document] kind = graded). */
#ifndef GB_GRADED_H
#define GB_GRADED_H

#include "book/document.h"
#include "util/diag.h"

#include <stddef.h>
#include <time.h>

typedef enum gb_graded_mark {
    GB_GRADED_RIGHT,      /* within tolerance of the key */
    GB_GRADED_CARRIED,    /* wrong, but right from the student's own (wrong) upstream answers */
    GB_GRADED_WRONG,
    GB_GRADED_BLANK       /* nothing written, or not a number (see note) */
} gb_graded_mark;

/* One graded answer. Strings are UTF-8 (TeX where stated), borrowed during gb_graded_build. */
typedef struct gb_graded_row {
    int number;               /* question number (Q7) */
    const char *symbol;       /* TeX symbol of the quantity, e.g. "\\delta^{[2]}" */
    const char *written;      /* what the student wrote, as written ("" when blank) */
    const char *key;          /* the correct value as printed in the key, e.g. "-0.1117" */
    const char *interval;     /* the accepted interval as TeX, e.g. "[-0.1123,\\ -0.1112]" */
    gb_graded_mark mark;
    double points, max_points;
    const char *feedback_tex; /* for a wrong or carried answer: the formula with the correct
                                 numbers, TeX, e.g. "(\\hat{y} - y)\\,\\hat{y}(1 - \\hat{y}) =
                                 (0.5488 - 1) \\times ..."; NULL = none */
    const char *note;         /* plain text: "carried forward from Q8 (yhat)", "matches the
                                 mistake: sign of (yhat - y) flipped", "line 12: 'abc' is not a
                                 number"; NULL = none */
} gb_graded_row;

typedef struct gb_graded_sheet {
    const gb_student *student;    /* name, ID, variant key and hash */
    const char *assignment;
    const gb_graded_row *rows;
    size_t nrows;
    double total, max_total;
    const char *summary;          /* optional plain-text line under the total, or NULL */
    const char *const *problems;  /* nproblems plain-text lines about the sheet itself (a line
                                     that is not an answer, a question answered twice, ...),
                                     listed after the answers; may be NULL when 0 */
    size_t nproblems;
} gb_graded_sheet;

/* Writes the graded sheet to output atomically using template_path (page, fonts, heads).
 * Returns 0, GB_EINPUT (template errors, a malformed TeX string: file:line:col of the template
 * or "feedback of Q7: ..."), GB_EINTERNAL. */
int gb_graded_build(const char *template_path, time_t date, const gb_graded_sheet *sheet,
                    const char *output, gb_err *e);

#endif
