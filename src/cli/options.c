/* options.c — parsing the options common to gradbook's commands. */
#include "cli/options.h"

#include "book/document.h"

#include "util/datadir.h"
#include "util/utf8.h"

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
            /* it is printed on every sheet and read back from answer sheets, one line each */
            size_t bad = 0;
            if (!gb_utf8_valid(v, strlen(v), &bad))
                return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                                  "%s: --assignment: not valid UTF-8 (byte %zu)", cmd, bad + 1);
            for (const unsigned char *c = (const unsigned char *)v; *c; c++)
                if (*c < 0x20 || *c == 0x7F)
                    return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                                      "%s: --assignment: a control character (byte %zu); give "
                                      "a name on one line", cmd,
                                      (size_t)(c - (const unsigned char *)v) + 1);
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

int gb_cli_load_params(const gb_cli *o, gb_params **out, time_t *date, gb_err *e)
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
    for (size_t i = 0; !rc && i < o->nsets; i++) {
        size_t before = gb_params_count(p);
        rc = gb_params_set(p, o->sets[i], e);
        /* A key the parameters lack is added (a new [variants] rule, say); say so, as a
         * misspelt key would otherwise change nothing without a word. */
        if (!rc && gb_params_count(p) > before)
            gb_warn("--set %s: not a key of the parameters file, added (check the spelling if it "
                    "was meant to change one)", o->sets[i]);
    }
    /* A family rule of [variants] (x, W, b, y) yields to element and layer rules
     * (model/variants.h): say so when the file has those for the family just set. */
    for (size_t i = 0; !rc && i < o->nsets; i++) {
        const char *set = o->sets[i];
        if (strncmp(set, "variants.", 9)) continue;
        char fam[16];
        size_t fl = strcspn(set + 9, "= ");
        if (fl >= sizeof fam) continue;
        memcpy(fam, set + 9, fl);
        fam[fl] = '\0';
        if (gb_variant_rule_level(fam) != GB_RULE_FAMILY) continue;
        for (size_t k = 0; k < gb_params_count(p); k++) {
            const char *sec, *key, *file;
            unsigned line, col;
            gb_params_key(p, k, &sec, &key, &file, &line, &col);
            /* a layer or element rule of the same family: W1, W[1][0][1] for W */
            if (strcmp(sec, "variants") || strncmp(key, fam, fl) ||
                gb_variant_rule_level(key) <= GB_RULE_FAMILY)
                continue;
            gb_warn("--set %s: the rule variants.%s (%s:%u) takes precedence for its values; set "
                    "that one, e.g. --set 'variants.%s=...'", set, key, file, line, key);
        }
    }
    if (!rc && date) rc = gb_doc_date(path, date, e);
    if (rc) { gb_params_free(p); return rc; }
    *out = p;
    return 0;
}
