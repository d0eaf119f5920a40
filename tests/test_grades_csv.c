/* test_grades_csv.c — the class files of `gradbook grade` (classroom/grades_csv.h) read back with
 * libcsv, an independent RFC 4180 parser; the misconception tally; and collecting submissions
 * from files and folders (classroom/submissions.h). */
#include "gb_test.h"

#include "classroom/grades_csv.h"
#include "classroom/submissions.h"

#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- helpers */




static void touch(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (f) { fputs(text, f); fclose(f); }
}

/* A CSV table read by libcsv: fields[r][c], up to 16 rows of 8 fields. */
typedef struct table {
    char *cell[16][8];
    size_t ncols[16];
    size_t nrows;
} table;

static void on_field(void *s, size_t len, void *data)
{
    table *t = data;
    if (t->nrows >= 16 || t->ncols[t->nrows] >= 8) return;
    char *c = malloc(len + 1);
    memcpy(c, s, len);
    c[len] = '\0';
    t->cell[t->nrows][t->ncols[t->nrows]++] = c;
}

static void on_row(int ch, void *data)
{
    (void)ch;
    table *t = data;
    if (t->nrows < 16) t->nrows++;
}

static int read_table(const char *path, table *t)
{
    memset(t, 0, sizeof *t);
    size_t len = 0;
    char *b = gb_test_slurp(path, &len);
    if (!b) return -1;
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    int rc = csv_parse(&p, b, len, on_field, on_row, t) == len ? 0 : -1;
    if (csv_fini(&p, on_field, on_row, t) != 0) rc = -1;
    csv_free(&p);
    free(b);
    return rc;
}

static void free_table(table *t)
{
    for (size_t r = 0; r < 16; r++)
        for (size_t c = 0; c < 8; c++) free(t->cell[r][c]);
}

/* ---------------------------------------------------------------- grades.csv */

static void test_grades_csv_read_back(void)
{
    char dir[64];
    gb_test_tmpdir("grades", dir, sizeof dir);
    char path[128];
    snprintf(path, sizeof path, "%s/grades.csv", dir);
    /* Names that need quoting (comma, quote, line break, leading blank) and UTF-8. */
    gb_grade_line rows[] = {
        {"s1003", "Varga, Nóra", 21.5, 27},
        {"s1008", "Okoro \"Chi\" Amaka", 27, 27},
        {"2023/0417", "Haas\nEmil", 0, 27},
        {"s1004", " Αλέξανδρος", 0.1 + 0.2, 3},
    };
    gb_err e = {0};
    int rc = gb_grades_write_csv(path, rows, 4, &e);
    GB_ASSERT_MSG(rc == 0, "write: %s", e.msg);
    table t;
    GB_ASSERT_MSG(read_table(path, &t) == 0, "libcsv (strict) reads grades.csv");
    GB_ASSERT_MSG(t.nrows == 5, "header + 4 rows, got %zu", t.nrows);
    const char *head[] = {"ID number", "Full name", "Grade", "Maximum", "Percent"};
    for (size_t c = 0; c < 5; c++)
        GB_ASSERT_MSG(t.cell[0][c] && !strcmp(t.cell[0][c], head[c]), "header %zu: %s", c,
                      t.cell[0][c] ? t.cell[0][c] : "(none)");
    for (size_t r = 0; r < 4 && t.nrows == 5; r++) {
        GB_ASSERT_MSG(t.ncols[r + 1] == 5, "row %zu has 5 fields, got %zu", r, t.ncols[r + 1]);
        GB_ASSERT_MSG(!strcmp(t.cell[r + 1][0], rows[r].id), "ID '%s'", t.cell[r + 1][0]);
        GB_ASSERT_MSG(!strcmp(t.cell[r + 1][1], rows[r].name), "name '%s' read back as '%s'",
                      rows[r].name, t.cell[r + 1][1]);
        /* The grade reads back to the points within the %.10g printing. */
        GB_ASSERT_NEAR(strtod(t.cell[r + 1][2], NULL), rows[r].total, 1e-9);
        GB_ASSERT_NEAR(strtod(t.cell[r + 1][3], NULL), rows[r].max, 1e-9);
        /* Percent: an independent rounding of the exact fraction to one decimal. */
        double want = floor(1000.0 * rows[r].total / rows[r].max + 0.5) / 10.0;
        GB_ASSERT_NEAR(strtod(t.cell[r + 1][4], NULL), want, 1e-9);
    }
    if (t.nrows == 5) {
        GB_ASSERT_MSG(!strcmp(t.cell[4][2], "0.3"), "0.1 + 0.2 prints as 0.3, got %s",
                      t.cell[4][2]);
        GB_ASSERT_MSG(!strcmp(t.cell[1][4], "79.6"), "21.5/27 is 79.6 %%, got %s",
                      t.cell[1][4]);
    }
    free_table(&t);
    size_t len;
    char *raw = gb_test_slurp(path, &len);
    GB_ASSERT_MSG(raw && len > 3 && memcmp(raw, "\xEF\xBB\xBF", 3) != 0, "no BOM");
    GB_ASSERT_MSG(raw && !strncmp(raw, "ID number,Full name,Grade,Maximum,Percent\r\n", 43),
                  "header ends with CRLF");
    GB_ASSERT_MSG(raw && len >= 2 && raw[len - 2] == '\r' && raw[len - 1] == '\n',
                  "the last record ends with CRLF");
    free(raw);
    gb_test_rmdir(dir);
}

static void test_grades_csv_empty_class(void)
{
    char dir[64], path[128];
    gb_test_tmpdir("grades", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/grades.csv", dir);
    gb_err e = {0};
    GB_ASSERT_MSG(gb_grades_write_csv(path, NULL, 0, &e) == 0, "%s", e.msg);
    char *raw = gb_test_slurp(path, NULL);
    GB_ASSERT_MSG(raw && !strcmp(raw, "ID number,Full name,Grade,Maximum,Percent\r\n"),
                  "header only: '%s'", raw ? raw : "(none)");
    free(raw);
    gb_test_rmdir(dir);
}

static void test_grades_csv_rejects_bad_rows(void)
{
    char dir[64], path[128];
    gb_test_tmpdir("grades", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/grades.csv", dir);
    gb_grade_line nan_row = {"s1", "A", NAN, 10};
    gb_grade_line neg_row = {"s2", "B", -1, 10};
    gb_grade_line utf_row = {"s3", "\xC3\x28", 1, 10};
    gb_grade_line inf_row = {"s4", "D", 1, INFINITY};
    const gb_grade_line *bad[] = {&nan_row, &neg_row, &utf_row, &inf_row};
    for (size_t i = 0; i < 4; i++) {
        gb_err e = {0};
        int rc = gb_grades_write_csv(path, bad[i], 1, &e);
        GB_ASSERT_MSG(rc == GB_EINPUT, "bad row %zu: code %d", i, rc);
        GB_ASSERT_MSG(strstr(e.msg, bad[i] == &utf_row ? "UTF-8" : bad[i]->id) != NULL,
                      "the message names the student or the fault: %s", e.msg);
        GB_ASSERT_MSG(access(path, F_OK) != 0, "nothing written for bad row %zu", i);
    }
    /* An impossible place (a folder inside a regular file): an error naming the path, nothing
     * written. */
    gb_grade_line ok_row = {"s1", "A", 1, 2};
    gb_err e = {0};
    char blocker[300], inside[340];
    snprintf(blocker, sizeof blocker, "%s/plain-file", dir);
    FILE *bf = fopen(blocker, "w");
    if (bf) fclose(bf);
    snprintf(inside, sizeof inside, "%s/grades.csv", blocker);
    int rc = gb_grades_write_csv(inside, &ok_row, 1, &e);
    GB_ASSERT_MSG(rc != 0 && strstr(e.msg, "plain-file"), "code %d: %s", rc, e.msg);
    gb_test_rmdir(dir);
}

static void test_grades_percent(void)
{
    char b[32];
    gb_grades_percent(21.5, 27, b, sizeof b);
    GB_ASSERT_MSG(!strcmp(b, "79.6"), "21.5/27 -> %s", b);
    gb_grades_percent(0, 0, b, sizeof b);
    GB_ASSERT_MSG(!strcmp(b, "0.0"), "0/0 -> %s", b);
    gb_grades_percent(1, 3, b, sizeof b);
    GB_ASSERT_MSG(!strcmp(b, "33.3"), "1/3 -> %s", b);
    gb_grades_percent(2, 3, b, sizeof b);
    GB_ASSERT_MSG(!strcmp(b, "66.7"), "2/3 -> %s", b);
    gb_grades_percent(25, 25, b, sizeof b);
    GB_ASSERT_MSG(!strcmp(b, "100.0"), "25/25 -> %s", b);
}

/* ---------------------------------------------------------------- the tally */

static void test_tally_counts_and_order(void)
{
    gb_tally *t = gb_tally_new();
    GB_ASSERT_MSG(t != NULL, "tally allocated");
    if (!t) return;
    /* 3 x sign on q11, 1 x no-dact on q11, 2 x no-bias on q3, 1 x plus-step on q25. */
    const struct { int q; const char *n, *m; } adds[] = {
        {25, "new.W[2][0][0]", "plus-step"}, {11, "delta[2][0]", "sign"},
        {3, "z[1][0]", "no-bias"}, {11, "delta[2][0]", "no-dact"},
        {11, "delta[2][0]", "sign"}, {3, "z[1][0]", "no-bias"}, {11, "delta[2][0]", "sign"}};
    for (size_t i = 0; i < sizeof adds / sizeof adds[0]; i++)
        GB_ASSERT_MSG(gb_tally_add(t, adds[i].q, adds[i].n, adds[i].m) == 0, "add %zu", i);
    GB_ASSERT_MSG(gb_tally_add(t, 1, NULL, "x") == -1, "NULL quantity refused");
    size_t n;
    const gb_tally_entry *v = gb_tally_sorted(t, &n);
    GB_ASSERT_MSG(n == 4, "4 distinct (question, mistake) pairs, got %zu", n);
    const struct { int q; const char *m; size_t c; } want[] = {
        {3, "no-bias", 2}, {11, "sign", 3}, {11, "no-dact", 1}, {25, "plus-step", 1}};
    for (size_t i = 0; i < 4 && n == 4; i++)
        GB_ASSERT_MSG(v[i].question == want[i].q && !strcmp(v[i].mistake, want[i].m) &&
                      v[i].count == want[i].c, "entry %zu: q%d %s %zu", i, v[i].question,
                      v[i].mistake, v[i].count);

    char dir[64], path[128];
    gb_test_tmpdir("grades", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/misconceptions.csv", dir);
    gb_err e = {0};
    GB_ASSERT_MSG(gb_tally_write_csv(t, path, &e) == 0, "%s", e.msg);
    table tb;
    GB_ASSERT_MSG(read_table(path, &tb) == 0, "libcsv reads misconceptions.csv");
    GB_ASSERT_MSG(tb.nrows == 5, "header + 4 rows, got %zu", tb.nrows);
    if (tb.nrows == 5) {
        GB_ASSERT_MSG(!strcmp(tb.cell[0][0], "question") && !strcmp(tb.cell[0][3], "count"),
                      "header");
        GB_ASSERT_MSG(!strcmp(tb.cell[2][0], "q11") && !strcmp(tb.cell[2][1], "delta[2][0]") &&
                      !strcmp(tb.cell[2][2], "sign") && !strcmp(tb.cell[2][3], "3"),
                      "row 2: %s,%s,%s,%s", tb.cell[2][0], tb.cell[2][1], tb.cell[2][2],
                      tb.cell[2][3]);
    }
    free_table(&tb);

    char ppath[128];
    snprintf(ppath, sizeof ppath, "%s/summary.txt", dir);
    FILE *f = fopen(ppath, "w");
    gb_tally_print(t, f);
    fclose(f);
    char *s = gb_test_slurp(ppath, NULL);
    GB_ASSERT_MSG(s && strstr(s, "q11") && strstr(s, "sign") && strstr(s, "   3\n"),
                  "printed summary: %s", s ? s : "(none)");
    free(s);
    gb_tally_free(t);

    gb_tally *empty = gb_tally_new();
    f = fopen(ppath, "w");
    gb_tally_print(empty, f);
    fclose(f);
    s = gb_test_slurp(ppath, NULL);
    GB_ASSERT_MSG(s && !strcmp(s, "No named misconception was found.\n"), "empty: %s",
                  s ? s : "(none)");
    free(s);
    GB_ASSERT_MSG(gb_tally_write_csv(empty, path, &e) == 0, "%s", e.msg);
    s = gb_test_slurp(path, NULL);
    GB_ASSERT_MSG(s && !strcmp(s, "question,quantity,mistake,count\r\n"), "header only");
    free(s);
    gb_tally_free(empty);
    gb_tally_free(NULL);
    gb_test_rmdir(dir);
}

/* ---------------------------------------------------------------- submissions */

static void test_submissions_folder_and_files(void)
{
    char dir[64];
    gb_test_tmpdir("grades", dir, sizeof dir);
    touch(dir, "s1002.txt", "x");
    touch(dir, "s1001b.txt", "x");
    touch(dir, "s1001.txt", "x");
    touch(dir, ".hidden.txt", "x");
    touch(dir, "notes.pdf", "x");
    touch(dir, "txt", "x");
    char sub[128], fifo[128], empty[128], missing[128], file[128];
    snprintf(sub, sizeof sub, "%s/inner.txt", dir);        /* a folder named like a sheet */
    mkdir(sub, 0777);
    touch(sub, "deep.txt", "x");
    snprintf(fifo, sizeof fifo, "%s/pipe.txt", dir);
    int have_fifo = mkfifo(fifo, 0600) == 0;
    snprintf(empty, sizeof empty, "%s/emptydir", dir);
    mkdir(empty, 0777);
    snprintf(missing, sizeof missing, "%s/nope", dir);
    snprintf(file, sizeof file, "%s/s1002.txt", dir);      /* also inside the folder: once */

    const char *args[] = {dir, missing, empty, file, "relative-nonexistent.txt"};
    gb_submission_list l;
    gb_err e = {0};
    GB_ASSERT_MSG(gb_submissions_collect(args, 5, &l, &e) == 0, "%s", e.msg);
    const char *want[] = {"s1001.txt", "s1001b.txt", "s1002.txt", "nope", "emptydir",
                          "relative-nonexistent.txt"};
    const int want_err[] = {0, 0, 0, 1, 1, 1};
    GB_ASSERT_MSG(l.n == 6, "6 entries, got %zu", l.n);
    for (size_t i = 0; i < l.n && l.n == 6; i++) {
        GB_ASSERT_MSG(!strcmp(gb_submission_basename(l.v[i].path), want[i]),
                      "entry %zu: %s, expected %s", i, l.v[i].path, want[i]);
        GB_ASSERT_MSG((l.v[i].error != NULL) == want_err[i], "entry %zu error: %s", i,
                      l.v[i].error ? l.v[i].error : "(none)");
    }
    if (l.n == 6) {
        GB_ASSERT_MSG(strstr(l.v[3].error, "no such file"), "missing: %s", l.v[3].error);
        GB_ASSERT_MSG(strstr(l.v[4].error, "without .txt"), "empty folder: %s", l.v[4].error);
        GB_ASSERT_MSG(!strncmp(l.v[0].path, dir, strlen(dir)), "folder entries keep the folder");
    }
    GB_ASSERT_MSG(have_fifo, "mkfifo worked (the FIFO was skipped above)");
    gb_submission_list_free(&l);
    gb_submission_list_free(&l);   /* twice is harmless */
    GB_ASSERT_MSG(!strcmp(gb_submission_basename("a/b/c.txt"), "c.txt") &&
                  !strcmp(gb_submission_basename("c.txt"), "c.txt"), "basename");
    gb_test_rmdir(dir);
}

GB_TEST_SUITE(grades_csv)
{
    CU_pSuite s = CU_add_suite("grades_csv", NULL, NULL);
    GB_ADD(s, test_grades_csv_read_back);
    GB_ADD(s, test_grades_csv_empty_class);
    GB_ADD(s, test_grades_csv_rejects_bad_rows);
    GB_ADD(s, test_grades_percent);
    GB_ADD(s, test_tally_counts_and_order);
    GB_ADD(s, test_submissions_folder_and_files);
}
