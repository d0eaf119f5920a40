/* memo.h — layout results remembered per thread, for work a class's documents repeat.
 *
 * A class's worksheets repeat most of their formulas and paragraphs (definitions, instructions;
 * only what holds a student's numbers differs), and setting a displayed formula costs ~140,000
 * instructions, breaking a paragraph ~25,000. Layout functions whose result depends only on their
 * input and the metrics (metrics.h: a metrics key says which fonts measure) keep, per thread,
 * the results of inputs met at least twice, and hand out copies: gb_math_render (math_layout.h)
 * and gb_linebreak (linebreak.h; the display lists of both are shared, read-only, not copied:
 * gb_dlist_share). A copy is the result computing it again would give, bit for bit
 * (tests/test_memo.c compares both ways).
 *
 * A key is a byte string the caller makes from everything the result depends on (the metrics
 * key included); keys are compared whole, not only by hash. Per kind and thread at most
 * GB_MEMO_ENTRIES results of GB_MEMO_WEIGHT in all (the kind's weight: display items held);
 * when full, the kind starts again empty. Inputs met once are only counted, in a table of
 * GB_MEMO_SEEN hashes per kind, emptied when half full. Nothing is shared between threads. */
#ifndef GB_MEMO_H
#define GB_MEMO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GB_MEMO_ENTRIES 512
#define GB_MEMO_WEIGHT 16384
#define GB_MEMO_SEEN 8192   /* a power of two */

typedef enum gb_memo_kind {
    GB_MEMO_MATH,    /* gb_math_box: formulas set */
    GB_MEMO_LINES,   /* gb_lines: paragraphs broken into lines */
    GB_MEMO_KINDS
} gb_memo_kind;

/* How a kind's results (structs of size bytes: gb_math_box, gb_lines) are copied, emptied and
 * weighed. */
typedef struct gb_memo_ops {
    size_t size;
    int (*copy)(const void *src, void *dst);   /* *dst becomes a copy of *src owning its own
                                                  memory, sized to fit (what the memo keeps);
                                                  0, or -1 out of memory (*dst empty) */
    void (*clear)(void *v);                    /* frees what *v owns */
    size_t (*weight)(const void *v);           /* what *v holds (display items) */
    int (*give)(const void *kept, void *dst);  /* how a kept result is handed out (its lists
                                                  shared, read-only: gb_dlist_share); 0, or
                                                  -1 out of memory (*dst empty) */
} gb_memo_ops;

/* A growable byte string for keys (start from {0}). */
typedef struct gb_memo_key {
    unsigned char *b;
    size_t len, cap;
    int failed;          /* out of memory: the key is unusable */
    uint64_t h;          /* its hash once computed (0: not yet; reset by every put) */
    int scratch;         /* b is the thread's key buffer, lent until gb_memo_key_free */
} gb_memo_key;

/* Makes room for n more bytes; 0, or -1 (then failed is set). */
int gb_memo_key_room(gb_memo_key *k, size_t n);

/* Appends n bytes (n = 0: p may be NULL). Inline: keys are made of many small fields. */
static inline void gb_memo_key_put(gb_memo_key *k, const void *p, size_t n)
{
    if (!n || k->failed) return;
    if (k->cap - k->len < n && gb_memo_key_room(k, n)) return;
    memcpy(k->b + k->len, p, n);
    k->len += n;
    k->h = 0;
}

void gb_memo_key_free(gb_memo_key *k);

/* Fills *out (an ops->size struct) with the result kept for key in this thread (ops->give: its
 * display lists shared) and returns 1; 0 when none is kept (the key is counted as met; *out untouched); -1 when the copy
 * ran out of memory (*out empty). A failed key gives 0. The key's hash is kept in it for
 * gb_memo_offer. */
int gb_memo_find(gb_memo_kind kind, const gb_memo_ops *ops, gb_memo_key *key, void *out);

/* Offers *v (borrowed), the result just computed for key: a copy is kept when key has been met
 * before in this thread (counted twice by gb_memo_find), else nothing happens. Out of memory
 * only loses the copy. */
void gb_memo_offer(gb_memo_kind kind, const gb_memo_ops *ops, gb_memo_key *key, const void *v);

/* Frees the calling thread's memo (other threads' are freed when they end; call this in the
 * main thread before exit so leak checkers see nothing). */
void gb_memo_thread_done(void);

#endif
