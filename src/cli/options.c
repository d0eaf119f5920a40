/* options.c — parsing the options common to gradbook's commands. */
#include "cli/options.h"

#include "util/datadir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *value_of(const char *cmd, int argc, char **argv, int *i, gb_err *e)
{
    const char *opt = argv[*i];
    const char *eq = strchr(opt, '=');
    if (eq && opt[0] == '-' && opt[1] == '-') return eq + 1;
    if (*i + 1 >= argc) {
        gb_err_set(e, GB_EINPUT, NULL, 0, 0, "%s: option %s needs a value", cmd, opt);
        return NULL;
    }
    return argv[++*i];
}

static int is_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(arg, name, n) && (arg[n] == '\0' || (arg[n] == '=' && name[1] == '-'));
}

int gb_cli_parse(const char *cmd, int argc, char **argv, int first, int allowed, gb_cli *o,
                 gb_err *e)
{
    memset(o, 0, sizeof *o);
    o->seed = -1;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i], *v;
        if ((allowed & GB_OPT_PARAMS) && is_opt(a, "--params")) {
            if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            o->params_path = v;
        } else if ((allowed & GB_OPT_SET) && is_opt(a, "--set")) {
            if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            if (o->nsets == GB_CLI_MAX_SETS)
                return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "%s: more than %d --set options",
                                  cmd, GB_CLI_MAX_SETS);
            o->sets[o->nsets++] = v;
        } else if ((allowed & GB_OPT_SEED) && is_opt(a, "--seed")) {
            if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            char *end;
            errno = 0;
            long s = strtol(v, &end, 10);
            if (!*v || *end || errno || s < 0 || s > 4294967295L)
                return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                                  "%s: --seed: expected a whole number from 0 to 4294967295, "
                                  "got '%s'", cmd, v);
            o->seed = s;
        } else if ((allowed & GB_OPT_OUTPUT) && (is_opt(a, "-o") || is_opt(a, "--output"))) {
            if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            if (!*v) return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "%s: -o: empty file name", cmd);
            o->output = v;
        } else if ((allowed & GB_OPT_JSON) && !strcmp(a, "--json")) {
            o->json = 1;
        } else if ((allowed & GB_OPT_STEP) && is_opt(a, "--step")) {
            if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            double h;
            if (gb_parse_double(v, &h) != 0 || !(h > 0))
                return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                                  "%s: --step: expected a positive number, got '%s'", cmd, v);
            o->step = h;
        } else if ((allowed & GB_OPT_TEMPLATE) && is_opt(a, "--template")) {
            if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            o->template_path = v;
        } else if ((allowed & GB_OPT_ASSIGNMENT) && is_opt(a, "--assignment")) {
            if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            if (!*v)
                return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "%s: --assignment: empty name", cmd);
            o->assignment = v;
        } else if ((allowed & GB_OPT_COUNT) && is_opt(a, "--count")) {
            if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            char *end;
            errno = 0;
            long n = strtol(v, &end, 10);
            if (!*v || *end || errno || n < 1 || n > 1000000)
                return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                                  "%s: --count: expected a whole number from 1 to 1000000, "
                                  "got '%s'", cmd, v);
            o->count = n;
        } else if ((allowed & GB_OPT_CLASS) && is_opt(a, "--roster")) {
            if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            if (!*v)
                return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "%s: --roster: empty file name", cmd);
            o->roster = v;
        } else if ((allowed & GB_OPT_CLASS) && is_opt(a, "--outdir")) {
            if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            if (!*v)
                return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "%s: --outdir: empty folder name",
                                  cmd);
            o->outdir = v;
        } else if ((allowed & GB_OPT_CLASS) &&
                   (is_opt(a, "-j") || is_opt(a, "--jobs") ||
                    (a[0] == '-' && a[1] == 'j' && a[2] >= '0' && a[2] <= '9'))) {
            if (a[1] == 'j' && a[2] >= '0' && a[2] <= '9') v = a + 2;   /* -j4 */
            else if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            char *end;
            errno = 0;
            long n = strtol(v, &end, 10);
            if (!*v || *end || errno || n < 1 || n > 256)
                return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                                  "%s: -j: expected a whole number from 1 to 256, got '%s'",
                                  cmd, v);
            o->jobs = (unsigned)n;
        } else if ((allowed & GB_OPT_CLASS) && !strcmp(a, "--booklet")) {
            o->booklet = 1;
        } else if ((allowed & GB_OPT_CLASS) && is_opt(a, "--delimiter")) {
            if (!(v = value_of(cmd, argc, argv, &i, e))) return GB_EINPUT;
            if (!strcmp(v, ",") || !strcmp(v, ";")) o->delimiter = v[0];
            else if (!strcmp(v, "\t") || !strcmp(v, "\\t") || !strcmp(v, "tab"))
                o->delimiter = '\t';
            else
                return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                                  "%s: --delimiter: expected ',', ';' or tab, got '%s'", cmd, v);
        } else if (a[0] == '-' && a[1] != '\0') {
            return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                              "%s: unknown option '%s' (see gradbook help)", cmd, a);
        } else if ((allowed & GB_OPT_POSITIONAL) && o->npositional < 16) {
            o->positional[o->npositional++] = a;
        } else {
            return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "%s: unexpected argument '%s'", cmd, a);
        }
    }
    return 0;
}

int gb_cli_load_params(const gb_cli *o, gb_params **out, gb_err *e)
{
    char def[4096];
    const char *path = o->params_path;
    if (!path) {
        if (gb_data_path("chapters/exercise3.ini", def, sizeof def) != 0)
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "data path too long");
        path = def;
    }
    gb_params *p = gb_params_new();
    if (!p) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    int rc = gb_params_load(p, path, e);
    for (size_t i = 0; !rc && i < o->nsets; i++) rc = gb_params_set(p, o->sets[i], e);
    if (rc) { gb_params_free(p); return rc; }
    *out = p;
    return 0;
}
