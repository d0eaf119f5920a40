/* params.c — parameters from an INI file (libinih) and --set overrides, with source locations. */
#include "model/params.h"

#include <ctype.h>
#include <errno.h>
#include "util/grow.h"
#include "util/readfile.h"

#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4000

typedef struct entry {
    char *section, *key, *value;
    char *names;         /* the value split into names, NUL-separated (gb_params_names) */
    size_t nnames;
    char *file;          /* NULL for --set */
    unsigned line, col;  /* of the value */
} entry;

struct gb_params {
    entry *v;
    size_t n, cap;
};

gb_params *gb_params_new(void) { return calloc(1, sizeof(gb_params)); }

void gb_params_free(gb_params *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].section);
        free(p->v[i].key);
        free(p->v[i].value);
        free(p->v[i].names);
        free(p->v[i].file);
    }
    free(p->v);
    free(p);
}

static entry *find(const gb_params *p, const char *section, const char *key)
{
    for (size_t i = p->n; i-- > 0;)
        if (!strcmp(p->v[i].section, section) && !strcmp(p->v[i].key, key)) return &p->v[i];
    return NULL;
}

/* Adds or replaces section.key. Returns 0, or -1 when out of memory. */
static int put(gb_params *p, const char *section, const char *key, const char *value,
               const char *file, unsigned line, unsigned col)
{
    entry *e = find(p, section, key);
    if (!e) {
        if (p->n == p->cap) {
            entry *v = gb_grow(p->v, &p->cap, p->cap + 1, sizeof *v, 32);
            if (!v) return -1;
            p->v = v;
        }
        e = &p->v[p->n];
        memset(e, 0, sizeof *e);
        e->section = strdup(section);
        e->key = strdup(key);
        if (!e->section || !e->key) { free(e->section); free(e->key); return -1; }
        p->n++;
    }
    char *v = strdup(value), *f = file ? strdup(file) : NULL;
    if (!v || (file && !f)) { free(v); free(f); return -1; }
    /* The value split into names once, so reading names never writes (threads share params). */
    char *names = strdup(value);
    if (!names) { free(v); free(f); return -1; }
    size_t nn = 0, o = 0;
    char *save = NULL;
    for (char *t = strtok_r(names, ",[] \t", &save); t; t = strtok_r(NULL, ",[] \t", &save)) {
        size_t len = strlen(t);
        memmove(names + o, t, len + 1);
        o += len + 1;
        nn++;
    }
    free(e->value);
    free(e->names);
    free(e->file);
    e->value = v;
    e->names = names;
    e->nnames = nn;
    e->file = f;
    e->line = line;
    e->col = col;
    return 0;
}

gb_params *gb_params_clone(const gb_params *p, const char *skip)
{
    gb_params *c = gb_params_new();
    if (!c) return NULL;
    for (size_t i = 0; i < p->n; i++) {
        const entry *en = &p->v[i];
        if (skip && !strcmp(en->section, skip)) continue;
        if (put(c, en->section, en->key, en->value, en->file, en->line, en->col) != 0) {
            gb_params_free(c);
            return NULL;
        }
    }
    return c;
}

/* ---- reading the INI file ---- */

typedef struct reader {
    FILE *f;
    const char *path;
    unsigned line;
    char raw[MAX_LINE + 2];
    int too_long;
    gb_params *p;
    gb_err *e;
} reader;

static char *read_line(char *str, int num, void *stream)
{
    reader *r = stream;
    if (!fgets(r->raw, sizeof r->raw, r->f)) return NULL;
    r->line++;
    size_t len = strlen(r->raw);
    if (len == sizeof r->raw - 1 && r->raw[len - 1] != '\n' && !r->too_long) r->too_long = r->line;
    if (len >= (size_t)num) len = (size_t)num - 1;
    memcpy(str, r->raw, len);
    str[len] = '\0';
    return str;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    reader *r = user;
    if (!*section) {
        gb_err_set(r->e, GB_EINPUT, r->path, r->line, 1,
                   "key '%s' appears before any [section]", name);
        return 0;
    }
    const char *at = strstr(r->raw, value);
    const char *eq = strpbrk(r->raw, "=:");
    if (eq && *value) {
        const char *v2 = strstr(eq, value);
        if (v2) at = v2;
    }
    unsigned col = at ? (unsigned)(at - r->raw) + 1 : 1;
    /* A continuation line (indented, libinih's multi-line values) extends the previous value. */
    entry *prev = find(r->p, section, name);
    if (prev && (r->raw[0] == ' ' || r->raw[0] == '\t') && prev->file &&
        prev->line < r->line) {
        size_t a = strlen(prev->value), b = strlen(value);
        char *joined = malloc(a + b + 2);
        if (!joined) {
            gb_err_set(r->e, GB_EINTERNAL, r->path, r->line, 0, "out of memory");
            return 0;
        }
        memcpy(joined, prev->value, a);
        joined[a] = ' ';
        memcpy(joined + a + 1, value, b + 1);
        char *file = (prev->file ? strdup(prev->file) : NULL);
        int rc = put(r->p, section, name, joined, file, prev->line, prev->col);
        free(joined);
        free(file);
        if (rc != 0) {
            gb_err_set(r->e, GB_EINTERNAL, r->path, r->line, 0, "out of memory");
            return 0;
        }
        return 1;
    }
    if (put(r->p, section, name, value, r->path, r->line, col) != 0) {
        gb_err_set(r->e, GB_EINTERNAL, r->path, r->line, 0, "out of memory");
        return 0;
    }
    return 1;
}

int gb_params_load(gb_params *p, const char *path, gb_err *e)
{
    reader r = {0};
    char *text = NULL;
    size_t len = 0;
    int rrc = gb_read_file(path, GB_PARAMS_MAX_BYTES, &text, &len, e);
    if (rrc) return rrc;
    r.f = fmemopen(text, len ? len : 1, "r");
    if (!r.f) {
        free(text);
        return gb_err_set(e, GB_EINTERNAL, path, 0, 0, "cannot read: %s", strerror(errno));
    }
    r.path = path;
    r.p = p;
    r.e = e;
    /* libinih's settings are globals: write them only when they differ, so that threads loading
     * parameters or templates at the same time do not race on them. */
    if (ini_max_line != MAX_LINE + 2) ini_max_line = MAX_LINE + 2;
    if (ini_use_stack) ini_use_stack = 0;
    int rc = len ? ini_parse_stream(read_line, &r, on_pair, &r) : 0;
    fclose(r.f);
    free(text);
    if (e && e->code) return e->code;
    if (r.too_long)
        return gb_err_set(e, GB_EINPUT, path, r.too_long, 0, "line longer than %d bytes",
                          MAX_LINE);
    if (rc > 0)
        return gb_err_set(e, GB_EINPUT, path, (unsigned)rc, 1,
                          "expected '[section]' or 'key = value'");
    if (rc < 0) return gb_err_set(e, GB_EINTERNAL, path, 0, 0, "cannot read");
    return 0;
}

/* ---- --set ---- */

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    size_t i = 0;
    while (isspace((unsigned char)s[i])) i++;
    memmove(s, s + i, n - i + 1);
}

/* Splits a list/matrix value into its numbers' substrings; returns the count of numbers and
 * rows, or -1 on a syntax error (*bad = byte offset). Only used for element assignment. */
typedef struct numtok { size_t off, len; } numtok;

static int scan_numbers(const char *s, numtok *tok, size_t cap, size_t *rows, size_t *cols,
                        size_t *bad);

int gb_params_set(gb_params *p, const char *assignment, gb_err *e)
{
    const char *eq = strchr(assignment, '=');
    if (!eq)
        return gb_err_set(e, GB_EINPUT, "--set", 0, 0,
                          "'%s': expected NAME=VALUE (e.g. --set x=0.5,-1.5)", assignment);
    size_t nlen = (size_t)(eq - assignment);
    char name[256], value[MAX_LINE];
    if (nlen >= sizeof name || strlen(eq + 1) >= sizeof value)
        return gb_err_set(e, GB_EINPUT, "--set", 0, 0, "'%.40s...': too long", assignment);
    memcpy(name, assignment, nlen);
    name[nlen] = '\0';
    strcpy(value, eq + 1);
    trim(name);
    trim(value);
    if (!*name) return gb_err_set(e, GB_EINPUT, "--set", 0, 0, "'%s': empty name", assignment);

    /* Element of a sample list or matrix: W[l][j][k], b[l][j], x[k], y[j]. A name with a
     * section (variants.x[0]) is a key of its own and handled below. */
    if (strchr(name, '[') && !strchr(name, '.')) {
        char base = name[0];
        int idx[3] = {0, 0, 0}, nidx = 0;
        const char *q = name + 1;
        while (*q == '[' && nidx < 3) {
            char *end;
            long v = strtol(q + 1, &end, 10);
            if (end == q + 1 || *end != ']' || v < 0 || v > 4096) break;
            idx[nidx++] = (int)v;
            q = end + 1;
        }
        int want = base == 'W' ? 3 : base == 'b' ? 2 : (base == 'x' || base == 'y') ? 1 : -1;
        if (*q || nidx != want || name[1] != '[')
            return gb_err_set(e, GB_EINPUT, "--set", 0, 0,
                              "'%s': expected an element name such as W[1][0][1], b[1][0], "
                              "x[0] or y[0]", name);
        char key[32];
        if (base == 'W' || base == 'b') snprintf(key, sizeof key, "%c%d", base, idx[0]);
        else snprintf(key, sizeof key, "%c", base);
        const char *cur = gb_params_get(p, "sample", key);
        if (!cur)
            return gb_err_set(e, GB_EINPUT, "--set", 0, 0, "'%s': there is no sample.%s", name,
                              key);
        double v;
        if (gb_parse_double(value, &v) != 0)
            return gb_err_set(e, GB_EINPUT, "--set", 0, 0,
                              "%s: expected a finite number, got '%s'", name, value);
        numtok tok[4096];
        size_t rows, cols, bad;
        if (scan_numbers(cur, tok, 4096, &rows, &cols, &bad) < 0)
            return gb_err_set(e, GB_EINPUT, "--set", 0, 0, "'%s': sample.%s is not a list",
                              name, key);
        size_t r = base == 'W' ? (size_t)idx[1] : 0;
        size_t c = base == 'W' ? (size_t)idx[2] : (size_t)idx[base == 'b' ? 1 : 0];
        if (r >= rows || c >= cols)
            return gb_err_set(e, GB_EINPUT, "--set", 0, 0,
                              "%s: index out of range (sample.%s is %zu x %zu)", name, key,
                              rows, cols);
        /* Rebuild the value with the one element replaced. */
        char out[MAX_LINE];
        size_t o = 0, last = 0, t = r * cols + c;
        int w = snprintf(out, sizeof out, "%.*s%.17g", (int)tok[t].off, cur, v);
        o = (size_t)w;
        last = tok[t].off + tok[t].len;
        if (o + strlen(cur + last) + 1 > sizeof out)
            return gb_err_set(e, GB_EINPUT, "--set", 0, 0, "%s: value too long", name);
        strcpy(out + o, cur + last);
        if (put(p, "sample", key, out, NULL, 0, 0) != 0)
            return gb_err_set(e, GB_EINTERNAL, "--set", 0, 0, "out of memory");
        return 0;
    }

    char section[128], key[128];
    const char *dot = strchr(name, '.');
    if (dot) {
        size_t sl = (size_t)(dot - name);
        if (sl >= sizeof section || strlen(dot + 1) >= sizeof key || !sl || !dot[1])
            return gb_err_set(e, GB_EINPUT, "--set", 0, 0, "'%s': expected SECTION.KEY", name);
        memcpy(section, name, sl);
        section[sl] = '\0';
        strcpy(key, dot + 1);
    } else {
        const char *found = NULL;
        int count = 0;
        for (size_t i = 0; i < p->n; i++) {
            if (strcmp(p->v[i].key, name)) continue;
            if (found && !strcmp(found, p->v[i].section)) continue;
            found = p->v[i].section;
            count++;
        }
        if (count == 0)
            return gb_err_set(e, GB_EINPUT, "--set", 0, 0,
                              "unknown name '%s' (not a key of the parameters file; use "
                              "SECTION.KEY to add one)", name);
        if (count > 1)
            return gb_err_set(e, GB_EINPUT, "--set", 0, 0,
                              "'%s' is a key of several sections; write SECTION.%s", name, name);
        if (strlen(found) >= sizeof section || strlen(name) >= sizeof key)
            return gb_err_set(e, GB_EINPUT, "--set", 0, 0, "'%s': too long", name);
        strcpy(section, found);
        strcpy(key, name);
    }
    if (put(p, section, key, value, NULL, 0, 0) != 0)
        return gb_err_set(e, GB_EINTERNAL, "--set", 0, 0, "out of memory");
    return 0;
}

/* ---- getters ---- */

const char *gb_params_get(const gb_params *p, const char *section, const char *key)
{
    entry *en = find(p, section, key);
    return en ? en->value : NULL;
}

void gb_params_where(const gb_params *p, const char *section, const char *key,
                     const char **file, unsigned *line, unsigned *col)
{
    entry *en = find(p, section, key);
    *file = en && en->file ? en->file : "--set";
    *line = en ? en->line : 0;
    *col = en ? en->col : 0;
}

size_t gb_params_count(const gb_params *p) { return p->n; }

void gb_params_key(const gb_params *p, size_t i, const char **section, const char **key,
                   const char **file, unsigned *line, unsigned *col)
{
    const entry *en = &p->v[i];
    *section = en->section;
    *key = en->key;
    *file = en->file ? en->file : "--set";
    *line = en->line;
    *col = en->col;
}

int gb_parse_double(const char *s, double *out)
{
    while (isspace((unsigned char)*s)) s++;
    if (!*s) return -1;
    /* Only plain decimal notation: strtod would also take "inf", "nan" and hex floats. */
    for (const char *q = s; *q; q++)
        if (!strchr("0123456789+-.eE \t", *q)) return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s) return -1;
    while (isspace((unsigned char)*end)) end++;
    /* ERANGE on underflow still gives a finite number (subnormal or 0): only overflow fails */
    if (*end || !isfinite(v) || (errno == ERANGE && fabs(v) >= 1)) return -1;
    *out = v;
    return 0;
}

static int bad_value(const entry *en, size_t off, gb_err *e, const char *expected)
{
    const char *file = en->file ? en->file : "--set";
    unsigned col = en->file ? en->col + (unsigned)off : 0;
    return gb_err_set(e, GB_EINPUT, file, en->line, col, "%s.%s: expected %s, got '%s'",
                      en->section, en->key, expected, en->value);
}

int gb_params_double(const gb_params *p, const char *section, const char *key, double *out,
                     gb_err *e)
{
    entry *en = find(p, section, key);
    if (!en) return 1;
    if (gb_parse_double(en->value, out) != 0) return bad_value(en, 0, e, "a finite number");
    return 0;
}

int gb_params_ulong(const gb_params *p, const char *section, const char *key,
                    unsigned long *out, gb_err *e)
{
    entry *en = find(p, section, key);
    if (!en) return 1;
    const char *s = en->value;
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s)) return bad_value(en, 0, e, "a whole number >= 0");
    unsigned long v = strtoul(s, &end, 10);
    while (isspace((unsigned char)*end)) end++;
    if (*end || errno == ERANGE) return bad_value(en, 0, e, "a whole number >= 0");
    *out = v;
    return 0;
}

int gb_params_choice(const gb_params *p, const char *section, const char *key,
                     const char *const *choices, size_t n, size_t *out, gb_err *e)
{
    entry *en = find(p, section, key);
    if (!en) return 1;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(en->value, choices[i])) {
            *out = i;
            return 0;
        }
    char expected[256] = "";   /* "a, b or c" */
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(expected);
        snprintf(expected + used, sizeof expected - used, "%s%s",
                 i == 0 ? "" : i + 1 == n ? " or " : ", ", choices[i]);
    }
    return bad_value(en, 0, e, expected);
}

int gb_params_string(const gb_params *p, const char *section, const char *key,
                     const char **out, gb_err *e)
{
    (void)e;
    entry *en = find(p, section, key);
    if (!en) return 1;
    *out = en->value;
    return 0;
}

/* Scans "[[a, b], [c, d]]", "[a, b]" or "a, b" into number tokens. rows = number of bracketed
 * rows (1 for a flat list), cols = numbers per row (must be equal). */
static int scan_numbers(const char *s, numtok *tok, size_t cap, size_t *rows, size_t *cols,
                        size_t *bad)
{
    size_t i = 0, n = 0, r = 0, c = 0, want = 0;
    int depth = 0, maxdepth = 0, need_num = 1;
    while (s[i]) {
        char ch = s[i];
        if (isspace((unsigned char)ch)) { i++; continue; }
        if (ch == '[') {
            depth++;
            if (depth > 2) { *bad = i; return -1; }
            if (depth > maxdepth) maxdepth = depth;
            if (depth == 2) c = 0;
            i++;
            need_num = 1;
            continue;
        }
        if (ch == ']') {
            if (depth == 0) { *bad = i; return -1; }
            if (depth == 2) {
                if (r == 0) want = c;
                else if (c != want) { *bad = i; return -1; }
                r++;
            }
            depth--;
            i++;
            need_num = 0;
            continue;
        }
        if (ch == ',') {
            if (need_num) { *bad = i; return -1; }
            need_num = 1;
            i++;
            continue;
        }
        /* a number */
        if (!need_num) { *bad = i; return -1; }
        size_t j = i;
        while (s[j] && !isspace((unsigned char)s[j]) && s[j] != ',' && s[j] != ']' &&
               s[j] != '[')
            j++;
        if (n == cap) { *bad = i; return -1; }
        char buf[64];
        size_t len = j - i;
        double v;
        if (len >= sizeof buf) { *bad = i; return -1; }
        memcpy(buf, s + i, len);
        buf[len] = '\0';
        if (gb_parse_double(buf, &v) != 0) { *bad = i; return -1; }
        tok[n].off = i;
        tok[n].len = len;
        n++;
        c++;
        need_num = 0;
        i = j;
    }
    if (depth != 0) { *bad = i; return -1; }
    if (n == 0) { *bad = 0; return -1; }
    if (maxdepth == 2) { *rows = r; *cols = want; }
    else { *rows = 1; *cols = n; }
    return (int)n;
}

int gb_params_vector(const gb_params *p, const char *section, const char *key, double *out,
                     size_t n, size_t cap, size_t *count, gb_err *e)
{
    entry *en = find(p, section, key);
    if (!en) return 1;
    numtok tok[4096];
    size_t rows, cols, bad = 0;
    char expected[96];
    if (n) snprintf(expected, sizeof expected, "a list of %zu finite number%s", n,
                    n == 1 ? "" : "s");
    else snprintf(expected, sizeof expected, "a list of up to %zu finite numbers", cap);
    int k = scan_numbers(en->value, tok, 4096, &rows, &cols, &bad);
    if (k < 0) return bad_value(en, bad, e, expected);
    if (rows != 1 || (n && (size_t)k != n) || (!n && (size_t)k > cap))
        return bad_value(en, 0, e, expected);
    for (int t = 0; t < k; t++) {
        char buf[64];
        memcpy(buf, en->value + tok[t].off, tok[t].len);
        buf[tok[t].len] = '\0';
        gb_parse_double(buf, &out[t]);
    }
    if (count) *count = (size_t)k;
    return 0;
}

int gb_params_matrix(const gb_params *p, const char *section, const char *key, double *out,
                     size_t rows, size_t cols, gb_err *e)
{
    entry *en = find(p, section, key);
    if (!en) return 1;
    numtok tok[4096];
    size_t r, c, bad = 0;
    char expected[96];
    snprintf(expected, sizeof expected, "a %zu x %zu matrix [[...], ...] of finite numbers",
             rows, cols);
    int k = scan_numbers(en->value, tok, 4096, &r, &c, &bad);
    if (k < 0) return bad_value(en, bad, e, expected);
    if (r != rows || c != cols) return bad_value(en, 0, e, expected);
    for (int t = 0; t < k; t++) {
        char buf[64];
        memcpy(buf, en->value + tok[t].off, tok[t].len);
        buf[tok[t].len] = '\0';
        gb_parse_double(buf, &out[t]);
    }
    return 0;
}

int gb_params_names(const gb_params *p, const char *section, const char *key,
                    const char **out, size_t cap, size_t *count, gb_err *e)
{
    entry *en = find(p, section, key);
    if (!en) return 1;
    if (en->nnames > cap) return bad_value(en, 0, e, "fewer names");
    if (en->nnames == 0) return bad_value(en, 0, e, "one or more names");
    const char *t = en->names;
    for (size_t k = 0; k < en->nnames; k++) {
        out[k] = t;
        t += strlen(t) + 1;
    }
    *count = en->nnames;
    return 0;
}
