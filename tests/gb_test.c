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
    if (isnan(expected) && isnan(got)) ok = 1;
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
