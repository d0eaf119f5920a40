/* hash.h — the one FNV-1a hash of gradbook (Fowler, Noll, Vo), 64 bits: the variant seeds and
 * sheet hashes (model/variants.h documents how they fold it to 32 bits) and the hash tables of
 * drawn values use it; and a word-at-a-time hash for in-memory tables of long keys. */
#ifndef GB_HASH_H
#define GB_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The 64-bit FNV-1a offset basis (0xcbf29ce484222325): the h to start a hash with. */
#define GB_FNV1A64_BASIS 14695981039346656037ULL

/* FNV-1a, 64 bits, of the n bytes at p (n = 0: p may be NULL), continuing from h: for each byte
 * b, h = (h XOR b) * 1099511628211 modulo 2^64. Start with GB_FNV1A64_BASIS; pass the result on
 * to hash several pieces as one ("ab" then "c" gives the hash of "abc"). */
uint64_t gb_fnv1a64(uint64_t h, const void *p, size_t n);

/* A fast 64-bit hash of the n bytes at p, 8 bytes a step (each word mixed in by a multiply and a
 * shift; the multipliers are splitmix64's), for tables of long keys compared whole (layout memo,
 * page bodies): not FNV-1a, not for anything written to a file. Never 0. */
uint64_t gb_hash_words64(const void *p, size_t n);

#endif
