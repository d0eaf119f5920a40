/* grow.h — the growth step of a malloc'ed array that doubles its capacity, shared by every module
 * that appends to one (display lists, line breaking, math, plots, diagrams, PDF documents). */
#ifndef GB_GROW_H
#define GB_GROW_H

#include <stdint.h>
#include <stdlib.h>

/* Makes room in arr (NULL, or a malloc'ed array of *cap elements of size bytes each) for need
 * elements. When need <= *cap, returns arr unchanged. Otherwise the capacity becomes first (when
 * *cap is 0; first >= 1) or *cap, doubled until it is >= need, and the array is realloc'ed to it:
 * returns the array to use from now on (the caller stores it; arr is then no longer valid) with
 * *cap updated. Returns NULL when out of memory or when the new size does not fit in a size_t;
 * arr and *cap are then unchanged and arr still belongs to the caller. The elements are not
 * initialised. */
static inline void *gb_grow(void *arr, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap) return arr;
    size_t c = *cap ? *cap : first;
    while (c < need) {
        if (c > SIZE_MAX / 2) return NULL;
        c *= 2;
    }
    if (size && c > SIZE_MAX / size) return NULL;
    void *p = realloc(arr, c * size);
    if (p) *cap = c;
    return p;
}

#endif
