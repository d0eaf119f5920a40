/* answers.h — the class's answer keys as data: answers.csv (one row per student and question,
 * RFC 4180), answers.json (per student: variant key, seed, hash, every given value, every answer)
 * and a student's plain answer sheet <id>-answers.txt. Files are written whole or not at all
 * (util/atomic_file.h). */
#ifndef GB_ANSWERS_H
#define GB_ANSWERS_H

#include "model/variants.h"
#include "util/diag.h"

#include <stddef.h>

/* One student's record. Strings are UTF-8 (jansson rejects anything else), borrowed. */
typedef struct gb_answer_row {
    const char *id;          /* the student ID, exported unchanged */
    const char *name;
    const char *file;        /* the file stem of the student's files (<file>-worksheet.pdf) */
    const char *variant;     /* the variant key (the ID, or the number of a --count variant) */
    unsigned long seed;      /* the 32-bit seed of the variant (model/variants.h) */
    const char *hash;        /* 8 hex digits */
    const char *drawn;       /* canonical text of the drawn values (model/variants.h) */
    const char *hashed;      /* the text the hash is of: drawn, "|", every other given value */
    const double *givens;    /* ngivens values, in the order of gb_answer_class.given_names */
    const double *values;    /* nq answers (full precision), in question order */
} gb_answer_row;

/* The class: the assignment, the questions (numbered 1..nq; the answer sheet calls them q1..),
 * the names of the given quantities of the model (x[0], W[1][0][0], ..., eta, perceptron.w[0],
 * ...; the same for every student) and the rows in roster order. All borrowed. */
typedef struct gb_answer_class {
    const char *assignment;
    const gb_question_spec *qs;
    size_t nq;
    const char *const *given_names;
    size_t ngivens;
    const gb_answer_row *rows;
    size_t nrows;
} gb_answer_class;

/* answers.csv at path: header
 *   student_id,name,question,quantity,value,printed,tolerance,low,high,points
 * then, per student in row order and question in document order, one record: question "q7",
 * quantity the model's name ("grad.W[1][0][1]"), value with 17 significant digits (%.17g: reads
 * back to the same double), printed as the key prints it (book/values.h, plain ASCII),
 * tolerance in canonical form ("rel:0.5%"), low/high the accepted interval (%.17g,
 * model/tolerance.h), points (%g). Records end with CRLF (RFC 4180); UTF-8 without BOM.
 * Returns 0, GB_EINPUT (a question's format is invalid, a value not finite) or GB_EINTERNAL
 * (write error: message names the path). */
int gb_answers_write_csv(const char *path, const gb_answer_class *c, gb_err *e);

/* answers.json at path (jansson, reals with 17 significant digits), streamed one student at a
 * time so memory does not grow with the class:
 *   {"format": "gradbook-answers 1", "assignment": NAME,
 *    "questions": [{"number": 1, "id": "q1", "quantity": "z[1][0]", "format": ".4g",
 *                   "tolerance": "rel:0.5%", "points": 1}, ...],
 *    "students": [{"id": ID, "name": NAME, "file": STEM, "variant": KEY, "seed": 123,
 *                  "hash": "0a1b2c3d", "drawn": "x[0]=0.5;...",
 *                  "hashed": "x[0]=0.5;...|eta=1;perceptron.x[0]=2;...",
 *                  "givens": {"x[0]": 0.5, ...},
 *                  "questions": [{"number": 1, "id": "q1", "quantity": "z[1][0]",
 *                                 "format": ".4g", "value": v, "printed": "0.1234",
 *                                 "tolerance": "rel:0.5%", "low": lo, "high": hi,
 *                                 "points": 1}, ...]}, ...]}
 * Errors as gb_answers_write_csv; GB_EINPUT also for a string that is not valid UTF-8. */
int gb_answers_write_json(const char *path, const gb_answer_class *c, gb_err *e);

/* The student's plain answer sheet at path, to fill in with any editor (the grader reads it):
 *   # gradbook answer sheet
 *   assignment: NAME
 *   student: ID
 *   variant: HASH
 *   # Write each answer after its '=' as a plain number (e.g. -0.1234 or 1.5e-3); leave the
 *   # question number and name as they are. Lines starting with '#' are comments.
 *   q1  z[1][0] = 
 *   q2  z[1][1] = 
 * (two spaces after the question id, nothing after "= "; LF line endings). GB_EINPUT when the
 * assignment or ID holds a line break (it would start a new line), GB_EINTERNAL on a write
 * error. */
int gb_answers_write_sheet(const char *path, const char *assignment, const char *id,
                           const char *hash, const gb_question_spec *qs, size_t nq, gb_err *e);

#endif
