/* roster.c — CSV rosters read with libcsv: encoding checks, separator detection, header columns,
 * per-row validation and whole-roster checks (duplicate IDs, file-name collisions); roster.h
 * documents the accepted format and every error. */
#include "classroom/roster.h"
#include "util/readfile.h"

#include "util/utf8.h"

#include <csv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_BYTES ((size_t)64 << 20)
#define MAX_STORED_ERRORS 100
#define SHOW_MAX 60 /* bytes of an ID or name quoted in a message */

/* ------------------------------------------------------------------ small string helpers */

static int is_blank(unsigned char b) { return b == ' ' || b == '\t'; }
static int is_nl(unsigned char b) { return b == '\r' || b == '\n'; }

/* s[0..n) without surrounding blanks and line breaks: *start and the new length. */
static size_t trim(const char *s, size_t n, size_t *start)
{
    size_t a = 0;
    while (a < n && (is_blank((unsigned char)s[a]) || is_nl((unsigned char)s[a]))) a++;
    while (n > a && (is_blank((unsigned char)s[n - 1]) || is_nl((unsigned char)s[n - 1]))) n--;
    *start = a;
    return n - a;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    if (n) memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* s shortened for a message (at most SHOW_MAX bytes, cut at a code point, "..." appended);
 * s is valid UTF-8 here (checked before parsing). Uses one of two static buffers in turn so two
 * shown strings can appear in one message. */
static const char *show(const char *s)
{
    static char bufs[2][SHOW_MAX + 4];
    static int which;
    char *b = bufs[which];
    which ^= 1;
    gb_utf8_ellipsize(b, sizeof bufs[0], s, SHOW_MAX);
    return b;
}

/* Physical line (1-based) of byte offset off: LF, CR and CRLF each end one line. */
static unsigned line_of(const char *d, size_t off)
{
    unsigned line = 1;
    for (size_t i = 0; i < off; i++) {
        if (d[i] == '\r') line++;
        else if (d[i] == '\n' && !(i > 0 && d[i - 1] == '\r')) line++;
    }
    return line;
}

/* ------------------------------------------------------------------ header column names */

/* Lower-cased ASCII, '_' and '-' as spaces, runs of blanks collapsed, trimmed; into out. */
static void norm_header(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        char c = s[i];
        if (c == '_' || c == '-' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = o > 0;
            continue;
        }
        if (space) { out[o++] = ' '; space = 0; }
        out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    out[o] = '\0';
}

/* Preference order: the earliest entry found in the header wins (roster.h). */
static const char *const id_names[] = {
    "student id", "studentid", "student number", "matriculation number", "matriculation",
    "matrikelnummer", "matr.nr.", "matr. nr.", "matr nr", "sis user id", "id number", "idnumber",
    "identifier", "id", "username", "user name", "login id", "sis login id", "user id", "userid",
    "login", "email", "email address", "e mail", "e mail address", "mail",
};
static const char *const name_names[] = {
    "name", "full name", "fullname", "student name", "student", "display name",
};
static const char *const first_names[] = {
    "first name", "firstname", "given name", "givenname", "forename", "vorname",
};
static const char *const last_names[] = {
    "last name", "lastname", "surname", "family name", "familyname", "nachname",
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char accepted_ids[] =
    "student_id, student id, studentid, student number, matriculation (number), matrikelnummer, "
    "matr.nr., sis user id, id number, identifier, id, username, login id, user id, login, "
    "email (address)";
static const char accepted_names[] =
    "name, full name, student name, student, display name, or first name/given name/vorname "
    "with last name/surname/family name/nachname";

typedef struct field { char *s; size_t n; } field;

typedef struct columns {
    long id, name, first, last; /* column indexes, -1 when absent */
} columns;

/* Index in list of the normalised header name h, or -1. */
static long list_index(const char *const *list, size_t count, const char *h)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(list[i], h) == 0) return (long)i;
    return -1;
}

static void find_columns(const field *f, size_t n, columns *c)
{
    long best_rank = -1;
    c->id = c->name = c->first = c->last = -1;
    for (size_t i = 0; i < n; i++) {
        char h[128];
        norm_header(f[i].s, f[i].n, h, sizeof h);
        long r = list_index(id_names, COUNT(id_names), h);
        if (r >= 0 && (best_rank < 0 || r < best_rank)) { best_rank = r; c->id = (long)i; }
    }
    for (size_t i = 0; i < n; i++) {
        if ((long)i == c->id) continue;
        char h[128];
        norm_header(f[i].s, f[i].n, h, sizeof h);
        if (c->name < 0 && list_index(name_names, COUNT(name_names), h) >= 0) c->name = (long)i;
        if (c->first < 0 && list_index(first_names, COUNT(first_names), h) >= 0) c->first = (long)i;
        if (c->last < 0 && list_index(last_names, COUNT(last_names), h) >= 0) c->last = (long)i;
    }
}

static int has_name(const columns *c) { return c->name >= 0 || c->first >= 0 || c->last >= 0; }

/* ------------------------------------------------------------------ the parser state */

typedef struct err_item { unsigned line; size_t seq; char *text; } err_item;

typedef struct parser {
    const char *label;
    char delim;
    /* position, maintained byte by byte as libcsv is fed */
    unsigned line, row_line, field_line;
    int row_open;
    /* the row being collected by the libcsv callbacks */
    field *fields;
    size_t nf, capf;
    /* header */
    int header_only, stop, have_header, quiet;
    unsigned header_line;
    field *header;
    size_t nheader;
    columns col;
    char *id_column;
    /* results */
    gb_roster_student *st;
    size_t nst, capst;
    err_item *errs;
    size_t nerr, nerr_total;
    int oom;
} parser;

static void add_error(parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_error(parser *p, unsigned line, const char *fmt, ...)
{
    p->nerr_total++;
    if (p->nerr >= MAX_STORED_ERRORS) return;
    char buf[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *t = dup_n(buf, strlen(buf));
    if (!t) { p->oom = 1; return; }
    p->errs[p->nerr].line = line;
    p->errs[p->nerr].seq = p->nerr_total;
    p->errs[p->nerr].text = t;
    p->nerr++;
}

static void free_fields(field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) free(f[i].s);
}

static void drop_row(parser *p)
{
    free_fields(p->fields, p->nf);
    p->nf = 0;
    p->row_open = 0;
}

/* libcsv field callback: keeps a copy of the field (CSV_APPEND_NULL makes s a C string, but the
 * length is what counts: NUL bytes were rejected before parsing). */
static void on_field(void *s, size_t n, void *data)
{
    parser *p = data;
    if (p->oom || p->stop) return;
    if (p->nf == p->capf) {
        size_t cap = p->capf ? 2 * p->capf : 16;
        field *f = realloc(p->fields, cap * sizeof *f);
        if (!f) { p->oom = 1; return; }
        p->fields = f;
        p->capf = cap;
    }
    char *copy = dup_n(s ? s : "", s ? n : 0);
    if (!copy) { p->oom = 1; return; }
    p->fields[p->nf].s = copy;
    p->fields[p->nf].n = s ? n : 0;
    p->nf++;
}

/* ------------------------------------------------------------------ one data row */

/* The code point of the first control character in s that is forbidden (roster.h), or 0. For
 * IDs, line/paragraph separators and bidi controls count too: an ID is a key, not text. */
static uint32_t bad_control(const char *s, int is_id)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += gb_utf8_decode(s + i, n - i, &cp);
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return cp ? cp : 0xFFFF;
        if (is_id && (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
                      (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
                      cp == 0x061C))
            return cp;
    }
    return 0;
}

/* A name cell as printed: trimmed; a run of blanks holding a line break becomes one space; a tab
 * becomes a space. NULL when out of memory. */
static char *norm_name(const char *s0, size_t n0)
{
    size_t a;
    size_t n = trim(s0, n0, &a);
    const char *s = s0 + a;
    char *out = malloc(n + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        if (is_blank(b) || is_nl(b)) {
            size_t j = i;
            int nl = 0;
            while (j < n && (is_blank((unsigned char)s[j]) || is_nl((unsigned char)s[j]))) {
                nl |= is_nl((unsigned char)s[j]);
                j++;
            }
            if (nl) out[o++] = ' ';
            else
                for (size_t k = i; k < j; k++) out[o++] = ' ';
            i = j;
        } else {
            out[o++] = (char)b;
            i++;
        }
    }
    out[o] = '\0';
    return out;
}

/* The name of the row from the name column, or first + " " + last. NULL when out of memory. */
static char *row_name(parser *p)
{
    if (p->col.name >= 0) return norm_name(p->fields[p->col.name].s, p->fields[p->col.name].n);
    char *first = p->col.first >= 0
                      ? norm_name(p->fields[p->col.first].s, p->fields[p->col.first].n)
                      : dup_n("", 0);
    char *last = p->col.last >= 0
                     ? norm_name(p->fields[p->col.last].s, p->fields[p->col.last].n)
                     : dup_n("", 0);
    char *name = NULL;
    if (first && last) {
        size_t a = strlen(first), b = strlen(last);
        name = malloc(a + b + 2);
        if (name) {
            memcpy(name, first, a);
            size_t o = a;
            if (a && b) name[o++] = ' ';
            memcpy(name + o, last, b + 1);
        }
    }
    free(first);
    free(last);
    return name;
}

static void free_cells(char **cells, size_t n)
{
    if (!cells) return;
    for (size_t i = 0; i < n; i++) free(cells[i]);
    free(cells);
}

/* Trimmed copies of the n fields f, or NULL when out of memory. */
static char **copy_cells(const field *f, size_t n)
{
    char **c = calloc(n ? n : 1, sizeof *c);
    if (!c) return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t a, len = trim(f[i].s, f[i].n, &a);
        c[i] = dup_n(f[i].s + a, len);
        if (!c[i]) {
            free_cells(c, n);
            return NULL;
        }
    }
    return c;
}

static int push_student(parser *p, char *id, char *name, const char *fname, int name_is_id)
{
    char **cells = copy_cells(p->fields, p->nf);
    if (!cells) return -1;
    if (p->nst == p->capst) {
        size_t cap = p->capst ? 2 * p->capst : 32;
        gb_roster_student *s = realloc(p->st, cap * sizeof *s);
        if (!s) {
            free_cells(cells, p->nf);
            return -1;
        }
        p->st = s;
        p->capst = cap;
    }
    gb_roster_student *s = &p->st[p->nst++];
    s->id = id;
    s->name = name;
    memcpy(s->fname, fname, strlen(fname) + 1);
    s->line = p->row_line;
    s->name_is_id = name_is_id;
    s->fields = cells;
    return 0;
}

static void data_row(parser *p)
{
    unsigned line = p->row_line;
    if (p->nf != p->nheader) {
        add_error(p, line, "expected %zu fields, found %zu", p->nheader, p->nf);
        return;
    }
    size_t a;
    const field *fid = &p->fields[p->col.id];
    size_t n = trim(fid->s, fid->n, &a);
    char *id = dup_n(fid->s + a, n);
    char *name = row_name(p);
    if (!id || !name) {
        p->oom = 1;
        goto fail;
    }
    if (n == 0) {
        if (name[0]) add_error(p, line, "empty %s (name '%s')", p->id_column, show(name));
        else add_error(p, line, "empty %s", p->id_column);
        goto fail;
    }
    uint32_t cp = bad_control(id, 1);
    if (cp) {
        add_error(p, line, "%s contains the control character U+%04X; IDs must be printable",
                  p->id_column, cp == 0xFFFF ? 0u : (unsigned)cp);
        goto fail;
    }
    cp = bad_control(name, 0);
    if (cp) {
        add_error(p, line, "name of %s contains the control character U+%04X", show(id),
                  cp == 0xFFFF ? 0u : (unsigned)cp);
        goto fail;
    }
    char fname[GB_FILENAME_MAX + 1];
    int rc = gb_filename_from_id(id, fname, sizeof fname);
    if (rc == GB_EINPUT) {
        add_error(p, line, "%s '%s' is too long for a file name (more than %d bytes after "
                  "sanitising)", p->id_column, show(id), GB_FILENAME_MAX);
        goto fail;
    }
    if (rc != GB_OK) {
        p->oom = 1;
        goto fail;
    }
    int name_is_id = 0;
    if (name[0] == '\0') {
        free(name);
        name = dup_n(id, n);
        if (!name) {
            p->oom = 1;
            goto fail;
        }
        name_is_id = 1;
        if (!p->quiet)
            gb_warn("%s:%u: empty name for %s; the ID is printed as the name", p->label, line,
                show(id));
    }
    if (push_student(p, id, name, fname, name_is_id) != 0) {
        p->oom = 1;
        goto fail;
    }
    return;
fail:
    free(id);
    free(name);
}

/* libcsv row callback: the header, or a student. */
static void on_row(int term, void *data)
{
    (void)term;
    parser *p = data;
    int blank = 1;
    for (size_t i = 0; i < p->nf && blank; i++) {
        size_t a;
        if (trim(p->fields[i].s, p->fields[i].n, &a) > 0) blank = 0;
    }
    if (p->oom || p->stop || blank) {
        drop_row(p);
        return;
    }
    if (!p->have_header) {
        p->have_header = 1;
        p->header = p->fields;
        p->nheader = p->nf;
        p->fields = NULL;
        p->nf = p->capf = 0;
        p->row_open = 0;
        p->header_line = p->row_line;
        find_columns(p->header, p->nheader, &p->col);
        if (p->col.id >= 0) {
            size_t a;
            const field *h = &p->header[p->col.id];
            size_t n = trim(h->s, h->n, &a);
            p->id_column = dup_n(h->s + a, n);
            if (!p->id_column) p->oom = 1;
        }
        if (p->header_only || p->col.id < 0 || !has_name(&p->col)) p->stop = 1;
        return;
    }
    data_row(p);
    drop_row(p);
}

/* ------------------------------------------------------------------ feeding libcsv */

static int space_only(unsigned char c) { return c == ' '; }

/* Where a field is, tracked here byte by byte alongside libcsv, which reports neither lines nor
 * where a quote opened. */
enum { F_NONE, F_PLAIN, F_QUOTED, F_QUOTE_SEEN, F_CLOSED };

static int start_csv(struct csv_parser *cp, char delim)
{
    /* libcsv's lenient mode: a quote inside an unquoted field is kept as a character (as Excel
     * and most readers do; shared/cases/17 writes a|b:c*d?"e"<f> unquoted). Everything that
     * CSV_STRICT would reject after a closing quote is caught by the tracker in feed(), before
     * libcsv sees the byte, and an unclosed quote at the end is caught there too. */
    if (csv_init(cp, CSV_APPEND_NULL) != 0) return -1;
    csv_set_delim(cp, (unsigned char)delim);
    if (delim == '\t') csv_set_space_func(cp, space_only);
    return 0;
}

/* Parses d[start..len) with separator p->delim, calling on_row per row. Line numbers (LF, CR and
 * CRLF each end one line) are counted here as bytes are fed. After a quoting error the row is
 * dropped and parsing resumes on the next physical line with a fresh parser, so later errors are
 * found too. Returns -1 on out of memory, else 0. */
static int feed(parser *p, const char *d, size_t start, size_t len, unsigned start_line)
{
    struct csv_parser cp;
    if (start_csv(&cp, p->delim) != 0) return -1;
    const unsigned char delim = (unsigned char)p->delim;
    p->line = start_line;
    p->row_open = 0;
    int fs = F_NONE, prev_cr = 0;
    for (size_t i = start; i < len && !p->stop && !p->oom; i++) {
        unsigned char b = (unsigned char)d[i];
        int blank = b == ' ' || (b == '\t' && delim != '\t');
        int ends = b == delim || is_nl(b);
        if (!p->row_open && !blank && !is_nl(b)) {
            p->row_open = 1;
            p->row_line = p->line;
        }
        int bad = 0;
        switch (fs) {
        case F_NONE:
            if (!blank && !ends) {
                p->field_line = p->line;
                fs = b == '"' ? F_QUOTED : F_PLAIN;
            }
            break;
        case F_PLAIN: if (ends) fs = F_NONE; break;
        case F_QUOTED: if (b == '"') fs = F_QUOTE_SEEN; break;
        case F_QUOTE_SEEN:
            if (b == '"') fs = F_QUOTED; /* a doubled quote */
            else if (ends) fs = F_NONE;
            else if (blank) fs = F_CLOSED;
            else bad = 1;
            break;
        default: /* F_CLOSED */
            if (ends) fs = F_NONE;
            else if (!blank) bad = 1;
            break;
        }
        if (bad) {
            if (p->field_line < p->line)
                add_error(p, p->field_line, "unterminated quoted field: the quote opened here "
                          "is closed only on line %u, followed by text", p->line);
            else
                add_error(p, p->line, "text after the closing quote of a quoted field (a quote "
                          "inside a quoted field is written twice: \"\")");
            /* Resume at the next physical line: the rest of this row cannot be trusted. */
            csv_free(&cp);
            drop_row(p);
            fs = F_NONE;
            while (i + 1 < len && !is_nl((unsigned char)d[i + 1])) i++;
            if (start_csv(&cp, p->delim) != 0) return -1;
            prev_cr = 0;
            continue;
        }
        if (csv_parse(&cp, &b, 1, on_field, on_row, p) != 1) { /* only ENOMEM/ETOOBIG remain */
            csv_free(&cp);
            return -1;
        }
        if (b == '\r') p->line++;
        else if (b == '\n' && !prev_cr) p->line++;
        prev_cr = b == '\r';
    }
    if (!p->stop && !p->oom) {
        if (fs == F_QUOTED)
            add_error(p, p->field_line, "unterminated quoted field (the quote opened here is "
                      "never closed)");
        else if (csv_fini(&cp, on_field, on_row, p) != 0)
            p->oom = 1;
    }
    csv_free(&cp);
    drop_row(p);
    return p->oom ? -1 : 0;
}

/* ------------------------------------------------------------------ whole-file checks */

/* Encoding checks before parsing; *start gets the offset after a BOM and a "sep=" line,
 * *start_line its line, *hint the separator of a "sep=" line (or 0). */
static int prescan(const char *d, size_t len, const char *label, size_t *start,
                   unsigned *start_line, char *hint, gb_err *e)
{
    *start = 0;
    *start_line = 1;
    *hint = 0;
    if (len == 0)
        return gb_err_set(e, GB_EINPUT, label, 1, 0,
                          "empty file (expected a header line such as student_id,name)");
    const unsigned char *u = (const unsigned char *)d;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return gb_err_set(e, GB_EINPUT, label, 1, 0,
                          "the file is UTF-16 (byte-order mark %02X %02X), not UTF-8; save it as "
                          "\"CSV UTF-8\"", u[0], u[1]);
    size_t nul = 0, first_nul = 0;
    for (size_t i = 0; i < len; i++)
        if (u[i] == 0 && nul++ == 0) first_nul = i;
    if (nul > 0 && nul >= len / 4)
        return gb_err_set(e, GB_EINPUT, label, 1, 0,
                          "the file holds %zu NUL bytes: it seems to be UTF-16 (Excel's "
                          "\"Unicode text\"), not UTF-8; save it as \"CSV UTF-8\"", nul);
    if (nul > 0)
        return gb_err_set(e, GB_EINPUT, label, line_of(d, first_nul), 0,
                          "NUL byte in the file (not a text file?)");
    size_t s = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) s = 3;
    size_t bad;
    if (!gb_utf8_valid(d + s, len - s, &bad))
        return gb_err_set(e, GB_EINPUT, label, line_of(d, s + bad), 0,
                          "invalid UTF-8 (byte 0x%02X): the file seems to use a legacy encoding "
                          "such as Windows-1252; save it as \"CSV UTF-8\"", u[s + bad]);
    for (size_t i = s; i + 2 < len; i++)
        if (u[i] == 0xEF && u[i + 1] == 0xBB && u[i + 2] == 0xBF)
            return gb_err_set(e, GB_EINPUT, label, line_of(d, i), 0,
                              "byte-order mark (U+FEFF) inside the file; it may only come first "
                              "(were two files joined?)");
    /* Excel's separator hint: a first line "sep=;" */
    if (len - s >= 5 && (d[s] == 's' || d[s] == 'S') && (d[s + 1] == 'e' || d[s + 1] == 'E') &&
        (d[s + 2] == 'p' || d[s + 2] == 'P') && d[s + 3] == '=' &&
        (d[s + 4] == ',' || d[s + 4] == ';' || d[s + 4] == '\t') &&
        (len - s == 5 || is_nl(u[s + 5]))) {
        *hint = d[s + 4];
        s += 5;
        if (s < len && d[s] == '\r') s++;
        if (s < len && d[s] == '\n') s++;
        *start_line = 2;
    }
    *start = s;
    return GB_OK;
}

static void parser_free(parser *p)
{
    free_fields(p->fields, p->nf);
    free(p->fields);
    free_fields(p->header, p->nheader);
    free(p->header);
    for (size_t i = 0; i < p->nerr; i++) free(p->errs[i].text);
    free(p->errs);
    for (size_t i = 0; i < p->nst; i++) {
        free(p->st[i].id);
        free(p->st[i].name);
        free_cells(p->st[i].fields, p->nheader);
    }
    free(p->st);
    free(p->id_column);
}

static int parser_init(parser *p, const char *label, char delim)
{
    memset(p, 0, sizeof *p);
    p->label = label;
    p->delim = delim;
    p->errs = calloc(MAX_STORED_ERRORS, sizeof *p->errs);
    return p->errs ? 0 : -1;
}

/* The header alone under separator delim (for detection and hints). Returns -1 on out of
 * memory, else 0; *score: 0 no ID column, 1 ID column, 2 ID and name columns; *nfields. */
static int probe(const char *d, size_t start, size_t len, unsigned start_line, char delim,
                 int *score, size_t *nfields)
{
    parser p;
    if (parser_init(&p, "", delim) != 0) return -1;
    p.header_only = 1;
    int rc = feed(&p, d, start, len, start_line);
    *score = 0;
    *nfields = p.nheader;
    if (p.have_header && p.col.id >= 0) *score = has_name(&p.col) ? 2 : 1;
    parser_free(&p);
    return rc;
}

static const char candidates[3] = {',', ';', '\t'};

static const char *delim_name(char c) { return c == ',' ? "','" : c == ';' ? "';'" : "tab"; }

/* The header as the user sees it, for the "no ID column" message. */
static void header_text(const parser *p, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < p->nheader && o + 8 < cap; i++) {
        int w = snprintf(out + o, cap - o, "%s\"%s\"", i ? ", " : "", show(p->header[i].s));
        if (w < 0) break;
        o += (size_t)w;
    }
    if (o >= cap) memcpy(out + cap - 4, "...", 4);
}

/* Errors about the header; called when parsing stopped for want of an ID or name column. */
static int header_errors(parser *p, const char *d, size_t start, size_t len, unsigned start_line)
{
    char seen[400], hint[160] = "";
    header_text(p, seen, sizeof seen);
    for (size_t k = 0; k < 3 && !hint[0]; k++) {
        char c = candidates[k];
        if (c == p->delim) continue;
        int score;
        size_t nf;
        if (probe(d, start, len, start_line, c, &score, &nf) != 0) return -1;
        int looks = p->nheader == 1 && memchr(p->header[0].s, c, p->header[0].n) != NULL;
        if ((score > 0 && nf > 1) || looks)   /* a separator that splits the header */
            snprintf(hint, sizeof hint, "; the file seems to use %s as separator (use "
                     "--delimiter '%s')", delim_name(c), c == '\t' ? "\\t" : (c == ',' ? "," : ";"));
    }
    if (p->col.id < 0)
        add_error(p, p->header_line, "no student ID column in the header (%zu column%s: %s); "
                  "accepted, in any case: %s%s", p->nheader, p->nheader == 1 ? "" : "s", seen,
                  accepted_ids, hint);
    else
        add_error(p, p->header_line, "no name column in the header (%zu column%s: %s); accepted, "
                  "in any case: %s%s", p->nheader, p->nheader == 1 ? "" : "s", seen,
                  accepted_names, hint);
    return 0;
}

/* Duplicate IDs and file names that are equal or equal up to ASCII case; students are sorted
 * through an array of pointers (ties in file order) so that each check is O(n log n). */
static int cmp_id(const void *a, const void *b)
{
    const gb_roster_student *x = *(const gb_roster_student *const *)a;
    const gb_roster_student *y = *(const gb_roster_student *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}
static int cmp_fname(const void *a, const void *b)
{
    const gb_roster_student *x = *(const gb_roster_student *const *)a;
    const gb_roster_student *y = *(const gb_roster_student *const *)b;
    int c = gb_filename_casecmp(x->fname, y->fname);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int roster_checks(parser *p)
{
    size_t n = p->nst;
    if (n < 2) return 0;
    gb_roster_student **v = malloc(n * sizeof *v);
    char *dup = calloc(n, 1); /* by index in p->st */
    if (!v || !dup) {
        free(v);
        free(dup);
        return -1;
    }
    for (size_t i = 0; i < n; i++) v[i] = &p->st[i];
    qsort(v, n, sizeof *v, cmp_id);
    for (size_t i = 1, first = 0; i < n; i++) {
        if (strcmp(v[i]->id, v[first]->id) != 0) { first = i; continue; }
        dup[v[i] - p->st] = 1;
        add_error(p, v[i]->line, "%s %s already used on line %u", p->id_column, show(v[i]->id),
                  v[first]->line);
    }
    qsort(v, n, sizeof *v, cmp_fname);
    const gb_roster_student *ref = NULL; /* first student of the group that is no duplicate */
    for (size_t i = 0; i < n; i++) {
        const gb_roster_student *s = v[i];
        if (i > 0 && gb_filename_casecmp(s->fname, v[i - 1]->fname) != 0) ref = NULL;
        if (dup[s - p->st]) continue;
        if (!ref) { ref = s; continue; }
        if (strcmp(ref->fname, s->fname) == 0)
            add_error(p, s->line, "IDs '%s' (line %u) and '%s' (line %u) give the same file name "
                      "%s", show(ref->id), ref->line, show(s->id), s->line, s->fname);
        else
            add_error(p, s->line, "IDs '%s' (line %u) and '%s' (line %u) give the file names %s "
                      "and %s, which differ only in case (the same file on Windows and macOS)",
                      show(ref->id), ref->line, show(s->id), s->line, ref->fname, s->fname);
    }
    free(v);
    free(dup);
    return 0;
}

static int cmp_err(const void *a, const void *b)
{
    const err_item *x = a, *y = b;
    if (x->line != y->line) return (x->line > y->line) - (x->line < y->line);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* All errors, in line order, one per line, into e. */
static int report(parser *p, gb_err *e)
{
    qsort(p->errs, p->nerr, sizeof *p->errs, cmp_err);
    char msg[sizeof e->msg];
    size_t o = 0, shown = 0;
    const size_t reserve = 40; /* room for "\n(N more errors)" */
    for (size_t i = 0; i < p->nerr; i++) {
        char one[sizeof e->msg];
        int w = snprintf(one, sizeof one, "%s%s:%u: %s", i ? "\n" : "", p->label,
                         p->errs[i].line, p->errs[i].text);
        size_t wn = w < 0 ? 0 : (size_t)w;
        if (i > 0 && o + wn + reserve >= sizeof msg) break;
        if (wn >= sizeof msg - o) wn = sizeof msg - o - 1; /* a single long first error */
        memcpy(msg + o, one, wn);
        o += wn;
        msg[o] = '\0';
        shown++;
    }
    if (shown < p->nerr_total)
        snprintf(msg + o, sizeof msg - o, "\n(%zu more error%s)", p->nerr_total - shown,
                 p->nerr_total - shown == 1 ? "" : "s");
    return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "%s", msg);
}

/* ------------------------------------------------------------------ public */

int gb_roster_parse(const char *data, size_t len, const char *label, const gb_roster_opts *opts,
                    gb_roster **out, gb_err *e)
{
    if (!out) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "gb_roster_parse: out is NULL");
    *out = NULL;
    if (!label) label = "roster";
    if (!data && len) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "gb_roster_parse: no data");
    char forced = opts ? opts->delim : 0;
    if (forced && forced != ',' && forced != ';' && forced != '\t')
        return gb_err_set(e, GB_EINPUT, label, 0, 0,
                          "unsupported separator '%c' (use ',', ';' or a tab)", forced);
    size_t start;
    unsigned start_line;
    char hint;
    int rc = prescan(data, len, label, &start, &start_line, &hint, e);
    if (rc != GB_OK) return rc;

    char delim = forced ? forced : hint;
    if (!delim) {
        int best = -1;
        size_t best_n = 0;
        delim = ',';
        for (size_t k = 0; k < 3; k++) {
            int score;
            size_t nf;
            if (probe(data, start, len, start_line, candidates[k], &score, &nf) != 0)
                return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory reading %s", label);
            if (score > 0 && (score > best || (score == best && nf > best_n))) {
                best = score;
                best_n = nf;
                delim = candidates[k];
            }
        }
    }

    parser p;
    if (parser_init(&p, label, delim) != 0)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory reading %s", label);
    p.quiet = opts ? opts->quiet : 0;
    int bad = feed(&p, data, start, len, start_line) != 0;
    if (!bad && !p.have_header && p.nerr_total == 0)
        add_error(&p, start_line, "no header line (the file holds only blank lines)");
    if (!bad && p.have_header && (p.col.id < 0 || !has_name(&p.col)))
        bad = header_errors(&p, data, start, len, start_line) != 0;
    if (!bad && p.nerr_total == 0 && p.nst == 0)
        add_error(&p, p.header_line, "no student rows after the header");
    if (!bad) bad = roster_checks(&p) != 0;
    if (bad || p.oom) {
        parser_free(&p);
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory reading %s", label);
    }
    if (p.nerr_total > 0) {
        rc = report(&p, e);
        parser_free(&p);
        return rc;
    }
    gb_roster *r = calloc(1, sizeof *r);
    if (!r) {
        parser_free(&p);
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory reading %s", label);
    }
    r->students = p.st;
    r->count = p.nst;
    r->delim = delim;
    r->id_column = p.id_column;
    r->columns = copy_cells(p.header, p.nheader);
    r->ncolumns = p.nheader;
    p.st = NULL;
    p.nst = 0;
    p.id_column = NULL;
    if (!r->columns) {
        gb_roster_free(r);
        parser_free(&p);
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory reading %s", label);
    }
    parser_free(&p);
    *out = r;
    return GB_OK;
}

int gb_roster_read(const char *path, const gb_roster_opts *opts, gb_roster **out, gb_err *e)
{
    if (out) *out = NULL;
    if (!path || !out) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "gb_roster_read: NULL");
    char *buf = NULL;
    size_t len = 0;
    int rc = gb_read_file(path, MAX_FILE_BYTES, &buf, &len, e);   /* no FIFO, device, folder */
    if (rc == GB_OK) rc = gb_roster_parse(buf, len, path, opts, out, e);
    free(buf);
    return rc;
}

const gb_roster_student *gb_roster_find(const gb_roster *r, const char *id)
{
    if (!r || !id) return NULL;
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->students[i].id, id) == 0) return &r->students[i];
    return NULL;
}

const char *gb_roster_field(const gb_roster *r, const gb_roster_student *s, const char *column)
{
    if (!r || !s || !column || !r->columns) return NULL;
    char want[128];
    norm_header(column, strlen(column), want, sizeof want);
    for (size_t i = 0; i < r->ncolumns; i++) {
        char h[128];
        norm_header(r->columns[i], strlen(r->columns[i]), h, sizeof h);
        if (strcmp(h, want) == 0) return s->fields[i];
    }
    return NULL;
}

void gb_roster_free(gb_roster *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->count; i++) {
        free(r->students[i].id);
        free(r->students[i].name);
        free_cells(r->students[i].fields, r->ncolumns);
    }
    free(r->students);
    free(r->id_column);
    free_cells(r->columns, r->ncolumns);
    free(r);
}
