/* grades_csv.h — the class's results as files: grades.csv (one row per graded student, in a
 * form learning platforms import) and the class summary of misconceptions (misconceptions.csv
 * and the table printed by `gradbook grade`). Files are written whole or not at all
 * (util/atomic_file.h).
 *
 * grades.csv (UTF-8 without BOM, RFC 4180: comma-separated, fields quoted when they hold a
 * comma, a double quote, CR or LF or start or end with a blank, quotes doubled, CRLF records):
 *   ID number,Full name,Grade,Maximum,Percent
 *   s1003,"Varga, Nóra",21.5,27,79.6
 * - "ID number" is the roster's student ID exported unchanged (never the file-name stem). In
 *   Moodle (Grades > Import > CSV file) choose "Map from: ID number" and "Map to: ID number"
 *   (or "username"/"email address" when the roster's IDs are those), then map the column
 *   "Grade" to the assignment's grade item; Maximum and Percent are for people and can be left
 *   "ignored". Canvas (Grades > Import) matches students by a column "SIS User ID" and wants
 *   one column per assignment: rename "ID number" to "SIS User ID" and "Grade" to the
 *   assignment's name (or paste the Grade column into Canvas' own export).
 * - Grade and Maximum are points (%.10g: no float noise such as 21.499999999); Percent is
 *   100 Grade / Maximum with one decimal ("0.0" when Maximum is 0). Decimal point '.', as both
 *   platforms expect in CSV regardless of the user's language.
 * - Rows are in roster order. Students without a graded submission are left out, so an import
 *   leaves their grade in the platform untouched instead of overwriting it with 0.
 *
 * misconceptions.csv (same CSV rules):
 *   question,quantity,mistake,count
 *   q9,delta[2][0],sign of (yhat - y) flipped,4
 * one row per (question, mistake) seen at least once, ordered by question number, then by
 * count (most frequent first), then by mistake name. */
#ifndef GB_GRADES_CSV_H
#define GB_GRADES_CSV_H

#include "util/diag.h"

#include <stddef.h>
#include <stdio.h>

/* One graded student's line; strings UTF-8, borrowed. */
typedef struct gb_grade_line {
    const char *id;       /* roster ID, exported unchanged */
    const char *name;     /* roster name */
    double total;         /* points earned (finite, >= 0) */
    double max;           /* points possible (finite, >= 0) */
} gb_grade_line;

/* Writes grades.csv at path from rows[0..n) (n may be 0: header only).
 * Returns 0, GB_EINPUT (a total or maximum not finite or negative, an ID or name not valid
 * UTF-8: the message names the student) or GB_EINTERNAL (cannot write: names the path). */
int gb_grades_write_csv(const char *path, const gb_grade_line *rows, size_t n, gb_err *e);

/* The percent printed for total out of max into buf (cap >= 16 bytes): "79.6", "0.0". */
void gb_grades_percent(double total, double max, char *buf, size_t cap);

/* ---------------------------------------------------------------- misconceptions */

/* A tally of (question, quantity, mistake) -> count for the class summary. Not thread-safe:
 * callers add from one thread (or under their own lock). */
typedef struct gb_tally gb_tally;

/* One counted entry, as returned by gb_tally_sorted (borrowed from the tally). */
typedef struct gb_tally_entry {
    int question;          /* question number (1-based, "q9") */
    const char *quantity;  /* model name, e.g. "delta[2][0]" */
    const char *mistake;   /* the named mistake, e.g. "sign of (yhat - y) flipped" */
    size_t count;
} gb_tally_entry;

/* A new empty tally, or NULL when out of memory. gb_tally_free(NULL) is fine. */
gb_tally *gb_tally_new(void);
void gb_tally_free(gb_tally *t);

/* Counts one occurrence (strings are copied). Returns 0, or -1 when out of memory or a string
 * is NULL. */
int gb_tally_add(gb_tally *t, int question, const char *quantity, const char *mistake);

/* The entries in the order documented above for misconceptions.csv; *n gets their number. The
 * array is owned by the tally and valid until the next gb_tally_add or gb_tally_free. NULL with
 * *n = 0 when the tally is empty or out of memory. */
const gb_tally_entry *gb_tally_sorted(gb_tally *t, size_t *n);

/* Writes misconceptions.csv at path (header only when the tally is empty). Errors as
 * gb_grades_write_csv. */
int gb_tally_write_csv(gb_tally *t, const char *path, gb_err *e);

/* Prints the summary table to f:
 *   Misconceptions in the class (students per question and mistake):
 *     q9   delta[2][0]      sign of (yhat - y) flipped         4
 * or "No named misconception was found." when the tally is empty. */
void gb_tally_print(gb_tally *t, FILE *f);

#endif
