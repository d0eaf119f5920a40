/* gb_test_params.h — the shipped exercise's parameters for tests. Inline, so gb_test.c (linked
 * into every module test, see `make module-test`) does not depend on model/params. */
#ifndef GB_TEST_PARAMS_H
#define GB_TEST_PARAMS_H

#include "gb_test.h"
#include "model/params.h"

#include <stdio.h>

/* The parameters of chapters/exercise3.ini, owned by the caller (gb_params_free). A file that
 * does not load fails the running test fatally (CUnit leaves the test function), so a test
 * never sees NULL. */
static inline gb_params *gb_test_exercise_params(void)
{
    gb_err e = {0};
    gb_params *p = gb_params_new();
    int rc = p ? gb_params_load(p, gb_test_path("chapters/exercise3.ini"), &e) : GB_EINTERNAL;
    if (rc) {
        gb_params_free(p);
        char msg[1100];
        snprintf(msg, sizeof msg, "load chapters/exercise3.ini: %s", e.msg);
        CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_TRUE);
        return NULL;   /* not reached inside a test */
    }
    return p;
}

#endif
