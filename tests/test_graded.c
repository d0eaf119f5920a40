/* test_graded.c — the graded sheet PDF: every row's answer, key, mark and points, the total and
 * the feedback are in the text pdftotext reads back; a bad formula is an error and writes
 * nothing. */
#include "gb_test.h"

#include "book/graded.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_graded_sheet_text(void)
{
    char dir[] = "/tmp/gb_test_graded_XXXXXX";
    GB_ASSERT_MSG(mkdtemp(dir) != NULL, "temp dir");
    char out[256], cmd[512];
    snprintf(out, sizeof out, "%s/s-graded.pdf", dir);
    gb_student st = {"2023/0417", "Βασιλική Παπαδοπούλου", "2023/0417", "a1b2c3d4", 0};
    gb_graded_row rows[3] = {
        {1, "\\hat{y}", "0.5488", "0.5488", "[0.5461,\\ 0.5516]", GB_GRADED_RIGHT, 1, 1, NULL, NULL},
        {2, "\\delta^{[2]}", "0,1117", "-0.1117", "[-0.1123,\\ -0.1112]", GB_GRADED_WRONG, 0, 1,
         "(\\hat{y} - y)\\,\\hat{y}(1 - \\hat{y}) = (0.5488 - 1) \\times 0.5488 \\times (1 - 0.5488)",
         "matches the mistake: sign of (yhat - y) flipped"},
        {3, "C", "", "0.1018", NULL, GB_GRADED_BLANK, 0, 2, NULL, NULL},
    };
    const char *problems[] = {"line 9: 'not a line at all' is not an answer",
                              "line 11: q99 is not a question of this sheet"};
    gb_graded_sheet g = {&st, "ex3", rows, 3, 1, 4, NULL, problems, 2};
    gb_err e = {0};
    int rc = gb_graded_build(gb_test_path("templates/graded.ini"), 0, &g, out, &e);
    GB_ASSERT_MSG(rc == 0, "build: %s", e.msg);
    char *text = NULL;
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>/dev/null | tr -s ' \\n' ' '", out);
    GB_ASSERT_MSG(gb_test_run(cmd, &text) == 0 && text, "pdftotext");
    if (text) {
        const char *want[] = {"Βασιλική Παπαδοπούλου", "2023/0417", "a1b2c3d4", "Total: 1 / 4",
                              "your answer 0.5488", "0,1117", "right", "wrong", "blank",
                              "sign of (yhat - y) flipped", "0/2 points",
                              "Problems in the answer sheet", "'not a line at all' is not an answer",
                              "q99 is not a question of this sheet"};
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
            GB_ASSERT_MSG(strstr(text, want[i]) != NULL, "graded text has '%s'", want[i]);
    }
    free(text);
    /* A malformed formula: an error naming the question, and no file. */
    rows[1].feedback_tex = "\\frac{a}";
    char out2[256];
    snprintf(out2, sizeof out2, "%s/bad-graded.pdf", dir);
    gb_err e2 = {0};
    rc = gb_graded_build(gb_test_path("templates/graded.ini"), 0, &g, out2, &e2);
    GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e2.msg, "Q2"), "bad formula: rc %d '%s'", rc, e2.msg);
    GB_ASSERT_MSG(access(out2, F_OK) != 0, "nothing written on failure");
    remove(out);
    rmdir(dir);
}

GB_TEST_SUITE(graded)
{
    CU_pSuite s = CU_add_suite("graded", NULL, NULL);
    GB_ADD(s, test_graded_sheet_text);
}
