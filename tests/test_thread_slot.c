/* test_thread_slot.c — one object per thread (src/util/thread_slot.h): made zeroed on first use,
 * the same object on later uses, another one in another thread, freed when that thread ends and
 * by gb_thread_slot_done, nothing made by peek. Frees are counted by the slot's destroy. */
#include "gb_test.h"

#include "util/thread_slot.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct thing { int touched; char pad[60]; } thing;

static atomic_int freed;

static void thing_free(void *p)
{
    atomic_fetch_add(&freed, 1);
    free(p);
}

static gb_thread_slot slot = GB_THREAD_SLOT(sizeof(thing), thing_free);

/* In another thread: its own object, zeroed; returns it (freed when the thread ends). */
static void *other(void *mine)
{
    thing *t = gb_thread_slot_get(&slot);
    int ok = t && t != mine && t->touched == 0 && gb_thread_slot_get(&slot) == t;
    if (t) t->touched = 2;
    return ok ? t : NULL;
}

static void test_one_object_per_thread(void)
{
    atomic_store(&freed, 0);
    GB_ASSERT_MSG(gb_thread_slot_peek(&slot) == NULL, "peek made an object");
    thing *t = gb_thread_slot_get(&slot);
    GB_ASSERT_MSG(t && t->touched == 0, "first get: %p, not zeroed", (void *)t);
    if (!t) return;
    t->touched = 1;
    GB_ASSERT_MSG(gb_thread_slot_get(&slot) == t && gb_thread_slot_peek(&slot) == t,
                  "a second get gave another object");
    pthread_t th;
    void *theirs = NULL;
    int rc = pthread_create(&th, NULL, other, t);
    GB_ASSERT_MSG(rc == 0, "pthread_create: %d", rc);
    if (!rc) pthread_join(th, &theirs);
    GB_ASSERT_MSG(theirs != NULL, "the other thread shared or lost its object");
    GB_ASSERT_MSG(atomic_load(&freed) == 1, "%d freed when the other thread ended (want 1)",
                  atomic_load(&freed));
    GB_ASSERT_MSG(t->touched == 1, "the other thread wrote into this thread's object");
    gb_thread_slot_done(&slot);
    GB_ASSERT_MSG(atomic_load(&freed) == 2 && gb_thread_slot_peek(&slot) == NULL,
                  "done: %d freed, peek %p", atomic_load(&freed), gb_thread_slot_peek(&slot));
    gb_thread_slot_done(&slot);   /* nothing left: no second free */
    GB_ASSERT_MSG(atomic_load(&freed) == 2, "done twice freed again");
    thing *again = gb_thread_slot_get(&slot);
    GB_ASSERT_MSG(again && again->touched == 0, "a get after done gives a fresh object");
    gb_thread_slot_done(&slot);
}

GB_TEST_SUITE(thread_slot)
{
    CU_pSuite s = CU_add_suite("thread_slot", NULL, NULL);
    GB_ADD(s, test_one_object_per_thread);
}
