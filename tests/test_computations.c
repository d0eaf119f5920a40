/* test_computations.c — the exercise's computed figures and tables: every computation renders
 * within the text width from the model of exercise3.ini, shows the model's numbers (checked
 * against the network's own forward/backward pass and against the parameters), follows a
 * changed sample value, and rejects bad options with file:line:column. */
#include "gb_test.h"

#include "book/computations.h"
#include "book/computations_internal.h"
#include "book/values.h"
#include "model/exercise.h"
#include "model/params.h"
#include "model/runs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Formats v for a search in rendered text; a value that cannot be formatted fails the test
   (an empty text would be found anywhere). */
#define FORMAT(v, fmt, out) \
    GB_ASSERT_MSG(gb_value_format((v), (fmt), (out)) == 0 && (out)->text[0], "%s formats with %s", #v, fmt)

typedef struct world {
    gb_params *p;
    gb_exercise ex;
    gb_model *m;
    gb_runs runs;
    gb_metrics metrics;
    gb_book_ctx ctx;
    int ok;
} world;

/* Builds the model of exercise3.ini, with the --set assignment `set` applied (NULL: none). */
static void world_init(world *w, const char *set, double text_width)
{
    memset(w, 0, sizeof *w);
    gb_err e = {0};
    w->p = gb_params_new();
    int rc = gb_params_load(w->p, gb_test_path("chapters/exercise3.ini"), &e);
    if (!rc && set) rc = gb_params_set(w->p, set, &e);
    if (!rc) rc = gb_exercise_load(&w->ex, w->p, -1, &e);
    if (!rc) {
        w->m = gb_exercise_model(&w->ex);
        rc = w->m ? 0 : 1;
    }
    if (!rc) rc = gb_runs_execute(&w->runs, w->p, &w->ex, -1, w->m, &e);
    GB_ASSERT_MSG(rc == 0, "building the model: %s", e.msg);
    w->metrics = gb_metrics_fake();
    w->ctx = (gb_book_ctx){w->m, &w->runs, &w->ex, &w->metrics, text_width, 10};
    w->ok = rc == 0;
}

static void world_free(world *w)
{
    if (w->ok) gb_runs_free(&w->runs);
    gb_model_free(w->m);
    gb_exercise_free(&w->ex);
    gb_params_free(w->p);
}

/* A computation block as the chapter parser makes it: opts "k=v" strings. */
typedef struct blk {
    gb_block b;
    gb_option opts[8];
    char keys[8][32], vals[8][64];
} blk;

static void blk_make(blk *k, const char *name, const char *const *kv, size_t n)
{
    memset(k, 0, sizeof *k);
    k->b.kind = GB_BLOCK_COMPUTE;
    k->b.name = (char *)name;
    k->b.pos = (gb_srcpos){"ch.md", 3, 1};
    for (size_t i = 0; i < n && i < 8; i++) {
        const char *eq = strchr(kv[i], '=');
        size_t kl = eq ? (size_t)(eq - kv[i]) : strlen(kv[i]);
        snprintf(k->keys[i], sizeof k->keys[i], "%.*s", (int)kl, kv[i]);
        snprintf(k->vals[i], sizeof k->vals[i], "%s", eq ? eq + 1 : "");
        k->opts[i].key = k->keys[i];
        k->opts[i].value = k->vals[i];
        k->opts[i].pos = (gb_srcpos){"ch.md", 3, (unsigned)(20 + 10 * i)};
    }
    k->b.opts = k->opts;
    k->b.nopts = n;
}

static int render(world *w, const char *name, const char *const *kv, size_t n, gb_float *f,
                  gb_err *e)
{
    blk k;
    blk_make(&k, name, kv, n);
    gb_err_clear(e);
    return gb_computation_render(&k.b, &w->ctx, f, e);
}

/* Every TEXT item of f, joined by '|' (malloc'ed). */
static char *texts(const gb_float *f)
{
    size_t cap = 1, n = gb_dlist_count(f->dl);
    for (size_t i = 0; i < n; i++) {
        const gb_item *it = gb_dlist_item(f->dl, i);
        if (it->kind == GB_ITEM_TEXT) cap += it->len + 1;
    }
    char *s = malloc(cap);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const gb_item *it = gb_dlist_item(f->dl, i);
        if (it->kind != GB_ITEM_TEXT) continue;
        memcpy(s + o, it->text, it->len);
        o += it->len;
        s[o++] = '|';
    }
    s[o] = '\0';
    return s;
}

/* needle within one text item, or across items split at spaces (tables and diagrams set words
 * as separate runs). */
static int has_text(const gb_float *f, const char *needle)
{
    char *s = texts(f);
    int found = strstr(s, needle) != NULL;
    for (char *c = s; *c; c++)
        if (*c == '|') *c = ' ';
    found = found || strstr(s, needle) != NULL;
    free(s);
    return found;
}

static const char *const act_sig[] = {"fn=sigmoid"};

static const struct { const char *name; const char *const *kv; size_t n; } all[] = {
    {"activation", act_sig, 1},     {"network", NULL, 0},          {"model-summary", NULL, 0},
    {"perceptron-check", NULL, 0},  {"forward-table", NULL, 0},    {"gradient-table", NULL, 0},
    {"step-error", NULL, 0},        {"training-loss", NULL, 0},    {"training-accuracy", NULL, 0},
    {"decision-boundary", NULL, 0}, {"training-table", NULL, 0},
};

/* Every computation renders, fits the text width, and draws within its own box. */
static void check_all_fit(double tw)
{
    world w;
    world_init(&w, NULL, tw);
    if (!w.ok) { world_free(&w); return; }
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        gb_float f = {0};
        gb_err e;
        int rc = render(&w, all[i].name, all[i].kv, all[i].n, &f, &e);
        GB_ASSERT_MSG(rc == 0, "%s at width %g: %s", all[i].name, tw, e.msg);
        GB_ASSERT_MSG(gb_computation_known(all[i].name), "%s known", all[i].name);
        if (rc) continue;
        GB_ASSERT_MSG(f.width > 0 && f.width <= tw + 1e-9, "%s: width %g within %g", all[i].name,
                      f.width, tw);
        GB_ASSERT_MSG(f.height > 0, "%s: height %g", all[i].name, f.height);
        GB_ASSERT_MSG(gb_dlist_count(f.dl) > 0, "%s draws something", all[i].name);
        gb_bbox bb = gb_dlist_bbox(f.dl, &w.metrics);
        /* Ink may reach a stroke's half width outside the box. */
        GB_ASSERT_MSG(bb.llx >= -1.5 && bb.urx <= f.width + 1.5 && bb.lly >= -1.5 &&
                          bb.ury <= f.height + 1.5,
                      "%s: drawing [%g, %g] x [%g, %g] inside %g x %g", all[i].name, bb.llx,
                      bb.urx, bb.lly, bb.ury, f.width, f.height);
        int is_table = strstr(all[i].name, "table") || strstr(all[i].name, "summary") ||
                       strstr(all[i].name, "check");
        GB_ASSERT_MSG(f.kind == (is_table ? GB_FLOAT_TABLE : GB_FLOAT_FIGURE), "%s: kind %d",
                      all[i].name, (int)f.kind);
        gb_float_free(&f);
        gb_float_free(&f);   /* twice is harmless */
    }
    world_free(&w);
}

static void test_all_fit_wide(void) { check_all_fit(345); }
static void test_all_fit_narrow(void) { check_all_fit(190); }

/* The gradient table shows every gradient and delta of the 2-2-1 example as backpropagation on
 * the network itself computes it, and GSL's numerical derivative of each. */
static void test_gradient_table_values(void)
{
    world w;
    world_init(&w, NULL, 345);
    if (!w.ok) { world_free(&w); return; }
    gb_float f = {0};
    gb_err e;
    int rc = render(&w, "gradient-table", NULL, 0, &f, &e);
    GB_ASSERT_MSG(rc == 0, "gradient-table: %s", e.msg);
    if (rc) { world_free(&w); return; }
    char *s = texts(&f);
    gb_net *net = w.ex.net;
    gb_trace *t = gb_trace_new(net);
    gb_net_forward(net, w.ex.x, t);
    gb_net_backward(net, w.ex.y, t);
    size_t np = gb_net_param_count(net), checked = 0;
    GB_ASSERT_MSG(np == 9, "the 2-2-1 example has 9 parameters, got %zu", np);
    for (size_t i = 0; i < np; i++) {
        gb_formatted g, n;
        double grad = gb_trace_grad(net, t, i);
        FORMAT(grad, ".8f", &g);
        FORMAT(w.runs.checks[i].numeric, ".8f", &n);
        GB_ASSERT_MSG(strstr(s, g.text) != NULL, "gradient %zu = %s in the table", i, g.text);
        GB_ASSERT_MSG(strstr(s, n.text) != NULL, "numerical %zu = %s in the table", i, n.text);
        checked += fabs(grad) > 1e-6;
    }
    GB_ASSERT_MSG(checked >= 6, "most gradients are not tiny (%zu)", checked);
    for (size_t l = 1; l <= net->L; l++)
        for (size_t j = 0; j < net->n[l]; j++) {
            gb_formatted d;
            FORMAT(t->delta[l][j], ".8f", &d);
            GB_ASSERT_MSG(strstr(s, d.text) != NULL, "delta[%zu][%zu] = %s in the table", l, j,
                          d.text);
        }
    GB_ASSERT_MSG(strstr(s, "pass") != NULL, "a verdict is shown: %s", s);
    free(s);
    gb_trace_free(t);
    gb_float_free(&f);
    world_free(&w);
}

/* The network figure labels its edges with the weights of the parameters file. */
static void check_network_weights(world *w, const char *absent)
{
    gb_float f = {0};
    gb_err e;
    int rc = render(w, "network", NULL, 0, &f, &e);
    GB_ASSERT_MSG(rc == 0, "network: %s", e.msg);
    if (rc) return;
    gb_net *net = w->ex.net;
    for (size_t l = 1; l <= net->L; l++)
        for (size_t i = 0; i < net->n[l] * net->n[l - 1]; i++) {
            gb_formatted v;
            char needle[128];
            FORMAT(net->W[l][i], ".4g", &v);
            snprintf(needle, sizeof needle, "= %s", v.text);
            GB_ASSERT_MSG(has_text(&f, needle), "network shows W[%zu] entry %zu '%s'", l, i,
                          needle);
        }
    if (absent) GB_ASSERT_MSG(!has_text(&f, absent), "network no longer shows '%s'", absent);
    gb_float_free(&f);
}

static void test_network_weights(void)
{
    world w;
    world_init(&w, NULL, 345);
    if (w.ok) check_network_weights(&w, NULL);
    world_free(&w);
}

/* A changed sample value flows into the figures and tables. */
static void test_changed_value(void)
{
    world a, b;
    world_init(&a, NULL, 345);
    world_init(&b, "W[2][0][0]=0.7", 345);
    if (!a.ok || !b.ok) { world_free(&a); world_free(&b); return; }
    GB_ASSERT_NEAR(b.ex.net->W[2][0], 0.7, 0);
    gb_formatted old;
    char absent[128];
    FORMAT(a.ex.net->W[2][0], ".4g", &old);
    snprintf(absent, sizeof absent, "= %s|", old.text);
    /* the old value's label is found in the old figure, so its absence below means something */
    gb_float fo = {0};
    gb_err eo;
    GB_ASSERT_MSG(render(&a, "network", NULL, 0, &fo, &eo) == 0 && has_text(&fo, absent),
                  "old figure shows '%s'", absent);
    gb_float_free(&fo);
    check_network_weights(&b, a.ex.net->W[2][0] != 0.7 ? absent : NULL);
    static const char *const names[] = {"gradient-table", "forward-table"};
    for (size_t i = 0; i < 2; i++) {
        gb_float fa = {0}, fb = {0};
        gb_err e;
        int ra = render(&a, names[i], NULL, 0, &fa, &e);
        int rb = render(&b, names[i], NULL, 0, &fb, &e);
        GB_ASSERT_MSG(ra == 0 && rb == 0, "%s renders: %s", names[i], e.msg);
        if (!ra && !rb) {
            char *sa = texts(&fa), *sb = texts(&fb);
            GB_ASSERT_MSG(strcmp(sa, sb) != 0, "%s changes with W[2][0][0]", names[i]);
            /* yhat of the changed network, from its own forward pass, is in the forward table */
            if (i == 1) {
                gb_trace *t = gb_trace_new(b.ex.net);
                gb_net_forward(b.ex.net, b.ex.x, t);
                gb_formatted y;
                FORMAT(t->a[b.ex.net->L][0], ".4f", &y);
                GB_ASSERT_MSG(strstr(sb, y.text) != NULL, "new yhat %s shown", y.text);
                gb_trace_free(t);
            }
            free(sa);
            free(sb);
        }
        gb_float_free(&fa);
        gb_float_free(&fb);
    }
    world_free(&a);
    world_free(&b);
}

/* The forward and gradient variants of the network carry z, a and delta values. */
static void test_network_variants(void)
{
    world w;
    world_init(&w, NULL, 345);
    if (!w.ok) { world_free(&w); return; }
    gb_trace *t = gb_trace_new(w.ex.net);
    gb_net_forward(w.ex.net, w.ex.x, t);
    gb_net_backward(w.ex.net, w.ex.y, t);
    static const char *const fw[] = {"values=forward"}, *const gr[] = {"values=gradients"};
    gb_float f = {0}, g = {0};
    gb_err e;
    int rc = render(&w, "network", fw, 1, &f, &e);
    GB_ASSERT_MSG(rc == 0, "forward: %s", e.msg);
    int rc2 = render(&w, "network", gr, 1, &g, &e);
    GB_ASSERT_MSG(rc2 == 0, "gradients: %s", e.msg);
    if (!rc && !rc2) {
        for (size_t j = 0; j < 2; j++) {
            gb_formatted z, a, d, gw;
            char nz[128], na[128], nd[128];
            FORMAT(t->z[1][j], ".4f", &z);
            FORMAT(t->a[1][j], ".4f", &a);
            FORMAT(t->delta[1][j], ".4f", &d);
            snprintf(nz, sizeof nz, "z = %s", z.text);
            snprintf(na, sizeof na, "a = %s", a.text);
            snprintf(nd, sizeof nd, "= %s", d.text);
            GB_ASSERT_MSG(has_text(&f, nz), "forward shows '%s'", nz);
            GB_ASSERT_MSG(has_text(&f, na), "forward shows '%s'", na);
            GB_ASSERT_MSG(has_text(&g, nd), "gradients show delta '%s'", nd);
            FORMAT(t->gW[2][j], ".4f", &gw);
            snprintf(nd, sizeof nd, "= %s", gw.text);
            GB_ASSERT_MSG(has_text(&g, nd), "gradients show dC/dW[2][0][%zu] '%s'", j, nd);
        }
        GB_ASSERT_MSG(has_text(&g, "\xE2\x88\x82" "C/\xE2\x88\x82w"), "gradient labels");
    }
    gb_float_free(&f);
    gb_float_free(&g);
    gb_trace_free(t);
    world_free(&w);
}

/* Activation figures for every function; legends; training figures' labels and markers. */
static void test_figure_labels(void)
{
    world w;
    world_init(&w, NULL, 345);
    if (!w.ok) { world_free(&w); return; }
    static const char *const fns[][3] = {{"fn=sigmoid", "\xCF\x83(z)", "\xCF\x83\xE2\x80\xB2(z)"},
                                         {"fn=tanh", "tanh(z)", "tanh\xE2\x80\xB2(z)"},
                                         {"fn=leaky_relu", "g(z)", "g\xE2\x80\xB2(z)"},
                                         {"fn=identity", "g(z)", "g\xE2\x80\xB2(z)"}};
    for (size_t i = 0; i < 4; i++) {
        const char *kv[] = {fns[i][0], "from=-3", "to=3"};
        gb_float f = {0};
        gb_err e;
        int rc = render(&w, "activation", kv, 3, &f, &e);
        GB_ASSERT_MSG(rc == 0, "%s: %s", fns[i][0], e.msg);
        GB_ASSERT_MSG(!rc && has_text(&f, fns[i][1]) && has_text(&f, fns[i][2]),
                      "%s legend %s / %s", fns[i][0], fns[i][1], fns[i][2]);
        /* the derivative is dashed */
        int dashed = 0;
        for (size_t k = 0; !rc && k < gb_dlist_count(f.dl); k++) {
            const gb_item *it = gb_dlist_item(f.dl, k);
            dashed += it->kind == GB_ITEM_PATH && it->do_stroke && it->stroke.dash_on > 0;
        }
        GB_ASSERT_MSG(dashed > 0, "%s: a dashed line", fns[i][0]);
        gb_float_free(&f);
    }
    gb_float f = {0};
    gb_err e;
    int rc = render(&w, "decision-boundary", NULL, 0, &f, &e);
    GB_ASSERT_MSG(rc == 0, "decision-boundary: %s", e.msg);
    static const char *const legends[] = {"chickens (train)", "eagles (train)", "chickens (test)",
                                          "eagles (test)", "\xC5\xB7 = 0.5"};
    for (size_t i = 0; !rc && i < 5; i++)
        GB_ASSERT_MSG(has_text(&f, legends[i]), "decision boundary legend '%s'", legends[i]);
    gb_float_free(&f);
    rc = render(&w, "training-accuracy", NULL, 0, &f, &e);
    GB_ASSERT_MSG(rc == 0, "training-accuracy: %s", e.msg);
    gb_formatted ta;
    FORMAT(w.runs.training.test_accuracy, ".1%", &ta);
    GB_ASSERT_MSG(!rc && has_text(&f, ta.text), "test accuracy %s marked", ta.text);
    gb_float_free(&f);
    rc = render(&w, "step-error", NULL, 0, &f, &e);
    GB_ASSERT_MSG(rc == 0 && has_text(&f, "automatic h = "), "step-error marks the step: %s",
                  e.msg);
    char plabel[64], want[96];
    gb_comp_param_label(w.runs.sweep_param, plabel, sizeof plabel);
    snprintf(want, sizeof want, "\xE2\x88\x82" "C/\xE2\x88\x82%s", plabel);
    GB_ASSERT_MSG(has_text(&f, want), "step-error names %s as %s", w.runs.sweep_param, want);
    gb_float_free(&f);
    world_free(&w);
}

/* The model summary counts parameters as Keras does: (inputs + 1) x units per Dense layer. */
static void test_model_summary(void)
{
    world w;
    world_init(&w, NULL, 345);
    if (!w.ok) { world_free(&w); return; }
    gb_float f = {0};
    gb_err e;
    int rc = render(&w, "model-summary", NULL, 0, &f, &e);
    GB_ASSERT_MSG(rc == 0, "model-summary: %s", e.msg);
    size_t total = 0;
    char buf[32];
    for (size_t l = 1; l <= w.ex.net->L; l++) {
        size_t p = (w.ex.net->n[l - 1] + 1) * w.ex.net->n[l];
        total += p;
        snprintf(buf, sizeof buf, "|%zu|", p);
        GB_ASSERT_MSG(!rc && has_text(&f, buf), "layer %zu: %zu params", l, p);
    }
    snprintf(buf, sizeof buf, "|%zu|", total);
    GB_ASSERT_MSG(!rc && has_text(&f, buf), "total %zu", total);
    char *all_text = texts(&f);
    GB_ASSERT_MSG(!rc && has_text(&f, "dense_1 (Dense)") && has_text(&f, "(None, 1)"),
                  "Keras' names and shapes: %s", all_text);
    free(all_text);
    gb_float_free(&f);
    static const char *const per[] = {"of=perceptron"};
    rc = render(&w, "model-summary", per, 1, &f, &e);
    snprintf(buf, sizeof buf, "|%zu|", w.ex.p_n + 1);
    GB_ASSERT_MSG(rc == 0 && has_text(&f, buf), "perceptron: %zu params (%s)", w.ex.p_n + 1,
                  e.msg);
    gb_float_free(&f);
    world_free(&w);
}

static void expect_err(world *w, const char *name, const char *const *kv, size_t n,
                       const char *where, const char *word)
{
    gb_float f = {0};
    gb_err e;
    int rc = render(w, name, kv, n, &f, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT, "%s %s: expected GB_EINPUT, got %d", name, n ? kv[0] : "", rc);
    GB_ASSERT_MSG(strncmp(e.msg, where, strlen(where)) == 0, "message '%s' starts with '%s'",
                  e.msg, where);
    GB_ASSERT_MSG(strstr(e.msg, word) != NULL, "message '%s' mentions '%s'", e.msg, word);
    GB_ASSERT_MSG(f.dl == NULL, "%s: no figure on error", name);
    gb_float_free(&f);
}

static void test_bad_options(void)
{
    world w;
    world_init(&w, NULL, 345);
    if (!w.ok) { world_free(&w); return; }
    static const char *const relu7[] = {"fn=relu7"}, *const nofn[] = {"from=-1"},
                             *const unk[] = {"fn=tanh", "colour=red"},
                             *const rng[] = {"fn=tanh", "from=2", "to=1"},
                             *const abc[] = {"fn=tanh", "from=abc"},
                             *const alpha[] = {"fn=leaky_relu", "alpha=2"},
                             *const vals[] = {"values=foo"}, *const of[] = {"of=cnn"},
                             *const extra[] = {"epochs=3"};
    expect_err(&w, "activation", relu7, 1, "ch.md:3:20:", "relu7");
    expect_err(&w, "activation", nofn, 1, "ch.md:3:1:", "fn");
    expect_err(&w, "activation", unk, 2, "ch.md:3:30:", "colour");
    expect_err(&w, "activation", rng, 3, "ch.md:3:40:", "from < to");
    expect_err(&w, "activation", abc, 2, "ch.md:3:30:", "abc");
    expect_err(&w, "activation", alpha, 2, "ch.md:3:30:", "alpha");
    expect_err(&w, "network", vals, 1, "ch.md:3:20:", "foo");
    expect_err(&w, "model-summary", of, 1, "ch.md:3:20:", "cnn");
    expect_err(&w, "gradient-table", extra, 1, "ch.md:3:20:", "epochs");
    expect_err(&w, "decision-boundry", NULL, 0, "ch.md:3:1:", "decision-boundry");
    GB_ASSERT_MSG(!gb_computation_known("decision-boundry") && !gb_computation_known(NULL),
                  "unknown names");
    world_free(&w);
}

/* Helpers: Unicode scripts, plain labels of scientific values, scaling a display list. */
static void test_helpers(void)
{
    char buf[64];
    gb_comp_subscript("01", buf, sizeof buf);
    GB_ASSERT_MSG(!strcmp(buf, "\xE2\x82\x80\xE2\x82\x81"), "subscript 01: %s", buf);
    gb_comp_superscript("(2)", buf, sizeof buf);
    GB_ASSERT_MSG(!strcmp(buf, "\xE2\x81\xBD\xC2\xB2\xE2\x81\xBE"), "superscript (2): %s", buf);
    gb_comp_superscript("123456", buf, 5);
    GB_ASSERT_MSG(strlen(buf) < 5, "truncated safely: %zu bytes", strlen(buf));
    gb_formatted f;
    FORMAT(-4.2e-18, ".1e", &f);
    gb_comp_label_value(&f, buf, sizeof buf);
    GB_ASSERT_MSG(!strcmp(buf, "\xE2\x88\x92" "4.2\xC3\x97" "10\xE2\x81\xBB\xC2\xB9\xE2\x81\xB8"),
                  "label of -4.2e-18: %s", buf);
    gb_comp_param_label("W[2][0][1]", buf, sizeof buf);
    GB_ASSERT_MSG(!strcmp(buf, "w\xE2\x82\x80\xE2\x82\x81\xE2\x81\xBD\xC2\xB2\xE2\x81\xBE"),
                  "label of W[2][0][1]: %s", buf);
    gb_comp_param_label("b[1][12]", buf, sizeof buf);
    GB_ASSERT_MSG(!strncmp(buf, "b\xE2\x82\x81\xE2\x82\x82", 7), "label of b[1][12]: %s", buf);
    gb_comp_param_label("eta", buf, sizeof buf);
    GB_ASSERT_MSG(!strcmp(buf, "eta"), "other names copied: %s", buf);
    gb_dlist *d = gb_dlist_new();
    gb_stroke st = {1, 4, 2, GB_BLACK};
    gb_dl_line(d, 0, 0, 10, 20, &st);
    gb_dl_text(d, GB_FACE_SERIF, 10, 5, 6, "ab", 2, GB_BLACK);
    gb_dlist *s = gb_comp_dl_scale(d, 0.5);
    const gb_item *p = gb_dlist_item(s, 0), *t = gb_dlist_item(s, 1);
    GB_ASSERT_NEAR(p->xy[3], 10, 1e-12);
    GB_ASSERT_NEAR(p->stroke.width, 0.5, 1e-12);
    GB_ASSERT_NEAR(p->stroke.dash_on, 2, 1e-12);
    GB_ASSERT_NEAR(t->size, 5, 1e-12);
    GB_ASSERT_NEAR(t->x, 2.5, 1e-12);
    gb_dlist_free(s);
    gb_dlist_free(d);
}

/* The accepted interval as the key and the graded sheet print it: 6 significant digits, more
 * while the bounds would print alike, exponents as TeX, nothing for a non-finite bound. The
 * expected texts are what %.6g / %.10g print for these bounds (worked out by hand). */
static void test_interval_text(void)
{
    char buf[240];
    double v = 0.8, w = 0.005 * v;   /* 0.5 % of a key of 0.8: 0.8 -+ 0.004 */
    GB_ASSERT_MSG(gb_value_interval_tex(v - w, v + w, buf, sizeof buf) == 0 &&
                  !strcmp(buf, "[0.796,\\ 0.804]"), "0.5 %% of 0.8: %s", buf);
    v = 1.0 / 3, w = 0.001;   /* six digits of 1/3 -+ 1/1000 */
    GB_ASSERT_MSG(gb_value_interval_tex(v - w, v + w, buf, sizeof buf) == 0 &&
                  !strcmp(buf, "[0.332333,\\ 0.334333]"), "1/3 -+ 0.001: %s", buf);
    GB_ASSERT_MSG(gb_value_interval_tex(1 - 1e-9, 1 + 1e-9, buf, sizeof buf) == 0 &&
                  !strcmp(buf, "[0.999999999,\\ 1.000000001]"), "widened: %s", buf);
    GB_ASSERT_MSG(gb_value_interval_tex(-0.75375, -0.74625, buf, sizeof buf) == 0 &&
                  !strcmp(buf, "[-0.75375,\\ -0.74625]"), "negative bounds: %s", buf);
    GB_ASSERT_MSG(gb_value_interval_tex(1.5e-7, 2.5e-7, buf, sizeof buf) == 0 &&
                  !strcmp(buf, "[1.5 \\times 10^{-7},\\ 2.5 \\times 10^{-7}]"),
                  "exponents: %s", buf);
    GB_ASSERT_MSG(gb_value_interval_tex(1, 1, buf, sizeof buf) == 0 &&
                  !strcmp(buf, "[1,\\ 1]"), "a zero-width interval: %s", buf);
    GB_ASSERT_MSG(gb_value_interval_tex(NAN, 1, buf, sizeof buf) == -1 &&
                  gb_value_interval_tex(0, INFINITY, buf, sizeof buf) == -1,
                  "a non-finite bound is refused");
}

/* Formatting repeated values (values.c keeps the thread's last 64 results) gives what printf
 * gives, whatever was formatted in between: 400 values x 3 formats, twice over, in an order that
 * makes slots collide. */
static void test_format_repeats(void)
{
    static const char *const fmts[3] = {".4f", ".3e", ".6g"};
    static const char *const pf[3] = {"%.4f", "%.3e", "%.6g"};
    int wrong = 0;
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 400; i++)
            for (int k = 0; k < 3; k++) {
                int j = round ? 399 - i : i;
                double v = (j - 200) * 0.37 + 1.0 / (j + 3);   /* |v| >= 0.002: no -0, no e */
                gb_formatted f;
                char want[64];
                snprintf(want, sizeof want, pf[k], v);
                if (gb_value_format(v, fmts[k], &f) != 0 || strcmp(f.plain, want)) wrong++;
            }
    GB_ASSERT_MSG(wrong == 0, "%d of 2400 formatted values differ from printf", wrong);
}

GB_TEST_SUITE(computations)
{
    CU_pSuite s = CU_add_suite("computations", NULL, NULL);
    GB_ADD(s, test_all_fit_wide);
    GB_ADD(s, test_interval_text);
    GB_ADD(s, test_format_repeats);
    GB_ADD(s, test_all_fit_narrow);
    GB_ADD(s, test_gradient_table_values);
    GB_ADD(s, test_network_weights);
    GB_ADD(s, test_network_variants);
    GB_ADD(s, test_changed_value);
    GB_ADD(s, test_figure_labels);
    GB_ADD(s, test_model_summary);
    GB_ADD(s, test_bad_options);
    GB_ADD(s, test_helpers);
}
