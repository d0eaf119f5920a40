/* variants.c — per-student variants: the [variants] rules, the seeded draw of sample values on
 * their grids, the rejection rules, and the variant's parameters written exactly as printed. */
#include "model/variants.h"

#include "model/exercise.h"
#include "model/quantity.h"
#include "numerics/rules.h"
#include "util/hash.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SET 64              /* values of one {a, b, ...} rule */
#define MAX_GRID 1000000        /* points of one lo:hi:step grid */
#define MAX_DRAWS_LIMIT 10000000UL
#define DEFAULT_MAX_DRAWS 1000UL
#define DEFAULT_KINK_MARGIN 0.05 /* shared/cases/01 */
#define MAX_MAGNITUDE 1e9       /* rule values: |v| <= this, so a printed value fits its slot */

/* ---------------------------------------------------------------- names and seeds */

static const char *const reject_names[GB_REJECT_COUNT] = {
    "zero-given", "zero-answer", "saturated", "low-loss", "kink", "transposed", "duplicate"};

const char *gb_reject_name(gb_reject_reason r)
{
    return (unsigned)r < GB_REJECT_COUNT ? reject_names[r] : "unknown";
}

static unsigned long fold(uint64_t h)
{
    return (unsigned long)((h >> 32) ^ (h & 0xffffffffULL));
}

unsigned long gb_variant_seed(const char *assignment, const char *key)
{
    uint64_t h = gb_fnv1a64(GB_FNV1A64_BASIS, assignment, strlen(assignment));
    h = gb_fnv1a64(h, "", 1);   /* the 0x00 separator: ("ab","c") and ("a","bc") differ */
    h = gb_fnv1a64(h, key, strlen(key));
    return fold(h);
}

/* ---------------------------------------------------------------- rules */

typedef struct rule {
    char key[48];             /* the [variants] key, for messages */
    const char *file;         /* where its value is (borrowed from the parameters) */
    unsigned line, col;
    int is_grid;
    double lo, step;          /* grid: lo + i step, i < count */
    int decimals;             /* grid: decimals every grid value is printed with */
    size_t count;
    double set[MAX_SET];      /* set: the values */
} rule;

/* The fewest decimals d (0..17) with which "%.*f" reads back as v exactly; -1 if none. */
static int fewest_decimals(double v)
{
    char buf[64];
    for (int d = 0; d <= 17; d++) {
        snprintf(buf, sizeof buf, "%.*f", d, v);
        if (strtod(buf, NULL) == v) return d;
    }
    return -1;
}

/* "0.30" -> "0.3", "-2.0" -> "-2", "-0" -> "0": the same number, the shortest text. */
static void tidy(char *s)
{
    char *dot = strchr(s, '.');
    if (dot) {
        char *end = s + strlen(s);
        while (end > dot + 1 && end[-1] == '0') *--end = '\0';
        if (end == dot + 1) *dot = '\0';
    }
    if (!strcmp(s, "-0")) strcpy(s, "0");
}

/* The printed text of value i of rule r (cap >= 40). */
static void rule_text(const rule *r, size_t i, char *buf, size_t cap)
{
    if (r->is_grid) {
        snprintf(buf, cap, "%.*f", r->decimals, r->lo + (double)i * r->step);
    } else {
        int d = fewest_decimals(r->set[i]);
        if (d < 0) snprintf(buf, cap, "%.17g", r->set[i]);
        else snprintf(buf, cap, "%.*f", d, r->set[i]);
    }
    tidy(buf);
}

static int rule_error(const rule *r, size_t off, gb_err *e, const char *what, const char *value)
{
    return gb_err_set(e, GB_EINPUT, r->file, r->line, r->col ? r->col + (unsigned)off : 0,
                      "variants.%s: %s, got '%s'", r->key, what, value);
}

/* Copies s[a..b) trimmed into buf; returns the offset of its first non-blank byte. */
static size_t take(const char *s, size_t a, size_t b, char *buf, size_t cap)
{
    while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
    size_t n = b - a < cap - 1 ? b - a : cap - 1;
    memcpy(buf, s + a, n);
    buf[n] = '\0';
    return a;
}

static const char rule_syntax[] =
    "expected a grid LO:HI:STEP (e.g. -1:1:0.1), a set {A, B, ...} or one number";

/* Parses a rule value: "lo:hi:step", "{a, b, ...}" or a single number. */
static int parse_rule(rule *r, const char *v, gb_err *e)
{
    char tok[64];
    size_t n = strlen(v);
    size_t first = 0;
    while (first < n && (v[first] == ' ' || v[first] == '\t')) first++;
    if (v[first] == '{') {
        size_t close = n;
        while (close > first && v[close - 1] != '}') close--;
        if (close == first) return rule_error(r, first, e, "a set needs its closing '}'", v);
        for (size_t t = close; t < n; t++)
            if (v[t] != ' ' && v[t] != '\t')
                return rule_error(r, t, e, "nothing may follow the set's '}'", v);
        close--;   /* index of '}' */
        size_t a = first + 1;
        r->is_grid = 0;
        r->count = 0;
        while (a <= close) {
            size_t b = a;
            while (b < close && v[b] != ',') b++;
            size_t at = take(v, a, b, tok, sizeof tok);
            if (!*tok && b == close && r->count == 0) break;   /* "{}" */
            if (r->count == MAX_SET)
                return rule_error(r, at, e, "a set has at most 64 values", v);
            if (gb_parse_double(tok, &r->set[r->count]) != 0 ||
                fabs(r->set[r->count]) > MAX_MAGNITUDE)
                return rule_error(r, at, e, "expected a number from -1e9 to 1e9 in the set", v);
            r->count++;
            a = b + 1;
        }
        if (r->count == 0) return rule_error(r, first, e, "the set is empty", v);
        return 0;
    }
    if (strchr(v, ':')) {
        double num[3];
        size_t a = 0;
        for (int i = 0; i < 3; i++) {
            size_t b = a;
            while (b < n && v[b] != ':') b++;
            if ((i < 2 && b == n) || (i == 2 && b != n)) return rule_error(r, 0, e, rule_syntax, v);
            size_t at = take(v, a, b, tok, sizeof tok);
            if (gb_parse_double(tok, &num[i]) != 0 || fabs(num[i]) > MAX_MAGNITUDE)
                return rule_error(r, at, e, "expected numbers from -1e9 to 1e9 in LO:HI:STEP", v);
            a = b + 1;
        }
        if (!(num[2] > 0)) return rule_error(r, 0, e, "the grid's STEP must be > 0", v);
        if (num[1] < num[0]) return rule_error(r, 0, e, "the grid is empty (HI < LO)", v);
        double span = (num[1] - num[0]) / num[2];
        if (!(span < MAX_GRID)) return rule_error(r, 0, e, "a grid has at most 1000000 points", v);
        int d1 = fewest_decimals(num[0]), d2 = fewest_decimals(num[2]);
        if (d1 < 0 || d2 < 0)
            return rule_error(r, 0, e, "grid values would need more than 17 decimals", v);
        r->is_grid = 1;
        r->lo = num[0];
        r->step = num[2];
        r->decimals = d1 > d2 ? d1 : d2;
        /* A hair of slack so that -1:1:0.1 (19.999999999999996 steps in binary) ends at 1. */
        r->count = (size_t)floor(span + 1e-9 * (1 + span)) + 1;
        return 0;
    }
    r->is_grid = 0;
    r->count = 1;
    if (gb_parse_double(v, &r->set[0]) != 0 || fabs(r->set[0]) > MAX_MAGNITUDE)
        return rule_error(r, first, e, rule_syntax, v);
    return 0;
}

/* ---------------------------------------------------------------- the drawing context */

/* One sample value that can be drawn, in draw order. */
typedef struct slot {
    char name[48];        /* the gb_params_set element name: x[0], W[1][0][1], b[1][0], y[0], eta */
    char key[16];         /* the [sample] key holding it: x, W1, b1, y, eta */
    size_t tok;           /* its position among the numbers of that key's value */
    size_t qi;            /* its given quantity in the model */
    const rule *r;        /* the rule that draws it, or NULL (keeps its [sample] value) */
    int prio;             /* 1 family, 2 layer, 3 element: the most specific rule wins */
    char text[48];        /* the printed text of the current draw */
} slot;

typedef struct ctx {
    rule *rules;
    size_t nrules;
    double saturation, min_loss, kink_margin;
    int have_saturation, have_min_loss;
    unsigned long max_draws;
    int vary_perceptron;       /* [variants] perceptron = vary: its Glorot seed is the variant's */
    int perceptron_asked;      /* a question asks a perceptron.* quantity */
    gb_exercise ex;
    int ex_loaded;
    gb_model *m;
    slot *slots;
    size_t nslots;
    size_t *qidx;              /* model index of each question */
    size_t *zero_deps;         /* givens (x, W, eta) an asked answer is proportional to */
    size_t nzero;
    size_t *zs;                /* every z[l][j] of the network (and perceptron.z if asked) */
    gb_act *zact;              /* the activation applied to each */
    size_t nz;
    long loss;                 /* index of C */
    size_t *w1;                /* W[1][j][k] indices, row-major (square first layer only) */
    size_t n1;                 /* n[0] = n[1] when transposable, else 0 */
    unsigned char *tq;         /* questions that are first-layer gradients */
    double *val, *tval;
    unsigned char *ovr, *tovr;
} ctx;

static void ctx_free(ctx *c)
{
    free(c->rules);
    if (c->ex_loaded) gb_exercise_free(&c->ex);
    gb_model_free(c->m);
    free(c->slots);
    free(c->qidx);
    free(c->zero_deps);
    free(c->zs);
    free(c->zact);
    free(c->w1);
    free(c->tq);
    free(c->val);
    free(c->tval);
    free(c->ovr);
    free(c->tovr);
    memset(c, 0, sizeof *c);
}

static int oom(gb_err *e) { return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); }

static int add_slot(ctx *c, size_t cap, const char *name, const char *key, size_t tok,
                    const char *qname, gb_err *e)
{
    if (c->nslots == cap) return oom(e);   /* cannot happen: cap counts every slot */
    slot *s = &c->slots[c->nslots];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->key, sizeof s->key, "%s", key);
    s->tok = tok;
    long qi = gb_model_find(c->m, qname);
    if (qi < 0)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "variants: no quantity %s in the model",
                          qname);
    s->qi = (size_t)qi;
    c->nslots++;
    return 0;
}

/* Every drawable sample value, in the documented draw order: x[k], W[l][j][k] (layer by layer,
 * row-major), b[l][j], y[j], eta. */
static int make_slots(ctx *c, gb_err *e)
{
    const gb_net *net = c->ex.net;
    size_t L = net->L, cap = net->n[0] + net->n[L] + 1;
    for (size_t l = 1; l <= L; l++) cap += net->n[l] * net->n[l - 1] + net->n[l];
    c->slots = calloc(cap, sizeof *c->slots);
    if (!c->slots) return oom(e);
    char name[48], key[16], qname[48];
    int rc = 0;
    for (size_t k = 0; !rc && k < net->n[0]; k++) {
        snprintf(name, sizeof name, "x[%u]", (unsigned)k);
        rc = add_slot(c, cap, name, "x", k, name, e);
    }
    for (size_t l = 1; l <= L; l++)
        for (size_t j = 0; j < net->n[l]; j++)
            for (size_t k = 0; !rc && k < net->n[l - 1]; k++) {
                snprintf(name, sizeof name, "W[%u][%u][%u]", (unsigned)l, (unsigned)j, (unsigned)k);
                snprintf(key, sizeof key, "W%u", (unsigned)l);
                rc = add_slot(c, cap, name, key, j * net->n[l - 1] + k, name, e);
            }
    for (size_t l = 1; l <= L; l++)
        for (size_t j = 0; !rc && j < net->n[l]; j++) {
            snprintf(name, sizeof name, "b[%u][%u]", (unsigned)l, (unsigned)j);
            snprintf(key, sizeof key, "b%u", (unsigned)l);
            rc = add_slot(c, cap, name, key, j, name, e);
        }
    for (size_t j = 0; !rc && j < net->n[L]; j++) {
        snprintf(name, sizeof name, "y[%u]", (unsigned)j);
        if (net->n[L] == 1) snprintf(qname, sizeof qname, "y");
        else snprintf(qname, sizeof qname, "y[%u]", (unsigned)j);
        rc = add_slot(c, cap, name, "y", j, qname, e);
    }
    if (!rc) rc = add_slot(c, cap, "eta", "eta", 0, "eta", e);
    return rc;
}

/* Parses "[a][b]..." after a one-letter base; returns the number of indices, -1 if malformed. */
static int parse_indices(const char *s, unsigned long *idx, int max)
{
    int n = 0;
    while (*s == '[') {
        char *end;
        if (n == max || s[1] < '0' || s[1] > '9') return -1;
        idx[n++] = strtoul(s + 1, &end, 10);
        if (*end != ']') return -1;
        s = end + 1;
    }
    return *s ? -1 : n;
}

static int all_digits(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

int gb_variant_rule_level(const char *key)
{
    if (!strcmp(key, "x") || !strcmp(key, "W") || !strcmp(key, "b") || !strcmp(key, "y") ||
        !strcmp(key, "eta"))
        return GB_RULE_FAMILY;
    if ((key[0] == 'W' || key[0] == 'b') && all_digits(key + 1)) return GB_RULE_LAYER;
    if ((key[0] == 'x' || key[0] == 'y' || key[0] == 'W' || key[0] == 'b') && key[1] == '[')
        return GB_RULE_ELEMENT;
    return 0;
}

/* Assigns rule r (of key name) to its slots; GB_EINPUT for a name that addresses nothing. */
static int assign_rule(ctx *c, const rule *r, gb_err *e)
{
    const gb_net *net = c->ex.net;
    size_t L = net->L;
    const char *k = r->key;
    int prio = gb_variant_rule_level(k);
    size_t hits = 0;
    unsigned long idx[3];
    if (prio == GB_RULE_LAYER) {
        unsigned long l = strtoul(k + 1, NULL, 10);
        if (l < 1 || l > L)
            return gb_err_set(e, GB_EINPUT, r->file, r->line, r->col,
                              "variants.%s: the network has layers 1..%zu", k, L);
    } else if (prio == GB_RULE_ELEMENT) {
        int want_n = k[0] == 'W' ? 3 : k[0] == 'b' ? 2 : 1;
        if (parse_indices(k + 1, idx, 3) != want_n)
            return gb_err_set(e, GB_EINPUT, r->file, r->line, 1,
                              "variants.%s: expected an element such as x[0], W[1][0][1], "
                              "b[1][0] or y[0]", k);
    } else if (!prio) {
        return gb_err_set(e, GB_EINPUT, r->file, r->line, 1,
                          "variants.%s: unknown rule (expected x, W, b, y, eta, W1.., b1.., an "
                          "element such as W[1][0][1], or saturation, min_loss, kink_margin, "
                          "max_draws)", k);
    }
    for (size_t i = 0; i < c->nslots; i++) {
        slot *s = &c->slots[i];
        int match;
        if (prio == 1) {
            /* W and b name every layer's key (W1, W2, ...); x, y and eta name their own. */
            int layered = (k[0] == 'W' || k[0] == 'b') && !k[1];
            match = layered ? s->key[0] == k[0] : !strcmp(s->key, k);
        } else if (prio == 2) {
            match = !strcmp(s->key, k);
        } else {
            match = !strcmp(s->name, k);
        }
        if (!match) continue;
        hits++;
        if (s->prio < prio) { s->r = r; s->prio = prio; }
    }
    if (!hits) {
        char sizes[128];
        size_t o = 0;
        for (size_t l = 0; l <= L && o < sizeof sizes; l++)
            o += (size_t)snprintf(sizes + o, sizeof sizes - o, "%s%u", l ? ", " : "",
                                  (unsigned)net->n[l]);
        return gb_err_set(e, GB_EINPUT, r->file, r->line, 1,
                          "variants.%s: the network (sizes [%s]) has no such sample value", k,
                          sizes);
    }
    return 0;
}

/* A [variants] setting: absent keeps *out; allow_zero: >= 0, else > 0. */
static int setting_double(const gb_params *p, const char *key, int allow_zero, double *out,
                          int *have, gb_err *e)
{
    double v;
    int rc = gb_params_double(p, "variants", key, &v, e);
    if (rc == 1) return 0;
    if (rc) return rc;
    if (allow_zero ? !(v >= 0) : !(v > 0)) {
        const char *file;
        unsigned line, col;
        gb_params_where(p, "variants", key, &file, &line, &col);
        return gb_err_set(e, GB_EINPUT, file, line, col, "variants.%s: expected a number %s, "
                          "got %g", key, allow_zero ? ">= 0" : "> 0", v);
    }
    *out = v;
    if (have) *have = 1;
    return 0;
}

/* Reads [variants]: settings and rules (rules are assigned to slots). */
static int read_rules(ctx *c, const gb_params *p, gb_err *e)
{
    c->max_draws = DEFAULT_MAX_DRAWS;
    c->kink_margin = DEFAULT_KINK_MARGIN;
    int rc = setting_double(p, "saturation", 0, &c->saturation, &c->have_saturation, e);
    if (!rc) rc = setting_double(p, "min_loss", 1, &c->min_loss, &c->have_min_loss, e);
    if (!rc) rc = setting_double(p, "kink_margin", 1, &c->kink_margin, NULL, e);
    if (!rc) {
        rc = gb_params_ulong(p, "variants", "max_draws", &c->max_draws, e);
        if (rc == 1) rc = 0;
        else if (!rc && (c->max_draws < 1 || c->max_draws > MAX_DRAWS_LIMIT)) {
            const char *file;
            unsigned line, col;
            gb_params_where(p, "variants", "max_draws", &file, &line, &col);
            rc = gb_err_set(e, GB_EINPUT, file, line, col,
                            "variants.max_draws: expected 1 to %lu, got %lu", MAX_DRAWS_LIMIT,
                            c->max_draws);
        }
    }
    if (!rc) {
        static const char *const how[] = {"fixed", "vary"};
        size_t k = 0;   /* absent: fixed */
        int r = gb_params_choice(p, "variants", "perceptron", how, 2, &k, e);
        if (r > 1) rc = r;
        c->vary_perceptron = k == 1;
    }
    if (rc) return rc;
    size_t n = gb_params_count(p);
    c->rules = calloc(n ? n : 1, sizeof *c->rules);
    if (!c->rules) return oom(e);
    for (size_t i = 0; i < n; i++) {
        const char *sec, *key, *file;
        unsigned line, col;
        gb_params_key(p, i, &sec, &key, &file, &line, &col);
        if (strcmp(sec, "variants") || !strcmp(key, "saturation") || !strcmp(key, "min_loss") ||
            !strcmp(key, "kink_margin") || !strcmp(key, "max_draws") || !strcmp(key, "perceptron"))
            continue;
        rule *r = &c->rules[c->nrules++];
        if (strlen(key) >= sizeof r->key)
            return gb_err_set(e, GB_EINPUT, file, line, 1, "variants: key '%.40s...' too long",
                              key);
        strcpy(r->key, key);
        r->file = file;
        r->line = line;
        r->col = col;
        if ((rc = parse_rule(r, gb_params_get(p, sec, key), e))) return rc;
    }
    for (size_t i = 0; i < c->nrules; i++)
        if ((rc = assign_rule(c, &c->rules[i], e))) return rc;
    /* A drawn value needs a [sample] key to be written into. */
    for (size_t i = 0; i < c->nslots; i++) {
        const slot *s = &c->slots[i];
        if (s->r && !gb_params_get(p, "sample", s->key))
            return gb_err_set(e, GB_EINPUT, s->r->file, s->r->line, s->r->col,
                              "variants.%s: [sample] has no %s to draw %s into (give every "
                              "sample value in [sample])", s->r->key, s->key, s->name);
    }
    return 0;
}

/* ---------------------------------------------------------------- questions and dependencies */

static int push_index(size_t **v, size_t *n, size_t i)
{
    for (size_t t = 0; t < *n; t++)
        if ((*v)[t] == i) return 0;
    size_t *g = realloc(*v, (*n + 1) * sizeof **v);
    if (!g) return -1;
    g[(*n)++] = i;
    *v = g;
    return 0;
}

static int push_named(ctx *c, const char *name)
{
    long i = gb_model_find(c->m, name);
    return i < 0 ? 0 : push_index(&c->zero_deps, &c->nzero, (size_t)i);
}

/* The givens an asked answer is directly proportional to (shared/cases/10). With delta[l][j] =
 * g'(z[l][j]) sum_i W[l+1][i][j] delta[l+1][i] and grad.W[l][j][k] = delta[l][j] a[l-1][k]:
 *   grad.W[l][j][k], new.W[l][j][k]   x[k] when l = 1 (a[0] = x);
 *   those and grad.b[l][j], new.b[l][j], delta[l][j] for a hidden layer l < L: every
 *                                     W[l+1][i][j] (a zero removes a path, and all zero makes
 *                                     the answer 0);
 *   new.W, new.b                      eta (eta = 0 makes the new value the old one).
 * A zero among these givens rejects the draw. Forward quantities (z, a, yhat, C) have no such
 * factor and add nothing. */
static int add_deps(ctx *c, const char *q)
{
    const gb_net *net = c->ex.net;
    unsigned long l, j, k;
    int is_w = 0, is_new = 0;
    char name[48];
    if (sscanf(q, "grad.W[%lu][%lu][%lu]", &l, &j, &k) == 3) is_w = 1;
    else if (sscanf(q, "new.W[%lu][%lu][%lu]", &l, &j, &k) == 3) is_w = is_new = 1;
    else if (sscanf(q, "grad.b[%lu][%lu]", &l, &j) == 2) ;
    else if (sscanf(q, "new.b[%lu][%lu]", &l, &j) == 2) is_new = 1;
    else if (sscanf(q, "delta[%lu][%lu]", &l, &j) == 2) ;
    else return 0;
    if (l < 1 || l > net->L || j >= net->n[l] || (is_w && k >= net->n[l - 1])) return 0;
    if (is_w && l == 1) {
        snprintf(name, sizeof name, "x[%u]", (unsigned)k);
        if (push_named(c, name)) return -1;
    }
    if (l < net->L)
        for (size_t i = 0; i < net->n[l + 1]; i++) {
            snprintf(name, sizeof name, "W[%u][%u][%u]", (unsigned)(l + 1), (unsigned)i, (unsigned)j);
            if (push_named(c, name)) return -1;
        }
    if (is_new && push_named(c, "eta")) return -1;
    return 0;
}

/* 1 for the questions the transposed-weights rule compares: gradients (and the stepped values
 * and deltas that carry them) of the first layer (shared/cases/07). */
static int first_layer_gradient(const char *q)
{
    return !strncmp(q, "grad.W[1]", 9) || !strncmp(q, "grad.b[1]", 9) ||
           !strncmp(q, "new.W[1]", 8) || !strncmp(q, "new.b[1]", 8) ||
           !strncmp(q, "delta[1]", 8);
}

/* The parsed question format (book/values.h grammar: "", ".Nf", ".Ne", ".Ng", ".N%", "d"). */
static int parse_fmt(const char *fmt, char *conv, int *prec)
{
    if (!*fmt) { *conv = 'f'; *prec = 4; return 0; }
    if (!strcmp(fmt, "d")) { *conv = 'd'; *prec = 0; return 0; }
    if (fmt[0] != '.') return -1;
    char *end;
    long p = strtol(fmt + 1, &end, 10);
    if (end == fmt + 1 || p < 0 || p > 15 || !*end || end[1] || !strchr("feg%", *end)) return -1;
    *conv = *end;
    *prec = (int)p;
    return 0;
}

/* 1 when v prints as zero with fmt: every digit 0 in a fixed format (".4f", ".1%", "d"); in
 * "e"/"g" formats (which never round a non-zero value to 0) when |v| < 1e-12, i.e. zero up to
 * rounding in the computation. */
static int prints_zero(double v, const char *fmt)
{
    char conv;
    int prec;
    if (parse_fmt(fmt, &conv, &prec) != 0) return 0;
    if (conv == 'e' || conv == 'g') return fabs(v) < 1e-12;
    char buf[400];
    if (conv == '%') v *= 100;
    if (fabs(v) >= 1) return 0;
    snprintf(buf, sizeof buf, "%.*f", conv == 'd' ? 0 : prec, v);
    for (const char *s = buf; *s; s++)
        if (*s >= '1' && *s <= '9') return 0;
    return 1;
}

static int setup_questions(ctx *c, const gb_question_spec *qs, size_t nq, gb_err *e)
{
    c->qidx = calloc(nq ? nq : 1, sizeof *c->qidx);
    c->tq = calloc(nq ? nq : 1, 1);
    if (!c->qidx || !c->tq) return oom(e);
    int perceptron = 0;
    for (size_t i = 0; i < nq; i++) {
        char conv;
        int prec;
        long qi = gb_model_find(c->m, qs[i].name);
        if (qi < 0)
            return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                              "variants: question %zu asks for '%s', which is not a quantity of "
                              "the exercise", i + 1, qs[i].name);
        if (parse_fmt(qs[i].fmt, &conv, &prec) != 0)
            return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                              "variants: question %zu (%s): unknown format '%s'", i + 1,
                              qs[i].name, qs[i].fmt);
        c->qidx[i] = (size_t)qi;
        c->tq[i] = (unsigned char)first_layer_gradient(qs[i].name);
        if (add_deps(c, qs[i].name)) return oom(e);
        if (!strncmp(qs[i].name, "perceptron.", 11)) perceptron = 1;
    }
    c->perceptron_asked = perceptron;
    const gb_net *net = c->ex.net;
    size_t nz = 1;
    for (size_t l = 1; l <= net->L; l++) nz += net->n[l];
    c->zs = calloc(nz, sizeof *c->zs);
    c->zact = calloc(nz, sizeof *c->zact);
    if (!c->zs || !c->zact) return oom(e);
    char name[48];
    for (size_t l = 1; l <= net->L; l++)
        for (size_t j = 0; j < net->n[l]; j++) {
            snprintf(name, sizeof name, "z[%u][%u]", (unsigned)l, (unsigned)j);
            long zi = gb_model_find(c->m, name);
            if (zi < 0) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "variants: no %s", name);
            c->zact[c->nz] = net->act[l];
            c->zs[c->nz++] = (size_t)zi;
        }
    long pz = gb_model_find(c->m, "perceptron.z");
    if (perceptron && pz >= 0 && c->ex.p_act.kind == GB_ACT_LEAKY_RELU) {
        /* Only for the kink rule: the perceptron is not drawn, but its z may be asked at a kink. */
        c->zact[c->nz] = c->ex.p_act;
        c->zs[c->nz++] = (size_t)pz;
    }
    c->loss = gb_model_find(c->m, "C");
    /* Transposing a 1 x 1 layer changes nothing: the rule would reject every draw. */
    if (net->n[0] == net->n[1] && net->n[0] >= 2) {
        size_t n1 = net->n[0];
        c->w1 = calloc(n1 * n1, sizeof *c->w1);
        if (!c->w1) return oom(e);
        for (size_t j = 0; j < n1; j++)
            for (size_t k = 0; k < n1; k++) {
                snprintf(name, sizeof name, "W[1][%u][%u]", (unsigned)j, (unsigned)k);
                long wi = gb_model_find(c->m, name);
                if (wi < 0) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "variants: no %s", name);
                c->w1[j * n1 + k] = (size_t)wi;
            }
        c->n1 = n1;
    }
    size_t nm = gb_model_count(c->m);
    c->val = calloc(nm, sizeof *c->val);
    c->tval = calloc(nm, sizeof *c->tval);
    c->ovr = calloc(nm, 1);
    c->tovr = calloc(nm, 1);
    if (!c->val || !c->tval || !c->ovr || !c->tovr) return oom(e);
    for (size_t i = 0; i < c->nslots; i++)
        if (c->slots[i].r) c->ovr[c->slots[i].qi] = c->tovr[c->slots[i].qi] = 1;
    for (size_t t = 0; t < c->n1 * c->n1; t++) c->tovr[c->w1[t]] = 1;
    return 0;
}

/* The perceptron's z with its weights drawn from seed: the rule the model's perceptron.z uses
 * (rules.h) on the exercise's perceptron (inputs and activation as in the base parameters: a
 * variant changes only its seed), without loading the exercise again. */
static int perceptron_z(const ctx *c, unsigned long seed, double *z, gb_err *e)
{
    double w[GB_PERCEPTRON_MAX_INPUTS], b;
    int rc = gb_exercise_perceptron_weights(c->ex.p_n, &c->ex.p_act, seed, w, &b, e);
    if (rc) return rc;
    *z = gb_rule_preact(w, c->ex.p_x, c->ex.p_n, b);
    if (!isfinite(*z))
        rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "variants: no finite perceptron.z");
    return rc;
}

/* perceptron = vary: sets out->params' perceptron.seed to the variant's seed, so the perceptron's
 * weights are drawn as Keras would from it. When the perceptron is asked and its |z| exceeds
 * saturation (a saturated neuron: the output is 0 or 1 to the printed digits), the k-th redraw
 * (k = 1, 2, ...) uses the seed fold(FNV-1a("<variant seed>/<k>")), at most max_draws times;
 * each redraw counts as a "saturated" rejection. GB_EINPUT when none is acceptable. */
static int perceptron_seed(ctx *c, const char *key, gb_variant *out, size_t *rejected,
                           gb_err *e)
{
    unsigned long pseed = out->seed;
    for (unsigned long k = 0;; k++) {
        char set[64];
        snprintf(set, sizeof set, "perceptron.seed=%lu", pseed);
        int rc = gb_params_set(out->params, set, e);
        if (rc || !c->have_saturation || !c->perceptron_asked) return rc;
        double z = 0;
        if ((rc = perceptron_z(c, pseed, &z, e))) return rc;
        if (fabs(z) <= c->saturation) return 0;
        rejected[GB_REJECT_SATURATED]++;
        if (k + 1 >= c->max_draws)
            return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                              "variants: the perceptron's |z| exceeds saturation = %g for %lu "
                              "seeds of key '%s': raise saturation or set perceptron = fixed",
                              c->saturation, k + 1, key);
        char text[48];
        int n = snprintf(text, sizeof text, "%lu/%lu", out->seed, k + 1);
        pseed = fold(gb_fnv1a64(GB_FNV1A64_BASIS, text, (size_t)n));
    }
}

/* Everything a draw needs from the base parameters and the questions. */
static int ctx_init(ctx *c, const gb_params *base, const gb_question_spec *qs, size_t nq,
                    gb_err *e)
{
    memset(c, 0, sizeof *c);
    if (nq && !qs) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "variants: NULL questions");
    int rc = gb_exercise_load(&c->ex, base, -1, e);
    if (rc) return rc;
    c->ex_loaded = 1;
    c->m = gb_exercise_model(&c->ex);
    if (!c->m) return oom(e);
    if ((rc = make_slots(c, e))) return rc;
    if ((rc = read_rules(c, base, e))) return rc;
    if ((rc = setup_questions(c, qs, nq, e))) return rc;
    for (size_t i = 0; i < gb_model_count(c->m); i++) c->val[i] = gb_model_at(c->m, i)->value;
    return 0;
}

/* ---------------------------------------------------------------- the rejection rules */

/* The first rule the values in c->val break (GB_REJECT_COUNT: none), or -1 when an asked answer
 * is not finite (an internal failure: the numerics never overflow on finite givens). */
static int check(ctx *c, const gb_question_spec *qs, size_t nq)
{
    const double *v = c->val;
    for (size_t i = 0; i < nq; i++)
        if (!isfinite(v[c->qidx[i]])) return -1;
    for (size_t i = 0; i < c->nzero; i++)
        if (v[c->zero_deps[i]] == 0) return GB_REJECT_ZERO_GIVEN;
    for (size_t i = 0; i < nq; i++)
        if (prints_zero(v[c->qidx[i]], qs[i].fmt)) return GB_REJECT_ZERO_ANSWER;
    if (c->have_saturation)
        for (size_t i = 0; i < c->nz; i++)
            if (fabs(v[c->zs[i]]) > c->saturation) return GB_REJECT_SATURATED;
    if (c->have_min_loss && c->loss >= 0 && v[c->loss] < c->min_loss) return GB_REJECT_LOW_LOSS;
    for (size_t i = 0; i < c->nz; i++)
        if (gb_act_near_kink(&c->zact[i], v[c->zs[i]], c->kink_margin)) return GB_REJECT_KINK;
    if (c->n1) {
        int asked = 0;
        for (size_t i = 0; i < nq; i++) asked |= c->tq[i];
        if (asked) {
            /* The same model with W[1][j][k] := W[1][k][j]: what a student who reads the weight
             * indices the other way round computes. */
            size_t n1 = c->n1, nm = gb_model_count(c->m);
            memcpy(c->tval, v, nm * sizeof *v);
            for (size_t j = 0; j < n1; j++)
                for (size_t k = 0; k < n1; k++) c->tval[c->w1[j * n1 + k]] = v[c->w1[k * n1 + j]];
            gb_model_propagate(c->m, c->tval, c->tovr);
            for (size_t i = 0; i < nq; i++)
                if (c->tq[i] &&
                    gb_tolerance_accepts(&qs[i].tol, v[c->qidx[i]], c->tval[c->qidx[i]]))
                    return GB_REJECT_TRANSPOSED;
        }
    }
    return GB_REJECT_COUNT;
}

int gb_variant_check(const gb_params *p, const gb_question_spec *qs, size_t nq,
                     gb_reject_reason *why, gb_err *e)
{
    ctx c;
    int rc = ctx_init(&c, p, qs, nq, e);
    if (!rc) {
        int r = check(&c, qs, nq);
        if (r < 0) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "variants: an answer is not finite");
        else *why = (gb_reject_reason)r;
    }
    ctx_free(&c);
    return rc;
}

/* ---------------------------------------------------------------- the variant's parameters */

/* Offsets and lengths of the numbers in a list/matrix value ("[[0.1, -0.2], [0.4, 0.2]]"), in
 * row-major order. Returns the count (at most cap). */
static size_t number_tokens(const char *s, size_t *off, size_t *len, size_t cap)
{
    size_t n = 0, i = 0;
    while (s[i]) {
        if (strchr(" \t,[]", s[i])) { i++; continue; }
        size_t j = i;
        while (s[j] && !strchr(" \t,[]", s[j])) j++;
        if (n < cap) { off[n] = i; len[n] = j - i; }
        n++;
        i = j;
    }
    return n;
}

/* Writes the value of [sample] key with the drawn slots' texts in place of their numbers, and
 * sets it in p: every other number keeps the exact text it had. */
static int write_key(ctx *c, gb_params *p, const gb_params *base, const char *key, gb_err *e)
{
    const char *cur = gb_params_get(base, "sample", key);
    size_t ntok = 0;
    for (size_t i = 0; i < c->nslots; i++)
        if (!strcmp(c->slots[i].key, key)) ntok++;
    size_t *off = calloc(ntok + 1, sizeof *off), *len = calloc(ntok + 1, sizeof *len);
    size_t need = strlen(cur) + 64 * ntok + 64;
    char *out = malloc(need);
    int rc = 0;
    if (!off || !len || !out) rc = oom(e);
    else if (number_tokens(cur, off, len, ntok) != ntok)
        rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "variants: sample.%s has an unexpected "
                        "shape", key);
    if (!rc) {
        size_t o = (size_t)snprintf(out, need, "sample.%s=", key), last = 0;
        for (size_t i = 0; i < c->nslots; i++) {
            const slot *s = &c->slots[i];
            if (strcmp(s->key, key) || !s->r) continue;
            o += (size_t)snprintf(out + o, need - o, "%.*s%s", (int)(off[s->tok] - last),
                                  cur + last, s->text);
            last = off[s->tok] + len[s->tok];
        }
        snprintf(out + o, need - o, "%s", cur + last);
        rc = gb_params_set(p, out, e);
    }
    free(off);
    free(len);
    free(out);
    return rc;
}

/* A copy of base without its [variants] rules (a variant is drawn, not drawable again), then the
 * drawn values. Copied keys keep their file:line:column for messages. */
static int make_params(ctx *c, const gb_params *base, gb_params **out, gb_err *e)
{
    gb_params *p = gb_params_clone(base, "variants");
    if (!p) return oom(e);
    int rc = 0;
    for (size_t i = 0; !rc && i < c->nslots; i++) {
        const slot *s = &c->slots[i];
        if (!s->r) continue;
        int first = 1;   /* write each key once, at its first drawn slot */
        for (size_t t = 0; t < i; t++)
            if (c->slots[t].r && !strcmp(c->slots[t].key, s->key)) first = 0;
        if (first) rc = write_key(c, p, base, s->key, e);
    }
    if (rc) { gb_params_free(p); return rc; }
    *out = p;
    return 0;
}


/* The canonical givens text "x[0]=0.5;x[1]=-1.5;W[1][0][0]=0.3;..." of the drawn values:
 * what differs between students (duplicates are judged on it). */
static int givens_text(const ctx *c, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->nslots; i++) {
        const slot *s = &c->slots[i];
        if (!s->r) continue;
        int w = snprintf(buf + o, cap - o, "%s%s=%s", o ? ";" : "", s->name, s->text);
        if (w < 0 || (size_t)w >= cap - o) return -1;
        o += (size_t)w;
    }
    return 0;
}

/* The text the hash is of: givens, "|", then every other given quantity of the variant's own
 * model m (values not drawn, eta, the perceptron's inputs and weights) as "name=%.17g;...". A
 * sheet graded with other parameters than it was made with is so recognised. */
static int full_text(const ctx *c, const gb_model *m, const char *givens, char *full, size_t cap)
{
    int w = snprintf(full, cap, "%s|", givens);
    size_t f = w < 0 ? cap : (size_t)w;
    int first = 1;
    for (size_t i = 0; i < gb_model_count(m) && f < cap; i++) {
        const gb_quantity *q = gb_model_at(m, i);
        if (q->op != GB_OP_GIVEN) continue;
        int drawn = 0;
        for (size_t k = 0; k < c->nslots && !drawn; k++)
            drawn = c->slots[k].r && !strcmp(c->slots[k].name, q->name);
        if (drawn) continue;
        w = snprintf(full + f, cap - f, "%s%s=%.17g", first ? "" : ";", q->name, q->value);
        f = w < 0 ? cap : f + (size_t)w;
        first = 0;
    }
    return f < cap ? 0 : -1;
}

/* The drawn values must read back from the variant's parameters bit for bit: an internal check
 * that the text written is the value used by the rejection rules. The model built for it is the
 * variant's (out->model). */
static int verify_params(ctx *c, const gb_params *p, gb_variant *out, gb_err *e)
{
    gb_exercise ex;
    int rc = gb_exercise_load(&ex, p, -1, e);
    if (rc) return rc;
    gb_model *m = gb_exercise_model(&ex);
    if (!m) rc = oom(e);
    if (!rc && full_text(c, m, out->givens, out->full, sizeof out->full) != 0)
        rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0, "variants: more given values than fit in %zu "
                        "bytes of canonical text", sizeof out->full);
    for (size_t i = 0; !rc && i < c->nslots; i++) {
        const slot *s = &c->slots[i];
        const gb_quantity *q = gb_model_at(c->m, s->qi);
        if (gb_model_value(m, q->name, NULL) != c->val[s->qi])
            rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "variants: %s reads back as %.17g, "
                            "drawn %.17g", s->name, gb_model_value(m, q->name, NULL),
                            c->val[s->qi]);
    }
    if (rc) gb_model_free(m);
    else out->model = m;
    gb_exercise_free(&ex);
    return rc;
}

/* ---------------------------------------------------------------- drawing */

/* The drawing context of (base, questions), made once and used for many keys: every draw
 * rewrites the per-draw state (slots[].text, val, tval, the generator's state) before reading
 * it, so a draw does not depend on the draws made before it. */
struct gb_variant_drawer {
    ctx c;
    const gb_params *base;     /* borrowed: the copy each variant's parameters start from */
    gb_question_spec *qs;      /* owned copy of the questions */
    size_t nq;
    gsl_rng *rng;
};

void gb_variant_drawer_free(gb_variant_drawer *d)
{
    if (!d) return;
    ctx_free(&d->c);
    free(d->qs);
    if (d->rng) gsl_rng_free(d->rng);
    free(d);
}

int gb_variant_drawer_new(const gb_params *base, const gb_question_spec *qs, size_t nq,
                          gb_variant_drawer **out, gb_err *e)
{
    if (!out) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "gb_variant_drawer_new: NULL argument");
    *out = NULL;
    if (!base)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "gb_variant_drawer_new: NULL argument");
    gb_variant_drawer *d = calloc(1, sizeof *d);
    if (!d) return oom(e);
    int rc = ctx_init(&d->c, base, qs, nq, e);
    if (!rc) {
        d->base = base;
        d->nq = nq;
        d->qs = malloc((nq ? nq : 1) * sizeof *d->qs);
        d->rng = gsl_rng_alloc(gsl_rng_mt19937);
        if (!d->qs || !d->rng) rc = oom(e);
        else if (nq) memcpy(d->qs, qs, nq * sizeof *qs);
    }
    if (rc) { gb_variant_drawer_free(d); return rc; }
    *out = d;
    return 0;
}

int gb_variant_drawer_draw(gb_variant_drawer *d, const char *assignment, const char *key,
                           gb_variant_taken_fn taken, void *taken_ctx, gb_variant *out,
                           gb_variant_stats *stats, gb_err *e)
{
    if (!d || !assignment || !key || !out)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "gb_variant_draw: NULL argument");
    memset(out, 0, sizeof *out);
    ctx *c = &d->c;
    const gb_question_spec *qs = d->qs;
    size_t nq = d->nq;
    gsl_rng *rng = d->rng;
    int rc = 0;
    out->seed = gb_variant_seed(assignment, key);
    gsl_rng_set(rng, out->seed);
    size_t local[GB_REJECT_COUNT] = {0};
    int accepted = 0;
    unsigned long attempt;
    for (attempt = 1; !rc && attempt <= c->max_draws; attempt++) {
        for (size_t i = 0; i < c->nslots; i++) {
            slot *s = &c->slots[i];
            if (!s->r) continue;
            size_t idx = (size_t)gsl_rng_uniform_int(rng, (unsigned long)s->r->count);
            rule_text(s->r, idx, s->text, sizeof s->text);
            gb_parse_double(s->text, &c->val[s->qi]);
        }
        gb_model_propagate(c->m, c->val, c->ovr);
        int r = check(c, qs, nq);
        if (r < 0) {
            rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                            "variants: an answer is not finite for key '%s'", key);
            break;
        }
        if (givens_text(c, out->givens, sizeof out->givens) != 0) {
            rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0, "variants: more drawn values than fit in "
                            "%zu bytes of canonical text", sizeof out->givens);
            break;
        }
        if (r == GB_REJECT_COUNT && taken && taken(out->givens, taken_ctx))
            r = GB_REJECT_DUPLICATE;
        if (r == GB_REJECT_COUNT) { accepted = 1; break; }
        local[r]++;
    }
    if (!rc && !accepted) {
        size_t worst = 0;
        for (size_t r = 1; r < GB_REJECT_COUNT; r++)
            if (local[r] > local[worst]) worst = r;
        rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                        "variants: no acceptable draw for assignment '%s', key '%s' in %lu "
                        "draws (max_draws); most were rejected as %s (%zu): widen the ranges "
                        "in [variants] or relax that rule", assignment, key, c->max_draws,
                        gb_reject_name((gb_reject_reason)worst), local[worst]);
    }
    if (!rc) {
        out->attempts = (unsigned)attempt;
        rc = make_params(c, d->base, &out->params, e);
        if (!rc && c->vary_perceptron) rc = perceptron_seed(c, key, out, local, e);
        if (!rc) rc = verify_params(c, out->params, out, e);
        if (!rc)
            snprintf(out->hash, sizeof out->hash, "%08lx",
                     fold(gb_fnv1a64(GB_FNV1A64_BASIS, out->full, strlen(out->full))));
    }
    if (stats) {
        for (size_t r = 0; r < GB_REJECT_COUNT; r++) stats->rejected[r] += local[r];
        if (accepted && !rc) stats->accepted++;
    }
    if (rc) gb_variant_free(out);
    return rc;
}

int gb_variant_draw(const gb_params *base, const char *assignment, const char *key,
                    const gb_question_spec *qs, size_t nq, gb_variant_taken_fn taken,
                    void *taken_ctx, gb_variant *out, gb_variant_stats *stats, gb_err *e)
{
    if (!base || !assignment || !key || !out)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "gb_variant_draw: NULL argument");
    memset(out, 0, sizeof *out);
    gb_variant_drawer *d;
    int rc = gb_variant_drawer_new(base, qs, nq, &d, e);
    if (rc) return rc;
    rc = gb_variant_drawer_draw(d, assignment, key, taken, taken_ctx, out, stats, e);
    gb_variant_drawer_free(d);
    return rc;
}

void gb_variant_free(gb_variant *v)
{
    if (!v) return;
    gb_params_free(v->params);
    v->params = NULL;
    gb_model_free(v->model);
    v->model = NULL;
}

gb_model *gb_variant_take_model(gb_variant *v)
{
    gb_model *m = v->model;
    v->model = NULL;
    return m;
}

int gb_variant_answers(const gb_params *p, const gb_question_spec *qs, size_t nq, double *out,
                       gb_err *e)
{
    gb_exercise ex;
    int rc = gb_exercise_load(&ex, p, -1, e);
    if (rc) return rc;
    gb_model *m = gb_exercise_model(&ex);
    if (!m) rc = oom(e);
    if (!rc) rc = gb_variant_model_answers(m, qs, nq, out, e);
    gb_model_free(m);
    gb_exercise_free(&ex);
    return rc;
}

int gb_variant_model_answers(const gb_model *m, const gb_question_spec *qs, size_t nq,
                             double *out, gb_err *e)
{
    for (size_t i = 0; i < nq; i++) {
        int ok = 0;
        out[i] = gb_model_value(m, qs[i].name, &ok);
        if (!ok)
            return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "question %zu asks for '%s', which is "
                              "not a quantity of the exercise", i + 1, qs[i].name);
    }
    return 0;
}
