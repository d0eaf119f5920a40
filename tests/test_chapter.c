/* test_chapter.c — the chapter parser (book/chapter.h): every syntax element, exact TeX and
 * positions, errors with file:line:column, and a fuzz run over random and mutated chapters.
 * Expected positions are computed from the input strings themselves (offset of a substring). */
#include "book/chapter.h"
#include "gb_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 1-based line and byte column of the first occurrence of needle in hay (searched, not typed). */
static void where(const char *hay, const char *needle, unsigned *line, unsigned *col)
{
    const char *p = strstr(hay, needle);
    *line = 0;
    *col = 0;
    if (!p) return;
    const char *ls = hay;
    unsigned l = 1;
    for (const char *q = hay; q < p; q++)
        if (*q == '\n') { l++; ls = q + 1; }
    *line = l;
    *col = (unsigned)(p - ls) + 1;
}

static int parse(const char *src, gb_chapter *c)
{
    gb_err e;
    gb_err_clear(&e);
    int rc = gb_chapter_parse_string("t.md", src, strlen(src), c, &e);
    GB_ASSERT_MSG(rc == 0, "parse failed: %s", e.msg);
    return rc;
}

/* Parses src expecting an error whose message starts with "t.md:L:C: " (C 0 = "t.md:L: ")
 * and contains fragment. */
static void expect_err(const char *src, size_t len, int code, unsigned line, unsigned col,
                       const char *fragment)
{
    gb_chapter c;
    gb_err e;
    gb_err_clear(&e);
    int rc = gb_chapter_parse_string("t.md", src, len, &c, &e);
    char want[64];
    if (col) snprintf(want, sizeof want, "t.md:%u:%u: ", line, col);
    else snprintf(want, sizeof want, "t.md:%u: ", line);
    GB_ASSERT_MSG(rc == code && e.code == code, "rc %d code %d, want %d (%s)", rc, e.code, code,
                  e.msg);
    GB_ASSERT_MSG(strncmp(e.msg, want, strlen(want)) == 0, "message '%s' should start '%s'",
                  e.msg, want);
    GB_ASSERT_MSG(strstr(e.msg, fragment) != NULL, "message '%s' should mention '%s'", e.msg,
                  fragment);
    GB_ASSERT_MSG(c.nblocks == 0 && c.blocks == NULL, "output not empty after an error");
    gb_chapter_free(&c);
}

#define EXPECT_ERR(src, code, line, col, frag) expect_err(src, strlen(src), code, line, col, frag)

/* Concatenation of the text of TEXT spans (to check content regardless of span splitting). */
static void plain(const gb_block *b, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < b->nspans; i++)
        if (b->spans[i].kind == GB_SPAN_TEXT)
            strncat(out, b->spans[i].text, cap - strlen(out) - 1);
}

static void test_headings(void)
{
    const char *src = "# Intro {#sec:intro}\n\n## Aside {-}\n\nSetext *t*\n======\n\n"
                      "### Both {#sec:b -}\n\n#### Not {attrs} here\n";
    gb_chapter c;
    if (parse(src, &c)) return;
    CU_ASSERT_EQUAL_FATAL(c.nblocks, 5);
    char t[256];
    CU_ASSERT_EQUAL(c.blocks[0].kind, GB_BLOCK_HEADING);
    CU_ASSERT_EQUAL(c.blocks[0].level, 1);
    plain(&c.blocks[0], t, sizeof t);
    CU_ASSERT_STRING_EQUAL(t, "Intro");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c.blocks[0].label);
    CU_ASSERT_STRING_EQUAL(c.blocks[0].label, "sec:intro");
    CU_ASSERT_EQUAL(c.blocks[0].numbered, 1);
    plain(&c.blocks[1], t, sizeof t);
    CU_ASSERT_STRING_EQUAL(t, "Aside");
    CU_ASSERT_EQUAL(c.blocks[1].numbered, 0);
    CU_ASSERT_PTR_NULL(c.blocks[1].label);
    CU_ASSERT_EQUAL(c.blocks[2].level, 1);
    CU_ASSERT_EQUAL(c.blocks[2].nspans, 2);
    CU_ASSERT_EQUAL(c.blocks[2].spans[1].style, GB_STYLE_EM);
    unsigned line, col;
    where(src, "Setext", &line, &col);
    CU_ASSERT_EQUAL(c.blocks[2].pos.line, line);
    CU_ASSERT_STRING_EQUAL(c.blocks[3].label, "sec:b");
    CU_ASSERT_EQUAL(c.blocks[3].numbered, 0);
    plain(&c.blocks[4], t, sizeof t);
    CU_ASSERT_STRING_EQUAL(t, "Not {attrs} here");
    CU_ASSERT_EQUAL(c.blocks[4].numbered, 1);
    gb_chapter_free(&c);
}

static void test_inline_styles(void)
{
    const char *src = "Plain *em* **strong** `co$de` [a *b*](http://x.org/p) and\nsoft\\\nhard";
    gb_chapter c;
    if (parse(src, &c)) return;
    CU_ASSERT_EQUAL_FATAL(c.nblocks, 1);
    const gb_block *b = &c.blocks[0];
    CU_ASSERT_EQUAL(b->kind, GB_BLOCK_PARAGRAPH);
    /* Plain | em | " " | strong | " " | code | " " | "a " link | "b" link+em | " and soft" |
     * break | hard */
    CU_ASSERT_EQUAL_FATAL(b->nspans, 12);
    CU_ASSERT_STRING_EQUAL(b->spans[0].text, "Plain ");
    CU_ASSERT_EQUAL(b->spans[0].style, 0);
    CU_ASSERT_STRING_EQUAL(b->spans[1].text, "em");
    CU_ASSERT_EQUAL(b->spans[1].style, GB_STYLE_EM);
    CU_ASSERT_STRING_EQUAL(b->spans[3].text, "strong");
    CU_ASSERT_EQUAL(b->spans[3].style, GB_STYLE_STRONG);
    CU_ASSERT_EQUAL(b->spans[5].kind, GB_SPAN_CODE);
    CU_ASSERT_STRING_EQUAL(b->spans[5].text, "co$de");
    CU_ASSERT_STRING_EQUAL(b->spans[6].text, " ");
    CU_ASSERT_PTR_NULL(b->spans[6].url);
    CU_ASSERT_STRING_EQUAL(b->spans[7].text, "a ");
    CU_ASSERT_STRING_EQUAL(b->spans[7].url, "http://x.org/p");
    CU_ASSERT_STRING_EQUAL(b->spans[8].text, "b");
    CU_ASSERT_EQUAL(b->spans[8].style, GB_STYLE_EM);
    CU_ASSERT_STRING_EQUAL(b->spans[8].url, "http://x.org/p");
    CU_ASSERT_STRING_EQUAL(b->spans[9].text, " and soft");
    CU_ASSERT_PTR_NULL(b->spans[9].url);
    CU_ASSERT_EQUAL(b->spans[10].kind, GB_SPAN_BREAK);
    CU_ASSERT_STRING_EQUAL(b->spans[11].text, "hard");
    gb_chapter_free(&c);
}

static void test_math_exact(void)
{
    const char *tex = "\\frac{\\partial C}{\\partial w_{01}^{[1]}} = a*b*c [x]_1";
    char src[256];
    snprintf(src, sizeof src, "Intro line\nThe *rule* $%s$ holds_for_all.\n", tex);
    gb_chapter c;
    if (parse(src, &c)) return;
    CU_ASSERT_EQUAL_FATAL(c.nblocks, 1);
    const gb_block *b = &c.blocks[0];
    size_t k = 0;
    while (k < b->nspans && b->spans[k].kind != GB_SPAN_MATH) k++;
    CU_ASSERT_FATAL(k < b->nspans);
    CU_ASSERT_STRING_EQUAL(b->spans[k].text, tex);
    unsigned line, col;
    where(src, "$", &line, &col);
    CU_ASSERT_EQUAL(b->spans[k].pos.line, line);
    CU_ASSERT_EQUAL(b->spans[k].pos.col, col);
    CU_ASSERT_EQUAL(b->spans[k].tex_pos.line, line);
    CU_ASSERT_EQUAL(b->spans[k].tex_pos.col, col + 1);
    CU_ASSERT_STRING_EQUAL(b->spans[k].pos.file, "t.md");
    CU_ASSERT_EQUAL(b->spans[k].style, 0);
    /* the text after keeps its underscores literally (no emphasis across the formula) */
    CU_ASSERT_STRING_EQUAL(b->spans[b->nspans - 1].text, " holds_for_all.");
    gb_chapter_free(&c);

    /* inside emphasis: the span carries the style; a formula may continue on the next line;
     * "\$" inside math does not close it; a closing $ before a digit does not close it */
    const char *src2 = "*a $x*y$ b* and $p +\nq$ and $\\$ 5$ and $u$2$ end";
    if (parse(src2, &c)) return;
    b = &c.blocks[0];
    const char *want[] = {"x*y", "p +\nq", "\\$ 5", "u$2"};
    size_t m = 0;
    for (size_t i = 0; i < b->nspans; i++) {
        if (b->spans[i].kind != GB_SPAN_MATH) continue;
        CU_ASSERT_FATAL(m < 4);
        GB_ASSERT_MSG(strcmp(b->spans[i].text, want[m]) == 0, "math %zu: '%s' want '%s'", m,
                      b->spans[i].text, want[m]);
        if (m == 0) CU_ASSERT_EQUAL(b->spans[i].style, GB_STYLE_EM);
        m++;
    }
    CU_ASSERT_EQUAL(m, 4);
    gb_chapter_free(&c);
}

static void test_dollars_literal(void)
{
    gb_chapter c;
    const char *src = "Costs \\$5, or 3 $ each, `$x$ {{C}}` and `` a ` $b$ ``.\n\n"
                      "```c\nprintf(\"$%d {{x}}\", n);\n```\n\n~~~~ sh {x}\necho $HOME\n~~~~\n";
    if (parse(src, &c)) return;
    CU_ASSERT_EQUAL_FATAL(c.nblocks, 3);
    const gb_block *b = &c.blocks[0];
    CU_ASSERT_EQUAL_FATAL(b->nspans, 5);
    CU_ASSERT_STRING_EQUAL(b->spans[0].text, "Costs $5, or 3 $ each, ");
    CU_ASSERT_EQUAL(b->spans[1].kind, GB_SPAN_CODE);
    CU_ASSERT_STRING_EQUAL(b->spans[1].text, "$x$ {{C}}");
    CU_ASSERT_STRING_EQUAL(b->spans[3].text, "a ` $b$");
    CU_ASSERT_EQUAL(c.blocks[1].kind, GB_BLOCK_CODE);
    CU_ASSERT_STRING_EQUAL(c.blocks[1].info, "c");
    CU_ASSERT_STRING_EQUAL(c.blocks[1].text, "printf(\"$%d {{x}}\", n);\n");
    CU_ASSERT_STRING_EQUAL(c.blocks[2].info, "sh");
    CU_ASSERT_STRING_EQUAL(c.blocks[2].text, "echo $HOME\n");
    unsigned line, col;
    where(src, "~~~~ sh", &line, &col);
    CU_ASSERT_EQUAL(c.blocks[2].pos.line, line);
    gb_chapter_free(&c);

    /* unmatched backtick runs are literal; a later matched run is still a code span */
    if (parse("a ``` b `` c `$q$` d $x$", &c)) return;
    b = &c.blocks[0];
    CU_ASSERT_EQUAL_FATAL(b->nspans, 4);
    CU_ASSERT_STRING_EQUAL(b->spans[0].text, "a ``` b `` c ");
    CU_ASSERT_EQUAL(b->spans[1].kind, GB_SPAN_CODE);
    CU_ASSERT_STRING_EQUAL(b->spans[1].text, "$q$");
    CU_ASSERT_EQUAL(b->spans[3].kind, GB_SPAN_MATH);
    CU_ASSERT_STRING_EQUAL(b->spans[3].text, "x");
    gb_chapter_free(&c);
}

static void test_values(void)
{
    const char *src = "Loss {{C}}, {{ C:.4f }}, **{{?W[1][0][1]:.3e}}**, see {{ref:eq:loss}}; "
                      "acc {{acc:.1%}} n={{n_epochs:d}}; in math $C = {{C:.4f}}$.";
    gb_chapter c;
    if (parse(src, &c)) return;
    const gb_block *b = &c.blocks[0];
    struct { gb_span_kind kind; const char *name, *fmt, *at; unsigned style; } want[] = {
        {GB_SPAN_VALUE, "C", "", "{{C}}", 0},
        {GB_SPAN_VALUE, "C", ".4f", "{{ C:", 0},
        {GB_SPAN_QUESTION, "W[1][0][1]", ".3e", "{{?W", GB_STYLE_STRONG},
        {GB_SPAN_REF, "eq:loss", NULL, "{{ref", 0},
        {GB_SPAN_VALUE, "acc", ".1%", "{{acc", 0},
        {GB_SPAN_VALUE, "n_epochs", "d", "{{n_", 0},
    };
    size_t m = 0;
    for (size_t i = 0; i < b->nspans; i++) {
        const gb_span *s = &b->spans[i];
        if (s->kind == GB_SPAN_TEXT) continue;
        if (s->kind == GB_SPAN_MATH) {
            CU_ASSERT_STRING_EQUAL(s->text, "C = {{C:.4f}}");
            continue;
        }
        CU_ASSERT_FATAL(m < 6);
        CU_ASSERT_EQUAL(s->kind, want[m].kind);
        CU_ASSERT_STRING_EQUAL(s->name, want[m].name);
        if (want[m].fmt) CU_ASSERT_STRING_EQUAL(s->fmt, want[m].fmt);
        CU_ASSERT_EQUAL(s->style, want[m].style);
        unsigned line, col;
        where(src, want[m].at, &line, &col);
        GB_ASSERT_MSG(s->pos.line == line && s->pos.col == col, "span %zu at %u:%u, want %u:%u",
                      m, s->pos.line, s->pos.col, line, col);
        m++;
    }
    CU_ASSERT_EQUAL(m, 6);
    gb_chapter_free(&c);
}

static void test_display_math(void)
{
    const char *src = "Before\n$$\n\\frac{a_1}{b*c} \\label{eq:one}\n  = [x]_2\n$$\n"
                      "After $x$\n\n> $$y_*$$\n\n- item\n\n  $$z = 1$$\n";
    gb_chapter c;
    if (parse(src, &c)) return;
    CU_ASSERT_EQUAL_FATAL(c.nblocks, 5);
    unsigned line, col;
    CU_ASSERT_EQUAL(c.blocks[0].kind, GB_BLOCK_PARAGRAPH);
    const gb_block *m = &c.blocks[1];
    CU_ASSERT_EQUAL_FATAL(m->kind, GB_BLOCK_MATH);
    CU_ASSERT_STRING_EQUAL(m->text, "\\frac{a_1}{b*c} \\label{eq:one}\n  = [x]_2");
    CU_ASSERT_STRING_EQUAL(m->label, "eq:one");
    where(src, "$$", &line, &col);
    CU_ASSERT_EQUAL(m->pos.line, line);
    CU_ASSERT_EQUAL(m->pos.col, col);
    where(src, "\\frac", &line, &col);
    CU_ASSERT_EQUAL(m->tex_pos.line, line);
    CU_ASSERT_EQUAL(m->tex_pos.col, col);
    /* the paragraph after the display keeps its own source line, and its math its column */
    const gb_block *p = &c.blocks[2];
    where(src, "After", &line, &col);
    CU_ASSERT_EQUAL(p->pos.line, line);
    CU_ASSERT_EQUAL_FATAL(p->nspans, 2);
    where(src, "$x$", &line, &col);
    CU_ASSERT_EQUAL(p->spans[1].pos.line, line);
    CU_ASSERT_EQUAL(p->spans[1].pos.col, col);
    CU_ASSERT_EQUAL_FATAL(c.blocks[3].kind, GB_BLOCK_QUOTE);
    CU_ASSERT_EQUAL_FATAL(c.blocks[3].nchildren, 1);
    CU_ASSERT_EQUAL(c.blocks[3].children[0].kind, GB_BLOCK_MATH);
    CU_ASSERT_STRING_EQUAL(c.blocks[3].children[0].text, "y_*");
    CU_ASSERT_PTR_NULL(c.blocks[3].children[0].label);
    const gb_block *l = &c.blocks[4];
    CU_ASSERT_EQUAL_FATAL(l->kind, GB_BLOCK_LIST);
    CU_ASSERT_EQUAL_FATAL(l->nchildren, 1);
    CU_ASSERT_EQUAL_FATAL(l->children[0].nchildren, 2);
    CU_ASSERT_EQUAL(l->children[0].children[1].kind, GB_BLOCK_MATH);
    CU_ASSERT_STRING_EQUAL(l->children[0].children[1].text, "z = 1");
    where(src, "$$z", &line, &col);
    CU_ASSERT_EQUAL(l->children[0].children[1].pos.line, line);
    gb_chapter_free(&c);

    /* in a block quote, the '>' of continuation lines are not part of the TeX */
    const char *q = "> $$\n> x_1\n>  = y\n> $$\n> after $p\n> q$\n";
    if (parse(q, &c)) return;
    CU_ASSERT_EQUAL_FATAL(c.nblocks, 1);
    CU_ASSERT_EQUAL_FATAL(c.blocks[0].nchildren, 2);
    m = &c.blocks[0].children[0];
    CU_ASSERT_EQUAL_FATAL(m->kind, GB_BLOCK_MATH);
    CU_ASSERT_STRING_EQUAL(m->text, "x_1\n = y");
    where(q, "x_1", &line, &col);
    CU_ASSERT_EQUAL(m->tex_pos.line, line);
    CU_ASSERT_EQUAL(m->tex_pos.col, col);
    p = &c.blocks[0].children[1];
    CU_ASSERT_EQUAL_FATAL(p->nspans, 2);
    CU_ASSERT_STRING_EQUAL(p->spans[1].text, "p\nq");
    gb_chapter_free(&c);
}

static void test_compute(void)
{
    const char *src = "Text.\n\n```gradbook activation fn=sigmoid from=-6 "
                      "title=\"A \\\"big\\\" plot\" flag #fig:act\n"
                      "The *sigmoid* $g(z)=1/(1+e^{-z})$ at\n{{z[1][0]:.3f}}.\n```\n"
                      "\n```gradbook forward-table\n```\n";
    gb_chapter c;
    if (parse(src, &c)) return;
    CU_ASSERT_EQUAL_FATAL(c.nblocks, 3);
    const gb_block *b = &c.blocks[1];
    CU_ASSERT_EQUAL_FATAL(b->kind, GB_BLOCK_COMPUTE);
    CU_ASSERT_STRING_EQUAL(b->name, "activation");
    CU_ASSERT_STRING_EQUAL(b->label, "fig:act");
    CU_ASSERT_EQUAL_FATAL(b->nopts, 4);
    CU_ASSERT_STRING_EQUAL(gb_block_option(b, "fn"), "sigmoid");
    CU_ASSERT_STRING_EQUAL(gb_block_option(b, "from"), "-6");
    CU_ASSERT_STRING_EQUAL(gb_block_option(b, "title"), "A \"big\" plot");
    CU_ASSERT_STRING_EQUAL(gb_block_option(b, "flag"), "");
    CU_ASSERT_PTR_NULL(gb_block_option(b, "to"));
    CU_ASSERT_STRING_EQUAL(b->opts[0].key, "fn");
    unsigned line, col;
    where(src, "gradbook act", &line, &col);
    CU_ASSERT_EQUAL(b->pos.line, line);
    CU_ASSERT_EQUAL(b->pos.col, col);
    where(src, "title=", &line, &col);
    CU_ASSERT_EQUAL(b->opts[2].pos.line, line);
    CU_ASSERT_EQUAL(b->opts[2].pos.col, col);
    /* caption: "The " | "sigmoid"(em) | " " | math | " at " | value | "." */
    CU_ASSERT_EQUAL_FATAL(b->nspans, 7);
    CU_ASSERT_STRING_EQUAL(b->spans[1].text, "sigmoid");
    CU_ASSERT_EQUAL(b->spans[1].style, GB_STYLE_EM);
    CU_ASSERT_EQUAL(b->spans[3].kind, GB_SPAN_MATH);
    CU_ASSERT_STRING_EQUAL(b->spans[3].text, "g(z)=1/(1+e^{-z})");
    where(src, "$g(z)", &line, &col);
    CU_ASSERT_EQUAL(b->spans[3].pos.line, line);
    CU_ASSERT_EQUAL(b->spans[3].pos.col, col);
    CU_ASSERT_EQUAL(b->spans[5].kind, GB_SPAN_VALUE);
    CU_ASSERT_STRING_EQUAL(b->spans[5].name, "z[1][0]");
    CU_ASSERT_STRING_EQUAL(b->spans[5].fmt, ".3f");
    const gb_block *f = &c.blocks[2];
    CU_ASSERT_EQUAL(f->kind, GB_BLOCK_COMPUTE);
    CU_ASSERT_STRING_EQUAL(f->name, "forward-table");
    CU_ASSERT_EQUAL(f->nopts, 0);
    CU_ASSERT_PTR_NULL(f->label);
    CU_ASSERT_EQUAL(f->nspans, 0);
    gb_chapter_free(&c);
}

static void test_table(void)
{
    const char *src = "| a | b | c | d |\n|:--|:-:|--:|---|\n| $|x|_1$ | **y** | | `q` |\n"
                      "| short |\n";
    gb_chapter c;
    if (parse(src, &c)) return;
    CU_ASSERT_EQUAL_FATAL(c.nblocks, 1);
    const gb_block *t = &c.blocks[0];
    CU_ASSERT_EQUAL_FATAL(t->kind, GB_BLOCK_TABLE);
    CU_ASSERT_EQUAL_FATAL(t->rows, 3);
    CU_ASSERT_EQUAL_FATAL(t->cols, 4);
    CU_ASSERT_EQUAL_FATAL(t->nchildren, 12);
    CU_ASSERT_STRING_EQUAL(t->aligns, "lcrn");
    CU_ASSERT_STRING_EQUAL(t->children[1].spans[0].text, "b");
    const gb_block *x = &t->children[4];
    CU_ASSERT_EQUAL(x->kind, GB_BLOCK_PARAGRAPH);
    CU_ASSERT_EQUAL_FATAL(x->nspans, 1);
    CU_ASSERT_EQUAL(x->spans[0].kind, GB_SPAN_MATH);
    CU_ASSERT_STRING_EQUAL(x->spans[0].text, "|x|_1");
    CU_ASSERT_EQUAL(t->children[5].spans[0].style, GB_STYLE_STRONG);
    CU_ASSERT_EQUAL(t->children[6].nspans, 0);
    CU_ASSERT_EQUAL(t->children[7].spans[0].kind, GB_SPAN_CODE);
    CU_ASSERT_STRING_EQUAL(t->children[8].spans[0].text, "short");
    CU_ASSERT_EQUAL(t->children[9].nspans, 0);
    CU_ASSERT_EQUAL(t->children[11].nspans, 0);
    gb_chapter_free(&c);
}

static void test_lists_quotes_rules(void)
{
    const char *src = "3. one\n4. two\n   - a $x$\n   - b\n     1) deep\n\n> quote *q*\n>\n> - in\n\n"
                      "---\n\n    indented code\n";
    gb_chapter c;
    if (parse(src, &c)) return;
    CU_ASSERT_EQUAL_FATAL(c.nblocks, 4);
    const gb_block *l = &c.blocks[0];
    CU_ASSERT_EQUAL(l->kind, GB_BLOCK_LIST);
    CU_ASSERT_EQUAL(l->ordered, 1);
    CU_ASSERT_EQUAL(l->start, 3);
    CU_ASSERT_EQUAL_FATAL(l->nchildren, 2);
    CU_ASSERT_EQUAL(l->children[0].kind, GB_BLOCK_ITEM);
    const gb_block *it2 = &l->children[1];
    CU_ASSERT_EQUAL_FATAL(it2->nchildren, 2);
    const gb_block *inner = &it2->children[1];
    CU_ASSERT_EQUAL(inner->kind, GB_BLOCK_LIST);
    CU_ASSERT_EQUAL(inner->ordered, 0);
    CU_ASSERT_EQUAL_FATAL(inner->nchildren, 2);
    CU_ASSERT_EQUAL_FATAL(inner->children[0].nchildren, 1);
    CU_ASSERT_EQUAL(inner->children[0].children[0].spans[1].kind, GB_SPAN_MATH);
    CU_ASSERT_EQUAL_FATAL(inner->children[1].nchildren, 2);
    const gb_block *deep = &inner->children[1].children[1];
    CU_ASSERT_EQUAL(deep->kind, GB_BLOCK_LIST);
    CU_ASSERT_EQUAL(deep->ordered, 1);
    CU_ASSERT_EQUAL(deep->start, 1);
    unsigned line, col;
    where(src, "1) deep", &line, &col);
    CU_ASSERT_EQUAL(deep->pos.line, line);
    const gb_block *q = &c.blocks[1];
    CU_ASSERT_EQUAL(q->kind, GB_BLOCK_QUOTE);
    CU_ASSERT_EQUAL_FATAL(q->nchildren, 2);
    CU_ASSERT_EQUAL(q->children[0].kind, GB_BLOCK_PARAGRAPH);
    CU_ASSERT_EQUAL(q->children[1].kind, GB_BLOCK_LIST);
    CU_ASSERT_EQUAL(c.blocks[2].kind, GB_BLOCK_RULE);
    CU_ASSERT_EQUAL(c.blocks[3].kind, GB_BLOCK_CODE);
    CU_ASSERT_STRING_EQUAL(c.blocks[3].info, "");
    CU_ASSERT_STRING_EQUAL(c.blocks[3].text, "indented code\n");
    gb_chapter_free(&c);
}

static void test_line_endings_and_bom(void)
{
    const char *src = "\xEF\xBB\xBFTitle\r\n\r\nLine $a$\r\nnext $b$\rthird $c$";
    gb_chapter c;
    if (parse(src, &c)) return;
    CU_ASSERT_EQUAL_FATAL(c.nblocks, 2);
    const gb_block *p = &c.blocks[1];
    CU_ASSERT_EQUAL(p->pos.line, 3);
    unsigned lines[3] = {3, 4, 5}, cols[3] = {6, 6, 7}, m = 0;   /* counted in src by eye */
    for (size_t i = 0; i < p->nspans; i++) {
        if (p->spans[i].kind != GB_SPAN_MATH) continue;
        CU_ASSERT_FATAL(m < 3);
        GB_ASSERT_MSG(p->spans[i].pos.line == lines[m] && p->spans[i].pos.col == cols[m],
                      "math %u at %u:%u", m, p->spans[i].pos.line, p->spans[i].pos.col);
        m++;
    }
    CU_ASSERT_EQUAL(m, 3);
    gb_chapter_free(&c);
}

static void test_errors(void)
{
    EXPECT_ERR("Line one\nSee $x + y\n\nmore $z$", GB_EINPUT, 2, 5, "unclosed inline math");
    EXPECT_ERR("ab {{C\n}}", GB_EINPUT, 1, 4, "unclosed {{");
    EXPECT_ERR("Price $5 only.", GB_EINPUT, 1, 7, "expected a closing $");
    EXPECT_ERR("x\n\n$$\na\n\nb\n$$\n", GB_EINPUT, 3, 1, "unclosed display math");
    EXPECT_ERR("a $$x$$ b", GB_EINPUT, 1, 3, "must start its own line");
    EXPECT_ERR("$$x$$ tail", GB_EINPUT, 1, 7, "after the closing $$");
    EXPECT_ERR("$$ \\label{a} x \\label{b} $$", GB_EINPUT, 1, 16, "second \\label");
    EXPECT_ERR("v {{C:.4q}}", GB_EINPUT, 1, 7, "bad value format");
    EXPECT_ERR("v {{1x}}", GB_EINPUT, 1, 5, "bad quantity name");
    EXPECT_ERR("v {{ref:}}", GB_EINPUT, 1, 9, "bad reference label");
    const char *q = "Intro\n\n```gradbook act fn=\"x y\n```\n";
    unsigned line, col;
    where(q, "\"x", &line, &col);
    EXPECT_ERR(q, GB_EINPUT, line, col, "unclosed \"");
    q = "```gradbook\n```\n";
    where(q, "gradbook", &line, &col);
    EXPECT_ERR(q, GB_EINPUT, line, col + 8, "expected a computation NAME");
    q = "  ```gradbook plot #fig:a extra\n  ```\n";
    where(q, "extra", &line, &col);
    EXPECT_ERR(q, GB_EINPUT, line, col, "text after the #LABEL");
    q = "```gradbook plot a=1 a=2\n```\n";
    where(q, "a=2", &line, &col);
    EXPECT_ERR(q, GB_EINPUT, line, col, "given twice");
    EXPECT_ERR("```gradbook plot\n- a list\n```\n", GB_EINPUT, 1, 0, "caption");
    EXPECT_ERR("Para\n\n<div>\nx\n</div>\n", GB_EINPUT, 3, 0, "raw HTML");
    EXPECT_ERR("$$\na\nb\n$$\n\nSome <b>bold</b>", GB_EINPUT, 6, 0, "raw HTML");
    EXPECT_ERR("See ![alt](fig.png)", GB_EINPUT, 1, 0, "images are not supported");
    EXPECT_ERR("ab\ncd\xC3(", GB_EINPUT, 2, 3, "invalid UTF-8");
    EXPECT_ERR("ok \xE2\x82\n", GB_EINPUT, 1, 4, "invalid UTF-8");
    EXPECT_ERR("x\n\xF0\x9F\x98\x80", GB_EINPUT, 2, 1, "U+1F600");
    EXPECT_ERR("x\xEE\x80\x80", GB_EINPUT, 1, 2, "reserved");
    EXPECT_ERR("x &#xE000;0&#xE001;", GB_EINPUT, 1, 0, "reserved");
    expect_err("ab\0c", 4, GB_EINPUT, 1, 3, "NUL");
    /* a deep nest is refused, not a stack overflow */
    char deep[400];
    memset(deep, '>', 300);
    strcpy(deep + 300, " x");
    EXPECT_ERR(deep, GB_EINPUT, 1, 0, "nested too deeply");
}

static void test_file(void)
{
    gb_chapter c;
    gb_err e;
    gb_err_clear(&e);
    int rc = gb_chapter_parse(gb_test_path("tests/data/chapters/sample.md"), &c, &e);
    GB_ASSERT_MSG(rc == 0, "%s", e.msg);
    if (rc) return;
    int kinds[GB_BLOCK_RULE + 1] = {0};
    for (size_t i = 0; i < c.nblocks; i++) kinds[c.blocks[i].kind]++;
    CU_ASSERT(kinds[GB_BLOCK_HEADING] >= 2);
    CU_ASSERT(kinds[GB_BLOCK_MATH] >= 1);
    CU_ASSERT(kinds[GB_BLOCK_COMPUTE] >= 1);
    CU_ASSERT(kinds[GB_BLOCK_TABLE] >= 1);
    CU_ASSERT(strstr(c.path, "sample.md") != NULL);
    gb_chapter_free(&c);
    gb_err_clear(&e);
    rc = gb_chapter_parse("/nonexistent/dir/ch.md", &c, &e);
    CU_ASSERT_EQUAL(rc, GB_EINPUT);
    CU_ASSERT(strstr(e.msg, "/nonexistent/dir/ch.md: cannot open") == e.msg);
    gb_chapter_free(&c);
}

/* A big chapter: every generated formula and value comes back, in order, at its line. */
static void test_large(void)
{
    size_t cap = 80 * 1024, n = 0;
    char *src = malloc(cap);
    CU_ASSERT_FATAL(src != NULL);
    unsigned k = 0;
    while (n < 50 * 1024) {
        n += (size_t)snprintf(src + n, cap - n,
                              "## Part %u\n\nThe value $w_{%u}^{[1]} = a*b$ is {{w%u:.3f}} and "
                              "*more* text_with_underscores.\n\n", k, k, k);
        k++;
    }
    gb_chapter c;
    gb_err e;
    gb_err_clear(&e);
    int rc = gb_chapter_parse_string("big.md", src, n, &c, &e);
    GB_ASSERT_MSG(rc == 0, "%s", e.msg);
    if (!rc) {
        CU_ASSERT_EQUAL(c.nblocks, 2 * (size_t)k);
        unsigned bad = 0;
        for (unsigned i = 0; i < k && 2 * i + 1 < c.nblocks; i++) {
            const gb_block *p = &c.blocks[2 * i + 1];
            char want[64];
            snprintf(want, sizeof want, "w_{%u}^{[1]} = a*b", i);
            if (p->nspans < 4 || p->spans[1].kind != GB_SPAN_MATH ||
                strcmp(p->spans[1].text, want) || p->spans[1].pos.line != 4 * i + 3) bad++;
        }
        CU_ASSERT_EQUAL(bad, 0);
    }
    gb_chapter_free(&c);
    free(src);
}

/* Checks the invariants every parsed chapter keeps; returns the number of blocks seen. */
static size_t check_blocks(const gb_block *v, size_t n, int *ok)
{
    size_t seen = n;
    for (size_t i = 0; i < n; i++) {
        const gb_block *b = &v[i];
        for (size_t j = 0; j < b->nspans; j++) {
            const gb_span *s = &b->spans[j];
            if ((s->kind == GB_SPAN_TEXT || s->kind == GB_SPAN_CODE || s->kind == GB_SPAN_MATH)
                && !s->text) *ok = 0;
            if ((s->kind == GB_SPAN_VALUE || s->kind == GB_SPAN_QUESTION) && (!s->name || !s->fmt))
                *ok = 0;
            if (s->kind == GB_SPAN_TEXT && strstr(s->text, "\xEE\x80")) *ok = 0;
        }
        if ((b->kind == GB_BLOCK_CODE && (!b->text || !b->info)) ||
            (b->kind == GB_BLOCK_MATH && !b->text) || (b->kind == GB_BLOCK_COMPUTE && !b->name) ||
            (b->kind == GB_BLOCK_TABLE && (b->nchildren != b->rows * b->cols || !b->aligns)))
            *ok = 0;
        if (b->pos.line == 0 && b->kind != GB_BLOCK_ITEM) *ok = 0;
        seen += check_blocks(b->children, b->nchildren, ok);
    }
    return seen;
}

static void test_fuzz(void)
{
    static const char *tok[] = {
        "$", "$$", "{{", "}}", "`", "```", "~~~", "\n", "\n\n", "\\", "*", "_", "|", "- ", "> ",
        "# ", "<", "[", "](", ")", "a", " ", "x_1", "\xC3\xA9", "{{C}}", "{{ref:x}}", "$x$",
        "```gradbook t k=\"v\" #l\n", "|---|", "1. ", "\t", "\"", "#", "=", "\\label{a}",
        "&amp;", "&#xE000;", "\r\n", "  ", "    ", "\xFF", "\xF0\x9F\x98\x80", "{-}", "{#a}",
    };
    const size_t ntok = sizeof tok / sizeof tok[0];
    const char *seed = "# T {#sec:t}\n\nA $x_1*y$ and {{C:.4f}} `c$`.\n\n$$\na \\label{eq:a}\n$$\n"
                       "\n| a | b |\n|---|--:|\n| $|q|$ | {{?d:d}} |\n\n```gradbook g k=\"v w\" #f\n"
                       "cap $z$\n```\n\n- a\n  - b\n\n> q\n";
    unsigned long rng = 12345;
    char buf[600];
    clock_t t0 = clock();
    unsigned runs = 0, parsed = 0, failed = 0;
    int ok = 1;
    for (; runs < 20000 && clock() - t0 < 2 * CLOCKS_PER_SEC; runs++) {
        size_t n = 0;
        rng = rng * 6364136223846793005UL + 1442695040888963407UL;
        if ((rng >> 33) % 2) {   /* random tokens */
            unsigned m = (unsigned)((rng >> 20) % 60);
            for (unsigned i = 0; i < m; i++) {
                rng = rng * 6364136223846793005UL + 1442695040888963407UL;
                const char *t = tok[(rng >> 33) % ntok];
                size_t l = strlen(t);
                if (n + l >= sizeof buf) break;
                memcpy(buf + n, t, l);
                n += l;
            }
        } else {                 /* the seed with a few bytes changed, inserted or deleted */
            n = strlen(seed);
            memcpy(buf, seed, n);
            unsigned m = 1 + (unsigned)((rng >> 20) % 4);
            for (unsigned i = 0; i < m && n > 0 && n + 8 < sizeof buf; i++) {
                rng = rng * 6364136223846793005UL + 1442695040888963407UL;
                size_t at = (size_t)((rng >> 33) % n);
                unsigned op = (unsigned)((rng >> 25) % 3);
                const char *t = tok[(rng >> 40) % ntok];
                if (op == 0) buf[at] = t[0];
                else if (op == 1) { memmove(buf + at, buf + at + 1, n - at - 1); n--; }
                else {
                    size_t l = strlen(t);
                    if (n + l >= sizeof buf) continue;
                    memmove(buf + at + l, buf + at, n - at);
                    memcpy(buf + at, t, l);
                    n += l;
                }
            }
        }
        gb_chapter c;
        gb_err e;
        gb_err_clear(&e);
        int rc = gb_chapter_parse_string("f.md", buf, n, &c, &e);
        if (rc == 0) {
            parsed++;
            check_blocks(c.blocks, c.nblocks, &ok);
        } else {
            failed++;
            if (e.code != rc || strncmp(e.msg, "f.md:", 5) != 0 || c.nblocks) ok = 0;
        }
        gb_chapter_free(&c);
        if (!ok) {
            GB_ASSERT_MSG(0, "fuzz run %u broke an invariant (rc %d, %s): '%.*s'", runs, rc,
                          e.msg, (int)n, buf);
            break;
        }
    }
    /* both outcomes must have been exercised, or the generator is not doing its job */
    GB_ASSERT_MSG(parsed > 50 && failed > 50, "runs %u parsed %u failed %u", runs, parsed, failed);
}

GB_TEST_SUITE(chapter)
{
    CU_pSuite s = CU_add_suite("chapter", NULL, NULL);
    GB_ADD(s, test_headings);
    GB_ADD(s, test_inline_styles);
    GB_ADD(s, test_math_exact);
    GB_ADD(s, test_dollars_literal);
    GB_ADD(s, test_values);
    GB_ADD(s, test_display_math);
    GB_ADD(s, test_compute);
    GB_ADD(s, test_table);
    GB_ADD(s, test_lists_quotes_rules);
    GB_ADD(s, test_line_endings_and_bom);
    GB_ADD(s, test_errors);
    GB_ADD(s, test_file);
    GB_ADD(s, test_large);
    GB_ADD(s, test_fuzz);
}
