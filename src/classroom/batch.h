/* batch.h — a class's worksheets, keys, answer sheets and answer files in one run: every
 * student's variant drawn in roster order, then the documents built by N worker threads.
 *
 * Per student (file stem fname, see classroom/filename.h), in the output folder:
 *   <fname>-worksheet.pdf   the worksheet template built for the student's variant
 *   <fname>-key.pdf         the key template, same variant
 *   <fname>-answers.txt     the plain answer sheet (classroom/answers.h)
 * and for the class: answers.csv, answers.json (classroom/answers.h) and, with booklet, one
 * worksheets-booklet.pdf holding every worksheet in roster order, each starting on an odd page,
 * with one outline entry per student (book/document.h gb_booklet_*). No student's file can
 * end in "-booklet.pdf", so the class files never collide with a student's.
 *
 * Order of work and its guarantees:
 *   1. Checks (nothing written on failure): every fname is a plain name (non-empty, at most
 *      GB_FILENAME_MAX bytes, no '/', no NUL or control byte, not starting with '.'), and no
 *      two fnames are equal ignoring ASCII case (one file on Windows and macOS); IDs non-empty.
 *      Errors name the student's roster line. The roster reader reports the same faults first;
 *      these checks keep the engine safe for any caller.
 *   2. Drawing (nothing written on failure): variants in roster order (one gb_variant_drawer);
 *      student i's drawn values may not equal those of any earlier student (the `taken`
 *      callback), so the class's variants are pairwise different and the outcome is
 *      deterministic in roster order. Only small data is kept per student (the canonical drawn
 *      text, hash, seed, the given values and the answers): memory grows by a few hundred bytes
 *      per student, never by documents.
 *      The answers come from the model of the student's variant (gb_variant.model: the draw's
 *      gb_exercise_load + gb_exercise_model on the variant's parameters, gb_model_value), never
 *      from a second formula.
 *   3. answers.csv and answers.json are written (atomically).
 *   4. Workers (jobs threads) take students in order; each redraws the student's variant (the
 *      draw is a pure function of (assignment, key); the redraw accepts exactly the recorded
 *      draw) and writes the three files atomically (temporary name, then rename). A student
 *      whose files fail is reported on stderr and counted; the others' files are complete.
 *      The calling thread meanwhile builds the booklet, when asked.
 * Thread safety of what the workers share: the base parameters are only read (no gb_params
 * getter writes, params.h), so the workers draw from them without a lock, each with its own
 * gb_variant_drawer (a drawer is written by every draw); each variant's own parameters belong to
 * one thread; datadir paths are resolved before threads start (the umask
 * util/atomic_file.c needs it reads once under pthread_once); the cmark-gfm extension registry is
 * filled by gb_doc_questions, which gb_batch_run calls before starting threads; each document has
 * its own HPDF_Doc (libharu keeps no global state). Checked with ThreadSanitizer. */
#ifndef GB_BATCH_H
#define GB_BATCH_H

#include "model/params.h"
#include "model/variants.h"
#include "util/diag.h"

#include <stddef.h>
#include <time.h>

/* A student of the batch; strings UTF-8, borrowed. */
typedef struct gb_batch_student {
    const char *id;     /* printed on every page and exported unchanged; also the variant key */
    const char *name;   /* printed; never empty (the roster falls back to the ID) */
    const char *fname;  /* the safe file stem (gb_filename_from_id), unique in the class */
    unsigned line;      /* roster line for messages, 0 when there is no roster (--count) */
} gb_batch_student;

typedef struct gb_batch_opts {
    const gb_params *base;      /* parameters with their [variants] rules, borrowed */
    const char *assignment;     /* part of every variant's seed (model/variants.h) */
    const char *worksheet_tpl;  /* template paths (resolved by the caller) */
    const char *key_tpl;
    const char *outdir;         /* the output folder; created (with its parents) if missing */
    time_t date;                /* document date (gb_doc_date) */
    unsigned jobs;              /* worker threads; 0 = the number of online processors */
    int booklet;                /* 1: also write worksheets-booklet.pdf */
    int progress;               /* 1: a progress bar on stderr (the caller checks isatty(2)) */
} gb_batch_opts;

/* What a run did. */
typedef struct gb_batch_report {
    size_t students;            /* n */
    size_t failed;              /* students with at least one file not written */
    size_t *failed_idx;         /* their indices into the student array, ascending (malloc'ed) */
    int booklet_failed;         /* 1 when the booklet was asked for and not written */
    gb_variant_stats stats;     /* draws accepted and rejected, by rule */
} gb_batch_report;

/* Runs the batch for students s[0..n) (n >= 1) as described above. On return *r is filled (free
 * with gb_batch_report_free) whenever the checks passed.
 * Returns:
 *   0             every file was written;
 *   GB_EINPUT     a check or a draw failed, or a template or question is bad: nothing was
 *                 written; e names the student's roster line or the file:line:column;
 *   GB_EINTERNAL  before anything was written: out of memory, the folder cannot be created,
 *                 a thread cannot be started; after: r->failed students (listed in
 *                 r->failed_idx, each reported on stderr as it failed) or the booklet
 *                 (r->booklet_failed) could not be written, e says how many. */
int gb_batch_run(const gb_batch_opts *o, const gb_batch_student *s, size_t n,
                 gb_batch_report *r, gb_err *e);

void gb_batch_report_free(gb_batch_report *r);

/* The number of online processors (sysconf(_SC_NPROCESSORS_ONLN)), at least 1. */
unsigned gb_batch_default_jobs(void);

/* Checks step 1 alone (used by gb_batch_run; exposed for tests). GB_EINPUT naming the line. */
int gb_batch_check(const gb_batch_student *s, size_t n, gb_err *e);

#endif
