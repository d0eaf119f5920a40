/* params.h — the parameters file (INI, read with libinih) and --set overrides.
 *
 * Every sample value and setting of a document lives in one parameters file, e.g.
 * chapters/exercise3.ini:
 *
 *     [sample]
 *     x  = [0.5, -1.5]
 *     W1 = [[0.1, -0.2], [0.4, 0.2]]
 *
 * Keys are addressed as "section.key". A --set NAME=VALUE override replaces (or adds) one key;
 * NAME may be "section.key", or a bare key that exists in exactly one section. Every value keeps
 * where it came from (file:line:column of the value, or "--set"), so a bad value is reported
 * where the user wrote it. Numbers: decimal or exponent form as strtod reads it; NaN and Inf are
 * rejected. Lists: "[1, 2]" or "1, 2"; matrices: "[[1, 2], [3, 4]]" (rows in brackets).
 *
 * Threads: the getters and gb_params_clone only read, so one gb_params may be read from several
 * threads at once while none changes it (gb_params_load, gb_params_set). */
#ifndef GB_PARAMS_H
#define GB_PARAMS_H

#include "util/diag.h"

#include <stddef.h>

typedef struct gb_params gb_params;

/* An empty parameter set; NULL when out of memory. Free with gb_params_free (NULL is fine). */
gb_params *gb_params_new(void);
void gb_params_free(gb_params *p);

/* A deep copy of p, keeping every value's location, without the keys of section skip (NULL:
 * none). NULL when out of memory. */
gb_params *gb_params_clone(const gb_params *p, const char *skip);

/* The largest parameters or template file read (bytes). */
#define GB_PARAMS_MAX_BYTES (1u << 20)

/* Reads an INI file and adds its keys (a key given twice: the later one wins). Errors
 * (GB_EINPUT): the file cannot be opened, is not a regular file or is larger than
 * GB_PARAMS_MAX_BYTES, a line is not "key = value" or "[section]", a line is
 * longer than 4000 bytes, a key outside any section. Returns 0 or the error code. */
int gb_params_load(gb_params *p, const char *path, gb_err *e);

/* Applies "NAME=VALUE" (a --set argument). GB_EINPUT when there is no '=', the name is empty,
 * or a bare name is unknown or ambiguous (found in several sections). Element names of the
 * sample such as "W[1][0][1]", "x[0]", "b[2][0]" set one element of a list or matrix of the
 * [sample] section ("W[1][0][1]" is row 0, column 1 of W1). */
int gb_params_set(gb_params *p, const char *assignment, gb_err *e);

/* Raw value of "section.key" (borrowed; valid until p changes), or NULL when absent. */
const char *gb_params_get(const gb_params *p, const char *section, const char *key);

/* Where the value of section.key came from, for messages: file, line, column (0 if --set). */
void gb_params_where(const gb_params *p, const char *section, const char *key,
                     const char **file, unsigned *line, unsigned *col);

/* Typed getters. Each returns 0 and stores the value, 1 when the key is absent (out untouched),
 * or GB_EINPUT with a message "file:line:col: section.key: expected ..., got '...'". */
int gb_params_double(const gb_params *p, const char *section, const char *key, double *out,
                     gb_err *e);
int gb_params_ulong(const gb_params *p, const char *section, const char *key,
                    unsigned long *out, gb_err *e);
int gb_params_string(const gb_params *p, const char *section, const char *key,
                     const char **out, gb_err *e);
/* One of the words choices[0..n): *out gets its index ("expected a, b or c" otherwise). */
int gb_params_choice(const gb_params *p, const char *section, const char *key,
                     const char *const *choices, size_t n, size_t *out, gb_err *e);
/* A list of exactly n numbers (n = 0: any length up to cap; *count gets the length). */
int gb_params_vector(const gb_params *p, const char *section, const char *key, double *out,
                     size_t n, size_t cap, size_t *count, gb_err *e);
/* A rows x cols matrix, row-major into out (rows * cols doubles). A single row may be given as
 * a flat list when rows == 1. */
int gb_params_matrix(const gb_params *p, const char *section, const char *key, double *out,
                     size_t rows, size_t cols, gb_err *e);
/* A list of names ("sigmoid, tanh"); writes up to cap pointers into the names owned by p (split
 * once when the value was set; valid until p changes) and the count. */
int gb_params_names(const gb_params *p, const char *section, const char *key,
                    const char **out, size_t cap, size_t *count, gb_err *e);

/* Iteration over the keys in file order: gb_params_count keys; gb_params_key gives the section
 * and key of entry i (borrowed) and where its value is (as gb_params_where). */
size_t gb_params_count(const gb_params *p);
void gb_params_key(const gb_params *p, size_t i, const char **section, const char **key,
                   const char **file, unsigned *line, unsigned *col);

/* Parses one number from the whole of s (surrounding blanks allowed); 0 on success, -1 when s is
 * not a finite number. Shared with every reader of numbers (answers, --set, rosters). */
int gb_parse_double(const char *s, double *out);

#endif
