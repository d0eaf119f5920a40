/* test_variants.c — per-student variants: the seed derivation, reproducible draws on their
 * grids, each rejection rule on the cases it exists for (shared/cases/01, 05, 07, 10), a 300-
 * student roster checked by an independent backpropagation, rule errors, and the stress command's
 * input errors. */
#include "gb_test.h"
#include "gb_test_params.h"
#include "ref_mlp.h"

#include "cli/commands.h"
#include "model/exercise.h"
#include "model/params.h"
#include "model/variants.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int gb_cmd_stress(int argc, char **argv);

/* ---------------------------------------------------------------- helpers */

/* FNV-1a 64 as its authors define it (Fowler, Noll, Vo: offset basis 0xcbf29ce484222325, prime
 * 2^40 + 2^8 + 0xb3), written independently of variants.c. */
static uint64_t fnv64(const unsigned char *p, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * ((1ULL << 40) + (1ULL << 8) + 0xb3);
    return h;
}

static unsigned long fold32(uint64_t h) { return (unsigned long)((h >> 32) ^ (uint32_t)h); }

static char tmp_path[64];

static gb_params *load_text(const char *text)
{
    strcpy(tmp_path, "/tmp/gb_test_variants_XXXXXX");
    int fd = mkstemp(tmp_path);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    gb_params *p = gb_params_new();
    gb_err e = {0};
    int rc = gb_params_load(p, tmp_path, &e);
    GB_ASSERT_MSG(rc == 0, "load: %s", e.msg);
    return p;
}

static gb_question_spec question(const char *name, const char *fmt, const char *tol)
{
    gb_question_spec q;
    memset(&q, 0, sizeof q);
    snprintf(q.name, sizeof q.name, "%s", name);
    snprintf(q.fmt, sizeof q.fmt, "%s", fmt);
    int rc = gb_tolerance_parse(tol, &q.tol);
    GB_ASSERT_MSG(rc == 0, "tolerance %s", tol);
    q.points = 1;
    return q;
}

/* Every gradient of the 2-2-1 network, C, and yhat, with format fmt and tolerance tol. */
static size_t all_gradients(gb_question_spec *qs, const char *fmt, const char *tol)
{
    const char *names[] = {"grad.W[1][0][0]", "grad.W[1][0][1]", "grad.W[1][1][0]",
                           "grad.W[1][1][1]", "grad.b[1][0]",    "grad.b[1][1]",
                           "grad.W[2][0][0]", "grad.W[2][0][1]", "grad.b[2][0]", "C", "yhat"};
    size_t n = sizeof names / sizeof names[0];
    for (size_t i = 0; i < n; i++) qs[i] = question(names[i], fmt, tol);
    return n;
}

/* The first-layer weight gradients only. */
static size_t first_layer(gb_question_spec *qs, const char *fmt, const char *tol)
{
    qs[0] = question("grad.W[1][0][0]", fmt, tol);
    qs[1] = question("grad.W[1][0][1]", fmt, tol);
    qs[2] = question("grad.W[1][1][0]", fmt, tol);
    qs[3] = question("grad.W[1][1][1]", fmt, tol);
    return 4;
}

static const char net_221[] =
    "[network]\nsizes = [2, 2, 1]\nactivation = %s\n"
    "[perceptron]\ninputs = [2, 3, 4]\nactivation = sigmoid\n";

/* A 2-2-1 parameters file with the given sample and [variants] text. */
static gb_params *sample_params(const char *act, const char *sample, const char *variants)
{
    char text[4096];
    int o = snprintf(text, sizeof text, net_221, act);
    snprintf(text + o, sizeof text - (size_t)o, "[sample]\n%s\neta = 1\n[variants]\n%s\n", sample,
             variants);
    return load_text(text);
}

static const char set_a[] = "x = [0.05, 0.10]\nW1 = [[0.15, 0.20], [0.25, 0.30]]\n"
                            "b1 = [0.35, 0.35]\nW2 = [[0.40, 0.45]]\nb2 = [0.60]\ny = [0.01]";
static const char set_b[] = "x = [1.0, -2.0]\nW1 = [[0.5, -0.3], [0.8, 0.1]]\n"
                            "b1 = [0.1, -0.2]\nW2 = [[0.7, -0.4]]\nb2 = [0.05]\ny = [1]";
static const char case10[] = "x = [0.5, 0.0]\nW1 = [[0.3, -0.4], [-0.2, 0.6]]\n"
                             "b1 = [0.1, -0.1]\nW2 = [[0.0, 0.8]]\nb2 = [-0.2]\ny = [1]";

static int check_reason(const gb_params *p, const gb_question_spec *qs, size_t nq)
{
    gb_err e = {0};
    gb_reject_reason why = GB_REJECT_DUPLICATE;
    int rc = gb_variant_check(p, qs, nq, &why, &e);
    GB_ASSERT_MSG(rc == 0, "check: %s", e.msg);
    return rc ? -1 : (int)why;
}

/* ---------------------------------------------------------------- seed and hash */

static void test_seed_derivation(void)
{
    /* The test's FNV-1a against the published test vector for "a". */
    GB_ASSERT_MSG(fnv64((const unsigned char *)"a", 1, 0xcbf29ce484222325ULL) ==
                      0xaf63dc4c8601ec8cULL, "FNV-1a 64 of \"a\"");
    const char *pairs[][2] = {{"hw3", "17"}, {"hw3", "2023/0417"}, {"", ""}, {"Házi", "Nóra"}};
    for (size_t i = 0; i < 4; i++) {
        unsigned char buf[128];
        size_t a = strlen(pairs[i][0]), b = strlen(pairs[i][1]);
        memcpy(buf, pairs[i][0], a);
        buf[a] = 0;
        memcpy(buf + a + 1, pairs[i][1], b);
        unsigned long want = fold32(fnv64(buf, a + 1 + b, 0xcbf29ce484222325ULL));
        unsigned long got = gb_variant_seed(pairs[i][0], pairs[i][1]);
        GB_ASSERT_MSG(got == want, "seed(%s, %s) = %lu, want %lu", pairs[i][0], pairs[i][1], got,
                      want);
        GB_ASSERT_MSG(got <= 0xffffffffUL, "seed fits 32 bits");
    }
    /* The 0x00 separator keeps ("ab", "c") and ("a", "bc") apart. */
    GB_ASSERT_MSG(gb_variant_seed("ab", "c") != gb_variant_seed("a", "bc"), "separator");
    GB_ASSERT_MSG(!strcmp(gb_reject_name(GB_REJECT_TRANSPOSED), "transposed") &&
                      !strcmp(gb_reject_name(GB_REJECT_ZERO_GIVEN), "zero-given"),
                  "reject names");
}

static void test_reproducible(void)
{
    gb_params *p = gb_test_exercise_params();
    gb_question_spec qs[16];
    size_t nq = all_gradients(qs, ".4f", "rel:0.5%");
    gb_variant v1, v2, v3;
    gb_err e = {0};
    int rc = gb_variant_draw(p, "hw3", "17", qs, nq, NULL, NULL, &v1, NULL, &e);
    GB_ASSERT_MSG(rc == 0, "draw: %s", e.msg);
    rc = gb_variant_draw(p, "hw3", "17", qs, nq, NULL, NULL, &v2, NULL, &e);
    GB_ASSERT_MSG(rc == 0, "draw again: %s", e.msg);
    rc = gb_variant_draw(p, "hw3", "18", qs, nq, NULL, NULL, &v3, NULL, &e);
    GB_ASSERT_MSG(rc == 0, "draw key 18: %s", e.msg);
    GB_ASSERT_MSG(!strcmp(v1.givens, v2.givens) && !strcmp(v1.hash, v2.hash) &&
                      v1.seed == v2.seed && v1.attempts == v2.attempts,
                  "same (assignment, key): '%s' vs '%s'", v1.givens, v2.givens);
    GB_ASSERT_MSG(strcmp(v1.givens, v3.givens) != 0 && strcmp(v1.hash, v3.hash) != 0,
                  "different keys: '%s' vs '%s'", v1.givens, v3.givens);
    GB_ASSERT_MSG(v1.seed == gb_variant_seed("hw3", "17"), "seed recorded");
    /* The hash is the folded FNV-1a of the full canonical text: the drawn values, then every
     * other given value. */
    char want[16];
    snprintf(want, sizeof want, "%08lx",
             fold32(fnv64((const unsigned char *)v1.full, strlen(v1.full),
                          0xcbf29ce484222325ULL)));
    GB_ASSERT_MSG(!strncmp(v1.full, v1.givens, strlen(v1.givens)) &&
                      v1.full[strlen(v1.givens)] == '|' && strstr(v1.full, "eta=") &&
                      strstr(v1.full, "perceptron.w[0]="),
                  "full text: givens, '|', the other givens: '%s'", v1.full);
    GB_ASSERT_MSG(!strcmp(v1.hash, want), "hash %s, want %s", v1.hash, want);
    GB_ASSERT_MSG(strlen(v1.hash) == 8, "8 hex digits");
    /* Draw order: x, W (layer by layer), b, y; eta has no rule in exercise3.ini. */
    GB_ASSERT_MSG(!strncmp(v1.givens, "x[0]=", 5) && strstr(v1.givens, ";W[1][0][0]=") &&
                      strstr(v1.givens, ";b[2][0]=") && strstr(v1.givens, ";y[0]=") &&
                      !strstr(v1.givens, "eta"),
                  "canonical text '%s'", v1.givens);
    GB_ASSERT_MSG(strstr(v1.givens, ";W[2][0][1]=") < strstr(v1.givens, ";b[1][0]="),
                  "every W before every b");
    /* The other assignment gives other values for the same key. */
    gb_variant v4;
    rc = gb_variant_draw(p, "hw4", "17", qs, nq, NULL, NULL, &v4, NULL, &e);
    GB_ASSERT_MSG(rc == 0 && strcmp(v4.givens, v1.givens) != 0, "other assignment");
    gb_variant_free(&v1);
    gb_variant_free(&v2);
    gb_variant_free(&v3);
    gb_variant_free(&v4);
    gb_variant_free(&v4);   /* twice is safe */
    gb_params_free(p);
}

static int refuse_all(const char *givens, void *ctx)
{
    (void)givens;
    (void)ctx;
    return 1;
}

/* One drawer used for many keys, in any order and after a failed draw, gives exactly the
 * variants (and rejection counts) of gb_variant_draw: no draw depends on the draws before it. */
static void test_drawer_reuse(void)
{
    gb_params *p = gb_test_exercise_params();
    gb_question_spec qs[16];
    size_t nq = all_gradients(qs, ".4f", "rel:0.5%");
    gb_err e = {0};
    gb_variant_drawer *d = NULL;
    int rc = p ? gb_variant_drawer_new(p, qs, nq, &d, &e) : GB_EINTERNAL;
    GB_ASSERT_MSG(rc == 0 && d, "drawer: %s", e.msg);
    if (rc || !d) {
        gb_params_free(p);
        return;
    }
    gb_variant_stats s1 = {0}, s2 = {0};
    for (int k = 40; k >= 1; k--) {
        char key[16];
        snprintf(key, sizeof key, "%d", k);
        if (k == 20) {
            /* a draw that fails (every draw taken) leaves the drawer as good as new */
            gb_variant bad;
            gb_err be = {0};
            rc = gb_variant_drawer_draw(d, "reuse", key, refuse_all, NULL, &bad, NULL, &be);
            GB_ASSERT_MSG(rc == GB_EINPUT && !bad.params && !bad.model, "all taken fails: %d", rc);
        }
        gb_variant a, b;
        rc = gb_variant_drawer_draw(d, "reuse", key, NULL, NULL, &a, &s1, &e);
        GB_ASSERT_MSG(rc == 0, "drawer draw %s: %s", key, e.msg);
        if (rc) continue;
        rc = gb_variant_draw(p, "reuse", key, qs, nq, NULL, NULL, &b, &s2, &e);
        GB_ASSERT_MSG(rc == 0, "draw %s: %s", key, e.msg);
        if (rc) {
            gb_variant_free(&a);
            continue;
        }
        GB_ASSERT_MSG(!strcmp(a.givens, b.givens) && !strcmp(a.full, b.full) &&
                          !strcmp(a.hash, b.hash) && a.seed == b.seed &&
                          a.attempts == b.attempts,
                      "key %s: '%s' vs '%s'", key, a.givens, b.givens);
        /* the variant's model gives the answers of its parameters, bit for bit */
        double from_model[16], from_params[16];
        GB_ASSERT_MSG(a.model && gb_variant_model_answers(a.model, qs, nq, from_model, &e) == 0 &&
                          gb_variant_answers(a.params, qs, nq, from_params, &e) == 0 &&
                          !memcmp(from_model, from_params, nq * sizeof *from_model),
                      "key %s: answers of the variant's model", key);
        gb_variant_free(&a);
        gb_variant_free(&b);
    }
    GB_ASSERT_MSG(!memcmp(&s1, &s2, sizeof s1), "the same rejection counts");
    gb_variant_drawer_free(d);
    gb_variant_drawer_free(NULL);
    gb_params_free(p);
}

/* v lies on lo:hi:step and is exactly the number its printed text (with d decimals) reads as. */
static int on_grid(double v, double lo, double hi, double step, int d)
{
    double i = (v - lo) / step;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", d, v);
    return v >= lo - 1e-12 && v <= hi + 1e-12 && fabs(i - nearbyint(i)) < 1e-9 &&
           strtod(buf, NULL) == v;
}

static void test_on_grid(void)
{
    gb_params *p = gb_test_exercise_params();
    gb_question_spec qs[16];
    size_t nq = all_gradients(qs, ".4f", "rel:0.5%");
    size_t seen_x[9] = {0};
    for (int s = 0; s < 100; s++) {
        char key[16];
        snprintf(key, sizeof key, "s%d", s);
        gb_variant v;
        gb_err e = {0};
        int rc = gb_variant_draw(p, "grid", key, qs, nq, NULL, NULL, &v, NULL, &e);
        GB_ASSERT_MSG(rc == 0, "draw %s: %s", key, e.msg);
        if (rc) continue;
        double x[2], W1[4], W2[2], b1[2], b2, y, eta;
        gb_err e2 = {0};
        rc = gb_params_vector(v.params, "sample", "x", x, 2, 0, NULL, &e2) |
             gb_params_matrix(v.params, "sample", "W1", W1, 2, 2, &e2) |
             gb_params_matrix(v.params, "sample", "W2", W2, 1, 2, &e2) |
             gb_params_vector(v.params, "sample", "b1", b1, 2, 0, NULL, &e2) |
             gb_params_vector(v.params, "sample", "b2", &b2, 1, 0, NULL, &e2) |
             gb_params_vector(v.params, "sample", "y", &y, 1, 0, NULL, &e2) |
             gb_params_double(v.params, "sample", "eta", &eta, &e2);
        GB_ASSERT_MSG(rc == 0, "variant parameters read: %s", e2.msg);
        for (int k = 0; k < 2; k++) {
            GB_ASSERT_MSG(on_grid(x[k], -2, 2, 0.5, 1), "x[%d] = %.17g on -2:2:0.5", k, x[k]);
            seen_x[(int)nearbyint((x[k] + 2) / 0.5) % 9]++;
            GB_ASSERT_MSG(on_grid(b1[k], -0.5, 0.5, 0.1, 1), "b1[%d] = %.17g", k, b1[k]);
            GB_ASSERT_MSG(on_grid(W2[k], -1, 1, 0.1, 1), "W2[%d] = %.17g", k, W2[k]);
        }
        for (int k = 0; k < 4; k++)
            GB_ASSERT_MSG(on_grid(W1[k], -1, 1, 0.1, 1), "W1[%d] = %.17g", k, W1[k]);
        GB_ASSERT_MSG(on_grid(b2, -0.5, 0.5, 0.1, 1), "b2 = %.17g", b2);
        GB_ASSERT_MSG(y == 0 || y == 1, "y = %g in {0, 1}", y);
        GB_ASSERT_NEAR(eta, 1.0, 0);   /* no rule: the [sample] value */
        /* The canonical text names exactly these values. */
        char want[64];
        snprintf(want, sizeof want, "W[1][1][0]=%.1f", W1[2]);
        char *at = strstr(v.givens, "W[1][1][0]=");
        GB_ASSERT_MSG(at && strtod(at + 11, NULL) == W1[2], "givens '%s' has %s", v.givens, want);
        /* The variant has no [variants] rules left, and the rest of the file is copied. */
        GB_ASSERT_MSG(!gb_params_get(v.params, "variants", "W") &&
                          gb_params_get(v.params, "network", "sizes") &&
                          gb_params_get(v.params, "questions", "tolerance"),
                      "copied parameters");
        gb_variant_free(&v);
    }
    /* The ends of the grid are drawn too (inclusive bounds). */
    GB_ASSERT_MSG(seen_x[0] > 0 && seen_x[8] > 0, "x = -2 drawn %zu times, x = 2 %zu times",
                  seen_x[0], seen_x[8]);
    gb_params_free(p);
}

/* Printed texts: a grid of 0.05 steps from -0.15 keeps two decimals; values like 0.1 never carry
 * binary noise into the parameters text. */
static void test_printed_text(void)
{
    gb_params *p = sample_params("sigmoid", set_b, "b1 = -0.15:0.15:0.05\neta = {0.25, 1.0}\n");
    gb_question_spec qs[4];
    size_t nq = first_layer(qs, ".4f", "rel:0.5%");
    for (int s = 0; s < 20; s++) {
        char key[16];
        snprintf(key, sizeof key, "%d", s);
        gb_variant v;
        gb_err e = {0};
        int rc = gb_variant_draw(p, "txt", key, qs, nq, NULL, NULL, &v, NULL, &e);
        GB_ASSERT_MSG(rc == 0, "draw: %s", e.msg);
        if (rc) continue;
        const char *b1 = gb_params_get(v.params, "sample", "b1");
        GB_ASSERT_MSG(b1 && !strstr(b1, "000000") && !strstr(b1, "999999"), "b1 text '%s'", b1);
        const char *eta = gb_params_get(v.params, "sample", "eta");
        GB_ASSERT_MSG(eta && (!strcmp(eta, "0.25") || !strcmp(eta, "1")), "eta text '%s'", eta);
        double b[2];
        GB_ASSERT_MSG(gb_params_vector(v.params, "sample", "b1", b, 2, 0, NULL, &e) == 0,
                      "b1 reads back: %s", e.msg);
        for (int k = 0; k < 2; k++)
            GB_ASSERT_MSG(on_grid(b[k], -0.15, 0.15, 0.05, 2), "b1[%d] = %.17g", k, b[k]);
        /* Undrawn values keep their exact text. */
        GB_ASSERT_MSG(!strcmp(gb_params_get(v.params, "sample", "W1"), "[[0.5, -0.3], [0.8, 0.1]]"),
                      "W1 untouched");
        gb_variant_free(&v);
    }
    gb_params_free(p);
    remove(tmp_path);
}

/* ---------------------------------------------------------------- the rejection rules */

/* shared/cases/10: x = (0.5, 0), W2 = (0, 0.8) puts exact zeros into the key. */
static void test_case10_zero_givens(void)
{
    gb_question_spec qs[16];
    size_t nq = all_gradients(qs, ".4f", "rel:0.5%");
    gb_params *p = sample_params("sigmoid", case10, "");
    /* The case's own key values first: this is the draw the case describes. */
    double ans[16];
    gb_err e = {0};
    int rc = gb_variant_answers(p, qs, nq, ans, &e);
    GB_ASSERT_MSG(rc == 0, "answers: %s", e.msg);
    GB_ASSERT_NEAR(ans[0], 0, 0);   /* grad.W[1][0][0] */
    GB_ASSERT_NEAR(ans[3], 0, 0);   /* grad.W[1][1][1] */
    GB_ASSERT_REL(ans[2], -0.01131436525, 1e-9);
    GB_ASSERT_REL(ans[5], -0.02262873050, 1e-9);
    GB_ASSERT_REL(ans[9], 0.1058239796, 1e-9);
    GB_ASSERT_MSG(check_reason(p, qs, nq) == GB_REJECT_ZERO_GIVEN, "case 10 draw: zero-given");
    gb_params_free(p);
    remove(tmp_path);

    /* x[1] no longer 0, but W2[0] still is: grad.W[1][0][k] and grad.b[1][0] depend on it. */
    p = sample_params("sigmoid", "x = [0.5, 1.0]\nW1 = [[0.3, -0.4], [-0.2, 0.6]]\n"
                      "b1 = [0.1, -0.1]\nW2 = [[0.0, 0.8]]\nb2 = [-0.2]\ny = [1]", "");
    GB_ASSERT_MSG(check_reason(p, qs, nq) == GB_REJECT_ZERO_GIVEN, "W2[0] = 0: zero-given");
    /* Asked only about the output layer, the zero weight makes no answer degenerate. */
    gb_question_spec out[2] = {question("grad.W[2][0][0]", ".4f", "rel:0.5%"),
                               question("grad.W[2][0][1]", ".4f", "rel:0.5%")};
    GB_ASSERT_MSG(check_reason(p, out, 2) == GB_REJECT_COUNT, "output layer alone: accepted");
    gb_params_free(p);
    remove(tmp_path);

    /* Through the draw: rules whose sets only allow the case's draw are rejected every time. */
    p = sample_params("sigmoid", set_b,
                      "x[0] = {0.5}\nx[1] = {0}\nW1 = {0.3}\nW[1][0][1] = {-0.4}\n"
                      "W[2][0][0] = {0}\nW[2][0][1] = {0.8}\nmax_draws = 5\n");
    gb_variant v;
    gb_variant_stats st = {0};
    e = (gb_err){0};
    rc = gb_variant_draw(p, "hw", "1", qs, nq, NULL, NULL, &v, &st, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, "zero-given") && strstr(e.msg, "5 draws"),
                  "exhausted: rc %d '%s'", rc, e.msg);
    GB_ASSERT_MSG(st.rejected[GB_REJECT_ZERO_GIVEN] == 5 && st.accepted == 0, "stats %zu %zu",
                  st.rejected[GB_REJECT_ZERO_GIVEN], st.accepted);
    GB_ASSERT_MSG(v.params == NULL, "no parameters on failure");
    gb_params_free(p);
    remove(tmp_path);
}

static void test_zero_answer(void)
{
    gb_params *p = sample_params("sigmoid", set_b, "");
    GB_ASSERT_MSG(p != NULL, "set B's parameters");
    if (!p) return;
    /* Set B's grad.W[1][0][0] (about -0.0125, shared/cases/07): "-0.0" at one decimal. The key
     * is checked against the long-double reference pass of set B. */
    const double x[2] = {1.0, -2.0}, W1[2][2] = {{0.5, -0.3}, {0.8, 0.1}}, b1[2] = {0.1, -0.2},
                 W2[2] = {0.7, -0.4};
    ref_mlp r;
    ref_mlp_pass(x, W1, b1, W2, 0.05, 1, &r);
    gb_question_spec q1 = question("grad.W[1][0][0]", ".1f", "rel:0.5%");
    gb_question_spec q3 = question("grad.W[1][0][0]", ".3f", "rel:0.5%");
    gb_question_spec qp = question("grad.W[1][0][0]", ".0%", "rel:0.5%");
    gb_question_spec qe = question("grad.W[1][0][0]", ".2e", "rel:0.5%");
    double key = NAN;
    gb_err e = {0};
    GB_ASSERT_MSG(gb_variant_answers(p, &q1, 1, &key, &e) == 0, "answer: %s", e.msg);
    GB_ASSERT_REL(key, (double)r.gW1[0][0], 1e-12);
    char fixed[32];
    snprintf(fixed, sizeof fixed, "%.1f", key);
    GB_ASSERT_MSG(!strcmp(fixed, "-0.0"), "no digit survives at one decimal: '%s'", fixed);
    GB_ASSERT_MSG(check_reason(p, &q1, 1) == GB_REJECT_ZERO_ANSWER, ".1f: zero-answer");
    GB_ASSERT_MSG(check_reason(p, &qp, 1) == GB_REJECT_COUNT, ".0%% prints -1 %%: accepted");
    GB_ASSERT_MSG(check_reason(p, &q3, 1) == GB_REJECT_COUNT, ".3f (-0.012): accepted");
    GB_ASSERT_MSG(check_reason(p, &qe, 1) == GB_REJECT_COUNT, ".2e: accepted");
    gb_params_free(p);
    remove(tmp_path);
}

/* shared/cases/07: Set A's transposed gradients are within 0.1 % of the right ones. */
static void test_case07_transposed(void)
{
    gb_question_spec qs[4];
    size_t nq = first_layer(qs, ".7f", "rel:1%");
    gb_params *a = sample_params("sigmoid", set_a, "max_draws = 1\n");
    double ans[4];
    gb_err e = {0};
    int rc = gb_variant_answers(a, qs, nq, ans, &e);
    GB_ASSERT_MSG(rc == 0, "answers: %s", e.msg);
    GB_ASSERT_REL(ans[0], 0.0006683960211, 1e-9);
    GB_ASSERT_REL(ans[3], 0.001499607549, 1e-9);
    GB_ASSERT_MSG(check_reason(a, qs, nq) == GB_REJECT_TRANSPOSED, "Set A, rel 1%%: transposed");
    /* The independent pass agrees that the transposed answer is within 1 % (and 0.05 %). */
    double x[2] = {0.05, 0.10}, W[2][2] = {{0.15, 0.20}, {0.25, 0.30}};
    double Wt[2][2] = {{0.15, 0.25}, {0.20, 0.30}}, b1[2] = {0.35, 0.35}, W2[2] = {0.40, 0.45};
    ref_mlp r, t;
    ref_mlp_pass(x, W, b1, W2, 0.60, 0.01, &r);
    ref_mlp_pass(x, Wt, b1, W2, 0.60, 0.01, &t);
    GB_ASSERT_MSG(fabsl(t.gW1[1][1] - r.gW1[1][1]) < 0.0005L * fabsl(r.gW1[1][1]),
                  "independent: Set A transposed within 0.05 %%");
    /* Through the draw (nothing drawn: every attempt is the same): one draw, rejected. */
    gb_variant v;
    gb_variant_stats st = {0};
    rc = gb_variant_draw(a, "hw", "1", qs, nq, NULL, NULL, &v, &st, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, "transposed"), "draw: '%s'", e.msg);
    GB_ASSERT_MSG(st.rejected[GB_REJECT_TRANSPOSED] == 1, "one transposed rejection");
    /* A tolerance tighter than the gap (0.01 % < 0.043 %) tells the forms apart (cases 05, 07). */
    size_t n2 = first_layer(qs, ".7f", "rel:0.01%");
    GB_ASSERT_MSG(check_reason(a, qs, n2) == GB_REJECT_COUNT, "Set A, rel 0.01%%: accepted");
    gb_params_free(a);
    remove(tmp_path);

    nq = first_layer(qs, ".7f", "rel:1%");
    gb_params *b = sample_params("sigmoid", set_b, "max_draws = 1\n");
    GB_ASSERT_MSG(check_reason(b, qs, nq) == GB_REJECT_COUNT, "Set B: accepted");
    e = (gb_err){0};
    rc = gb_variant_draw(b, "hw", "1", qs, nq, NULL, NULL, &v, &st, &e);
    GB_ASSERT_MSG(rc == 0 && v.attempts == 1 && v.givens[0] == '\0', "Set B drawn: %s", e.msg);
    char want[16];
    snprintf(want, sizeof want, "%08lx",
             fold32(fnv64((const unsigned char *)v.full, strlen(v.full), 0xcbf29ce484222325ULL)));
    GB_ASSERT_MSG(rc || (v.full[0] == '|' && !strcmp(v.hash, want)),
                  "nothing drawn: the hash covers the other givens alone (%s, '%s')", v.hash,
                  v.full);
    gb_variant_free(&v);
    gb_params_free(b);
    remove(tmp_path);

    /* A symmetric W1 cannot tell the conventions apart at all. */
    gb_params *s = sample_params("sigmoid", "x = [1.0, -2.0]\nW1 = [[0.5, 0.3], [0.3, 0.1]]\n"
                                 "b1 = [0.1, -0.2]\nW2 = [[0.7, -0.4]]\nb2 = [0.05]\ny = [1]", "");
    GB_ASSERT_MSG(check_reason(s, qs, nq) == GB_REJECT_TRANSPOSED, "symmetric W1: transposed");
    gb_params_free(s);
    remove(tmp_path);
}

/* shared/cases/01: a leaky-ReLU pre-activation at or near its kink. */
static void test_kink(void)
{
    gb_question_spec qs[16];
    /* Scientific format: with a slope of 0.01 below the kink, first-layer gradients are small
     * and would print as 0.0000; and the second layer is left out because a[1][0] = 0 at the
     * kink makes grad.W[2][0][0] exactly 0 (the zero-answer rule comes before the kink rule). */
    size_t nq = first_layer(qs, ".4e", "rel:0.5%");
    /* z[1][1] = 0.6, z[2][0] = 0.7 a + 0.26 >= 0.26: only z[1][0] is near the kink. */
    const char *fmt = "x = [1.0, 1.0]\nW1 = [[0.5, %s], [0.3, 0.2]]\nb1 = [0.0, 0.1]\n"
                      "W2 = [[0.7, -0.4]]\nb2 = [0.5]\ny = [1]";
    const char *w01[] = {"-0.5", "-0.48", "-0.3"};
    const int want[] = {GB_REJECT_KINK, GB_REJECT_KINK, GB_REJECT_COUNT};
    for (int i = 0; i < 3; i++) {
        char sample[512];
        snprintf(sample, sizeof sample, fmt, w01[i]);
        /* z[1][0] = 0.5 * 1 + w01 * 1 + 0: 0, 0.02, 0.2 against the margin 0.05. */
        double z = 0.5 + strtod(w01[i], NULL);
        GB_ASSERT_MSG((fabs(z) <= 0.05) == (want[i] == GB_REJECT_KINK), "z = %g", z);
        gb_params *p = sample_params("leaky_relu", sample, "");
        int r = check_reason(p, qs, nq);
        GB_ASSERT_MSG(r == want[i], "W[1][0][1] = %s: reason %d, want %d", w01[i], r, want[i]);
        gb_params_free(p);
        remove(tmp_path);
    }
    /* A margin of 0 still rejects z exactly at the kink, and the same net with sigmoid has none. */
    char sample[512];
    snprintf(sample, sizeof sample, fmt, "-0.5");
    gb_params *p = sample_params("leaky_relu", sample, "kink_margin = 0\n");
    GB_ASSERT_MSG(check_reason(p, qs, nq) == GB_REJECT_KINK, "margin 0, z = 0: kink");
    gb_params_free(p);
    remove(tmp_path);
    snprintf(sample, sizeof sample, fmt, "-0.48");
    p = sample_params("sigmoid", sample, "");
    GB_ASSERT_MSG(check_reason(p, qs, nq) == GB_REJECT_COUNT, "sigmoid: no kink");
    gb_params_free(p);
    remove(tmp_path);
}

static void test_saturation_and_low_loss(void)
{
    gb_question_spec qs[16];
    size_t nq = all_gradients(qs, ".4f", "rel:0.5%");
    /* Independently: Set B has z1 = (1.2, 0.4) and C = (1 - 0.5862519141)^2 / 2 = 0.0856. */
    double x[2] = {1, -2}, W[2][2] = {{0.5, -0.3}, {0.8, 0.1}}, b1[2] = {0.1, -0.2};
    double W2[2] = {0.7, -0.4};
    ref_mlp r;
    ref_mlp_pass(x, W, b1, W2, 0.05, 1, &r);
    GB_ASSERT_NEAR((double)r.z1[0], 1.2, 1e-12);
    GB_ASSERT_REL((double)r.C, 0.5 * (1 - 0.5862519141) * (1 - 0.5862519141), 1e-9);
    struct { const char *rules; int want; } cases[] = {
        {"saturation = 1\n", GB_REJECT_SATURATED},   /* |z| = 1.2 > 1 */
        {"saturation = 1.3\n", GB_REJECT_COUNT},
        {"min_loss = 0.1\n", GB_REJECT_LOW_LOSS},    /* C = 0.0856 < 0.1 */
        {"min_loss = 0.05\n", GB_REJECT_COUNT},
        {"saturation = 1\nmin_loss = 0.1\n", GB_REJECT_SATURATED},   /* order: saturation first */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gb_params *p = sample_params("sigmoid", set_b, cases[i].rules);
        int got = check_reason(p, qs, nq);
        GB_ASSERT_MSG(got == cases[i].want, "rules '%s': reason %d, want %d", cases[i].rules, got,
                      cases[i].want);
        gb_params_free(p);
        remove(tmp_path);
    }
}

/* The value of name in a variant's "full" text ("name=value;..."), NAN when absent. */
static double full_value(const char *full, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = full; (p = strstr(p, name)); p += n)
        if ((p == full || p[-1] == ';' || p[-1] == '|') && p[n] == '=') return strtod(p + n + 1, NULL);
    return NAN;
}

/* perceptron = vary with saturation: an asked perceptron is redrawn until |z| <= saturation. Its
 * z is recomputed here from the weights and inputs the variant records (w.x + b). */
static void test_perceptron_saturation(void)
{
    gb_question_spec qs[2] = {question("perceptron.yhat", ".6f", "abs:0.000001"),
                              question("C", ".4f", "rel:0.5%")};
    gb_params *p = sample_params("sigmoid", set_b,
                                 "x = -2:2:0.5\nW = -1:1:0.1\nperceptron = vary\nsaturation = 2\n");
    GB_ASSERT_MSG(p != NULL, "parameters");
    if (!p) return;
    gb_variant_stats st = {0};
    size_t redrawn = 0, n = 60;
    for (size_t i = 0; i < n; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%zu", i);
        gb_variant v;
        gb_err e = {0};
        int rc = gb_variant_draw(p, "perc", key, qs, 2, NULL, NULL, &v, &st, &e);
        GB_ASSERT_MSG(rc == 0, "draw %s: %s", key, e.msg);
        if (rc) continue;
        double z = full_value(v.full, "perceptron.b");
        for (int k = 0; k < 3; k++) {
            char w[32], x[32];
            snprintf(w, sizeof w, "perceptron.w[%d]", k);
            snprintf(x, sizeof x, "perceptron.x[%d]", k);
            z += full_value(v.full, w) * full_value(v.full, x);
        }
        GB_ASSERT_MSG(isfinite(z) && fabs(z) <= 2 + 1e-9, "%s: perceptron z = %g", key, z);
        /* the seed is the variant's unless it was redrawn */
        char want[32];
        snprintf(want, sizeof want, "%lu", v.seed);
        const char *got = gb_params_get(v.params, "perceptron", "seed");
        if (!got || strcmp(got, want)) redrawn++;
        gb_variant_free(&v);
    }
    /* Inputs (2, 3, 4) with Glorot weights often give |z| > 2: some must have been redrawn, and
     * each redraw is counted as a saturated rejection. */
    GB_ASSERT_MSG(redrawn > 0 && st.rejected[GB_REJECT_SATURATED] >= redrawn,
                  "%zu redrawn, %zu counted", redrawn, st.rejected[GB_REJECT_SATURATED]);
    gb_params_free(p);
    remove(tmp_path);
}

/* ---------------------------------------------------------------- a roster (case 10's acceptance) */

typedef struct seen {
    char **g;
    size_t n;
    size_t calls;
    size_t refuse_first;   /* say "taken" to this many calls first */
} seen;

static int taken_cb(const char *givens, void *ctx)
{
    seen *s = ctx;
    s->calls++;
    if (s->calls <= s->refuse_first) return 1;
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->g[i], givens)) return 1;
    return 0;
}

static void test_roster_300(void)
{
    gb_params *p = gb_test_exercise_params();
    gb_question_spec qs[16];
    size_t nq = all_gradients(qs, ".4f", "rel:0.5%");
    enum { N = 300 };
    seen s = {calloc(N, sizeof(char *)), 0, 0, 0};
    gb_variant_stats st = {0};
    size_t attempts = 0, bad = 0;
    for (int i = 1; i <= N; i++) {
        char key[16];
        snprintf(key, sizeof key, "%d", i);
        gb_variant v;
        gb_err e = {0};
        int rc = gb_variant_draw(p, "roster", key, qs, nq, taken_cb, &s, &v, &st, &e);
        GB_ASSERT_MSG(rc == 0, "draw %s: %s", key, e.msg);
        if (rc) continue;
        attempts += v.attempts;
        s.g[s.n++] = strdup(v.givens);
        double x[2], W1[4], W2[2], b1[2], b2, y;
        int unread = gb_params_vector(v.params, "sample", "x", x, 2, 0, NULL, &e) ||
                     gb_params_matrix(v.params, "sample", "W1", W1, 2, 2, &e) ||
                     gb_params_matrix(v.params, "sample", "W2", W2, 1, 2, &e) ||
                     gb_params_vector(v.params, "sample", "b1", b1, 2, 0, NULL, &e) ||
                     gb_params_vector(v.params, "sample", "b2", &b2, 1, 0, NULL, &e) ||
                     gb_params_vector(v.params, "sample", "y", &y, 1, 0, NULL, &e);
        GB_ASSERT_MSG(!unread, "draw %s reads back: %s", key, e.msg);
        if (unread) { gb_variant_free(&v); continue; }
        /* Independent checks of every degeneracy the case lists. */
        ref_mlp r, t;
        double W[2][2] = {{W1[0], W1[1]}, {W1[2], W1[3]}};
        double Wt[2][2] = {{W1[0], W1[2]}, {W1[1], W1[3]}};   /* W1 transposed */
        ref_mlp_pass(x, W, b1, W2, b2, y, &r);
        ref_mlp_pass(x, Wt, b1, W2, b2, y, &t);
        int ok = x[0] != 0 && x[1] != 0 && W2[0] != 0 && W2[1] != 0;
        long double g[9] = {r.gW1[0][0], r.gW1[0][1], r.gW1[1][0], r.gW1[1][1], r.gb1[0],
                            r.gb1[1], r.gW2[0], r.gW2[1], r.gb2};
        long double gt[4] = {t.gW1[0][0], t.gW1[0][1], t.gW1[1][0], t.gW1[1][1]};
        for (int k = 0; k < 9; k++) ok &= fabsl(g[k]) >= 0.00005L;   /* not "0.0000" */
        for (int k = 0; k < 4; k++) ok &= fabsl(gt[k] - g[k]) > 0.005L * fabsl(g[k]);
        for (int k = 0; k < 2; k++) ok &= fabsl(r.z1[k]) <= 4;
        ok &= fabsl(r.z2) <= 4 && r.C >= 0.001L;
        if (!ok) bad++;
        GB_ASSERT_MSG(ok, "variant %s is degenerate: %s", key, v.givens);
        /* The variant's own check agrees. */
        gb_reject_reason why;
        rc = gb_variant_check(v.params, qs, nq, &why, &e);
        GB_ASSERT_MSG(rc == 0 && why == GB_REJECT_COUNT, "recheck %s: %d %s", key, (int)why,
                      e.msg);
        gb_variant_free(&v);
    }
    GB_ASSERT_MSG(bad == 0, "%zu degenerate variants", bad);
    /* Pairwise distinct. */
    size_t dup = 0;
    for (size_t i = 0; i < s.n; i++)
        for (size_t j = i + 1; j < s.n; j++) dup += !strcmp(s.g[i], s.g[j]);
    GB_ASSERT_MSG(dup == 0 && s.n == N, "%zu duplicates among %zu", dup, s.n);
    /* Stats add up: every attempt was accepted once or rejected under one rule. */
    size_t rej = 0;
    for (int k = 0; k < GB_REJECT_COUNT; k++) rej += st.rejected[k];
    GB_ASSERT_MSG(st.accepted == N && st.accepted + rej == attempts,
                  "accepted %zu + rejected %zu = attempts %zu", st.accepted, rej, attempts);
    GB_ASSERT_MSG(rej > 0 && st.rejected[GB_REJECT_ZERO_GIVEN] > 0,
                  "the zero rule bites on a grid with 0 (%zu)", st.rejected[GB_REJECT_ZERO_GIVEN]);
    for (size_t i = 0; i < s.n; i++) free(s.g[i]);
    free(s.g);
    gb_params_free(p);
}

static void test_duplicate_callback(void)
{
    gb_params *p = gb_test_exercise_params();
    gb_question_spec qs[16];
    size_t nq = all_gradients(qs, ".4f", "rel:0.5%");
    seen s = {NULL, 0, 0, 1};
    gb_variant v, plain;
    gb_variant_stats st = {0};
    gb_err e = {0};
    int rc = gb_variant_draw(p, "dup", "7", qs, nq, taken_cb, &s, &v, &st, &e);
    GB_ASSERT_MSG(rc == 0 && st.rejected[GB_REJECT_DUPLICATE] == 1 && s.calls == 2,
                  "one duplicate: rc %d, %zu, calls %zu", rc, st.rejected[GB_REJECT_DUPLICATE],
                  s.calls);
    rc = gb_variant_draw(p, "dup", "7", qs, nq, NULL, NULL, &plain, NULL, &e);
    GB_ASSERT_MSG(rc == 0 && strcmp(plain.givens, v.givens) != 0 && v.attempts > plain.attempts,
                  "the refused draw is the one drawn without the callback");
    gb_variant_free(&v);
    gb_variant_free(&plain);
    /* Everything taken: exhaustion names the duplicate rule. */
    s = (seen){NULL, 0, 0, 1000000};
    gb_params_set(p, "variants.max_draws=30", &e);
    rc = gb_variant_draw(p, "dup", "7", qs, nq, taken_cb, &s, &v, NULL, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, "duplicate"), "all taken: '%s'", e.msg);
    gb_params_free(p);
}

static void test_max_draws(void)
{
    gb_params *p = gb_test_exercise_params();
    gb_question_spec qs[16];
    size_t nq = all_gradients(qs, ".4f", "rel:0.5%");
    gb_err e = {0};
    gb_params_set(p, "variants.saturation=1e-9", &e);
    gb_params_set(p, "variants.max_draws=20", &e);
    gb_variant v;
    gb_variant_stats st = {0};
    int rc = gb_variant_draw(p, "hw", "x", qs, nq, NULL, NULL, &v, &st, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, "saturated") && strstr(e.msg, "20 draws") &&
                      strstr(e.msg, "'hw'") && strstr(e.msg, "'x'"),
                  "message '%s'", e.msg);
    size_t rej = 0;
    for (int k = 0; k < GB_REJECT_COUNT; k++) rej += st.rejected[k];
    GB_ASSERT_MSG(rej == 20 && st.accepted == 0, "20 rejections counted (%zu)", rej);
    gb_params_free(p);
}

/* ---------------------------------------------------------------- errors */

static void expect_rule_error(const char *rules, unsigned line, unsigned col, const char *msg_has)
{
    gb_params *p = sample_params("sigmoid", set_b, rules);
    gb_question_spec q = question("C", ".4f", "rel:0.5%");
    gb_variant v;
    gb_err e = {0};
    int rc = gb_variant_draw(p, "hw", "1", &q, 1, NULL, NULL, &v, NULL, &e);
    char where[128];
    snprintf(where, sizeof where, "%s:%u:%u: ", tmp_path, line, col);
    GB_ASSERT_MSG(rc == GB_EINPUT, "'%s': rc %d", rules, rc);
    GB_ASSERT_MSG(!strncmp(e.msg, where, strlen(where)) && strstr(e.msg, msg_has),
                  "'%s': message '%s', want '%s...%s'", rules, e.msg, where, msg_has);
    gb_params_free(p);
    remove(tmp_path);
}

static void test_rule_errors(void)
{
    /* sample_params puts [variants] on line 15 of the file, the first rule on line 16. */
    expect_rule_error("W = -1:1:0\n", 16, 5, "STEP must be > 0");
    expect_rule_error("W = 1:-1:0.1\n", 16, 5, "empty");
    expect_rule_error("x = {0.5, abc}\n", 16, 11, "a number from");
    expect_rule_error("x = {0.5, 1e300}\n", 16, 11, "a number from");
    expect_rule_error("x = 0:1e12:1e6\n", 16, 7, "-1e9 to 1e9");
    expect_rule_error("x = {}\n", 16, 5, "empty");
    expect_rule_error("x = 1:2\n", 16, 5, "LO:HI:STEP");
    expect_rule_error("x = 0:1:1e-9\n", 16, 5, "1000000 points");
    expect_rule_error("eta = {1} 2\n", 16, 11, "follow");
    expect_rule_error("W3 = 0:1:0.1\n", 16, 6, "layers 1..2");
    expect_rule_error("x[2] = {1}\n", 16, 1, "no such sample value");
    expect_rule_error("W[1][0] = {1}\n", 16, 1, "element");
    expect_rule_error("foo = 1\n", 16, 1, "unknown rule");
    expect_rule_error("saturation = -1\n", 16, 14, "> 0");
    expect_rule_error("min_loss = x\n", 16, 12, "finite number");
    expect_rule_error("max_draws = 0\n", 16, 13, "max_draws");

    /* A question that is not a quantity, or has an unknown format. */
    gb_params *p = sample_params("sigmoid", set_b, "");
    gb_question_spec q = question("grad.W[3][0][0]", ".4f", "rel:0.5%");
    gb_reject_reason why;
    gb_err e = {0};
    GB_ASSERT_MSG(gb_variant_check(p, &q, 1, &why, &e) == GB_EINPUT &&
                      strstr(e.msg, "grad.W[3][0][0]"), "unknown quantity: '%s'", e.msg);
    q = question("C", ".4q", "rel:0.5%");
    e = (gb_err){0};
    GB_ASSERT_MSG(gb_variant_check(p, &q, 1, &why, &e) == GB_EINPUT && strstr(e.msg, ".4q"),
                  "bad format: '%s'", e.msg);
    gb_params_free(p);
    remove(tmp_path);

    /* A rule for weights that [sample] does not give (Glorot-drawn). */
    p = load_text("[network]\nsizes = [2, 2, 1]\nactivation = sigmoid\n[sample]\nx = [1, 2]\n"
                  "y = [1]\n[perceptron]\ninputs = [2, 3, 4]\nactivation = sigmoid\n"
                  "[variants]\nW = -1:1:0.1\n");
    q = question("C", ".4f", "rel:0.5%");
    e = (gb_err){0};
    gb_variant v;
    int rc = gb_variant_draw(p, "hw", "1", &q, 1, NULL, NULL, &v, NULL, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, ":11:5: ") && strstr(e.msg, "no W1"),
                  "no sample W1: '%s'", e.msg);
    gb_params_free(p);
    remove(tmp_path);
}

/* Element rules beat layer rules beat family rules. */
static void test_rule_precedence(void)
{
    gb_params *p = sample_params("sigmoid", set_b,
                                 "W = {0.9}\nW2 = {-0.7}\nW[2][0][1] = {0.6}\nb = -0.5:0.5:0.1\n");
    gb_question_spec qs[16];
    size_t nq = all_gradients(qs, ".4f", "rel:0.5%");
    gb_variant v;
    gb_err e = {0};
    int rc = gb_variant_draw(p, "prec", "1", qs, nq, NULL, NULL, &v, NULL, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT || rc == 0, "draw: %s", e.msg);
    /* W1 = all 0.9 is symmetric: the transposed rule rejects every draw. */
    GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, "transposed"), "symmetric: '%s'", e.msg);
    gb_params_free(p);
    remove(tmp_path);
    p = sample_params("sigmoid", set_b,
                      "W = {0.9}\nW[1][0][1] = {0.2}\nW2 = {-0.7}\nW[2][0][1] = {0.6}\n");
    e = (gb_err){0};
    rc = gb_variant_draw(p, "prec", "1", qs, nq, NULL, NULL, &v, NULL, &e);
    GB_ASSERT_MSG(rc == 0, "draw: %s", e.msg);
    if (!rc) {
        GB_ASSERT_MSG(!strcmp(v.givens, "W[1][0][0]=0.9;W[1][0][1]=0.2;W[1][1][0]=0.9;"
                                        "W[1][1][1]=0.9;W[2][0][0]=-0.7;W[2][0][1]=0.6"),
                      "givens '%s'", v.givens);
        GB_ASSERT_MSG(!strcmp(gb_params_get(v.params, "sample", "W2"), "[[-0.7, 0.6]]"),
                      "W2 text '%s'", gb_params_get(v.params, "sample", "W2"));
    }
    gb_variant_free(&v);
    gb_params_free(p);
    remove(tmp_path);
}

/* ---------------------------------------------------------------- the stress command */

/* Runs `gradbook stress` with the arguments given (NULL-terminated). */
static int run_stress(const char *const *args)
{
    char *argv[16] = {"gradbook", "stress"};
    int argc = 2;
    for (; args[argc - 2] && argc < 15; argc++) argv[argc] = (char *)args[argc - 2];
    argv[argc] = NULL;
    return gb_cmd_stress(argc, argv);
}

static void test_stress_bad_input(void)
{
    const char *no_assignment[] = {"--count", "5", NULL};
    const char *no_count[] = {"--assignment", "hw", NULL};
    const char *count0[] = {"--assignment", "hw", "--count", "0", NULL};
    const char *count_x[] = {"--assignment", "hw", "--count", "x", NULL};
    const char *empty[] = {"--assignment", "", "--count", "3", NULL};
    const char *bogus[] = {"--assignment", "hw", "--count", "3", "--bogus", NULL};
    const char *no_file[] = {"--assignment", "hw", "--count", "3", "--params",
                             "/nonexistent/p.ini", NULL};
    const char *bad_set[] = {"--assignment", "hw", "--count", "3", "--set", "nosuch=1", NULL};
    GB_ASSERT_MSG(run_stress(no_assignment) == 2, "no --assignment");
    GB_ASSERT_MSG(run_stress(no_count) == 2, "no --count");
    GB_ASSERT_MSG(run_stress(count0) == 2, "--count 0");
    GB_ASSERT_MSG(run_stress(count_x) == 2, "--count x");
    GB_ASSERT_MSG(run_stress(empty) == 2, "empty assignment");
    GB_ASSERT_MSG(run_stress(bogus) == 2, "unknown option");
    GB_ASSERT_MSG(run_stress(no_file) == 2, "missing parameters file");
    GB_ASSERT_MSG(run_stress(bad_set) == 2, "bad --set");
}

GB_TEST_SUITE(variants)
{
    CU_pSuite s = CU_add_suite("variants", NULL, NULL);
    GB_ADD(s, test_seed_derivation);
    GB_ADD(s, test_reproducible);
    GB_ADD(s, test_drawer_reuse);
    GB_ADD(s, test_on_grid);
    GB_ADD(s, test_printed_text);
    GB_ADD(s, test_case10_zero_givens);
    GB_ADD(s, test_zero_answer);
    GB_ADD(s, test_case07_transposed);
    GB_ADD(s, test_kink);
    GB_ADD(s, test_saturation_and_low_loss);
    GB_ADD(s, test_perceptron_saturation);
    GB_ADD(s, test_roster_300);
    GB_ADD(s, test_duplicate_callback);
    GB_ADD(s, test_max_draws);
    GB_ADD(s, test_rule_errors);
    GB_ADD(s, test_rule_precedence);
    GB_ADD(s, test_stress_bad_input);
}
