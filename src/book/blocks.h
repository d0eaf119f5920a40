/* blocks.h — a chapter as gradbook's document model: blocks of inline spans, parsed from
 * CommonMark (chapter.h) and turned into pages by the composer. Knows nothing of PDF.
 *
 * Chapter syntax (CommonMark + GitHub pipe tables, plus):
 *   $...$            inline math (TeX subset, typeset/math_parse.h); "\$" is a literal dollar
 *   $$ ... $$        display math, on lines of its own (may span lines); may hold \label{eq:NAME}
 *                    and \begin{aligned}...\end{aligned}
 *   {{NAME}}         the value of named quantity NAME (model/quantity.h), default format
 *   {{NAME:FMT}}     ... in printf-like format FMT: ".4f", ".3e", ".6g", "d" (integer), "%" (a
 *                    fraction shown as a percentage, e.g. ".1%")
 *   {{?NAME:FMT}}    a question: the value in a report, a numbered blank in a worksheet, value,
 *                    accepted interval and worked formula in a key (book/document.h); options
 *                    {{?NAME:FMT|tol=rel:0.5%|points=2}} (tolerances: model/tolerance.h)
 *   {{ref:LABEL}}    a reference: "Figure 3", "Table 2", "(4)" for equations, "Section 2.1"
 *   # Title {#sec:LABEL}   headings may carry a label; "{-}" makes a heading unnumbered
 *   ```gradbook NAME [KEY=VALUE | KEY="VALUE WITH SPACES"]... [#LABEL]
 *   Caption text (inline markdown, math and values allowed).
 *   ```              a computation block: a figure or table that gradbook computes (the NAMEs are
 *                    listed in book/computations.h); the body is its caption
 * Math and values are found before Markdown parsing, so backslashes, underscores, asterisks and
 * brackets inside $...$ reach the math typesetter untouched; inside code spans and fenced code they
 * are literal text. Values inside math ($C = {{C:.4f}}$) are substituted into the TeX. The exact
 * rules (when a '$' is a literal dollar, what a display may hold, what each field holds) are in
 * book/chapter.h. */
#ifndef GB_BLOCKS_H
#define GB_BLOCKS_H

#include "model/tolerance.h"

#include <stddef.h>

/* A place in a source file: 1-based line and column (columns count bytes). */
typedef struct gb_srcpos {
    const char *file;    /* borrowed from the chapter (gb_chapter.path) */
    unsigned line, col;
} gb_srcpos;

typedef enum gb_span_kind {
    GB_SPAN_TEXT,        /* text: UTF-8 in text, styled by style */
    GB_SPAN_CODE,        /* inline code: literal text in text */
    GB_SPAN_MATH,        /* inline math: TeX in text (values not yet substituted) */
    GB_SPAN_VALUE,       /* {{NAME:FMT}}: name, fmt (fmt "" = default) */
    GB_SPAN_QUESTION,    /* {{?NAME:FMT}} */
    GB_SPAN_REF,         /* {{ref:LABEL}}: label in name */
    GB_SPAN_BREAK        /* a hard line break */
} gb_span_kind;

enum { GB_STYLE_EM = 1, GB_STYLE_STRONG = 2 };

typedef struct gb_span {
    gb_span_kind kind;
    unsigned style;      /* GB_STYLE_* bits (TEXT, CODE, VALUE spans inside emphasis) */
    char *text;          /* TEXT, CODE, MATH; owned */
    char *name;          /* VALUE, QUESTION: quantity name; REF: label; owned */
    char *fmt;           /* VALUE, QUESTION: format without '%' ("" = default); owned */
    char *url;           /* a link's destination when the span is inside a link, else NULL */
    gb_tolerance tol;    /* QUESTION: the tolerance given with |tol=..., when has_tol */
    double points;       /* QUESTION: the points given with |points=..., when has_points */
    int has_tol, has_points;
    gb_srcpos pos;       /* where the span starts (exact for MATH/VALUE/QUESTION/REF; the
                            enclosing block's line for TEXT) */
    gb_srcpos tex_pos;   /* MATH: where the TeX's first byte sits (just after the '$'), for
                            typeset/math_parse.h messages; else equal to pos */
} gb_span;

typedef enum gb_block_kind {
    GB_BLOCK_HEADING,    /* level, spans, label, numbered */
    GB_BLOCK_PARAGRAPH,  /* spans */
    GB_BLOCK_LIST,       /* ordered, start, children (each GB_BLOCK_ITEM) */
    GB_BLOCK_ITEM,       /* children (blocks of one list item) */
    GB_BLOCK_QUOTE,      /* children */
    GB_BLOCK_CODE,       /* info (language, may be ""), text (the listing, ends with '\n') */
    GB_BLOCK_MATH,       /* text (TeX of a display equation), label (from \label, or NULL) */
    GB_BLOCK_COMPUTE,    /* name, opts, label (#LABEL), spans (the caption) */
    GB_BLOCK_TABLE,      /* rows x cols cells (row 0 = header), aligns */
    GB_BLOCK_RULE        /* a thematic break */
} gb_block_kind;

typedef struct gb_option {
    char *key, *value;   /* owned; value "" for a bare key */
    gb_srcpos pos;       /* where KEY starts */
} gb_option;

typedef struct gb_block gb_block;

struct gb_block {
    gb_block_kind kind;
    gb_srcpos pos;       /* first line of the block */
    int level;           /* HEADING: 1..6 */
    int numbered;        /* HEADING: 1 unless marked {-} */
    int ordered, start;  /* LIST */
    char *label;         /* HEADING {#...}, MATH \label{...}, COMPUTE #...; owned or NULL */
    char *info;          /* CODE: info string; owned */
    char *text;          /* CODE, MATH; owned */
    char *name;          /* COMPUTE: computation name; owned */
    gb_option *opts;     /* COMPUTE */
    size_t nopts;
    gb_span *spans;      /* HEADING, PARAGRAPH, COMPUTE (caption), table cells */
    size_t nspans;
    gb_block *children;  /* LIST, ITEM, QUOTE; TABLE: rows*cols cells (PARAGRAPH blocks) */
    size_t nchildren;
    size_t rows, cols;   /* TABLE */
    char *aligns;        /* TABLE: cols chars 'l', 'c', 'r' or 'n' (none); owned */
    gb_srcpos tex_pos;   /* MATH: where the TeX's first byte sits; else equal to pos */
};

typedef struct gb_chapter {
    char *path;          /* owned; gb_srcpos.file points here */
    gb_block *blocks;
    size_t nblocks;
} gb_chapter;

/* The option named key of a COMPUTE block (borrowed from b), or NULL when it has none or b or
 * key is NULL. A block's keys are unique: chapter.c refuses a key given twice. */
const gb_option *gb_block_find_option(const gb_block *b, const char *key);

/* The value of option key (borrowed; "" for a bare key), or NULL as gb_block_find_option. */
const char *gb_block_option(const gb_block *b, const char *key);

/* Frees everything a chapter owns (not the struct itself) and zeroes it; NULL-safe. */
void gb_chapter_free(gb_chapter *c);

/* Frees what one block owns (its strings, options, spans and children, recursively), not the
 * struct itself, and zeroes it; NULL-safe. */
void gb_block_free(gb_block *b);

/* Frees what one span owns (text, name, fmt, url), not the struct itself; NULL-safe. */
void gb_span_free(gb_span *s);

#endif
