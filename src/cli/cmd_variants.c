/* cmd_variants.c — `gradbook variants`: a class's worksheets, keys, answer sheets and answer
 * files in one command, from a roster (or N numbered variants). */
#include "cli/commands.h"

#include "book/document.h"
#include "classroom/batch.h"
#include "classroom/roster.h"
#include "cli/options.h"
#include "util/datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: gradbook variants --assignment NAME (--roster FILE | --count N) [--outdir DIR]\n"
    "                         [-j N] [--booklet] [--delimiter ,|;|tab] [--params FILE]\n"
    "                         [--set NAME=VALUE]...\n";

#define DEFAULT_OUTDIR "out/variants"

/* Students "1".."n" named "Variant k": numbered variants without a roster. */
static int numbered(long n, gb_batch_student **out, char **store)
{
    gb_batch_student *s = calloc((size_t)n, sizeof *s);
    char *buf = malloc((size_t)n * 64);
    if (!s || !buf) { free(s); free(buf); return -1; }
    for (long k = 0; k < n; k++) {
        char *id = buf + k * 64, *name = id + 24;
        snprintf(id, 24, "%ld", k + 1);
        snprintf(name, 40, "Variant %ld", k + 1);
        s[k] = (gb_batch_student){id, name, id, 0};
    }
    *out = s;
    *store = buf;
    return 0;
}

static void print_stats(const gb_variant_stats *st)
{
    size_t rej = 0;
    for (int r = 0; r < GB_REJECT_COUNT; r++) rej += st->rejected[r];
    printf("%zu variant%s drawn, %zu draw%s rejected", st->accepted,
           st->accepted == 1 ? "" : "s", rej, rej == 1 ? "" : "s");
    const char *sep = " (";
    for (int r = 0; r < GB_REJECT_COUNT; r++)
        if (st->rejected[r]) {
            printf("%s%s %zu", sep, gb_reject_name((gb_reject_reason)r), st->rejected[r]);
            sep = ", ";
        }
    printf("%s\n", rej ? ")" : "");
}

int gb_cmd_variants(int argc, char **argv)
{
    gb_err e = {0};
    gb_cli o;
    int rc = gb_cli_parse("variants", argc, argv, 2,
                          GB_OPT_PARAMS | GB_OPT_SET | GB_OPT_ASSIGNMENT | GB_OPT_COUNT |
                              GB_OPT_CLASS,
                          &o, &e);
    if (!rc && !o.assignment)
        rc = gb_err_set(&e, GB_EINPUT, NULL, 0, 0, "variants: --assignment NAME is required "
                        "(it is part of every variant's seed)");
    if (!rc && !o.roster == !o.count)
        rc = gb_err_set(&e, GB_EINPUT, NULL, 0, 0,
                        "variants: give either --roster FILE or --count N");
    if (!rc && o.delimiter && !o.roster)
        rc = gb_err_set(&e, GB_EINPUT, NULL, 0, 0, "variants: --delimiter needs --roster");
    if (rc) { gb_err_print(&e); fputs(usage, stderr); return rc; }

    /* Every data path is resolved here, before any worker thread starts (datadir.c caches). */
    char ws_tpl[4096], key_tpl[4096];
    if (gb_data_path("templates/worksheet.ini", ws_tpl, sizeof ws_tpl) ||
        gb_data_path("templates/key.ini", key_tpl, sizeof key_tpl)) {
        fputs("gradbook: variants: data path too long\n", stderr);
        return GB_EINTERNAL;
    }
    gb_params *p = NULL;
    time_t date = 0;
    if ((rc = gb_cli_load_params(&o, &p, &date, &e))) {
        gb_err_print(&e);
        gb_params_free(p);
        return rc;
    }

    gb_roster *roster = NULL;
    gb_batch_student *st = NULL;
    char *store = NULL;
    size_t n = 0;
    if (o.roster) {
        gb_roster_opts ro = {o.delimiter, 0};
        if ((rc = gb_roster_read(o.roster, &ro, &roster, &e))) {
            gb_err_print(&e);
            fprintf(stderr, "gradbook: variants: nothing written\n");
            gb_params_free(p);
            return rc;
        }
        n = roster->count;
        if (!(st = calloc(n, sizeof *st))) rc = GB_EINTERNAL;
        for (size_t i = 0; st && i < n; i++) {
            const gb_roster_student *r = &roster->students[i];
            st[i] = (gb_batch_student){r->id, r->name, r->fname, r->line};
        }
    } else {
        n = (size_t)o.count;
        if (numbered(o.count, &st, &store) != 0) rc = GB_EINTERNAL;
    }
    if (rc) {
        fputs("gradbook: variants: out of memory\n", stderr);
        gb_roster_free(roster);
        gb_params_free(p);
        return rc;
    }

    const char *outdir = o.outdir ? o.outdir : DEFAULT_OUTDIR;
    gb_batch_opts bo = {p, o.assignment, ws_tpl, key_tpl, outdir, date, o.jobs, o.booklet,
                        isatty(2)};
    gb_batch_report rep;
    rc = gb_batch_run(&bo, st, n, &rep, &e);
    if (rc && rep.students == 0) rep.students = n;
    if (rc && !rep.failed && !rep.booklet_failed) {
        /* Checks or drawing failed: nothing was written. */
        gb_err_print(&e);
        fprintf(stderr, "gradbook: variants: nothing written\n");
    } else {
        /* The run log: which files belong to which student (shared/cases/17). */
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (k < rep.failed && rep.failed_idx[k] == i) { k++; continue; }
            printf("%s -> %s/%s-worksheet.pdf, -key.pdf, -answers.txt\n", st[i].id, outdir,
                   st[i].fname);
        }
        print_stats(&rep.stats);
        char vol[96] = "";
        if (o.booklet && !rep.booklet_failed)
            snprintf(vol, sizeof vol, n > GB_BOOKLET_VOLUME
                                          ? ", worksheets-booklet-<k>.pdf volumes of %d students"
                                          : ", worksheets-booklet.pdf", GB_BOOKLET_VOLUME);
        printf("%zu of %zu students written to %s (with answers.csv, answers.json%s)\n",
               n - rep.failed, n, outdir, vol);
        if (rc) gb_err_print(&e);
    }
    gb_batch_report_free(&rep);
    free(st);
    free(store);
    gb_roster_free(roster);
    gb_params_free(p);
    return rc;
}
