/* hash.c — FNV-1a, 64 bits, and a word-at-a-time hash for in-memory tables. */
#include "util/hash.h"

#include <string.h>

uint64_t gb_fnv1a64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t gb_hash_words64(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    uint64_t w = 0;
    if (i < n) memcpy(&w, b + i, n - i);
    h = (h ^ w) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
    return h ? h : 1;
}
