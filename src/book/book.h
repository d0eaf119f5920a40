/* book.h — the state shared by the stages that turn chapters into a document: the template,
 * the model and runs, the fonts' metrics, the labels of numbered things, and the vertical list of
 * laid-out items that pagination cuts into pages.
 *
 * Stages (each its own file): number.c (headings, figures, tables and equations get their
 * numbers and labels; computations and display equations are laid out once and cached),
 * inline.c (spans of a paragraph -> line-breaker items), compose.c (blocks -> vertical items),
 * pages.c (vertical items -> pages with running heads, contents, outline, links). */
#ifndef GB_BOOK_H
#define GB_BOOK_H

#include "book/blocks.h"
#include "book/computations.h"
#include "book/template.h"
#include "model/params.h"
#include "model/tolerance.h"
#include "typeset/linebreak.h"
#include "typeset/math_layout.h"
#include "typeset/pdf_doc.h"

#include <stddef.h>

/* What a question span shows in a document kind: its value (report, graded sheet), a numbered
 * blank box (worksheet) or a numbered box holding the answer (key). */
typedef enum gb_question_mode { GB_Q_VALUE, GB_Q_BLANK, GB_Q_KEY } gb_question_mode;

/* A label and what a reference to it prints ("Figure 3", "Table 1", "(2)", "Section 2.1"). */
typedef struct gb_label {
    char *name;
    char text[64];
    int dest;            /* PDF destination of the labelled thing */
    gb_srcpos pos;
} gb_label;

/* A block's precomputed layout (floats and display equations), in document order. */
typedef struct gb_cached {
    const gb_block *block;
    gb_float fl;             /* COMPUTE */
    gb_math_box math;        /* MATH */
    char number[32];         /* "Figure 3", "Table 1" or, for a single-line equation, "(2)" */
    char line_number[16][16];/* per-line numbers of a multi-line equation ("" = none) */
    int dest;
    int composed;            /* math or fl's list moved into an item (compose.c): once only */
} gb_cached;

/* A question of the document, numbered in document order (Q1, Q2, ...). */
typedef struct gb_book_question {
    char name[48];
    char fmt[16];
    gb_tolerance tol;
    double points;
    int number;
    gb_srcpos pos;
} gb_book_question;

/* Who the document is for (all NULL for a report); borrowed. */
typedef struct gb_book_student {
    const char *id, *name, *variant, *hash;
} gb_book_student;

/* One item of the vertical list: a line of text, a display equation, a figure with its caption,
 * a heading, a rule. Its dlist's origin is the left end of its baseline at the left margin;
 * the item occupies [height above, depth below] the baseline. */
typedef struct gb_vitem {
    gb_dlist *dl;            /* owned */
    double height, depth;
    double space_before;     /* glue above; dropped at the top of a page */
    int is_float;            /* a figure or table: may float to the next page's top */
    int is_line;             /* a line of text: consecutive lines are set a leading apart
                                (baseline to baseline) unless their content is taller */
    int keep_with_next;      /* never break the page between this item and the next */
    int page_break_before;   /* start a new page (the key's Answers heading) */
    int dest;                /* destination placed at the item's top, or -1 */
    int outline_level;       /* 1..3 for headings (outline + contents), 0 otherwise */
    char *outline_title;     /* "2.1 Concept and Motivation"; owned */
    char *toc_number, *toc_title;  /* the parts for the contents; owned */
    char *mark;              /* running-head text set by a level-1 heading; owned */
} gb_vitem;

typedef struct gb_book {
    const gb_template *tpl;
    const gb_book_ctx *ctx;  /* model, runs, metrics, text width */
    gb_pdf_doc *pdf;
    gb_question_mode qmode;
    const gb_book_student *student;   /* NULL for a report */
    const gb_params *params;          /* for [questions] defaults */
    gb_book_question *questions;
    size_t nquestions, cap_questions;
    gb_label *labels;
    size_t nlabels, cap_labels;
    gb_cached *cache;
    size_t ncache, cap_cache;
    gb_vitem *items;
    size_t nitems, cap_items;
    int sec[4];              /* heading counters while numbering */
    int figures, tables, equations;
} gb_book;

/* number.c: assigns numbers and labels to the headings, computations and display equations of
 * chapters[0..n), lays out computations and display equations into book->cache. GB_EINPUT for a
 * duplicate label, a bad computation or formula (file:line:column). */
int gb_book_number(gb_book *book, const gb_chapter *chapters, size_t n, gb_err *e);

/* The question asking quantity name, or NULL. */
const gb_book_question *gb_book_question_of(const gb_book *book, const char *name);

/* 1 if the template hides computation block b in this document kind. */
int gb_book_hidden(const gb_book *book, const gb_block *b);

/* compose.c: one paragraph of spans at the left margin + indent, for documents made from data
 * rather than chapters (the graded sheet). */
int gb_book_paragraph(gb_book *book, const gb_span *spans, size_t n, double size, gb_face face,
                      double indent, int justify, double space_before, gb_err *e);

/* compose.c: the key's list of answers (value, accepted interval, worked formula, points). */
int gb_book_compose_answers(gb_book *book, gb_err *e);

/* The label named name, or NULL. */
const gb_label *gb_book_label(const gb_book *book, const char *name);
/* The cached layout of block b, or NULL. */
gb_cached *gb_book_cached(const gb_book *book, const gb_block *b);

/* inline.c: substitutes {{NAME:FMT}} values in a TeX string (a formula with values). Returns a
 * malloc'ed string, or NULL with e set (unknown name, bad format: at pos plus the offset). */
char *gb_book_substitute_tex(const gb_book *book, const char *tex, gb_srcpos pos, gb_err *e);

/* Line-breaker items made from spans, with the storage they borrow from. */
typedef struct gb_inline_buf {
    gb_inline *items;
    size_t n, cap;
    gb_math_box *boxes;      /* inline formulas and values in scientific notation */
    size_t nboxes, cap_boxes;
    char **strs;             /* formatted values and reference texts */
    size_t nstrs, cap_strs;
} gb_inline_buf;

/* inline.c: turns spans into line-breaker items at font size `size` with base face `face`
 * (GB_FACE_SERIF for body text; emphasis and strong switch faces). Values are formatted
 * (values.h) from the model; references become "Figure 3" linked to the figure; inline math is
 * set in text style. GB_EINPUT for an unknown quantity or label, a bad format or a bad formula
 * (file:line:column). */
int gb_book_inlines(gb_book *book, const gb_span *spans, size_t n, double size, gb_face face,
                    gb_inline_buf *out, gb_err *e);
void gb_inline_buf_free(gb_inline_buf *b);

/* compose.c: lays out one chapter's blocks into vertical items appended to book->items. */
int gb_book_compose(gb_book *book, const gb_chapter *ch, gb_err *e);

/* pages.c: adds the document's pages to book->pdf: title page, contents, the body pages with
 * running heads and footers, outline entries (at the headings' levels) and links, page labels.
 * The caller saves the PDF. */
int gb_book_emit(gb_book *book, gb_err *e);

/* Appends a vertical item (zeroed fields: dest -1) and returns it, or NULL out of memory. */
gb_vitem *gb_book_push(gb_book *book);

/* Frees labels, cache and items. */
void gb_book_free(gb_book *book);

#endif
