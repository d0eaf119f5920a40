/* main.c — gradbook's command line: picks a command and runs it. */
#include "cli/commands.h"
#include "typeset/memo.h"
#include "typeset/pdf_doc.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

static const char help[] =
    "gradbook — a literate workbook generator for the basics of neural networks\n"
    "\n"
    "usage: gradbook COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  report   the exercise as a typeset PDF (default out/report.pdf)\n"
    "           [-o FILE] [--params FILE] [--set NAME=VALUE]... [--seed N] [--template FILE]\n"
    "  check    the worked example's forward pass, deltas and gradients, each gradient\n"
    "           verified with GSL numerical differentiation\n"
    "           [--params FILE] [--set NAME=VALUE]... [--seed N] [--step H] [--json]\n"
    "  variants a class's worksheets, keys and answer sheets, answers.csv and answers.json\n"
    "           --assignment NAME (--roster FILE [--delimiter ,|;|tab] | --count N)\n"
    "           [--outdir DIR] [-j N] [--booklet] [--params FILE] [--set NAME=VALUE]...\n"
    "  grade    grade the class's filled-in answer sheets: <id>-graded.pdf per student,\n"
    "           grades.csv and misconceptions.csv (exit 1 when some could not be graded)\n"
    "           --assignment NAME --roster FILE [--delimiter ,|;|tab] [--outdir DIR] [-j N]\n"
    "           [--params FILE] [--set NAME=VALUE]... SUBMISSION...\n"
    "  stress   draw many variants of an assignment: answer spreads and rejection counts\n"
    "           --assignment NAME --count N [--params FILE] [--set NAME=VALUE]...\n"
    "           [--template FILE] [--json]\n"
    "  bench    speed figures: training, check, report, a class set (asserts nothing)\n"
    "  help     this text\n"
    "\n"
    "See README.md for the parameters file and every option.\n";

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"report", gb_cmd_report},
    {"check", gb_cmd_check},
    {"variants", gb_cmd_variants},
    {"grade", gb_cmd_grade},
    {"stress", gb_cmd_stress},
    {"bench", gb_cmd_bench},

};

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();   /* every GSL status and result is checked by the caller */
    if (argc < 2) {
        fputs(help, stderr);
        return 2;
    }
    if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(help, stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            int rc = commands[i].run(argc, argv);
            gb_pdf_thread_done();   /* the faces this thread parsed (other threads free theirs) */
            gb_memo_thread_done();   /* and the layout it remembered */
            return rc;
        }
    fprintf(stderr, "gradbook: unknown command '%s'\n\n%s", argv[1], help);
    return 2;
}
