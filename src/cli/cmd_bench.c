/* cmd_bench.c — `gradbook bench`: prints speed figures (asserts nothing). */
#include "cli/commands.h"

#include "book/document.h"
#include "classroom/batch.h"
#include "classroom/pool.h"
#include "cli/options.h"
#include "util/datadir.h"
#include "model/exercise.h"
#include "model/variants.h"
#include "numerics/gradcheck.h"
#include "numerics/training.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define GB_STR_(x) #x
#define GB_STR(x) GB_STR_(x)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Per-sample SGD updates per second on the 2-2-1 sigmoid network of the training run. */
static int bench_sgd(void)
{
    gb_training_config c;
    gb_training_defaults(&c);
    gb_blobs data;
    if (gb_dataset_blobs_make(&c.data, &data) != GB_NUM_OK) return 1;
    gb_net *net = gb_net_new(c.L, c.sizes, c.acts);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!net || !r) { gb_dataset_blobs_free(&data); gb_net_free(net); gsl_rng_free(r); return 1; }
    gsl_rng_set(r, c.init_seed);
    gb_net_glorot_uniform(net, r);
    size_t K = 1000000;
    double t0 = now(), sink = gb_training_bench_updates(net, &data.train, K, c.eta), dt = now() - t0;
    /* Scale the run to about half a second for a stable figure. */
    if (dt > 0 && dt < 0.5) {
        K = (size_t)((double)K * 0.5 / dt);
        t0 = now();
        sink += gb_training_bench_updates(net, &data.train, K, c.eta);
        dt = now() - t0;
    }
    printf("sgd 2-2-1 sigmoid: %.2f million sample updates per second (%zu updates in %.3f s, "
           "mean loss %.4g)\n", (double)K / dt / 1e6, K, dt, sink);
    gb_net_free(net);
    gsl_rng_free(r);
    gb_dataset_blobs_free(&data);
    return 0;
}

/* The whole work of `gradbook check` except printing: parameters, model, verification. */
static int bench_check(void)
{
    gb_cli o = {0};
    o.seed = -1;
    int iters = 200;
    double t0 = now();
    for (int i = 0; i < iters; i++) {
        gb_err e = {0};
        gb_params *p = NULL;
        gb_exercise ex;
        if (gb_cli_load_params(&o, &p, NULL, &e) || gb_exercise_load(&ex, p, -1, &e)) {
            gb_err_print(&e);
            gb_params_free(p);
            return 1;
        }
        gb_model *m = gb_exercise_model(&ex);
        gb_check checks[64];
        if (gb_net_param_count(ex.net) <= 64) gb_gradcheck_net(ex.net, ex.x, ex.y, checks, 0);
        gb_model_free(m);
        gb_exercise_free(&ex);
        gb_params_free(p);
    }
    double dt = (now() - t0) / iters;
    printf("check (worked example, 9 gradients verified): %.3f ms each (mean of %d)\n",
           dt * 1e3, iters);
    return 0;
}

/* What a document benchmark needs: the template's path, the default parameters and a scratch
 * output file (out: a mkstemp pattern, filled in). Returns 0, or 1 after printing why. */
static int doc_setup(const char *template_rel, char *tpl, size_t cap, char *out, gb_params **p)
{
    gb_cli o = {0};
    o.seed = -1;
    gb_err e = {0};
    int fd = mkstemp(out);
    if (fd < 0) return 1;
    close(fd);
    gb_data_path(template_rel, tpl, cap);
    if (gb_cli_load_params(&o, p, NULL, &e)) {
        gb_err_print(&e);
        unlink(out);
        return 1;
    }
    return 0;
}

/* The whole report, as `gradbook report` builds it, written to a scratch file. */
static int bench_report(void)
{
    gb_err e = {0};
    gb_params *p = NULL;
    char tpl[4096], out[] = "/tmp/gradbook-bench-XXXXXX";
    if (doc_setup("templates/report.ini", tpl, sizeof tpl, out, &p)) return 1;
    gb_doc_opts d = {tpl, p, -1, 0, NULL, NULL};
    int iters = 10, rc = 0;
    double t0 = now();
    for (int i = 0; i < iters && !rc; i++) rc = gb_doc_build(&d, out, &e);
    double dt = (now() - t0) / iters;
    if (rc) gb_err_print(&e);
    else printf("report (templates/report.ini, all chapters): %.1f ms each (mean of %d)\n",
                dt * 1e3, iters);
    gb_params_free(p);
    unlink(out);
    return rc ? 1 : 0;
}

/* A class set: n students' worksheets (each student's own variant) in one booklet PDF, built as
 * `gradbook variants --booklet` builds it when nothing else is asked: parts on every core,
 * appended in order by this thread. (variants itself lays each worksheet out once for the student's file and the
 * booklet, so there the class set costs little beyond the files.) */
typedef struct bk_run {
    gb_booklet *b;
    const gb_params *p;
    gb_question_spec *qs;
    size_t nq;
    gb_handoff *parts;   /* student i's part (NULL: failed), put once by its job */
} bk_run;

/* A pool job: student i's part, with the worker's own drawer in *state (made at its first
 * student). */
static void bk_job(size_t i, void **state, void *ctx)
{
    bk_run *r = ctx;
    gb_variant_drawer *d = *state;
    char id[32];
    snprintf(id, sizeof id, "%zu", i + 1);
    gb_err e = {0};
    gb_booklet_part *part = NULL;
    /* each student's own variant, as `gradbook variants --count N --booklet` draws it */
    gb_variant v;
    memset(&v, 0, sizeof v);
    int rc = d ? 0 : gb_variant_drawer_new(r->p, r->qs, r->nq, &d, &e);
    *state = d;
    if (!rc) rc = gb_variant_drawer_draw(d, "bench", id, NULL, NULL, &v, NULL, &e);
    gb_student s = {id, id, id, rc ? "00000000" : v.hash, 0};
    /* the part takes over the model the variant was checked with, as a class run does */
    if (!rc) rc = gb_booklet_part_build(r->b, v.params, -1, gb_variant_take_model(&v), &s, NULL,
                                        &part, &e);
    if (rc) gb_err_print(&e);
    gb_variant_free(&v);
    gb_handoff_put(r->parts, i, part);
}

static void bk_drawer_free(void *d)
{
    gb_variant_drawer_free(d);
}

static void bk_part_free(void *part)
{
    gb_booklet_part_free(part);
}

static int bench_booklet(void)
{
    gb_err e = {0};
    gb_params *p = NULL;
    char tpl[4096], out[] = "/tmp/gradbook-booklet-XXXXXX";
    if (doc_setup("templates/worksheet.ini", tpl, sizeof tpl, out, &p)) return 1;
    int n = 1000, rc = 0;
    const char *env = getenv("GB_BENCH_BOOKLET");
    if (env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (end == env || *end || v < 1 || v > 1000000) {
            fprintf(stderr, "gradbook: bench: GB_BENCH_BOOKLET: expected 1 to 1000000 students, "
                            "got '%s'\n", env);
            gb_params_free(p);
            unlink(out);
            return 2;
        }
        n = (int)v;
    }
    unsigned jobs = gb_batch_default_jobs();
    if (jobs > 64) jobs = 64;
    bk_run r = {0};
    r.p = p;
    if (gb_doc_questions(tpl, p, &r.qs, &r.nq, &e)) {
        gb_err_print(&e);
        gb_params_free(p);
        unlink(out);
        return 1;
    }
    r.parts = gb_handoff_new((size_t)n);
    double t0 = now();
    r.b = r.parts ? gb_booklet_new(tpl, 0, &e) : NULL;
    /* files out.pdf, or volumes out-1.pdf, ... as variants writes them */
    if (r.b && gb_booklet_output(r.b, out, (size_t)n, GB_BOOKLET_VOLUME, &e)) {
        gb_booklet_free(r.b);
        r.b = NULL;
    }
    gb_pool pool;
    if (!r.b) rc = 1;
    unsigned started = gb_pool_start(&pool, (size_t)n, rc ? 0 : jobs, bk_job, bk_drawer_free, &r);
    if (!rc && !started) gb_pool_work(&pool);
    for (int i = 0; !rc && i < n; i++) {
        gb_booklet_part *part = gb_handoff_take(r.parts, (size_t)i);
        rc = !part || gb_booklet_append(r.b, part, &e);
    }
    gb_pool_stop(&pool);   /* on failure: no more parts */
    gb_pool_join(&pool);
    if (!rc) rc = gb_booklet_save(r.b, &e);
    double dt = now() - t0;
    gb_booklet_free(r.b);
    gb_handoff_free(r.parts, bk_part_free);
    free(r.qs);
    if (rc && e.code) gb_err_print(&e);
    else if (!rc)
        printf("booklet (templates/worksheet.ini, a variant each): %d students on %u threads in "
               "%.2f s, %.0f students per second%s\n", n, jobs, dt, n / dt,
               n > GB_BOOKLET_VOLUME ? " (volumes of " GB_STR(GB_BOOKLET_VOLUME) ")" : "");
    gb_params_free(p);
    unlink(out);
    char path[64];
    snprintf(path, sizeof path, "%s.pdf", out);
    unlink(path);
    for (int v = 1; v <= n / GB_BOOKLET_VOLUME + 1; v++) {
        snprintf(path, sizeof path, "%s-%d.pdf", out, v);
        unlink(path);
    }
    return rc ? 1 : 0;
}

int gb_cmd_bench(int argc, char **argv)
{
    (void)argv;
    if (argc > 2) {
        fputs("usage: gradbook bench\n", stderr);
        return 2;
    }
    /* GB_BENCH_ONLY=booklet: the class set alone (tests/bench.sh measures its memory) */
    const char *only = getenv("GB_BENCH_ONLY");
    if (only && !strcmp(only, "booklet")) return bench_booklet();
    int rc = bench_sgd();
    if (!rc) rc = bench_check();
    if (!rc) rc = bench_report();
    if (!rc) rc = bench_booklet();
    return rc == 2 ? 2 : rc ? 1 : 0;
}
