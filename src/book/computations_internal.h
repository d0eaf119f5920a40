/* computations_internal.h — what the files behind computations.h share: option reading with
 * file:line:column errors, value look-up and formatting, figure sizing and finishing, and a
 * small book-style table engine (rules, decimal-aligned numbers, math cells, shrink to fit).
 * Private to src/book/computations.c, comp_util.c (which implements it), fig_*.c and tab_*.c. */
#ifndef GB_COMPUTATIONS_INTERNAL_H
#define GB_COMPUTATIONS_INTERNAL_H

#include "book/computations.h"
#include "book/values.h"
#include "typeset/plot.h"

#include <stddef.h>

/* One computation: renders block b into *out (out->dl NULL on entry). Same errors as
 * gb_computation_render. */
typedef int (*gb_comp_fn)(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e);

int gb_comp_activation(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e);
int gb_comp_network(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e);
int gb_comp_model_summary(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e);
int gb_comp_perceptron_check(const gb_block *b, const gb_book_ctx *ctx, gb_float *out,
                             gb_err *e);
int gb_comp_forward_table(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e);
int gb_comp_gradient_table(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e);
int gb_comp_step_error(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e);
int gb_comp_training_loss(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e);
int gb_comp_training_accuracy(const gb_block *b, const gb_book_ctx *ctx, gb_float *out,
                              gb_err *e);
int gb_comp_decision_boundary(const gb_block *b, const gb_book_ctx *ctx, gb_float *out,
                              gb_err *e);
int gb_comp_training_table(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e);

/* ---- Options ------------------------------------------------------------------------------ */

/* GB_EINPUT naming the block's (or, when o is not NULL, the option's) file:line:column and the
 * computation: "file:3:18: activation: <message>". Returns GB_EINPUT. */
int gb_comp_bad(const gb_block *b, const gb_option *o, gb_err *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 0 when every option key of b is in keys[0..nkeys-1]; else GB_EINPUT at the first unknown
 * key, listing the accepted ones. */
int gb_comp_keys(const gb_block *b, const char *const *keys, size_t nkeys, gb_err *e);
/* A finite number option: *out = dflt when absent; GB_EINPUT for a value that is not, as a
 * whole, a finite number ("from=abc", "from=", "from=1x", "from=inf"). */
int gb_comp_opt_double(const gb_block *b, const char *key, double dflt, double *out, gb_err *e);
/* A choice option: *out = the index in choices[0..n-1] of the value (exact match), dflt when
 * absent; GB_EINPUT naming the choices otherwise. */
int gb_comp_opt_choice(const gb_block *b, const char *key, const char *const *choices, size_t n,
                       int dflt, int *out, gb_err *e);

/* ---- Values ------------------------------------------------------------------------------- */

/* Formats the model quantity name with fmt (values.h). GB_EINTERNAL naming the quantity when
 * the model has none of that name or its value is not finite (a run left it NaN). */
int gb_comp_value(const gb_book_ctx *ctx, const char *name, const char *fmt, gb_formatted *out,
                  gb_err *e);
/* The raw value of quantity name (for placing, never for printing); errors as above. */
int gb_comp_raw(const gb_book_ctx *ctx, const char *name, double *v, gb_err *e);

/* Unicode forms for labels drawn as plain text (diagrams): digits as subscripts (U+2080..) or
 * superscripts (U+2070..); other ASCII characters are copied ('(' ')' '-' get their sub/super
 * forms). Writes a NUL-terminated string of at most cap bytes. */
void gb_comp_subscript(const char *ascii, char *buf, size_t cap);
void gb_comp_superscript(const char *ascii, char *buf, size_t cap);
/* A formatted value as plain UTF-8 for a label: f->text, or for scientific notation
 * "4.2×10⁻¹⁸" (superscript exponent, typographic minus). */
void gb_comp_label_value(const gb_formatted *f, char *buf, size_t cap);
/* A parameter's name as a plain label: "W[2][0][1]" -> "w₀₁⁽²⁾", "b[1][0]" -> "b₀⁽¹⁾"; any
 * other name is copied. */
void gb_comp_param_label(const char *name, char *buf, size_t cap);

/* ---- Figures ------------------------------------------------------------------------------ */

/* Plot options for a figure of width frac * text_width (at most 360 pt, the width a book's
 * plot reads well at) and height aspect * width, fonts from the body size (0.8 of it for tick
 * and legend labels, 0.9 for axis labels). GB_EINPUT when the text width leaves no room for a
 * plot (below 80 pt). */
int gb_comp_plot_opts(const gb_book_ctx *ctx, double frac, double aspect, gb_plot_opts *o,
                      gb_err *e);
/* Renders plot p into a new figure *out (kind GB_FLOAT_FIGURE); frees nothing. */
int gb_comp_plot_finish(gb_plot *p, const gb_book_ctx *ctx, gb_float *out, gb_err *e);
/* A new list holding src scaled by f about the origin (coordinates, font sizes, radii, stroke
 * widths and dashes); NULL when out of memory. Used to fit wide content to the text width. */
gb_dlist *gb_comp_dl_scale(const gb_dlist *src, double f);

/* ---- Tables ------------------------------------------------------------------------------- */

/* A table under construction: cells of text, math (TeX set by math_layout.h) or formatted values,
 * laid out by typeset/table.h as a book table. */
typedef struct gb_ctab gb_ctab;

/* A table of rows x cols (rows include head_rows head rows) with column alignments align (cols
 * characters of "lcrd"; 'd' = on the decimal point); NULL when out of memory or for bad sizes.
 * Free with gb_ctab_free (NULL is fine). */
gb_ctab *gb_ctab_new(size_t rows, size_t cols, const char *align, size_t head_rows);
void gb_ctab_free(gb_ctab *t);
/* Fill cell (r, c) (copied); each returns 0 or GB_EINTERNAL (out of memory, bad index). A cell
 * set twice keeps the last content. */
int gb_ctab_text(gb_ctab *t, size_t r, size_t c, gb_face face, const char *utf8);
int gb_ctab_math(gb_ctab *t, size_t r, size_t c, const char *tex);
int gb_ctab_num(gb_ctab *t, size_t r, size_t c, const gb_formatted *f);
/* Fills cell (r, c) with quantity name formatted with fmt (gb_comp_value); returns 0, or
 * gb_comp_value's error, or GB_EINTERNAL (e set) when the cell cannot be filled. */
int gb_ctab_value(gb_ctab *t, size_t r, size_t c, const gb_book_ctx *ctx, const char *name,
                  const char *fmt, gb_err *e);
/* Renders t into a new figure *out of kind GB_FLOAT_TABLE (origin lower-left) at
 * ctx->font_size; text columns wrap and, if the table still does not fit ctx->text_width, the
 * whole table is set smaller until it does. Errors (e set): GB_EINPUT for a formula the math
 * typesetter rejects, GB_EINTERNAL (out of memory, layout failure). */
int gb_ctab_render(const gb_ctab *t, const gb_book_ctx *ctx, gb_float *out, gb_err *e);

#endif
