/* test_params.c — the parameters file and --set: values, lists, matrices, and errors that name
 * file:line:column and what was expected. */
#include "gb_test.h"

#include "model/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp_path[64];

static gb_params *load_text(const char *text, gb_err *e, int *rc)
{
    strcpy(tmp_path, "/tmp/gb_test_params_XXXXXX");
    int fd = mkstemp(tmp_path);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    gb_params *p = gb_params_new();
    *rc = gb_params_load(p, tmp_path, e);
    return p;
}

static void test_values(void)
{
    gb_err e = {0};
    int rc;
    gb_params *p = load_text("; comment\n[sample]\nx = [0.5, -1.5]\nW1 = [[0.1, -2e-1], [4E-1, .2]]\n"
                             "eta = 1\nname = sigmoid\n[net]\nsizes = 2, 2, 1\n", &e, &rc);
    GB_ASSERT_MSG(rc == 0, "%s", e.msg);
    double x[2], W[4], eta, s[3];
    size_t n;
    GB_ASSERT_MSG(gb_params_vector(p, "sample", "x", x, 2, 0, NULL, &e) == 0, "%s", e.msg);
    GB_ASSERT_NEAR(x[0], 0.5, 0);
    GB_ASSERT_NEAR(x[1], -1.5, 0);
    GB_ASSERT_MSG(gb_params_matrix(p, "sample", "W1", W, 2, 2, &e) == 0, "%s", e.msg);
    GB_ASSERT_NEAR(W[0], 0.1, 0);
    GB_ASSERT_NEAR(W[1], -0.2, 0);
    GB_ASSERT_NEAR(W[2], 0.4, 0);
    GB_ASSERT_NEAR(W[3], 0.2, 0);
    GB_ASSERT_MSG(gb_params_double(p, "sample", "eta", &eta, &e) == 0, "%s", e.msg);
    GB_ASSERT_NEAR(eta, 1, 0);
    GB_ASSERT_MSG(gb_params_vector(p, "net", "sizes", s, 0, 3, &n, &e) == 0 && n == 3, "flat list");
    GB_ASSERT_MSG(s[0] == 2 && s[1] == 2 && s[2] == 1, "sizes %g, %g, %g", s[0], s[1], s[2]);
    GB_ASSERT_MSG(gb_params_double(p, "sample", "nothere", &eta, &e) == 1, "absent key -> 1");
    gb_params_free(p);
    remove(tmp_path);
}

static void expect_error(gb_params *p, const char *key, size_t rows, size_t cols,
                         const char *want_in_msg)
{
    gb_err e = {0};
    double buf[16];
    int rc = rows ? gb_params_matrix(p, "s", key, buf, rows, cols, &e)
                  : gb_params_vector(p, "s", key, buf, cols, 0, NULL, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT, "%s: rc %d", key, rc);
    GB_ASSERT_MSG(strstr(e.msg, want_in_msg) != NULL, "%s: message '%s' contains '%s'", key, e.msg,
                  want_in_msg);
}

static void test_bad_values_named_with_location(void)
{
    gb_err e = {0};
    int rc;
    gb_params *p = load_text("[s]\na = [1, x]\nb = [1, nan]\nc = [1, inf]\nd = [1, 2, 3]\n"
                             "m = [[1, 2], [3]]\nq = [1,, 2]\n", &e, &rc);
    GB_ASSERT_MSG(rc == 0, "%s", e.msg);
    char loc[128];
    /* "a = [1, x]": the value starts at column 5, the bad number 'x' at column 9. */
    snprintf(loc, sizeof loc, "%s:2:9:", tmp_path);
    expect_error(p, "a", 0, 2, loc);
    expect_error(p, "b", 0, 2, "finite number");
    expect_error(p, "c", 0, 2, "finite number");
    expect_error(p, "d", 0, 2, "a list of 2 finite numbers");
    expect_error(p, "m", 2, 2, "2 x 2 matrix");
    expect_error(p, "q", 0, 2, "s.q");
    gb_params_free(p);
    remove(tmp_path);
}

static void test_bad_file(void)
{
    gb_err e = {0};
    int rc;
    gb_params *p = load_text("[s]\nfine = 1\nthis line has no equals sign\n", &e, &rc);
    GB_ASSERT_MSG(rc == GB_EINPUT, "rc %d", rc);
    char loc[128];
    snprintf(loc, sizeof loc, "%s:3:", tmp_path);
    GB_ASSERT_MSG(strstr(e.msg, loc) != NULL, "message '%s' names line 3", e.msg);
    gb_params_free(p);
    remove(tmp_path);
    gb_err_clear(&e);
    p = gb_params_new();
    GB_ASSERT_MSG(gb_params_load(p, "/nonexistent/x.ini", &e) == GB_EINPUT, "missing file");
    gb_params_free(p);
}

static void test_set(void)
{
    gb_err e = {0};
    int rc;
    gb_params *p = load_text("[sample]\nx = [0.5, -1.5]\nW1 = [[0.1, -0.2], [0.4, 0.2]]\n"
                             "eta = 1\n[other]\neta = 3\n", &e, &rc);
    GB_ASSERT_MSG(rc == 0, "%s", e.msg);
    double x[2], W[4], v;
    GB_ASSERT_MSG(gb_params_set(p, "x=1,2", &e) == 0, "%s", e.msg);
    GB_ASSERT_MSG(gb_params_vector(p, "sample", "x", x, 2, 0, NULL, &e) == 0, "%s", e.msg);
    GB_ASSERT_NEAR(x[0], 1, 0);
    GB_ASSERT_NEAR(x[1], 2, 0);
    GB_ASSERT_MSG(gb_params_set(p, "W[1][1][0]=-0.75", &e) == 0, "%s", e.msg);
    GB_ASSERT_MSG(gb_params_matrix(p, "sample", "W1", W, 2, 2, &e) == 0, "%s", e.msg);
    GB_ASSERT_NEAR(W[2], -0.75, 0);
    GB_ASSERT_NEAR(W[1], -0.2, 0);
    GB_ASSERT_MSG(gb_params_set(p, "x[0]=3", &e) == 0, "%s", e.msg);
    GB_ASSERT_MSG(gb_params_vector(p, "sample", "x", x, 2, 0, NULL, &e) == 0, "%s", e.msg);
    GB_ASSERT_NEAR(x[0], 3, 0);
    GB_ASSERT_NEAR(x[1], 2, 0);
    GB_ASSERT_MSG(gb_params_set(p, "other.eta=0.5", &e) == 0, "%s", e.msg);
    GB_ASSERT_MSG(gb_params_double(p, "other", "eta", &v, &e) == 0, "%s", e.msg);
    GB_ASSERT_NEAR(v, 0.5, 0);
    GB_ASSERT_MSG(gb_params_double(p, "sample", "eta", &v, &e) == 0, "%s", e.msg);
    GB_ASSERT_NEAR(v, 1, 0);
    gb_err e2 = {0};
    GB_ASSERT_MSG(gb_params_set(p, "eta=2", &e2) == GB_EINPUT && strstr(e2.msg, "several"),
                  "ambiguous bare name: %s", e2.msg);
    gb_err_clear(&e2);
    GB_ASSERT_MSG(gb_params_set(p, "nosuch=2", &e2) == GB_EINPUT && strstr(e2.msg, "unknown"),
                  "unknown name: %s", e2.msg);
    gb_err_clear(&e2);
    GB_ASSERT_MSG(gb_params_set(p, "W[1][5][0]=1", &e2) == GB_EINPUT && strstr(e2.msg, "range"),
                  "index out of range: %s", e2.msg);
    gb_err_clear(&e2);
    GB_ASSERT_MSG(gb_params_set(p, "W[1][0][0]=abc", &e2) == GB_EINPUT &&
                  strstr(e2.msg, "finite number"), "not a number: %s", e2.msg);
    gb_err_clear(&e2);
    GB_ASSERT_MSG(gb_params_set(p, "noequals", &e2) == GB_EINPUT, "no '='");
    gb_params_free(p);
    remove(tmp_path);
}

static void test_parse_double(void)
{
    double v;
    GB_ASSERT_MSG(gb_parse_double(" -1.25e-3 ", &v) == 0 && v == -1.25e-3, "plain");
    GB_ASSERT_MSG(gb_parse_double("nan", &v) != 0, "nan rejected");
    GB_ASSERT_MSG(gb_parse_double("inf", &v) != 0, "inf rejected");
    GB_ASSERT_MSG(gb_parse_double("1e999", &v) != 0, "overflow rejected");
    GB_ASSERT_MSG(gb_parse_double("0x10", &v) != 0, "hex rejected");
    GB_ASSERT_MSG(gb_parse_double("", &v) != 0, "empty rejected");
    GB_ASSERT_MSG(gb_parse_double("1 2", &v) != 0, "two numbers rejected");
}

/* Subnormal and underflowing numbers are finite and accepted; overflow is refused. */
static void test_parse_underflow(void)
{
    double v = 1;
    GB_ASSERT_MSG(gb_parse_double("1e-320", &v) == 0 && v > 0 && v < 1e-300, "1e-320: %g", v);
    GB_ASSERT_MSG(gb_parse_double("-1e-400", &v) == 0 && v == 0, "-1e-400: %g", v);
    GB_ASSERT_MSG(gb_parse_double("1e400", &v) != 0, "1e400 accepted");
    GB_ASSERT_MSG(gb_parse_double("-1e309", &v) != 0, "-1e309 accepted");
}

/* A word of a fixed set: its index; absent: 1 and nothing stored; another word: GB_EINPUT at
 * the value's line, listing the choices. */
static void test_choice(void)
{
    gb_err e = {0};
    int rc;
    gb_params *p = load_text("[a]\nhow = vary\nbad = often\n", &e, &rc);
    GB_ASSERT_MSG(rc == 0, "load: %s", e.msg);
    static const char *const how[] = {"fixed", "vary", "never"};
    size_t k = 99;
    GB_ASSERT_MSG(gb_params_choice(p, "a", "how", how, 3, &k, &e) == 0 && k == 1, "vary: %zu", k);
    k = 99;
    GB_ASSERT_MSG(gb_params_choice(p, "a", "none", how, 3, &k, &e) == 1 && k == 99, "absent");
    rc = gb_params_choice(p, "a", "bad", how, 3, &k, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, ":3:") &&
                  strstr(e.msg, "a.bad: expected fixed, vary or never, got 'often'"),
                  "another word: %d '%s'", rc, e.msg);
    gb_params_free(p);
    remove(tmp_path);
}

GB_TEST_SUITE(params)
{
    CU_pSuite s = CU_add_suite("params", NULL, NULL);
    GB_ADD(s, test_parse_underflow);
    GB_ADD(s, test_values);
    GB_ADD(s, test_bad_values_named_with_location);
    GB_ADD(s, test_bad_file);
    GB_ADD(s, test_set);
    GB_ADD(s, test_parse_double);
    GB_ADD(s, test_choice);
}
