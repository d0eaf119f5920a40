/* thread_slot.c — one object per thread (see thread_slot.h). */
#include "util/thread_slot.h"

#include <stdlib.h>

static pthread_mutex_t make_mu = PTHREAD_MUTEX_INITIALIZER;

/* The slot's key, made by whichever thread comes first; 0, or -1 when it cannot be made. */
static int key_made(gb_thread_slot *s)
{
    if (atomic_load_explicit(&s->made, memory_order_acquire)) return 0;
    int rc = 0;
    pthread_mutex_lock(&make_mu);
    if (!atomic_load_explicit(&s->made, memory_order_relaxed)) {
        rc = pthread_key_create(&s->key, s->destroy) ? -1 : 0;
        if (!rc) atomic_store_explicit(&s->made, 1, memory_order_release);
    }
    pthread_mutex_unlock(&make_mu);
    return rc;
}

void *gb_thread_slot_peek(gb_thread_slot *s)
{
    return atomic_load_explicit(&s->made, memory_order_acquire) ? pthread_getspecific(s->key)
                                                                 : NULL;
}

void *gb_thread_slot_get(gb_thread_slot *s)
{
    void *obj = gb_thread_slot_peek(s);
    if (obj) return obj;
    if (key_made(s) || !(obj = calloc(1, s->size))) return NULL;
    if (pthread_setspecific(s->key, obj)) {   /* freed when the thread ends */
        s->destroy(obj);
        return NULL;
    }
    return obj;
}

void gb_thread_slot_done(gb_thread_slot *s)
{
    void *obj = gb_thread_slot_peek(s);
    if (!obj) return;
    pthread_setspecific(s->key, NULL);
    s->destroy(obj);
}
