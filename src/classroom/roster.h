/* roster.h — reading a class roster (CSV, as spreadsheets and learning platforms export it, parsed
 * with libcsv) into students {ID, name, file name, line}, with every row error reported by line.
 *
 * Accepted files (shared/cases/15, 16, 17):
 *   - Encoding: UTF-8, with or without a byte-order mark; the BOM is stripped once, at the start
 *     only. A UTF-16/32 file (BOM FF FE or FE FF, or NUL bytes), a BOM elsewhere in the file,
 *     NUL bytes and invalid UTF-8 are encoding errors naming the file and line.
 *   - Line endings: LF, CRLF or CR. Lines are physical lines as an editor shows them (CRLF counts
 *     once); they are counted while the bytes are fed to libcsv, since libcsv reports none.
 *   - Separator: ',', ';' or tab. Unless forced (gb_roster_opts.delim), it is detected from the
 *     header row: the candidate under which the header has a recognised ID column (see below),
 *     preferring one that also yields a name column, then the one giving the most fields, then
 *     the order ',', ';', tab. When none does, ',' is used and the "no ID column" error says
 *     which separator the file seems to use. An Excel hint line "sep=X" as the first line sets
 *     the separator (unless forced) and is skipped.
 *   - Quoting per RFC 4180: quoted fields may hold separators, doubled quotes ("") and line
 *     breaks. A field must not continue after its closing quote ("Ann"x is an error, reported
 *     where the quote opened when that was on an earlier line: a forgotten closing quote); a quote
 *     never closed is an error at the line where it opened. A quote inside an unquoted field
 *     (a"b) is kept as a character, as Excel and most CSV readers do — so libcsv runs in its
 *     lenient mode (CSV_APPEND_NULL only) and roster.c checks the quotes itself while feeding it.
 *     Blanks (space, tab) around fields are trimmed.
 *   - Blank lines, and rows whose fields are all empty (Excel writes ";;;" for formatted empty
 *     rows), are skipped.
 *
 * Header: the first non-blank row. Column names are compared after trimming, ASCII lower-casing,
 * turning '_' and '-' into spaces and collapsing runs of spaces, so "Student_ID", "student id"
 * and "STUDENT-ID" are the same. When several ID columns are present, the earliest in this list
 * of preference wins (then the leftmost):
 *   ID:   "student id", "studentid", "student number", "matriculation number", "matriculation",
 *         "matrikelnummer", "matr.nr.", "matr. nr.", "matr nr", "sis user id", "id number",
 *         "idnumber", "identifier", "id", "username", "user name", "login id", "sis login id",
 *         "user id", "userid", "login", and — only when none of these is present — "email",
 *         "email address", "e mail", "e mail address", "mail".
 *         (Canvas' "SIS User ID" is preferred over its internal "ID"; Moodle's "ID number" over
 *         its "Email address".)
 *   Name: "name", "full name", "fullname", "student name", "student", "display name"; or else a
 *         first-name column ("first name", "firstname", "given name", "givenname", "forename",
 *         "vorname") and/or a last-name column ("last name", "lastname", "surname",
 *         "family name", "familyname", "nachname"), combined as "First Last" (Moodle, Canvas).
 * Other columns (email, section, weight, ...) are kept as text (trimmed, nothing converted: a
 * decimal comma "1,5" stays "1,5") and can be read with gb_roster_field.
 *
 * Values: ID and name are kept exactly as written, UTF-8, after trimming surrounding blanks and
 * line breaks. In a name, a run of blanks containing a line break becomes one space ("Haas" +
 * line break + "Emil" -> "Haas Emil") and a tab becomes a space, for printing. An empty name falls
 * back to the ID, with a warning (gb_warn) naming the row; the student's name_is_id is then 1.
 *
 * Errors (GB_EINPUT; nothing is returned): the file cannot be read or is larger than 64 MiB; an
 * empty file or no header; the encoding errors above; no ID column (the message lists the header
 * seen and the accepted names, and says when the file seems to use another separator); no name
 * column; a header but no student rows; and per row: "expected N fields, found M", an unterminated
 * quoted field (reported at the line where the quote opened), text after a closing quote, an
 * empty ID, an ID with a control character (C0, DEL, C1, line
 * separators U+2028/2029, bidi controls U+202A-202E, U+2066-2069), a name with a control character
 * other than tab and line breaks, an ID too long for a file name (gb_filename_from_id: more than
 * GB_FILENAME_MAX bytes after sanitising), a duplicate ID ("student_id s4001 already used on line
 * 2", naming the ID column as the header writes it), and two IDs whose file names are equal or
 * differ only in ASCII case (the same file on Windows and macOS): "IDs 'a/b' (line 3) and 'a_b'
 * (line 5) give the same file name a_b".
 * Every error found is reported (parsing resumes on the next line after a quoting error), in line
 * order, one per line of the message: "FILE:LINE: text\nFILE:LINE: text..."; a message that would
 * exceed gb_err's buffer ends with "(N more errors)". GB_EINTERNAL: out of memory. */
#ifndef GB_ROSTER_H
#define GB_ROSTER_H

#include "classroom/filename.h"
#include "util/diag.h"

#include <stddef.h>

typedef struct gb_roster_student {
    char *id;     /* as written, trimmed; UTF-8, NUL-terminated; never empty */
    char *name;   /* as written, trimmed, line breaks -> one space; the ID when name_is_id */
    char fname[GB_FILENAME_MAX + 1]; /* gb_filename_from_id(id): unique within the roster */
    unsigned line;   /* physical line (1-based) where the student's row starts */
    int name_is_id;  /* 1 when the name cell was empty and name is a copy of id */
    char **fields;   /* the row's ncolumns cells (gb_roster.ncolumns), trimmed, as written */
} gb_roster_student;

typedef struct gb_roster {
    gb_roster_student *students; /* count students, in file order */
    size_t count;
    char delim;           /* separator used: ',', ';' or '\t' */
    char *id_column;      /* the ID column's header as written (trimmed), e.g. "student_id" */
    char **columns;       /* the ncolumns header cells, trimmed, as written */
    size_t ncolumns;
} gb_roster;

typedef struct gb_roster_opts {
    char delim; /* 0: detect from the header (see above); ',', ';' or '\t': forced */
    int quiet;  /* 1: no gb_warn for empty names (name_is_id still marks them) */
} gb_roster_opts;

/* Not thread-safe (messages are built in static buffers): read rosters from one thread. */

/* Reads the roster at path (opts may be NULL: detect the separator). On success *out gets a new
 * roster (caller frees with gb_roster_free) and 0 is returned; on error *out is NULL, e gets the
 * message (all errors, see above; FILE is path as given) and the code is returned. */
int gb_roster_read(const char *path, const gb_roster_opts *opts, gb_roster **out, gb_err *e);

/* The same for len bytes in memory (need not be NUL-terminated); label names the data in
 * messages (e.g. the file name). */
int gb_roster_parse(const char *data, size_t len, const char *label, const gb_roster_opts *opts,
                    gb_roster **out, gb_err *e);

/* The student with exactly this ID (byte comparison), borrowed from r, or NULL. */
const gb_roster_student *gb_roster_find(const gb_roster *r, const char *id);

/* The cell of student s (a student of r) in the column whose header is column (compared as header
 * names are: ASCII case does not matter, and '_', '-' and blanks are all one space,
 * so "e-mail" finds "E_Mail"), borrowed from r; NULL when r has no such column. */
const char *gb_roster_field(const gb_roster *r, const gb_roster_student *s, const char *column);

/* Frees r and everything in it; NULL is fine. */
void gb_roster_free(gb_roster *r);

#endif
