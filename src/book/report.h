/* report.h — building a whole document: template + parameters + chapters -> PDF.
 *
 * The steps: read the template (template.h); build the exercise's model of named quantities and
 * run its checks and training (model/); parse the template's chapters (chapter.h); number and lay
 * out everything (book.h); cut it into pages and save the PDF atomically. Nothing is written when
 * any step fails. */
#ifndef GB_REPORT_H
#define GB_REPORT_H

#include "model/params.h"
#include "util/diag.h"

typedef struct gb_report_opts {
    const char *template_path;  /* e.g. templates/report.ini */
    const char *output;         /* PDF path */
    const gb_params *params;    /* the parameters (file + --set), borrowed */
    const char *params_path;    /* for the default date: its modification time */
    long seed;                  /* --seed, or -1 */
} gb_report_opts;

/* Writes the document. Returns 0, GB_EINPUT (bad template, chapter, parameter, formula, value
 * name; file:line:column in e) or GB_EINTERNAL. Warns on stderr about characters no font has. */
int gb_report_build(const gb_report_opts *o, gb_err *e);

#endif
