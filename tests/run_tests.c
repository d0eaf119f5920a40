/* run_tests.c — the CUnit runner: registers every suite and runs them (or those named on the
 * command line), prints CUnit's run summary, and exits non-zero on any failure. */
#include <CUnit/Basic.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gb_register_all(void);

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (CU_initialize_registry() != CUE_SUCCESS) return EXIT_FAILURE;
    gb_register_all();
    CU_basic_set_mode(getenv("GB_TEST_VERBOSE") ? CU_BRM_VERBOSE : CU_BRM_NORMAL);
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            CU_pSuite s = CU_get_suite(argv[i]);
            if (!s) { fprintf(stderr, "run_tests: no suite '%s'\n", argv[i]); return 2; }
            CU_basic_run_suite(s);
        }
    } else {
        CU_basic_run_tests();
    }
    unsigned bad = CU_get_number_of_failure_records();
    unsigned ran = CU_get_number_of_tests_run();
    int err = CU_get_error();
    CU_cleanup_registry();
    if (ran == 0) { fprintf(stderr, "run_tests: no test ran\n"); return EXIT_FAILURE; }
    return (bad || err) ? EXIT_FAILURE : EXIT_SUCCESS;
}
