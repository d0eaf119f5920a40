/* pdf_store.c — finished pages, compressed, in memory or a temporary file (see pdf_store.h). */
#include "typeset/pdf_store.h"
#include "typeset/pdf_ops.h"
#include "util/grow.h"

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
    z_stream zs;        /* the page compressor, made at the first page, reset for each */
    int zs_ready;
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
    if (s->zs_ready) deflateEnd(&s->zs);
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

/* ---- compressing: libharu's deflate between two callback streams ---- */

/* libharu reads a page's content through these (page_rec.z in memory, or the temporary file at
 * page_rec.off): when compressing it, and when writing the compressed bytes into the file. */
static HPDF_STATUS p_read(HPDF_Stream st, HPDF_BYTE *ptr, HPDF_UINT *siz);
static HPDF_STATUS p_seek(HPDF_Stream st, HPDF_INT pos, HPDF_WhenceMode mode);
static HPDF_INT32 p_tell(HPDF_Stream st);
static HPDF_UINT32 p_size(HPDF_Stream st);

/* libharu writes the deflated bytes through this into a growable buffer (a gb_ops used for its
 * bytes alone). */
static HPDF_STATUS w_write(HPDF_Stream st, const HPDF_BYTE *ptr, HPDF_UINT siz)
{
    gb_ops *w = st->attr;
    gb_ops_raw(w, (const char *)ptr, siz);
    return gb_ops_failed(w) ? HPDF_FAILD_TO_ALLOC_MEM : HPDF_OK;
}

/* src's bytes deflated into *out (malloc'ed, *outlen bytes). 0 or GB_EINTERNAL. */
int gb_deflate_stream(HPDF_Doc pdf, HPDF_Stream src, unsigned char **out, size_t *outlen,
                      gb_err *e)
{
    *out = NULL;
    *outlen = 0;
    gb_ops w = GB_OPS_INIT;
    HPDF_Stream dst = HPDF_CallbackWriter_New(pdf->mmgr, w_write, &w);
    HPDF_STATUS st = dst ? HPDF_Stream_WriteToStream(src, dst, HPDF_STREAM_FILTER_FLATE_DECODE,
                                                     NULL)
                         : HPDF_FAILD_TO_ALLOC_MEM;
    if (dst) HPDF_Stream_Free(dst);
    int w_oom = gb_ops_failed(&w);
    if (st != HPDF_OK || w_oom) {
        gb_ops_free(&w);
        return w_oom || st == HPDF_FAILD_TO_ALLOC_MEM
                   ? oom(e)
                   : gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                                "libharu cannot compress a page (error 0x%04X)", (unsigned)st);
    }
    /* keep what was written, not the doubling slack */
    unsigned char *fit = w.len ? realloc(w.buf, w.len) : NULL;
    *out = fit ? fit : (unsigned char *)w.buf;
    *outlen = w.len;
    return 0;
}

/* ---- compressing a page's content: zlib ---- */

/* content[0..len) deflated into *out (malloc'ed, *outlen bytes) with s's compressor, which is
 * made once (deflateInit2: GB_STORE_ZLEVEL, 32 KB window, memLevel GB_STORE_ZMEMLEVEL) and reset
 * for every page (deflateReset): the window and hash tables are allocated once per document,
 * not per page. zlib's output depends only on the bytes and these settings, so pages stay
 * reproducible. 0 or GB_EINTERNAL. */
static int deflate_page(gb_store *s, const void *content, size_t len, unsigned char **out,
                        size_t *outlen, gb_err *e)
{
    *out = NULL;
    *outlen = 0;
    if (!len) return 0;
    if (len > 0x7FFFFFFF) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "page content too large");
    int zr;
    if (!s->zs_ready) {
        memset(&s->zs, 0, sizeof s->zs);
        zr = deflateInit2(&s->zs, GB_STORE_ZLEVEL, Z_DEFLATED, 15, GB_STORE_ZMEMLEVEL,
                          Z_DEFAULT_STRATEGY);
        if (zr == Z_MEM_ERROR) return oom(e);
        if (zr != Z_OK)
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "zlib cannot start compressing (%d)", zr);
        s->zs_ready = 1;
    } else if ((zr = deflateReset(&s->zs)) != Z_OK) {
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "zlib cannot reset its compressor (%d)", zr);
    }
    uLong cap = deflateBound(&s->zs, (uLong)len);
    unsigned char *z = malloc(cap);
    if (!z) return oom(e);
    s->zs.next_in = (Bytef *)(uintptr_t)content;   /* only read */
    s->zs.avail_in = (uInt)len;
    s->zs.next_out = z;
    s->zs.avail_out = (uInt)cap;
    zr = deflate(&s->zs, Z_FINISH);
    if (zr != Z_STREAM_END) {   /* deflateBound's room always suffices: a zlib failure */
        free(z);
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "zlib cannot compress a page (%d)", zr);
    }
    size_t n = (size_t)s->zs.total_out;
    unsigned char *fit = realloc(z, n);   /* keep what was written, not deflateBound's slack */
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
    int fd = fileno(s->spill);
    size_t done = 0;
    while (done < zlen) {
        ssize_t k = pwrite(fd, z + done, zlen - done, s->spill_len + (off_t)done);
        if (k <= 0) {
            int err = errno;
            free(z);
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                              "cannot write the pages' temporary file: %s", strerror(err));
        }
        done += (size_t)k;
    }
    free(z);
    r->z = NULL;
    r->off = s->spill_len;
    s->spill_len += (off_t)zlen;
    return 0;
}

int gb_store_add(gb_store *s, double w, double h, const char *content, size_t len,
                 unsigned faces, gb_err *e)
{
    unsigned char *z;
    size_t zlen;
    if (deflate_page(s, content, len, &z, &zlen, e)) return -1;
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
    size_t done = 0;
    while (done < r->zlen) {
        ssize_t k = pread(fileno(s->spill), z + done, r->zlen - done, r->off + (off_t)done);
        if (k <= 0) {
            free(z);
            gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "cannot read the pages' temporary file");
            return NULL;
        }
        done += (size_t)k;
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
        size_t done = 0;
        while (done < k) {
            ssize_t got = pread(r->fd, ptr + done, k - done, r->off + (off_t)(r->pos + done));
            if (got <= 0) return HPDF_SetError(st->error, HPDF_FILE_IO_ERROR, 0);
            done += (size_t)got;
        }
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
