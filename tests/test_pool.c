/* test_pool.c — the worker pool (classroom/pool.h): every index run exactly once across threads,
 * one job, no work, per-thread state freed once per worker, a stopped pool. */
#include "classroom/pool.h"
#include "gb_test.h"

#include <stdatomic.h>
#include <stdlib.h>

typedef struct counts {
    size_t n;
    atomic_int *runs;          /* n: how often each index ran */
    atomic_int states_made, states_freed;
    atomic_int wrong_state;    /* a job saw another worker's state */
} counts;

/* Each worker's state: a malloc'ed int holding 42, made at the worker's first index. */
static void count_job(size_t i, void **state, void *ctx)
{
    counts *c = ctx;
    if (!*state) {
        int *s = malloc(sizeof *s);
        if (!s) return;
        *s = 42;
        *state = s;
        atomic_fetch_add(&c->states_made, 1);
    } else if (*(int *)*state != 42) {
        atomic_fetch_add(&c->wrong_state, 1);
    }
    if (i < c->n) atomic_fetch_add(&c->runs[i], 1);
}

static counts *freeing;   /* the run whose states state_free counts (one test at a time) */

static void count_free(void *state)
{
    free(state);
    atomic_fetch_add(&freeing->states_freed, 1);
}

static void run_and_check(size_t n, unsigned jobs)
{
    counts c = {n, calloc(n ? n : 1, sizeof *c.runs), 0, 0, 0};
    GB_ASSERT_MSG(c.runs != NULL, "out of memory");
    if (!c.runs) return;
    freeing = &c;
    gb_pool_run(n, jobs, count_job, count_free, &c);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) bad += atomic_load(&c.runs[i]) != 1;
    GB_ASSERT_MSG(bad == 0, "n %zu, jobs %u: %zu indices not run exactly once", n, jobs, bad);
    int made = atomic_load(&c.states_made), freed = atomic_load(&c.states_freed);
    GB_ASSERT_MSG(made == freed, "n %zu, jobs %u: %d states made, %d freed", n, jobs, made, freed);
    GB_ASSERT_MSG(made <= (int)(jobs ? jobs : 1), "n %zu, jobs %u: %d states for at most %u "
                  "workers", n, jobs, made, jobs ? jobs : 1);
    GB_ASSERT_MSG(n == 0 || made >= 1, "n %zu, jobs %u: no state made", n, jobs);
    GB_ASSERT_MSG(atomic_load(&c.wrong_state) == 0, "n %zu, jobs %u: a job saw a foreign state",
                  n, jobs);
    free(c.runs);
}

static void test_every_index_once(void)
{
    run_and_check(10000, 4);
    run_and_check(1000, 8);
    run_and_check(3, 16);   /* more threads than work */
}

static void test_one_job(void)
{
    run_and_check(500, 1);
    run_and_check(500, 0);   /* 0 counts as 1 */
}

static void test_no_work(void)
{
    run_and_check(0, 1);
    run_and_check(0, 4);
}

/* The calling thread works beside the spawned ones; stopping hands out nothing more. */
static void test_start_work_stop(void)
{
    counts c = {2000, calloc(2000, sizeof *c.runs), 0, 0, 0};
    GB_ASSERT_MSG(c.runs != NULL, "out of memory");
    if (!c.runs) return;
    freeing = &c;
    gb_pool p;
    unsigned started = gb_pool_start(&p, c.n, 3, count_job, count_free, &c);
    GB_ASSERT_MSG(started <= 3, "%u threads started of 3", started);
    gb_pool_work(&p);
    gb_pool_join(&p);
    size_t bad = 0;
    for (size_t i = 0; i < c.n; i++) bad += atomic_load(&c.runs[i]) != 1;
    GB_ASSERT_MSG(bad == 0, "%zu indices not run exactly once", bad);

    for (size_t i = 0; i < c.n; i++) atomic_store(&c.runs[i], 0);
    gb_pool_start(&p, c.n, 0, count_job, count_free, &c);
    gb_pool_stop(&p);
    gb_pool_work(&p);
    gb_pool_join(&p);
    size_t ran = 0;
    for (size_t i = 0; i < c.n; i++) ran += (size_t)atomic_load(&c.runs[i]);
    GB_ASSERT_MSG(ran == 0, "a stopped pool ran %zu indices", ran);
    GB_ASSERT_MSG(atomic_load(&c.states_made) == atomic_load(&c.states_freed),
                  "%d states made, %d freed", atomic_load(&c.states_made),
                  atomic_load(&c.states_freed));
    free(c.runs);
}

GB_TEST_SUITE(pool)
{
    CU_pSuite s = CU_add_suite("pool", NULL, NULL);
    GB_ADD(s, test_every_index_once);
    GB_ADD(s, test_one_job);
    GB_ADD(s, test_no_work);
    GB_ADD(s, test_start_work_stop);
}
