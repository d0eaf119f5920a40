/* pool.c — worker threads taking the next index of 0..n-1 (pool.h). */
#include "classroom/pool.h"

static void *pool_thread(void *arg)
{
    gb_pool_work(arg);
    return NULL;
}

unsigned gb_pool_start(gb_pool *p, size_t n, unsigned threads, gb_pool_job *job,
                       gb_pool_state_free *state_free, void *ctx)
{
    p->n = n;
    atomic_init(&p->next, 0);
    p->job = job;
    p->state_free = state_free;
    p->ctx = ctx;
    if (threads > GB_POOL_MAX_THREADS) threads = GB_POOL_MAX_THREADS;
    for (p->started = 0; p->started < threads; p->started++)
        if (pthread_create(&p->th[p->started], NULL, pool_thread, p) != 0) break;
    return p->started;
}

void gb_pool_work(gb_pool *p)
{
    void *state = NULL;   /* this thread's own */
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n) break;
        p->job(i, &state, p->ctx);
    }
    if (state && p->state_free) p->state_free(state);
}

void gb_pool_stop(gb_pool *p)
{
    atomic_store(&p->next, p->n);
}

void gb_pool_join(gb_pool *p)
{
    for (unsigned k = 0; k < p->started; k++) pthread_join(p->th[k], NULL);
    p->started = 0;
}

void gb_pool_run(size_t n, unsigned jobs, gb_pool_job *job, gb_pool_state_free *state_free,
                 void *ctx)
{
    gb_pool p;
    gb_pool_start(&p, n, jobs ? jobs - 1 : 0, job, state_free, ctx);
    gb_pool_work(&p);
    gb_pool_join(&p);
}
