/* cmd_grade.c — `gradbook grade`: a class's filled-in answer sheets graded against each
 * student's variant, one graded PDF per student, grades.csv and the class's misconceptions. */
#include "cli/commands.h"

#include "book/document.h"
#include "classroom/grade_class.h"
#include "classroom/roster.h"
#include "classroom/submissions.h"
#include "cli/options.h"
#include "util/datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: gradbook grade --assignment NAME --roster FILE [--outdir DIR] [-j N]\n"
    "                      [--delimiter ,|;|tab] [--params FILE] [--set NAME=VALUE]...\n"
    "                      SUBMISSION...   (answer sheets, or folders of *.txt sheets)\n";

#define DEFAULT_OUTDIR "out/graded"

/* Options of grade that take a value as the next argument (unless written --opt=VALUE). */
static int takes_value(const char *a)
{
    static const char *const with_value[] = {"--params", "--set", "--assignment", "--roster",
                                             "--outdir", "-j", "--jobs", "--delimiter"};
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
        if (!strcmp(a, with_value[k])) return 1;
    return 0;
}

/* Splits argv[2..) into options (with their values) and submissions, which may be many more
 * than gb_cli's positional slots: "--" ends the options. opt[0..1] copy argv[0..1]. */
static void split_args(int argc, char **argv, char **opt, int *nopt, const char **subs,
                       size_t *nsubs)
{
    *nopt = 2;
    opt[0] = argv[0];
    opt[1] = argv[1];
    *nsubs = 0;
    int only_files = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!only_files && !strcmp(a, "--")) { only_files = 1; continue; }
        if (only_files || a[0] != '-' || a[1] == '\0') { subs[(*nsubs)++] = a; continue; }
        opt[(*nopt)++] = argv[i];
        if (takes_value(a) && i + 1 < argc) opt[(*nopt)++] = argv[++i];
    }
}

int gb_cmd_grade(int argc, char **argv)
{
    gb_err e = {0};
    char **opt = calloc((size_t)argc + 1, sizeof *opt);
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!opt || !files) {
        free(opt);
        free((void *)files);
        fputs("gradbook: grade: out of memory\n", stderr);
        return GB_EINTERNAL;
    }
    int nopt = 0;
    size_t nfiles = 0;
    split_args(argc, argv, opt, &nopt, files, &nfiles);

    gb_cli o;
    int rc = gb_cli_parse("grade", nopt, opt, 2,
                          GB_OPT_PARAMS | GB_OPT_SET | GB_OPT_ASSIGNMENT | GB_OPT_CLASS, &o, &e);
    if (!rc && o.booklet)
        rc = gb_err_set(&e, GB_EINPUT, NULL, 0, 0, "grade: unknown option '--booklet'");
    if (!rc && !o.assignment)
        rc = gb_err_set(&e, GB_EINPUT, NULL, 0, 0, "grade: --assignment NAME is required (the "
                        "name given to `gradbook variants`: it is part of every variant)");
    if (!rc && !o.roster)
        rc = gb_err_set(&e, GB_EINPUT, NULL, 0, 0, "grade: --roster FILE is required");
    if (!rc && nfiles == 0)
        rc = gb_err_set(&e, GB_EINPUT, NULL, 0, 0,
                        "grade: no submissions (name answer sheets or folders of them)");
    if (rc) {
        gb_err_print(&e);
        fputs(usage, stderr);
        free(opt);
        free((void *)files);
        return rc;
    }

    /* Data paths are resolved here, before any worker thread starts (datadir.c caches). */
    char ws_tpl[4096], graded_tpl[4096];
    if (gb_data_path("templates/worksheet.ini", ws_tpl, sizeof ws_tpl) ||
        gb_data_path("templates/graded.ini", graded_tpl, sizeof graded_tpl)) {
        fputs("gradbook: grade: data path too long\n", stderr);
        free(opt);
        free((void *)files);
        return GB_EINTERNAL;
    }
    gb_params *p = NULL;
    gb_roster *roster = NULL;
    gb_submission_list subs = {0};
    time_t date = 0;
    gb_roster_opts ro = {o.delimiter, 0};
    if ((rc = gb_cli_load_params(&o, &p, &date, &e)) ||
        (rc = gb_roster_read(o.roster, &ro, &roster, &e)) ||
        (rc = gb_submissions_collect(files, nfiles, &subs, &e))) {
        gb_err_print(&e);
        fputs("gradbook: grade: nothing graded\n", stderr);
        goto done;
    }

    const char *outdir = o.outdir ? o.outdir : DEFAULT_OUTDIR;
    gb_grade_class_opts go = {p, o.assignment, ws_tpl, graded_tpl, outdir, date, o.jobs, NULL,
                              stdout};
    gb_grade_class_report rep;
    rc = gb_grade_class_run(&go, roster, &subs, &rep, &e);
    if (rc && !rep.graded && !rep.failed) {
        /* Checks or drawing failed before anything was graded. */
        gb_err_print(&e);
        fputs("gradbook: grade: nothing graded\n", stderr);
    } else {
        gb_tally_print(rep.tally, stdout);
        if (rep.graded)
            printf("%zu of %zu students graded (%s/grades.csv, %s/misconceptions.csv)", rep.graded,
                   roster->count, outdir, outdir);
        else
            printf("no student graded (class files in %s left as they were)", outdir);
        if (rep.replaced) printf("; %zu sheet%s replaced by a later one", rep.replaced,
                                 rep.replaced == 1 ? "" : "s");
        printf("\n");
        fflush(stdout);
        if (rc) gb_err_print(&e);
    }
    gb_grade_class_report_free(&rep);
done:
    gb_submission_list_free(&subs);
    gb_roster_free(roster);
    gb_params_free(p);
    free(opt);
    free((void *)files);
    return rc;
}
