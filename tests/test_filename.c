/* test_filename.c — the student-ID-to-file-name rule (classroom/filename.h): shared/cases/17's
 * unsafe names, letters of every script kept, Windows device names, limits, and random IDs checked
 * against the rule's promised properties. */
#include "classroom/filename.h"
#include "gb_test.h"
#include "util/diag.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void expect_name(const char *id, const char *want)
{
    char out[GB_FILENAME_MAX + 1];
    int rc = gb_filename_from_id(id, out, sizeof out);
    GB_ASSERT_MSG(rc == GB_OK && strcmp(out, want) == 0, "id '%s': rc %d, got '%s', want '%s'",
                  id, rc, out, want);
}

/* shared/cases/17: path traversal, separators, shell characters, readable Unicode, CON. */
static void test_case17_names(void)
{
    expect_name("../../tmp/pwned", "_tmp_pwned");
    expect_name("AC/DC Fan", "AC_DC_Fan");
    expect_name("Zoë Ångström-Łukasz", "Zoë_Ångström-Łukasz");
    expect_name("CON", "CON_");
    expect_name("a|b:c*d?\"e\"<f>", "a_b_c_d_e_f");
    expect_name("Maria Exemplo", "Maria_Exemplo");
    expect_name("s4001", "s4001");
    expect_name("2023/0417", "2023_0417");
    expect_name("../x", "_x");
    expect_name("a/b", "a_b");
    expect_name("a\\b", "a_b");
    expect_name("a_b", "a_b");
    expect_name("Okoro \"Chi\" Amaka", "Okoro_Chi_Amaka");
    expect_name("Varga, Nóra", "Varga_Nóra");
    expect_name("marta@example.org", "marta_example_org");
}

/* Rules 3-5: runs collapse, no leading '-', a trailing '_' goes unless it is all there is. */
static void test_edges(void)
{
    expect_name("-rf", "_rf");
    expect_name("--", "_-");
    expect_name(".", "_");
    expect_name("..", "_");
    expect_name("/", "_");
    expect_name("_", "_");
    expect_name("a__b", "a_b");
    expect_name("a. b", "a_b");
    expect_name("x-", "x-");
    expect_name("a\tb\nc\rd", "a_b_c_d");
    expect_name("a\x7f" "b", "a_b");
    expect_name(" lead", "_lead");
    expect_name("trail ", "trail");
    expect_name("a\xff" "b", "a_b");       /* invalid UTF-8 byte */
    expect_name("a\xc3" "b", "a_b");       /* truncated sequence */
}

static void test_windows_reserved(void)
{
    static const char *const reserved[] = {"con", "Con", "PRN", "aux", "NUL", "nul", "COM1",
                                           "com9", "LPT1", "lpt9", "CON/", "AUX.", "con:"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        char out[GB_FILENAME_MAX + 1];
        GB_ASSERT_MSG(gb_filename_from_id(reserved[i], out, sizeof out) == GB_OK, "%s", reserved[i]);
        size_t n = strlen(out);
        /* altered: the name plus '_' (independently: the upper-cased stem is a device name) */
        GB_ASSERT_MSG(n >= 4 && out[n - 1] == '_', "'%s' -> '%s' not altered", reserved[i], out);
    }
    expect_name("CON.txt", "CON_txt");
    expect_name("CONX", "CONX");
    expect_name("COM0", "COM0");
    expect_name("COM10", "COM10");
    expect_name("LPT", "LPT");
    expect_name("NULL", "NULL");
    expect_name("COM¹", "COM");    /* superscript one is not a digit of ours: COM alone is fine */
}

/* Letters, digits and marks of other scripts are kept byte for byte. */
static void test_scripts_kept(void)
{
    static const char *const ids[] = {
        "Αλέξανδρος", "王小明", "佐々木", "Владимир", "محمد", "שרה", "देवनागरी", "김민준",
        "Ｓ１２", "ไทย", "µ", "Zoe\xcc\x88", /* decomposed ë: the combining mark stays */
        "ǅemal", "ßüöä",
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) expect_name(ids[i], ids[i]);
}

/* Punctuation, spaces, controls and symbols beyond ASCII are replaced. */
static void test_unicode_replaced(void)
{
    expect_name("a\xc2\xa0" "b", "a_b");           /* no-break space */
    expect_name("a\xe2\x80\xae" "b", "a_b");       /* right-to-left override */
    expect_name("a\xe2\x80\x8b" "b", "a_b");       /* zero-width space */
    expect_name("a\xe2\x88\x95" "b", "a_b");       /* division slash */
    expect_name("a\xe2\x81\x84" "b", "a_b");       /* fraction slash */
    expect_name("a\xef\xbc\x8f" "b", "a_b");       /* fullwidth solidus */
    expect_name("a\xef\xb9\xa8" "b", "a_b");       /* small reverse solidus */
    expect_name("a\xe3\x80\x80" "b", "a_b");       /* ideographic space */
    expect_name("a\xe3\x80\x82" "b", "a_b");       /* ideographic full stop */
    expect_name("a\xc3\x97" "b", "a_b");           /* multiplication sign */
    expect_name("a\xf0\x9f\x98\x80" "b", "a_b");   /* emoji */
    expect_name("a\xef\xbb\xbf" "b", "a_b");       /* U+FEFF */
    expect_name("a\xee\x80\x80" "b", "a_b");       /* private use */
    expect_name("a\xc2\x85" "b", "a_b");           /* C1 next line */
    expect_name("a\xcd\xbe" "b", "a_b");           /* Greek question mark */
    expect_name("\xe2\x80\xae", "_");
}

static void test_limits(void)
{
    char id[512], out[GB_FILENAME_MAX + 1];
    memset(id, 'a', GB_FILENAME_MAX);
    id[GB_FILENAME_MAX] = '\0';
    CU_ASSERT_EQUAL(gb_filename_from_id(id, out, sizeof out), GB_OK);
    CU_ASSERT_EQUAL(strlen(out), GB_FILENAME_MAX);
    id[GB_FILENAME_MAX] = '/';                  /* the trailing '_' is trimmed: still fits */
    id[GB_FILENAME_MAX + 1] = '\0';
    CU_ASSERT_EQUAL(gb_filename_from_id(id, out, sizeof out), GB_OK);
    id[GB_FILENAME_MAX] = 'a';
    CU_ASSERT_EQUAL(gb_filename_from_id(id, out, sizeof out), GB_EINPUT);
    CU_ASSERT_STRING_EQUAL(out, "");
    /* 67 CJK characters are 201 bytes */
    size_t n = 0;
    for (int i = 0; i < 67; i++) n += gb_utf8_encode(0x4E2D, id + n);
    id[n] = '\0';
    CU_ASSERT_EQUAL(gb_filename_from_id(id, out, sizeof out), GB_EINPUT);
    id[n - 3] = '\0';
    CU_ASSERT_EQUAL(gb_filename_from_id(id, out, sizeof out), GB_OK);
    CU_ASSERT_EQUAL(strlen(out), 198);
    /* a long ID of separators collapses */
    memset(id, '/', 500);
    id[500] = '\0';
    CU_ASSERT_EQUAL(gb_filename_from_id(id, out, sizeof out), GB_OK);
    CU_ASSERT_STRING_EQUAL(out, "_");

    CU_ASSERT_EQUAL(gb_filename_from_id("", out, sizeof out), GB_EINPUT);
    CU_ASSERT_EQUAL(gb_filename_from_id(NULL, out, sizeof out), GB_EINTERNAL);
    CU_ASSERT_EQUAL(gb_filename_from_id("abc", NULL, 4), GB_EINTERNAL);
    char small[4];
    CU_ASSERT_EQUAL(gb_filename_from_id("abcd", small, sizeof small), GB_EINTERNAL);
    CU_ASSERT_STRING_EQUAL(small, "");
    CU_ASSERT_EQUAL(gb_filename_from_id("abc", small, sizeof small), GB_OK);
    CU_ASSERT_STRING_EQUAL(small, "abc");
    CU_ASSERT_EQUAL(gb_filename_from_id("CON", small, sizeof small), GB_EINTERNAL); /* "CON_" */
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

/* The properties filename.h promises, checked on an output (independently of how it is made). */
static void check_safe(const char *id, const char *out)
{
    size_t n = strlen(out);
    GB_ASSERT_MSG(n >= 1 && n <= GB_FILENAME_MAX, "length %zu", n);
    GB_ASSERT_MSG(gb_utf8_valid(out, n, NULL), "invalid UTF-8 from '%s'", id);
    GB_ASSERT_MSG(out[0] != '-' && out[0] != '.', "leading '%c'", out[0]);
    GB_ASSERT_MSG(strstr(out, "__") == NULL, "'__' in '%s'", out);
    if (n > 1 && out[n - 1] == '_') { /* only a Windows device name gets a trailing '_' */
        char stem[8] = "";
        for (size_t i = 0; i + 1 < n && i < 7; i++)
            stem[i] = (char)((out[i] >= 'a' && out[i] <= 'z') ? out[i] - 32 : out[i]);
        int dev = n - 1 <= 4 && (!strcmp(stem, "CON") || !strcmp(stem, "PRN") ||
                                 !strcmp(stem, "AUX") || !strcmp(stem, "NUL") ||
                                 ((!strncmp(stem, "COM", 3) || !strncmp(stem, "LPT", 3)) &&
                                  stem[3] >= '1' && stem[3] <= '9' && stem[4] == '\0'));
        GB_ASSERT_MSG(dev, "trailing '_' in '%s'", out);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)out[i];
        GB_ASSERT_MSG(c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                          (c >= 'A' && c <= 'Z') || c == '-' || c == '_',
                      "byte 0x%02X in '%s'", c, out);
    }
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += gb_utf8_decode(out + i, n - i, &cp);
        GB_ASSERT_MSG(cp < 0x80 || cp >= 0xC0 || cp == 0xAA || cp == 0xB5 || cp == 0xBA,
                      "U+%04X kept", (unsigned)cp);
        GB_ASSERT_MSG(!(cp >= 0x2000 && cp <= 0x2BFF) && cp != 0xFEFF && cp != 0xFFFD &&
                          !(cp >= 0xE000 && cp <= 0xF8FF),
                      "U+%04X kept", (unsigned)cp);
    }
    /* applying the rule again changes nothing */
    char again[GB_FILENAME_MAX + 1];
    GB_ASSERT_MSG(gb_filename_from_id(out, again, sizeof again) == GB_OK && strcmp(again, out) == 0,
                  "not idempotent: '%s' -> '%s'", out, again);
}

/* Random IDs from an alphabet rich in separators, dots, controls and multi-byte letters. */
static void test_random_ids(void)
{
    static const char *const atoms[] = {
        "a", "Z", "0", "-", "_", ".", "..", "/", "\\", ":", "*", "?", "\"", "<", ">", "|", " ",
        "\t", "\n", "\x01", "\x7f", "é", "Ł", "中", "々", "\xe2\x80\xae", "\xef\xbc\x8f", "\xff",
        "\xc3", "\xcc\x88", "CON", "com1", "\xf0\x9f\x98\x80", "\xc2\xa0",
    };
    const size_t natoms = sizeof atoms / sizeof atoms[0];
    for (int it = 0; it < 5000; it++) {
        char id[256];
        size_t n = 0, parts = 1 + rnd() % 12;
        for (size_t k = 0; k < parts; k++) {
            const char *a = atoms[rnd() % natoms];
            size_t l = strlen(a);
            memcpy(id + n, a, l);
            n += l;
        }
        id[n] = '\0';
        char out[GB_FILENAME_MAX + 1];
        int rc = gb_filename_from_id(id, out, sizeof out);
        GB_ASSERT_MSG(rc == GB_OK, "rc %d for a %zu-byte id", rc, n);
        if (rc == GB_OK) check_safe(id, out);
    }
}

GB_TEST_SUITE(filename)
{
    CU_pSuite s = CU_add_suite("filename", NULL, NULL);
    GB_ADD(s, test_case17_names);
    GB_ADD(s, test_edges);
    GB_ADD(s, test_windows_reserved);
    GB_ADD(s, test_scripts_kept);
    GB_ADD(s, test_unicode_replaced);
    GB_ADD(s, test_limits);
    GB_ADD(s, test_random_ids);
}
