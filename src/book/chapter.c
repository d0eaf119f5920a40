/* chapter.c — reads a chapter (syntax in blocks.h, rules in chapter.h): a scanner takes math,
 * values and ```gradbook info strings out of the text, cmark-gfm parses the rest, and a walker
 * turns cmark's tree into gb_blocks with the math and values put back as spans. */
#define CMARK_NO_SHORT_NAMES
#include "book/chapter.h"

#include "book/values.h"
#include "util/grow.h"
#include "util/readfile.h"
#include "util/utf8.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Placeholder brackets: U+E000 and U+E001 (private use; CommonMark treats them as letters). */
#define MK_OPEN "\xEE\x80\x80"
#define MK_CLOSE "\xEE\x80\x81"
#define MK_LEN 3

/********** growable byte buffer **********/

typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 64;
        while (c < b->n + n + 1) c *= 2;
        char *p = realloc(b->p, c);
        if (!p) { b->oom = 1; return; }
        b->p = p;
        b->cap = c;
    }
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_ascii_punct(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}
static int is_label_char(char c) { return is_alpha(c) || is_digit(c) || (c && strchr("_:.-", c)); }

/********** the side table: what the scanner took out **********/

typedef enum item_kind { IT_MATH, IT_VALUE, IT_QUESTION, IT_REF, IT_DMATH, IT_COMPUTE } item_kind;

typedef struct item {
    item_kind kind;
    char *a;             /* MATH/DMATH: TeX; VALUE/QUESTION: name; REF: label; COMPUTE: info */
    char *b;             /* VALUE/QUESTION: format ("" = default) */
    char *label;         /* DMATH: from \label{...}, or NULL */
    gb_tolerance tol;    /* QUESTION: |tol=... (has_tol) */
    double points;       /* QUESTION: |points=... (has_points) */
    int has_tol, has_points;
    size_t raw_off, raw_len;  /* the source bytes replaced, put back where cmark saw code */
    unsigned line, col;       /* where the construct starts ('$', '{{', "$$", "gradbook") */
    unsigned tline, tcol;     /* MATH/DMATH: where the TeX starts */
} item;

/* Backtick runs longer than this are taken as literal text by the scanner (what cmark makes of
 * them is still right: placeholders inside code are put back as source), which keeps the search
 * for closing runs linear. */
enum { BT_MAX = 1024 };

typedef struct scan {
    const char *path;
    const char *s;       /* normalised source (LF line ends, no BOM), NUL-terminated */
    size_t n;
    size_t *ls;          /* ls[k] = offset of line k+1 */
    size_t nls;
    sbuf out;            /* the text cmark parses */
    unsigned *lmap;      /* lmap[k] = source line of output line k+1 */
    size_t nlmap, caplmap;
    item *it;
    size_t nit, capit;
    size_t bt_last[BT_MAX + 1];  /* 1 + start of the last run of length r a search passed */
    size_t bt_end;               /* where the last failed search stopped */
    gb_err *e;
    int err;
} scan;

static void line_col(const scan *sc, size_t pos, unsigned *line, unsigned *col)
{
    size_t lo = 0, hi = sc->nls;   /* largest k with ls[k] <= pos */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (sc->ls[mid] <= pos) lo = mid; else hi = mid;
    }
    *line = (unsigned)(lo + 1);
    *col = (unsigned)(pos - sc->ls[lo] + 1);
}

static int fail_at(scan *sc, size_t pos, const char *msg, const char *arg)
{
    unsigned line, col;
    line_col(sc, pos, &line, &col);
    sc->err = gb_err_set(sc->e, GB_EINPUT, sc->path, line, col, msg, arg ? arg : "");
    return sc->err;
}

static int oom(scan *sc)
{
    if (!sc->err) sc->err = gb_err_set(sc->e, GB_EINTERNAL, sc->path, 0, 0, "out of memory");
    return sc->err;
}

static void out_nl(scan *sc, unsigned src_line)
{
    sb_put(&sc->out, "\n", 1);
    if (sc->nlmap == sc->caplmap) {
        unsigned *p = gb_grow(sc->lmap, &sc->caplmap, sc->caplmap + 1, sizeof *p, 256);
        if (!p) { sc->out.oom = 1; return; }
        sc->lmap = p;
    }
    sc->lmap[sc->nlmap++] = src_line;
}

/* Copies source bytes [a, b) to the output, keeping the line map. */
static void copy_src(scan *sc, size_t a, size_t b)
{
    while (a < b) {
        const char *nl = memchr(sc->s + a, '\n', b - a);
        size_t end = nl ? (size_t)(nl - sc->s) : b;
        sb_put(&sc->out, sc->s + a, end - a);
        if (!nl) break;
        unsigned line, col;
        line_col(sc, end + 1, &line, &col);
        out_nl(sc, line);
        a = end + 1;
    }
}

static item *new_item(scan *sc, item_kind kind, size_t raw_off, size_t raw_len)
{
    if (sc->nit == sc->capit) {
        item *p = gb_grow(sc->it, &sc->capit, sc->capit + 1, sizeof *p, 32);
        if (!p) { oom(sc); return NULL; }
        sc->it = p;
    }
    item *t = &sc->it[sc->nit++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->raw_off = raw_off;
    t->raw_len = raw_len;
    line_col(sc, raw_off, &t->line, &t->col);
    t->tline = t->line;
    t->tcol = t->col;
    return t;
}

static void emit_marker(scan *sc, const char *kind, size_t idx)
{
    char buf[32];
    snprintf(buf, sizeof buf, MK_OPEN "%s%zu" MK_CLOSE, kind, idx);
    sb_puts(&sc->out, buf);
}

static size_t line_end(const scan *sc, size_t p)
{
    const char *nl = memchr(sc->s + p, '\n', sc->n - p);
    return nl ? (size_t)(nl - sc->s) : sc->n;
}

/* A line holding only white space and block-quote markers ends a paragraph. */
static int blank_line(const scan *sc, size_t p)
{
    for (; p < sc->n && sc->s[p] != '\n'; p++)
        if (sc->s[p] != ' ' && sc->s[p] != '\t' && sc->s[p] != '>') return 0;
    return 1;
}

/* End of a line's container prefix: spaces, block-quote '>' and (if lists) list markers. */
static size_t prefix_end(const char *s, size_t p, size_t le, int lists)
{
    size_t q = p;
    for (;;) {
        while (q < le && (s[q] == ' ' || s[q] == '\t')) q++;
        if (q < le && s[q] == '>') { q++; continue; }
        if (!lists) return q;
        if (q + 1 < le && (s[q] == '-' || s[q] == '+' || s[q] == '*') &&
            (s[q + 1] == ' ' || s[q + 1] == '\t')) { q += 2; continue; }
        size_t d = q;
        while (d < le && d - q < 9 && is_digit(s[d])) d++;
        if (d > q && d + 1 < le && (s[d] == '.' || s[d] == ')') &&
            (s[d + 1] == ' ' || s[d + 1] == '\t')) { q = d + 2; continue; }
        return q;
    }
}

/* Number of block-quote '>' in the container prefix of the line holding pos. */
static unsigned quote_depth(const scan *sc, size_t pos)
{
    unsigned line, col, k = 0;
    line_col(sc, pos, &line, &col);
    size_t p = sc->ls[line - 1];
    size_t q = prefix_end(sc->s, p, line_end(sc, p), 1);
    for (; p < q; p++) k += sc->s[p] == '>';
    return k;
}

/* Copy of the TeX in s[a..b) with the block-quote markers of continuation lines (up to nq '>'
 * and the white space around them) removed, so a formula inside "> " lines reads as typed. */
static char *tex_copy(const scan *sc, size_t a, size_t b, unsigned nq)
{
    sbuf t = {0};
    sb_put(&t, "", 0);
    while (a < b) {
        const char *nl = memchr(sc->s + a, '\n', b - a);
        size_t e = nl ? (size_t)(nl - sc->s) + 1 : b;
        sb_put(&t, sc->s + a, e - a);
        a = e;
        if (!nl || !nq) continue;
        size_t k = a;
        for (unsigned d = 0; d < nq; d++) {
            size_t j = k;
            while (j < b && (sc->s[j] == ' ' || sc->s[j] == '\t')) j++;
            if (j >= b || sc->s[j] != '>') break;
            k = j + 1;
            if (k < b && sc->s[k] == ' ') k++;
        }
        a = k;
    }
    if (t.oom) { free(t.p); return NULL; }
    return t.p;
}

/********** scanner: inline constructs **********/

/* Position of a run of exactly r backticks after from, before the paragraph (or line) ends.
 * A failed search records where each run length last occurs up to the paragraph's end, so later
 * openers in the same paragraph are answered without scanning again (as cmark does). */
static size_t find_backticks(scan *sc, size_t from, size_t r, int single, int *found)
{
    const char *s = sc->s;
    size_t k = from;
    *found = 0;
    if (r > BT_MAX) return 0;
    if (from < sc->bt_end && sc->bt_last[r] <= from) return 0;   /* bt_last holds start + 1 */
    while (k < sc->n) {
        if (s[k] == '\n') {
            if (single || blank_line(sc, k + 1)) break;
            k++;
            continue;
        }
        if (s[k] == '`') {
            size_t j = k;
            while (j < sc->n && s[j] == '`') j++;
            if (j - k == r) { *found = 1; return k; }
            if (j - k <= BT_MAX) sc->bt_last[j - k] = k + 1;
            k = j;
            continue;
        }
        k++;
    }
    sc->bt_end = k;
    return 0;
}

static int valid_name(const char *s, size_t n)
{
    if (n == 0 || n >= 48 || !(is_alpha(s[0]) || s[0] == '_')) return 0;
    for (size_t i = 1; i < n; i++)
        if (!(is_alpha(s[i]) || is_digit(s[i]) || (s[i] && strchr("_.[]", s[i])))) return 0;
    return 1;
}

static int valid_label(const char *s, size_t n)
{
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_label_char(s[i])) return 0;
    return 1;
}

/* {{...}} at i, closing "}}" at k. */
static int scan_value(scan *sc, size_t i, size_t k)
{
    const char *s = sc->s;
    size_t a = i + 2, b = k;
    while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
    char tmp[64];
    item_kind kind = IT_VALUE;
    if (b - a >= 4 && memcmp(s + a, "ref:", 4) == 0) {
        size_t l = a + 4;
        while (l < b && (s[l] == ' ' || s[l] == '\t')) l++;
        if (!valid_label(s + l, b - l)) {
            snprintf(tmp, sizeof tmp, "%.*s", (int)(b - l < 40 ? b - l : 40), s + l);
            return fail_at(sc, l, "bad reference label '%s' (letters, digits and _:.- only)",
                           tmp);
        }
        item *t = new_item(sc, IT_REF, i, k + 2 - i);
        if (!t || !(t->a = dup_n(s + l, b - l))) return oom(sc);
        emit_marker(sc, "", sc->nit - 1);
        return 0;
    }
    gb_tolerance qtol = {GB_TOL_REL, 0};
    double qpoints = 0;
    int has_tol = 0, has_points = 0;
    if (a < b && s[a] == '?') {
        kind = IT_QUESTION;
        a++;
        while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
        /* Options of a question: |tol=KIND:VALUE and |points=N, after the name and format. */
        const char *bar = memchr(s + a, '|', b - a);
        if (bar) {
            size_t o = (size_t)(bar - s);
            size_t end_opts = b;
            b = o;
            while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
            while (o < end_opts) {
                size_t st = o + 1, en = st;
                while (en < end_opts && s[en] != '|') en++;
                char opt[96];
                size_t len = en - st;
                while (len && (s[st] == ' ' || s[st] == '\t')) { st++; len--; }
                while (len && (s[st + len - 1] == ' ' || s[st + len - 1] == '\t')) len--;
                if (len >= sizeof opt) len = sizeof opt - 1;
                memcpy(opt, s + st, len);
                opt[len] = '\0';
                char *endp;
                if (!strncmp(opt, "tol=", 4) && gb_tolerance_parse(opt + 4, &qtol) == 0) {
                    has_tol = 1;
                } else if (!strncmp(opt, "points=", 7) &&
                           (qpoints = strtod(opt + 7, &endp)) > 0 && !*endp && qpoints < 1e6) {
                    has_points = 1;
                } else {
                    return fail_at(sc, st,
                                   "bad question option '%s' (expected tol=rel:0.5%%, "
                                   "tol=abs:0.001, tol=sig:3 or points=2)", opt);
                }
                o = en;
            }
        }
    }
    const char *colon = memchr(s + a, ':', b - a);
    size_t ne = colon ? (size_t)(colon - s) : b;
    while (ne > a && (s[ne - 1] == ' ' || s[ne - 1] == '\t')) ne--;
    if (!valid_name(s + a, ne - a)) {
        snprintf(tmp, sizeof tmp, "%.*s", (int)(ne - a < 40 ? ne - a : 40), s + a);
        return fail_at(sc, a, "bad quantity name '%s' in {{...}} (a letter or _, then letters, "
                       "digits, _ . [ ])", tmp);
    }
    size_t fa = colon ? (size_t)(colon - s) + 1 : b;
    while (fa < b && (s[fa] == ' ' || s[fa] == '\t')) fa++;
    char *fmt = dup_n(s + fa, b - fa);
    if (!fmt) return oom(sc);
    if ((colon && fa == b) || gb_value_format_check(fmt) != 0) {
        snprintf(tmp, sizeof tmp, "%.40s", fmt);
        free(fmt);
        return fail_at(sc, colon ? (size_t)(colon - s) + 1 : a,
                       "bad value format '%s' (use .4f, .3e, .6g, d or .1%%)", tmp);
    }
    item *t = new_item(sc, kind, i, k + 2 - i);
    if (!t) { free(fmt); return oom(sc); }
    t->b = fmt;
    t->tol = qtol;
    t->points = qpoints;
    t->has_tol = has_tol;
    t->has_points = has_points;
    if (!(t->a = dup_n(s + a, ne - a))) return oom(sc);
    emit_marker(sc, "", sc->nit - 1);
    return 0;
}

/* Inline math opening at i; returns 0 and sets *next past the closing '$'. */
static int scan_math(scan *sc, size_t i, int single, size_t *next)
{
    const char *s = sc->s;
    size_t k = i + 1;
    for (; k < sc->n; k++) {
        char c = s[k];
        if (c == '\\' && k + 1 < sc->n && s[k + 1] != '\n') { k++; continue; }
        if (c == '\n') {
            if (single || blank_line(sc, k + 1)) break;
            continue;
        }
        if (c == '$' && !is_space(s[k - 1]) && !(k + 1 < sc->n && is_digit(s[k + 1]))) {
            item *t = new_item(sc, IT_MATH, i, k + 1 - i);
            if (!t || !(t->a = tex_copy(sc, i + 1, k, quote_depth(sc, i)))) return oom(sc);
            line_col(sc, i + 1, &t->tline, &t->tcol);
            emit_marker(sc, "", sc->nit - 1);
            *next = k + 1;
            return 0;
        }
    }
    return fail_at(sc, i, "unclosed inline math: expected a closing $%s (write \\$ for a literal "
                   "dollar)", single ? " on the same line" : " in the same paragraph");
}

/* Scans inline text from p to the end of its line (multi-line constructs may carry it further)
 * and returns the position after the last newline consumed. single: constructs stay on a line. */
static size_t scan_inline(scan *sc, size_t p, int single)
{
    const char *s = sc->s;
    size_t i = p, run = p;   /* s[run..i) is pending plain text */
    while (i < sc->n && !sc->err) {
        char c = s[i];
        if (c == '\n') {
            copy_src(sc, run, i + 1);
            return i + 1;
        }
        if (c == '\\' && i + 1 < sc->n && is_ascii_punct(s[i + 1])) { i += 2; continue; }
        if (c == '`') {
            size_t j = i;
            while (j < sc->n && s[j] == '`') j++;
            int found;
            size_t k = find_backticks(sc, j, j - i, single, &found);
            i = found ? k + (j - i) : j;
            continue;
        }
        if (c == '$') {
            if (i + 1 < sc->n && s[i + 1] == '$') {
                fail_at(sc, i, "display math $$ must start its own line (write \\$ for a literal "
                        "dollar)%s", NULL);
                break;
            }
            if (i + 1 >= sc->n || is_space(s[i + 1])) { i++; continue; }
            copy_src(sc, run, i);
            if (scan_math(sc, i, single, &i)) break;
            run = i;
            continue;
        }
        if (c == '{' && i + 1 < sc->n && s[i + 1] == '{') {
            size_t le = line_end(sc, i), k = i + 2;
            while (k + 1 < le && !(s[k] == '}' && s[k + 1] == '}')) k++;
            if (k + 1 >= le) {
                fail_at(sc, i, "unclosed {{: expected }} on the same line%s", NULL);
                break;
            }
            copy_src(sc, run, i);
            if (scan_value(sc, i, k)) break;
            i = run = k + 2;
            continue;
        }
        i++;
    }
    if (!sc->err) copy_src(sc, run, i);
    return i;
}

/********** scanner: block-level lines **********/

/* Display math whose "$$" sits at q on the line starting at p; returns the position after it. */
static size_t scan_display(scan *sc, size_t p, size_t q)
{
    const char *s = sc->s;
    size_t k = q + 2;
    for (; k < sc->n; k++) {
        if (s[k] == '\\' && k + 1 < sc->n && s[k + 1] != '\n') { k++; continue; }
        if (s[k] == '\n' && blank_line(sc, k + 1)) { k = sc->n; break; }
        if (s[k] == '$' && k + 1 < sc->n && s[k + 1] == '$') break;
    }
    if (k >= sc->n) {
        fail_at(sc, q, "unclosed display math: expected a closing $$ before the next blank "
                "line%s", NULL);
        return sc->n;
    }
    size_t le = line_end(sc, k);
    for (size_t j = k + 2; j < le; j++)
        if (s[j] != ' ' && s[j] != '\t') {
            fail_at(sc, j, "text after the closing $$ (display math ends its line)%s", NULL);
            return sc->n;
        }
    /* The TeX starts at the first byte after "$$" that is neither white space nor a block-quote
     * marker at the start of a continuation line. */
    unsigned nq = quote_depth(sc, q);
    size_t a = q + 2, b = k;
    for (int bol = 0; a < b; a++) {
        if (s[a] == '\n') bol = 1;
        else if (!(s[a] == ' ' || s[a] == '\t' || (bol && s[a] == '>' && nq))) break;
    }
    char *tex = tex_copy(sc, q + 2, k, nq);
    if (!tex) { oom(sc); return sc->n; }
    size_t tl = strlen(tex), t0 = 0;
    while (t0 < tl && is_space(tex[t0])) t0++;
    while (tl > t0 && is_space(tex[tl - 1])) tl--;
    if (t0 == tl || a == b) {
        free(tex);
        fail_at(sc, q, "empty display math%s", NULL);
        return sc->n;
    }
    memmove(tex, tex + t0, tl - t0);
    tex[tl - t0] = '\0';
    item *t = new_item(sc, IT_DMATH, q, k + 2 - q);
    if (!t) { free(tex); return sc->n; }
    t->a = tex;
    line_col(sc, a, &t->tline, &t->tcol);
    /* \label{X}: copied to the block, left in the TeX (math_parse.h stores it undrawn). */
    for (size_t j = a; j + 7 <= b; j++) {
        if (s[j] == '\\' && memcmp(s + j, "\\label{", 7) != 0) { j++; continue; }
        if (s[j] != '\\') continue;
        size_t l = j + 7, r = l;
        while (r < b && s[r] != '}') r++;
        if (r >= b || !valid_label(s + l, r - l)) {
            fail_at(sc, j, "bad \\label: expected \\label{NAME} with letters, digits and _:.-%s",
                    NULL);
            return sc->n;
        }
        if (t->label) {
            fail_at(sc, j, "a second \\label in one display equation%s", NULL);
            return sc->n;
        }
        if (!(t->label = dup_n(s + l, r - l))) { oom(sc); return sc->n; }
        j = r;
    }
    unsigned line, col;
    line_col(sc, q, &line, &col);
    copy_src(sc, p, q);
    sb_puts(&sc->out, "```");
    emit_marker(sc, "D", sc->nit - 1);
    out_nl(sc, line);
    for (size_t j = p; j < q; j++)   /* the closing fence stays in the same containers */
        sb_put(&sc->out, (s[j] == '>' || s[j] == '\t') ? s + j : " ", 1);
    sb_puts(&sc->out, "```");
    if (le < sc->n) {
        line_col(sc, le + 1, &line, &col);
        out_nl(sc, line);
        return le + 1;
    }
    return sc->n;
}

/* Runs the scanner over sc->s, filling sc->out, sc->lmap and sc->it. */
static int scan_all(scan *sc)
{
    const char *s = sc->s;
    size_t p = 0;
    int in_fence = 0, fence_gb = 0;
    char fch = 0;
    size_t flen = 0;
    out_nl(sc, 1);          /* lmap[0] = 1; the newline itself is removed below */
    sc->out.n = 0;
    if (sc->out.p) sc->out.p[0] = '\0';
    while (p < sc->n && !sc->err && !sc->out.oom) {
        size_t le = line_end(sc, p);
        size_t next = le < sc->n ? le + 1 : sc->n;
        if (in_fence) {
            size_t q = prefix_end(s, p, le, 0), r = q;
            while (r < le && s[r] == fch) r++;
            size_t w = r;
            while (w < le && (s[w] == ' ' || s[w] == '\t')) w++;
            if (r - q >= flen && w == le) {
                in_fence = 0;
                copy_src(sc, p, next);
            } else if (fence_gb) {
                next = scan_inline(sc, p, 1);
            } else {
                copy_src(sc, p, next);
            }
            p = next;
            continue;
        }
        size_t q = prefix_end(s, p, le, 1);
        if (q < le && (s[q] == '`' || s[q] == '~')) {
            size_t r = q;
            while (r < le && s[r] == s[q]) r++;
            if (r - q >= 3 && !(s[q] == '`' && memchr(s + r, '`', le - r))) {
                in_fence = 1;
                fch = s[q];
                flen = r - q;
                size_t ia = r;
                while (ia < le && (s[ia] == ' ' || s[ia] == '\t')) ia++;
                size_t ib = le;
                while (ib > ia && (s[ib - 1] == ' ' || s[ib - 1] == '\t')) ib--;
                fence_gb = ib - ia >= 8 && memcmp(s + ia, "gradbook", 8) == 0 &&
                           (ib - ia == 8 || s[ia + 8] == ' ' || s[ia + 8] == '\t');
                if (fence_gb) {
                    item *t = new_item(sc, IT_COMPUTE, ia, ib - ia);
                    if (!t || !(t->a = dup_n(s + ia, ib - ia))) return oom(sc);
                    copy_src(sc, p, r);
                    emit_marker(sc, "C", sc->nit - 1);
                    copy_src(sc, le, next);
                } else {
                    copy_src(sc, p, next);
                }
                p = next;
                continue;
            }
        }
        if (q + 1 < le && s[q] == '$' && s[q + 1] == '$') {
            p = scan_display(sc, p, q);
            continue;
        }
        p = scan_inline(sc, p, 0);
    }
    if (sc->out.oom) return oom(sc);
    return sc->err;
}

/********** input checks **********/

/* Checks for NUL, invalid UTF-8, characters above U+FFFF and the reserved U+E000/U+E001. */
static int check_text(scan *sc)
{
    const unsigned char *s = (const unsigned char *)sc->s;
    for (size_t i = 0; i < sc->n;) {
        if (s[i] == 0) return fail_at(sc, i, "NUL byte in the chapter%s", NULL);
        if (s[i] < 0x80) { i++; continue; }
        uint32_t cp;
        size_t k = gb_utf8_decode(sc->s + i, sc->n - i, &cp);
        if (cp == 0xFFFD && !(k == 3 && s[i] == 0xEF && s[i + 1] == 0xBF && s[i + 2] == 0xBD)) {
            char hex[8];
            snprintf(hex, sizeof hex, "0x%02X", s[i]);
            return fail_at(sc, i, "invalid UTF-8 (byte %s)", hex);
        }
        if (cp > 0xFFFF || cp == 0xE000 || cp == 0xE001) {
            char u[16];
            snprintf(u, sizeof u, "U+%04X", (unsigned)cp);
            return fail_at(sc, i, cp > 0xFFFF
                           ? "character %s is outside the Basic Multilingual Plane (the PDF "
                             "fonts cannot draw it)"
                           : "character %s is reserved by gradbook", u);
        }
        i += k;
    }
    return 0;
}

/* Copies text with CR LF and lone CR made LF and a leading BOM dropped; fills the line starts. */
static int normalise(scan *sc, const char *text, size_t len)
{
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { text += 3; len -= 3; }
    char *d = malloc(len + 1);
    size_t nl = 1;
    if (!d) return oom(sc);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\r') {
            if (i + 1 < len && text[i + 1] == '\n') continue;
            c = '\n';
        }
        if (c == '\n') nl++;
        d[n++] = c;
    }
    d[n] = '\0';
    sc->s = d;
    sc->n = n;
    sc->ls = malloc(nl * sizeof *sc->ls);
    if (!sc->ls) return oom(sc);
    sc->ls[0] = 0;
    sc->nls = 1;
    for (size_t i = 0; i < n; i++)
        if (d[i] == '\n') sc->ls[sc->nls++] = i + 1;
    return 0;
}

/********** walker: cmark tree -> blocks **********/

typedef struct walk {
    scan *sc;
    const char *path;    /* the chapter's own copy (gb_srcpos.file) */
    gb_err *e;
    int err;
} walk;

typedef struct spanlist {
    gb_span *v;
    size_t n, cap;
    sbuf pend;           /* text waiting to become TEXT spans */
    unsigned pstyle;
    const char *purl;
    gb_srcpos pos;       /* the block's position, for TEXT spans */
} spanlist;

static int wfail(walk *w, int code, unsigned line, const char *msg)
{
    if (!w->err) w->err = gb_err_set(w->e, code, w->path, line, 0, "%s", msg);
    return w->err;
}

static int woom(walk *w) { return wfail(w, GB_EINTERNAL, 0, "out of memory"); }

static unsigned node_line(const walk *w, cmark_node *n)
{
    int l = cmark_node_get_start_line(n);
    if (l < 1 || (size_t)l > w->sc->nlmap) return 0;
    return w->sc->lmap[l - 1];
}

/* Parses a placeholder at t[i..len): returns its length (0 if none) with *kind 0, 'D' or 'C'. */
static size_t marker_at(const char *t, size_t len, size_t i, char *kind, size_t *idx)
{
    if (i + MK_LEN > len || memcmp(t + i, MK_OPEN, MK_LEN) != 0) return 0;
    size_t j = i + MK_LEN, v = 0;
    *kind = 0;
    if (j < len && (t[j] == 'D' || t[j] == 'C')) *kind = t[j++];
    size_t d0 = j;
    while (j < len && is_digit(t[j]) && j - d0 < 9) v = v * 10 + (size_t)(t[j++] - '0');
    if (j == d0 || j + MK_LEN > len || memcmp(t + j, MK_CLOSE, MK_LEN) != 0) return 0;
    *idx = v;
    return j + MK_LEN - i;
}

/* The item a valid placeholder at t[i..] names, with its length in *mlen; NULL if none. */
static const item *item_at(const walk *w, const char *t, size_t len, size_t i, size_t *mlen)
{
    char kind;
    size_t idx;
    *mlen = marker_at(t, len, i, &kind, &idx);
    if (!*mlen || idx >= w->sc->nit) return NULL;
    const item *it = &w->sc->it[idx];
    int ok = kind == 'D' ? it->kind == IT_DMATH
           : kind == 'C' ? it->kind == IT_COMPUTE
           : it->kind != IT_DMATH && it->kind != IT_COMPUTE;
    return ok ? it : NULL;
}

static int is_reserved(const char *t, size_t len, size_t i)
{
    return i + MK_LEN <= len && (memcmp(t + i, MK_OPEN, MK_LEN) == 0 ||
                                 memcmp(t + i, MK_CLOSE, MK_LEN) == 0);
}

/* t with every placeholder replaced by the source it stands for (where cmark saw code). */
static char *restore(walk *w, const char *t, unsigned line)
{
    size_t len = strlen(t);
    sbuf b = {0};
    sb_put(&b, "", 0);
    for (size_t i = 0; i < len;) {
        size_t m;
        const item *it = item_at(w, t, len, i, &m);
        if (it) {
            sb_put(&b, w->sc->s + it->raw_off, it->raw_len);
            i += m;
        } else if (is_reserved(t, len, i)) {
            free(b.p);
            wfail(w, GB_EINPUT, line, "character U+E000 or U+E001 (reserved by gradbook) in a "
                  "character reference");
            return NULL;
        } else {
            sb_put(&b, t + i, 1);
            i++;
        }
    }
    if (b.oom) { free(b.p); woom(w); return NULL; }
    return b.p;
}

static gb_span *push_span(walk *w, spanlist *l)
{
    if (l->n == l->cap) {
        gb_span *p = gb_grow(l->v, &l->cap, l->cap + 1, sizeof *p, 8);
        if (!p) { woom(w); return NULL; }
        l->v = p;
    }
    gb_span *s = &l->v[l->n++];
    memset(s, 0, sizeof *s);
    s->pos = s->tex_pos = l->pos;
    return s;
}

static int set_url(walk *w, gb_span *s, const char *url)
{
    if (url && !(s->url = strdup(url))) return woom(w);
    return 0;
}

static int push_text(walk *w, spanlist *l, const char *t, size_t n, unsigned style,
                     const char *url)
{
    if (!n) return 0;
    gb_span *s = push_span(w, l);
    if (!s) return w->err;
    s->kind = GB_SPAN_TEXT;
    s->style = style;
    if (!(s->text = dup_n(t, n))) return woom(w);
    return set_url(w, s, url);
}

static int push_item(walk *w, spanlist *l, const item *it, unsigned style, const char *url)
{
    gb_span *s = push_span(w, l);
    if (!s) return w->err;
    s->style = style;
    s->pos.line = it->line;
    s->pos.col = it->col;
    s->tex_pos = s->pos;
    switch (it->kind) {
    case IT_MATH:
        s->kind = GB_SPAN_MATH;
        s->tex_pos.line = it->tline;
        s->tex_pos.col = it->tcol;
        if (!(s->text = strdup(it->a))) return woom(w);
        break;
    case IT_REF:
        s->kind = GB_SPAN_REF;
        if (!(s->name = strdup(it->a))) return woom(w);
        break;
    default:
        s->kind = it->kind == IT_QUESTION ? GB_SPAN_QUESTION : GB_SPAN_VALUE;
        if (!(s->name = strdup(it->a)) || !(s->fmt = strdup(it->b))) return woom(w);
        s->tol = it->tol;
        s->points = it->points;
        s->has_tol = it->has_tol;
        s->has_points = it->has_points;
        break;
    }
    return set_url(w, s, url);
}

/* Turns the pending text into TEXT spans and the spans of the placeholders inside it. */
static int flush(walk *w, spanlist *l)
{
    if (l->pend.oom) return woom(w);
    const char *t = l->pend.p;
    size_t len = l->pend.n, run = 0;
    for (size_t i = 0; i < len && !w->err;) {
        size_t m;
        const item *it = item_at(w, t, len, i, &m);
        if (it && (it->kind == IT_DMATH || it->kind == IT_COMPUTE)) it = NULL;
        if (it) {
            if (push_text(w, l, t + run, i - run, l->pstyle, l->purl)) break;
            if (push_item(w, l, it, l->pstyle, l->purl)) break;
            i = run = i + m;
        } else if (is_reserved(t, len, i)) {
            wfail(w, GB_EINPUT, l->pos.line, "character U+E000 or U+E001 (reserved by gradbook) "
                  "in a character reference");
        } else {
            i++;
        }
    }
    if (!w->err) push_text(w, l, t + run, len - run, l->pstyle, l->purl);
    l->pend.n = 0;
    return w->err;
}

static int same_url(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int add_text(walk *w, spanlist *l, const char *t, unsigned style, const char *url)
{
    if (l->pend.n && (l->pstyle != style || !same_url(l->purl, url)) && flush(w, l)) return w->err;
    l->pstyle = style;
    l->purl = url;
    sb_puts(&l->pend, t);
    return 0;
}

static int collect(walk *w, spanlist *l, cmark_node *parent, unsigned style, const char *url,
                   int depth)
{
    if (depth > GB_CHAPTER_MAX_DEPTH)
        return wfail(w, GB_EINPUT, l->pos.line, "emphasis and links nested too deeply");
    for (cmark_node *n = cmark_node_first_child(parent); n && !w->err; n = cmark_node_next(n)) {
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
            add_text(w, l, cmark_node_get_literal(n), style, url);
            break;
        case CMARK_NODE_SOFTBREAK:
            add_text(w, l, " ", style, url);
            break;
        case CMARK_NODE_LINEBREAK: {
            if (flush(w, l)) break;
            gb_span *s = push_span(w, l);
            if (s) s->kind = GB_SPAN_BREAK;
            break;
        }
        case CMARK_NODE_CODE: {
            if (flush(w, l)) break;
            char *t = restore(w, cmark_node_get_literal(n), l->pos.line);
            if (!t) break;
            gb_span *s = push_span(w, l);
            if (!s) { free(t); break; }
            s->kind = GB_SPAN_CODE;
            s->style = style;
            s->text = t;
            set_url(w, s, url);
            break;
        }
        case CMARK_NODE_EMPH:
            collect(w, l, n, style | GB_STYLE_EM, url, depth + 1);
            break;
        case CMARK_NODE_STRONG:
            collect(w, l, n, style | GB_STYLE_STRONG, url, depth + 1);
            break;
        case CMARK_NODE_LINK: {
            const char *u = cmark_node_get_url(n);
            char *r = restore(w, u ? u : "", l->pos.line);
            if (!r) break;
            collect(w, l, n, style, r, depth + 1);
            if (!w->err) flush(w, l);   /* before r is freed: pending text points at it */
            free(r);
            break;
        }
        case CMARK_NODE_IMAGE:
            wfail(w, GB_EINPUT, node_line(w, n), "images are not supported (figures come from "
                  "```gradbook blocks)");
            break;
        case CMARK_NODE_HTML_INLINE:
            wfail(w, GB_EINPUT, node_line(w, n), "raw HTML is not supported");
            break;
        default:
            wfail(w, GB_EINPUT, node_line(w, n), "unsupported inline element");
            break;
        }
    }
    return w->err;
}

/* Collects the inline content of node into the block's spans. */
static int block_spans(walk *w, cmark_node *node, gb_block *b, spanlist *l)
{
    l->pos = b->pos;
    l->pos.col = 0;
    if (!collect(w, l, node, 0, NULL, 0)) flush(w, l);
    return w->err;
}

static void spans_to_block(spanlist *l, gb_block *b)
{
    free(l->pend.p);
    l->pend.p = NULL;
    b->spans = l->v;
    b->nspans = l->n;
    l->v = NULL;
    l->n = l->cap = 0;
}

/* Removes a trailing "{#LABEL}" / "{-}" / "{.unnumbered}" from a heading's last TEXT span. */
static int heading_attrs(walk *w, gb_block *b)
{
    b->numbered = 1;
    if (!b->nspans || b->spans[b->nspans - 1].kind != GB_SPAN_TEXT) return 0;
    gb_span *s = &b->spans[b->nspans - 1];
    char *t = s->text;
    size_t n = strlen(t);
    while (n && is_space(t[n - 1])) n--;
    if (!n || t[n - 1] != '}') return 0;
    char *open = NULL;
    for (size_t i = n - 1; i-- > 0;)
        if (t[i] == '{') { open = t + i; break; }
    if (!open) return 0;
    const char *label = NULL;
    size_t llen = 0;
    int unnumbered = 0;
    for (const char *p = open + 1; p < t + n - 1;) {
        while (p < t + n - 1 && is_space(*p)) p++;
        const char *q = p;
        while (q < t + n - 1 && !is_space(*q)) q++;
        if (q == p) break;
        if ((q - p == 1 && *p == '-') || (q - p == 11 && memcmp(p, ".unnumbered", 11) == 0))
            unnumbered = 1;
        else if (*p == '#' && valid_label(p + 1, (size_t)(q - p - 1)) && !label)
            label = p + 1, llen = (size_t)(q - p - 1);
        else
            return 0;   /* not an attribute list: it stays text */
        p = q;
    }
    if (!label && !unnumbered) return 0;
    if (label && !(b->label = dup_n(label, llen))) return woom(w);
    b->numbered = !unnumbered;
    size_t keep = (size_t)(open - t);
    while (keep && is_space(t[keep - 1])) keep--;
    t[keep] = '\0';
    if (!keep) {
        gb_span_free(s);
        b->nspans--;
    }
    return 0;
}

static int walk_blocks(walk *w, cmark_node *parent, unsigned pline, gb_block **out, size_t *nout,
                       int depth);

static size_t count_children(cmark_node *n)
{
    size_t k = 0;
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) k++;
    return k;
}

static int parse_table(walk *w, cmark_node *node, gb_block *b)
{
    size_t cols = cmark_gfm_extensions_get_table_columns(node);
    size_t rows = count_children(node);
    b->kind = GB_BLOCK_TABLE;
    b->rows = rows;
    b->cols = cols;
    if (!(b->aligns = calloc(cols + 1, 1))) return woom(w);
    const uint8_t *al = cmark_gfm_extensions_get_table_alignments(node);
    for (size_t c = 0; c < cols; c++) {
        char a = al ? (char)al[c] : 0;
        b->aligns[c] = (a == 'l' || a == 'c' || a == 'r') ? a : 'n';
    }
    if (rows * cols == 0) return 0;
    if (!(b->children = calloc(rows * cols, sizeof *b->children))) return woom(w);
    b->nchildren = rows * cols;
    for (size_t i = 0; i < rows * cols; i++) {
        b->children[i].kind = GB_BLOCK_PARAGRAPH;
        b->children[i].pos = b->pos;
    }
    size_t r = 0;
    for (cmark_node *row = cmark_node_first_child(node); row && r < rows;
         row = cmark_node_next(row), r++) {
        size_t c = 0;
        for (cmark_node *cell = cmark_node_first_child(row); cell && c < cols;
             cell = cmark_node_next(cell), c++) {
            gb_block *cb = &b->children[r * cols + c];
            cb->pos.line = node_line(w, row);
            spanlist l = {0};
            block_spans(w, cell, cb, &l);
            spans_to_block(&l, cb);
            if (w->err) return w->err;
        }
    }
    return 0;
}

/* Parses the info string of a ```gradbook block into name, options and label. */
static int parse_compute_info(walk *w, const item *it, gb_block *b)
{
    const char *s = it->a;
    size_t n = strlen(s), i = 8;   /* after "gradbook" */
    unsigned line = it->line;
#define CFAIL(at, ...) (w->err = gb_err_set(w->e, GB_EINPUT, w->path, line, \
                                            it->col + (unsigned)(at), __VA_ARGS__))
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    size_t a = i;
    while (i < n && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '-' || s[i] == '_')) i++;
    if (i == a || (i < n && s[i] != ' ' && s[i] != '\t'))
        return CFAIL(i, "expected a computation NAME after gradbook (letters, digits, - and _)");
    if (!(b->name = dup_n(s + a, i - a))) return woom(w);
    size_t cap = 0;
    for (;;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
        if (i >= n) break;
        if (s[i] == '#') {
            size_t l = i + 1, r = l;
            while (r < n && s[r] != ' ' && s[r] != '\t') r++;
            if (!valid_label(s + l, r - l))
                return CFAIL(i, "bad label after '#' (letters, digits and _:.- only)");
            size_t k = r;
            while (k < n && (s[k] == ' ' || s[k] == '\t')) k++;
            if (k < n) return CFAIL(k, "text after the #LABEL (the label comes last)");
            if (!(b->label = dup_n(s + l, r - l))) return woom(w);
            break;
        }
        size_t ka = i;
        if (!(is_alpha(s[i]) || s[i] == '_'))
            return CFAIL(i, "expected KEY=VALUE, KEY or #LABEL");
        while (i < n && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '-' ||
                         s[i] == '.')) i++;
        size_t kb = i;
        sbuf v = {0};
        sb_put(&v, "", 0);
        if (i < n && s[i] == '=') {
            i++;
            if (i < n && s[i] == '"') {
                size_t q = i++;
                for (; i < n && s[i] != '"'; i++) {
                    if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\')) i++;
                    sb_put(&v, s + i, 1);
                }
                if (i >= n) { free(v.p); return CFAIL(q, "unclosed \" in an option value"); }
                i++;
            } else {
                for (; i < n && s[i] != ' ' && s[i] != '\t'; i++) {
                    if (s[i] == '"') {
                        free(v.p);
                        return CFAIL(i, "a '\"' inside an unquoted option value");
                    }
                    sb_put(&v, s + i, 1);
                }
            }
        }
        if (i < n && s[i] != ' ' && s[i] != '\t') {
            free(v.p);
            return CFAIL(i, "expected a space, '=' or the end after option key");
        }
        if (v.oom) { free(v.p); return woom(w); }
        for (size_t k = 0; k < b->nopts; k++)
            if (strlen(b->opts[k].key) == kb - ka && !memcmp(b->opts[k].key, s + ka, kb - ka)) {
                free(v.p);
                return CFAIL(ka, "option '%s' given twice", b->opts[k].key);
            }
        if (b->nopts == cap) {
            gb_option *p = gb_grow(b->opts, &cap, cap + 1, sizeof *p, 4);
            if (!p) { free(v.p); return woom(w); }
            b->opts = p;
        }
        gb_option *o = &b->opts[b->nopts++];
        o->value = v.p;
        o->pos.file = w->path;
        o->pos.line = line;
        o->pos.col = it->col + (unsigned)ka;
        if (!(o->key = dup_n(s + ka, kb - ka))) return woom(w);
    }
#undef CFAIL
    return 0;
}

/* The caption of a computation block: its body parsed as CommonMark, inline content only. */
static int parse_caption(walk *w, const char *body, gb_block *b)
{
    cmark_node *doc = cmark_parse_document(body, strlen(body), CMARK_OPT_VALIDATE_UTF8);
    if (!doc) return woom(w);
    spanlist l = {0};
    l.pos = b->pos;
    l.pos.col = 0;
    for (cmark_node *n = cmark_node_first_child(doc); n && !w->err; n = cmark_node_next(n)) {
        if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH) {
            wfail(w, GB_EINPUT, b->pos.line, "a ```gradbook block's body is its caption: inline "
                  "text only (no lists, headings, code or HTML blocks)");
            break;
        }
        if (n != cmark_node_first_child(doc)) add_text(w, &l, " ", 0, NULL);
        collect(w, &l, n, 0, NULL, 0);
    }
    if (!w->err) flush(w, &l);
    spans_to_block(&l, b);
    cmark_node_free(doc);
    return w->err;
}

static int convert_code(walk *w, cmark_node *n, gb_block *b)
{
    const char *info = cmark_node_get_fence_info(n);
    const char *lit = cmark_node_get_literal(n);
    if (!info) info = "";
    if (!lit) lit = "";
    size_t m, ilen = strlen(info);
    const item *it = item_at(w, info, ilen, 0, &m);
    if (it && m == ilen && it->kind == IT_DMATH) {
        b->kind = GB_BLOCK_MATH;
        b->pos.line = it->line;
        b->pos.col = it->col;
        b->tex_pos = b->pos;
        b->tex_pos.line = it->tline;
        b->tex_pos.col = it->tcol;
        if (!(b->text = strdup(it->a))) return woom(w);
        if (it->label && !(b->label = strdup(it->label))) return woom(w);
        return 0;
    }
    if (it && m == ilen && it->kind == IT_COMPUTE) {
        b->kind = GB_BLOCK_COMPUTE;
        b->pos.line = it->line;
        b->pos.col = it->col;
        b->tex_pos = b->pos;
        if (parse_compute_info(w, it, b)) return w->err;
        return parse_caption(w, lit, b);
    }
    b->kind = GB_BLOCK_CODE;
    size_t wl = 0;
    while (wl < ilen && !is_space(info[wl])) wl++;
    char *lang = dup_n(info, wl);
    if (!lang) return woom(w);
    b->info = restore(w, lang, b->pos.line);
    free(lang);
    if (!b->info) return w->err;
    b->text = restore(w, lit, b->pos.line);
    return b->text ? 0 : w->err;
}

static int convert(walk *w, cmark_node *n, gb_block *b, unsigned line, int depth)
{
    b->pos.file = w->path;
    b->pos.line = line;
    b->tex_pos = b->pos;
    spanlist l = {0};
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_HEADING:
        b->kind = GB_BLOCK_HEADING;
        b->level = cmark_node_get_heading_level(n);
        block_spans(w, n, b, &l);
        spans_to_block(&l, b);
        return w->err ? w->err : heading_attrs(w, b);
    case CMARK_NODE_PARAGRAPH:
        b->kind = GB_BLOCK_PARAGRAPH;
        block_spans(w, n, b, &l);
        spans_to_block(&l, b);
        return w->err;
    case CMARK_NODE_LIST:
        b->kind = GB_BLOCK_LIST;
        b->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
        b->start = b->ordered ? cmark_node_get_list_start(n) : 0;
        return walk_blocks(w, n, line, &b->children, &b->nchildren, depth + 1);
    case CMARK_NODE_ITEM:
        b->kind = GB_BLOCK_ITEM;
        return walk_blocks(w, n, line, &b->children, &b->nchildren, depth + 1);
    case CMARK_NODE_BLOCK_QUOTE:
        b->kind = GB_BLOCK_QUOTE;
        return walk_blocks(w, n, line, &b->children, &b->nchildren, depth + 1);
    case CMARK_NODE_CODE_BLOCK:
        return convert_code(w, n, b);
    case CMARK_NODE_THEMATIC_BREAK:
        b->kind = GB_BLOCK_RULE;
        return 0;
    case CMARK_NODE_HTML_BLOCK:
        return wfail(w, GB_EINPUT, b->pos.line, "raw HTML is not supported");
    default: {
        const char *t = cmark_node_get_type_string(n);
        if (t && strcmp(t, "table") == 0) return parse_table(w, n, b);
        return wfail(w, GB_EINPUT, b->pos.line, "unsupported block element");
    }
    }
}

/* Converts the children of parent (whose line is pline) into a new array of blocks. */
static int walk_blocks(walk *w, cmark_node *parent, unsigned pline, gb_block **out, size_t *nout,
                       int depth)
{
    if (depth > GB_CHAPTER_MAX_DEPTH)
        return wfail(w, GB_EINPUT, pline, "lists and quotes nested too deeply");
    size_t k = count_children(parent);
    *out = NULL;
    *nout = 0;
    if (!k) return 0;
    gb_block *v = calloc(k, sizeof *v);
    if (!v) return woom(w);
    *out = v;
    unsigned prev = pline;
    for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
        gb_block *b = &v[(*nout)++];   /* counted first, so a half-built block is freed too */
        /* cmark-gfm gives line 0 to a paragraph that a table interrupted; the table (next)
         * carries the paragraph's first line then. */
        unsigned line = node_line(w, n);
        if (!line && cmark_node_next(n)) line = node_line(w, cmark_node_next(n));
        if (!line) line = prev;
        if (convert(w, n, b, line, depth)) return w->err;
        prev = line;
    }
    return 0;
}

/********** entry points **********/

static void scan_free(scan *sc)
{
    for (size_t i = 0; i < sc->nit; i++) {
        free(sc->it[i].a);
        free(sc->it[i].b);
        free(sc->it[i].label);
    }
    free(sc->it);
    free(sc->lmap);
    free(sc->out.p);
    free(sc->ls);
    free((char *)sc->s);
}

int gb_chapter_parse_string(const char *path_for_messages, const char *text, size_t len,
                            gb_chapter *out, gb_err *e)
{
    memset(out, 0, sizeof *out);
    const char *path = path_for_messages ? path_for_messages : "<chapter>";
    if (!(out->path = strdup(path)))
        return gb_err_set(e, GB_EINTERNAL, path, 0, 0, "out of memory");
    scan sc;
    memset(&sc, 0, sizeof sc);
    sc.path = out->path;
    sc.e = e;
    if (!normalise(&sc, text ? text : "", text ? len : 0) && !check_text(&sc)) scan_all(&sc);
    int rc = sc.err;
    cmark_node *doc = NULL;
    if (!rc) {
        cmark_gfm_core_extensions_ensure_registered();
        cmark_syntax_extension *table = cmark_find_syntax_extension("table");
        cmark_parser *parser = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8);
        if (!parser || !table || !cmark_parser_attach_syntax_extension(parser, table)) {
            rc = gb_err_set(e, GB_EINTERNAL, out->path, 0, 0, "cmark-gfm: cannot set up a "
                            "parser with the table extension");
        } else {
            cmark_parser_feed(parser, sc.out.p ? sc.out.p : "", sc.out.n);
            doc = cmark_parser_finish(parser);
            if (!doc) rc = gb_err_set(e, GB_EINTERNAL, out->path, 0, 0, "cmark-gfm failed");
        }
        if (parser) cmark_parser_free(parser);
    }
    if (!rc) {
        walk w = {&sc, out->path, e, 0};
        walk_blocks(&w, doc, 1, &out->blocks, &out->nblocks, 0);
        rc = w.err;
    }
    if (doc) cmark_node_free(doc);
    scan_free(&sc);
    if (rc) gb_chapter_free(out);
    return rc;
}

int gb_chapter_parse(const char *path, gb_chapter *out, gb_err *e)
{
    memset(out, 0, sizeof *out);
    char *text = NULL;
    size_t len = 0;
    int rc = gb_read_file(path, GB_CHAPTER_MAX_BYTES, &text, &len, e);
    if (rc) return rc;
    rc = gb_chapter_parse_string(path, text, len, out, e);
    free(text);
    return rc;
}
