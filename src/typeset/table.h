/* table.h — book-style tables (booktabs: a thick rule above and below, a thin rule under the
 * head, no vertical rules) laid out into a display list through gb_metrics.
 *
 * Columns are as wide as their contents; when the table would be wider than the space given,
 * the text columns are narrowed and their cells wrap (linebreak.h) instead of overflowing.
 * Numbers in GB_ALIGN_DECIMAL columns line up on the decimal point. The caption belongs to the
 * caller. Lengths are points; the list's origin is the table's top-left corner, the table
 * occupies [0, width] x [-height, 0]. */
#ifndef GB_TABLE_H
#define GB_TABLE_H

#include "typeset/dlist.h"
#include "typeset/linebreak.h"
#include "typeset/metrics.h"
#include "util/diag.h"

#include <stddef.h>

typedef enum gb_align {
    GB_ALIGN_LEFT, GB_ALIGN_RIGHT, GB_ALIGN_CENTER,
    GB_ALIGN_DECIMAL   /* on the first '.', else before an exponent 'e'/'E', else after the
                          last character; a lone dash ('-', U+2013, U+2014, U+2212) is centred
                          on the point. Head cells of such a column are centred. */
} gb_align;

/* A cell: inline items (text runs, inline boxes), borrowed during gb_table_layout. n = 0 is an
 * empty cell. Forced breaks are honoured in text columns. */
typedef struct gb_cell {
    const gb_inline *items;
    size_t n;
} gb_cell;

typedef struct gb_table_spec {
    size_t rows, cols;       /* rows counts the head rows too; cols >= 1 */
    size_t head_rows;        /* rows above the thin rule (0: no thin rule) */
    const gb_cell *cells;    /* rows x cols, row-major: cells[r * cols + c] */
    const gb_align *align;   /* cols entries */
    double max_width;        /* available width, points (> 0) */
    double col_sep;          /* space between columns, points (e.g. 12) */
    double leading;          /* minimum baseline distance of wrapped lines in a cell */
    double row_sep;          /* extra space between rows (e.g. 2) */
    double rule_sep;         /* space between a rule and the text above/below it (e.g. 3) */
    double thick, thin;      /* rule widths (e.g. 0.8 and 0.5) */
    gb_rgb rule_color;
} gb_table_spec;

typedef struct gb_table {
    gb_dlist *dl;            /* owned; free with gb_table_free */
    double width, height;    /* extent of the table, points */
    double min_width;        /* the narrowest the table can be without splitting words */
    int fits;                /* 1 if width <= max_width; 0: even at its narrowest the table is
                                wider than max_width (the caller should report it, e.g. "table
                                needs 312.4 pt, text width is 300 pt") */
} gb_table;

/* Lays out spec. out is overwritten. Returns 0 (check out->fits), or GB_EINTERNAL (bad spec:
 * no columns, head_rows > rows, non-finite or negative lengths, bad cell items, out of memory);
 * out->dl is then NULL. */
int gb_table_layout(const gb_metrics *m, const gb_table_spec *spec, gb_table *out, gb_err *e);

void gb_table_free(gb_table *t);

#endif
