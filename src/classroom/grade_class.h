/* grade_class.h — grading a class's submitted answer sheets in one run: each sheet matched to
 * its student, the student's variant regenerated, the sheet graded (classroom/grade.h), one
 * graded PDF per student and the class files grades.csv and misconceptions.csv
 * (classroom/grades_csv.h).
 *
 * Order of work and its guarantees:
 *   1. The questions are those of the worksheet template (gb_doc_questions), numbered as on the
 *      worksheet and the answer sheet.
 *   2. Every submission (classroom/submissions.h) is read and parsed on the calling thread
 *      (gb_answer_sheet_read: bounded, never blocks). A submission FAILS, with a message on
 *      stderr naming its file, and the others go on, when it cannot be read, is not an answer
 *      sheet, is a sheet of another assignment, names a student who is not on the roster, or
 *      carries a variant hash that is not the student's (a sheet of another parameters file or
 *      assignment). Problems with single lines of a sheet (a word where a number belongs, an
 *      unknown question) are not failures: the answer is graded blank and the problem is
 *      printed as a warning and shown on the graded sheet.
 *   3. A student with several sheets: the one found LAST wins (arguments in command-line order,
 *      a folder's files in name order, so "s1001-v2.txt" replaces "s1001.txt"), with a warning
 *      naming both files; the replaced sheet is not a failure.
 *   4. Variants are drawn for the whole roster in roster order exactly as `gradbook variants`
 *      draws them (classroom/batch.h step 2: a draw equal to an earlier student's is redrawn),
 *      so each student is graded against the variant printed on their worksheet; the sheet's
 *      "variant:" hash must equal it (a sheet without the line is graded, with a warning).
 *   5. Every matched student is graded on the calling thread (cheap); then grades.csv and
 *      misconceptions.csv are written (atomically; this first write also happens before any
 *      thread starts, as util/atomic_file.c requires); then `jobs` worker threads write
 *      <outdir>/<fname>-graded.pdf per student (fname = the roster's safe file stem, never the
 *      raw ID, so nothing a student writes can name a file: every output path is built from
 *      outdir and roster data alone). A PDF that cannot be written is a failure of that student
 *      (reported, counted); the grade is already in grades.csv.
 * Thread safety: as classroom/batch.h (each PDF has its own libharu document; parameters are
 * only read). */
#ifndef GB_GRADE_CLASS_H
#define GB_GRADE_CLASS_H

#include "classroom/grade.h"
#include "classroom/grades_csv.h"
#include "classroom/roster.h"
#include "classroom/submissions.h"
#include "model/params.h"
#include "util/diag.h"

#include <stddef.h>
#include <stdio.h>
#include <time.h>

typedef struct gb_grade_class_opts {
    const gb_params *base;        /* the parameters with their [variants] rules, borrowed */
    const char *assignment;       /* as given to `gradbook variants` */
    const char *worksheet_tpl;    /* the questions (resolved paths) */
    const char *graded_tpl;       /* templates/graded.ini */
    const char *outdir;           /* created with its parents when missing */
    time_t date;                  /* document date (gb_doc_date) */
    unsigned jobs;                /* PDF worker threads; 0 = online processors */
    const gb_grade_opts *grading; /* NULL: gb_grade_opts_default */
    FILE *log;                    /* one line per graded student (stdout), or NULL */
} gb_grade_class_opts;

/* What a run did. */
typedef struct gb_grade_class_report {
    size_t submissions;   /* entries of the submission list */
    size_t failed;        /* submissions that could not be graded (+ PDFs not written) */
    size_t replaced;      /* sheets replaced by a later sheet of the same student */
    size_t graded;        /* students whose graded PDF was written */
    size_t missing;       /* roster students without a graded sheet */
    gb_tally *tally;      /* the class's misconceptions (owned; gb_grade_class_report_free) */
} gb_grade_class_report;

/* Runs the class as described above. *r is always filled (free with
 * gb_grade_class_report_free). Returns:
 *   0             every submission was graded and every file written;
 *   GB_EINPUT     before grading: a template or question is bad, a student's variant cannot be
 *                 drawn (e names the roster line), the output folder is a file: nothing written;
 *   GB_EINTERNAL  before grading: out of memory, the folder cannot be created; or after:
 *                 r->failed > 0 submissions failed (each reported on stderr as "gradbook: FILE:
 *                 reason") or grades.csv / misconceptions.csv could not be written; e says
 *                 "N submissions could not be graded". */
int gb_grade_class_run(const gb_grade_class_opts *o, const gb_roster *roster,
                       const gb_submission_list *subs, gb_grade_class_report *r, gb_err *e);

void gb_grade_class_report_free(gb_grade_class_report *r);

#endif
