/* thread_slot.h — one object per thread, made on first use (zeroed) and freed when the thread
 * ends: the per-thread state of the font loader (pdf_fonts.c), the page compressor (pdf_store.c)
 * and the layout memo (memo.c). Over POSIX thread-specific data (pthread_key_create with a
 * destructor), the key made once per slot whatever thread asks first. */
#ifndef GB_THREAD_SLOT_H
#define GB_THREAD_SLOT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

typedef struct gb_thread_slot {
    size_t size;                  /* bytes of each thread's object (calloc'ed) */
    void (*destroy)(void *obj);   /* frees an object and what it holds (never given NULL) */
    atomic_int made;              /* the key exists */
    pthread_key_t key;
} gb_thread_slot;

/* A slot for objects of size bytes freed by destroy; a static initializer. */
#define GB_THREAD_SLOT(size, destroy) {(size), (destroy), 0, 0}

/* The calling thread's object, made (zeroed) on first use; NULL when out of memory. */
void *gb_thread_slot_get(gb_thread_slot *s);

/* The calling thread's object, or NULL when it has none (nothing is made). */
void *gb_thread_slot_peek(gb_thread_slot *s);

/* Frees the calling thread's object now (a later get makes a new one); nothing when it has
 * none. The main thread calls this before exit so leak checkers see nothing. */
void gb_thread_slot_done(gb_thread_slot *s);

#endif
