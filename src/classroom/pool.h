/* pool.h — a few threads working through the indices 0..n-1, each index run exactly once.
 *
 * Indices are handed out in increasing order, one at a time, to whichever thread asks next (the
 * spawned threads and any thread that calls gb_pool_work). A job may keep per-thread state: each
 * worker loop starts with a NULL state that its job may set (e.g. made at the thread's first
 * index) and frees it with state_free (when not NULL) after its last index.
 *
 * Thread rules: one thread starts, stops and joins a pool; any thread may call gb_pool_work.
 * Jobs run concurrently and must guard what they share themselves. A gb_pool lives on the
 * caller's stack between gb_pool_start and gb_pool_join; its fields are private. */
#ifndef GB_CLASSROOM_POOL_H
#define GB_CLASSROOM_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

/* The most threads a pool spawns (and the most -j jobs a run uses). */
#define GB_POOL_MAX_THREADS 256

/* Runs index i; *state is this worker's own (NULL at its first index), ctx the pool's. */
typedef void gb_pool_job(size_t i, void **state, void *ctx);
/* Frees a worker's state (never called with NULL). */
typedef void gb_pool_state_free(void *state);

typedef struct gb_pool {
    size_t n;
    atomic_size_t next;
    gb_pool_job *job;
    gb_pool_state_free *state_free;
    void *ctx;
    unsigned started;
    pthread_t th[GB_POOL_MAX_THREADS];
} gb_pool;

/* Spawns up to threads worker threads (at most GB_POOL_MAX_THREADS) working through 0..n-1
 * with job(i, &state, ctx). Returns how many started: fewer (even 0) when pthread_create fails,
 * and then the rest of the work is left to gb_pool_work. Never fails otherwise. */
unsigned gb_pool_start(gb_pool *p, size_t n, unsigned threads, gb_pool_job *job,
                       gb_pool_state_free *state_free, void *ctx);
/* The calling thread works too: takes indices until none is left (or the pool is stopped),
 * with a state of its own, freed before returning. */
void gb_pool_work(gb_pool *p);
/* No more indices are handed out; jobs already running finish. */
void gb_pool_stop(gb_pool *p);
/* Waits for the spawned threads; every index handed out has then run. */
void gb_pool_join(gb_pool *p);

/* The whole run on jobs threads, the calling one included (jobs 0 counts as 1): spawns
 * jobs - 1 threads, works, joins. Every index 0..n-1 has run once on return, also when no
 * thread could start. */
void gb_pool_run(size_t n, unsigned jobs, gb_pool_job *job, gb_pool_state_free *state_free,
                 void *ctx);

/* ---- handing results to one thread in index order ----
 * Workers put the result of index i (any order, any thread); one thread takes them in order,
 * each take waiting until its index was put. Used for a class set, whose parts are built on
 * every core and appended in roster order. Every index that is taken must be put exactly once,
 * whatever happened to its job (a NULL item says "nothing"). */
typedef struct gb_handoff gb_handoff;

/* n empty slots; NULL when out of memory. */
gb_handoff *gb_handoff_new(size_t n);
/* Puts item (may be NULL) as index i's result (i < n) and wakes the taker. */
void gb_handoff_put(gb_handoff *h, size_t i, void *item);
/* Waits until index i was put; returns its item and forgets it (the caller owns it). */
void *gb_handoff_take(gb_handoff *h, size_t i);
/* Frees h; item_free (if not NULL) gets every item put and not taken (never NULL items). No
 * thread may put or take any more. */
void gb_handoff_free(gb_handoff *h, void (*item_free)(void *item));

#endif
