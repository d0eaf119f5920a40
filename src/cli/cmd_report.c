/* cmd_report.c — `gradbook report`: the exercise regenerated as a typeset PDF (or any document
 * kind, with --template). */
#include "cli/commands.h"

#include "book/document.h"
#include "cli/options.h"
#include "util/datadir.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: gradbook report [-o FILE] [--params FILE] [--set NAME=VALUE]... [--seed N] "
    "[--template FILE]\n";

int gb_cmd_report(int argc, char **argv)
{
    gb_err e = {0};
    gb_cli o;
    int rc = gb_cli_parse("report", argc, argv, 2,
                          GB_OPT_PARAMS | GB_OPT_SET | GB_OPT_SEED | GB_OPT_OUTPUT | GB_OPT_TEMPLATE,
                          &o, &e);
    if (rc) { gb_err_print(&e); fputs(usage, stderr); return rc; }
    char tpl[4096];
    if (o.template_path) snprintf(tpl, sizeof tpl, "%s", o.template_path);
    else gb_data_path("templates/report.ini", tpl, sizeof tpl);
    gb_params *p = NULL;
    time_t date = 0;
    if ((rc = gb_cli_load_params(&o, &p, &date, &e))) {
        gb_err_print(&e);
        gb_params_free(p);
        return rc;
    }
    struct stat st;
    const char *out = o.output ? o.output : "out/report.pdf";
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* Said before the work, not after it. */
        gb_err_set(&e, GB_EINPUT, out, 0, 0, "is a folder; give a file name with -o");
        gb_err_print(&e);
        gb_params_free(p);
        return GB_EINPUT;
    }
    gb_doc_opts d = {tpl, p, o.seed, date, NULL, NULL};
    rc = gb_doc_build(&d, out, &e);
    gb_params_free(p);
    if (rc) gb_err_print(&e);
    return rc;
}
