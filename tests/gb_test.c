/* gb_test.c — assertion helpers that print values, and small utilities for tests. */
#include "gb_test.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void gb_assert_near(double got, double expected, double tol, int relative, const char *expr,
                    unsigned line, const char *file, const char *func)
{
    double bound = relative ? tol * fabs(expected) : tol;
    int ok = isfinite(got) && fabs(got - expected) <= bound;
    char msg[512];
    snprintf(msg, sizeof msg, "%s = %.17g, expected %.17g (%s tol %.3g)", expr, got, expected,
             relative ? "rel" : "abs", tol);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, file, func, CU_FALSE);
}

void gb_assert_msg(int ok, unsigned line, const char *file, const char *func, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, file, func, CU_FALSE);
}

const char *gb_test_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("GB_ROOT");
    snprintf(buf, sizeof buf, "%s/%s", root && *root ? root : ".", rel);
    return buf;
}

int gb_test_run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf) { pclose(p); return -1; }
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) break;
            buf = nb;
            cap *= 2;
        }
    }
    buf[len] = '\0';
    int st = pclose(p);
    if (out) *out = buf; else free(buf);
    if (st == -1) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

char *gb_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
    fclose(f);
    if (b) {
        b[n] = '\0';
        if (len) *len = (size_t)n;
    }
    return b;
}

size_t gb_test_same_file(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *sa = gb_test_slurp(a, &na), *sb = gb_test_slurp(b, &nb);
    size_t same = sa && sb && na == nb && !memcmp(sa, sb, na) ? na : 0;
    free(sa);
    free(sb);
    return same;
}

void gb_test_tmpdir(const char *tag, char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/gb_test_%s_XXXXXX", tag);
    if (!mkdtemp(buf)) buf[0] = '\0';
}

void gb_test_rmdir(const char *dir)
{
    char cmd[700];
    if (strncmp(dir, "/tmp/gb_test_", 13) || strstr(dir, "..") || strchr(dir, '\'')) return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    gb_test_run(cmd, NULL);
}

uint64_t gb_test_rand(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 2685821657736338717ull;
}

int gb_test_pdf_pages(const char *path)
{
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>/dev/null", path);
    int n = -1;
    if (gb_test_run(cmd, &out) == 0 && out) {
        const char *p = strncmp(out, "Pages:", 6) ? strstr(out, "\nPages:") : out;
        if (p) n = atoi(p + (*p == '\n' ? 7 : 6));
    }
    free(out);
    return n;
}
