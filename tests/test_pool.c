/* test_pool.c — the worker pool (classroom/pool.h): every index run exactly once across threads,
 * one job, no work, per-thread state freed once per worker, a stopped pool. */
#include "classroom/pool.h"
#include "gb_test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef struct counts {
    size_t n;
    atomic_int *runs;          /* n: how often each index ran */
    atomic_int states_made, states_freed;
    atomic_int wrong_state;    /* a job saw another worker's state */
} counts;

/* Each worker's state: the thread that made it (malloc'ed), made at the worker's first index; a
 * state seen by another thread is a foreign one. */
static void count_job(size_t i, void **state, void *ctx)
{
    counts *c = ctx;
    if (!*state) {
        pthread_t *s = malloc(sizeof *s);
        if (!s) return;
        *s = pthread_self();
        *state = s;
        atomic_fetch_add(&c->states_made, 1);
    } else if (!pthread_equal(*(pthread_t *)*state, pthread_self())) {
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

    /* no thread spawned: the calling thread does all the work */
    for (size_t i = 0; i < c.n; i++) atomic_store(&c.runs[i], 0);
    GB_ASSERT_MSG(gb_pool_start(&p, c.n, 0, count_job, count_free, &c) == 0, "threads spawned");
    gb_pool_work(&p);
    gb_pool_join(&p);
    bad = 0;
    for (size_t i = 0; i < c.n; i++) bad += atomic_load(&c.runs[i]) != 1;
    GB_ASSERT_MSG(bad == 0, "the calling thread alone: %zu indices not run exactly once", bad);

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

/* The handoff: 501 items put by pool workers in whatever order they finish (odd indices put
 * nothing), taken in index order by this thread; an item put and not taken is freed by
 * gb_handoff_free, NULL items are not. */
typedef struct handed { gb_handoff *h; } handed;

static void put_job(size_t i, void **state, void *ctx)
{
    (void)state;
    handed *c = ctx;
    size_t *item = NULL;
    if (i % 2 == 0 && (item = malloc(sizeof *item))) *item = i;
    gb_handoff_put(c->h, i, item);
}

static atomic_int handoff_freed;
static void item_free(void *p)
{
    atomic_fetch_add(&handoff_freed, 1);
    free(p);
}

static void test_handoff_in_order(void)
{
    enum { N = 501 };   /* the last index (500) is even: an item, left untaken */
    handed c = {gb_handoff_new(N)};
    GB_ASSERT_MSG(c.h != NULL, "out of memory");
    if (!c.h) return;
    gb_pool p;
    gb_pool_start(&p, N, 3, put_job, NULL, &c);
    size_t wrong = 0;
    for (size_t i = 0; i + 1 < N; i++) {   /* the last one is left for gb_handoff_free */
        size_t *item = gb_handoff_take(c.h, i);
        if (i % 2 ? item != NULL : !item || *item != i) wrong++;
        free(item);
    }
    gb_pool_work(&p);
    gb_pool_join(&p);
    GB_ASSERT_MSG(wrong == 0, "%zu items taken out of order or lost", wrong);
    atomic_store(&handoff_freed, 0);
    gb_handoff_free(c.h, item_free);
    GB_ASSERT_MSG(atomic_load(&handoff_freed) == 1, "%d untaken items freed (want the last one)",
                  atomic_load(&handoff_freed));
}

GB_TEST_SUITE(pool)
{
    CU_pSuite s = CU_add_suite("pool", NULL, NULL);
    GB_ADD(s, test_every_index_once);
    GB_ADD(s, test_one_job);
    GB_ADD(s, test_no_work);
    GB_ADD(s, test_start_work_stop);
    GB_ADD(s, test_handoff_in_order);
}
