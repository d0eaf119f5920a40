/* test_answer_sheet.c — reading answer sheets: numbers as students write them, header fields,
 * faulty lines reported with their line numbers, files that are not sheets, and random bytes
 * (no crash, no hang). */
#include "gb_test.h"

#include "classroom/answer_sheet.h"
#include "classroom/answers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const gb_question_spec QS[] = {
    {"z[1][0]", ".4g", {GB_TOL_REL, 0.005}, 1},
    {"yhat", ".4g", {GB_TOL_REL, 0.005}, 1},
    {"C", ".4g", {GB_TOL_REL, 0.005}, 2},
};
#define NQ (sizeof QS / sizeof QS[0])

static int num(const char *s, double *v)
{
    return gb_sheet_parse_number(s, strlen(s), v, NULL, 0);
}

static void test_numbers_accepted(void)
{
    /* Each form against the same number written plainly, read by strtod. */
    const char *forms[][2] = {
        {"0.1018", "0.1018"},      {".1018", "0.1018"},      {"-1.118e-1", "-0.1118"},
        {"1.018E-01", "0.1018"},   {"0,1018", "0.1018"},     {"  0,1018\t", "0.1018"},
        {"\xE2\x88\x92" "0.5", "-0.5"}, {"+3", "3"},         {"5.", "5"},
        {"-,5", "-0.5"},           {"1e3", "1000"},          {"2.5e\xE2\x88\x92" "2", "0.025"},
        {"98.75 %", "0.9875"},     {"\xC2\xA0" "7\xC2\xA0", "7"}, {"-0", "0"},
        {"1,5e-3", "0.0015"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        double v = NAN;
        int rc = num(forms[i][0], &v);
        GB_ASSERT_MSG(rc == 0, "'%s' is a number", forms[i][0]);
        if (rc == 0) GB_ASSERT_NEAR(v, strtod(forms[i][1], NULL), 0);
    }
    double v;
    GB_ASSERT_MSG(num("-0", &v) == 0 && !signbit(v), "-0 reads as +0");
}

static void test_numbers_rejected(void)
{
    const char *bad[] = {"", "   ", "abc", "1,234.5", "1.234,5", "1,234,567", "1 000", "inf",
                         "nan", "-inf", "0x1p3", "1e", "--1", "1/2", ".", "-", "e5", "1.2.3",
                         "12abc", "1e999", "5 kg", "\xE2\x88\x92", "0.1\xC3\xA9",
                         "1234567890123456789012345678901234567890123456789012345678901234567890"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 42;
        char why[96] = "";
        int rc = gb_sheet_parse_number(bad[i], strlen(bad[i]), &v, why, sizeof why);
        GB_ASSERT_MSG(rc == -1, "'%s' is rejected (got %g)", bad[i], v);
        GB_ASSERT_MSG(why[0] != '\0', "'%s' has a reason", bad[i]);
        GB_ASSERT_NEAR(v, 42, 0);
    }
    char why[96];
    double v;
    gb_sheet_parse_number("1,234.5", 7, &v, why, sizeof why);
    GB_ASSERT_MSG(strstr(why, "thousands") != NULL, "reason names thousands separators: %s", why);
    /* A NUL byte inside the given length is not a number. */
    GB_ASSERT_MSG(gb_sheet_parse_number("1\0" "2", 3, &v, NULL, 0) == -1, "NUL inside");
}

static int parse(const char *text, size_t len, gb_answer_sheet *s, gb_err *e)
{
    gb_err_clear(e);
    return gb_answer_sheet_parse(text, len, "sheet.txt", QS, NQ, s, e);
}

/* The first problem whose line is l, or NULL. */
static const char *problem_at(const gb_answer_sheet *s, unsigned l)
{
    for (size_t i = 0; i < s->nproblems; i++)
        if (s->problems[i].line == l) return s->problems[i].msg;
    return NULL;
}

static void test_round_trip_blank_sheet(void)
{
    char path[] = "/tmp/gb_test_sheet_XXXXXX";
    int fd = mkstemp(path);
    GB_ASSERT_MSG(fd >= 0, "temporary file");
    if (fd < 0) return;
    close(fd);
    gb_err e = {0};
    int rc = gb_answers_write_sheet(path, "ex3", "s1001", "0a1b2c3d", QS, NQ, &e);
    GB_ASSERT_MSG(rc == 0, "write: %s", e.msg);
    gb_answer_sheet s;
    rc = gb_answer_sheet_read(path, QS, NQ, &s, &e);
    GB_ASSERT_MSG(rc == 0, "read: %s", e.msg);
    if (rc == 0) {
        GB_ASSERT_MSG(!strcmp(s.assignment, "ex3") && !strcmp(s.student, "s1001") &&
                          !strcmp(s.variant, "0a1b2c3d"), "header fields");
        GB_ASSERT_MSG(s.nproblems == 0, "no problems (%zu: %s)", s.nproblems,
                      s.nproblems ? s.problems[0].msg : "");
        for (size_t i = 0; i < NQ; i++)
            GB_ASSERT_MSG(s.answers[i].state == GB_SHEET_BLANK && s.answers[i].line == 7 + i,
                          "q%zu blank on line %zu", i + 1, 7 + i);
        GB_ASSERT_MSG(gb_answer_sheet_expect(&s, "ex3", path, &e) == 0, "same assignment");
        gb_err_clear(&e);
        GB_ASSERT_MSG(gb_answer_sheet_expect(&s, "ex4", path, &e) == GB_EINPUT &&
                          strstr(e.msg, "'ex3'") && strstr(e.msg, "'ex4'"),
                      "another assignment: %s", e.msg);
    }
    gb_answer_sheet_free(&s);
    unlink(path);
}

static void test_answers_and_problems(void)
{
    static const char text[] =
        "\xEF\xBB\xBF# gradbook answer sheet\r\n"   /* 1 */
        "assignment: ex3\r\n"                       /* 2 */
        "Student :  s1001  \r\n"                    /* 3 */
        "variant: abc\r\n"                          /* 4 */
        "q1  z[1][0] = 0,1018\r\n"                  /* 5 */
        "q2  yhat = abc\r\n"                        /* 6 */
        "q9  C = 1\r\n"                             /* 7 */
        "hello there\r\n"                           /* 8 */
        "q3  yhat = 2\r\n"                          /* 9 */
        "# a comment\r\n"                           /* 10 */
        "student: s9999\r\n"                        /* 11 */
        "q3 = 0.25\n";                              /* 12 */
    gb_answer_sheet s;
    gb_err e;
    int rc = parse(text, sizeof text - 1, &s, &e);
    GB_ASSERT_MSG(rc == 0, "parse: %s", e.msg);
    if (rc) return;
    GB_ASSERT_MSG(!strcmp(s.student, "s1001"), "student trimmed, key case-insensitive: '%s'",
                  s.student);
    GB_ASSERT_MSG(s.answers[0].state == GB_SHEET_VALID && s.answers[0].line == 5, "q1 valid");
    GB_ASSERT_NEAR(s.answers[0].value, strtod("0.1018", NULL), 0);
    GB_ASSERT_MSG(!strcmp(s.answers[0].text, "0,1018"), "written text kept: %s",
                  s.answers[0].text);
    GB_ASSERT_MSG(s.answers[1].state == GB_SHEET_INVALID &&
                      strstr(s.answers[1].problem, "line 6") &&
                      strstr(s.answers[1].problem, "'abc' is not a number"),
                  "q2 not a number: %s", s.answers[1].problem);
    GB_ASSERT_MSG(s.answers[2].state == GB_SHEET_VALID && s.answers[2].line == 12,
                  "q3 answered on line 12 without its name");
    GB_ASSERT_NEAR(s.answers[2].value, 0.25, 0);
    GB_ASSERT_MSG(problem_at(&s, 6) != NULL, "line 6 reported");
    const char *p7 = problem_at(&s, 7), *p8 = problem_at(&s, 8), *p9 = problem_at(&s, 9);
    GB_ASSERT_MSG(p7 && strstr(p7, "q9"), "unknown q9 on line 7: %s", p7 ? p7 : "none");
    GB_ASSERT_MSG(p8 && strstr(p8, "line 8:"), "junk on line 8: %s", p8 ? p8 : "none");
    GB_ASSERT_MSG(p9 && strstr(p9, "'C'"), "wrong name on line 9: %s", p9 ? p9 : "none");
    GB_ASSERT_MSG(problem_at(&s, 11) != NULL, "a second, different student line");
    GB_ASSERT_MSG(problem_at(&s, 10) == NULL && problem_at(&s, 5) == NULL, "no false problems");
    gb_answer_sheet_free(&s);
}

static void test_duplicates_nul_utf8(void)
{
    static const char text[] = "# gradbook answer sheet\nstudent: a\n"
                               "q1 z[1][0] = 1\n"           /* 3 */
                               "q1 z[1][0] = 2\n"           /* 4 */
                               "q2 yhat = 0.\0" "5\n"       /* 5: NUL */
                               "q3 C = \xFF\xFE\n"          /* 6: invalid UTF-8 */
                               "q4";                        /* 7: no '=', no newline */
    gb_answer_sheet s;
    gb_err e;
    int rc = parse(text, sizeof text - 1, &s, &e);
    GB_ASSERT_MSG(rc == 0, "parse: %s", e.msg);
    if (rc) return;
    GB_ASSERT_MSG(s.answers[0].state == GB_SHEET_INVALID && strstr(s.answers[0].problem, "3") &&
                      strstr(s.answers[0].problem, "4"),
                  "two answers: neither graded (%s)", s.answers[0].problem);
    GB_ASSERT_MSG(s.answers[1].state == GB_SHEET_BLANK && problem_at(&s, 5), "NUL line ignored");
    GB_ASSERT_MSG(s.answers[2].state == GB_SHEET_BLANK && problem_at(&s, 6), "bad UTF-8 ignored");
    GB_ASSERT_MSG(problem_at(&s, 7) != NULL, "line without '='");
    gb_answer_sheet_free(&s);
}

static void test_not_a_sheet(void)
{
    gb_answer_sheet s;
    gb_err e;
    const char *texts[] = {"", "\n\n", "hello\n# gradbook answer sheet\nstudent: a\n",
                           "%PDF-1.7\n\x80\x81", "# gradbook answer sheet\nq1 z[1][0] = 1\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        int rc = parse(texts[i], strlen(texts[i]), &s, &e);
        GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, "sheet.txt"), "text %zu refused: %s", i,
                      e.msg);
        GB_ASSERT_MSG(s.answers == NULL, "nothing kept on error");
    }
    parse(texts[2], strlen(texts[2]), &s, &e);
    GB_ASSERT_MSG(strstr(e.msg, "not a gradbook answer sheet") != NULL, "says why: %s", e.msg);
    /* A line longer than the limit, and a file larger than the limit. */
    size_t big = GB_SHEET_MAX_BYTES + 10;
    char *t = malloc(big);
    if (!t) return;
    memset(t, 'x', big);
    memcpy(t, "# gradbook answer sheet\nstudent: a\n", 35);
    int rc = parse(t, GB_SHEET_MAX_LINE + 100, &s, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, ":3:") && strstr(e.msg, "longer"),
                  "long line 3: %s", e.msg);
    rc = parse(t, big, &s, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, "larger"), "too large: %s", e.msg);
    free(t);
    /* Files that are not regular, or missing. */
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_answer_sheet_read("/tmp", QS, NQ, &s, &e) == GB_EINPUT, "a directory");
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_answer_sheet_read("/nonexistent/x.txt", QS, NQ, &s, &e) == GB_EINPUT,
                  "missing: %s", e.msg);
    char fifo[] = "/tmp/gb_test_fifo_XXXXXX";
    int fd = mkstemp(fifo);
    if (fd >= 0) {
        close(fd);
        unlink(fifo);
        if (mkfifo(fifo, 0600) == 0) {
            gb_err_clear(&e);
            GB_ASSERT_MSG(gb_answer_sheet_read(fifo, QS, NQ, &s, &e) == GB_EINPUT,
                          "a FIFO is refused without hanging: %s", e.msg);
            unlink(fifo);
        }
    }
}

/* A small deterministic generator (xorshift64*), so a failure can be replayed. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static unsigned rnd(void) { return (unsigned)(gb_test_rand(&rng_state) >> 32); }

static void check_sane(const gb_answer_sheet *s)
{
    for (size_t i = 0; i < s->nq; i++) {
        const gb_sheet_answer *a = &s->answers[i];
        GB_ASSERT_MSG(a->state != GB_SHEET_VALID || isfinite(a->value), "finite values");
        GB_ASSERT_MSG(memchr(a->text, '\0', sizeof a->text) != NULL, "terminated text");
    }
    GB_ASSERT_MSG(s->nproblems <= GB_SHEET_MAX_PROBLEMS + 1, "problems bounded");
}

static void test_fuzz(void)
{
    static const char base[] = "# gradbook answer sheet\nassignment: ex3\nstudent: s1\n"
                               "variant: 00ff\nq1  z[1][0] = 0.1\nq2  yhat = -1,5e-2\n"
                               "q3  C = \xE2\x88\x92" "3\n";
    static const char alphabet[] = "q0123456789.,=eE+- \t\n\r#:%\xE2\x88\x92\xC2\xA0\xFF\x00";
    char buf[600];
    int parsed = 0;
    for (int it = 0; it < 4000; it++) {
        size_t len;
        if (it % 3 == 0) {                        /* random bytes after the first line */
            len = 24 + rnd() % 500;
            memcpy(buf, base, 24);
            for (size_t i = 24; i < len; i++) buf[i] = (char)(rnd() & 0xFF);
        } else if (it % 3 == 1) {                 /* mutations of a valid sheet */
            len = sizeof base - 1;
            memcpy(buf, base, len);
            for (int k = 0; k < 1 + (int)(rnd() % 6); k++) {
                size_t at = rnd() % len;
                if (rnd() % 2 && len < sizeof buf - 1) {
                    memmove(buf + at + 1, buf + at, len - at);
                    len++;
                }
                buf[at] = alphabet[rnd() % (sizeof alphabet - 1)];
            }
        } else {                                  /* random text over the sheet's alphabet */
            len = rnd() % 500;
            memcpy(buf, base, len < 24 ? len : 24);
            for (size_t i = 24; i < len; i++) buf[i] = alphabet[rnd() % (sizeof alphabet - 1)];
        }
        gb_answer_sheet s;
        gb_err e;
        int rc = parse(buf, len, &s, &e);
        GB_ASSERT_MSG(rc == 0 || rc == GB_EINPUT, "iteration %d: rc %d", it, rc);
        if (rc == 0) {
            parsed++;
            check_sane(&s);
        } else {
            GB_ASSERT_MSG(e.msg[0] != '\0', "iteration %d: an error says why", it);
        }
        gb_answer_sheet_free(&s);
        double v;
        gb_sheet_parse_number(buf, len < 80 ? len : 80, &v, NULL, 0);
    }
    GB_ASSERT_MSG(parsed > 500, "many fuzzed sheets still parse (%d)", parsed);
}

GB_TEST_SUITE(answer_sheet)
{
    CU_pSuite s = CU_add_suite("answer_sheet", NULL, NULL);
    GB_ADD(s, test_numbers_accepted);
    GB_ADD(s, test_numbers_rejected);
    GB_ADD(s, test_round_trip_blank_sheet);
    GB_ADD(s, test_answers_and_problems);
    GB_ADD(s, test_duplicates_nul_utf8);
    GB_ADD(s, test_not_a_sheet);
    GB_ADD(s, test_fuzz);
}
