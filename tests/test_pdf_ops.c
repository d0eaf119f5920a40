/* test_pdf_ops.c — the content-stream writer (src/typeset/pdf_ops.h), read back by a small PDF
 * content-stream interpreter written here: numbers, strings (binary literal strings with
 * escapes), arrays, names and operators; it tracks BT/ET, Td and TJ to recover where each
 * string is drawn, and rejects anything the writer must never produce (an unclosed array, a
 * path operator inside a text object, unbalanced BT/ET, raw CR/LF or '(' inside a string). */
#include "gb_test.h"

#include "typeset/pdf_ops.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a tiny PDF content-stream interpreter ---- */

#define MAX_STRS 4000
#define MAX_PATH 256
#define MAX_ELEMS 4096

typedef struct shown {
    double x, y, size;      /* text origin (line origin + TJ advances and displacements) */
    size_t off, len;        /* its bytes in the interpreter's byte pool */
    int array;              /* which TJ array (0-based, in stream order) */
    int first;              /* first string of its array */
    double disp;            /* sum of displacements between the previous string and this one */
    int ndisp;              /* how many numbers stood there */
} shown;

typedef struct path_op { char op[32]; int n; double v[6]; int in_text; } path_op;

typedef struct interp {
    /* input: advance of the k-th string shown (in call order), used to move along a TJ */
    const double *advances;
    size_t nadvances;
    /* results */
    shown *s;
    size_t ns;
    unsigned char *pool;
    size_t npool, cappool;
    path_op path[MAX_PATH];
    size_t npath;
    int narrays, nbt, net, nrg, ntf;
    int in_bt;              /* a text object is open at the end */
    char err[256];          /* first error, "" if none */
} interp;

typedef enum { T_END, T_NUM, T_STR, T_NAME, T_OPEN, T_CLOSE, T_OP, T_BAD } tkind;

typedef struct token {
    tkind k;
    double num;
    size_t off, len;        /* T_STR: bytes in the pool */
    char word[32];          /* T_OP, T_NAME */
} token;

static void fail(interp *in, const char *fmt, const char *what, size_t pos)
{
    if (in->err[0]) return;
    snprintf(in->err, sizeof in->err, fmt, what, pos);
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static int is_delim(unsigned char c)
{
    return c == '(' || c == ')' || c == '[' || c == ']' || c == '<' || c == '>' || c == '/' ||
           c == '{' || c == '}' || c == '%';
}

static void pool_put(interp *in, unsigned char c)
{
    if (in->npool == in->cappool) {
        size_t cap = in->cappool ? in->cappool * 2 : 4096;
        unsigned char *p = realloc(in->pool, cap);
        if (!p) return;
        in->pool = p;
        in->cappool = cap;
    }
    in->pool[in->npool++] = c;
}

/* The next token of s[0..n) from *pos. */
static token next_token(interp *in, const unsigned char *s, size_t n, size_t *pos)
{
    token t;
    memset(&t, 0, sizeof t);
    size_t i = *pos;
    while (i < n && is_ws(s[i])) i++;
    if (i >= n) {
        *pos = i;
        t.k = T_END;
        return t;
    }
    unsigned char c = s[i];
    if (c == '[') { t.k = T_OPEN; *pos = i + 1; return t; }
    if (c == ']') { t.k = T_CLOSE; *pos = i + 1; return t; }
    if (c == '(') {
        /* a literal string as the writer makes it: every '(' ')' '\' escaped, CR and LF as
         * \r and \n, every other byte as it is */
        t.k = T_STR;
        t.off = in->npool;
        i++;
        for (;;) {
            if (i >= n) { fail(in, "%s at %zu", "unterminated string", i); t.k = T_BAD; break; }
            unsigned char b = s[i++];
            if (b == ')') break;
            if (b == '(') { fail(in, "%s at %zu", "unescaped '(' in a string", i - 1); t.k = T_BAD; break; }
            if (b == '\r' || b == '\n') {
                fail(in, "%s at %zu", "raw CR/LF in a string (a reader would change it)", i - 1);
                t.k = T_BAD;
                break;
            }
            if (b == '\\') {
                if (i >= n) { fail(in, "%s at %zu", "backslash at the end", i); t.k = T_BAD; break; }
                unsigned char e = s[i++];
                if (e == '(' || e == ')' || e == '\\') b = e;
                else if (e == 'r') b = '\r';
                else if (e == 'n') b = '\n';
                else { fail(in, "%s at %zu", "unexpected escape", i - 1); t.k = T_BAD; break; }
            }
            pool_put(in, b);
        }
        t.len = in->npool - t.off;
        *pos = i;
        return t;
    }
    if (c == '/') {
        t.k = T_NAME;
        size_t k = 0;
        i++;
        while (i < n && !is_ws(s[i]) && !is_delim(s[i]) && k + 1 < sizeof t.word)
            t.word[k++] = (char)s[i++];
        *pos = i;
        return t;
    }
    if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) {
        char buf[64];
        size_t k = 0;
        while (i < n && (s[i] == '-' || s[i] == '+' || s[i] == '.' || (s[i] >= '0' && s[i] <= '9')) &&
               k + 1 < sizeof buf)
            buf[k++] = (char)s[i++];
        buf[k] = '\0';
        char *end;
        t.num = strtod(buf, &end);
        t.k = (*end == '\0' && k) ? T_NUM : T_BAD;
        if (t.k == T_BAD) fail(in, "%s at %zu", "bad number", *pos);
        *pos = i;
        return t;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*' || c == '\'' || c == '"') {
        t.k = T_OP;
        size_t k = 0;
        while (i < n && !is_ws(s[i]) && !is_delim(s[i]) && k + 1 < sizeof t.word)
            t.word[k++] = (char)s[i++];
        *pos = i;
        return t;
    }
    fail(in, "%s at %zu", "unexpected byte", i);
    t.k = T_BAD;
    *pos = i + 1;
    return t;
}

typedef struct elem { int is_str; double num; size_t off, len; } elem;

/* Interprets s[0..n); the results in *in (free with interp_free). 0 when the stream is well
 * formed, else -1 with the reason in in->err. */
static int interpret(interp *in, const char *stream, size_t n)
{
    const unsigned char *s = (const unsigned char *)stream;
    in->s = calloc(MAX_STRS, sizeof *in->s);
    elem *arr = calloc(MAX_ELEMS, sizeof *arr);
    if (!in->s || !arr) {
        free(arr);
        snprintf(in->err, sizeof in->err, "out of memory");
        return -1;
    }
    double stack[8];
    int nstack = 0, have_arr = 0, arr_open = 0, nnames = 0, lone = 0;   /* lone: "(..)Tj" */
    size_t narr = 0, pos = 0;
    double lx = 0, ly = 0, size = 0;   /* line origin, font size */
    for (;;) {
        size_t at = pos;
        token t = next_token(in, s, n, &pos);
        if (t.k == T_END || t.k == T_BAD) break;
        switch (t.k) {
        case T_NUM:
            if (arr_open) {
                if (narr < MAX_ELEMS) arr[narr++] = (elem){0, t.num, 0, 0};
            } else if (nstack < 8) {
                stack[nstack++] = t.num;
            } else {
                fail(in, "%s at %zu", "too many operands", at);
            }
            break;
        case T_STR:
            if (!arr_open) {
                /* a lone string: the operand of Tj */
                if (have_arr || lone) fail(in, "%s at %zu", "second string operand", at);
                narr = 0;
                arr[narr++] = (elem){1, 0, t.off, t.len};
                have_arr = lone = 1;
            } else if (narr < MAX_ELEMS) {
                arr[narr++] = (elem){1, 0, t.off, t.len};
            }
            break;
        case T_NAME: nnames++; break;
        case T_OPEN:
            if (arr_open || have_arr || lone) fail(in, "%s at %zu", "nested or second array", at);
            arr_open = 1;
            narr = 0;
            break;
        case T_CLOSE:
            if (!arr_open) fail(in, "%s at %zu", "']' without '['", at);
            arr_open = 0;
            have_arr = 1;
            break;
        case T_OP: {
            const char *op = t.word;
            int want = -1, want_arr = 0, want_names = 0;
            if (arr_open) fail(in, "operator %s inside an open array (at %zu)", op, at);
            if (!strcmp(op, "BT")) {
                want = 0;
                if (in->in_bt) fail(in, "%s at %zu", "BT inside a text object", at);
                in->in_bt = 1;
                in->nbt++;
                lx = ly = 0;
            } else if (!strcmp(op, "ET")) {
                want = 0;
                if (!in->in_bt) fail(in, "%s at %zu", "ET without BT", at);
                in->in_bt = 0;
                in->net++;
            } else if (!strcmp(op, "Td")) {
                want = 2;
                if (!in->in_bt) fail(in, "%s at %zu", "Td outside a text object", at);
                if (nstack == 2) {
                    lx += stack[0];
                    ly += stack[1];
                }
            } else if (!strcmp(op, "Tf")) {
                want = 1;
                want_names = 1;
                in->ntf++;
                if (nstack == 1) size = stack[0];
            } else if (!strcmp(op, "TJ") || !strcmp(op, "Tj")) {
                want = 0;
                want_arr = 1;
                if (!in->in_bt) fail(in, "%s at %zu", "TJ outside a text object", at);
                if (lone != (op[1] == 'j'))
                    fail(in, "%s at %zu", op[1] == 'j' ? "Tj without one string" : "TJ without an array", at);
                double x = lx, disp = 0;
                int ndisp = 0, first = 1;
                for (size_t k = 0; k < narr && have_arr; k++) {
                    if (!arr[k].is_str) {
                        x -= arr[k].num / 1000.0 * size;
                        disp += arr[k].num;
                        ndisp++;
                        continue;
                    }
                    if (in->ns >= MAX_STRS) break;
                    shown *sh = &in->s[in->ns];
                    *sh = (shown){x, ly, size, arr[k].off, arr[k].len, in->narrays, first, disp,
                                  ndisp};
                    double adv = in->ns < in->nadvances ? in->advances[in->ns] : 0;
                    x += adv;
                    in->ns++;
                    first = 0;
                    disp = 0;
                    ndisp = 0;
                }
                if (ndisp) fail(in, "%s at %zu", "TJ array ends with a displacement", at);
                in->narrays++;
            } else if (!strcmp(op, "rg") || !strcmp(op, "RG")) {
                want = 3;
                in->nrg++;
            } else if (!strcmp(op, "w")) {
                want = 1;
            } else if (!strcmp(op, "d")) {
                want = 1;
                want_arr = 1;
            } else if (!strcmp(op, "m") || !strcmp(op, "l") || !strcmp(op, "c") ||
                       !strcmp(op, "re") || !strcmp(op, "h") || !strcmp(op, "f") ||
                       !strcmp(op, "S") || !strcmp(op, "B") || !strcmp(op, "n")) {
                want = op[0] == 'm' || op[0] == 'l' ? 2 : op[0] == 'c' ? 6 : op[0] == 'r' ? 4 : 0;
                if (in->npath < MAX_PATH) {
                    path_op *p = &in->path[in->npath++];
                    snprintf(p->op, sizeof p->op, "%s", op);
                    p->n = nstack;
                    for (int k = 0; k < nstack && k < 6; k++) p->v[k] = stack[k];
                    p->in_text = in->in_bt;
                }
                if (in->in_bt) fail(in, "path operator %s inside a text object (at %zu)", op, at);
            } else {
                fail(in, "unknown operator %s at %zu", op, at);
            }
            if (want >= 0 && (nstack != want || have_arr != want_arr || nnames != want_names))
                fail(in, "operator %s with wrong operands (at %zu)", op, at);
            nstack = 0;
            have_arr = 0;
            lone = 0;
            nnames = 0;
            break;
        }
        default: break;
        }
    }
    if (arr_open || have_arr || nstack || nnames)
        fail(in, "%s at %zu", "operands left at the end", n);
    free(arr);
    return in->err[0] ? -1 : 0;
}

static void interp_free(interp *in)
{
    free(in->s);
    free(in->pool);
}

/* ---- a deterministic pseudo-random sequence (xorshift64*) ---- */

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void) { return gb_test_rand(&rng_state); }
static double urand(double lo, double hi) { return lo + (hi - lo) * (double)(rnd() >> 11) / 9007199254740992.0; }

/* ---- gb_ops_num ---- */

/* The writer's text for v alone: its bytes without the trailing separator. */
static void num_text(double v, char *out, size_t cap)
{
    gb_ops o = GB_OPS_INIT;
    gb_ops_num(&o, v);
    size_t n = o.len;
    while (n && o.buf[n - 1] == ' ') n--;
    if (n >= cap) n = cap - 1;
    if (o.buf) memcpy(out, o.buf, n);
    out[n] = '\0';
    gb_ops_free(&o);
}

/* The shortest text of v rounded to 2 decimals, half away from zero, made independently with
 * printf ("%.2f" of the rounded value, trailing zeros and dot removed, "-0" as "0"). */
static void expected_text(double v, char *out, size_t cap)
{
    double r = round(v * 100.0) / 100.0;
    snprintf(out, cap, "%.2f", r);
    char *dot = strchr(out, '.');
    if (dot) {
        char *e = out + strlen(out);
        while (e > dot + 1 && e[-1] == '0') *--e = '\0';
        if (e == dot + 1) *dot = '\0';
    }
    if (!strcmp(out, "-0")) strcpy(out, "0");
}

/* "-?(0|[1-9][0-9]*)(.[0-9]*[1-9])?" with at most 2 decimals, and not "-0". */
static int shortest_form(const char *s)
{
    const char *p = s;
    if (*p == '-') p++;
    if (*p < '0' || *p > '9') return 0;
    if (*p == '0' && p[1] >= '0' && p[1] <= '9') return 0;
    while (*p >= '0' && *p <= '9') p++;
    if (*p == '.') {
        const char *d = ++p;
        while (*p >= '0' && *p <= '9') p++;
        if (p == d || p - d > 2 || p[-1] == '0') return 0;
    }
    if (*p) return 0;
    return strcmp(s, "-0") != 0;
}

static void check_num(double v, int *bad)
{
    char got[64], want[64];
    num_text(v, got, sizeof got);
    expected_text(v, want, sizeof want);
    double back = strtod(got, NULL), r = round(v * 100.0) / 100.0;
    int ok = shortest_form(got) && strcmp(got, want) == 0 &&
             fabs(back - r) <= 1e-9 * (1 + fabs(r));
    if (!ok && (*bad)++ < 5)
        GB_ASSERT_MSG(0, "gb_ops_num(%.17g) wrote '%s', expected '%s' (%.17g)", v, got, want, r);
}

static void test_num_format(void)
{
    /* the header's examples and exact binary ties, written out by hand */
    static const struct { double v; const char *s; } fixed[] = {
        {12.5, "12.5"}, {-0.13, "-0.13"}, {3, "3"}, {0, "0"}, {-0.0, "0"}, {0.125, "0.13"},
        {-0.125, "-0.13"}, {0.375, "0.38"}, {-2.875, "-2.88"}, {1.625, "1.63"}, {0.001, "0"},
        {-0.001, "0"}, {-0.004, "0"}, {0.5, "0.5"}, {-7, "-7"}, {100, "100"}, {0.1, "0.1"},
        {0.07, "0.07"}, {595.2756, "595.28"}, {841.8898, "841.89"}, {-1000000, "-1000000"},
        {9.999, "10"}, {-9.999, "-10"}, {0.995, "1"}, {1234567.891, "1234567.89"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        char got[64];
        num_text(fixed[i].v, got, sizeof got);
        GB_ASSERT_MSG(strcmp(got, fixed[i].s) == 0, "gb_ops_num(%.17g) wrote '%s', expected '%s'",
                      fixed[i].v, got, fixed[i].s);
    }
    int bad = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) check_num(fixed[i].v, &bad);
    /* random values of every magnitude, and values near the rounding boundaries */
    for (int i = 0; i < 20000; i++) {
        double mag = pow(10, urand(-4, 6));
        double v = urand(-1, 1) * mag;
        check_num(v, &bad);
        double tie = (double)((long long)(rnd() % 2000001) - 1000000) / 100.0 + 0.005;
        check_num(tie, &bad);
        check_num(-tie, &bad);
        check_num(nextafter(tie, 0), &bad);
        check_num(nextafter(tie, 1e9), &bad);
    }
    GB_ASSERT_MSG(bad == 0, "%d numbers written wrongly", bad);
    /* numbers are separated: two in a row read back as two */
    gb_ops o = GB_OPS_INIT;
    gb_ops_num(&o, 1.5);
    gb_ops_num(&o, -2);
    gb_ops_raw(&o, "", 1);   /* a NUL to read the buffer as a string */
    double a = 0, b = 0;
    int n = o.buf ? sscanf(o.buf, "%lf %lf", &a, &b) : 0;
    GB_ASSERT_MSG(n == 2 && a == 1.5 && b == -2, "'1.5' then '-2' read back as %d numbers", n);
    GB_ASSERT_MSG(!gb_ops_failed(&o), "finite numbers set the failure flag");
    gb_ops_free(&o);
}

static void test_num_nonfinite(void)
{
    const double bad[] = {NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < 3; i++) {
        gb_ops o = GB_OPS_INIT;
        gb_ops_num(&o, 1);
        GB_ASSERT_MSG(!gb_ops_failed(&o), "failed before the bad number");
        gb_ops_num(&o, bad[i]);
        GB_ASSERT_MSG(gb_ops_failed(&o), "gb_ops_num(%g) did not set the failure flag", bad[i]);
        /* the flag sticks until the writer is cleared */
        gb_ops_num(&o, 2);
        GB_ASSERT_MSG(gb_ops_failed(&o), "the failure flag did not stick");
        gb_ops_clear(&o);
        GB_ASSERT_MSG(!gb_ops_failed(&o) && o.len == 0, "clear kept the failure");
        /* coordinates of other operators go through the same check */
        gb_ops_move_to(&o, 10, bad[i]);
        GB_ASSERT_MSG(gb_ops_failed(&o), "move_to(10, %g) not failed", bad[i]);
        gb_ops_clear(&o);
        uint16_t code = 'A';
        gb_ops_text(&o, bad[i], 5, &code, 1, 6, 12);
        GB_ASSERT_MSG(gb_ops_failed(&o), "text at x = %g not failed", bad[i]);
        gb_ops_clear(&o);
        gb_ops_circle(&o, 1, 1, bad[i]);
        GB_ASSERT_MSG(gb_ops_failed(&o), "circle of radius %g not failed", bad[i]);
        gb_ops_free(&o);
    }
}

/* ---- text objects ---- */

typedef struct call {
    double x, y, size, adv;
    uint16_t codes[8];
    size_t n;
    int after_other;    /* another operator (font, colour, path) came between this and the last */
} call;

/* Checks each string's bytes and origin against the calls, and the TJ joining rule. Returns the
 * number of problems (the first few are reported). */
static int check_calls(const interp *in, const call *c, size_t nc, const char *what)
{
    int bad = 0, run = 0;
    GB_ASSERT_MSG(in->ns == nc, "%s: %zu strings in the stream for %zu calls", what, in->ns, nc);
    if (in->ns != nc) return 1;
    for (size_t k = 0; k < nc; k++) {
        const shown *s = &in->s[k];
        int bytes_ok = s->len == 2 * c[k].n;
        for (size_t j = 0; bytes_ok && j < c[k].n; j++)
            bytes_ok = in->pool[s->off + 2 * j] == (c[k].codes[j] >> 8) &&
                       in->pool[s->off + 2 * j + 1] == (c[k].codes[j] & 0xFF);
        /* Td positions are exact to 0.005; within a TJ array each displacement adds at most
         * 0.005/1000 em more */
        run = s->first ? 0 : run + 1;
        double tol = 0.005 + 1e-9 + (double)run * c[k].size * 0.005e-3;
        int pos_ok = fabs(s->x - c[k].x) <= tol && fabs(s->y - c[k].y) <= 0.005 + 1e-9;
        int size_ok = fabs(s->size - c[k].size) <= 0.005;
        /* joining: the same baseline (to 0.01), the same size, to the right of the previous
         * string's end, and nothing else written in between */
        int join = k > 0 && !c[k].after_other && llround(c[k].y * 100) == llround(c[k - 1].y * 100) &&
                   c[k].size == c[k - 1].size && c[k].x - (c[k - 1].x + c[k - 1].adv) > -1e-3;
        int join_ok = join == !s->first;
        int disp_ok = 1;
        if (join) {
            double gap = c[k].x - (c[k - 1].x + c[k - 1].adv);
            double want = -gap * 1000.0 / c[k].size;
            disp_ok = s->ndisp <= 1 && fabs(s->disp - want) <= 0.01 &&
                      (s->ndisp == 1 || fabs(want) < 0.01);
        }
        if (!(bytes_ok && pos_ok && size_ok && join_ok && disp_ok) && bad++ < 5)
            GB_ASSERT_MSG(0,
                          "%s: string %zu: bytes %s, origin (%.4f, %.4f) for (%.4f, %.4f), size "
                          "%g for %g, %s (expected %s), displacement %.4f in %d numbers",
                          what, k, bytes_ok ? "ok" : "WRONG", s->x, s->y, c[k].x, c[k].y, s->size,
                          c[k].size, s->first ? "starts a TJ" : "joined", join ? "joined" : "new",
                          s->disp, s->ndisp);
    }
    return bad;
}

static void run_calls(gb_ops *o, const call *c, size_t nc)
{
    double size = -1;
    for (size_t k = 0; k < nc; k++) {
        if (c[k].size != size) {
            gb_ops_font(o, "F1", c[k].size);
            size = c[k].size;
        }
        gb_ops_text(o, c[k].x, c[k].y, c[k].codes, c[k].n, c[k].adv, c[k].size);
    }
}

static void test_text_one_object(void)
{
    /* a paragraph: three lines of words, all in one text object */
    call c[30];
    size_t nc = 0;
    for (int line = 0; line < 3; line++) {
        double x = 72.3;
        for (int w = 0; w < 10; w++) {
            call *k = &c[nc++];
            memset(k, 0, sizeof *k);
            k->x = x;
            k->y = 700 - line * 14.4;
            k->size = 12;
            k->n = 1 + (size_t)w % 4;
            for (size_t j = 0; j < k->n; j++) k->codes[j] = (uint16_t)(0x41 + w + j);
            k->adv = 6.123 * (double)k->n;
            x += k->adv + 3.0 + 0.17 * w;   /* inter-word gaps */
        }
    }
    gb_ops o = GB_OPS_INIT;
    run_calls(&o, c, nc);
    gb_ops_end_text(&o);
    GB_ASSERT_MSG(!gb_ops_failed(&o), "writer failed");
    double adv[30];
    for (size_t k = 0; k < nc; k++) adv[k] = c[k].adv;
    interp in = {0};
    in.advances = adv;
    in.nadvances = nc;
    int rc = interpret(&in, o.buf, o.len);
    GB_ASSERT_MSG(rc == 0, "stream rejected: %s\n%.*s", in.err, (int)o.len, o.buf);
    GB_ASSERT_MSG(in.nbt == 1 && in.net == 1 && !in.in_bt, "%d BT, %d ET (want 1 each)", in.nbt,
                  in.net);
    GB_ASSERT_MSG(in.narrays == 3, "%d TJ arrays for 3 lines", in.narrays);
    GB_ASSERT_MSG(in.ntf == 1, "%d Tf for one font", in.ntf);
    GB_ASSERT_MSG(check_calls(&in, c, nc, "paragraph") == 0, "paragraph");
    GB_ASSERT_MSG(o.len >= 3 && memcmp(o.buf + o.len - 3, "ET\n", 3) == 0,
                  "stream does not end with ET");
    /* a second gb_ops_end_text writes nothing more */
    size_t len = o.len;
    gb_ops_end_text(&o);
    GB_ASSERT_MSG(o.len == len, "ET written twice");
    interp_free(&in);
    gb_ops_free(&o);
}

/* Random text mixed with font, colour and path changes. */
static void test_text_random(void)
{
    enum { N = 3000 };
    call *c = calloc(N, sizeof *c);
    double *adv = calloc(N, sizeof *adv);
    if (!c || !adv) { free(c); free(adv); GB_ASSERT_MSG(0, "out of memory"); return; }
    rng_state = 0x9E3779B97F4A7C15ull;
    gb_ops o = GB_OPS_INIT;
    double size = 0, y = 700;
    const double sizes[] = {12, 9.5, 10.25, 14};
    const uint16_t special[] = {0x0028, 0x0029, 0x005C, 0x000D, 0x000A, 0x0A0D, 0x0D0A,
                                0x2829, 0x5C28, 0x295C, 0x0000, 0xFFFF, 0x5C5C};
    int fills = 0, paths = 0;
    for (size_t k = 0; k < N; k++) {
        call *ck = &c[k];
        unsigned r = (unsigned)(rnd() % 100);
        if (k == 0 || r < 5) {   /* change size: a new Tf */
            double ns = sizes[rnd() % 4];
            if (ns != size || k == 0) {
                gb_ops_font(&o, "F3", ns);
                size = ns;
                ck->after_other = 1;
            }
        } else if (r < 10) {
            gb_ops_fill_rgb(&o, urand(0, 1), urand(0, 1), urand(0, 1));
            ck->after_other = 1;
            fills++;
        } else if (r < 13) {
            gb_ops_move_to(&o, urand(0, 500), urand(0, 800));
            gb_ops_line_to(&o, urand(0, 500), urand(0, 800));
            gb_ops_paint(&o, 0, 1);
            ck->after_other = 1;
            paths++;
        } else if (r < 15) {
            gb_ops_dash(&o, urand(0, 4), urand(0, 4));
            gb_ops_line_width(&o, urand(0, 3));
            ck->after_other = 1;
        } else if (r < 17) {
            gb_ops_rect(&o, urand(0, 500), urand(0, 800), urand(1, 50), urand(1, 50));
            gb_ops_paint(&o, 1, 0);
            ck->after_other = 1;
            paths++;
        }
        unsigned where = (unsigned)(rnd() % 10);
        if (k == 0 || where < 2) {
            y = where == 0 ? urand(-50, 900) : y - urand(5, 20);   /* a new line */
            ck->x = urand(-20, 500);
        } else if (where < 8) {
            /* continue to the right: exactly adjacent, a word gap, or a tiny gap */
            double gap = where < 4 ? 0 : where < 6 ? urand(0, 20) : urand(0, 0.004);
            ck->x = c[k - 1].x + c[k - 1].adv + gap;
        } else {
            ck->x = urand(-20, 500);   /* anywhere on the same baseline (left or right) */
        }
        ck->y = y;
        ck->size = size;
        ck->n = (size_t)(rnd() % 6);
        for (size_t j = 0; j < ck->n; j++)
            ck->codes[j] = rnd() % 3 ? special[rnd() % 13] : (uint16_t)rnd();
        ck->adv = ck->n ? urand(0.5, 40) : 0;
        adv[k] = ck->adv;
        gb_ops_text(&o, ck->x, ck->y, ck->codes, ck->n, ck->adv, ck->size);
    }
    gb_ops_end_text(&o);
    GB_ASSERT_MSG(!gb_ops_failed(&o), "writer failed");
    interp in = {0};
    in.advances = adv;
    in.nadvances = N;
    int rc = interpret(&in, o.buf, o.len);
    GB_ASSERT_MSG(rc == 0, "stream rejected: %s", in.err);
    GB_ASSERT_MSG(!in.in_bt && in.nbt == in.net, "%d BT, %d ET, open at the end: %d", in.nbt,
                  in.net, in.in_bt);
    /* a text object is opened again only after a path closed it */
    GB_ASSERT_MSG(in.nbt >= 1 && in.nbt <= paths + 1, "%d BT for %d path interruptions", in.nbt,
                  paths);
    GB_ASSERT_MSG(in.nrg == fills, "%d rg operators for %d colour changes", in.nrg, fills);
    int joined = 0;
    for (size_t k = 0; k < in.ns; k++) joined += !in.s[k].first;
    GB_ASSERT_MSG(joined > N / 4, "only %d of %d strings joined a TJ array", joined, N);
    GB_ASSERT_MSG(check_calls(&in, c, N, "random text") == 0, "random text");
    /* every path operator stands outside text objects */
    for (size_t i = 0; i < in.npath; i++)
        GB_ASSERT_MSG(!in.path[i].in_text, "path operator %s inside BT..ET", in.path[i].op);
    interp_free(&in);
    gb_ops_free(&o);
    free(c);
    free(adv);
}

/* A colour change ends the TJ array but not the text object; a path ends both. */
static void test_text_interrupted(void)
{
    gb_ops o = GB_OPS_INIT;
    uint16_t a[] = {'a', 'b'}, b[] = {'c'};
    gb_ops_font(&o, "F0", 10);
    gb_ops_text(&o, 100, 500, a, 2, 11, 10);
    gb_ops_fill_rgb(&o, 1, 0, 0);
    gb_ops_text(&o, 111, 500, b, 1, 5, 10);    /* same baseline, adjacent, but after rg */
    gb_ops_stroke_rgb(&o, 0, 0, 1);
    gb_ops_text(&o, 120, 500, b, 1, 5, 10);
    gb_ops_rect(&o, 10, 10, 20, 20);
    gb_ops_paint(&o, 1, 1);
    gb_ops_font(&o, "F0", 10);
    gb_ops_text(&o, 130, 480, a, 2, 11, 10);
    gb_ops_circle(&o, 50, 50, 5);
    gb_ops_paint(&o, 0, 1);
    double adv[] = {11, 5, 5, 11};
    interp in = {0};
    in.advances = adv;
    in.nadvances = 4;
    int rc = interpret(&in, o.buf, o.len);
    GB_ASSERT_MSG(rc == 0, "stream rejected: %s\n%.*s", in.err, (int)o.len, o.buf);
    GB_ASSERT_MSG(in.ns == 4 && in.narrays == 4, "%zu strings in %d arrays (want 4 in 4)", in.ns,
                  in.narrays);
    GB_ASSERT_MSG(in.nbt == 2 && in.net == 2 && !in.in_bt, "%d BT, %d ET", in.nbt, in.net);
    const double want[4][2] = {{100, 500}, {111, 500}, {120, 500}, {130, 480}};
    for (size_t k = 0; k < in.ns && k < 4; k++) {
        GB_ASSERT_NEAR(in.s[k].x, want[k][0], 0.005);
        GB_ASSERT_NEAR(in.s[k].y, want[k][1], 0.005);
    }
    /* the circle (a path) came right after text: the text object was closed before it */
    GB_ASSERT_MSG(o.len >= 2 && memcmp(o.buf + o.len - 2, "S\n", 2) == 0, "stream end");
    interp_free(&in);
    gb_ops_free(&o);
}

/* Every 16-bit code survives escaping, and the special bytes in every position. */
static void test_string_escapes(void)
{
    const uint16_t special[] = {0x0028, 0x0029, 0x005C, 0x000D, 0x000A, 0x0A0D, 0x0D0A, 0x2829,
                                0x5C28, 0x295C, 0x5C5C, 0x285C, 0x0D28, 0x0000, 0xFFFF, 0x2800,
                                0x005C, 0x5C00, 0x0A0A, 0x0D0D};
    size_t ns = sizeof special / sizeof *special;
    gb_ops o = GB_OPS_INIT;
    gb_ops_font(&o, "F2", 12);
    gb_ops_text(&o, 10, 20, special, ns, 100, 12);
    /* all 65,536 codes in one string */
    uint16_t *all = malloc(65536 * sizeof *all);
    if (!all) { gb_ops_free(&o); GB_ASSERT_MSG(0, "out of memory"); return; }
    for (unsigned i = 0; i < 65536; i++) all[i] = (uint16_t)i;
    gb_ops_text(&o, 10, 0, all, 65536, 1000, 12);
    gb_ops_end_text(&o);
    GB_ASSERT_MSG(!gb_ops_failed(&o), "writer failed");
    double adv[] = {100, 1000};
    interp in = {0};
    in.advances = adv;
    in.nadvances = 2;
    int rc = interpret(&in, o.buf, o.len);
    GB_ASSERT_MSG(rc == 0, "stream rejected: %s", in.err);
    GB_ASSERT_MSG(in.ns == 2, "%zu strings", in.ns);
    if (in.ns == 2) {
        GB_ASSERT_MSG(in.s[0].len == 2 * ns, "special: %zu bytes for %zu codes", in.s[0].len, ns);
        for (size_t j = 0; j < ns && in.s[0].len == 2 * ns; j++) {
            unsigned got = (unsigned)in.pool[in.s[0].off + 2 * j] << 8 | in.pool[in.s[0].off + 2 * j + 1];
            GB_ASSERT_MSG(got == special[j], "code %zu: 0x%04X read back as 0x%04X", j,
                          special[j], got);
        }
        size_t wrong = 0, first = 0;
        GB_ASSERT_MSG(in.s[1].len == 2 * 65536, "all codes: %zu bytes", in.s[1].len);
        for (unsigned i = 0; i < 65536 && in.s[1].len == 2 * 65536; i++) {
            unsigned got = (unsigned)in.pool[in.s[1].off + 2 * i] << 8 | in.pool[in.s[1].off + 2 * i + 1];
            if (got != i && !wrong++) first = i;
        }
        GB_ASSERT_MSG(wrong == 0, "%zu of 65536 codes wrong, first 0x%04zX", wrong, first);
        GB_ASSERT_NEAR(in.s[1].x, 10, 0.005);
        GB_ASSERT_NEAR(in.s[1].y, 0, 0.005);
    }
    /* "half the size of hex": 2 bytes a code plus escapes (5 of 256 byte values need one) */
    GB_ASSERT_MSG(o.len < 2 * 65536 + 2 * 2 * 5 * 256 + 200, "stream of %zu bytes", o.len);
    interp_free(&in);
    free(all);
    gb_ops_free(&o);
}

static void test_clear(void)
{
    gb_ops o = GB_OPS_INIT;
    uint16_t a[] = {'x', 'y'};
    gb_ops_font(&o, "F1", 12);
    gb_ops_text(&o, 300, 400, a, 2, 12, 12);   /* leaves a text object and a TJ array open */
    gb_ops_num(&o, NAN);
    GB_ASSERT_MSG(gb_ops_failed(&o), "NaN did not fail");
    char *buf = o.buf;
    size_t cap = o.cap;
    gb_ops_clear(&o);
    GB_ASSERT_MSG(o.len == 0 && !gb_ops_failed(&o), "clear: len %zu, failed %d", o.len,
                  gb_ops_failed(&o));
    GB_ASSERT_MSG(o.buf == buf && o.cap == cap, "clear did not keep the buffer");
    /* the next page starts afresh: its own BT, absolute position, no join with the old array */
    gb_ops_font(&o, "F1", 12);
    gb_ops_text(&o, 312, 400, a, 2, 12, 12);
    gb_ops_text(&o, 330, 400, a, 2, 12, 12);
    gb_ops_end_text(&o);
    double adv[] = {12, 12};
    interp in = {0};
    in.advances = adv;
    in.nadvances = 2;
    int rc = interpret(&in, o.buf, o.len);
    GB_ASSERT_MSG(rc == 0, "stream after clear rejected: %s\n%.*s", in.err, (int)o.len, o.buf);
    GB_ASSERT_MSG(in.nbt == 1 && in.net == 1 && in.ns == 2 && in.narrays == 1,
                  "%d BT %d ET, %zu strings in %d arrays", in.nbt, in.net, in.ns, in.narrays);
    if (in.ns == 2) {
        GB_ASSERT_NEAR(in.s[0].x, 312, 0.005);
        GB_ASSERT_NEAR(in.s[0].y, 400, 0.005);
        GB_ASSERT_NEAR(in.s[1].x, 330, 0.005);
        GB_ASSERT_NEAR(in.s[1].disp, -(330 - 324) * 1000.0 / 12, 0.01);
    }
    GB_ASSERT_MSG(o.len >= 3 && memcmp(o.buf, "BT\n", 3) == 0, "stream after clear: '%.*s'",
                  (int)o.len, o.buf);
    interp_free(&in);
    gb_ops_free(&o);
    GB_ASSERT_MSG(o.buf == NULL && o.len == 0 && o.cap == 0, "free did not reset the writer");
}

static void check_circle(double cx, double cy, double r)
{
    gb_ops o = GB_OPS_INIT;
    uint16_t a = 'o';
    gb_ops_font(&o, "F1", 10);
    gb_ops_text(&o, 5, 5, &a, 1, 5, 10);   /* a circle after text closes the text object */
    gb_ops_circle(&o, cx, cy, r);
    gb_ops_paint(&o, 1, 0);
    double adv = 5;
    interp in = {0};
    in.advances = &adv;
    in.nadvances = 1;
    int rc = interpret(&in, o.buf, o.len);
    GB_ASSERT_MSG(rc == 0, "stream rejected: %s\n%.*s", in.err, (int)o.len, o.buf);
    GB_ASSERT_MSG(in.npath == 6, "%zu path operators (want m, 4 c, f)", in.npath);
    if (in.npath != 6) { interp_free(&in); gb_ops_free(&o); return; }
    GB_ASSERT_MSG(!strcmp(in.path[0].op, "m") && !strcmp(in.path[5].op, "f"), "m ... f");
    const double kappa = 4 * (sqrt(2) - 1) / 3;
    double px = in.path[0].v[0], py = in.path[0].v[1];
    double sx = px, sy = py;
    GB_ASSERT_NEAR(hypot(px - cx, py - cy), r, 0.01);
    int quadrant_ok = 1;
    for (int i = 1; i <= 4; i++) {
        const path_op *p = &in.path[i];
        GB_ASSERT_MSG(!strcmp(p->op, "c") && p->n == 6, "segment %d: %s with %d numbers", i,
                      p->op, p->n);
        double x1 = p->v[0], y1 = p->v[1], x2 = p->v[2], y2 = p->v[3], x3 = p->v[4], y3 = p->v[5];
        /* ends on the circle, a quarter turn from where it started */
        GB_ASSERT_NEAR(hypot(x3 - cx, y3 - cy), r, 0.01);
        double dot = (px - cx) * (x3 - cx) + (py - cy) * (y3 - cy);
        if (fabs(dot) > 0.02 * r + 0.01) quadrant_ok = 0;
        /* control points on the tangents, kappa * r away */
        GB_ASSERT_NEAR(hypot(x1 - px, y1 - py), kappa * r, 0.01);
        GB_ASSERT_NEAR(hypot(x2 - x3, y2 - y3), kappa * r, 0.01);
        GB_ASSERT_NEAR((x1 - px) * (px - cx) + (y1 - py) * (py - cy), 0, 0.02 * r + 0.01);
        GB_ASSERT_NEAR((x2 - x3) * (x3 - cx) + (y2 - y3) * (y3 - cy), 0, 0.02 * r + 0.01);
        /* the curve's midpoint lies on the circle (kappa's error is 0.03 % of r) */
        double mx = 0.125 * px + 0.375 * x1 + 0.375 * x2 + 0.125 * x3;
        double my = 0.125 * py + 0.375 * y1 + 0.375 * y2 + 0.125 * y3;
        GB_ASSERT_NEAR(hypot(mx - cx, my - cy), r, 0.0003 * r + 0.01);
        px = x3;
        py = y3;
    }
    GB_ASSERT_MSG(quadrant_ok, "segments are not quarter circles");
    GB_ASSERT_NEAR(px, sx, 0.005);
    GB_ASSERT_NEAR(py, sy, 0.005);
    interp_free(&in);
    gb_ops_free(&o);
}

static void test_circle(void)
{
    check_circle(100, 200, 50);
    check_circle(-3.25, 7.5, 0.75);
    check_circle(297.64, 420.94, 123.456);
}

/* src with runs of white space as one space, none after '[' or before ']', none at the ends. */
static void normalize(const char *src, char *dst, size_t cap)
{
    size_t n = 0;
    int sp = 0;
    for (const char *p = src; *p && n + 2 < cap; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\r') {
            sp = 1;
            continue;
        }
        if (sp && n && dst[n - 1] != '[' && *p != ']') dst[n++] = ' ';
        sp = 0;
        dst[n++] = *p;
    }
    dst[n] = '\0';
}

/* Other graphics operators read back with their operands. */
static void test_graphics_ops(void)
{
    gb_ops o = GB_OPS_INIT;
    gb_ops_line_width(&o, 1.25);
    gb_ops_dash(&o, 4, 3);
    gb_ops_dash(&o, 0, 3);
    gb_ops_stroke_rgb(&o, 0.1, 0.25, 1);
    gb_ops_move_to(&o, 1, 2);
    gb_ops_line_to(&o, 3.5, -4);
    gb_ops_close(&o);
    gb_ops_paint(&o, 0, 0);
    gb_ops_rect(&o, 0, 0, 10, 20);
    gb_ops_paint(&o, 1, 1);
    gb_ops_raw(&o, "", 1);
    const char *want = "1.25 w\n[4 3] 0 d\n[] 0 d\n0.1 0.25 1 RG\n1 2 m\n3.5 -4 l\nh\nn\n"
                       "0 0 10 20 re\nB\n";
    /* compare with white space collapsed: separators are the writer's choice */
    char got[512], exp[512];
    normalize(o.buf ? o.buf : "", got, sizeof got);
    normalize(want, exp, sizeof exp);
    GB_ASSERT_MSG(strcmp(got, exp) == 0, "wrote '%s', expected '%s'", got, exp);
    gb_ops_free(&o);
}

/* Whether the writer's bytes contain needle (they hold NUL bytes: no string functions). */
static int ops_has(const gb_ops *o, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= o->len; i++)
        if (!memcmp(o->buf + i, needle, n)) return 1;
    return 0;
}

/* A string that stays alone is shown with Tj, not a one-element TJ array; two joined strings
 * make one TJ array. */
static void test_lone_string_tj(void)
{
    gb_ops o = GB_OPS_INIT;
    uint16_t c[2] = {0x41, 0x42};
    gb_ops_font(&o, "F0", 10);
    gb_ops_text(&o, 10, 20, c, 2, 12, 10);
    gb_ops_end_text(&o);
    GB_ASSERT_MSG(ops_has(&o, ")Tj\n") && !ops_has(&o, "[") && !ops_has(&o, "TJ"),
                  "a lone string is not shown with Tj");
    gb_ops_clear(&o);
    gb_ops_font(&o, "F0", 10);
    gb_ops_text(&o, 10, 20, c, 1, 6, 10);
    gb_ops_text(&o, 20, 20, c + 1, 1, 6, 10);   /* same baseline, 4 pt to the right */
    gb_ops_end_text(&o);
    GB_ASSERT_MSG(ops_has(&o, "[(") && ops_has(&o, ")]TJ\n") && !ops_has(&o, "Tj"),
                  "two joined strings are not one TJ array");
    gb_ops_free(&o);
}

GB_TEST_SUITE(pdf_ops)
{
    CU_pSuite s = CU_add_suite("pdf_ops", NULL, NULL);
    GB_ADD(s, test_lone_string_tj);
    GB_ADD(s, test_num_format);
    GB_ADD(s, test_num_nonfinite);
    GB_ADD(s, test_text_one_object);
    GB_ADD(s, test_text_random);
    GB_ADD(s, test_text_interrupted);
    GB_ADD(s, test_string_escapes);
    GB_ADD(s, test_clear);
    GB_ADD(s, test_circle);
    GB_ADD(s, test_graphics_ops);
}
