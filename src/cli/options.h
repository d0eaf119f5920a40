/* options.h — the command-line options shared by gradbook's commands, and loading the
 * parameters file they name. */
#ifndef GB_OPTIONS_H
#define GB_OPTIONS_H

#include "model/params.h"
#include "util/diag.h"

#include <stddef.h>
#include <time.h>

#define GB_CLI_MAX_SETS 256

typedef struct gb_cli {
    const char *params_path;            /* --params FILE (NULL: chapters/exercise3.ini) */
    const char *sets[GB_CLI_MAX_SETS];  /* --set NAME=VALUE, in order */
    size_t nsets;
    long seed;                          /* --seed N, or -1 */
    const char *output;                 /* -o FILE */
    int json;                           /* --json */
    double step;                        /* --step H (> 0), or 0 = automatic */
    const char *template_path;          /* --template FILE */
    const char *assignment;             /* --assignment NAME (non-empty), or NULL */
    long count;                         /* --count N (1..1000000), or 0 */
    const char *roster;                 /* --roster FILE (GB_OPT_CLASS) */
    const char *outdir;                 /* --outdir DIR */
    unsigned jobs;                      /* -j N / --jobs N (1..256), or 0 = automatic */
    int booklet;                        /* --booklet */
    char delimiter;                     /* --delimiter X: ',', ';' or '\t' ("tab"), or 0 */
    const char *positional[16];         /* remaining arguments */
    size_t npositional;
} gb_cli;

/* Option letters a command accepts, as flags of gb_cli_parse. */
enum {
    GB_OPT_PARAMS = 1, GB_OPT_SET = 2, GB_OPT_SEED = 4, GB_OPT_OUTPUT = 8, GB_OPT_JSON = 16,
    GB_OPT_STEP = 32, GB_OPT_POSITIONAL = 64, GB_OPT_TEMPLATE = 128, GB_OPT_ASSIGNMENT = 256,
    GB_OPT_COUNT = 512,
    GB_OPT_CLASS = 1024   /* --roster, --outdir, -j/--jobs, --booklet, --delimiter */
};

/* Parses argv[first..argc) of command cmd, accepting the options in `allowed`. GB_EINPUT with a
 * message for an unknown option, a missing or bad option value. */
int gb_cli_parse(const char *cmd, int argc, char **argv, int first, int allowed, gb_cli *o,
                 gb_err *e);

/* Loads the parameters file (o->params_path or the default) and applies every --set in order.
 * *out is owned by the caller (gb_params_free). When date is not NULL, *date is the documents'
 * date for that file (gb_doc_date: SOURCE_DATE_EPOCH, else the file's time). Errors: those of
 * gb_params_load, gb_params_set and gb_doc_date (GB_EINPUT), GB_EINTERNAL for out of memory or a
 * data path too long; *out is then left unset. */
int gb_cli_load_params(const gb_cli *o, gb_params **out, time_t *date, gb_err *e);

#endif
