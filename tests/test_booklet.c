/* test_booklet.c — class sets (book/document.h): parts built by worker threads and appended in
 * roster order, odd-page starts, volumes for large classes (the outline entries per student are
 * checked end to end, tests/e2e). */
#include "gb_test.h"
#include "gb_test_params.h"

#include "book/document.h"
#include "model/exercise.h"
#include "model/params.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/* Whether the text of page `page` (1-based) of path contains needle. */
static int page_has(const char *path, int page, const char *needle)
{
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd, "pdftotext -f %d -l %d '%s' - 2>/dev/null", page, page, path);
    int ok = gb_test_run(cmd, &out) == 0 && out && strstr(out, needle);
    free(out);
    return ok;
}

typedef struct job {
    const gb_booklet *b;
    const gb_params *p;
    int first, n;                  /* students first..first+n-1 */
    gb_booklet_part *parts[8];
    int rc;
} job;

static void *build_parts(void *arg)
{
    job *j = arg;
    for (int i = 0; i < j->n && !j->rc; i++) {
        char id[16], name[32];
        snprintf(id, sizeof id, "s%d", j->first + i);
        snprintf(name, sizeof name, "Student %d", j->first + i);
        gb_student s = {id, name, id, "00000000", 0};
        gb_err e = {0};
        j->rc = gb_booklet_part_build(j->b, j->p, -1, NULL, &s, NULL, &j->parts[i], &e);
    }
    return NULL;
}

/* Five students built by two threads (which end before the appends), appended in roster order
 * into volumes of two: three files; each student starts on an odd page of their volume (the key
 * template has an odd number of pages, so this needs the blank page, see test_single_file). */
static void test_volumes_from_threads(void)
{
    gb_params *p = gb_test_exercise_params();
    if (!p) return;
    char dir[256];
    gb_test_tmpdir("booklet", dir, sizeof dir);
    gb_err e = {0};
    gb_booklet *b = gb_booklet_new(gb_test_path("templates/key.ini"), 0, &e);
    GB_ASSERT_MSG(b != NULL, "booklet: %s", e.msg);
    char stem[300];
    snprintf(stem, sizeof stem, "%s/class", dir);
    int rc = b ? gb_booklet_output(b, stem, 5, 2, &e) : 1;
    GB_ASSERT_MSG(rc == 0, "output: %s", e.msg);
    job jobs[2] = {{b, p, 1, 3, {NULL}, 0}, {b, p, 4, 2, {NULL}, 0}};
    pthread_t th[2];
    for (int k = 0; !rc && k < 2; k++) GB_ASSERT_MSG(pthread_create(&th[k], NULL, build_parts,
                                                                    &jobs[k]) == 0, "thread");
    for (int k = 0; !rc && k < 2; k++) pthread_join(th[k], NULL);
    for (int k = 0; !rc && k < 2; k++) GB_ASSERT_MSG(jobs[k].rc == 0, "part of thread %d", k);
    /* roster order: s1..s5 */
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < jobs[k].n; i++) {
            if (!rc && jobs[k].parts[i]) rc = gb_booklet_append(b, jobs[k].parts[i], &e);
            else gb_booklet_part_free(jobs[k].parts[i]);
        }
    GB_ASSERT_MSG(rc == 0, "append: %s", e.msg);
    if (!rc) rc = gb_booklet_save(b, &e);
    GB_ASSERT_MSG(rc == 0, "save: %s", e.msg);
    gb_booklet_free(b);
    char path[320];
    snprintf(path, sizeof path, "%s.pdf", stem);
    GB_ASSERT_MSG(access(path, F_OK) != 0, "a single file %s was written besides volumes", path);
    /* volume k holds students 2k-1, 2k: the second starts on the first odd page after the
     * first's pages */
    int students[3][2] = {{1, 2}, {3, 4}, {5, 0}};
    for (int v = 0; v < 3 && !rc; v++) {
        snprintf(path, sizeof path, "%s-%d.pdf", stem, v + 1);
        int pages = gb_test_pdf_pages(path);
        GB_ASSERT_MSG(pages > 0, "volume %d missing or unreadable", v + 1);
        if (pages <= 0) continue;
        char who[32];
        snprintf(who, sizeof who, "Student %d", students[v][0]);
        GB_ASSERT_MSG(page_has(path, 1, who), "volume %d page 1 is not %s's", v + 1, who);
        if (!students[v][1]) continue;
        snprintf(who, sizeof who, "Student %d", students[v][1]);
        int start = 0;
        for (int pg = 2; pg <= pages && !start; pg++)
            if (page_has(path, pg, who)) start = pg;
        GB_ASSERT_MSG(start > 1 && start % 2 == 1, "volume %d: %s starts on page %d (odd wanted)",
                      v + 1, who, start);
    }
    snprintf(path, sizeof path, "%s-4.pdf", stem);
    GB_ASSERT_MSG(access(path, F_OK) != 0, "a fourth volume");
    gb_params_free(p);
    gb_test_rmdir(dir);
}

/* Builds a class set of `students` students (ids and names t0, t1, ...) of template tpl
 * (templates/...) in volumes of per_volume at stem. */
static int build_set(const gb_params *p, const char *tpl, const char *stem, size_t students,
                     size_t per_volume)
{
    gb_err e = {0};
    gb_booklet *b = gb_booklet_new(gb_test_path(tpl), 0, &e);
    int rc = b ? gb_booklet_output(b, stem, students, per_volume, &e) : 1;
    for (size_t i = 0; i < students && !rc; i++) {
        char id[32];
        snprintf(id, sizeof id, "t%zu", i);
        gb_student s = {id, id, id, "00000000", 0};
        gb_booklet_part *part = NULL;
        rc = gb_booklet_part_build(b, p, -1, NULL, &s, NULL, &part, &e);
        if (!rc) rc = gb_booklet_append(b, part, &e);
    }
    if (!rc) rc = gb_booklet_save(b, &e);
    GB_ASSERT_MSG(rc == 0, "class set: %s", e.msg);
    gb_booklet_free(b);
    return rc;
}

/* A class no larger than a volume: one file stem.pdf. The key template has an odd number of
 * pages P (checked), so the second student starts after a blank page: 2P + 1 pages in all, the
 * second student's first page P + 2. */
static void test_single_file(void)
{
    gb_params *p = gb_test_exercise_params();
    if (!p) return;
    char dir[256], one[300], stem[300], path[320];
    gb_test_tmpdir("booklet1", dir, sizeof dir);
    snprintf(one, sizeof one, "%s/one", dir);
    snprintf(stem, sizeof stem, "%s/class", dir);
    int rc = build_set(p, "templates/key.ini", one, 1, 2);
    snprintf(path, sizeof path, "%s.pdf", one);
    int P = rc ? -1 : gb_test_pdf_pages(path);
    GB_ASSERT_MSG(P > 0 && P % 2 == 1, "one student's key: %d pages (an odd count wanted, so the "
                  "test sees the padding)", P);
    if (!rc && P > 0 && !build_set(p, "templates/key.ini", stem, 2, 2)) {
        snprintf(path, sizeof path, "%s.pdf", stem);
        int pages = gb_test_pdf_pages(path);
        GB_ASSERT_MSG(pages == 2 * P + 1, "%s: %d pages, want %d", path, pages, 2 * P + 1);
        GB_ASSERT_MSG(page_has(path, 1, "t0") && page_has(path, P + 2, "t1") &&
                      !page_has(path, P + 1, "t1"), "the second student does not start on page %d",
                      P + 2);
        snprintf(path, sizeof path, "%s-1.pdf", stem);
        GB_ASSERT_MSG(access(path, F_OK) != 0, "a volume for a class of one volume");
    }
    gb_params_free(p);
    gb_test_rmdir(dir);
}

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f) fclose(f);
}

/* A class set replaces an earlier run's in the same place: no stale volume or single file of
 * another class is left beside it. */
static void test_stale_sets_removed(void)
{
    gb_params *p = gb_test_exercise_params();
    if (!p) return;
    char dir[256], stem[300], path[320];
    gb_test_tmpdir("booklet2", dir, sizeof dir);
    snprintf(stem, sizeof stem, "%s/class", dir);
    for (int v = 1; v <= 3; v++) {
        snprintf(path, sizeof path, "%s-%d.pdf", stem, v);
        touch(path);
    }
    if (!build_set(p, "templates/worksheet.ini", stem, 1, 5)) {
        snprintf(path, sizeof path, "%s.pdf", stem);
        GB_ASSERT_MSG(gb_test_pdf_pages(path) > 0, "the single file is missing");
        for (int v = 1; v <= 3; v++) {
            snprintf(path, sizeof path, "%s-%d.pdf", stem, v);
            GB_ASSERT_MSG(access(path, F_OK) != 0, "stale volume %d left", v);
        }
    }
    snprintf(path, sizeof path, "%s-3.pdf", stem);
    touch(path);
    if (!build_set(p, "templates/worksheet.ini", stem, 2, 1)) {
        snprintf(path, sizeof path, "%s.pdf", stem);
        GB_ASSERT_MSG(access(path, F_OK) != 0, "the earlier single file is left beside volumes");
        for (int v = 1; v <= 2; v++) {
            snprintf(path, sizeof path, "%s-%d.pdf", stem, v);
            GB_ASSERT_MSG(gb_test_pdf_pages(path) > 0, "volume %d missing", v);
        }
        snprintf(path, sizeof path, "%s-3.pdf", stem);
        GB_ASSERT_MSG(access(path, F_OK) != 0, "stale volume 3 left");
    }
    gb_params_free(p);
    gb_test_rmdir(dir);
}

/* The model built by the caller for params (gb_doc_opts.model) gives the file building it
 * again gives; the document takes it over also when the build fails (ASan sees no leak). */
static void test_model_taken_over(void)
{
    gb_params *p = gb_test_exercise_params();
    if (!p) return;
    char dir[256], a[300], b[300];
    gb_test_tmpdir("model_taken", dir, sizeof dir);
    snprintf(a, sizeof a, "%s/built.pdf", dir);
    snprintf(b, sizeof b, "%s/taken.pdf", dir);
    gb_err e = {0};
    gb_student s = {"s1", "Student 1", "s1", "00000000", 0};
    const char *tpl = gb_test_path("templates/key.ini");
    gb_doc_opts built = {tpl, p, -1, 0, &s, NULL};
    int rc = gb_doc_build(&built, a, &e);
    GB_ASSERT_MSG(rc == 0, "building: %s", e.msg);
    gb_model *m[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++) {
        gb_exercise ex;
        if (gb_exercise_load(&ex, p, -1, &e) == 0) {
            m[i] = gb_exercise_model(&ex);
            gb_exercise_free(&ex);
        }
        GB_ASSERT_MSG(m[i] != NULL, "model: %s", e.msg);
    }
    gb_doc_opts taken = {tpl, p, -1, 0, &s, m[0]};
    if (!rc && m[0]) rc = gb_doc_build(&taken, b, &e);
    else gb_model_free(m[0]);   /* not taken over */
    GB_ASSERT_MSG(rc == 0, "building with the model: %s", e.msg);
    GB_ASSERT_MSG(gb_test_same_file(a, b) > 1000, "the file differs with the model taken over");
    gb_doc_opts bad = {gb_test_path("templates/no-such.ini"), p, -1, 0, &s, m[1]};
    GB_ASSERT_MSG(m[1] && gb_doc_build(&bad, b, &e) != 0, "a missing template built");
    gb_params_free(p);
    gb_test_rmdir(dir);
}

GB_TEST_SUITE(booklet)
{
    CU_pSuite s = CU_add_suite("booklet", NULL, NULL);
    GB_ADD(s, test_volumes_from_threads);
    GB_ADD(s, test_single_file);
    GB_ADD(s, test_stale_sets_removed);
    GB_ADD(s, test_model_taken_over);
}
