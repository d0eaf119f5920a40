/* test_batch.c — the class batch (classroom/batch.h) and its exports (classroom/answers.h): CSV
 * quoting read back with libcsv, a small class built in a temporary folder, files and names,
 * answers against an independent long-double computation, duplicates, reproducibility, and a
 * student whose files cannot be written. */
#include "gb_test.h"
#include "gb_test_params.h"
#include "ref_mlp.h"

#include "classroom/answers.h"
#include "classroom/batch.h"
#include "classroom/csv.h"
#include "classroom/filename.h"
#include "model/params.h"

#include <csv.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- helpers */




/* Entries of dir (not . and ..), sorted, joined with '\n'; count in *n. Caller frees. */
static char *list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d) return NULL;
    char *names[256];
    struct dirent *de;
    while ((de = readdir(d)) && *n < 256)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            names[(*n)++] = strdup(de->d_name);
    closedir(d);
    for (size_t i = 1; i < *n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j]; names[j] = names[j - 1]; names[j - 1] = t;
        }
    size_t len = 1;
    for (size_t i = 0; i < *n; i++) len += strlen(names[i]) + 1;
    char *out = calloc(len, 1);
    for (size_t i = 0; i < *n; i++) {
        strcat(out, names[i]);
        strcat(out, "\n");
        free(names[i]);
    }
    return out;
}

/* CSV read back with libcsv (an independent RFC 4180 parser): records of fields. */
#define MAXF 16
#define MAXR 256
typedef struct csv_table {
    char *cell[MAXR][MAXF];
    size_t nf[MAXR];
    size_t nr;
    size_t col;
} csv_table;

static void on_field(void *s, size_t len, void *data)
{
    csv_table *t = data;
    if (t->nr >= MAXR || t->col >= MAXF) return;
    char *c = malloc(len + 1);
    memcpy(c, s ? s : "", len);
    c[len] = '\0';
    t->cell[t->nr][t->col++] = c;
}

static void on_record(int ch, void *data)
{
    (void)ch;
    csv_table *t = data;
    if (t->nr < MAXR) t->nf[t->nr++] = t->col;
    t->col = 0;
}

static int read_csv(const char *path, csv_table *t)
{
    memset(t, 0, sizeof *t);
    size_t len;
    char *b = gb_test_slurp(path, &len);
    if (!b) return -1;
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    int ok = csv_parse(&p, b, len, on_field, on_record, t) == len &&
             csv_fini(&p, on_field, on_record, t) == 0;
    csv_free(&p);
    free(b);
    return ok ? 0 : -1;
}

static void free_csv(csv_table *t)
{
    for (size_t r = 0; r < MAXR; r++)
        for (size_t f = 0; f < MAXF; f++) free(t->cell[r][f]);
}

static int is_whole_pdf(const char *path)
{
    size_t n;
    char *b = gb_test_slurp(path, &n);
    int ok = b && n > 1000 && !memcmp(b, "%PDF-", 5) && strstr(b + n - 32, "%%EOF") != NULL;
    free(b);
    return ok;
}

/* ---------------------------------------------------------------- CSV quoting */

static char *field_text(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    gb_csv_field(f, s);
    fclose(f);
    return buf;
}

static void test_csv_field_quoting(void)
{
    /* RFC 4180 section 2, rules 5-7: plain fields as they are; a field with a comma, quote or
     * line break in double quotes, its quotes doubled. */
    const char *cases[][2] = {
        {"s4001", "s4001"},
        {"Varga, Nóra", "\"Varga, Nóra\""},
        {"Jan \"Hans\" Kuiper", "\"Jan \"\"Hans\"\" Kuiper\""},
        {"Haas\nEmil", "\"Haas\nEmil\""},
        {"a\r\nb", "\"a\r\nb\""},
        {"\"", "\"\"\"\""},
        {" lead", "\" lead\""},
        {"Παπαδόπουλος 王小明", "Παπαδόπουλος 王小明"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = field_text(cases[i][0]);
        GB_ASSERT_MSG(got && !strcmp(got, cases[i][1]), "field %zu: got [%s], expected [%s]", i,
                      got ? got : "(null)", cases[i][1]);
        free(got);
    }
}

/* Rows written by gb_answers_write_csv read back through libcsv field for field. */
static void test_csv_roundtrip(void)
{
    char dir[64], path[128];
    gb_test_tmpdir("batch", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/answers.csv", dir);
    gb_question_spec qs[2] = {{"z[1][0]", ".4g", {GB_TOL_REL, 0.005}, 1},
                              {"C", ".4f", {GB_TOL_ABS, 0.001}, 2.5}};
    const char *gnames[1] = {"x[0]"};
    double giv[1] = {0.5};
    double v1[2] = {0.1 + 0.2, -1.0 / 3.0}, v2[2] = {-2.5e-7, 7.0};
    gb_answer_row rows[2] = {
        {"s,1", "Doe, \"JJ\"\nJunior", "s_1", "s,1", 42, "0a1b2c3d", "x[0]=0.5", "x[0]=0.5|eta=1",
         giv, v1},
        {"王", "Ελένη", "王", "王", 7, "ffffffff", "x[0]=0.5", "x[0]=0.5|eta=1", giv, v2}};
    gb_answer_class c = {"Ex 3", qs, 2, gnames, 1, rows, 2};
    gb_err e = {0};
    int rc = gb_answers_write_csv(path, &c, &e);
    GB_ASSERT_MSG(rc == 0, "write_csv: %d %s", rc, e.msg);
    csv_table t;
    GB_ASSERT_MSG(read_csv(path, &t) == 0, "libcsv reads %s", path);
    GB_ASSERT_MSG(t.nr == 5, "1 header + 2 students x 2 questions = 5 records, got %zu", t.nr);
    for (size_t r = 0; r < t.nr; r++)
        GB_ASSERT_MSG(t.nf[r] == 10, "record %zu: %zu fields", r, t.nf[r]);
    if (t.nr == 5) {
        CU_ASSERT_STRING_EQUAL(t.cell[0][0], "student_id");
        CU_ASSERT_STRING_EQUAL(t.cell[0][9], "points");
        CU_ASSERT_STRING_EQUAL(t.cell[1][0], "s,1");
        CU_ASSERT_STRING_EQUAL(t.cell[1][1], "Doe, \"JJ\"\nJunior");
        CU_ASSERT_STRING_EQUAL(t.cell[1][2], "q1");
        CU_ASSERT_STRING_EQUAL(t.cell[1][3], "z[1][0]");
        /* %.17g reads back to the very same double */
        GB_ASSERT_MSG(strtod(t.cell[1][4], NULL) == v1[0], "value %s", t.cell[1][4]);
        GB_ASSERT_MSG(strtod(t.cell[2][4], NULL) == v1[1], "value %s", t.cell[2][4]);
        GB_ASSERT_MSG(strtod(t.cell[3][4], NULL) == v2[0], "value %s", t.cell[3][4]);
        CU_ASSERT_STRING_EQUAL(t.cell[1][5], "0.3");      /* .4g of 0.30000000000000004 */
        CU_ASSERT_STRING_EQUAL(t.cell[2][5], "-0.3333");  /* .4f */
        CU_ASSERT_STRING_EQUAL(t.cell[1][6], "rel:0.5%");
        /* interval: 0.3 -/+ 0.5 % of 0.3, and -1/3 -/+ 0.001 */
        GB_ASSERT_REL(strtod(t.cell[1][7], NULL), 0.3 * 0.995, 1e-14);
        GB_ASSERT_REL(strtod(t.cell[1][8], NULL), 0.3 * 1.005, 1e-14);
        GB_ASSERT_REL(strtod(t.cell[2][7], NULL), -1.0 / 3.0 - 0.001, 1e-14);
        GB_ASSERT_REL(strtod(t.cell[2][9], NULL), 2.5, 0);
        CU_ASSERT_STRING_EQUAL(t.cell[3][0], "王");
        CU_ASSERT_STRING_EQUAL(t.cell[4][1], "Ελένη");
    }
    free_csv(&t);
    /* The file ends records with CRLF, and nothing but the CSV is left in the folder. */
    size_t len;
    char *b = gb_test_slurp(path, &len);
    GB_ASSERT_MSG(b && len > 2 && !strcmp(b + len - 2, "\r\n"), "records end with CRLF");
    free(b);
    size_t n;
    char *l = list_dir(dir, &n);
    GB_ASSERT_MSG(n == 1, "only answers.csv in the folder: %s", l ? l : "");
    free(l);
    gb_test_rmdir(dir);
}

static void test_answer_sheet(void)
{
    char dir[64], path[128];
    gb_test_tmpdir("batch", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/s1-answers.txt", dir);
    gb_question_spec qs[2] = {{"z[1][0]", ".4g", {GB_TOL_REL, 0.005}, 1},
                              {"C", ".4f", {GB_TOL_REL, 0.005}, 1}};
    gb_err e = {0};
    int rc = gb_answers_write_sheet(path, "Ex 3", "../s1", "0a1b2c3d", qs, 2, &e);
    GB_ASSERT_MSG(rc == 0, "write_sheet: %s", e.msg);
    char *b = gb_test_slurp(path, NULL);
    const char *head = "# gradbook answer sheet\nassignment: Ex 3\nstudent: ../s1\n"
                       "variant: 0a1b2c3d\n";
    GB_ASSERT_MSG(b && !strncmp(b, head, strlen(head)), "header: [%s]", b ? b : "");
    GB_ASSERT_MSG(b && strstr(b, "\nq1  z[1][0] = \nq2  C = \n") &&
                  !strcmp(b + strlen(b) - 10, "\nq2  C = \n"), "question lines: [%s]", b ? b : "");
    free(b);
    gb_err_clear(&e);
    rc = gb_answers_write_sheet(path, "Ex 3", "a\nb", "0a1b2c3d", qs, 2, &e);
    CU_ASSERT_EQUAL(rc, GB_EINPUT);
    gb_test_rmdir(dir);
}

/* ---------------------------------------------------------------- the batch */

typedef struct klass {
    const char *ids[8];
    const char *names[8];
    char fnames[8][GB_FILENAME_MAX + 1];
    gb_batch_student s[8];
    size_t n;
} klass;

static void make_class(klass *k, size_t n, const char *const *ids, const char *const *names)
{
    k->n = n;
    for (size_t i = 0; i < n; i++) {
        k->ids[i] = ids[i];
        k->names[i] = names[i];
        gb_filename_from_id(ids[i], k->fnames[i], sizeof k->fnames[i]);
        k->s[i] = (gb_batch_student){ids[i], names[i], k->fnames[i], (unsigned)i + 2};
    }
}

static int run(const gb_params *p, const klass *k, const char *outdir, int booklet,
               unsigned jobs, gb_batch_report *r, gb_err *e)
{
    gb_batch_opts o = {p, "Exercise 3", gb_test_path("templates/worksheet.ini"), NULL, outdir,
                       1750000000, jobs, booklet, 0};
    char key[4096];
    snprintf(key, sizeof key, "%s", gb_test_path("templates/key.ini"));
    o.key_tpl = key;
    char ws[4096];
    snprintf(ws, sizeof ws, "%s", gb_test_path("templates/worksheet.ini"));
    o.worksheet_tpl = ws;
    return gb_batch_run(&o, k->s, k->n, r, e);
}

static const char *const ids3[] = {"../x", "a/b", "s4001"};
static const char *const names3[] = {"Varga, Nóra", "Παπαδόπουλος Ελένη", "王小明"};

/* The independent long-double forward and backward pass of the 2-2-1 sigmoid network
 * (ref_mlp.h) from one student's givens in answers.json, against every answer of that student
 * with that name. */
static int check_student_json(json_t *st, char *why, size_t cap)
{
    json_t *g = json_object_get(st, "givens");
    double x[2], W1[2][2], b1[2], W2[2], b2, y;
    char name[48];
    for (int k = 0; k < 2; k++) {
        snprintf(name, sizeof name, "x[%d]", k);
        x[k] = json_real_value(json_object_get(g, name));
        snprintf(name, sizeof name, "W[2][0][%d]", k);
        W2[k] = json_real_value(json_object_get(g, name));
        snprintf(name, sizeof name, "b[1][%d]", k);
        b1[k] = json_real_value(json_object_get(g, name));
        for (int j = 0; j < 2; j++) {
            snprintf(name, sizeof name, "W[1][%d][%d]", k, j);
            W1[k][j] = json_real_value(json_object_get(g, name));
        }
    }
    b2 = json_real_value(json_object_get(g, "b[2][0]"));
    json_t *jy = json_object_get(g, "y");
    if (!jy) jy = json_object_get(g, "y[0]");
    y = json_real_value(jy);
    ref_mlp r;
    ref_mlp_pass(x, W1, b1, W2, b2, y, &r);
    struct { const char *q; long double v; } want[] = {
        {"z[1][0]", r.z1[0]}, {"z[1][1]", r.z1[1]}, {"a[1][0]", r.a1[0]}, {"a[1][1]", r.a1[1]},
        {"z[2][0]", r.z2}, {"yhat", r.yhat}, {"C", r.C}, {"delta[2][0]", r.delta2},
        {"grad.W[2][0][0]", r.gW2[0]}, {"grad.W[2][0][1]", r.gW2[1]},
        {"delta[1][0]", r.delta1[0]}, {"grad.W[1][1][1]", r.gW1[1][1]}};
    json_t *qs = json_object_get(st, "questions");
    size_t matched = 0;
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++)
        for (size_t i = 0; i < json_array_size(qs); i++) {
            json_t *q = json_array_get(qs, i);
            if (strcmp(json_string_value(json_object_get(q, "quantity")), want[w].q)) continue;
            double got = json_real_value(json_object_get(q, "value"));
            long double d = fabsl((long double)got - want[w].v);
            if (d > 1e-14L + 1e-12L * fabsl(want[w].v)) {
                snprintf(why, cap, "%s: %.17g, independently %.17Lg", want[w].q, got, want[w].v);
                return -1;
            }
            double lo = json_real_value(json_object_get(q, "low"));
            double hi = json_real_value(json_object_get(q, "high"));
            if (!(lo <= got && got <= hi)) {
                snprintf(why, cap, "%s: value %.17g outside [%.17g, %.17g]", want[w].q, got, lo,
                         hi);
                return -1;
            }
            matched++;
        }
    if (matched < 6) {
        snprintf(why, cap, "only %zu of the independent values are asked", matched);
        return -1;
    }
    return 0;
}

static void test_batch_small_class(void)
{
    gb_params *p = gb_test_exercise_params();
    if (!p) return;
    char top[64], out[128], one[128], path[512], path2[512];
    gb_test_tmpdir("batch", top, sizeof top);
    snprintf(out, sizeof out, "%s/out", top);
    klass k;
    make_class(&k, 3, ids3, names3);
    gb_batch_report r;
    gb_err e = {0};
    int rc = run(p, &k, out, 1, 2, &r, &e);
    GB_ASSERT_MSG(rc == 0, "batch: %d %s", rc, e.msg);
    CU_ASSERT_EQUAL(r.failed, 0);
    GB_ASSERT_MSG(r.stats.accepted == 3, "3 variants accepted, got %zu", r.stats.accepted);
    gb_batch_report_free(&r);

    /* Nothing outside the output folder: the top folder holds only it. */
    size_t n;
    char *l = list_dir(top, &n);
    GB_ASSERT_MSG(n == 1 && l && !strcmp(l, "out\n"), "top folder: [%s]", l ? l : "");
    free(l);
    /* Exactly the expected files, named by the safe stems, no subfolder, no temporary file. */
    l = list_dir(out, &n);
    const char *want = "_x-answers.txt\n_x-key.pdf\n_x-worksheet.pdf\na_b-answers.txt\n"
                       "a_b-key.pdf\na_b-worksheet.pdf\nanswers.csv\nanswers.json\n"
                       "s4001-answers.txt\ns4001-key.pdf\ns4001-worksheet.pdf\n"
                       "worksheets-booklet.pdf\n";
    GB_ASSERT_MSG(l && !strcmp(l, want), "output folder:\n%s", l ? l : "");
    free(l);
    for (size_t i = 0; i < k.n; i++) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s-worksheet.pdf", out, k.fnames[i]);
        GB_ASSERT_MSG(stat(path, &st) == 0 && S_ISREG(st.st_mode) && is_whole_pdf(path),
                      "%s is a whole PDF", path);
        snprintf(path, sizeof path, "%s/%s-key.pdf", out, k.fnames[i]);
        GB_ASSERT_MSG(is_whole_pdf(path), "%s is a whole PDF", path);
    }

    /* answers.csv: a header and students x questions records, IDs unchanged. */
    csv_table t;
    snprintf(path, sizeof path, "%s/answers.csv", out);
    GB_ASSERT_MSG(read_csv(path, &t) == 0, "answers.csv parses");
    size_t nq = 0;
    for (size_t rr = 1; rr < t.nr; rr++)
        if (!strcmp(t.cell[rr][0], "../x")) nq++;
    GB_ASSERT_MSG(nq >= 10 && t.nr == 1 + 3 * nq, "records %zu, questions %zu", t.nr, nq);
    GB_ASSERT_MSG(t.nr > 1 + nq && !strcmp(t.cell[1 + nq][0], "a/b") &&
                  !strcmp(t.cell[1 + nq][1], "Παπαδόπουλος Ελένη"), "second student's rows");
    GB_ASSERT_MSG(!strcmp(t.cell[1][1], "Varga, Nóra"), "name with a comma: [%s]", t.cell[1][1]);
    free_csv(&t);

    /* answers.json: pairwise different variants, answers equal an independent computation. */
    snprintf(path, sizeof path, "%s/answers.json", out);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    GB_ASSERT_MSG(root != NULL, "answers.json: %s line %d", je.text, je.line);
    json_t *sts = json_object_get(root, "students");
    GB_ASSERT_MSG(json_array_size(sts) == 3, "3 students in answers.json");
    for (size_t i = 0; i < json_array_size(sts); i++) {
        json_t *st = json_array_get(sts, i);
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(st, "id")), ids3[i]);
        char why[256] = "";
        GB_ASSERT_MSG(check_student_json(st, why, sizeof why) == 0, "student %zu: %s", i, why);
        for (size_t j = 0; j < i; j++)
            GB_ASSERT_MSG(strcmp(json_string_value(json_object_get(st, "drawn")),
                                 json_string_value(json_object_get(json_array_get(sts, j),
                                                                   "drawn"))),
                          "students %zu and %zu have the same values", j, i);
    }
    json_decref(root);

    /* One student again, alone: byte-identical PDFs (the variant depends only on assignment and
     * ID; the date is fixed). */
    snprintf(one, sizeof one, "%s/one", top);
    klass k1;
    make_class(&k1, 1, ids3 + 1, names3 + 1);
    gb_err_clear(&e);
    rc = run(p, &k1, one, 0, 1, &r, &e);
    GB_ASSERT_MSG(rc == 0, "one student: %s", e.msg);
    gb_batch_report_free(&r);
    snprintf(path, sizeof path, "%s/a_b-worksheet.pdf", out);
    snprintf(path2, sizeof path2, "%s/a_b-worksheet.pdf", one);
    GB_ASSERT_MSG(gb_test_same_file(path, path2), "worksheet regenerated byte for byte");
    snprintf(path, sizeof path, "%s/a_b-key.pdf", out);
    snprintf(path2, sizeof path2, "%s/a_b-key.pdf", one);
    GB_ASSERT_MSG(gb_test_same_file(path, path2), "key regenerated byte for byte");
    snprintf(path, sizeof path, "%s/a_b-answers.txt", out);
    snprintf(path2, sizeof path2, "%s/a_b-answers.txt", one);
    GB_ASSERT_MSG(gb_test_same_file(path, path2), "answer sheet regenerated byte for byte");
    gb_test_rmdir(top);
    gb_params_free(p);
}

static void test_batch_failing_student(void)
{
    gb_params *p = gb_test_exercise_params();
    if (!p) return;
    char top[64], out[128], path[512];
    gb_test_tmpdir("batch", top, sizeof top);
    snprintf(out, sizeof out, "%s/out", top);
    mkdir(out, 0777);
    /* A folder where a's key should go: its rename fails, the others are unaffected. */
    snprintf(path, sizeof path, "%s/a_b-key.pdf", out);
    mkdir(path, 0777);
    klass k;
    make_class(&k, 3, ids3, names3);
    gb_batch_report r;
    gb_err e = {0};
    int rc = run(p, &k, out, 0, 2, &r, &e);
    CU_ASSERT_EQUAL(rc, GB_EINTERNAL);
    GB_ASSERT_MSG(r.failed == 1 && r.failed_idx && r.failed_idx[0] == 1,
                  "one failed student, index 1: failed %zu", r.failed);
    GB_ASSERT_MSG(strstr(e.msg, "1 of 3 students failed") && strstr(e.msg, "'a/b'"),
                  "message: %s", e.msg);
    gb_batch_report_free(&r);
    const char *stems[2] = {"_x", "s4001"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s-worksheet.pdf", out, stems[i]);
        GB_ASSERT_MSG(is_whole_pdf(path), "%s complete", path);
        snprintf(path, sizeof path, "%s/%s-key.pdf", out, stems[i]);
        GB_ASSERT_MSG(is_whole_pdf(path), "%s complete", path);
    }
    size_t n;
    char *l = list_dir(out, &n);
    GB_ASSERT_MSG(l && !strstr(l, ".tmp-"), "no temporary file left: %s", l ? l : "");
    free(l);
    gb_test_rmdir(top);
    gb_params_free(p);
}

/* Checks: nothing is written (the output folder is not even created). */
static void test_batch_bad_class(void)
{
    gb_params *p = gb_test_exercise_params();
    if (!p) return;
    char top[64], out[128];
    gb_test_tmpdir("batch", top, sizeof top);
    snprintf(out, sizeof out, "%s/out", top);
    gb_batch_student same[2] = {{"Ab", "A", "Ab", 2}, {"aB", "B", "aB", 5}};
    gb_batch_opts o = {p, "Ex", "/nonexistent/w.ini", "/nonexistent/k.ini", out, 0, 1, 0, 0};
    gb_batch_report r;
    gb_err e = {0};
    int rc = gb_batch_run(&o, same, 2, &r, &e);
    CU_ASSERT_EQUAL(rc, GB_EINPUT);
    GB_ASSERT_MSG(strstr(e.msg, "line 2") && strstr(e.msg, "line 5"), "names both lines: %s",
                  e.msg);
    gb_batch_student bad[3][1] = {{{"", "A", "x", 3}}, {{"../x", "A", "../x", 4}},
                                  {{"x", "A", ".hidden", 6}}};
    for (int i = 0; i < 3; i++) {
        gb_err_clear(&e);
        rc = gb_batch_run(&o, bad[i], 1, &r, &e);
        CU_ASSERT_EQUAL(rc, GB_EINPUT);
        char line[16];
        snprintf(line, sizeof line, "line %u", bad[i][0].line);
        GB_ASSERT_MSG(strstr(e.msg, line) != NULL, "case %d names %s: %s", i, line, e.msg);
    }
    struct stat st;
    GB_ASSERT_MSG(stat(out, &st) != 0, "output folder not created");
    gb_test_rmdir(top);
    gb_params_free(p);
}

/* With exactly two possible variants, two students get both, in roster order; a third cannot be
 * drawn and nothing is written. */
static void test_batch_duplicates(void)
{
    char top[64], ini[160], out[160];
    gb_test_tmpdir("batch", top, sizeof top);
    snprintf(ini, sizeof ini, "%s/two.ini", top);
    snprintf(out, sizeof out, "%s/out", top);
    FILE *f = fopen(ini, "w");
    fputs("[network]\nsizes = [2, 2, 1]\nactivation = sigmoid\nleaky_relu_alpha = 0.01\n"
          "seed = 1\n[sample]\nx = [0.5, -1.5]\nW1 = [[0.1, -0.2], [0.4, 0.2]]\n"
          "b1 = [0.0, -0.1]\nW2 = [[0.3, -0.4]]\nb2 = [0.2]\ny = [1]\neta = 1.0\n"
          "[perceptron]\ninputs = [2, 3, 4]\nactivation = sigmoid\nseed = 42\n"
          "[variants]\nx[0] = {0.5, 1.5}\nmax_draws = 50\n", f);
    fclose(f);
    gb_params *p = gb_params_new();
    gb_err e = {0};
    GB_ASSERT_MSG(gb_params_load(p, ini, &e) == 0, "%s", e.msg);
    static const char *const ids[] = {"p", "q", "r"};
    static const char *const names[] = {"P", "Q", "R"};
    klass k;
    make_class(&k, 3, ids, names);
    gb_batch_report r;
    int rc = run(p, &k, out, 0, 2, &r, &e);
    CU_ASSERT_EQUAL(rc, GB_EINPUT);
    GB_ASSERT_MSG(strstr(e.msg, "student 'r'") && strstr(e.msg, "line 4"), "names r: %s",
                  e.msg);
    struct stat st;
    GB_ASSERT_MSG(stat(out, &st) != 0, "nothing written");
    k.n = 2;
    gb_err_clear(&e);
    rc = run(p, &k, out, 0, 1, &r, &e);
    GB_ASSERT_MSG(rc == 0, "two students: %s", e.msg);
    gb_batch_report_free(&r);
    char path[256];
    snprintf(path, sizeof path, "%s/answers.json", out);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    json_t *sts = json_object_get(root, "students");
    const char *d0 = json_string_value(json_object_get(json_array_get(sts, 0), "drawn"));
    const char *d1 = json_string_value(json_object_get(json_array_get(sts, 1), "drawn"));
    GB_ASSERT_MSG(d0 && d1 && ((!strcmp(d0, "x[0]=0.5") && !strcmp(d1, "x[0]=1.5")) ||
                               (!strcmp(d0, "x[0]=1.5") && !strcmp(d1, "x[0]=0.5"))),
                  "both values used once: %s, %s", d0 ? d0 : "", d1 ? d1 : "");
    json_decref(root);
    gb_test_rmdir(top);
    gb_params_free(p);
}

GB_TEST_SUITE(batch)
{
    CU_pSuite s = CU_add_suite("batch", NULL, NULL);
    GB_ADD(s, test_csv_field_quoting);
    GB_ADD(s, test_csv_roundtrip);
    GB_ADD(s, test_answer_sheet);
    GB_ADD(s, test_batch_bad_class);
    GB_ADD(s, test_batch_small_class);
    GB_ADD(s, test_batch_failing_student);
    GB_ADD(s, test_batch_duplicates);
}
