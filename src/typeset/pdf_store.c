/* pdf_store.c — finished pages, compressed, in memory or a temporary file (see pdf_store.h). */
#include "typeset/pdf_store.h"
#include "typeset/pdf_ops.h"
#include "util/grow.h"
#include "util/hash.h"
#include "util/thread_slot.h"

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <unistd.h>

typedef struct page_rec {
    double w, h;
    unsigned faces;
    unsigned char *z;   /* compressed content in memory, or NULL: in the file at off */
    size_t zlen;
    off_t off;
    size_t pos;         /* read position while saving */
    int fd;             /* the file's descriptor while saving */
} page_rec;

struct gb_store {
    HPDF_Doc pdf;
    page_rec *pages;
    size_t n, cap;
    size_t mem;         /* compressed bytes held in memory */
    FILE *spill;        /* the temporary file, NULL until needed */
    off_t spill_len;
};

gb_store *gb_store_new(HPDF_Doc pdf)
{
    gb_store *s = calloc(1, sizeof *s);
    if (s) s->pdf = pdf;
    return s;
}

void gb_store_free(gb_store *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) free(s->pages[i].z);
    free(s->pages);
    if (s->spill) fclose(s->spill);
    free(s);
}

int gb_store_count(const gb_store *s) { return (int)s->n; }

double gb_store_height(const gb_store *s, int i)
{
    return i >= 0 && (size_t)i < s->n ? s->pages[i].h : 0;
}

const char *gb_store_font_name(unsigned k, char buf[8])
{
    /* called for every change of font: no printf */
    char *p = buf;
    *p++ = 'F';
    k %= 1000u;
    if (k >= 100) *p++ = (char)('0' + k / 100);
    if (k >= 10) *p++ = (char)('0' + k / 10 % 10);
    *p++ = (char)('0' + k % 10);
    *p = '\0';
    return buf;
}

static int oom(gb_err *e) { return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); }

/* libharu drops a /Filter key from a stream dictionary whose filter is "none" when writing it;
 * this hook writes the key after the others (HPDF_Dict_Write calls write_fn last). */
static HPDF_STATUS write_flate(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/* The resources and media box every page inherits from the page tree's root (ISO 32000-1
 * 7.7.3.4): one /Font dictionary naming every face used, instead of a copy on each page. In a
 * class set of 1,000 students that is 8,000 dictionaries fewer in libharu's memory while it
 * writes the file. 0 or GB_EINTERNAL. */
static int shared_resources(gb_store *s, HPDF_Font (*font_of)(void *ctx, unsigned k), void *ctx,
                            gb_err *e)
{
    HPDF_MMgr mm = s->pdf->mmgr;
    HPDF_Dict root = s->pdf->root_pages;
    unsigned faces = 0;
    for (size_t i = 0; i < s->n; i++) faces |= s->pages[i].faces;
    HPDF_Dict res = HPDF_Dict_New(mm), fonts = res ? HPDF_Dict_New(mm) : NULL;
    if (!fonts) return oom(e);
    HPDF_STATUS st = HPDF_Dict_Add(root, "Resources", res);
    if (st == HPDF_OK) st = HPDF_Dict_Add(res, "Font", fonts);
    for (unsigned k = 0; k < 32 && st == HPDF_OK; k++) {
        if (!(faces >> k & 1)) continue;
        HPDF_Font f = font_of(ctx, k);
        char name[8];
        if (!f) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "no font for face %u", k);
        st = HPDF_Dict_Add(fonts, gb_store_font_name(k, name), f);
    }
    if (st == HPDF_OK && s->n) {
        HPDF_Box box = {0, 0, (HPDF_REAL)s->pages[0].w, (HPDF_REAL)s->pages[0].h};
        st = HPDF_Dict_Add(root, "MediaBox", HPDF_Box_Array_New(mm, box));
    }
    return st == HPDF_OK ? 0 : gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                                          "libharu error 0x%04X sharing page resources",
                                          (unsigned)st);
}

void gb_stream_mark_deflated(HPDF_Dict stream_dict)
{
    stream_dict->filter = HPDF_STREAM_FILTER_NONE;
    stream_dict->write_fn = write_flate;
}

/* libharu reads a page's content through these (page_rec.z in memory, or the temporary file at
 * page_rec.off) when writing the compressed bytes into the file. */
static HPDF_STATUS p_read(HPDF_Stream st, HPDF_BYTE *ptr, HPDF_UINT *siz);
static HPDF_STATUS p_seek(HPDF_Stream st, HPDF_INT pos, HPDF_WhenceMode mode);
static HPDF_INT32 p_tell(HPDF_Stream st);
static HPDF_UINT32 p_size(HPDF_Stream st);

static int deflate_page(const unsigned char *content, size_t len, size_t body,
                        unsigned char **out, size_t *outlen, gb_err *e);

int gb_deflate_stream(HPDF_Stream src, unsigned char **out, size_t *outlen, gb_err *e)
{
    *out = NULL;
    *outlen = 0;
    size_t len = HPDF_Stream_Size(src);
    unsigned char *raw = malloc(len ? len : 1);
    if (!raw) return oom(e);
    size_t got = 0;
    HPDF_STATUS st = HPDF_Stream_Seek(src, 0, HPDF_SEEK_SET);
    while (st == HPDF_OK && got < len) {
        HPDF_UINT n = (HPDF_UINT)(len - got > 65536 ? 65536 : len - got);
        st = HPDF_Stream_Read(src, raw + got, &n);
        got += n;
        if (st == HPDF_STREAM_EOF) st = got == len ? HPDF_OK : st;
    }
    int rc = st != HPDF_OK ? gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                                        "libharu cannot read a font program (error 0x%04X)",
                                        (unsigned)st)
                           : deflate_page(raw, len, 0, out, outlen, e);
    free(raw);
    return rc;
}

/* ---- compressing a page's content: zlib ---- */

/* A page's content is compressed as one zlib stream (RFC 1950) made of two raw deflate parts:
 * the page's body (what gb_pdf_page_body drew: in a class, the same bytes on
 * the same page of every student), ended by a full flush (byte-aligned, no final block, no
 * reference across it), then the rest (running head and footer) from a reset compressor, then
 * the Adler-32 of the whole (adler32_combine). A body the thread compressed lately is not
 * compressed again: its deflated bytes are copied. They are the bytes compressing it again
 * would give (a reset compressor depends only on its input), so files do not depend on what a
 * thread made before. */
typedef struct body_rec {
    uint64_t h;             /* hash of the body's bytes; 0: empty slot */
    size_t len;
    unsigned char *raw;     /* the body, to compare whole */
    unsigned char *z;       /* its raw deflate, full flush included */
    size_t zlen;
    uLong adler;            /* Adler-32 of the body */
} body_rec;

/* The calling thread's page compressor (raw deflate, GB_STORE_ZLEVEL, 32 KB window, memLevel
 * GB_STORE_ZMEMLEVEL), made at its first page and reset for every part: its ~160 KB of window
 * and tables are allocated once per thread, not per page or per document (a class set's
 * finished parts wait for their turn holding only compressed pages). */
typedef struct compressor {
    z_stream zs;
    int ready;
    body_rec body[GB_STORE_BODIES];
    unsigned next;          /* the slot the next new body takes (oldest first) */
} compressor;

static void body_clear(body_rec *b)
{
    free(b->raw);
    free(b->z);
    memset(b, 0, sizeof *b);
}

static void z_free(void *p)
{
    compressor *c = p;
    if (!c) return;
    if (c->ready) deflateEnd(&c->zs);
    for (unsigned i = 0; i < GB_STORE_BODIES; i++) body_clear(&c->body[i]);
    free(c);
}

static gb_thread_slot z_slot = GB_THREAD_SLOT(sizeof(compressor), z_free);

void gb_store_thread_done(void) { gb_thread_slot_done(&z_slot); }

/* The thread's compressor, ready and reset; NULL with e set. */
static compressor *compressor_reset(gb_err *e)
{
    compressor *c = gb_thread_slot_get(&z_slot);   /* made on first use */
    if (!c) {
        oom(e);
        return NULL;
    }
    int zr;
    if (!c->ready) {
        zr = deflateInit2(&c->zs, GB_STORE_ZLEVEL, Z_DEFLATED, -15, GB_STORE_ZMEMLEVEL,
                          Z_DEFAULT_STRATEGY);
        if (zr == Z_MEM_ERROR) {
            oom(e);
            return NULL;
        }
        if (zr != Z_OK) {
            gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "zlib cannot start compressing (%d)", zr);
            return NULL;
        }
        c->ready = 1;
    } else if ((zr = deflateReset(&c->zs)) != Z_OK) {
        gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "zlib cannot reset its compressor (%d)", zr);
        return NULL;
    }
    return c;
}

/* Room for the raw deflate of n bytes ended by a flush: deflateBound plus a flush's empty stored
 * block (5 bytes) and slack. */
static size_t part_bound(compressor *c, size_t n) { return deflateBound(&c->zs, (uLong)n) + 16; }

/* in[0..n) raw-deflated by the reset compressor c into out (room for part_bound), ended by flush
 * (Z_FULL_FLUSH or Z_FINISH); the bytes written, or 0 with e set. */
static size_t deflate_part(compressor *c, const void *in, size_t n, int flush, unsigned char *out,
                           size_t room, gb_err *e)
{
    z_stream *zs = &c->zs;
    zs->next_in = (Bytef *)(uintptr_t)in;   /* only read */
    zs->avail_in = (uInt)n;
    zs->next_out = out;
    zs->avail_out = (uInt)room;
    int zr = deflate(zs, flush);
    if (zr != (flush == Z_FINISH ? Z_STREAM_END : Z_OK) || zs->avail_in || !zs->avail_out) {
        gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "zlib cannot compress a page (%d)", zr);
        return 0;
    }
    return room - zs->avail_out;
}

/* The body record of body[0..n): one the thread kept, or a new one (compressed now, kept in the
 * oldest slot). NULL with e set. */
static const body_rec *body_of(const unsigned char *body, size_t n, gb_err *e)
{
    uint64_t h = gb_hash_words64(body, n);
    compressor *c = gb_thread_slot_peek(&z_slot);
    for (unsigned i = 0; c && i < GB_STORE_BODIES; i++)
        if (c->body[i].h == h && c->body[i].len == n && !memcmp(c->body[i].raw, body, n))
            return &c->body[i];
    if (!(c = compressor_reset(e))) return NULL;
    size_t room = part_bound(c, n);
    unsigned char *z = malloc(room), *raw = malloc(n);
    size_t zlen = z && raw ? deflate_part(c, body, n, Z_FULL_FLUSH, z, room, e) : 0;
    if (!z || !raw || !zlen) {
        free(z);
        free(raw);
        if (!e->code) oom(e);
        return NULL;
    }
    memcpy(raw, body, n);
    unsigned char *fit = realloc(z, zlen);
    body_rec *b = &c->body[c->next];
    c->next = (c->next + 1) % GB_STORE_BODIES;
    body_clear(b);
    *b = (body_rec){h, n, raw, fit ? fit : z, zlen, adler32(1L, body, (uInt)n)};
    return b;
}

/* content[0..len) compressed (see above) into *out (malloc'ed, *outlen bytes), its first body
 * bytes being the page's body (0: none). 0 or GB_EINTERNAL. */
static int deflate_page(const unsigned char *content, size_t len, size_t body,
                        unsigned char **out, size_t *outlen, gb_err *e)
{
    *out = NULL;
    *outlen = 0;
    if (!len) return 0;
    if (len > 0x7FFFFFFF) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "page content too large");
    if (body > len) body = len;
    if (body > GB_STORE_BODY_MAX) body = 0;   /* not kept: compressed with the rest, always */
    const body_rec *b = body ? body_of(content, body, e) : NULL;
    if (body && !b) return e->code ? e->code : GB_EINTERNAL;
    compressor *c = compressor_reset(e);
    if (!c) return e->code;
    size_t rest = len - body, room = 2 + (b ? b->zlen : 0) + part_bound(c, rest) + 4;
    unsigned char *z = malloc(room);
    if (!z) return oom(e);
    size_t n = 0;
    z[n++] = 0x78;   /* zlib header: deflate, 32 KB window; (0x78 * 256 + 0x01) % 31 == 0 */
    z[n++] = 0x01;
    if (b) {
        memcpy(z + n, b->z, b->zlen);
        n += b->zlen;
    }
    size_t k = deflate_part(c, content + body, rest, Z_FINISH, z + n, room - n - 4, e);
    if (!k) {
        free(z);
        return e->code;
    }
    n += k;
    uLong a = adler32(1L, content + body, (uInt)rest);
    if (b) a = adler32_combine(b->adler, a, (z_off_t)rest);
    for (int i = 3; i >= 0; i--) z[n++] = (unsigned char)(a >> (8 * i));
    unsigned char *fit = realloc(z, n);   /* keep what was written, not the bound's slack */
    *out = fit ? fit : z;
    *outlen = n;
    return 0;
}

/* ---- keeping ---- */

static page_rec *append(gb_store *s)
{
    page_rec *p = gb_grow(s->pages, &s->cap, s->n + 1, sizeof *p, 16);
    if (!p) return NULL;
    s->pages = p;
    page_rec *r = &s->pages[s->n];
    memset(r, 0, sizeof *r);
    r->fd = -1;
    return r;
}

/* All n bytes at offset off of the temporary file fd read into buf (write 0) or written from it
 * (write 1), through short transfers and interruptions. 0, or -1 with errno set. */
static int full_io(int fd, void *buf, size_t n, off_t off, int write)
{
    for (size_t done = 0; done < n;) {
        ssize_t k = write ? pwrite(fd, (char *)buf + done, n - done, off + (off_t)done)
                          : pread(fd, (char *)buf + done, n - done, off + (off_t)done);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            if (k == 0) errno = EIO;   /* the file ends before the bytes it was given */
            return -1;
        }
        done += (size_t)k;
    }
    return 0;
}

/* Keeps z (zlen bytes, malloc'ed; taken over) as r's content: in memory while the store holds
 * less than GB_STORE_MEMORY, else appended to the temporary file. */
static int keep(gb_store *s, page_rec *r, unsigned char *z, size_t zlen, gb_err *e)
{
    r->zlen = zlen;
    if (s->mem + zlen <= GB_STORE_MEMORY) {
        r->z = z;
        s->mem += zlen;
        return 0;
    }
    if (!s->spill && !(s->spill = tmpfile())) {
        free(z);
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "cannot create a temporary file for the pages: %s", strerror(errno));
    }
    if (full_io(fileno(s->spill), z, zlen, s->spill_len, 1)) {
        int err = errno;
        free(z);
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "cannot write the pages' temporary file: %s", strerror(err));
    }
    free(z);
    r->z = NULL;
    r->off = s->spill_len;
    s->spill_len += (off_t)zlen;
    return 0;
}

int gb_store_add(gb_store *s, double w, double h, const char *content, size_t len, size_t body,
                 unsigned faces, gb_err *e)
{
    unsigned char *z;
    size_t zlen;
    if (deflate_page((const unsigned char *)content, len, body, &z, &zlen, e)) return -1;
    page_rec *r = append(s);
    if (!r) {
        free(z);
        oom(e);
        return -1;
    }
    r->w = w;
    r->h = h;
    r->faces = faces;
    if (keep(s, r, z, zlen, e)) return -1;
    return (int)s->n++;
}

/* A spilled page's bytes back in memory (malloc'ed), or NULL with e set. */
static unsigned char *read_back(const gb_store *s, const page_rec *r, gb_err *e)
{
    unsigned char *z = malloc(r->zlen ? r->zlen : 1);
    if (!z) {
        oom(e);
        return NULL;
    }
    if (full_io(fileno(s->spill), z, r->zlen, r->off, 0)) {
        free(z);
        gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "cannot read the pages' temporary file");
        return NULL;
    }
    return z;
}

int gb_store_take(gb_store *dst, gb_store *src, gb_err *e)
{
    int first = (int)dst->n;
    for (size_t i = 0; i < src->n; i++) {
        page_rec *from = &src->pages[i];
        unsigned char *z = from->z;
        if (!z && from->zlen && !(z = read_back(src, from, e))) return -1;
        if (from->z) src->mem -= from->zlen;
        from->z = NULL;
        page_rec *r = append(dst);
        if (!r) {
            free(z);
            oom(e);
            return -1;
        }
        r->w = from->w;
        r->h = from->h;
        r->faces = from->faces;
        if (keep(dst, r, z, from->zlen, e)) return -1;
        dst->n++;
    }
    src->n = 0;
    src->mem = 0;
    return first;
}

/* ---- saving: each page's content read back by libharu through a callback stream ---- */

static HPDF_STATUS p_read(HPDF_Stream st, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
    page_rec *r = st->attr;
    size_t k = r->zlen - r->pos < *siz ? r->zlen - r->pos : *siz;
    if (r->z) {
        memcpy(ptr, r->z + r->pos, k);
    } else {
        if (full_io(r->fd, ptr, k, r->off + (off_t)r->pos, 0))
            return HPDF_SetError(st->error, HPDF_FILE_IO_ERROR, 0);
    }
    r->pos += k;
    if (k < *siz) {
        *siz = (HPDF_UINT)k;
        return HPDF_STREAM_EOF;
    }
    return HPDF_OK;
}

static HPDF_STATUS p_seek(HPDF_Stream st, HPDF_INT pos, HPDF_WhenceMode mode)
{
    page_rec *r = st->attr;
    long long base = mode == HPDF_SEEK_CUR ? (long long)r->pos
                     : mode == HPDF_SEEK_END ? (long long)r->zlen : 0;
    long long to = base + pos;
    if (to < 0 || to > (long long)r->zlen) return HPDF_STREAM_EOF;
    r->pos = (size_t)to;
    return HPDF_OK;
}

static HPDF_INT32 p_tell(HPDF_Stream st) { return (HPDF_INT32)((page_rec *)st->attr)->pos; }
static HPDF_UINT32 p_size(HPDF_Stream st) { return (HPDF_UINT32)((page_rec *)st->attr)->zlen; }

int gb_store_to_pages(gb_store *s, HPDF_Font (*font_of)(void *ctx, unsigned k), void *ctx,
                      HPDF_Page *pages, gb_err *e)
{
    HPDF_MMgr mm = s->pdf->mmgr;
    if (shared_resources(s, font_of, ctx, e)) return GB_EINTERNAL;
    for (size_t i = 0; i < s->n; i++) {
        page_rec *r = &s->pages[i];
        HPDF_Page p = HPDF_AddPage(s->pdf);
        if (!p) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "libharu cannot add a page");
        pages[i] = p;
        HPDF_PageAttr pa = p->attr;
        /* resources (a /ProcSet only) and a media box of the common size come from the root */
        HPDF_Dict_RemoveElement(p, "Resources");
        if (r->w == s->pages[0].w && r->h == s->pages[0].h) {
            HPDF_Dict_RemoveElement(p, "MediaBox");
        } else {
            HPDF_Box box = {0, 0, (HPDF_REAL)r->w, (HPDF_REAL)r->h};
            HPDF_Dict_Add(p, "MediaBox", HPDF_Box_Array_New(mm, box));
        }
        if (r->zlen) {
            /* The content is already compressed: libharu copies it as it is (filter none) and
             * the dictionary says how to read it. */
            r->pos = 0;
            r->fd = s->spill ? fileno(s->spill) : -1;
            HPDF_Stream in = HPDF_CallbackReader_New(mm, p_read, p_seek, p_tell, p_size, r);
            if (!in) return oom(e);
            HPDF_Stream_Free(pa->contents->stream);
            pa->contents->stream = in;
            pa->stream = in;
            gb_stream_mark_deflated(pa->contents);
        }
    }
    return 0;
}
