/* pool.c — worker threads taking the next index of 0..n-1 (pool.h). */
#include "classroom/pool.h"

#include <stdlib.h>

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

/* ---- handoff ---- */

struct gb_handoff {
    size_t n;
    void **item;
    unsigned char *ready;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

gb_handoff *gb_handoff_new(size_t n)
{
    gb_handoff *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->n = n;
    h->item = calloc(n ? n : 1, sizeof *h->item);
    h->ready = calloc(n ? n : 1, 1);
    int mu = h->item && h->ready && pthread_mutex_init(&h->mu, NULL) == 0;
    int cv = mu && pthread_cond_init(&h->cv, NULL) == 0;
    if (!cv) {
        if (mu) pthread_mutex_destroy(&h->mu);
        free(h->item);
        free(h->ready);
        free(h);
        return NULL;
    }
    return h;
}

void gb_handoff_put(gb_handoff *h, size_t i, void *item)
{
    pthread_mutex_lock(&h->mu);
    h->item[i] = item;
    h->ready[i] = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

void *gb_handoff_take(gb_handoff *h, size_t i)
{
    pthread_mutex_lock(&h->mu);
    while (!h->ready[i]) pthread_cond_wait(&h->cv, &h->mu);
    void *item = h->item[i];
    h->item[i] = NULL;
    pthread_mutex_unlock(&h->mu);
    return item;
}

void gb_handoff_free(gb_handoff *h, void (*item_free)(void *item))
{
    if (!h) return;
    for (size_t i = 0; item_free && i < h->n; i++)
        if (h->item[i]) item_free(h->item[i]);
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    free(h->item);
    free(h->ready);
    free(h);
}
