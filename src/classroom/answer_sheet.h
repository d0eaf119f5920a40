/* answer_sheet.h — reading a student's filled-in answer sheet (<fname>-answers.txt, written by
 * gb_answers_write_sheet in classroom/answers.h) and the numbers written on it.
 *
 * The sheet:
 *   # gradbook answer sheet            the first line (after an optional UTF-8 BOM and blank
 *                                      lines): what makes a file an answer sheet
 *   assignment: NAME                   header fields (each once, anywhere before or between
 *   student: ID                        answers; keys case-insensitive; value trimmed)
 *   variant: HASH
 *   # ...                              comments; blank lines are ignored
 *   q7  C = 0,1018                     an answer: "q<N>", the quantity's name (may be left out:
 *                                      "q7 = 0.1"), '=', the number (may be empty: blank)
 * Line endings LF, CRLF or CR. Any bytes are safe: the file is limited to GB_SHEET_MAX_BYTES
 * and a line to GB_SHEET_MAX_LINE bytes (longer: an error naming the line); a NUL byte, invalid
 * UTF-8 or a control character makes that line a reported problem, never a crash.
 *
 * Numbers as students write them (gb_sheet_parse_number): spaces and tabs around are trimmed;
 * an optional sign '+', '-' or U+2212 (also after the exponent's 'e'); digits with at most one
 * decimal separator, the point or (when the text holds exactly one ',' and no '.') a decimal
 * comma: "0.1018", ".1018", "-1.118e-1", "1.018E-01", "0,1018", "−0.5", "5."; an optional
 * exponent e/E; an optional trailing '%' (value / 100). Rejected, with a message saying why:
 * thousands separators ("1,234.5", "1.234,5", "1,234,567"), spaces inside, "inf", "nan", hex,
 * fractions, units, anything else, more than 64 characters, a value that overflows a double.
 * Parsing does not depend on the C locale. */
#ifndef GB_ANSWER_SHEET_H
#define GB_ANSWER_SHEET_H

#include "model/variants.h"
#include "util/diag.h"

#include <stddef.h>

#define GB_SHEET_MAX_BYTES (1u << 20)  /* 1 MiB: a sheet of a few hundred questions is ~10 kB */
#define GB_SHEET_MAX_LINE 4096u        /* bytes per line, without the line ending */
#define GB_SHEET_FIELD_MAX 256u        /* bytes of a header value (assignment, ID, variant) */
#define GB_SHEET_TEXT_MAX 72u          /* bytes kept of what a student wrote, NUL included */
#define GB_SHEET_MSG_MAX 200u

/* What is written after a question's '='. */
typedef enum gb_sheet_state {
    GB_SHEET_BLANK,     /* no answer line, or nothing after '=': scores 0, not an error */
    GB_SHEET_VALID,     /* a number: value holds it */
    GB_SHEET_INVALID    /* something that is not a number, or the line is faulty: graded as
                           blank; problem says why */
} gb_sheet_state;

/* The answer to one question. */
typedef struct gb_sheet_answer {
    gb_sheet_state state;
    double value;                      /* finite, when VALID; else 0 */
    unsigned line;                     /* 1-based line of the answer, 0 when not on the sheet */
    char text[GB_SHEET_TEXT_MAX];      /* what was written after '=', trimmed, valid UTF-8
                                          (invalid bytes and control characters shown as '?'),
                                          cut at a character boundary when longer; "" blank */
    char problem[GB_SHEET_MSG_MAX];    /* for INVALID: "line 12: 'abc' is not a number" */
} gb_sheet_answer;

/* A problem with a line that is not attached to a question (an unknown question, a line that is
 * not an answer, a second answer to the same question, ...). */
typedef struct gb_sheet_problem {
    unsigned line;
    char msg[GB_SHEET_MSG_MAX];        /* "line 9: q42 is not a question of this assignment" */
} gb_sheet_problem;

/* A parsed sheet. Strings are NUL-terminated valid UTF-8 without control characters. */
typedef struct gb_answer_sheet {
    char assignment[GB_SHEET_FIELD_MAX];   /* "" when the field is missing */
    char student[GB_SHEET_FIELD_MAX];
    char variant[GB_SHEET_FIELD_MAX];
    size_t nq;                 /* number of questions */
    gb_sheet_answer *answers;  /* nq entries, answers[i] for question i + 1 (owned) */
    size_t nproblems;
    gb_sheet_problem *problems;/* nproblems entries in line order (owned; at most
                                  GB_SHEET_MAX_PROBLEMS are kept, then one "... more" entry) */
} gb_answer_sheet;

#define GB_SHEET_MAX_PROBLEMS 100u

/* Parses the sheet in data[0..len) (need not be NUL-terminated; may hold NUL bytes) for the
 * questions qs[0..nq) (numbered 1..nq; a line "qN NAME = ..." belongs to question N when NAME is
 * qs[N-1].name or empty). name is the file name used in messages (may be NULL).
 * Per line, each reported as "line L: ..." and never fatal:
 *   - an answer whose text is not a number: that question INVALID with the reason;
 *   - q0, qN with N > nq, a name that is not qs[N-1].name: a problem, the line is ignored;
 *   - a second answer line to the same question: a problem, and the question is INVALID (neither
 *     answer is graded: a student cannot offer two answers);
 *   - a header field given twice with different values, an unknown "key: value" line, any other
 *     line that is not a comment: a problem;
 *   - a NUL byte or invalid UTF-8 on a line: a problem, the line is ignored.
 * Returns 0 and fills *out (free with gb_answer_sheet_free), or:
 *   GB_EINPUT      not an answer sheet (the first line is not "# gradbook answer sheet": "name:
 *                  not a gradbook answer sheet (first line: '...')"), larger than
 *                  GB_SHEET_MAX_BYTES, a line longer than GB_SHEET_MAX_LINE ("name:12: line
 *                  longer than 4096 bytes"), a header value longer than GB_SHEET_FIELD_MAX - 1
 *                  bytes, or a missing "student:" field;
 *   GB_EINTERNAL   out of memory.
 * On error *out is empty (gb_answer_sheet_free is still safe). */
int gb_answer_sheet_parse(const char *data, size_t len, const char *name,
                          const gb_question_spec *qs, size_t nq, gb_answer_sheet *out, gb_err *e);

/* Reads the file at path (at most GB_SHEET_MAX_BYTES + 1 bytes are read: a larger file is the
 * GB_EINPUT above, checked without reading it whole) and parses it as gb_answer_sheet_parse
 * with name = path. GB_EINPUT also when the file cannot be opened or is not a regular file
 * (message names the path and the reason). */
int gb_answer_sheet_read(const char *path, const gb_question_spec *qs, size_t nq,
                         gb_answer_sheet *out, gb_err *e);

/* Checks the sheet belongs to assignment: GB_EINPUT "name: an answer sheet of assignment 'X',
 * not 'Y'" (X shown as written, cut to 60 bytes), or 0. name may be NULL. */
int gb_answer_sheet_expect(const gb_answer_sheet *s, const char *assignment, const char *name,
                           gb_err *e);

void gb_answer_sheet_free(gb_answer_sheet *s);

/* Parses one number as written by a student (rules above) from text[0..len). Returns 0 and sets
 * *value (finite), or -1 with a reason in why (cap bytes; may be NULL): "is not a number",
 * "uses a thousands separator", "is too long", "is out of range", ... (without the quoted
 * text). Blank text (only spaces) is -1 with why "is blank"; callers test for blank first. */
int gb_sheet_parse_number(const char *text, size_t len, double *value, char *why, size_t cap);

#endif
