/* pdf_fonts.c — a document's TrueType faces over libharu: checked when set, parsed on first use,
 * turned into PDF fonts on first drawing; glyph look-up with fallback, and gb_metrics over it. */
#include "typeset/pdf_fonts.h"

#include "typeset/pdf_store.h"
#include "util/hash.h"
#include "util/grow.h"
#include "util/thread_slot.h"
#include "util/utf8.h"

#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_doc.h>
#include <hpdf_streams.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SLOT_UNSET = 0, SLOT_SET, SLOT_PARSED, SLOT_FAILED };

/* Cache entry for one BMP code point of one requested face: bit 31 = valid, bits 16..17 = kind,
 * bits 0..15 = advance (1/1000 em). 0 = not looked up yet. */
#define CACHE_VALID 0x80000000u

/* ---- faces parsed once per thread ----
 *
 * libharu parses a TrueType file in ~1.5 ms (LoadTTFontFromFile reads it in small pieces);
 * a class of 200 students would parse each face 600 times. So each thread keeps the faces it
 * has parsed ("the loader"), each in a libharu document of its own that is never saved, with the
 * glyph id of each code point and each glyph's ink box looked up once. A document's fonts
 * (gb_pdf_fonts) use the faces of the thread that creates it; libharu's per-glyph "used" flags
 * are set from the document's own record only while its subset program is written
 * (finish_face), so documents of one thread never see each other's glyphs. */

typedef struct loaded_face {
    char *path;
    HPDF_Doc pdf;           /* a document of its own: libharu knows fonts by name, and two
                               files may share one (a lean DejaVu Serif and the full one) */
    HPDF_FontDef def;
    uint32_t *gid;          /* per BMP code point: LF_KNOWN | glyph id (0 = absent) */
    int16_t (*box)[4];      /* per glyph: ink box (1/1000 em), valid where box_ok */
    unsigned char *box_ok;
    struct program *progs;  /* subset programs written lately (finish_face) */
} loaded_face;

/* A subset font program as it went into a PDF: the same face, glyph flags and tag give the same
 * bytes, so a thread writing a class's documents compresses each distinct subset once. */
typedef struct program {
    struct program *next;
    uint64_t hash;
    unsigned char *flags;   /* num_glyphs used-glyph flags */
    char tag[8];
    unsigned char *z;       /* the deflated program */
    size_t zlen;
    unsigned length1;       /* its length before compression (/Length1) */
} program;

#define PROGRAMS_KEPT 16    /* per face and thread; the oldest goes first */

#define LF_KNOWN 0x80000000u

/* How a requested face draws each BMP code point (see gb_pdf_fonts_resolve), shared by the
 * thread's documents that set the same files: key "face|own file|wide file|fallback file". */
typedef struct resolve_table {
    char *key;
    uint32_t *cache;        /* 65536 entries, 0 = not looked up yet */
} resolve_table;

typedef struct loader {
    unsigned long err, detail;   /* the last libharu error of a load */
    loaded_face **faces;    /* each allocated alone: documents' slots point at them */
    size_t n, cap;
    resolve_table *rt;
    size_t nrt, caprt;
} loader;

static void loader_free(void *p)
{
    loader *l = p;
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        loaded_face *lf = l->faces[i];
        free(lf->path);
        free(lf->gid);
        free(lf->box);
        free(lf->box_ok);
        for (program *pg = lf->progs, *next; pg; pg = next) {
            next = pg->next;
            free(pg->flags);
            free(pg->z);
            free(pg);
        }
        HPDF_Free(lf->pdf);
        free(lf);
    }
    free(l->faces);
    for (size_t i = 0; i < l->nrt; i++) {
        free(l->rt[i].key);
        free(l->rt[i].cache);
    }
    free(l->rt);
    free(l);
}

static gb_thread_slot loader_slot = GB_THREAD_SLOT(sizeof(loader), loader_free);

static void on_loader_error(HPDF_STATUS err, HPDF_STATUS detail, void *ud)
{
    loader *l = ud;
    l->err = err;
    l->detail = detail;
}

void gb_pdf_fonts_thread_done(void) { gb_thread_slot_done(&loader_slot); }

/* The calling thread's loader, made on first use (freed when the thread ends); NULL when out of
 * memory. */
static loader *thread_loader(void) { return gb_thread_slot_get(&loader_slot); }

/* The face parsed from path by this thread's loader, or NULL with *err and *detail set (libharu's
 * error; err 0x1015 when out of memory). */
static loaded_face *load_face(const char *path, unsigned long *err, unsigned long *detail)
{
    loader *l = thread_loader();
    *err = 0x1015;
    *detail = 0;
    if (!l) return NULL;
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->faces[i]->path, path)) return l->faces[i];
    loaded_face **faces = gb_grow(l->faces, &l->cap, l->n + 1, sizeof *faces, 8);
    if (!faces) return NULL;
    l->faces = faces;
    l->err = l->detail = 0;
    HPDF_Doc pdf = HPDF_New(on_loader_error, l);
    if (!pdf) return NULL;
    const char *name = HPDF_LoadTTFontFromFile(pdf, path, HPDF_TRUE);
    HPDF_FontDef def = name ? HPDF_GetFontDef(pdf, name) : NULL;
    if (!def) {
        *err = l->err;
        *detail = l->detail;
        HPDF_Free(pdf);
        return NULL;
    }
    loaded_face *lf = calloc(1, sizeof *lf);
    if (!lf) {
        HPDF_Free(pdf);
        return NULL;
    }
    lf->pdf = pdf;
    lf->def = def;
    lf->path = strdup(path);
    lf->gid = calloc(0x10000, sizeof *lf->gid);
    if (!lf->path || !lf->gid) {
        free(lf->path);
        free(lf->gid);
        free(lf);
        HPDF_Free(pdf);
        return NULL;
    }
    l->faces[l->n++] = lf;
    return lf;
}

/* The glyph ids a font drew, in the order first drawn: merging a document's fonts into another
 * visits these, not every glyph of the face. */
typedef struct glyph_list {
    uint16_t *id;
    unsigned n, cap;
    int lost;           /* out of memory once: merge scans every glyph instead */
} glyph_list;

typedef struct face_slot {
    char *path;
    int state;
    loaded_face *lf;    /* the thread's parsed face, valid in SLOT_PARSED */
    HPDF_Font font;     /* Type0 font dictionary, NULL until text is drawn in this face */
    HPDF_Dict cidfont;  /* its descendant CIDFontType2 dictionary */
    uint32_t *cache;    /* the thread's resolve table for this face's files (borrowed) */
    uint16_t *gid_cp;   /* per glyph id: the code point it was drawn for, 0 = not drawn */
    unsigned nglyphs;   /* entries of gid_cp (the face's glyph count) */
    glyph_list *drawn;  /* the ids whose gid_cp is set (owned with gid_cp) */
    int shared;         /* font, gid_cp and drawn belong to an earlier slot with the same file */
} face_slot;

/* Records that glyph gid of s's font was drawn for code point cp (the first code point stays). */
static void mark_drawn(face_slot *s, unsigned gid, uint32_t cp)
{
    if (s->gid_cp[gid]) return;
    s->gid_cp[gid] = (uint16_t)cp;
    glyph_list *l = s->drawn;
    if (!l || l->lost) return;
    if (l->n == l->cap) {
        unsigned cap = l->cap ? 2 * l->cap : 64;
        uint16_t *id = realloc(l->id, cap * sizeof *id);
        if (!id) {
            l->lost = 1;
            return;
        }
        l->id = id;
        l->cap = cap;
    }
    l->id[l->n++] = (uint16_t)gid;
}

struct gb_pdf_fonts {
    HPDF_Doc pdf;
    face_slot slot[GB_FACE_COUNT];
    gb_err err;
    uint64_t key;   /* the metrics' key (m_key), 0 until asked after the last face was set */
};

/* The tables libharu 2.3.0 parses when loading a TrueType font (LoadFontData in
 * hpdf_fontdef_tt.c); checking them when the face is set names the file at once instead of
 * failing mid-document. Its other "required" tables (cvt, fpgm, prep, post) are written empty
 * when absent: DejaVu Math TeX Gyre has no fpgm and works. */
static const char *const required_tags[] = {
    "OS/2", "cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name"
};

gb_pdf_fonts *gb_pdf_fonts_new(HPDF_Doc pdf)
{
    gb_pdf_fonts *f = calloc(1, sizeof *f);
    if (f) f->pdf = pdf;
    return f;
}

void gb_pdf_fonts_free(gb_pdf_fonts *f)
{
    if (!f) return;
    for (int i = 0; i < GB_FACE_COUNT; i++) {
        free(f->slot[i].path);
        if (!f->slot[i].shared) {
            free(f->slot[i].gid_cp);
            if (f->slot[i].drawn) free(f->slot[i].drawn->id);
            free(f->slot[i].drawn);
        }
    }
    free(f);
}

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

/* Checks that path is a TrueType file libharu can load; 0 or GB_EINPUT. */
static int check_ttf(const char *path, gb_err *e)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "cannot open font file '%s': %s", path,
                          strerror(errno));
    unsigned char head[12];
    int rc = 0;
    if (fread(head, 1, sizeof head, fp) != sizeof head) {
        rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0, "font file '%s' is too short to be a font",
                        path);
    } else if (!memcmp(head, "OTTO", 4)) {
        rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                        "font file '%s' has CFF outlines; libharu needs TrueType (.ttf)", path);
    } else if (!memcmp(head, "ttcf", 4)) {
        rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                        "font file '%s' is a font collection; give a single .ttf", path);
    } else if (memcmp(head, "\0\1\0\0", 4) && memcmp(head, "true", 4)) {
        rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0, "font file '%s' is not a TrueType font",
                        path);
    } else {
        unsigned ntab = be16(head + 4);
        unsigned found = 0;
        for (unsigned i = 0; i < ntab; i++) {
            unsigned char rec[16];
            if (fread(rec, 1, sizeof rec, fp) != sizeof rec) break;
            for (size_t t = 0; t < sizeof required_tags / sizeof *required_tags; t++)
                if (!memcmp(rec, required_tags[t], 4)) found |= 1u << t;
        }
        for (size_t t = 0; t < sizeof required_tags / sizeof *required_tags; t++)
            if (!(found & 1u << t)) {
                rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                                "font file '%s' lacks the '%s' table libharu requires", path,
                                required_tags[t]);
                break;
            }
    }
    fclose(fp);
    return rc;
}

int gb_pdf_fonts_set(gb_pdf_fonts *f, gb_face face, const char *ttf_path, gb_err *e)
{
    if ((int)face < 0 || face >= GB_FACE_COUNT || !ttf_path)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "gb_pdf_fonts_set: bad face %d or path",
                          (int)face);
    if (f->slot[face].state != SLOT_UNSET)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "font face %d is already set to '%s'",
                          (int)face, f->slot[face].path);
    int rc = check_ttf(ttf_path, e);
    if (rc) return rc;
    char *p = strdup(ttf_path);
    if (!p) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    f->slot[face].path = p;
    f->slot[face].state = SLOT_SET;
    f->key = 0;
    return 0;
}

const gb_err *gb_pdf_fonts_error(const gb_pdf_fonts *f) { return &f->err; }

/* The face whose file draws face: itself, else the serif face, else the first face set;
 * GB_FACE_COUNT when no face is set. */
static gb_face effective(const gb_pdf_fonts *f, gb_face face)
{
    if (f->slot[face].state != SLOT_UNSET) return face;
    if (f->slot[GB_FACE_SERIF].state != SLOT_UNSET) return GB_FACE_SERIF;
    for (int i = 0; i < GB_FACE_COUNT; i++)
        if (f->slot[i].state != SLOT_UNSET) return (gb_face)i;
    return GB_FACE_COUNT;
}

/* Parses the face's file on first use; the thread's parsed face or NULL. */
static loaded_face *parsed(gb_pdf_fonts *f, gb_face face)
{
    face_slot *s = &f->slot[face];
    if (s->state == SLOT_PARSED) return s->lf;
    if (s->state != SLOT_SET) return NULL;
    unsigned long err, detail;
    loaded_face *lf = load_face(s->path, &err, &detail);
    if (!lf) {
        s->state = SLOT_FAILED;   /* and f->err set below: m_key gives 0 from now on */
        gb_err_set(&f->err, GB_EINPUT, NULL, 0, 0,
                   "libharu cannot load font file '%s' (error 0x%04lX, detail %lu)", s->path,
                   err, detail);
        return NULL;
    }
    s->lf = lf;
    s->state = SLOT_PARSED;
    return lf;
}

/* Glyph id of cp in the parsed face lf, 0 if absent (libharu may return ids past the end for
 * broken cmaps); BMP code points are looked up once per thread (lf->gid). */
static unsigned glyph_id(loaded_face *lf, uint32_t cp)
{
    if (cp <= 0xFFFF && (lf->gid[cp] & LF_KNOWN)) return lf->gid[cp] & 0xFFFF;
    unsigned gid = HPDF_TTFontDef_GetGlyphid(lf->def, (HPDF_UINT16)cp);
    if (gid >= ((HPDF_TTFontDefAttr)lf->def->attr)->num_glyphs) gid = 0;
    if (cp <= 0xFFFF) lf->gid[cp] = LF_KNOWN | gid;
    return gid;
}

/* Advance of glyph gid of lf (1/1000 em). */
static int gid_width(const loaded_face *lf, unsigned gid)
{
    return HPDF_TTFontDef_GetGidWidth(lf->def, (HPDF_UINT16)gid);
}

static int drawable_cp(uint32_t cp)
{
    return cp <= 0xFFFF && cp >= 0x20 && !(cp >= 0x7F && cp < 0xA0) &&
           !(cp >= 0xD800 && cp < 0xE000);
}

static gb_glyph_use lookup(gb_pdf_fonts *f, gb_face face, uint32_t cp)
{
    gb_glyph_use u = {GB_GLYPH_SUBST_BOX, face, '?', 500};
    gb_face own = effective(f, face);
    if (own == GB_FACE_COUNT) return u;
    u.face = own;
    /* The own face, then the wide face (other scripts in the text's own design), then the CJK
     * fallback; each parsed only when the ones before lack cp. */
    const struct { gb_face face; gb_glyph_kind kind; int use; } order[3] = {
        {own, GB_GLYPH_OWN, 1},
        {GB_FACE_WIDE, GB_GLYPH_WIDE, own != GB_FACE_WIDE && own != GB_FACE_FALLBACK},
        {GB_FACE_FALLBACK, GB_GLYPH_FALLBACK, own != GB_FACE_FALLBACK},
    };
    loaded_face *tried[3] = {NULL, NULL, NULL};
    unsigned gid;
    for (int k = 0; k < 3; k++) {
        if (!order[k].use || f->slot[order[k].face].state == SLOT_UNSET) continue;
        loaded_face *lf = tried[k] = parsed(f, order[k].face);
        if (lf && drawable_cp(cp) && (gid = glyph_id(lf, cp))) {
            u.kind = order[k].kind;
            u.face = order[k].face;
            u.cp = cp;
            u.advance = gid_width(lf, gid);
            return u;
        }
    }
    loaded_face *def = tried[0], *fb = tried[2];
    /* Nothing has it: show a visible replacement rather than dropping the character. */
    if (def && (gid = glyph_id(def, 0xFFFD))) {
        u.kind = GB_GLYPH_SUBST;
        u.cp = 0xFFFD;
        u.advance = gid_width(def, gid);
    } else if (fb && (gid = glyph_id(fb, 0xFFFD))) {
        u.kind = GB_GLYPH_SUBST;
        u.face = GB_FACE_FALLBACK;
        u.cp = 0xFFFD;
        u.advance = gid_width(fb, gid);
    } else if (def && (gid = glyph_id(def, '?'))) {
        u.advance = gid_width(def, gid);
    }
    return u;
}

/* The thread's resolve table for face with this table's files, created on first use; NULL when
 * out of memory (then nothing is cached). */
static uint32_t *resolve_cache(gb_pdf_fonts *f, gb_face face)
{
    loader *l = thread_loader();
    gb_face own = effective(f, face);
    if (!l || own == GB_FACE_COUNT) return NULL;
    const char *wide = f->slot[GB_FACE_WIDE].path, *fb = f->slot[GB_FACE_FALLBACK].path;
    char *key = NULL;
    size_t len = (size_t)snprintf(NULL, 0, "%d|%s|%s|%s", (int)face, f->slot[own].path,
                                  wide ? wide : "", fb ? fb : "");
    if (!(key = malloc(len + 1))) return NULL;
    snprintf(key, len + 1, "%d|%s|%s|%s", (int)face, f->slot[own].path, wide ? wide : "",
             fb ? fb : "");
    for (size_t i = 0; i < l->nrt; i++)
        if (!strcmp(l->rt[i].key, key)) {
            free(key);
            return l->rt[i].cache;
        }
    resolve_table *rt = gb_grow(l->rt, &l->caprt, l->nrt + 1, sizeof *rt, 8);
    if (!rt) {
        free(key);
        return NULL;
    }
    l->rt = rt;
    uint32_t *cache = calloc(0x10000, sizeof *cache);
    if (!cache) {
        free(key);
        return NULL;
    }
    l->rt[l->nrt++] = (resolve_table){key, cache};
    return cache;
}

gb_glyph_use gb_pdf_fonts_resolve(gb_pdf_fonts *f, gb_face face, uint32_t cp)
{
    if ((int)face < 0 || face >= GB_FACE_COUNT) face = GB_FACE_SERIF;
    face_slot *s = &f->slot[face];
    if (cp > 0xFFFF) return lookup(f, face, cp);
    if (!s->cache) s->cache = resolve_cache(f, face);
    if (s->cache && (s->cache[cp] & CACHE_VALID)) {
        uint32_t c = s->cache[cp];
        gb_glyph_use u;
        u.kind = (gb_glyph_kind)(c >> 16 & 7);
        u.advance = (int)(c & 0xFFFF);
        gb_face own = effective(f, face);
        if (own == GB_FACE_COUNT) u.kind = GB_GLYPH_SUBST_BOX;   /* cannot happen: cached */
        switch (u.kind) {
        case GB_GLYPH_OWN: u.face = own; u.cp = cp; break;
        case GB_GLYPH_FALLBACK: u.face = GB_FACE_FALLBACK; u.cp = cp; break;
        case GB_GLYPH_WIDE: u.face = GB_FACE_WIDE; u.cp = cp; break;
        case GB_GLYPH_SUBST:
            /* which face has U+FFFD is stable: recompute the cheap part */
            loaded_face *lf = parsed(f, own);
            u.face = (lf && glyph_id(lf, 0xFFFD)) ? own : GB_FACE_FALLBACK;
            u.cp = 0xFFFD;
            break;
        default: u.face = own == GB_FACE_COUNT ? face : own; u.cp = '?'; break;
        }
        return u;
    }
    gb_glyph_use u = lookup(f, face, cp);
    /* do not cache results of a failed load: nothing will be drawn anyway */
    if (s->cache && !f->err.code && u.advance >= 0 && u.advance <= 0xFFFF)
        s->cache[cp] = CACHE_VALID | (uint32_t)u.kind << 16 | (uint32_t)u.advance;
    return u;
}

/* The PDF font objects are built here, not by HPDF_GetFont: libharu 2.3.0 maps all 65,536 code
 * points per face and document (a 128 KB CIDToGIDMap stream, a /W array of every glyph),
 * several milliseconds each (LIBRARIES.md 2.1). Ours: a Type0 font with /Identity-H encoding
 * whose CIDs are glyph ids (/CIDToGIDMap /Identity), /W and /ToUnicode holding just the glyphs
 * drawn, written at gb_pdf_fonts_finish (ISO 32000-1:2008, 9.7 and 9.10.3). libharu parses the
 * TrueType file and writes the subset program (HPDF_TTFontDef_SaveFontData). */
HPDF_Font gb_pdf_fonts_font(gb_pdf_fonts *f, gb_face face)
{
    if ((int)face < 0 || face >= GB_FACE_COUNT) return NULL;
    face_slot *s = &f->slot[face];
    if (s->font) return s->font;
    loaded_face *lf = parsed(f, face);
    if (!lf) return NULL;
    /* Faces set to one file (the template's sans is often the serif) share one PDF font. */
    for (int j = 0; j < GB_FACE_COUNT; j++) {
        face_slot *o = &f->slot[j];
        if (j != (int)face && o->font && !o->shared && !strcmp(o->path, s->path)) {
            s->font = o->font;
            s->cidfont = o->cidfont;
            s->gid_cp = o->gid_cp;
            s->drawn = o->drawn;
            s->nglyphs = o->nglyphs;
            s->shared = 1;
            return s->font;
        }
    }
    HPDF_TTFontDefAttr a = lf->def->attr;
    s->gid_cp = calloc(a->num_glyphs ? a->num_glyphs : 1, sizeof *s->gid_cp);
    s->nglyphs = s->gid_cp ? a->num_glyphs : 0;
    s->drawn = calloc(1, sizeof *s->drawn);   /* NULL: merge scans every glyph */
    HPDF_Dict font = s->gid_cp ? HPDF_Dict_New(f->pdf->mmgr) : NULL;
    HPDF_Dict cid = font ? HPDF_Dict_New(f->pdf->mmgr) : NULL;
    HPDF_Array desc = cid ? HPDF_Array_New(f->pdf->mmgr) : NULL;
    HPDF_STATUS st = desc ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM;
    if (!st) st = HPDF_Xref_Add(f->pdf->xref, font);
    if (!st) st = HPDF_Xref_Add(f->pdf->xref, cid);
    if (!st) {
        font->header.obj_class |= HPDF_OSUBCLASS_FONT;
        st |= HPDF_Dict_AddName(font, "Type", "Font");
        st |= HPDF_Dict_AddName(font, "Subtype", "Type0");
        st |= HPDF_Dict_AddName(font, "Encoding", "Identity-H");
        st |= HPDF_Dict_Add(font, "DescendantFonts", desc);
        st |= HPDF_Array_Add(desc, cid);
        st |= HPDF_Dict_AddName(cid, "Type", "Font");
        st |= HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
        st |= HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");
        HPDF_Dict info = HPDF_Dict_New(f->pdf->mmgr);
        if (!info || HPDF_Dict_Add(cid, "CIDSystemInfo", info) != HPDF_OK) st = 1;
        else {
            st |= HPDF_Dict_Add(info, "Registry", HPDF_String_New(f->pdf->mmgr, "Adobe", NULL));
            st |= HPDF_Dict_Add(info, "Ordering", HPDF_String_New(f->pdf->mmgr, "Identity", NULL));
            st |= HPDF_Dict_AddNumber(info, "Supplement", 0);
        }
    }
    if (st != HPDF_OK) {
        gb_err_set(&f->err, GB_EINTERNAL, NULL, 0, 0,
                   "libharu cannot create the PDF font objects for '%s' (error 0x%04X)",
                   s->path, (unsigned)HPDF_GetError(f->pdf));
        /* a later call starts again: nothing of this one is kept */
        free(s->gid_cp);
        if (s->drawn) free(s->drawn->id);
        free(s->drawn);
        s->gid_cp = NULL;
        s->drawn = NULL;
        s->nglyphs = 0;
        return NULL;
    }
    s->cidfont = cid;
    s->font = (HPDF_Font)font;
    return s->font;
}

/* Flags the components of composite glyph gid (recursively) for embedding. libharu 2.3.0 does
 * this itself only one level deep and reads component ids as signed 16-bit numbers, so in a
 * font with more than 32,767 glyphs (Droid Sans Fallback: 49,382) a component id >= 32768 is
 * never embedded and e.g. U+660E is drawn blank. */
static void flag_components(HPDF_FontDef def, unsigned gid, int depth)
{
    HPDF_TTFontDefAttr a = def->attr;
    if (gid >= a->num_glyphs || depth > 8 || !a->stream) return;
    a->glyph_tbl.flgs[gid] = 1;
    unsigned scale = a->header.index_to_loc_format == 0 ? 2 : 1;
    unsigned long off = (unsigned long)a->glyph_tbl.offsets[gid] * scale;
    unsigned long end = (unsigned long)a->glyph_tbl.offsets[gid + 1] * scale;
    if (end <= off + 10) return;
    unsigned char buf[1024];
    HPDF_UINT len = (HPDF_UINT)(end - off < sizeof buf ? end - off : sizeof buf);
    if (HPDF_Stream_Seek(a->stream, (HPDF_INT)(a->glyph_tbl.base_offset + off),
                         HPDF_SEEK_SET) != HPDF_OK ||
        HPDF_Stream_Read(a->stream, buf, &len) != HPDF_OK || len < 10)
        return;
    if (buf[0] != 0xFF || buf[1] != 0xFF) return;   /* numberOfContours != -1: simple glyph */
    unsigned comp[64];
    size_t nc = 0, p = 10;
    for (;;) {
        if (p + 4 > len || nc == 64) break;
        unsigned flags = be16(buf + p), cg = be16(buf + p + 2);
        comp[nc++] = cg;
        p += 4 + ((flags & 1) ? 4 : 2);                      /* ARG_1_AND_2_ARE_WORDS */
        p += (flags & 8) ? 2 : (flags & 64) ? 4 : (flags & 128) ? 8 : 0;   /* scales */
        if (!(flags & 32)) break;                            /* MORE_COMPONENTS */
    }
    for (size_t i = 0; i < nc; i++) flag_components(def, comp[i], depth + 1);
}

int gb_pdf_fonts_fast(gb_pdf_fonts *f, gb_face face, uint32_t cp, gb_face *draw, int *advance,
                      uint16_t *code)
{
    if (cp > 0xFFFF || (int)face < 0 || face >= GB_FACE_COUNT) return 0;
    const face_slot *s = &f->slot[face];
    uint32_t c;
    if (!s->cache || !((c = s->cache[cp]) & CACHE_VALID) || (c >> 16 & 7) != GB_GLYPH_OWN)
        return 0;
    gb_face own = effective(f, face);
    if (own == GB_FACE_COUNT) return 0;
    face_slot *o = &f->slot[own];
    if (!o->font || !o->lf) return 0;
    uint32_t g = o->lf->gid[cp];
    if (!(g & LF_KNOWN) || !(g & 0xFFFF)) return 0;
    unsigned gid = g & 0xFFFF;
    if (!o->gid_cp[gid]) mark_drawn(o, gid, cp);
    *draw = own;
    *advance = (int)(c & 0xFFFF);
    *code = (uint16_t)gid;
    return 1;
}

unsigned gb_pdf_fonts_code(gb_pdf_fonts *f, const gb_glyph_use *u)
{
    if ((int)u->face < 0 || u->face >= GB_FACE_COUNT) return 0;
    face_slot *s = &f->slot[u->face];
    if (!s->font && !gb_pdf_fonts_font(f, u->face)) return 0;
    unsigned gid = glyph_id(s->lf, u->cp);
    if (gid) mark_drawn(s, gid, u->cp);
    return gid;
}

/* ---- the font objects written at the end (see gb_pdf_fonts_font) ---- */

/* /W: the advance of each glyph drawn, as runs "first [w1 w2 ...]" of consecutive ids. */
static HPDF_STATUS widths(HPDF_MMgr mm, HPDF_Dict cid, HPDF_FontDef def, const uint16_t *gid_cp,
                          unsigned n)
{
    HPDF_Array w = HPDF_Array_New(mm);
    if (!w) return HPDF_FAILD_TO_ALLOC_MEM;
    HPDF_STATUS st = HPDF_Dict_Add(cid, "W", w);
    HPDF_Array run = NULL;
    for (unsigned g = 0; g < n && st == HPDF_OK; g++) {
        if (!gid_cp[g]) {
            run = NULL;
            continue;
        }
        if (!run) {
            run = HPDF_Array_New(mm);
            if (!run) return HPDF_FAILD_TO_ALLOC_MEM;
            st |= HPDF_Array_AddNumber(w, (HPDF_INT32)g);
            st |= HPDF_Array_Add(w, run);
        }
        st |= HPDF_Array_AddNumber(run, HPDF_TTFontDef_GetGidWidth(def, (HPDF_UINT16)g));
    }
    return st;
}

/* /ToUnicode: each glyph drawn back to the code point it was drawn for (9.10.3), so text
 * extraction and search give the characters, not glyph ids. */
static HPDF_STATUS to_unicode(HPDF_Doc pdf, HPDF_Dict font, const uint16_t *gid_cp, unsigned n)
{
    HPDF_Dict cm = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!cm) return HPDF_FAILD_TO_ALLOC_MEM;
    cm->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    HPDF_STATUS st = HPDF_Dict_Add(font, "ToUnicode", cm);
    static const char head[] =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    static const char tail[] =
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    st |= HPDF_Stream_WriteStr(cm->stream, head);
    unsigned total = 0;
    for (unsigned g = 0; g < n; g++) total += gid_cp[g] != 0;
    char line[32];
    unsigned g = 0;
    while (total && st == HPDF_OK) {
        unsigned k = total < 100 ? total : 100;   /* at most 100 entries a block (9.10.3) */
        snprintf(line, sizeof line, "%u beginbfchar\n", k);
        st |= HPDF_Stream_WriteStr(cm->stream, line);
        for (unsigned i = 0; i < k; g++) {
            if (!gid_cp[g]) continue;
            snprintf(line, sizeof line, "<%04X> <%04X>\n", g, (unsigned)gid_cp[g]);
            st |= HPDF_Stream_WriteStr(cm->stream, line);
            i++;
        }
        st |= HPDF_Stream_WriteStr(cm->stream, "endbfchar\n");
        total -= k;
    }
    st |= HPDF_Stream_WriteStr(cm->stream, tail);
    return st;
}

/* A subset tag (6 capital letters, 9.6.4) that depends only on the glyphs drawn (FNV-1a), so
 * the same document gives the same bytes. */
static void subset_tag(const uint16_t *gid_cp, unsigned n, char tag[8])
{
    uint32_t h = 2166136261u;
    for (unsigned g = 0; g < n; g++)
        if (gid_cp[g]) {
            h = (h ^ (g & 0xFF)) * 16777619u;
            h = (h ^ (g >> 8)) * 16777619u;
        }
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = '+';
    tag[7] = '\0';
}

/* The deflated subset program of lf for its current glyph flags and the subset name's tag:
 * from the face's recent programs, else written by libharu (HPDF_TTFontDef_SaveFontData) into
 * a memory stream, compressed and kept. NULL when out of memory or libharu fails. */
static const program *subset_program(HPDF_Doc pdf, loaded_face *lf, const char *tag)
{
    HPDF_TTFontDefAttr a = lf->def->attr;
    unsigned n = a->num_glyphs;
    uint64_t h = gb_fnv1a64(GB_FNV1A64_BASIS, a->glyph_tbl.flgs, n);
    size_t count = 0;
    for (program *p = lf->progs; p; p = p->next, count++)
        if (p->hash == h && !memcmp(p->tag, tag, 7) && !memcmp(p->flags, a->glyph_tbl.flgs, n))
            return p;
    /* not kept: write it */
    HPDF_Stream raw = HPDF_MemStream_New(pdf->mmgr, 16384);
    if (!raw) return NULL;
    program *p = calloc(1, sizeof *p);
    int ok = p && HPDF_TTFontDef_SaveFontData(lf->def, raw) == HPDF_OK;
    gb_err e = {0};
    if (ok) ok = !gb_deflate_stream(raw, &p->z, &p->zlen, &e);
    HPDF_Stream_Free(raw);
    if (ok) ok = (p->flags = malloc(n ? n : 1)) != NULL;
    if (!ok) {
        if (p) {
            free(p->z);
            free(p);
        }
        return NULL;
    }
    memcpy(p->flags, a->glyph_tbl.flgs, n);
    memcpy(p->tag, tag, 7);
    p->hash = h;
    p->length1 = a->length1;
    /* newest first; beyond PROGRAMS_KEPT the oldest (the last) goes */
    p->next = lf->progs;
    lf->progs = p;
    if (count + 1 > PROGRAMS_KEPT) {
        program *q = lf->progs;
        while (q->next && q->next->next) q = q->next;
        program *old = q->next;
        q->next = NULL;
        if (old) {
            free(old->flags);
            free(old->z);
            free(old);
        }
    }
    return p;
}

static HPDF_STATUS finish_face(HPDF_Doc pdf, face_slot *s)
{
    HPDF_FontDef def = s->lf->def;
    HPDF_TTFontDefAttr a = def->attr;
    HPDF_MMgr mm = pdf->mmgr;
    unsigned n = a->num_glyphs;
    char name[8 + HPDF_LIMIT_MAX_NAME_LEN + 1];
    subset_tag(s->gid_cp, n, name);
    /* the PostScript-style name libharu read, without its ",Style" suffix */
    size_t k = strcspn(def->base_font, ",");
    memcpy(name + 7, def->base_font, k);
    name[7 + k] = '\0';
    HPDF_STATUS st = HPDF_Dict_AddName((HPDF_Dict)s->font, "BaseFont", name);
    st |= HPDF_Dict_AddName(s->cidfont, "BaseFont", name);
    st |= HPDF_Dict_AddNumber(s->cidfont, "DW", def->missing_width);
    st |= widths(mm, s->cidfont, def, s->gid_cp, n);
    st |= to_unicode(pdf, (HPDF_Dict)s->font, s->gid_cp, n);

    HPDF_Dict fd = HPDF_Dict_New(mm);
    HPDF_Dict prog = fd ? HPDF_DictStream_New(mm, pdf->xref) : NULL;
    if (!prog || st != HPDF_OK) return st ? st : HPDF_FAILD_TO_ALLOC_MEM;
    st |= HPDF_Xref_Add(pdf->xref, fd);
    st |= HPDF_Dict_Add(s->cidfont, "FontDescriptor", fd);
    st |= HPDF_Dict_AddName(fd, "Type", "FontDescriptor");
    st |= HPDF_Dict_AddName(fd, "FontName", name);
    st |= HPDF_Dict_AddNumber(fd, "Flags", (HPDF_INT32)def->flags);
    st |= HPDF_Dict_Add(fd, "FontBBox", HPDF_Box_Array_New(mm, def->font_bbox));
    st |= HPDF_Dict_AddNumber(fd, "ItalicAngle", def->italic_angle);
    st |= HPDF_Dict_AddNumber(fd, "Ascent", def->ascent);
    st |= HPDF_Dict_AddNumber(fd, "Descent", def->descent);
    st |= HPDF_Dict_AddNumber(fd, "CapHeight", def->cap_height);
    st |= HPDF_Dict_AddNumber(fd, "StemV", def->stemv);
    /* The glyphs drawn and their components, the rest emptied by libharu. The flags belong to
     * the thread's parsed face: set them from this document's record only now. */
    memset(a->glyph_tbl.flgs, 0, a->num_glyphs);
    a->glyph_tbl.flgs[0] = 1;
    for (unsigned g = 1; g < n; g++)
        if (s->gid_cp[g]) flag_components(def, g, 0);
    /* libharu writes its tag into the program's name table: the subset tag, not a count of the
     * faces this thread loaded, so a document's bytes do not depend on what came before it */
    memcpy(a->tag_name, name, HPDF_TTF_FONT_TAG_LEN + 1);
    for (unsigned i = 0; i < HPDF_TTF_FONT_TAG_LEN + 1; i++) {
        a->tag_name2[2 * i] = 0;
        a->tag_name2[2 * i + 1] = name[i];
    }
    const program *pg = st == HPDF_OK ? subset_program(pdf, s->lf, name) : NULL;
    if (!pg) return st ? st : HPDF_FAILD_TO_ALLOC_MEM;
    st |= HPDF_Stream_Write(prog->stream, pg->z, (HPDF_UINT)pg->zlen);
    gb_stream_mark_deflated(prog);
    st |= HPDF_Dict_AddNumber(prog, "Length1", (HPDF_INT32)pg->length1);
    st |= HPDF_Dict_Add(fd, "FontFile2", prog);
    return st;
}

int gb_pdf_fonts_merge(gb_pdf_fonts *dst, const gb_pdf_fonts *src, gb_err *e)
{
    for (int i = 0; i < GB_FACE_COUNT; i++) {
        const face_slot *from = &src->slot[i];
        if (!from->font || !from->gid_cp || from->shared) continue;
        face_slot *to = &dst->slot[i];
        if (!to->font && !gb_pdf_fonts_font(dst, (gb_face)i))
            return gb_err_set(e, dst->err.code ? dst->err.code : GB_EINTERNAL, NULL, 0, 0,
                              "%s", dst->err.code ? dst->err.msg
                                                  : "no font for a face of a moved page");
        /* only src's own record is read: its thread (and the faces it parsed) may be gone */
        if (to->nglyphs != from->nglyphs || strcmp(to->path, from->path))
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                              "pages drawn with '%s' (%u glyphs) moved to a document drawing with '%s' (%u)",
                              from->path, from->nglyphs, to->path, to->nglyphs);
        const glyph_list *l = from->drawn;
        if (l && !l->lost) {
            for (unsigned k = 0; k < l->n; k++) mark_drawn(to, l->id[k], from->gid_cp[l->id[k]]);
        } else {
            for (unsigned g = 0; g < to->nglyphs; g++)
                if (from->gid_cp[g]) mark_drawn(to, g, from->gid_cp[g]);
        }
    }
    return 0;
}

int gb_pdf_fonts_finish(gb_pdf_fonts *f, gb_err *e)
{
    if (f->err.code) return gb_err_set(e, f->err.code, NULL, 0, 0, "%s", f->err.msg);
    for (int i = 0; i < GB_FACE_COUNT; i++) {
        face_slot *s = &f->slot[i];
        if (!s->font || s->shared) continue;
        HPDF_STATUS st = finish_face(f->pdf, s);
        if (st != HPDF_OK)
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                              "libharu cannot write the font objects of '%s' (error 0x%04X)",
                              s->path, (unsigned)HPDF_GetError(f->pdf));
    }
    return 0;
}

/* ---- gb_metrics over the fonts ---- */

static double m_advance(void *ctx, gb_face face, const char *s, size_t len, double size)
{
    gb_pdf_fonts *f = ctx;
    long sum = 0;
    size_t i = 0;
    const uint32_t *cache = (int)face >= 0 && face < GB_FACE_COUNT ? f->slot[face].cache : NULL;
    while (i < len) {
        uint32_t cp, c;
        if ((unsigned char)s[i] < 0x80) cp = (unsigned char)s[i++];
        else i += gb_utf8_decode(s + i, len - i, &cp);
        /* the advance straight from the resolve table when it is known (the common case) */
        if (cache && cp <= 0xFFFF && ((c = cache[cp]) & CACHE_VALID)) sum += (long)(c & 0xFFFF);
        else {
            sum += gb_pdf_fonts_resolve(f, face, cp).advance;
            if (!cache && (int)face >= 0 && face < GB_FACE_COUNT) cache = f->slot[face].cache;
        }
    }
    return (double)sum * size / 1000.0;
}

static void m_vmetrics(void *ctx, gb_face face, double size, gb_vmetrics *out)
{
    gb_pdf_fonts *f = ctx;
    gb_face own = (int)face >= 0 && face < GB_FACE_COUNT ? effective(f, face) : GB_FACE_COUNT;
    loaded_face *lf = own == GB_FACE_COUNT ? NULL : parsed(f, own);
    HPDF_FontDef def = lf ? lf->def : NULL;
    /* Defaults (a typical Latin face) for a face that failed to load; the save then fails. */
    double asc = 750, desc = 250, xh = 500, cap = 700;
    if (def) {
        asc = def->ascent;
        desc = -(double)def->descent;
        /* libharu reads x-height and cap height from the ink of 'x' and 'H'; CJK faces lack
         * them (0), so keep the Latin defaults there. */
        if (def->x_height) xh = def->x_height;
        if (def->cap_height) cap = def->cap_height;
    }
    out->ascent = asc * size / 1000.0;
    out->descent = (desc < 0 ? 0 : desc) * size / 1000.0;
    out->x_height = xh * size / 1000.0;
    out->cap_height = cap * size / 1000.0;
}

static void m_bbox(void *ctx, gb_face face, uint32_t cp, double size, gb_bbox *out)
{
    gb_pdf_fonts *f = ctx;
    gb_glyph_use u = gb_pdf_fonts_resolve(f, face, cp);
    double k = size / 1000.0;
    memset(out, 0, sizeof *out);
    if (u.kind == GB_GLYPH_SUBST_BOX) {
        /* the box drawn around '?' (pdf_doc.c draws the same rectangle) */
        out->urx = u.advance * k;
        out->lly = -100 * k;
        out->ury = 800 * k;
        return;
    }
    /* a face met through the thread's shared resolve table may not be parsed here yet */
    loaded_face *lf = parsed(f, u.face);
    if (!lf) return;
    HPDF_FontDef def = lf->def;
    unsigned gid = glyph_id(lf, u.cp);
    HPDF_TTFontDefAttr a = def->attr;
    /* An empty glyph (space) has no ink; reading its header would read the next glyph's. */
    if (!gid || a->glyph_tbl.offsets[gid] == a->glyph_tbl.offsets[gid + 1]) return;
    /* libharu reads the glyph's header from the file at each call: keep the box per thread */
    if (!lf->box) {
        lf->box = calloc(a->num_glyphs, sizeof *lf->box);
        lf->box_ok = calloc(a->num_glyphs, 1);
        if (!lf->box || !lf->box_ok) {
            free(lf->box);
            free(lf->box_ok);
            lf->box = NULL;
            lf->box_ok = NULL;
        }
    }
    if (!lf->box || !lf->box_ok[gid]) {
        HPDF_Box b = HPDF_TTFontDef_GetCharBBox(def, (HPDF_UINT16)u.cp);
        if (!lf->box) {
            out->llx = b.left * k;
            out->lly = b.bottom * k;
            out->urx = b.right * k;
            out->ury = b.top * k;
            return;
        }
        lf->box[gid][0] = (int16_t)b.left;
        lf->box[gid][1] = (int16_t)b.bottom;
        lf->box[gid][2] = (int16_t)b.right;
        lf->box[gid][3] = (int16_t)b.top;
        lf->box_ok[gid] = 1;
    }
    out->llx = lf->box[gid][0] * k;
    out->lly = lf->box[gid][1] * k;
    out->urx = lf->box[gid][2] * k;
    out->ury = lf->box[gid][3] * k;
}

static int m_has_glyph(void *ctx, gb_face face, uint32_t cp)
{
    gb_glyph_use u = gb_pdf_fonts_resolve(ctx, face, cp);
    return u.kind == GB_GLYPH_OWN;
}

/* The metrics' key: the file of each face (a face left unset is drawn by another face's file,
 * see effective(), which the files set decide). 0 once a face failed to load: measurements
 * then use stand-in values (m_vmetrics) that must not be remembered for healthy documents. */
static uint64_t m_key(void *ctx)
{
    gb_pdf_fonts *f = ctx;
    if (f->err.code) return 0;
    if (f->key) return f->key;
    uint64_t key = GB_FNV1A64_BASIS;
    for (int i = 0; i < GB_FACE_COUNT; i++) {
        const char *path = f->slot[i].state != SLOT_UNSET ? f->slot[i].path : "";
        key = gb_fnv1a64(key, path, strlen(path) + 1);
    }
    return f->key = key ? key : 1;
}

gb_metrics gb_pdf_fonts_metrics(gb_pdf_fonts *f)
{
    gb_metrics m = {f, m_advance, m_vmetrics, m_bbox, m_has_glyph, m_key};
    return m;
}
