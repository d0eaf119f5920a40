/* answer_sheet.c — reading a filled-in answer sheet and the numbers written on it, safely for any
 * bytes (see answer_sheet.h). */
#include "classroom/answer_sheet.h"
#include "util/readfile.h"

#include "util/grow.h"
#include "util/utf8.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUMBER_MAX 64   /* characters of a number as written */
#define QUOTE_MAX 40    /* bytes of a student's text quoted in a message */

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Trims spaces, tabs and no-break spaces (U+00A0) at both ends of s[0..*len); returns the new
 * start. */
static const char *trim(const char *s, size_t *len)
{
    size_t n = *len;
    for (;;) {
        if (n && is_blank(*s)) { s++; n--; }
        else if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
            s += 2;
            n -= 2;
        } else break;
    }
    for (;;) {
        if (n && is_blank(s[n - 1])) n--;
        else if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0)
            n -= 2;
        else break;
    }
    *len = n;
    return s;
}

/* Copies s[0..len) into out (cap >= 8 bytes) for display: valid UTF-8 kept, invalid bytes and
 * control characters as '?', cut at a character boundary (ending in "..." when ellipsis). */
static void display(const char *s, size_t len, char *out, size_t cap, int ellipsis)
{
    size_t room = cap - 1, total = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t limit = pass == 0 ? (size_t)-1 : (total <= room ? room : room - (ellipsis ? 3 : 0));
        size_t o = 0;
        for (size_t i = 0; i < len;) {
            uint32_t cp;
            size_t k = gb_utf8_decode(s + i, len - i, &cp);
            int bad = (cp == 0xFFFD && k != 3) || cp < 0x20 || cp == 0x7F;
            size_t w = bad ? 1 : k;
            if (o + w > limit) break;
            if (pass == 1) {
                if (bad) out[o] = '?';
                else memcpy(out + o, s + i, k);
            }
            o += w;
            i += k;
        }
        if (pass == 0) { total = o; continue; }
        if (total > room && ellipsis) {
            memcpy(out + o, "...", 3);
            o += 3;
        }
        out[o] = '\0';
    }
}

static void set_why(char *why, size_t cap, const char *msg)
{
    if (why && cap) snprintf(why, cap, "%s", msg);
}

int gb_sheet_parse_number(const char *text, size_t len, double *value, char *why, size_t cap)
{
    const char *s = trim(text, &len);
    if (len == 0) { set_why(why, cap, "is blank"); return -1; }
    if (len > NUMBER_MAX) { set_why(why, cap, "is too long to be a number"); return -1; }
    char buf[NUMBER_MAX + 1];
    size_t n = 0, commas = 0, dots = 0;
    int percent = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x88 &&
            (unsigned char)s[i + 2] == 0x92) {       /* U+2212 MINUS SIGN */
            buf[n++] = '-';
            i += 2;
            continue;
        }
        if (c >= 0x80 || c == 0) { set_why(why, cap, "is not a number"); return -1; }
        if (c == ',') commas++;
        if (c == '.') dots++;
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    /* A trailing percent sign, spaces allowed before it: "98.75 %". */
    if (n && buf[n - 1] == '%') {
        percent = 1;
        buf[--n] = '\0';
        while (n && is_blank(buf[n - 1])) buf[--n] = '\0';
    }
    if (commas > 1 || (commas == 1 && dots > 0)) {
        set_why(why, cap, "uses a thousands separator (write the number without grouping)");
        return -1;
    }
    if (commas == 1)
        for (size_t i = 0; i < n; i++)
            if (buf[i] == ',') buf[i] = '.';
    /* The grammar: [sign] (digits [. digits] | . digits) [(e|E) [sign] digits]. */
    size_t i = 0, mant = 0;
    if (buf[i] == '+' || buf[i] == '-') i++;
    while (buf[i] >= '0' && buf[i] <= '9') { i++; mant++; }
    if (buf[i] == '.') {
        i++;
        while (buf[i] >= '0' && buf[i] <= '9') { i++; mant++; }
    }
    if (mant == 0) { set_why(why, cap, "is not a number"); return -1; }
    if (buf[i] == 'e' || buf[i] == 'E') {
        i++;
        if (buf[i] == '+' || buf[i] == '-') i++;
        size_t ed = 0;
        while (buf[i] >= '0' && buf[i] <= '9') { i++; ed++; }
        if (ed == 0) { set_why(why, cap, "is not a number (an exponent needs digits)"); return -1; }
    }
    if (i != n) {
        set_why(why, cap, strchr(buf, ' ') || strchr(buf, '\t')
                              ? "is not a number (spaces inside)" : "is not a number");
        return -1;
    }
    /* strtod reads the C locale's decimal point; use whatever the current locale's is. */
    const char *dp = localeconv()->decimal_point;
    if (dp && dp[0] && dp[0] != '.' && !dp[1])
        for (size_t t = 0; t < n; t++)
            if (buf[t] == '.') buf[t] = dp[0];
    errno = 0;
    char *end = NULL;
    double v = strtod(buf, &end);
    if (!end || *end != '\0') { set_why(why, cap, "is not a number"); return -1; }
    if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0)) {
        set_why(why, cap, "is out of range");
        return -1;
    }
    if (percent) v /= 100.0;
    if (v == 0.0) v = 0.0;   /* -0 reads as 0 */
    *value = v;
    return 0;
}

/* ---------------------------------------------------------------- the sheet */

typedef struct parser {
    const char *name;
    const gb_question_spec *qs;
    size_t nq;
    gb_answer_sheet *out;
    size_t cap_problems;
    unsigned *seen_line;   /* per question: line of its first answer line, 0 none */
    unsigned field_line[3];
    int oom;
} parser;

static void problem(parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(parser *p, unsigned line, const char *fmt, ...)
{
    gb_answer_sheet *s = p->out;
    if (s->nproblems > GB_SHEET_MAX_PROBLEMS) return;
    if (s->nproblems == p->cap_problems) {
        gb_sheet_problem *np =
            gb_grow(s->problems, &p->cap_problems, p->cap_problems + 1, sizeof *np, 8);
        if (!np) { p->oom = 1; return; }
        s->problems = np;
    }
    gb_sheet_problem *pr = &s->problems[s->nproblems++];
    pr->line = line;
    if (s->nproblems > GB_SHEET_MAX_PROBLEMS) {
        snprintf(pr->msg, sizeof pr->msg, "line %u: ... and more problems, not listed", line);
        return;
    }
    int k = snprintf(pr->msg, sizeof pr->msg, "line %u: ", line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pr->msg + k, sizeof pr->msg - (size_t)k, fmt, ap);
    va_end(ap);
}

static int ieq_prefix(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len < n) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[i]) return 0;
    }
    return 1;
}

/* "key: value" header lines. Returns 1 when handled (or an error set: *rc), 0 when the line
 * is not a header of ours. */
static int header_line(parser *p, const char *s, size_t len, unsigned line, int *rc, gb_err *e)
{
    static const char *const keys[3] = {"assignment", "student", "variant"};
    for (int f = 0; f < 3; f++) {
        size_t kl = strlen(keys[f]);
        if (!ieq_prefix(s, len, keys[f])) continue;
        size_t i = kl;
        while (i < len && is_blank(s[i])) i++;
        if (i >= len || s[i] != ':') continue;
        size_t vl = len - i - 1;
        const char *v = trim(s + i + 1, &vl);
        char *dst = f == 0 ? p->out->assignment : f == 1 ? p->out->student : p->out->variant;
        if (vl >= GB_SHEET_FIELD_MAX) {
            *rc = gb_err_set(e, GB_EINPUT, p->name, line, 0,
                             "the %s field is longer than %u bytes", keys[f],
                             GB_SHEET_FIELD_MAX - 1);
            return 1;
        }
        for (size_t t = 0; t < vl; t++)
            if ((unsigned char)v[t] < 0x20 || v[t] == 0x7F) {
                *rc = gb_err_set(e, GB_EINPUT, p->name, line, 0,
                                 "the %s field holds a control character", keys[f]);
                return 1;
            }
        if (p->field_line[f]) {
            if (strlen(dst) != vl || memcmp(dst, v, vl) != 0)
                problem(p, line, "a second %s field (the first is on line %u); ignored", keys[f],
                        p->field_line[f]);
            return 1;
        }
        memcpy(dst, v, vl);
        dst[vl] = '\0';
        p->field_line[f] = line;
        return 1;
    }
    return 0;
}

/* "qN NAME = TEXT". Returns 1 when the line starts like an answer line (handled), else 0. */
static int answer_line(parser *p, const char *s, size_t len, unsigned line)
{
    if (len < 2 || (s[0] != 'q' && s[0] != 'Q') || s[1] < '0' || s[1] > '9') return 0;
    size_t i = 1;
    unsigned long num = 0;
    int huge = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (num > 100000000ul) huge = 1;
        else num = num * 10 + (unsigned long)(s[i] - '0');
        i++;
    }
    if (i < len && !is_blank(s[i]) && s[i] != '=') return 0;   /* "q1x = ..." is not ours */
    const char *eq = memchr(s + i, '=', len - i);
    char quoted[QUOTE_MAX + 4];
    if (!eq) {
        display(s, len, quoted, sizeof quoted, 1);
        problem(p, line, "no '=' in the answer line '%s'; ignored", quoted);
        return 1;
    }
    size_t nl = (size_t)(eq - (s + i));
    const char *nm = trim(s + i, &nl);
    size_t tl = len - (size_t)(eq + 1 - s);
    const char *tx = trim(eq + 1, &tl);
    if (huge || num == 0 || num > p->nq) {
        display(s, i, quoted, sizeof quoted, 1);
        if (p->nq)
            problem(p, line, "%s is not a question of this assignment (q1 to q%zu); ignored",
                    quoted, p->nq);
        else
            problem(p, line, "%s is not a question of this assignment; ignored", quoted);
        return 1;
    }
    const gb_question_spec *q = &p->qs[num - 1];
    if (nl && (strlen(q->name) != nl || memcmp(q->name, nm, nl) != 0)) {
        display(nm, nl, quoted, sizeof quoted, 1);
        problem(p, line, "q%lu is '%s', not '%s'; the line is ignored (leave the question "
                "number and name as they are)", num, q->name, quoted);
        return 1;
    }
    gb_sheet_answer *a = &p->out->answers[num - 1];
    if (p->seen_line[num - 1]) {
        problem(p, line, "a second answer to q%lu (the first is on line %u): neither is graded",
                num, p->seen_line[num - 1]);
        a->state = GB_SHEET_INVALID;
        a->value = 0.0;
        snprintf(a->problem, sizeof a->problem,
                 "lines %u and %u: two answers to q%lu, neither is graded",
                 p->seen_line[num - 1], line, num);
        return 1;
    }
    p->seen_line[num - 1] = line;
    a->line = line;
    display(tx, tl, a->text, sizeof a->text, 1);
    if (tl == 0) {
        a->state = GB_SHEET_BLANK;
        return 1;
    }
    char why[96];
    double v;
    if (gb_sheet_parse_number(tx, tl, &v, why, sizeof why) == 0) {
        a->state = GB_SHEET_VALID;
        a->value = v;
    } else {
        a->state = GB_SHEET_INVALID;
        display(tx, tl, quoted, sizeof quoted, 1);
        snprintf(a->problem, sizeof a->problem, "line %u: '%s' %s", line, quoted, why);
        problem(p, line, "'%s' %s (q%lu graded as blank)", quoted, why, num);
    }
    return 1;
}

void gb_answer_sheet_free(gb_answer_sheet *s)
{
    if (!s) return;
    free(s->answers);
    free(s->problems);
    memset(s, 0, sizeof *s);
}

/* The next line of data[*pos..len): start and length without its ending (LF, CRLF or CR). */
static const char *next_line(const char *data, size_t len, size_t *pos, size_t *out_len)
{
    size_t b = *pos, i = b;
    while (i < len && data[i] != '\n' && data[i] != '\r') i++;
    *out_len = i - b;
    if (i < len && data[i] == '\r' && i + 1 < len && data[i + 1] == '\n') i += 2;
    else if (i < len) i++;
    *pos = i;
    return data + b;
}

int gb_answer_sheet_parse(const char *data, size_t len, const char *name,
                          const gb_question_spec *qs, size_t nq, gb_answer_sheet *out, gb_err *e)
{
    memset(out, 0, sizeof *out);
    if (!data) len = 0;
    if (len > GB_SHEET_MAX_BYTES)
        return gb_err_set(e, GB_EINPUT, name, 0, 0,
                          "not an answer sheet: larger than %u bytes", GB_SHEET_MAX_BYTES);
    out->answers = calloc(nq ? nq : 1, sizeof *out->answers);
    unsigned *seen = calloc(nq ? nq : 1, sizeof *seen);
    if (!out->answers || !seen) {
        free(seen);
        gb_answer_sheet_free(out);
        return gb_err_set(e, GB_EINTERNAL, name, 0, 0, "out of memory");
    }
    out->nq = nq;
    parser p = {name, qs, nq, out, 0, seen, {0, 0, 0}, 0};
    size_t pos = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) pos = 3;
    unsigned line = 0;
    int rc = 0, magic = 0;
    while (pos < len && rc == 0) {
        size_t ll;
        const char *s = next_line(data, len, &pos, &ll);
        line++;
        if (ll > GB_SHEET_MAX_LINE) {
            rc = gb_err_set(e, GB_EINPUT, name, line, 0,
                            "%sline longer than %u bytes",
                            magic ? "" : "not an answer sheet: ", GB_SHEET_MAX_LINE);
            break;
        }
        int has_nul = memchr(s, '\0', ll) != NULL;
        size_t bad;
        int utf8 = !has_nul && gb_utf8_valid(s, ll, &bad);
        size_t tl = ll;
        const char *t = trim(s, &tl);
        if (!magic) {
            if (tl == 0) continue;
            static const char head[] = "# gradbook answer sheet";
            if (utf8 && tl == sizeof head - 1 && ieq_prefix(t, tl, head)) {
                magic = 1;
                continue;
            }
            char quoted[QUOTE_MAX + 4];
            display(t, tl, quoted, sizeof quoted, 1);
            rc = gb_err_set(e, GB_EINPUT, name, 0, 0,
                            "not a gradbook answer sheet (its first line '%s' is not "
                            "'# gradbook answer sheet')", quoted);
            break;
        }
        if (has_nul) { problem(&p, line, "holds a NUL byte; ignored"); continue; }
        if (!utf8) {
            problem(&p, line, "is not valid UTF-8 (byte %zu); ignored", bad + 1);
            continue;
        }
        if (tl == 0 || t[0] == '#') continue;
        if (header_line(&p, t, tl, line, &rc, e)) continue;
        if (answer_line(&p, t, tl, line)) continue;
        char quoted[QUOTE_MAX + 4];
        display(t, tl, quoted, sizeof quoted, 1);
        problem(&p, line, "'%s' is not an answer line (expected 'qN  NAME = NUMBER'); ignored",
                quoted);
    }
    free(seen);
    if (rc == 0 && !magic)
        rc = gb_err_set(e, GB_EINPUT, name, 0, 0,
                        "not a gradbook answer sheet (empty: no '# gradbook answer sheet' line)");
    if (rc == 0 && p.oom) rc = gb_err_set(e, GB_EINTERNAL, name, 0, 0, "out of memory");
    if (rc == 0 && !out->student[0])
        rc = gb_err_set(e, GB_EINPUT, name, 0, 0,
                        "the answer sheet has no 'student:' line: whose is it?");
    if (rc != 0) gb_answer_sheet_free(out);
    return rc;
}

int gb_answer_sheet_read(const char *path, const gb_question_spec *qs, size_t nq,
                         gb_answer_sheet *out, gb_err *e)
{
    memset(out, 0, sizeof *out);
    char *buf;
    size_t n;
    int rc = gb_read_file(path, GB_SHEET_MAX_BYTES, &buf, &n, e);
    if (rc) return rc;
    rc = gb_answer_sheet_parse(buf, n, path, qs, nq, out, e);
    free(buf);
    return rc;
}

int gb_answer_sheet_expect(const gb_answer_sheet *s, const char *assignment, const char *name,
                           gb_err *e)
{
    if (!s->assignment[0])
        return gb_err_set(e, GB_EINPUT, name, 0, 0,
                          "the answer sheet names no assignment (expected 'assignment: %s')",
                          assignment);
    if (strcmp(s->assignment, assignment) != 0) {
        char shown[64];
        display(s->assignment, strlen(s->assignment), shown, sizeof shown, 1);
        return gb_err_set(e, GB_EINPUT, name, 0, 0,
                          "an answer sheet of assignment '%s', not '%s'", shown, assignment);
    }
    return 0;
}
