/* pdf_store.h — the finished pages of one PDF document before it is saved: each page's content
 * stream compressed at once (zlib's deflate, the FlateDecode of ISO 32000-1 7.4.4; see
 * GB_STORE_ZLEVEL; a body repeated from an earlier page is not compressed again), kept in
 * memory up to GB_STORE_MEMORY bytes and in an unlinked temporary file beyond, and attached to libharu pages only when the document is
 * saved. So a class set of any size holds a few dozen bytes per page in memory, not the page
 * (LIBRARIES.md 2.1: libharu keeps a whole document in memory until it is saved), and pages can
 * be built by another thread's document and moved here (gb_store_take).
 *
 * A store belongs to one document and one thread at a time. Sizes are points (1/72 in). */
#ifndef GB_PDF_STORE_H
#define GB_PDF_STORE_H

#include "util/diag.h"

#include <hpdf.h>
#include <stddef.h>

/* Compressed content beyond this many bytes goes to the temporary file. */
#define GB_STORE_MEMORY ((size_t)4 << 20)

/* zlib's level and memLevel for page content (zlib.h, deflateInit2). Level 1 deflates a
 * worksheet's content (~70 KB of operators, mostly two-byte glyph codes) 2.3 times faster than
 * libharu's fixed Z_DEFAULT_COMPRESSION (6) for ~17 % larger streams (a class set: 23 KB instead
 * of 20 KB a student); memLevel 6 (a 16 KB hash table instead of 64 KB) costs 1 % in size and
 * clears a quarter of the memory per page. Deflating was 37 % of a class-set student's work at
 * level 6. Font programs (gb_deflate_stream, once per subset) are compressed the same way. */
#define GB_STORE_ZLEVEL 1
#define GB_STORE_ZMEMLEVEL 6

/* Page bodies a thread keeps compressed (with their bytes, to compare whole): a worksheet's
 * pages without the student's numbers are the same for the whole class, ~10 KB each. A body
 * longer than GB_STORE_BODY_MAX bytes is never kept (nor split from the rest): at most ~3 MB a
 * thread. */
#define GB_STORE_BODIES 32
#define GB_STORE_BODY_MAX ((size_t)64 << 10)

typedef struct gb_store gb_store;

/* An empty store compressing with pdf's memory manager (borrowed, must outlive the store).
 * NULL when out of memory. */
gb_store *gb_store_new(HPDF_Doc pdf);
/* Frees the store, its memory and its temporary file (NULL is fine). */
void gb_store_free(gb_store *s);

/* Number of pages stored. */
int gb_store_count(const gb_store *s);

/* The height of stored page i (points); 0 for an index out of range. */
double gb_store_height(const gb_store *s, int i);

/* Stores a page of width w and height h whose content stream is content[0..len) (PDF
 * operators), which uses the fonts of the faces in the bit set faces (bit k: resource name
 * "F<k>", see gb_store_font_name). Its first body bytes (0: none; at most len) are the page's
 * body, which other pages may repeat: a body this thread compressed among its last
 * GB_STORE_BODIES is not compressed again (pdf_store.c); the bytes written are the same either
 * way. Returns the page's index, or -1 with
 * GB_EINTERNAL in e (out of memory, the temporary file cannot be written, a libharu error). */
int gb_store_add(gb_store *s, double w, double h, const char *content, size_t len, size_t body,
                 unsigned faces, gb_err *e);

/* Frees the calling thread's page compressor (a thread's is freed when it ends). */
void gb_store_thread_done(void);

/* Moves every page of src (a store of another document, possibly built by another thread, now
 * owned by the caller's thread) to the end of dst, in order; src is left empty. Returns the
 * index in dst of src's first page, or -1 with GB_EINTERNAL in e. */
int gb_store_take(gb_store *dst, gb_store *src, gb_err *e);

/* The resource name of face k's font on every page: "F<k>" (buf of at least 8 bytes). */
const char *gb_store_font_name(unsigned k, char buf[8]);

/* Creates the libharu pages of pdf (the store's document) in order, each with its size, its
 * compressed content (/Filter /FlateDecode; read back from the temporary file while saving)
 * and its font resources: font_of(ctx, k) gives face k's HPDF_Font. pages receives the
 * HPDF_Page of each stored page (gb_store_count entries). Call once, just before saving; the
 * store must then live until HPDF_SaveToFile returns. 0 or GB_EINTERNAL. */
int gb_store_to_pages(gb_store *s, HPDF_Font (*font_of)(void *ctx, unsigned k), void *ctx,
                      HPDF_Page *pages, gb_err *e);

/* Every byte of src (a readable libharu stream, e.g. an HPDF_MemStream holding a font program;
 * borrowed, read from its start) compressed as page content is (GB_STORE_ZLEVEL, one zlib
 * stream): *out is malloc'ed (caller frees), *outlen bytes; NULL and 0 for an empty stream.
 * 0 or GB_EINTERNAL (out of memory, a read or zlib failure). */
int gb_deflate_stream(HPDF_Stream src, unsigned char **out, size_t *outlen, gb_err *e);

/* Marks a stream dictionary whose bytes are already deflated: libharu writes them as they are
 * and the dictionary says /Filter /FlateDecode (libharu drops a /Filter key of a stream it does
 * not filter itself, so the key is written by a write hook). */
void gb_stream_mark_deflated(HPDF_Dict stream_dict);

#endif
