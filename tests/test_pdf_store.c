/* test_pdf_store.c — compressed finished pages in memory and in the temporary file
 * (src/typeset/pdf_store.h): every page is saved through libharu and read back independently,
 * its text with poppler (pdftotext, pdfinfo) and its exact content stream with python3's zlib
 * (each page carries a header line with the CRC-32 of the rest, computed here). */
#include "gb_test.h"

#include "typeset/pdf_store.h"

#include <hpdf.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];

static const char *tpath(const char *name)
{
    static char buf[4][512];
    static int k;
    if (!tmpdir[0]) gb_test_tmpdir("pdfstore", tmpdir, sizeof tmpdir);
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static int cleanup(void)
{
    if (tmpdir[0] && !getenv("GB_KEEP_PDF")) gb_test_rmdir(tmpdir);
    return 0;
}

/* CRC-32 (ISO 3309, as zlib.crc32), bit by bit. */
static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void) { return gb_test_rand(&rng); }

/* "% page <id> crc <crc32> len <n>\n" followed by body[0..n) (malloc'ed, *len bytes). */
static char *with_header(int id, const unsigned char *body, size_t n, size_t *len)
{
    char head[96];
    int hl = snprintf(head, sizeof head, "%% page %d crc %08X len %zu\n", id,
                      (unsigned)crc32_of(body, n), n);
    char *out = malloc((size_t)hl + n);
    if (out) {
        memcpy(out, head, (size_t)hl);
        memcpy(out + hl, body, n);
        *len = (size_t)hl + n;
    }
    return out;
}

/* Page `id`'s content stream: a header "% page <id> crc <crc32> len <n>" over the rest, a text
 * "MARKER<id>Z" in font resource F<face>, and `noise` bytes of random comment lines (any byte
 * but CR and LF: nearly incompressible). Malloc'ed, its length in *len. */
static char *page_content(int id, unsigned face, size_t noise, size_t *len)
{
    char text[128];
    int tl = snprintf(text, sizeof text, "BT /F%u 24 Tf 40 40 Td (MARKER%dZ) Tj ET\n", face, id);
    size_t body_len = (size_t)tl + noise + (noise ? 4 * (noise / 1000 + 1) : 0);
    unsigned char *body = malloc(body_len + 1);
    if (!body) return NULL;
    memcpy(body, text, (size_t)tl);
    size_t n = (size_t)tl;
    size_t left = noise;
    while (left) {
        size_t line = left < 1000 ? left : 1000;
        body[n++] = '%';
        for (size_t i = 0; i < line; i++) {
            unsigned char b = (unsigned char)(rnd() >> 56);
            if (b == '\r' || b == '\n') b = 'x';
            body[n++] = b;
        }
        body[n++] = '\n';
        left -= line;
    }
    char *out = with_header(id, body, n, len);
    free(body);
    return out;
}

/* The start of the python3 scripts that read content streams back: a loop over every stream of
 * the file named by argv[1] (m: its match; the stream's bytes start at m.end()). */
#define PY_STREAMS \
    "import re, sys, zlib\n" \
    "data = open(sys.argv[1], 'rb').read()\n" \
    "for m in re.finditer(rb'stream\\r?\\n', data):\n" \
    "    if data[m.start() - 3:m.start()] == b'end': continue\n"

/* Number of this process's descriptors open on deleted files (tmpfile() files). */
static int deleted_files(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        char p[300], target[600];
        snprintf(p, sizeof p, "/proc/self/fd/%s", de->d_name);
        ssize_t k = readlink(p, target, sizeof target - 1);
        if (k <= 0) continue;
        target[k] = '\0';
        if (strstr(target, "(deleted)")) n++;
    }
    closedir(d);
    return n;
}

typedef struct fonts_ctx { HPDF_Font helv; unsigned asked; } fonts_ctx;

static HPDF_Font font_of(void *ctx, unsigned k)
{
    fonts_ctx *f = ctx;
    f->asked |= 1u << k;
    return f->helv;
}

/* What a page is expected to hold. */
typedef struct page_want { int id; double w, h; } page_want;

/* Adds page id (size from the id) to s; 0 or -1. */
static int add_page(gb_store *s, int id, unsigned face, size_t noise, page_want *want)
{
    size_t len = 0;
    char *c = page_content(id, face, noise, &len);
    if (!c) return -1;
    gb_err e = {0};
    double w = 400 + id % 3, h = 300 + 7 * (id % 4);
    int before = gb_store_count(s);
    int k = gb_store_add(s, w, h, c, len, 0, 1u << face, &e);
    free(c);
    GB_ASSERT_MSG(k == before && gb_store_count(s) == before + 1, "add page %d: index %d (%s)",
                  id, k, e.msg);
    if (want) *want = (page_want){id, w, h};
    return k == before ? 0 : -1;
}

/* Saves s (whose document is pdf) to path and checks every page against want[0..n): text in
 * order (pdftotext), sizes (pdfinfo), exact content (python3 zlib). */
static void save_and_check(HPDF_Doc pdf, gb_store *s, const char *path, const page_want *want,
                           int n, unsigned faces)
{
    gb_err e = {0};
    GB_ASSERT_MSG(gb_store_count(s) == n, "store holds %d pages, want %d", gb_store_count(s), n);
    for (int i = 0; i < n; i++) GB_ASSERT_NEAR(gb_store_height(s, i), want[i].h, 0);
    fonts_ctx fc = {HPDF_GetFont(pdf, "Helvetica", NULL), 0};
    HPDF_Page *pages = n > 0 ? calloc((size_t)n, sizeof *pages) : NULL;
    int rc = pages ? gb_store_to_pages(s, font_of, &fc, pages, &e) : -1;
    GB_ASSERT_MSG(rc == 0, "to_pages: %s", e.msg);
    for (int i = 0; i < n && !rc; i++) GB_ASSERT_MSG(pages[i] != NULL, "page %d missing", i);
    GB_ASSERT_MSG(fc.asked == faces, "fonts asked for faces 0x%X, pages use 0x%X", fc.asked, faces);
    free(pages);
    HPDF_STATUS st = HPDF_SaveToFile(pdf, path);
    GB_ASSERT_MSG(st == HPDF_OK, "HPDF_SaveToFile: 0x%04X", (unsigned)st);
    /* the font resource names, once on the page tree's root */
    size_t flen = 0;
    char *file = gb_test_slurp(path, &flen);
    for (unsigned k = 0; k < 32 && file; k++) {
        if (!(faces >> k & 1)) continue;
        char name[8], key[16];
        snprintf(key, sizeof key, "/%s ", gb_store_font_name(k, name));
        int found = 0;
        for (size_t i = 0; i + strlen(key) <= flen && !found; i++)
            found = memcmp(file + i, key, strlen(key)) == 0;
        GB_ASSERT_MSG(found, "font resource %s not in the file", key);
    }
    free(file);

    /* text, page by page (pdftotext ends each page with a form feed) */
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd, "pdftotext -q '%s' -", path);
    GB_ASSERT_MSG(gb_test_run(cmd, &out) == 0 && out, "pdftotext failed");
    char *p = out;
    for (int i = 0; i < n && p; i++) {
        char *ff = strchr(p, '\f');
        if (ff) *ff = '\0';
        char mark[32];
        snprintf(mark, sizeof mark, "MARKER%dZ", want[i].id);
        GB_ASSERT_MSG(strstr(p, mark) != NULL, "page %d: '%s' not found in '%.60s'", i + 1, mark,
                      p);
        p = ff ? ff + 1 : NULL;
    }
    free(out);
    out = NULL;

    /* page sizes */
    snprintf(cmd, sizeof cmd, "pdfinfo -f 1 -l %d '%s'", n, path);
    GB_ASSERT_MSG(gb_test_run(cmd, &out) == 0 && out, "pdfinfo failed");
    int pages_seen = 0;
    for (char *l = out ? strtok(out, "\n") : NULL; l; l = strtok(NULL, "\n")) {
        int pg;
        double w, h;
        if (sscanf(l, "Page %d size: %lf x %lf", &pg, &w, &h) == 3 && pg >= 1 && pg <= n) {
            pages_seen++;
            GB_ASSERT_MSG(w == want[pg - 1].w && h == want[pg - 1].h,
                          "page %d is %g x %g, want %g x %g", pg, w, h, want[pg - 1].w,
                          want[pg - 1].h);
        } else if (!strncmp(l, "Pages:", 6)) {
            GB_ASSERT_MSG(atoi(l + 6) == n, "pdfinfo: %s (want %d)", l, n);
        }
    }
    GB_ASSERT_MSG(pages_seen == n, "pdfinfo listed %d page sizes, want %d", pages_seen, n);
    free(out);
    out = NULL;

    /* every content stream inflated: header and CRC-32 of the rest */
    const char *py = tpath("check.py");
    FILE *f = fopen(py, "w");
    if (f) {
        fputs(PY_STREAMS
              "    try:\n"
              "        out = zlib.decompressobj().decompress(data[m.end():])\n"
              "    except zlib.error:\n"
              "        continue\n"
              "    if not out.startswith(b'% page '): continue\n"
              "    nl = out.index(b'\\n'); h = out[:nl].split(); body = out[nl + 1:]\n"
              "    ok = zlib.crc32(body) & 0xffffffff == int(h[4], 16) and len(body) == int(h[6])\n"
              "    print(int(h[2]), 'ok' if ok else 'bad')\n",
              f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "python3 '%s' '%s'", py, path);
    GB_ASSERT_MSG(gb_test_run(cmd, &out) == 0 && out, "python3 check failed");
    int *seen = n > 0 ? calloc((size_t)n, sizeof *seen) : NULL, good = 0;
    for (char *l = out && seen ? strtok(out, "\n") : NULL; l; l = strtok(NULL, "\n")) {
        int id;
        char verdict[8];
        if (sscanf(l, "%d %7s", &id, verdict) != 2) continue;
        int idx = -1;
        for (int i = 0; i < n; i++)
            if (want[i].id == id) idx = i;
        GB_ASSERT_MSG(idx >= 0 && !strcmp(verdict, "ok"), "content of page id %d: %s", id,
                      verdict);
        if (idx >= 0 && !strcmp(verdict, "ok") && !seen[idx]++) good++;
    }
    GB_ASSERT_MSG(good == n, "%d of %d pages' content streams read back intact", good, n);
    free(seen);
    free(out);
}

/* Body k (deterministic in k): ~6 KB of lines, compressible but distinct per k. */
static size_t body_text(unsigned k, char *buf, size_t cap)
{
    size_t n = 0;
    uint64_t x = 0x9E3779B97F4A7C15ull * (k + 1);
    for (int line = 0; line < 160 && n + 64 < cap; line++)
        n += (size_t)snprintf(buf + n, cap - n, "%% body %u line %d %016llX\n", k, line,
                              (unsigned long long)gb_test_rand(&x));
    return n;
}

/* Pages whose content starts with one of 40 bodies (more than GB_STORE_BODIES, so kept bodies
 * are also dropped and compressed again), marked as bodies of various lengths (0, part, all):
 * every content stream inflates (zlib checks its Adler-32) to the page's exact bytes. Pages
 * 140..149 repeat pages 130..139 exactly: those bodies were compressed fresh (their last use was
 * more than 32 bodies before), the repeats come from the kept bodies ten pages later, and both
 * must give the same compressed bytes. */
static void test_repeated_bodies(void)
{
    HPDF_Doc pdf = HPDF_New(NULL, NULL);
    gb_store *s = pdf ? gb_store_new(pdf) : NULL;
    GB_ASSERT_MSG(s != NULL, "store");
    if (!s) { if (pdf) HPDF_Free(pdf); return; }
    enum { N = 150 };
    static char content[16384];
    uint32_t want[N];
    int rc = 0;
    for (int i = 0; i < N && !rc; i++) {
        /* bodies: in runs that repeat soon (i % 5) and late (i % 40); pages 140..149 the same
         * bytes as pages 130..139 */
        int t = i >= 140 ? i - 10 : i;        /* the page repeated (body, mark and tail) */
        unsigned k = t < 100 ? (unsigned)(t % 5 + (t / 25) * 5) : (unsigned)(t % 40);
        size_t n = body_text(k, content, sizeof content);
        size_t body = n;
        if (t % 7 == 3) body = 0;             /* no body marked */
        else if (t % 7 == 5) body = n / 2;    /* part of it */
        n += (size_t)snprintf(content + n, sizeof content - n,
                              "BT /F0 24 Tf 40 40 Td (MARKER%dZ) Tj ET\n", t);
        if (t % 11 == 0) body = n;            /* all of it */
        want[i] = crc32_of((const unsigned char *)content, n);
        gb_err e = {0};
        rc = gb_store_add(s, 300, 300, content, n, body, 1u, &e) != i;
        GB_ASSERT_MSG(!rc, "add page %d: %s", i, e.msg);
    }
    fonts_ctx fc = {HPDF_GetFont(pdf, "Helvetica", NULL), 0};
    HPDF_Page pages[N];
    gb_err e = {0};
    if (!rc) rc = gb_store_to_pages(s, font_of, &fc, pages, &e);
    GB_ASSERT_MSG(rc == 0, "to_pages: %s", e.msg);
    const char *path = tpath("bodies.pdf");
    if (!rc) GB_ASSERT_MSG(HPDF_SaveToFile(pdf, path) == HPDF_OK, "save failed");
    HPDF_Free(pdf);
    gb_store_free(s);
    if (rc) return;
    /* every content stream in file order (= page order): CRC-32 of its bytes and of its
     * compressed bytes */
    const char *py = tpath("bodies.py");
    FILE *f = fopen(py, "w");
    if (f) {
        fputs(PY_STREAMS
              "    d = zlib.decompressobj()\n"
              "    try:\n"
              "        out = d.decompress(data[m.end():])\n"
              "    except zlib.error:\n"
              "        continue\n"
              "    if not d.eof or b'MARKER' not in out: continue\n"
              "    raw = data[m.end():len(data) - len(d.unused_data)]\n"
              "    print(zlib.crc32(out), zlib.crc32(raw))\n",
              f);
        fclose(f);
    }
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd, "python3 '%s' '%s'", py, path);
    GB_ASSERT_MSG(gb_test_run(cmd, &out) == 0 && out, "python3 check failed: %s", out ? out : "");
    int i = 0;
    unsigned long zcrc[N] = {0};
    for (char *l = out ? strtok(out, "\n") : NULL; l; l = strtok(NULL, "\n"), i++) {
        unsigned long c, z;
        if (sscanf(l, "%lu %lu", &c, &z) != 2 || i >= N) break;
        GB_ASSERT_MSG(c == want[i], "page %d: content CRC %08lX, want %08X", i, c,
                      (unsigned)want[i]);
        zcrc[i] = z;
    }
    GB_ASSERT_MSG(i == N, "%d content streams read back, want %d", i, N);
    for (int k = 140; k < N && i == N; k++)
        GB_ASSERT_MSG(zcrc[k] == zcrc[k - 10], "page %d (body kept) and page %d (compressed "
                      "fresh) hold the same bytes but compress differently", k, k - 10);
    free(out);
}

static void test_font_names(void)
{
    char buf[8];
    const struct { unsigned k; const char *s; } t[] = {
        {0, "F0"}, {7, "F7"}, {9, "F9"}, {10, "F10"}, {12, "F12"}, {31, "F31"}, {100, "F100"},
        {305, "F305"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        memset(buf, 'Q', sizeof buf);
        const char *r = gb_store_font_name(t[i].k, buf);
        GB_ASSERT_MSG(r == buf && strcmp(buf, t[i].s) == 0, "font name %u: '%.8s'", t[i].k, buf);
    }
}

/* Small pages, all in memory: compressed, sizes and fonts as given, content intact. */
static void test_memory_pages(void)
{
    HPDF_Doc pdf = HPDF_New(NULL, NULL);
    gb_store *s = pdf ? gb_store_new(pdf) : NULL;
    GB_ASSERT_MSG(s != NULL, "store");
    if (!s) { if (pdf) HPDF_Free(pdf); return; }
    GB_ASSERT_MSG(gb_store_count(s) == 0 && gb_store_height(s, 0) == 0, "new store not empty");
    int files = deleted_files();
    page_want want[6];
    const unsigned face[6] = {0, 7, 12, 7, 0, 12};
    for (int i = 0; i < 6; i++) add_page(s, i, face[i], 3000 * (size_t)i, &want[i]);
    GB_ASSERT_MSG(deleted_files() == files, "small pages went to a temporary file");
    GB_ASSERT_MSG(gb_store_height(s, -1) == 0 && gb_store_height(s, 6) == 0,
                  "height of a page out of range");
    /* compressed: a page of 2,000 identical lines takes far less than its 36,000 bytes */
    char *rep = malloc(40000 + 64), *page = NULL;
    size_t rl = 0, pl = 0;
    if (rep) {
        rl = (size_t)sprintf(rep, "BT /F0 24 Tf 40 40 Td (MARKER6Z) Tj ET\n");
        for (int i = 0; i < 2000; i++) rl += (size_t)sprintf(rep + rl, "%% repeated line %02d\n", 7);
        page = with_header(6, (const unsigned char *)rep, rl, &pl);
    }
    gb_err e = {0};
    GB_ASSERT_MSG(page && pl > 36000 && gb_store_add(s, 500, 500, page, pl, 0, 1u, &e) == 6,
                  "add: %s", e.msg);
    free(rep);
    free(page);
    page_want all[7];
    memcpy(all, want, sizeof want);
    all[6] = (page_want){6, 500, 500};
    const char *path = tpath("memory.pdf");
    save_and_check(pdf, s, path, all, 7, 1u | 1u << 7 | 1u << 12);
    HPDF_Free(pdf);
    gb_store_free(s);
    /* the repeated page is small in the file: the whole file is below the random pages' size */
    size_t flen = 0;
    char *file = gb_test_slurp(path, &flen);
    GB_ASSERT_MSG(file && flen < 3000 * 15 + 25000, "file of %zu bytes: not compressed?", flen);
    free(file);
}

/* More than GB_STORE_MEMORY of compressed content: later pages go to the temporary file, and
 * every page still saves intact, in order. */
static void test_spill(void)
{
    HPDF_Doc pdf = HPDF_New(NULL, NULL);
    gb_store *s = pdf ? gb_store_new(pdf) : NULL;
    GB_ASSERT_MSG(s != NULL, "store");
    if (!s) { if (pdf) HPDF_Free(pdf); return; }
    int files = deleted_files();
    GB_ASSERT_MSG(files >= 0, "cannot list /proc/self/fd");
    enum { N = 9 };
    page_want want[N];
    /* 7 pages of 0.8 MB of random bytes (5.6 MB compressed) with small pages in between */
    const size_t noise[N] = {800000, 100, 800000, 800000, 800000, 800000, 200, 800000, 800000};
    int k = 0;
    for (int i = 0; i < N; i++) {
        k |= add_page(s, 100 + i, (unsigned)(i % 2) * 7, noise[i], &want[i]);
        if (i == 2)
            GB_ASSERT_MSG(deleted_files() == files, "a temporary file before 4 MB were stored");
    }
    GB_ASSERT_MSG(k == 0, "adding pages failed");
    GB_ASSERT_MSG(deleted_files() == files + 1, "no temporary file after 5.6 MB (%d open, %d before)",
                  deleted_files(), files);
    save_and_check(pdf, s, tpath("spill.pdf"), want, N, 1u | 1u << 7);
    HPDF_Free(pdf);
    gb_store_free(s);
    GB_ASSERT_MSG(deleted_files() == files, "the temporary file outlived the store");
}

/* Pages move from one document's store to another's, spilled pages included; the source is
 * left empty, and the destination does not depend on it once it is freed. */
static void test_take(void)
{
    HPDF_Doc pdf_dst = HPDF_New(NULL, NULL), pdf_src = HPDF_New(NULL, NULL);
    gb_store *dst = pdf_dst ? gb_store_new(pdf_dst) : NULL;
    gb_store *src = pdf_src ? gb_store_new(pdf_src) : NULL;
    GB_ASSERT_MSG(dst && src, "stores");
    if (!dst || !src) {
        gb_store_free(dst);
        gb_store_free(src);
        if (pdf_dst) HPDF_Free(pdf_dst);
        if (pdf_src) HPDF_Free(pdf_src);
        return;
    }
    int files = deleted_files();
    enum { ND = 2, NS = 8, NE = 3 };
    page_want want[ND + NS + NS + NE];
    int n = 0, rc = 0;
    for (int i = 0; i < ND; i++, n++) rc |= add_page(dst, i, 0, 500, &want[n]);
    const size_t noise[NS] = {800000, 800000, 300, 800000, 800000, 800000, 800000, 10};
    for (int i = 0; i < NS; i++, n++) rc |= add_page(src, 10 + i, 12, noise[i], &want[n]);
    GB_ASSERT_MSG(rc == 0, "adding pages");
    GB_ASSERT_MSG(deleted_files() == files + 1, "the source did not spill");
    gb_err e = {0};
    int first = gb_store_take(dst, src, &e);
    GB_ASSERT_MSG(first == ND, "take returned %d (%s), want %d", first, e.msg, ND);
    GB_ASSERT_MSG(gb_store_count(dst) == ND + NS && gb_store_count(src) == 0,
                  "after take: dst %d pages, src %d", gb_store_count(dst), gb_store_count(src));
    GB_ASSERT_MSG(gb_store_height(src, 0) == 0, "source still has a page 0");
    for (int i = 0; i < ND + NS; i++) GB_ASSERT_NEAR(gb_store_height(dst, i), want[i].h, 0);
    /* the source can be used again, and a second take of it appends its new pages */
    for (int i = 0; i < NS; i++) rc |= add_page(src, 30 + i, 7, noise[NS - 1 - i], &want[n++]);
    first = gb_store_take(dst, src, &e);
    GB_ASSERT_MSG(rc == 0 && first == ND + NS, "second take returned %d (%s)", first, e.msg);
    /* an empty source moves nothing */
    first = gb_store_take(dst, src, &e);
    GB_ASSERT_MSG(first == ND + 2 * NS && gb_store_count(dst) == ND + 2 * NS,
                  "taking an empty store returned %d, dst has %d", first, gb_store_count(dst));
    gb_store_free(src);
    HPDF_Free(pdf_src);
    /* the destination keeps taking pages of its own */
    for (int i = 0; i < NE; i++) rc |= add_page(dst, 60 + i, 0, 200, &want[n++]);
    GB_ASSERT_MSG(rc == 0 && n == gb_store_count(dst), "%d pages, want %d", gb_store_count(dst), n);
    save_and_check(pdf_dst, dst, tpath("take.pdf"), want, n, 1u | 1u << 7 | 1u << 12);
    HPDF_Free(pdf_dst);
    gb_store_free(dst);
    GB_ASSERT_MSG(deleted_files() == files, "temporary files left open");
}

GB_TEST_SUITE(pdf_store)
{
    CU_pSuite s = CU_add_suite("pdf_store", NULL, cleanup);
    GB_ADD(s, test_font_names);
    GB_ADD(s, test_memory_pages);
    GB_ADD(s, test_spill);
    GB_ADD(s, test_take);
    GB_ADD(s, test_repeated_bodies);
}
