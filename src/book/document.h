/* document.h — building one document of any kind (report, worksheet, key) for one set of
 * parameters and, for a student, their name and variant, into a PDF; and listing the questions a
 * document kind asks.
 *
 * A document kind is its template (templates/report.ini, worksheet.ini, key.ini: the [document]
 * kind key says which). Questions are the {{?NAME:FMT|tol=..|points=..}} spans of its chapters:
 *   report     shows the value
 *   worksheet  a numbered blank box ("Q7") with room to write; computations that would give
 *              answers away are left out (the template's [show] keys), and a value span of a
 *              quantity that is asked elsewhere prints as a reference to its box ("see Q7")
 *   key        the value, the accepted interval, and for a computed quantity its formula with the
 *              numbers substituted (model/formula.h)
 * Every page of a worksheet or key carries the student's name and ID and the variant's key and
 * hash in its running head ({student}, {student_id}, {variant}, {hash} in the template). */
#ifndef GB_DOCUMENT_H
#define GB_DOCUMENT_H

#include "model/params.h"
#include "model/variants.h"
#include "util/diag.h"

#include <stddef.h>
#include <time.h>

/* Who a document is for; all NULL/empty for the report. Strings are UTF-8, printed as given. */
typedef struct gb_student {
    const char *id;        /* e.g. "2023/0417" */
    const char *name;      /* e.g. "Varga, Nóra" */
    const char *variant;   /* the variant key (often the ID) */
    const char *hash;      /* the variant's 8-hex-digit hash */
    unsigned line;         /* the student's roster line, for messages (0 = none) */
} gb_student;

typedef struct gb_doc_opts {
    const char *template_path;
    const gb_params *params;   /* the (variant's) parameters, borrowed */
    long seed;                 /* --seed or -1 */
    time_t date;               /* the document date (see gb_doc_date) */
    const gb_student *student; /* NULL for the report */
    /* NULL, or the model gb_exercise_model gives for params and seed, built by the caller for
     * another use (a variant's check, model/variants.h): the document takes it over (frees it,
     * whatever happens) instead of building it again. Options with a model serve one build. */
    gb_model *model;
} gb_doc_opts;

/* The document date: SOURCE_DATE_EPOCH when set, else the modification time of params_path
 * (or 0). GB_EINPUT for a malformed SOURCE_DATE_EPOCH. */
int gb_doc_date(const char *params_path, time_t *out, gb_err *e);

/* Builds the document and writes it to output atomically (nothing is written on failure).
 * Returns 0, GB_EINPUT (template, chapter, parameter, formula or value errors, with
 * file:line:column) or GB_EINTERNAL. */
int gb_doc_build(const gb_doc_opts *o, const char *output, gb_err *e);

typedef struct gb_booklet_part gb_booklet_part;

/* The questions the template's chapters ask, in document order (numbered 1..n), with their
 * formats, tolerances (the question's own, else [questions] tolerance of params, else rel:0.5%)
 * and points (else [questions] points, else 1). *qs is malloc'ed (caller frees). */
int gb_doc_questions(const char *template_path, const gb_params *params, gb_question_spec **qs,
                     size_t *nq, gb_err *e);

/* A booklet (class set): many students' documents of one template in one PDF (or volumes, see
 * gb_booklet_output), each starting on an odd page (duplex printing keeps students apart) under
 * an outline entry "Name (ID)". Pages are cheap; fonts are paid once. */
typedef struct gb_booklet gb_booklet;

/* A new empty booklet for template_path dated date; NULL with e set on failure. */
gb_booklet *gb_booklet_new(const char *template_path, time_t date, gb_err *e);
/* One student's document of the booklet's template (parsed once for the class) from params
 * (their variant), built by any thread (several at once: b is only read): *out receives it as
 * the student's pages for the booklet (NULL on failure), appended under an outline entry
 * "Name (ID)". With output not NULL it is also written there as gb_doc_build writes it (the
 * student in the title): a class run lays each worksheet out once for the student's file and
 * the class set. model: NULL, or taken over as gb_doc_opts.model says. Errors as gb_doc_build. */
int gb_booklet_part_build(const gb_booklet *b, const gb_params *params, long seed,
                          gb_model *model, const gb_student *s, const char *output,
                          gb_booklet_part **out, gb_err *e);
/* Appends part (taken over and freed, also on failure) to the booklet, starting on an odd page;
 * called by one thread, in roster order. 0 or GB_EINTERNAL (then the booklet is spoiled). */
int gb_booklet_append(gb_booklet *b, gb_booklet_part *part, gb_err *e);
void gb_booklet_part_free(gb_booklet_part *p);

/* Students per volume of a class set. libharu holds a whole document in memory until it is
 * saved (about 40 KB a student: pages, links, outline), so a class set of more students than
 * this is written as volumes of this many, to keep memory bounded whatever the class size. */
#define GB_BOOKLET_VOLUME 500

/* Sets where the booklet goes for a class of `students`: stem + ".pdf" for up to per_volume
 * students (GB_BOOKLET_VOLUME), else volumes stem + "-1.pdf", "-2.pdf", ... of per_volume
 * students, each written (whole, atomically) as soon as it is full. Call before the first
 * append. 0 or GB_EINTERNAL (out of memory, stem NULL, per_volume 0). */
int gb_booklet_output(gb_booklet *b, const char *stem, size_t students, size_t per_volume,
                      gb_err *e);

/* Writes the booklet atomically to where gb_booklet_output said (the last volume; then class-set
 * files of an earlier run in that place that this one did not write, stem.pdf or stem-<k>.pdf,
 * are removed). Call once. GB_EINTERNAL when gb_booklet_output was not called; else errors as
 * gb_pdf_doc_save. */
int gb_booklet_save(gb_booklet *b, gb_err *e);
void gb_booklet_free(gb_booklet *b);

#endif
