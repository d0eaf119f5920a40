/* math_cache.h — formulas set once per thread.
 *
 * A class's documents repeat most of their formulas (a worksheet's definitions and general
 * formulas are the same for every student; only formulas with the student's numbers differ), and
 * setting a displayed formula costs ~140,000 instructions. gb_math_render therefore keeps, per
 * thread, the boxes of formulas it has met at least twice, keyed by the formula's text, its
 * style, its size and the metrics' key (metrics.h: the fonts the measurements come from), and
 * hands out copies. A copy is the same box, bit for bit, as setting the formula again: the layout
 * depends on nothing else (tests/test_math_cache.c compares both).
 *
 * Bounds: at most GB_MATH_CACHE_BOXES boxes of at most GB_MATH_CACHE_ITEMS display items in all
 * per thread (about 3 MB); when full, the cache starts again empty. Formulas met once (those with a
 * student's numbers) are only counted, in a table of GB_MATH_CACHE_SEEN hashes that is likewise
 * emptied when half full. Metrics with no key (NULL or 0, e.g. gb_metrics_fake) are never cached.
 *
 * Every function works on the calling thread's cache only; caches are never shared. */
#ifndef GB_MATH_CACHE_H
#define GB_MATH_CACHE_H

#include "typeset/math_layout.h"

#include <stddef.h>
#include <stdint.h>

#define GB_MATH_CACHE_BOXES 512
#define GB_MATH_CACHE_ITEMS 16384
#define GB_MATH_CACHE_SEEN 8192   /* a power of two */

/* The lookup key of a formula: tex[0..len), style, size_pt and the metrics' key mkey. */
typedef struct gb_math_key {
    const char *tex;
    size_t len;
    gb_math_style style;
    double size_pt;
    uint64_t mkey;
} gb_math_key;

/* Fills *out with a copy of the box kept for k and returns 1; returns 0 when none is kept (the
 * formula is then counted as met), leaving *out untouched; -1 when out of memory for the copy
 * (*out empty). mkey 0 always gives 0. */
int gb_math_cache_find(const gb_math_key *k, gb_math_box *out);

/* Offers the box just set for k (borrowed): kept as a copy when k has been met before in this
 * thread (gb_math_cache_find counted it twice), else ignored. Out of memory only loses the
 * copy. */
void gb_math_cache_offer(const gb_math_key *k, const gb_math_box *box);

/* Frees the calling thread's cache (its threads' caches are freed when they end; call this in
 * the main thread before exit so leak checkers see nothing). */
void gb_math_cache_thread_done(void);

#endif
