/* test_roster.c — roster CSV reading (classroom/roster.h): shared/cases/15, 16 and 17 from their
 * exact bytes, learning-platform headers, encodings, every error with its physical line, and a
 * fuzz run over random bytes. */
#include "classroom/roster.h"
#include "gb_test.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static gb_err err;

static gb_roster *read_fixture(const char *name, char delim)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/rosters/%s", name);
    gb_roster_opts o = {delim, 0};
    gb_roster *r = NULL;
    gb_err_clear(&err);
    int rc = gb_roster_read(gb_test_path(rel), &o, &r, &err);
    GB_ASSERT_MSG((rc == GB_OK) == (r != NULL), "rc %d but roster %p", rc, (void *)r);
    return r;
}

static gb_roster *parse(const char *text)
{
    gb_roster *r = NULL;
    gb_err_clear(&err);
    int rc = gb_roster_parse(text, strlen(text), "mem.csv", NULL, &r, &err);
    GB_ASSERT_MSG((rc == GB_OK) == (r != NULL), "rc %d but roster %p", rc, (void *)r);
    return r;
}

/* The roster failed with GB_EINPUT and the message holds want. */
static void expect_error(gb_roster *r, const char *want)
{
    GB_ASSERT_MSG(r == NULL && err.code == GB_EINPUT && strstr(err.msg, want) != NULL,
                  "want error containing [%s], got code %d: [%s]", want, err.code, err.msg);
    gb_roster_free(r);
}

static void expect_student(const gb_roster *r, size_t i, const char *id, const char *name,
                           unsigned line)
{
    GB_ASSERT_MSG(r && i < r->count, "no student %zu", i);
    if (!r || i >= r->count) return;
    const gb_roster_student *s = &r->students[i];
    GB_ASSERT_MSG(strcmp(s->id, id) == 0, "student %zu id [%s], want [%s]", i, s->id, id);
    GB_ASSERT_MSG(strcmp(s->name, name) == 0, "student %zu name [%s], want [%s]", i, s->name, name);
    GB_ASSERT_MSG(s->line == line, "student %zu line %u, want %u", i, s->line, line);
}

/* text parses to a roster whose first student is (id, name) from line `line`. */
static void expect_one(const char *text, const char *id, const char *name, unsigned line)
{
    gb_roster *r = parse(text);
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    if (r) expect_student(r, 0, id, name, line);
    gb_roster_free(r);
}

/* Reads a fixture's bytes (for checks independent of the parser). */
static char *slurp(const char *name, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/rosters/%s", name);
    FILE *f = fopen(gb_test_path(rel), "rb");
    if (!f) return NULL;
    char *buf = malloc(1 << 16);
    *len = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    if (buf) buf[*len] = '\0';
    return buf;
}

/* ------------------------------------------------------------------ shared/cases/15 */

static void test_case15_bom_crlf(void)
{
    gb_roster *r = read_fixture("roster_bom.csv", 0);
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    if (!r) return;
    CU_ASSERT_EQUAL(r->count, 2);
    CU_ASSERT_EQUAL(r->delim, ',');
    CU_ASSERT_STRING_EQUAL(r->id_column, "student_id");
    CU_ASSERT_STRING_EQUAL(r->columns[0], "student_id"); /* BOM stripped */
    expect_student(r, 0, "s2001", "Marta Beispiel", 2);
    expect_student(r, 1, "s2002", "Jonas Probe", 3);
    const char *mail = gb_roster_field(r, &r->students[1], "email");
    GB_ASSERT_MSG(mail && strcmp(mail, "jonas@example.org") == 0, "email [%s]", mail ? mail : "");
    for (size_t i = 0; i < r->count; i++) {
        const gb_roster_student *s = &r->students[i];
        CU_ASSERT_PTR_NULL(strchr(s->id, '\r'));
        CU_ASSERT_PTR_NULL(strchr(s->name, '\r'));
        CU_ASSERT_PTR_NULL(strchr(s->fname, '\r'));
        for (size_t k = 0; k < r->ncolumns; k++) CU_ASSERT_PTR_NULL(strchr(s->fields[k], '\r'));
    }
    CU_ASSERT_STRING_EQUAL(r->students[0].fname, "s2001");
    gb_roster_free(r);
}

static void test_case15_semicolon_detected(void)
{
    gb_roster *r = read_fixture("roster_semicolon.csv", 0);
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    if (!r) return;
    CU_ASSERT_EQUAL(r->delim, ';');
    CU_ASSERT_EQUAL(r->count, 2);
    CU_ASSERT_EQUAL(r->ncolumns, 4);
    expect_student(r, 0, "s2001", "Marta Beispiel", 2);
    expect_student(r, 1, "s2002", "Jonas Probe", 3);
    /* the decimal comma is kept as text, never read as two fields or as 15 */
    const char *w = gb_roster_field(r, &r->students[0], "weight");
    GB_ASSERT_MSG(w && strcmp(w, "1,5") == 0, "weight [%s]", w ? w : "");
    const char *mail = gb_roster_field(r, &r->students[1], "EMAIL");
    GB_ASSERT_MSG(mail && strcmp(mail, "jonas@example.org") == 0, "email [%s]", mail ? mail : "");
    gb_roster_free(r);
}

static void test_case15_semicolon_forced_comma(void)
{
    /* forced ',' on a ';' file: a clear error naming file and line and the other separator */
    gb_roster *r = read_fixture("roster_semicolon.csv", ',');
    expect_error(r, "roster_semicolon.csv:1: no student ID column");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "1 column: \"student_id;name;email;weight\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "seems to use ';' as separator"));
    /* and the forced right one works */
    r = read_fixture("roster_semicolon.csv", ';');
    CU_ASSERT_PTR_NOT_NULL(r);
    if (r) CU_ASSERT_EQUAL(r->count, 2);
    gb_roster_free(r);
}

static void test_encoding_errors(void)
{
    expect_error(read_fixture("utf16.csv", 0), "utf16.csv:1: the file is UTF-16");
    expect_error(read_fixture("utf16be_nobom.csv", 0), "utf16be_nobom.csv:1:");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "UTF-16"));
    expect_error(read_fixture("empty.csv", 0), "empty.csv:1: empty file");
    /* a BOM in the middle (two exports concatenated) */
    expect_error(parse("id,name\n1,A\n\xef\xbb\xbfid,name\n2,B\n"),
                 "mem.csv:3: byte-order mark (U+FEFF) inside the file");
    /* Windows-1252 'ü' */
    expect_error(parse("id,name\n1,J\xfcrgen\n"), "mem.csv:2: invalid UTF-8 (byte 0xFC)");
    /* a single NUL byte */
    gb_roster *r = NULL;
    gb_err_clear(&err);
    static const char nul[] = "id,name\n1,A\n2,B\0x\n3,C\n4,D\n5,E\n6,F\n7,G\n";
    gb_roster_parse(nul, sizeof nul - 1, "mem.csv", NULL, &r, &err);
    expect_error(r, "mem.csv:3: NUL byte");
    gb_err_clear(&err);
    CU_ASSERT_EQUAL(gb_roster_read("/nonexistent/roster.csv", NULL, &r, &err), GB_EINPUT);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "/nonexistent/roster.csv: cannot open"));
    /* a FIFO (nobody writing) and a folder are refused at once, not waited on or read */
    char dir[256], fifo[300];
    gb_test_tmpdir("roster", dir, sizeof dir);
    snprintf(fifo, sizeof fifo, "%s/roster.csv", dir);
    if (mkfifo(fifo, 0600) == 0) {
        gb_err_clear(&err);
        GB_ASSERT_MSG(gb_roster_read(fifo, NULL, &r, &err) == GB_EINPUT && !r &&
                      strstr(err.msg, "not a regular file"), "a FIFO roster: %s", err.msg);
    }
    gb_err_clear(&err);
    GB_ASSERT_MSG(gb_roster_read(dir, NULL, &r, &err) == GB_EINPUT && !r &&
                  strstr(err.msg, "a folder"), "a folder as roster: %s", err.msg);
    gb_test_rmdir(dir);
}

/* ------------------------------------------------------------------ shared/cases/16 */

static void test_case16_errors(void)
{
    gb_roster *r = read_fixture("roster_quoted.csv", 0);
    expect_error(r, "roster_quoted.csv:6: expected 3 fields, found 4");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "roster_quoted.csv:7: unterminated quoted field"));
    /* line order: 6 before 7 */
    const char *a = strstr(err.msg, ":6:"), *b = strstr(err.msg, ":7:");
    CU_ASSERT(a && b && a < b);
}

/* The valid part of the case (lines 1-5), with LF and with CRLF. */
static void test_case16_valid_rows(void)
{
    size_t len;
    char *all = slurp("roster_quoted.csv", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(all);
    char *cut = strstr(all, "s3004");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cut);
    *cut = '\0';
    for (int crlf = 0; crlf < 2; crlf++) {
        char buf[1024];
        size_t o = 0;
        for (const char *p = all; *p && o + 2 < sizeof buf; p++) {
            if (*p == '\n' && crlf) buf[o++] = '\r';
            buf[o++] = *p;
        }
        buf[o] = '\0';
        gb_roster *r = parse(buf);
        GB_ASSERT_MSG(r != NULL, "crlf %d: %s", crlf, err.msg);
        if (!r) continue;
        CU_ASSERT_EQUAL(r->count, 3);
        expect_student(r, 0, "s3001", "Varga, Nóra", 2);
        expect_student(r, 1, "s3002", "Okoro \"Chi\" Amaka", 3);
        expect_student(r, 2, "s3003", "Haas Emil", 4);
        const char *mail = gb_roster_field(r, &r->students[2], "email");
        GB_ASSERT_MSG(mail && strcmp(mail, "emil@example.org") == 0, "[%s]", mail ? mail : "");
        CU_ASSERT_STRING_EQUAL(r->students[1].fname, "s3002");
        gb_roster_free(r);
    }
    free(all);
}

static void test_quote_errors(void)
{
    /* a quote opened on line 2 that only closes on line 4: reported at line 2, and parsing goes
     * on after it (the ragged row on line 5 is found too) */
    expect_error(parse("id,name\ns1,\"Ann\ns2,Bob\ns3,\"Cy\"\ns4,Dee,x\n"),
                 "mem.csv:2: unterminated quoted field");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "mem.csv:5: expected 2 fields, found 3"));
    /* a quote inside an unquoted field is text */
    expect_one("id,name\ns1,An\"n\n", "s1", "An\"n", 2);
    expect_error(parse("id,name\ns1,\"Ann\" x\n"), "mem.csv:2: text after the closing quote");
    expect_error(parse("id,name\ns1,\"Ann\"x\n"), "mem.csv:2: text after the closing quote");
    expect_error(parse("id,name\ns1,A\ns2,\"B\n\n\n"), "mem.csv:3: unterminated quoted field");
    /* the header itself */
    expect_error(parse("id,\"name\n1,A\n"), "mem.csv:1: unterminated quoted field");
}

/* ------------------------------------------------------------------ shared/cases/17 */

static void test_case17_duplicate(void)
{
    gb_roster *r = read_fixture("roster_dupes.csv", 0);
    expect_error(r, "roster_dupes.csv:4: student_id s4001 already used on line 2");
    /* same name with different IDs is no error */
    CU_ASSERT_PTR_NULL(strstr(err.msg, ":3:"));
    CU_ASSERT_PTR_NULL(strchr(err.msg, '\n')); /* the only error */
}

static void test_case17_without_duplicate(void)
{
    size_t len;
    char *all = slurp("roster_dupes.csv", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(all);
    char *dup = strstr(all, "s4001,Pietro");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dup);
    memmove(dup, strchr(dup, '\n') + 1, strlen(strchr(dup, '\n') + 1) + 1);
    gb_roster *r = parse(all);
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    free(all);
    if (!r) return;
    CU_ASSERT_EQUAL(r->count, 8);
    expect_student(r, 0, "s4001", "Maria Exemplo", 2);
    expect_student(r, 1, "s4002", "Maria Exemplo", 3);
    CU_ASSERT_STRING_NOT_EQUAL(r->students[0].fname, r->students[1].fname);
    expect_student(r, 2, "s4003", "../../tmp/pwned", 4);
    expect_student(r, 4, "s4005", "Zoë Ångström-Łukasz", 6);
    expect_student(r, 6, "s4007", "a|b:c*d?\"e\"<f>", 8);
    /* blank name: documented fallback to the ID */
    expect_student(r, 7, "s4008", "s4008", 9);
    CU_ASSERT_EQUAL(r->students[7].name_is_id, 1);
    CU_ASSERT_EQUAL(r->students[0].name_is_id, 0);
    gb_roster_free(r);
}

/* The unsafe strings of case 17 used as IDs: accepted, with safe, distinct file names. */
static void test_unsafe_ids(void)
{
    gb_roster *r = read_fixture("roster_unsafe_ids.csv", 0);
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    if (!r) return;
    static const char *const want[][2] = {
        {"s4001", "s4001"},
        {"s4002", "s4002"},
        {"../../tmp/pwned", "_tmp_pwned"},
        {"AC/DC Fan", "AC_DC_Fan"},
        {"Zoë Ångström-Łukasz", "Zoë_Ångström-Łukasz"},
        {"CON", "CON_"},
        {"a|b:c*d?\"e\"<f>", "a_b_c_d_e_f"},
        {"2023/0417", "2023_0417"},
        {"../x", "_x"},
        {"s4008", "s4008"},
    };
    CU_ASSERT_EQUAL_FATAL(r->count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < r->count; i++) {
        const gb_roster_student *s = &r->students[i];
        GB_ASSERT_MSG(strcmp(s->id, want[i][0]) == 0 && strcmp(s->fname, want[i][1]) == 0,
                      "student %zu: id [%s] fname [%s], want [%s] [%s]", i, s->id, s->fname,
                      want[i][0], want[i][1]);
        CU_ASSERT_PTR_NULL(strchr(s->fname, '/'));
        CU_ASSERT(strcmp(s->fname, "..") != 0 && s->fname[0] != '.');
    }
    CU_ASSERT_EQUAL(r->students[9].name_is_id, 1);
    gb_roster_free(r);
}

static void test_filename_collisions(void)
{
    expect_error(parse("id,name\na/b,A\nx,X\na_b,B\n"),
                 "mem.csv:4: IDs 'a/b' (line 2) and 'a_b' (line 4) give the same file name a_b");
    expect_error(parse("id,name\nAB,A\nab,B\n"), "mem.csv:3: IDs 'AB' (line 2) and 'ab' (line 3) "
                                                 "give the file names AB and ab, which differ "
                                                 "only in case");
    /* three duplicates: each later one names the first */
    expect_error(parse("id,name\nq,A\nq,B\nr,C\nq,D\n"), "mem.csv:3: id q already used on line 2");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "mem.csv:5: id q already used on line 2"));
    CU_ASSERT_PTR_NULL(strstr(err.msg, "same file name")); /* not reported twice */
}

/* ------------------------------------------------------------------ headers and scripts */

static void test_greek_chinese(void)
{
    gb_roster *r = read_fixture("greek_chinese.csv", 0);
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    if (!r) return;
    CU_ASSERT_EQUAL(r->count, 3);
    /* expected bytes spelled as code points, independent of the file */
    char greek[64], chinese[16];
    static const uint32_t g[] = {0x391, 0x3BB, 0x3AD, 0x3BE, 0x3B1, 0x3BD, 0x3B4, 0x3C1, 0x3BF,
                                 0x3C2, ' ', 0x3A0, 0x3B1, 0x3C0, 0x3B1, 0x3B4, 0x3CC, 0x3C0,
                                 0x3BF, 0x3C5, 0x3BB, 0x3BF, 0x3C2};
    static const uint32_t c[] = {0x738B, 0x5C0F, 0x660E};
    size_t n = 0;
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) n += gb_utf8_encode(g[i], greek + n);
    greek[n] = '\0';
    n = 0;
    for (size_t i = 0; i < 3; i++) n += gb_utf8_encode(c[i], chinese + n);
    chinese[n] = '\0';
    expect_student(r, 0, "g01", greek, 2);
    expect_student(r, 1, "c01", chinese, 3);
    expect_student(r, 2, "j01", "佐々木 花子", 4);
    gb_roster_free(r);
}

static void test_moodle_export(void)
{
    gb_roster *r = read_fixture("moodle.csv", 0);
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    if (!r) return;
    CU_ASSERT_EQUAL(r->delim, ';');
    CU_ASSERT_STRING_EQUAL(r->id_column, "ID number");
    CU_ASSERT_EQUAL(r->count, 3);
    expect_student(r, 0, "m1001", "Anna Schmidt", 2);
    expect_student(r, 1, "m1002", "Jürgen Müller-Lüdenscheidt", 3);
    expect_student(r, 2, "m1003", "Li Wei", 4);
    gb_roster_free(r);
}

static void test_platform_headers(void)
{
    /* Canvas: SIS User ID preferred over the internal ID; "Student" is the name */
    gb_roster *r = parse("Student,ID,SIS User ID,SIS Login ID,Section\n"
                         "\"Doe, Jane\",1234,S-77,jdoe,A\n");
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    if (r) {
        CU_ASSERT_STRING_EQUAL(r->id_column, "SIS User ID");
        expect_student(r, 0, "S-77", "Doe, Jane", 2);
    }
    gb_roster_free(r);
    /* German: Vorname + Nachname, Matrikelnummer, any case and spacing */
    expect_one("  NACHNAME ; Vorname;Matrikelnummer ;E-Mail\nMüller;Anna;4711;a@x.de\n", "4711",
               "Anna Müller", 2);
    /* email only when no other ID column */
    expect_one("Email,Full Name\nann@x.org,Ann\n", "ann@x.org", "Ann", 2);
    expect_one("email,Student-ID,name\nann@x.org,s9,Ann\n", "s9", "Ann", 2);
    /* a first name alone is a name */
    r = parse("username\tgiven name\nu1\tAnn\n");
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    if (r) {
        CU_ASSERT_EQUAL(r->delim, '\t');
        expect_student(r, 0, "u1", "Ann", 2);
    }
    gb_roster_free(r);
    /* Excel's separator hint line */
    expect_one("sep=;\r\nid;name\r\n1;A, B\r\n", "1", "A, B", 3);
}

static void test_header_errors(void)
{
    expect_error(read_fixture("no_id.csv", 0), "no_id.csv:1: no student ID column in the header "
                                               "(3 columns: \"Full name\", \"Group\", \"Points\")");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "student_id"));
    expect_error(parse("id,email\n1,a@b\n"), "mem.csv:1: no name column");
    expect_error(parse("\n\n  \n"), "mem.csv:1: no header line");
    expect_error(parse("\n\nid,name\n\n"), "mem.csv:3: no student rows after the header");
    expect_error(parse("id|name\n1|A\n"), "mem.csv:1: no student ID column");
}

/* ------------------------------------------------------------------ rows */

static void test_row_errors(void)
{
    expect_error(parse("id,name\n ,Ann\n"), "mem.csv:2: empty id (name 'Ann')");
    expect_error(parse("id,name\n\"s\x01x\",Ann\n"), "mem.csv:2: id contains the control "
                                                     "character U+0001");
    expect_error(parse("id,name\n\"s\tx\",Ann\n"), "U+0009");
    expect_error(parse("id,name\n\"s\ny\",Ann\n"), "mem.csv:2: id contains the control "
                                                   "character U+000A");
    expect_error(parse("id,name\ns1,\"A\x02" "b\"\n"), "mem.csv:2: name of s1 contains the "
                                                      "control character U+0002");
    expect_error(parse("id,name\ns1,A\ns2\n"), "mem.csv:3: expected 2 fields, found 1");
    char longid[400];
    snprintf(longid, sizeof longid, "id,name\n%0250d,Ann\n", 7);
    expect_error(parse(longid), "mem.csv:2: id '000000000");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "too long for a file name"));
    /* all errors, in line order */
    expect_error(parse("id,name\ns1,A,x\ns2,\"B\"x\ns1,C\n,D\ns5,E\ns1,F\n"),
                 "mem.csv:2: expected 2 fields, found 3\n"
                 "mem.csv:3: text after the closing quote");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "\nmem.csv:5: empty id (name 'D')\n"
                                           "mem.csv:7: id s1 already used on line 4"));
}

static void test_many_errors_truncated(void)
{
    size_t cap = 64 + 300 * 16;
    char *buf = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    size_t o = (size_t)snprintf(buf, cap, "id,name\n");
    for (int i = 0; i < 300; i++) o += (size_t)snprintf(buf + o, cap - o, "s%d,A,x\n", i);
    gb_roster *r = parse(buf);
    expect_error(r, "mem.csv:2: expected 2 fields, found 3\nmem.csv:3: expected");
    CU_ASSERT(strlen(err.msg) < sizeof err.msg - 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "more errors)"));
    /* the count is right: shown lines + N = 300 */
    size_t shown = 1;
    for (const char *p = err.msg; (p = strchr(p, '\n')); p++) shown++;
    const char *more = strrchr(err.msg, '(');
    unsigned long rest = more ? strtoul(more + 1, NULL, 10) : 0;
    CU_ASSERT_EQUAL(shown - 1 + rest, 300);
    free(buf);
}

static void test_blank_rows_and_lines(void)
{
    /* blank lines, whitespace lines and Excel's ";;" rows are skipped; lines stay physical */
    gb_roster *r = parse("\n\xef\xbb\xbf");
    expect_error(r, "mem.csv:2: byte-order mark"); /* a BOM after a blank line is mid-file */
    r = parse("id;name\r\n\r\n;;\r\n  \r\ns1; \"Ann\" \r\n;\r\n\"s2\";Bo\r\n");
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    if (!r) return;
    CU_ASSERT_EQUAL(r->count, 2);
    expect_student(r, 0, "s1", "Ann", 5);
    expect_student(r, 1, "s2", "Bo", 7);
    CU_ASSERT_PTR_NOT_NULL(gb_roster_find(r, "s2"));
    CU_ASSERT_PTR_NULL(gb_roster_find(r, "s3"));
    CU_ASSERT_PTR_NULL(gb_roster_field(r, &r->students[0], "email"));
    gb_roster_free(r);
    /* CR-only line endings and a last line without newline */
    r = parse("id,name\rs1,A\r\rs2,\"B\rC\"");
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    if (r) {
        expect_student(r, 0, "s1", "A", 2);
        expect_student(r, 1, "s2", "B C", 4);
    }
    gb_roster_free(r);
    /* a name spread over lines with blanks around the break; inner spaces kept as written */
    expect_one("id,name\ns1,\"  Haas  \r\n   Emil  von   Ort \"\n", "s1",
               "Haas Emil  von   Ort", 2);
}

/* tests/data/rosters/class30.csv, also used by the end-to-end tests. */
static void test_class30(void)
{
    size_t len;
    char *raw = slurp("class30.csv", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
    gb_roster *r = read_fixture("class30.csv", 0);
    GB_ASSERT_MSG(r != NULL, "%s", err.msg);
    if (!r) {
        free(raw);
        return;
    }
    CU_ASSERT_EQUAL(r->count, 30);
    CU_ASSERT_EQUAL(r->delim, ';');
    CU_ASSERT_STRING_EQUAL(r->students[0].id, "s1001");
    for (size_t i = 0; i < r->count; i++) {
        const gb_roster_student *s = &r->students[i];
        /* the row's line, found independently: count the newlines before "\n<id>;" */
        char key[64];
        snprintf(key, sizeof key, "\n%s;", s->id);
        const char *at = strstr(raw, key);
        unsigned line = 1;
        for (const char *p = raw; at && p <= at; p++) line += *p == '\n';
        GB_ASSERT_MSG(at && s->line == line, "%s: line %u, want %u", s->id, s->line, line);
        for (size_t j = 0; j < i; j++) CU_ASSERT_STRING_NOT_EQUAL(s->fname, r->students[j].fname);
    }
    const gb_roster_student *s = gb_roster_find(r, "s1003");
    CU_ASSERT(s && strcmp(s->name, "Varga, Nóra") == 0);
    s = gb_roster_find(r, "s1005");
    CU_ASSERT(s && strcmp(s->name, "王小明") == 0);
    s = gb_roster_find(r, "s1004");
    CU_ASSERT(s && strcmp(s->name, "Αλέξανδρος Παπαδόπουλος") == 0);
    s = gb_roster_find(r, "s1008");
    CU_ASSERT(s && strcmp(s->name, "Okoro \"Chi\" Amaka") == 0);
    s = gb_roster_find(r, "2023/0417");
    CU_ASSERT(s && strcmp(s->fname, "2023_0417") == 0 && s->line == 31);
    gb_roster_free(r);
    free(raw);
}

static void test_api_misuse(void)
{
    gb_roster *r = (gb_roster *)&err; /* must be overwritten */
    gb_err_clear(&err);
    gb_roster_opts o = {'|', 0};
    CU_ASSERT_EQUAL(gb_roster_parse("id,name\n1,A\n", 12, "x", &o, &r, &err), GB_EINPUT);
    CU_ASSERT_PTR_NULL(r);
    gb_err_clear(&err);
    CU_ASSERT_EQUAL(gb_roster_parse("id,name\n1,A\n", 12, NULL, NULL, NULL, &err), GB_EINTERNAL);
    /* data need not be NUL-terminated: only len bytes are read */
    gb_err_clear(&err);
    CU_ASSERT_EQUAL(gb_roster_parse("id,name\n1,A\n2,B", 12, NULL, NULL, &r, &err), GB_OK);
    CU_ASSERT(r && r->count == 1);
    gb_roster_free(r);
    gb_roster_free(NULL);
}

/* ------------------------------------------------------------------ fuzz */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

/* What a successful parse promises, checked on its result. */
static void check_roster(const gb_roster *r)
{
    CU_ASSERT(r->count > 0);
    for (size_t i = 0; i < r->count; i++) {
        const gb_roster_student *s = &r->students[i];
        CU_ASSERT(s->id[0] != '\0' && s->name[0] != '\0' && s->fname[0] != '\0');
        CU_ASSERT(gb_utf8_valid(s->name, strlen(s->name), NULL));
        CU_ASSERT(strchr(s->name, '\n') == NULL && strchr(s->name, '\r') == NULL);
        CU_ASSERT(strchr(s->fname, '/') == NULL);
        if (i > 0) {
            CU_ASSERT(s->line > r->students[i - 1].line);
            CU_ASSERT(strcmp(s->id, r->students[i - 1].id) != 0);
        }
    }
}

static void fuzz(int structured, int iterations)
{
    static const char *const atoms[] = {",", ";", "\"", "\"\"", "\n", "\r\n", "\r", " ", "\t",
                                        "a", "s1", "s2", "Ann", "é", "中", "/", "..", "\xef\xbb\xbf",
                                        "\xff", "\xc3", "\x01", "id", "name", "CON"};
    const size_t natoms = sizeof atoms / sizeof atoms[0];
    static const char *const heads[] = {"id,name\n", "student_id;name;email\r\n",
                                        "\xef\xbb\xbfid,name\n", "First name;Last name;ID number\n",
                                        ""};
    char buf[2048];
    int ok = 0;
    for (int it = 0; it < iterations; it++) {
        size_t n = 0;
        if (structured) {
            const char *h = heads[rnd() % 5];
            n = strlen(h);
            memcpy(buf, h, n);
            size_t parts = rnd() % 120;
            for (size_t k = 0; k < parts; k++) {
                const char *a = atoms[rnd() % natoms];
                size_t l = strlen(a);
                memcpy(buf + n, a, l);
                n += l;
            }
        } else {
            n = rnd() % 600;
            for (size_t k = 0; k < n; k++) buf[k] = (char)(rnd() & 0xFF);
        }
        gb_roster *r = NULL;
        gb_err e;
        gb_err_clear(&e);
        gb_roster_opts o = {0, 1};
        int rc = gb_roster_parse(buf, n, "fuzz.csv", &o, &r, &e);
        GB_ASSERT_MSG(rc == GB_OK || rc == GB_EINPUT, "rc %d", rc);
        GB_ASSERT_MSG((rc == GB_OK) == (r != NULL), "rc %d, roster %p", rc, (void *)r);
        if (r) {
            check_roster(r);
            ok++;
        } else {
            GB_ASSERT_MSG(strncmp(e.msg, "fuzz.csv", 8) == 0, "message [%s]", e.msg);
        }
        gb_roster_free(r);
    }
    if (structured) GB_ASSERT_MSG(ok > 0, "no structured input was accepted: fuzz too narrow");
}

static void test_fuzz_structured(void) { fuzz(1, 4000); }

/* Generated valid rosters with known content: random names with quotes, separators and line
 * breaks, quoted as a spreadsheet would; every student, name and physical line must come back. */
static void test_generated_rosters(void)
{
    static const char *const words[] = {"Ann", "é", "中", "O\"Neil", "x y", "Ζωή", "a,b", "c;d"};
    static const char *const joins[] = {"", " ", "\n", "\r\n", ",", ";", "\"", "-"};
    enum { ROWS = 12, NAME = 96 };
    for (int it = 0; it < 500; it++) {
        char delim = (rnd() & 1) ? ',' : ';';
        const char *eol = (rnd() & 1) ? "\r\n" : "\n";
        char buf[ROWS * 4 * NAME + 64], want[ROWS][NAME];
        unsigned want_line[ROWS], line = 2;
        size_t o = (size_t)snprintf(buf, sizeof buf, "%sname%cstudent_id%s",
                                    (rnd() & 1) ? "\xef\xbb\xbf" : "", delim, eol);
        for (int r = 0; r < ROWS; r++) {
            char raw[NAME];
            size_t n = 0, w = 0;
            unsigned breaks = 0;
            int parts = 1 + (int)(rnd() % 3);
            for (int k = 0; k < parts; k++) {
                const char *wd = words[rnd() % 8];
                const char *j = k + 1 < parts ? joins[rnd() % 8] : "";
                n += (size_t)snprintf(raw + n, sizeof raw - n, "%s%s", wd, j);
                /* expected: a line break becomes one space */
                int br = j[0] == '\n' || j[0] == '\r';
                breaks += br;
                w += (size_t)snprintf(want[r] + w, NAME - w, "%s%s", wd, br ? " " : j);
            }
            int quote = strchr(raw, delim) || strchr(raw, '"') || strchr(raw, '\n') || (rnd() & 1);
            want_line[r] = line;
            buf[o++] = quote ? '"' : ' ';
            for (size_t k = 0; k < n; k++) {
                if (raw[k] == '"') buf[o++] = '"';
                buf[o++] = raw[k];
            }
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%c s%d %s", quote ? "\"" : "",
                                  delim, r, eol);
            line += breaks + 1;
            if (rnd() % 4 == 0) { /* a blank line */
                o += (size_t)snprintf(buf + o, sizeof buf - o, "%s", eol);
                line++;
            }
        }
        buf[o] = '\0';
        gb_roster *r = NULL;
        gb_err_clear(&err);
        int rc = gb_roster_parse(buf, o, "gen.csv", NULL, &r, &err);
        GB_ASSERT_MSG(rc == GB_OK && r && r->count == ROWS, "rc %d: %s\n%s", rc, err.msg, buf);
        if (!r || r->count != ROWS) {
            gb_roster_free(r);
            return;
        }
        CU_ASSERT_EQUAL(r->delim, delim);
        for (int k = 0; k < ROWS; k++) {
            char id[16];
            snprintf(id, sizeof id, "s%d", k);
            expect_student(r, (size_t)k, id, want[k], want_line[k]);
        }
        gb_roster_free(r);
    }
}
static void test_fuzz_random_bytes(void) { fuzz(0, 2000); }

/* Names and IDs in messages (gb_utf8_ellipsize): whole when short, else cut at a character
 * boundary before "...", never past the buffer. "é" is 2 bytes, "王" 3. */
static void test_ellipsize(void)
{
    char out[16];
    gb_utf8_ellipsize(out, sizeof out, "short", 10);
    GB_ASSERT_MSG(!strcmp(out, "short"), "whole: %s", out);
    gb_utf8_ellipsize(out, sizeof out, "abcdefgh", 4);
    GB_ASSERT_MSG(!strcmp(out, "abcd..."), "cut at 4: %s", out);
    gb_utf8_ellipsize(out, sizeof out, "ab\xC3\xA9\xC3\xA9", 3);   /* abéé: cut inside é */
    GB_ASSERT_MSG(!strcmp(out, "ab..."), "cut before the split é: %s", out);
    /* six 王 (18 bytes) into 16: room for 12 bytes before "..." and its NUL: four 王 */
    gb_utf8_ellipsize(out, sizeof out, "\xE7\x8E\x8B\xE7\x8E\x8B\xE7\x8E\x8B\xE7\x8E\x8B"
                      "\xE7\x8E\x8B\xE7\x8E\x8B", 60);
    GB_ASSERT_MSG(!strcmp(out, "\xE7\x8E\x8B\xE7\x8E\x8B\xE7\x8E\x8B\xE7\x8E\x8B..."),
                  "six characters into 16 bytes: %s", out);
    GB_ASSERT_MSG(gb_utf8_valid(out, strlen(out), NULL), "a character was cut");
}

GB_TEST_SUITE(roster)
{
    CU_pSuite s = CU_add_suite("roster", NULL, NULL);
    GB_ADD(s, test_case15_bom_crlf);
    GB_ADD(s, test_ellipsize);
    GB_ADD(s, test_case15_semicolon_detected);
    GB_ADD(s, test_case15_semicolon_forced_comma);
    GB_ADD(s, test_encoding_errors);
    GB_ADD(s, test_case16_errors);
    GB_ADD(s, test_case16_valid_rows);
    GB_ADD(s, test_quote_errors);
    GB_ADD(s, test_case17_duplicate);
    GB_ADD(s, test_case17_without_duplicate);
    GB_ADD(s, test_unsafe_ids);
    GB_ADD(s, test_filename_collisions);
    GB_ADD(s, test_greek_chinese);
    GB_ADD(s, test_moodle_export);
    GB_ADD(s, test_platform_headers);
    GB_ADD(s, test_header_errors);
    GB_ADD(s, test_row_errors);
    GB_ADD(s, test_many_errors_truncated);
    GB_ADD(s, test_blank_rows_and_lines);
    GB_ADD(s, test_class30);
    GB_ADD(s, test_api_misuse);
    GB_ADD(s, test_fuzz_structured);
    GB_ADD(s, test_fuzz_random_bytes);
    GB_ADD(s, test_generated_rosters);
}
