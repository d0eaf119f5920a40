/* submissions.h — finding the students' submitted answer sheets among the files and folders
 * named on the command line.
 *
 * Collection: each argument is a file or a folder.
 *   - a folder contributes every regular file directly in it (not in subfolders) whose name ends
 *     in ".txt" and does not start with '.', in byte order of the names (strcmp: "s1001" before
 *     "s1001b" before "s1002"); a folder without any is reported (it is probably the wrong one);
 *   - a file is taken as given, whatever its name;
 *   - arguments are taken in command-line order; a path met twice (the same text) counts once.
 * Paths that do not exist or cannot be listed are not fatal: they are returned as failures
 * (gb_submission.error set) so the caller grades everyone else and counts them.
 * Reading and parsing a listed file is classroom/answer_sheet.h's gb_answer_sheet_read (it
 * never blocks on a FIFO and never reads more than its size limit). */
#ifndef GB_SUBMISSIONS_H
#define GB_SUBMISSIONS_H

#include "util/diag.h"

#include <stddef.h>

typedef struct gb_submission {
    char *path;        /* as found: "DIR/name.txt" or the argument itself; owned */
    char *error;       /* NULL, or why this argument gave no readable file (owned): "no such
                          file or folder", "a folder without .txt files" */
} gb_submission;

typedef struct gb_submission_list {
    gb_submission *v;  /* n entries, in the order above; owned */
    size_t n;
} gb_submission_list;

/* Collects the submissions named by args[0..nargs) into *out (free with
 * gb_submission_list_free, also after an error). Returns 0 (problems with single arguments are
 * entries with error set), or GB_EINTERNAL when out of memory. */
int gb_submissions_collect(const char *const *args, size_t nargs, gb_submission_list *out,
                           gb_err *e);

void gb_submission_list_free(gb_submission_list *l);

/* The file name of path without its folder ("sub/s1001.txt" -> "s1001.txt"), borrowed. */
const char *gb_submission_basename(const char *path);

#endif
