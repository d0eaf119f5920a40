/* test_pdf_doc.c — the libharu backend: real DejaVu fonts, read back with poppler-utils. */
#include "gb_test.h"

#include "typeset/dlist.h"
#include "typeset/linebreak.h"
#include "typeset/pdf_bodies.h"
#include "typeset/pdf_doc.h"
#include "util/utf8.h"

#include <hpdf.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SERIF "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
#define BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
#define MONO "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
#define DROID "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

static char tmpdir[256];

static const char *tpath(const char *name)
{
    static char buf[4][512];
    static int k;
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/gb_pdf_test_XXXXXX");
        if (!mkdtemp(tmpdir)) tmpdir[0] = '\0';
    }
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}


/* First occurrence of needle in s[0..n) (the file holds binary streams, so strstr would stop
 * at the first NUL); NULL if absent. */
static const char *find(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0) return s + i;
    return NULL;
}

/* Collapses runs of white space to one space and trims, in place. */
static char *squash(char *s)
{
    char *w = s;
    int sp = 1;
    for (char *r = s; *r; r++) {
        if (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\f' || *r == '\r') {
            if (!sp) *w++ = ' ';
            sp = 1;
        } else {
            *w++ = *r;
            sp = 0;
        }
    }
    if (w > s && w[-1] == ' ') w--;
    *w = '\0';
    return s;
}

static gb_pdf_doc *new_doc(int with_fallback)
{
    gb_err e = {0};
    gb_pdf_doc *d = gb_pdf_doc_new(&e);
    GB_ASSERT_MSG(d != NULL, "doc_new: %s", e.msg);
    if (!d) return NULL;
    int rc = gb_pdf_doc_set_face(d, GB_FACE_SERIF, SERIF, &e);
    rc |= gb_pdf_doc_set_face(d, GB_FACE_SERIF_BOLD, BOLD, &e);
    rc |= gb_pdf_doc_set_face(d, GB_FACE_MONO, MONO, &e);
    if (with_fallback) rc |= gb_pdf_doc_set_face(d, GB_FACE_FALLBACK, DROID, &e);
    GB_ASSERT_MSG(rc == 0, "set_face: %s", e.msg);
    return d;
}

static const char *LINE1 = "Gradient descent: w \xe2\x86\x90 w \xe2\x88\x92 \xce\xb7 \xe2\x88\x82" "C/\xe2\x88\x82w";
static const char *LINE2 = "Sch\xc3\xbcler: \xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e (Wang)";  /* 王小明 */
static const char *LINE3 = "mono 0.0002151472258";

/* A page with three text lines, a red filled rectangle, a dashed blue line, a green circle. */
static int draw_sample(gb_pdf_doc *d, gb_err *e)
{
    gb_dlist *dl = gb_dlist_new();
    int rc = gb_dl_text(dl, GB_FACE_SERIF, 14, 0, 0, LINE1, strlen(LINE1), GB_BLACK);
    rc |= gb_dl_text(dl, GB_FACE_SERIF_BOLD, 14, 0, -24, LINE2, strlen(LINE2),
                     (gb_rgb){0.1, 0.2, 0.6});
    rc |= gb_dl_text(dl, GB_FACE_MONO, 12, 0, -48, LINE3, strlen(LINE3), GB_BLACK);
    gb_stroke st = {2, 0, 0, GB_BLACK};
    gb_rgb red = {0.9, 0.1, 0.1}, green = {0.1, 0.7, 0.2};
    rc |= gb_dl_rect(dl, 0, -150, 120, 60, &red, &st);
    gb_stroke dash = {1.5, 4, 3, {0, 0, 1}};
    rc |= gb_dl_line(dl, 0, -170, 300, -170, &dash);
    rc |= gb_dl_circle(dl, 220, -120, 30, &green, NULL);
    GB_ASSERT_MSG(rc == 0, "building the display list");
    if (gb_pdf_page_add(d, 595, 842, e) < 0) { gb_dlist_free(dl); return -1; }
    rc = gb_pdf_page_draw(d, dl, 72, 760, e);
    gb_dlist_free(dl);
    return rc;
}

static int save_sample(const char *path, int with_fallback, gb_err *e)
{
    gb_pdf_doc *d = new_doc(with_fallback);
    if (!d) return -1;
    gb_pdf_info info = {"Workbook \xe2\x80\x94 \xcf\x83", "Ada", "Neural networks", "sigmoid",
                        "gradbook", 1700000000};
    int rc = gb_pdf_doc_set_info(d, &info, e);
    if (!rc) rc = draw_sample(d, e);
    if (!rc) rc = gb_pdf_doc_save(d, path, e);
    gb_pdf_doc_free(d);
    return rc;
}

static void test_text_roundtrip(void)
{
    gb_err e = {0};
    const char *pdf = tpath("sample.pdf");
    int rc = save_sample(pdf, 1, &e);
    GB_ASSERT_MSG(rc == 0, "save: %s", e.msg);
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "pdftotext -q '%s' -", pdf);
    GB_ASSERT_MSG(gb_test_run(cmd, &out) == 0 && out, "pdftotext failed");
    if (!out) return;
    squash(out);
    char want[512];
    snprintf(want, sizeof want, "%s %s %s", LINE1, LINE2, LINE3);
    squash(want);
    GB_ASSERT_MSG(strcmp(out, want) == 0, "extracted '%s', want '%s'", out, want);
    free(out);
    out = NULL;
    /* every font embedded: the 'emb' column of pdffonts says yes on each font line */
    snprintf(cmd, sizeof cmd, "pdffonts '%s'", pdf);
    GB_ASSERT_MSG(gb_test_run(cmd, &out) == 0 && out, "pdffonts failed");
    if (!out) return;
    int fonts = 0, embedded = 0;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        if (!strstr(l, "CID TrueType")) continue;
        fonts++;
        if (strstr(l, "Identity-H       yes")) embedded++;
    }
    /* Serif, Serif Bold, Mono, and the fallback for the CJK name */
    GB_ASSERT_MSG(fonts == 4 && embedded == 4, "%d fonts, %d embedded", fonts, embedded);
    free(out);
    out = NULL;
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", pdf);
    GB_ASSERT_MSG(gb_test_run(cmd, &out) == 0 && out, "pdfinfo failed");
    if (out) {
        GB_ASSERT_MSG(strstr(out, "Workbook \xe2\x80\x94 \xcf\x83") != NULL, "title: %s", out);
        GB_ASSERT_MSG(strstr(out, "Ada") != NULL, "author: %s", out);
    }
    free(out);
}

/* Unused faces cost nothing: a document drawing only serif text holds one font. */
static void test_lazy_faces(void)
{
    gb_err e = {0};
    gb_pdf_doc *d = new_doc(1);
    gb_dlist *dl = gb_dlist_new();
    gb_dl_text(dl, GB_FACE_SERIF, 12, 0, 0, "plain", 5, GB_BLACK);
    int rc = gb_pdf_page_add(d, 200, 200, &e) < 0;
    if (!rc) rc = gb_pdf_page_draw(d, dl, 10, 100, &e);
    if (!rc) rc = gb_pdf_doc_save(d, tpath("lazy.pdf"), &e);
    GB_ASSERT_MSG(rc == 0, "%s", e.msg);
    gb_dlist_free(dl);
    gb_pdf_doc_free(d);
    char cmd[600], *out = NULL;
    snprintf(cmd, sizeof cmd, "pdffonts '%s' | grep -c 'CID TrueType'", tpath("lazy.pdf"));
    gb_test_run(cmd, &out);
    GB_ASSERT_MSG(out && atoi(out) == 1, "fonts in the file: %s", out ? out : "?");
    free(out);
}

static void test_reproducible(void)
{
    gb_err e = {0};
    char a[512], b[512];
    snprintf(a, sizeof a, "%s", tpath("rep1.pdf"));
    snprintf(b, sizeof b, "%s", tpath("rep2.pdf"));
    GB_ASSERT_MSG(save_sample(a, 1, &e) == 0, "%s", e.msg);
    GB_ASSERT_MSG(save_sample(b, 1, &e) == 0, "%s", e.msg);
    GB_ASSERT_MSG(gb_test_same_file(a, b) > 1000, "two runs differ");
    size_t na = 0;
    char *sa = gb_test_slurp(a, &na);
    /* the fixed date is in the file: 1700000000 = 2023-11-14 22:13:20 UTC */
    GB_ASSERT_MSG(sa && find(sa, na, "D:20231114221320Z") != NULL, "creation date not found");
    free(sa);
}

static void test_missing_font(void)
{
    gb_err e = {0};
    gb_pdf_doc *d = gb_pdf_doc_new(&e);
    const char *bad = "/nonexistent/dir/NoSuchFont.ttf";
    int rc = gb_pdf_doc_set_face(d, GB_FACE_SERIF, bad, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT && e.code == GB_EINPUT && strstr(e.msg, bad),
                  "rc %d msg '%s'", rc, e.msg);
    /* a file that is not a font */
    const char *txt = tpath("notafont.ttf");
    FILE *f = fopen(txt, "w");
    if (f) { fputs("this is not a TrueType font at all\n", f); fclose(f); }
    gb_err_clear(&e);
    rc = gb_pdf_doc_set_face(d, GB_FACE_SANS, txt, &e);
    GB_ASSERT_MSG(rc == GB_EINPUT && strstr(e.msg, txt), "rc %d msg '%s'", rc, e.msg);
    /* DejaVu Math TeX Gyre lacks the optional 'fpgm' table and must still be accepted */
    gb_err_clear(&e);
    rc = gb_pdf_doc_set_face(d, GB_FACE_MATH,
                             "/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf", &e);
    GB_ASSERT_MSG(rc == 0, "math face refused: %s", e.msg);
    gb_pdf_doc_free(d);
}

/* Writes the first n bytes of src (all when n is 0) to dst; 0 or -1. */
static int copy_prefix(const char *src, const char *dst, size_t n)
{
    size_t len = 0;
    char *b = gb_test_slurp(src, &len);
    FILE *f = b ? fopen(dst, "wb") : NULL;
    int ok = f && fwrite(b, 1, n && n < len ? n : len, f) == (n && n < len ? n : len);
    if (f) ok &= fclose(f) == 0;
    free(b);
    return ok ? 0 : -1;
}

/* An italic paragraph broken with the metrics of a document whose italic face is set to path. */
static int italic_lines(const char *path, gb_lines *out, uint64_t *key_before,
                        uint64_t *key_after, int times, int no_key)
{
    gb_err e = {0};
    gb_pdf_doc *d = gb_pdf_doc_new(&e);
    int rc = d ? gb_pdf_doc_set_face(d, GB_FACE_SERIF, SERIF, &e) : -1;
    if (!rc) rc = gb_pdf_doc_set_face(d, GB_FACE_SERIF_ITALIC, path, &e);
    GB_ASSERT_MSG(rc == 0, "set_face: %s", e.msg);
    if (rc) { gb_pdf_doc_free(d); return -1; }
    gb_metrics m = gb_pdf_doc_metrics(d);
    if (no_key) m.key = NULL;
    *key_before = m.key ? m.key(m.ctx) : 0;
    gb_inline it = gb_inline_text(GB_FACE_SERIF_ITALIC, 10.5, "Every weight gradient has the "
                                  "same form in both layers: the error signal of the receiving "
                                  "neuron times the activation of the sending neuron.");
    gb_para_style st = {200, 0, 0, 1};
    for (int k = 0; k < times && !rc; k++) {
        gb_lines_free(out);
        rc = gb_linebreak(&m, &it, 1, &st, out, &e);
    }
    *key_after = m.key ? m.key(m.ctx) : 0;
    gb_pdf_doc_free(d);
    return rc;
}

/* Layout measured while a face failed to load (stand-in metrics) is not remembered for later
 * documents that set the same file once it loads (typeset/memo.h): the metrics key becomes 0
 * when the load fails; a later document measures afresh. */
static void test_failed_face_not_remembered(void)
{
    const char *italic = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf";
    const char *path = tpath("swapped-italic.ttf");
    /* the table directory passes gradbook's check; libharu fails reading the tables */
    if (copy_prefix(italic, path, 400)) { GB_ASSERT_MSG(0, "cannot write %s", path); return; }
    gb_lines broken = {0}, again = {0}, later = {0}, fresh = {0};
    uint64_t k0 = 0, k1 = 0, k2 = 0, k3 = 0, k4 = 0, k5 = 0, k6 = 0, k7 = 0;
    /* two documents with the broken face: the memo keeps an input met twice, so without the
     * check the second would store its lines under the healthy key */
    int brc = italic_lines(path, &broken, &k0, &k1, 1, 0);
    brc |= italic_lines(path, &again, &k6, &k7, 1, 0);
    GB_ASSERT_MSG(brc == 0 && k0 != 0 && k1 == 0 && k6 == k0 && k7 == 0,
                  "rc %d; key %llx before the failed load, %llx after (want 0)", brc,
                  (unsigned long long)k0, (unsigned long long)k1);
    if (copy_prefix(italic, path, 0)) { GB_ASSERT_MSG(0, "cannot restore %s", path); return; }
    int rc = italic_lines(path, &later, &k2, &k3, 1, 0);
    rc |= italic_lines(path, &fresh, &k4, &k5, 1, 1);
    GB_ASSERT_MSG(rc == 0 && k2 == k0 && k3 == k0, "the healthy document's key %llx/%llx, want %llx",
                  (unsigned long long)k2, (unsigned long long)k3, (unsigned long long)k0);
    GB_ASSERT_MSG(later.n == fresh.n && later.n > 0 &&
                  later.line[0].natural == fresh.line[0].natural,
                  "lines after the font loads: %zu, first %.3f; measured afresh: %zu, first %.3f",
                  later.n, later.n ? later.line[0].natural : 0, fresh.n,
                  fresh.n ? fresh.line[0].natural : 0);
    GB_ASSERT_MSG(broken.n > 0 && fresh.n > 0 &&
                  broken.line[0].natural != fresh.line[0].natural,
                  "the stand-in metrics measure like the font: the test shows nothing");
    gb_lines_free(&broken);
    gb_lines_free(&again);
    gb_lines_free(&later);
    gb_lines_free(&fresh);
}

/* Counts the entries of tmpdir that start with '.' (temporary files). */
static int hidden_files(void)
{
    char cmd[600], *out = NULL;
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c '^\\.'", tmpdir);
    gb_test_run(cmd, &out);
    int n = out ? atoi(out) : -1;
    free(out);
    return n;
}

static void test_failure_leaves_file(void)
{
    const char *path = tpath("keep.pdf");
    FILE *f = fopen(path, "w");
    if (f) { fputs("precious", f); fclose(f); }
    gb_err e = {0};
    gb_pdf_doc *d = new_doc(0);
    int dest = gb_pdf_dest_new(d);   /* used by a link, never placed */
    gb_dlist *dl = gb_dlist_new();
    gb_dl_text(dl, GB_FACE_SERIF, 12, 0, 0, "see later", 9, GB_BLACK);
    gb_dl_link(dl, 0, -2, 50, 12, dest);
    gb_pdf_page_add(d, 300, 300, &e);
    int rc = gb_pdf_page_draw(d, dl, 20, 200, &e);
    GB_ASSERT_MSG(rc == 0, "%s", e.msg);
    rc = gb_pdf_doc_save(d, path, &e);
    GB_ASSERT_MSG(rc == GB_EINTERNAL && strstr(e.msg, "never placed"), "rc %d '%s'", rc, e.msg);
    gb_dlist_free(dl);
    gb_pdf_doc_free(d);
    char *s = gb_test_slurp(path, NULL);
    GB_ASSERT_MSG(s && strcmp(s, "precious") == 0, "existing file changed: '%s'", s ? s : "");
    free(s);
    GB_ASSERT_MSG(hidden_files() == 0, "temporary files left in %s", tmpdir);

    /* a label for a page that does not exist is refused */
    gb_err_clear(&e);
    d = new_doc(0);
    gb_pdf_page_add(d, 300, 300, &e);
    rc = gb_pdf_page_label(d, 5, GB_LABEL_DECIMAL, 1, NULL, &e);
    GB_ASSERT_MSG(rc == GB_EINTERNAL, "label on a missing page accepted");
    gb_pdf_doc_free(d);
}

/* Object number of the n-th (0-based) page, from the /Kids array of the page tree. */
static int page_obj(const char *pdf, size_t len, int n)
{
    const char *k = find(pdf, len, "/Kids [");
    if (!k) return -1;
    k += 7;
    int obj = -1;
    for (int i = 0; i <= n; i++) {
        char *end;
        obj = (int)strtol(k, &end, 10);
        if (end == k) return -1;
        k = strstr(end, " R");
        if (!k) return -1;
        k += 2;
    }
    return obj;
}

/* The page object a link annotation's /Dest leads to: libharu writes "/Dest N 0 R" and object N
 * is "[ P 0 R /XYZ left top zoom ]". -1 if not found. */
static int link_target(const char *pdf, size_t len, const char *annot)
{
    const char *dst = find(annot, len - (size_t)(annot - pdf), "/Dest ");
    if (!dst) return -1;
    int n = atoi(dst + 6);
    char hdr[32];
    snprintf(hdr, sizeof hdr, "\n%d 0 obj\n[ ", n);
    const char *o = find(pdf, len, hdr);
    return o ? atoi(o + strlen(hdr)) : -1;
}

/* Encodes UTF-8 s as the UTF-16BE hex string libharu writes for UTF-8 outline titles. */
static void utf16hex(const char *s, char *out)
{
    size_t n = strlen(s), i = 0;
    out += sprintf(out, "FEFF");
    while (i < n) {
        uint32_t cp;
        i += gb_utf8_decode(s + i, n - i, &cp);
        out += sprintf(out, "%04X", (unsigned)cp);
    }
}

static void test_links_outline(void)
{
    gb_err e = {0};
    gb_pdf_doc *d = new_doc(0);
    int rc = 0;
    /* table of contents on page 1 points to page 3, which does not exist yet */
    int ch1 = gb_pdf_dest_new(d), ch2 = gb_pdf_dest_new(d);
    GB_ASSERT_MSG(ch1 >= 0 && ch2 >= 0, "dest_new");
    const char *t1 = "1 Sigmoid \xcf\x83", *t2 = "1.1 Ableitung \xcf\x83\xe2\x80\xb2", *t3 = "2 Gr\xc3\xbc\x6e";
    rc |= gb_pdf_outline_add(d, 1, t1, ch1, &e);
    rc |= gb_pdf_outline_add(d, 2, t2, ch1, &e);
    rc |= gb_pdf_outline_add(d, 1, t3, ch2, &e);
    GB_ASSERT_MSG(rc == 0, "outline: %s", e.msg);
    GB_ASSERT_MSG(gb_pdf_outline_add(d, 3, "skip", -1, &e) == GB_EINTERNAL, "level jump");
    gb_err_clear(&e);
    gb_dlist *toc = gb_dlist_new();
    gb_dl_text(toc, GB_FACE_SERIF, 12, 0, 0, "Chapter 2 ...... 3", 18, GB_BLACK);
    gb_dl_link(toc, 0, -3, 120, 14, ch2);
    rc |= gb_pdf_page_add(d, 400, 400, &e) != 0;
    rc |= gb_pdf_page_draw(d, toc, 30, 350, &e);
    rc |= gb_pdf_page_add(d, 400, 400, &e) != 1;
    rc |= gb_pdf_dest_place(d, ch1, 1, 0, 400, &e);
    rc |= gb_pdf_page_add(d, 400, 400, &e) != 2;
    rc |= gb_pdf_dest_place(d, ch2, 2, 0, 380, &e);
    rc |= gb_pdf_page_label(d, 0, GB_LABEL_ROMAN_LOWER, 1, NULL, &e);
    rc |= gb_pdf_page_label(d, 1, GB_LABEL_DECIMAL, 1, NULL, &e);
    GB_ASSERT_MSG(rc == 0, "pages: %s", e.msg);
    const char *path = tpath("links.pdf");
    rc = gb_pdf_doc_save(d, path, &e);
    GB_ASSERT_MSG(rc == 0, "save: %s", e.msg);
    gb_dlist_free(toc);
    gb_pdf_doc_free(d);
    size_t n = 0;
    char *s = gb_test_slurp(path, &n);
    if (!s) { GB_ASSERT_MSG(0, "no file"); return; }
    /* the link annotation exists, has no border, and its /Dest is page 3's object */
    const char *annot = find(s, n, "/Subtype /Link");
    GB_ASSERT_MSG(annot != NULL, "no link annotation");
    GB_ASSERT_MSG(find(s, n, "/Border [ 0 0 0 ]") != NULL, "link border not 0");
    int p3 = page_obj(s, n, 2), p1 = page_obj(s, n, 0);
    int target = annot ? link_target(s, n, annot) : -1;
    GB_ASSERT_MSG(p3 > 0 && target == p3, "link leads to object %d, page 3 is %d", target, p3);
    /* the annotation is on page 1: page 1's dictionary has /Annots */
    char pg[64];
    snprintf(pg, sizeof pg, "\n%d 0 obj", p1);
    const char *p1d = find(s, n, pg), *p1end = p1d ? strstr(p1d, "endobj") : NULL;
    const char *an = p1d ? strstr(p1d, "/Annots") : NULL;
    GB_ASSERT_MSG(an && an < p1end, "page 1 (obj %d) has no /Annots", p1);
    /* outline titles as UTF-16BE, opened, and the viewer shows the outline */
    char hex[256];
    const char *titles[] = {t1, t2, t3};
    for (int i = 0; i < 3; i++) {
        utf16hex(titles[i], hex);
        GB_ASSERT_MSG(find(s, n, hex) != NULL, "outline title %s (%s) missing", titles[i], hex);
    }
    GB_ASSERT_MSG(find(s, n, "/PageMode /UseOutlines") != NULL, "page mode");
    GB_ASSERT_MSG(find(s, n, "/PageLabels") != NULL && find(s, n, "/S /r") != NULL,
                  "page labels");
    free(s);
    /* poppler agrees: three pages, labels i, 1, 2 */
    char cmd[600], *out = NULL;
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", path);
    gb_test_run(cmd, &out);
    GB_ASSERT_MSG(out && strstr(out, "Pages:           3"), "pdfinfo: %s", out ? out : "");
    free(out);
}

/* Our advances equal libharu's own Type0 width computation (HPDF_Font_TextWidth), per face, and
 * a CJK ideograph in the serif face measures as the fallback face's ideograph. */
static void test_metrics_match_libharu(void)
{
    gb_pdf_doc *d = new_doc(1);
    gb_metrics m = gb_pdf_doc_metrics(d);
    HPDF_Doc ref = HPDF_New(NULL, NULL);
    HPDF_UseUTFEncodings(ref);
    HPDF_Font serif = HPDF_GetFont(ref, HPDF_LoadTTFontFromFile(ref, SERIF, HPDF_TRUE), "UTF-8");
    HPDF_Font droid = HPDF_GetFont(ref, HPDF_LoadTTFontFromFile(ref, DROID, HPDF_TRUE), "UTF-8");
    const char *latin = "Gradient \xe2\x88\x82" "C/\xe2\x88\x82w = \xce\xb4 a";
    HPDF_TextWidth tw = HPDF_Font_TextWidth(serif, (const HPDF_BYTE *)latin,
                                            (HPDF_UINT)strlen(latin));
    GB_ASSERT_NEAR(m.advance(m.ctx, GB_FACE_SERIF, latin, strlen(latin), 11),
                   tw.width * 11.0 / 1000.0, 1e-9);
    const char *cjk = "\xe7\x8e\x8b\xe5\xb0\x8f";
    tw = HPDF_Font_TextWidth(droid, (const HPDF_BYTE *)cjk, (HPDF_UINT)strlen(cjk));
    GB_ASSERT_NEAR(m.advance(m.ctx, GB_FACE_SERIF, cjk, strlen(cjk), 10),
                   tw.width * 10.0 / 1000.0, 1e-9);
    GB_ASSERT_MSG(!m.has_glyph(m.ctx, GB_FACE_SERIF, 0x738B), "serif claims U+738B");
    GB_ASSERT_MSG(m.has_glyph(m.ctx, GB_FACE_SERIF, 'A'), "serif lacks A");
    gb_vmetrics v;
    m.vmetrics(m.ctx, GB_FACE_SERIF, 10, &v);
    GB_ASSERT_NEAR(v.ascent, HPDF_Font_GetAscent(serif) * 10.0 / 1000.0, 1e-9);
    GB_ASSERT_NEAR(v.descent, -HPDF_Font_GetDescent(serif) * 10.0 / 1000.0, 1e-9);
    GB_ASSERT_NEAR(v.x_height, HPDF_Font_GetXHeight(serif) * 10.0 / 1000.0, 1e-9);
    /* 'g' descends below the baseline, 'x' sits on it, a space has no ink */
    gb_bbox b;
    m.glyph_bbox(m.ctx, GB_FACE_SERIF, 'g', 10, &b);
    GB_ASSERT_MSG(b.lly < -1 && b.ury > 3 && b.urx > b.llx, "g box %g %g %g %g", b.llx, b.lly,
                  b.urx, b.ury);
    m.glyph_bbox(m.ctx, GB_FACE_SERIF, 'x', 10, &b);
    GB_ASSERT_NEAR(b.lly, 0, 0.05);
    GB_ASSERT_NEAR(b.ury, v.x_height, 0.05);
    m.glyph_bbox(m.ctx, GB_FACE_SERIF, ' ', 10, &b);
    GB_ASSERT_MSG(b.llx == 0 && b.urx == 0 && b.ury == 0, "space has ink");
    HPDF_Free(ref);
    gb_pdf_doc_free(d);
}

/* A character no font has is drawn visibly (U+FFFD), counted, and measured as drawn. */
static void test_missing_glyph(void)
{
    gb_err e = {0};
    gb_pdf_doc *d = new_doc(0);
    gb_metrics m = gb_pdf_doc_metrics(d);
    const char *t = "a\xee\x80\x80" "b";   /* a U+E000 b: private use, in no font */
    double w = m.advance(m.ctx, GB_FACE_SERIF, t, strlen(t), 10);
    double w2 = m.advance(m.ctx, GB_FACE_SERIF, "a\xef\xbf\xbd" "b", 5, 10);
    GB_ASSERT_NEAR(w, w2, 1e-12);
    gb_dlist *dl = gb_dlist_new();
    gb_dl_text(dl, GB_FACE_SERIF, 12, 0, 0, t, strlen(t), GB_BLACK);
    gb_pdf_page_add(d, 200, 100, &e);
    int rc = gb_pdf_page_draw(d, dl, 10, 50, &e);
    GB_ASSERT_MSG(rc == 0, "%s", e.msg);
    GB_ASSERT_MSG(gb_pdf_doc_missing_glyphs(d) == 1, "missing %zu",
                  gb_pdf_doc_missing_glyphs(d));
    const char *path = tpath("missing.pdf");
    rc = gb_pdf_doc_save(d, path, &e);
    GB_ASSERT_MSG(rc == 0, "%s", e.msg);
    gb_dlist_free(dl);
    gb_pdf_doc_free(d);
    char cmd[600], *out = NULL;
    snprintf(cmd, sizeof cmd, "pdftotext -q '%s' -", path);
    gb_test_run(cmd, &out);
    GB_ASSERT_MSG(out && strstr(out, "a\xef\xbf\xbd" "b"), "extracted '%s'", out ? out : "");
    free(out);
}

/* Number of dark pixels on page 1 rendered by poppler at 36 dpi in grey, or -1. */
static long dark_pixels(const char *pdf)
{
    char cmd[600], *out = NULL;
    snprintf(cmd, sizeof cmd, "pdftoppm -q -gray -r 36 -f 1 -l 1 '%s' 2>/dev/null | od -An -v -tu1",
             pdf);
    if (gb_test_run(cmd, &out) != 0 || !out) { free(out); return -1; }
    /* PGM: "P5\n<w> <h>\n255\n" then bytes; od prints every byte as a number */
    long vals = 0, dark = 0, nl = 0;
    char *p = out, *end;
    for (long v = strtol(p, &end, 10); end != p; p = end, v = strtol(p, &end, 10)) {
        if (nl < 3) { if (v == 10) nl++; continue; }   /* skip the header's three lines */
        vals++;
        if (v < 128) dark++;
    }
    free(out);
    return vals ? dark : -1;
}

/* U+660E in Droid Sans Fallback is a composite glyph whose components have ids >= 32768;
 * libharu 2.3.0 alone embeds it blank. The rendered page must show ink. */
static void test_composite_cjk_glyph_drawn(void)
{
    gb_err e = {0};
    gb_pdf_doc *d = new_doc(1);
    gb_dlist *dl = gb_dlist_new();
    gb_dl_text(dl, GB_FACE_SERIF, 40, 0, 0, "\xe6\x98\x8e", 3, GB_BLACK);
    gb_pdf_page_add(d, 100, 100, &e);
    int rc = gb_pdf_page_draw(d, dl, 20, 30, &e);
    const char *path = tpath("ming.pdf");
    if (!rc) rc = gb_pdf_doc_save(d, path, &e);
    GB_ASSERT_MSG(rc == 0, "%s", e.msg);
    gb_dlist_free(dl);
    gb_pdf_doc_free(d);
    long dark = dark_pixels(path);
    GB_ASSERT_MSG(dark > 20, "U+660E rendered with %ld dark pixels", dark);
}

static void test_bad_input(void)
{
    gb_err e = {0};
    gb_pdf_doc *d = new_doc(0);
    gb_dlist *dl = gb_dlist_new();
    gb_dl_text(dl, GB_FACE_SERIF, 12, NAN, 0, "x", 1, GB_BLACK);
    GB_ASSERT_MSG(gb_pdf_page_draw(d, dl, 0, 0, &e) == GB_EINTERNAL, "draw before a page");
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_pdf_page_add(d, 0, 100, &e) == -1, "zero-width page accepted");
    gb_err_clear(&e);
    gb_pdf_page_add(d, 100, 100, &e);
    GB_ASSERT_MSG(gb_pdf_page_draw(d, dl, 0, 0, &e) == GB_EINTERNAL && strstr(e.msg, "nan"),
                  "NaN coordinate: '%s'", e.msg);
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_pdf_dest_place(d, 7, 0, 0, 0, &e) == GB_EINTERNAL, "unknown dest");
    gb_dlist_free(dl);
    gb_pdf_doc_free(d);
}

/* Suite clean-up: removes the temporary directory (kept when GB_KEEP_PDF is set). */
static int cleanup(void)
{
    if (!tmpdir[0] || getenv("GB_KEEP_PDF")) return 0;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    gb_test_run(cmd, NULL);
    return 0;
}

/* ---- gb_pdf_doc_append: documents moved into one, as a class set does ---- */

#include <pthread.h>

/* Builds a document of two pages ("<tag> page one", "<tag> page two"; size w x h), a link on
 * each page to the other, two outline entries "<tag> chapter" (level 1, page 1) and "<tag>
 * section" (level 2, page 2), and a page label "<tag>-1" from its first page. fancy adds a bold
 * line with characters the other documents never draw (its glyphs must travel with the pages).
 * No CUnit assertion here: it runs in worker threads too. 0 or an error code with e set. */
static int build_two_pages(const char *tag, int fancy, double w, double h, gb_pdf_doc **out,
                           gb_err *e)
{
    *out = NULL;
    gb_pdf_doc *d = gb_pdf_doc_new(e);
    if (!d) return GB_EINTERNAL;
    int rc = gb_pdf_doc_set_face(d, GB_FACE_SERIF, SERIF, e);
    if (!rc) rc = gb_pdf_doc_set_face(d, GB_FACE_SERIF_BOLD, BOLD, e);
    int d1 = gb_pdf_dest_new(d), d2 = gb_pdf_dest_new(d);
    char t1[64], t2[64], line[64], pre[16];
    snprintf(t1, sizeof t1, "%s chapter", tag);
    snprintf(t2, sizeof t2, "%s section", tag);
    snprintf(pre, sizeof pre, "%s-", tag);
    if (!rc && (d1 < 0 || d2 < 0)) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "dest_new");
    if (!rc) rc = gb_pdf_outline_add(d, 1, t1, d1, e);
    if (!rc) rc = gb_pdf_outline_add(d, 2, t2, d2, e);
    for (int pg = 0; pg < 2 && !rc; pg++) {
        gb_dlist *dl = gb_dlist_new();
        snprintf(line, sizeof line, "%s page %s", tag, pg ? "two" : "one");
        rc = gb_dl_text(dl, GB_FACE_SERIF, 14, 0, 0, line, strlen(line), GB_BLACK);
        if (!rc && fancy) {
            const char *f = "Gr\xc3\xbc\xc3\x9f" "e \xcf\x83\xe2\x80\xb2(z) \xe2\x88\x82";
            rc = gb_dl_text(dl, GB_FACE_SERIF_BOLD, 14, 0, -30, f, strlen(f), GB_BLACK);
        }
        if (!rc) rc = gb_dl_link(dl, 0, -3, 100, 14, pg ? d1 : d2);
        if (!rc && gb_pdf_page_add(d, w, h, e) != pg) rc = e->code ? e->code : GB_EINTERNAL;
        if (!rc) rc = gb_pdf_page_draw(d, dl, 40, h - 60, e);
        if (!rc) rc = gb_pdf_dest_place(d, pg ? d2 : d1, pg, 0, h, e);
        gb_dlist_free(dl);
    }
    if (!rc) rc = gb_pdf_page_label(d, 0, GB_LABEL_DECIMAL, 1, pre, e);
    if (rc) {
        gb_pdf_doc_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

/* The text of each page of pdf (pdftotext, pages split at form feeds) into pages[0..max), white
 * space squashed; returns the number of pages and the buffer to free in *buf. */
static int page_texts(const char *pdf, char **pages, int max, char **buf)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "pdftotext -q '%s' -", pdf);
    *buf = NULL;
    if (gb_test_run(cmd, buf) != 0 || !*buf) return -1;
    int n = 0;
    char *p = *buf;
    while (p && *p && n < max) {
        char *ff = strchr(p, '\f');
        if (ff) *ff = '\0';
        pages[n++] = squash(p);
        p = ff ? ff + 1 : NULL;
    }
    return n;
}

/* Page index (0-based) that object obj is, or -1. */
static int page_index(const char *pdf, size_t len, int obj)
{
    for (int i = 0; i < 64; i++) {
        int o = page_obj(pdf, len, i);
        if (o < 0) return -1;
        if (o == obj) return i;
    }
    return -1;
}

/* The page (0-based) that the first link annotation of page `page` leads to, or -1. */
static int link_of_page(const char *pdf, size_t len, int page)
{
    char hdr[32];
    snprintf(hdr, sizeof hdr, "\n%d 0 obj", page_obj(pdf, len, page));
    const char *o = find(pdf, len, hdr);
    const char *end = o ? find(o, len - (size_t)(o - pdf), "endobj") : NULL;
    const char *an = o ? find(o, len - (size_t)(o - pdf), "/Annots [") : NULL;
    if (!an || an > end) return -1;
    snprintf(hdr, sizeof hdr, "\n%d 0 obj", atoi(an + 9));
    const char *a = find(pdf, len, hdr);
    return a ? page_index(pdf, len, link_target(pdf, len, a)) : -1;
}

/* The page (0-based) that the outline entry titled t leads to; -1 without a destination, -2
 * when there is no such entry. */
static int outline_page(const char *pdf, size_t len, const char *t)
{
    char hex[256];
    utf16hex(t, hex);
    const char *o = find(pdf, len, hex);
    if (!o) return -2;
    const char *end = find(o, len - (size_t)(o - pdf), "endobj");
    const char *dst = find(o, len - (size_t)(o - pdf), "/Dest ");
    if (!dst || !end || dst > end) return -1;
    return page_index(pdf, len, link_target(pdf, len, o));
}

/* pdffonts: number of fonts and how many of them are embedded. */
static void count_fonts(const char *pdf, int *fonts, int *embedded)
{
    char cmd[600], *out = NULL;
    snprintf(cmd, sizeof cmd, "pdffonts '%s'", pdf);
    *fonts = *embedded = 0;
    if (gb_test_run(cmd, &out) != 0 || !out) { free(out); return; }
    int line = 0;
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        if (line++ < 2) continue;   /* header and rule */
        (*fonts)++;
        /* columns: name type encoding emb sub uni object ID */
        char name[200], type[40], type2[40], enc[40], emb[8];
        if (sscanf(l, "%199s %39s %39s %39s %7s", name, type, type2, enc, emb) == 5 &&
            !strcmp(type, "CID") && !strcmp(emb, "yes"))
            (*embedded)++;
    }
    free(out);
}


/* Checks that the saved file holds the pages of the documents tags[0..ndocs), two each, in
 * order, with their links, fonts embedded, and page sizes. */
static void check_appended(const char *path, const char *const *tags, const double (*size)[2],
                           int ndocs)
{
    int n = 2 * ndocs;
    GB_ASSERT_MSG(gb_test_pdf_pages(path) == n, "pdfinfo: %d pages, want %d", gb_test_pdf_pages(path), n);
    char *pages[16], *buf = NULL;
    int got = page_texts(path, pages, 16, &buf);
    GB_ASSERT_MSG(got >= n, "pdftotext gave %d pages", got);
    for (int i = 0; i < n && i < got; i++) {
        char want[64];
        snprintf(want, sizeof want, "%s page %s", tags[i / 2], i % 2 ? "two" : "one");
        GB_ASSERT_MSG(strstr(pages[i], want) != NULL, "page %d: '%s', want '%s'", i + 1,
                      pages[i], want);
        /* no other document's text on it */
        for (int k = 0; k < ndocs; k++)
            if (k != i / 2)
                GB_ASSERT_MSG(strstr(pages[i], tags[k]) == NULL, "page %d shows '%s': '%s'",
                              i + 1, tags[k], pages[i]);
    }
    free(buf);
    int fonts, emb;
    count_fonts(path, &fonts, &emb);
    GB_ASSERT_MSG(fonts >= 1 && emb == fonts, "%d fonts, %d embedded", fonts, emb);
    size_t len = 0;
    char *s = gb_test_slurp(path, &len);
    if (!s) { GB_ASSERT_MSG(0, "cannot read %s", path); return; }
    for (int i = 0; i < n; i++) {
        int to = link_of_page(s, len, i), want = i % 2 ? i - 1 : i + 1;
        GB_ASSERT_MSG(to == want, "the link on page %d leads to page %d, want %d", i + 1,
                      to + 1, want + 1);
    }
    free(s);
    char cmd[600], *out = NULL;
    snprintf(cmd, sizeof cmd, "pdfinfo -f 1 -l %d '%s'", n, path);
    int rc = gb_test_run(cmd, &out), sized = 0;
    GB_ASSERT_MSG(rc == 0 && out, "%s exits %d", cmd, rc);
    for (char *l = out ? strtok(out, "\n") : NULL; l; l = strtok(NULL, "\n")) {
        int pg;
        double w, h;
        if (sscanf(l, "Page %d size: %lf x %lf", &pg, &w, &h) == 3 && pg >= 1 && pg <= n) {
            sized++;
            GB_ASSERT_MSG(w == size[(pg - 1) / 2][0] && h == size[(pg - 1) / 2][1],
                          "page %d is %g x %g", pg, w, h);
        }
    }
    GB_ASSERT_MSG(sized == n, "pdfinfo gave the size of %d pages, want %d", sized, n);
    free(out);
}

static void test_append_with_title(void)
{
    gb_err e = {0};
    gb_pdf_doc *a = NULL, *b = NULL, *c = NULL;
    int rc = build_two_pages("Anna", 0, 400, 500, &a, &e);
    if (!rc) rc = build_two_pages("Boris", 1, 420, 600, &b, &e);
    GB_ASSERT_MSG(rc == 0, "building: %s", e.msg);
    if (rc) { gb_pdf_doc_free(a); gb_pdf_doc_free(b); return; }
    rc = gb_pdf_doc_append(a, b, "Boris B\xc3\xa4r", &e);
    GB_ASSERT_MSG(rc == 0, "append: %s", e.msg);
    GB_ASSERT_MSG(gb_pdf_page_count(a) == 4, "%d pages after append", gb_pdf_page_count(a));
    /* b is spent: appending it again, anywhere, is refused */
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_pdf_doc_append(a, b, NULL, &e) == GB_EINTERNAL, "b appended twice");
    gb_err_clear(&e);
    rc = build_two_pages("Clara", 0, 400, 500, &c, &e);
    GB_ASSERT_MSG(rc == 0 && gb_pdf_doc_append(c, b, "again", &e) == GB_EINTERNAL,
                  "moved b appended to a third document");
    /* a document cannot be appended to itself */
    gb_err_clear(&e);
    GB_ASSERT_MSG(c && gb_pdf_doc_append(c, c, NULL, &e) == GB_EINTERNAL, "self append");
    gb_pdf_doc_free(c);
    /* the moved pages take no drawing; a new page does */
    gb_dlist *dl = gb_dlist_new();
    gb_dl_text(dl, GB_FACE_SERIF, 10, 0, 0, "late", 4, GB_BLACK);
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_pdf_page_draw(a, dl, 10, 10, &e) == GB_EINTERNAL,
                  "drawing on a moved page accepted");
    gb_dlist_free(dl);
    const char *path = tpath("append_title.pdf");
    gb_err_clear(&e);
    rc = gb_pdf_doc_save(a, path, &e);
    GB_ASSERT_MSG(rc == 0, "save: %s", e.msg);
    const char *tags[] = {"Anna", "Boris"};
    const double size[][2] = {{400, 500}, {420, 600}};
    if (!rc) check_appended(path, tags, size, 2);
    /* the glyphs only b drew came along: the bold line extracts on pages 3 and 4 */
    char *pages[8], *buf = NULL;
    int n = page_texts(path, pages, 8, &buf);
    const char *fancy = "Gr\xc3\xbc\xc3\x9f" "e \xcf\x83\xe2\x80\xb2(z) \xe2\x88\x82";
    GB_ASSERT_MSG(n >= 4 && strstr(pages[2], fancy) && strstr(pages[3], fancy),
                  "b's bold line lost: '%s' / '%s'", n >= 4 ? pages[2] : "", n >= 4 ? pages[3] : "");
    free(buf);
    int fonts, emb;
    count_fonts(path, &fonts, &emb);
    GB_ASSERT_MSG(fonts == 2 && emb == 2, "%d fonts (want serif and bold), %d embedded", fonts, emb);
    /* the outline: a's entries, then the title leading to b's first page; b's own entries are
     * left out */
    size_t len = 0;
    char *s = gb_test_slurp(path, &len);
    if (s) {
        GB_ASSERT_MSG(outline_page(s, len, "Anna chapter") == 0, "Anna chapter -> %d",
                      outline_page(s, len, "Anna chapter"));
        GB_ASSERT_MSG(outline_page(s, len, "Anna section") == 1, "Anna section -> %d",
                      outline_page(s, len, "Anna section"));
        GB_ASSERT_MSG(outline_page(s, len, "Boris B\xc3\xa4r") == 2, "title -> %d",
                      outline_page(s, len, "Boris B\xc3\xa4r"));
        /* b's page label moved with its pages: from page 3 (index 2) on */
        GB_ASSERT_MSG(find(s, len, ">> 2 <<\n/S /D\n/P (Boris-)") != NULL, "b's page label");
        GB_ASSERT_MSG(outline_page(s, len, "Boris chapter") == -2 &&
                      outline_page(s, len, "Boris section") == -2,
                      "b's own outline entries were kept");
    }
    free(s);
    /* a saved document takes no more pages */
    gb_pdf_doc *d2 = NULL;
    gb_err_clear(&e);
    rc = build_two_pages("Dora", 0, 400, 500, &d2, &e);
    GB_ASSERT_MSG(rc == 0 && gb_pdf_doc_append(a, d2, NULL, &e) == GB_EINTERNAL,
                  "append to a saved document accepted");
    gb_pdf_doc_free(d2);
    gb_pdf_doc_free(a);
    gb_pdf_doc_free(b);
}

/* Without a title the moved document's outline entries come along, leading to its pages; a
 * document that was saved on its own can still be moved. */
static void test_append_untitled_saved(void)
{
    gb_err e = {0};
    gb_pdf_doc *a = NULL, *b = NULL;
    int rc = build_two_pages("Anna", 0, 400, 500, &a, &e);
    if (!rc) rc = build_two_pages("Boris", 1, 420, 600, &b, &e);
    GB_ASSERT_MSG(rc == 0, "building: %s", e.msg);
    if (rc) { gb_pdf_doc_free(a); gb_pdf_doc_free(b); return; }
    rc = gb_pdf_doc_save(b, tpath("boris_alone.pdf"), &e);
    GB_ASSERT_MSG(rc == 0, "saving b: %s", e.msg);
    rc = gb_pdf_doc_append(a, b, NULL, &e);
    GB_ASSERT_MSG(rc == 0, "append of a saved document: %s", e.msg);
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_pdf_doc_append(a, b, NULL, &e) == GB_EINTERNAL,
                  "a saved-and-moved document appended again");
    /* a new page after the moved ones is drawn normally */
    gb_dlist *dl = gb_dlist_new();
    gb_dl_text(dl, GB_FACE_SERIF, 14, 0, 0, "Anna epilogue", 13, GB_BLACK);
    gb_err_clear(&e);
    rc = gb_pdf_page_add(a, 400, 500, &e) != 4;
    if (!rc) rc = gb_pdf_page_draw(a, dl, 40, 440, &e);
    GB_ASSERT_MSG(rc == 0, "page after append: %s", e.msg);
    gb_dlist_free(dl);
    const char *path = tpath("append_untitled.pdf");
    rc = gb_pdf_doc_save(a, path, &e);
    GB_ASSERT_MSG(rc == 0, "save: %s", e.msg);
    gb_pdf_doc_free(a);
    gb_pdf_doc_free(b);
    GB_ASSERT_MSG(gb_test_pdf_pages(path) == 5, "%d pages, want 5", gb_test_pdf_pages(path));
    char *pages[8], *buf = NULL;
    int n = page_texts(path, pages, 8, &buf);
    const char *want[] = {"Anna page one", "Anna page two", "Boris page one", "Boris page two",
                          "Anna epilogue"};
    for (int i = 0; i < 5; i++)
        GB_ASSERT_MSG(i < n && strstr(pages[i], want[i]), "page %d: '%s', want '%s'", i + 1,
                      i < n ? pages[i] : "", want[i]);
    free(buf);
    int fonts, emb;
    count_fonts(path, &fonts, &emb);
    GB_ASSERT_MSG(fonts == 2 && emb == 2, "%d fonts, %d embedded", fonts, emb);
    size_t len = 0;
    char *s = gb_test_slurp(path, &len);
    if (!s) return;
    const char *titles[] = {"Anna chapter", "Anna section", "Boris chapter", "Boris section"};
    for (int i = 0; i < 4; i++)
        GB_ASSERT_MSG(outline_page(s, len, titles[i]) == i, "'%s' leads to page %d, want %d",
                      titles[i], outline_page(s, len, titles[i]) + 1, i + 1);
    GB_ASSERT_MSG(find(s, len, ">> 2 <<\n/S /D\n/P (Boris-)") != NULL, "b's page label");
    for (int i = 0; i < 4; i++) {
        int to = link_of_page(s, len, i), w = i % 2 ? i - 1 : i + 1;
        GB_ASSERT_MSG(to == w, "link on page %d leads to page %d, want %d", i + 1, to + 1, w + 1);
    }
    free(s);
}

/* A class set: worker threads each build a document and end; the main thread appends them. */
typedef struct worker { const char *tag; gb_pdf_doc *doc; int rc; gb_err e; } worker;

static void *build_in_thread(void *arg)
{
    worker *w = arg;
    w->rc = build_two_pages(w->tag, 1, 420, 600, &w->doc, &w->e);
    return w->doc;
}

static void test_append_from_threads(void)
{
    worker w[2] = {{"Carla", NULL, 0, {0}}, {"Dmitri", NULL, 0, {0}}};
    pthread_t th[2];
    int started[2] = {0, 0};
    for (int i = 0; i < 2; i++) started[i] = pthread_create(&th[i], NULL, build_in_thread, &w[i]) == 0;
    void *ret[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++)
        if (started[i]) pthread_join(th[i], &ret[i]);
    GB_ASSERT_MSG(started[0] && started[1], "pthread_create failed");
    for (int i = 0; i < 2; i++)
        GB_ASSERT_MSG(w[i].rc == 0 && w[i].doc && ret[i] == w[i].doc, "thread %d: %s", i,
                      w[i].e.msg);
    gb_err e = {0};
    gb_pdf_doc *a = NULL;
    int rc = build_two_pages("Anna", 0, 400, 500, &a, &e);
    GB_ASSERT_MSG(rc == 0, "building: %s", e.msg);
    /* roster order: Dmitri, then Carla (not the order the threads were started in) */
    if (!rc && w[1].doc) rc = gb_pdf_doc_append(a, w[1].doc, "Dmitri", &e);
    if (!rc && w[0].doc) rc = gb_pdf_doc_append(a, w[0].doc, "Carla", &e);
    GB_ASSERT_MSG(rc == 0, "append: %s", e.msg);
    const char *path = tpath("append_threads.pdf");
    if (!rc) rc = gb_pdf_doc_save(a, path, &e);
    GB_ASSERT_MSG(rc == 0, "save: %s", e.msg);
    gb_pdf_doc_free(a);
    gb_pdf_doc_free(w[0].doc);
    gb_pdf_doc_free(w[1].doc);
    if (rc) return;
    const char *tags[] = {"Anna", "Dmitri", "Carla"};
    const double size[][2] = {{400, 500}, {420, 600}, {420, 600}};
    check_appended(path, tags, size, 3);
    size_t len = 0;
    char *s = gb_test_slurp(path, &len);
    if (s) {
        GB_ASSERT_MSG(outline_page(s, len, "Dmitri") == 2 && outline_page(s, len, "Carla") == 4,
                      "titles lead to pages %d and %d, want 3 and 5",
                      outline_page(s, len, "Dmitri") + 1, outline_page(s, len, "Carla") + 1);
    }
    free(s);
}

/* ---- page bodies copied instead of drawn (pdf_bodies.h) ---- */

/* Builds and saves a document: with prelude, first a page whose text makes the mono and bold
 * fonts before the serif one; then a page whose body is two lists (text in three faces, a name
 * the fallback face draws, a code point no font has, a filled and stroked rectangle, a dashed
 * line, a circle, a link) and whose footer is drawn after the body. k = 1 draws the body with one
 * x of -0.0 instead of 0.0, k = 2 with one character changed. Its missing-glyph count in
 * *missing. */
static int body_doc(const char *path, int prelude, int k, size_t *missing, gb_err *e)
{
    gb_pdf_doc *d = new_doc(1);
    if (!d) return -1;
    gb_dlist *l[3] = {gb_dlist_new(), gb_dlist_new(), gb_dlist_new()};
    int rc = !l[0] || !l[1] || !l[2];
    gb_pdf_info info = {"Bodies", "Ada", NULL, NULL, "gradbook", 1700000000};
    if (!rc) rc = gb_pdf_doc_set_info(d, &info, e);
    int dest = gb_pdf_dest_new(d);
    if (!rc && prelude) {
        rc = gb_dl_text(l[2], GB_FACE_MONO, 9, 0, 0, "mono first", 10, GB_BLACK);
        rc |= gb_dl_text(l[2], GB_FACE_SERIF_BOLD, 9, 0, -12, "then bold", 9, GB_BLACK);
        if (!rc) rc = gb_pdf_page_add(d, 300, 300, e) < 0;
        if (!rc) rc = gb_pdf_page_draw(d, l[2], 20, 250, e);
        gb_dlist_clear(l[2]);
    }
    if (!rc) {
        const char *t = k == 2 ? "Sch\xc3\xbcler \xe7\x8e\x8b\xe5\xb0\x8f \xee\x80\x80 Wanf"
                               : "Sch\xc3\xbcler \xe7\x8e\x8b\xe5\xb0\x8f \xee\x80\x80 Wang";
        gb_stroke st = {1, 0, 0, GB_BLACK}, dash = {0.5, 3, 2, {0, 0, 1}};
        gb_rgb red = {0.9, 0.1, 0.1};
        rc = gb_dl_text(l[0], GB_FACE_SERIF, 12, k == 1 ? -0.0 : 0.0, 0, LINE1, strlen(LINE1),
                        GB_BLACK);
        rc |= gb_dl_text(l[0], GB_FACE_SERIF_BOLD, 12, 0, -20, t, strlen(t), GB_BLACK);
        rc |= gb_dl_rect(l[0], 0, -90, 80, 40, &red, &st);
        rc |= gb_dl_link(l[0], 0, -90, 80, 40, dest);
        rc |= gb_dl_line(l[1], 0, 0, 200, 0, &dash);
        rc |= gb_dl_circle(l[1], 150, -40, 20, NULL, &st);
        rc |= gb_dl_text(l[1], GB_FACE_MONO, 10, 0, -80, LINE3, strlen(LINE3), GB_BLACK);
        /* the footer in the body's last font, size and colour: drawn after a copied body, it
         * selects none of them again only if the copy left the state drawing leaves */
        rc |= gb_dl_text(l[2], GB_FACE_MONO, 10, 0, 0, "page footer", 11, GB_BLACK);
    }
    if (!rc) rc = gb_pdf_page_add(d, 400, 500, e) < 0;
    if (!rc) {
        const gb_placed parts[2] = {{l[0], 40, 450}, {l[1], 60, 300}};
        rc = gb_pdf_page_body(d, parts, 2, e);
    }
    if (!rc) rc = gb_pdf_page_draw(d, l[2], 40, 20, e);
    if (!rc) rc = gb_pdf_dest_place(d, dest, 0, 20, 280, e);
    *missing = gb_pdf_doc_missing_glyphs(d);
    if (!rc) rc = gb_pdf_doc_save(d, path, e);
    for (int i = 0; i < 3; i++) gb_dlist_free(l[i]);
    gb_pdf_doc_free(d);
    return rc ? -1 : 0;
}

typedef struct body_job { char path[512]; int prelude, k, rc; size_t missing; gb_err e; } body_job;

static void *body_in_thread(void *arg)
{
    body_job *j = arg;
    j->rc = body_doc(j->path, j->prelude, j->k, &j->missing, &j->e);
    return NULL;
}

/* 1 when the files at a and b hold the same bytes (and more than a stub's). */
static int same_file(const char *a, const char *b) { return gb_test_same_file(a, b) > 1000; }

/* A body met twice on a thread is copied the third time, and the file is the one drawing it
 * gives (made on a thread of its own, whose table is empty), also when other fonts were made
 * before it; a body differing in one bit or one character is drawn. */
static void test_bodies_copied(void)
{
    body_job ref[2][3];
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < 3; k++) {
            body_job *j = &ref[p][k];
            memset(j, 0, sizeof *j);
            char name[48];
            snprintf(name, sizeof name, "body_ref%d%d.pdf", p, k);
            snprintf(j->path, sizeof j->path, "%s", tpath(name));
            j->prelude = p;
            j->k = k;
            pthread_t th;
            int started = pthread_create(&th, NULL, body_in_thread, j) == 0;
            if (started) pthread_join(th, NULL);
            GB_ASSERT_MSG(started && j->rc == 0, "reference %d%d: %s", p, k, j->e.msg);
            if (!started || j->rc) return;
            GB_ASSERT_MSG(j->missing == 1, "reference %d%d: %zu missing", p, k, j->missing);
        }
    GB_ASSERT_MSG(!same_file(ref[0][0].path, ref[0][2].path), "a changed character changed "
                  "nothing");
    gb_err e = {0};
    size_t missing = 0, h0 = gb_bodies_hits();
    const char *path = tpath("body.pdf");
    for (int t = 0; t < 2; t++) {   /* met, then kept: drawn both times */
        GB_ASSERT_MSG(body_doc(path, 0, 0, &missing, &e) == 0, "%s", e.msg);
        GB_ASSERT_MSG(gb_bodies_hits() == h0, "time %d: copied", t + 1);
        GB_ASSERT_MSG(same_file(path, ref[0][0].path), "time %d: not the drawn file", t + 1);
    }
    const struct { int prelude, k; size_t hits; } runs[] = {
        {0, 0, 1}, {1, 0, 2}, {0, 1, 2}, {0, 2, 2}, {1, 0, 3}};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        int p = runs[r].prelude, k = runs[r].k;
        GB_ASSERT_MSG(body_doc(path, p, k, &missing, &e) == 0, "%s", e.msg);
        GB_ASSERT_MSG(gb_bodies_hits() == h0 + runs[r].hits, "run %zu (%d%d): %zu copies, want "
                      "%zu", r, p, k, gb_bodies_hits() - h0, runs[r].hits);
        GB_ASSERT_MSG(same_file(path, ref[p][k].path), "run %zu (%d%d): not the drawn file", r,
                      p, k);
        GB_ASSERT_MSG(missing == 1, "run %zu: %zu missing", r, missing);
    }
}

/* Draws a page whose body is one list of n links and the text t; 0 or -1. */
static int link_body(gb_pdf_doc *d, size_t n, const char *t, gb_err *e)
{
    gb_dlist *dl = gb_dlist_new();
    int rc = !dl || gb_dl_text(dl, GB_FACE_SERIF, 10, 0, 0, t, strlen(t), GB_BLACK);
    for (size_t i = 0; !rc && i < n; i++) rc = gb_dl_link(dl, (double)(i % 500), 1, 2, 3, 0);
    const gb_placed part = {dl, 10, 10};
    if (!rc) rc = gb_pdf_page_add(d, 600, 600, e) < 0;
    if (!rc) rc = gb_pdf_page_body(d, &part, 1, e);
    gb_dlist_free(dl);
    return rc ? -1 : 0;
}

/* A thread keeps at most GB_BODIES_BYTES of bodies: two bodies of 8,000 display items each
 * (about 1.1 MB) do not fit together, so keeping one lets the other go (it is drawn again),
 * although fewer than GB_BODIES_KEPT are kept. */
static void test_bodies_budget(void)
{
    gb_err e = {0};
    gb_pdf_doc *d = new_doc(0);
    if (!d) return;
    int dest = gb_pdf_dest_new(d);
    GB_ASSERT_MSG(dest == 0, "dest %d", dest);
    GB_ASSERT_MSG(8000 * sizeof(gb_item) > GB_BODIES_BYTES / 2, "the bodies are too small");
    size_t h0 = gb_bodies_hits();
    int rc = 0;
    for (int i = 0; i < 3 && !rc; i++) rc = link_body(d, 8000, "first", &e);   /* kept, copied */
    GB_ASSERT_MSG(rc == 0 && gb_bodies_hits() == h0 + 1, "first body: %zu copies (%s)",
                  gb_bodies_hits() - h0, e.msg);
    for (int i = 0; i < 2 && !rc; i++) rc = link_body(d, 8000, "second", &e);   /* kept */
    if (!rc) rc = link_body(d, 8000, "first", &e);
    GB_ASSERT_MSG(rc == 0 && gb_bodies_hits() == h0 + 1, "the first body stayed beside the "
                  "second: %zu copies (%s)", gb_bodies_hits() - h0, e.msg);
    /* drawn again, the first is kept again (met before) and the second goes */
    if (!rc) rc = link_body(d, 8000, "first", &e);
    GB_ASSERT_MSG(rc == 0 && gb_bodies_hits() == h0 + 2, "the first body kept again: %zu "
                  "copies (%s)", gb_bodies_hits() - h0, e.msg);
    if (!rc) rc = link_body(d, 8000, "second", &e);
    GB_ASSERT_MSG(rc == 0 && gb_bodies_hits() == h0 + 2, "the second body stayed beside the "
                  "first: %zu copies (%s)", gb_bodies_hits() - h0, e.msg);
    if (!rc) rc = gb_pdf_dest_place(d, 0, 0, 0, 500, &e);
    gb_pdf_doc_free(d);
}

GB_TEST_SUITE(pdf_doc)
{
    CU_pSuite s = CU_add_suite("pdf_doc", NULL, cleanup);
    GB_ADD(s, test_text_roundtrip);
    GB_ADD(s, test_lazy_faces);
    GB_ADD(s, test_reproducible);
    GB_ADD(s, test_missing_font);
    GB_ADD(s, test_failed_face_not_remembered);
    GB_ADD(s, test_failure_leaves_file);
    GB_ADD(s, test_links_outline);
    GB_ADD(s, test_metrics_match_libharu);
    GB_ADD(s, test_missing_glyph);
    GB_ADD(s, test_bad_input);
    GB_ADD(s, test_composite_cjk_glyph_drawn);
    GB_ADD(s, test_append_with_title);
    GB_ADD(s, test_append_untitled_saved);
    GB_ADD(s, test_append_from_threads);
    GB_ADD(s, test_bodies_copied);
    GB_ADD(s, test_bodies_budget);
}
