/* computations.h — the figures and tables gradbook computes for a chapter: the body of a
 * ```gradbook NAME KEY=VALUE... #LABEL``` block (blocks.h), drawn from the model of named
 * quantities and the runs (model/), laid out with typeset/.
 *
 * NAME and options (every option is optional unless stated):
 *   activation        fn=sigmoid|tanh|leaky_relu|identity (required), from=-6, to=6,
 *                     alpha=<leaky slope, default network.leaky_relu_alpha>
 *                     figure: g(z) solid and g'(z) dashed, legend, axes z / value
 *   network           values=none|forward|gradients (default none)
 *                     figure: the sample network as labelled nodes; "none": weights on edges;
 *                     "forward": z and a on the nodes; "gradients": gradients dC/dw on edges
 *   model-summary     of=perceptron|network (default network)
 *                     table: layer | output shape | parameters, with total (Keras' summary)
 *   perceptron-check  table: the perceptron's inputs, weights, bias; yhat through the layer and
 *                     as [1, x] . [b, w]; their difference
 *   forward-table     table: every pre-activation, activation, yhat and C with its value
 *   gradient-table    table: every delta and gradient: analytic | GSL numerical | GSL error
 *                     estimate | relative error | verdict
 *   step-error        figure: log-log error of the central difference against the step h for
 *                     the swept parameter ([check] sweep), the automatic step marked
 *   training-loss     figure: mean training loss per epoch
 *   training-accuracy figure: training accuracy per epoch (and the final test accuracy marked)
 *   decision-boundary figure: the trained network's output over the feature plane, shaded by
 *                     class, the 0.5 contour, training and test points as markers, legend
 *   training-table    table: data set and hyper-parameters, final train and test accuracy
 * Numbers shown come from model quantities (formatted by values.h), never typed; formats: sample
 * values ".4g", forward values ".4f", gradient table ".8f" (analytic, numerical) and ".2e"
 * (error estimate, relative error), accuracies ".1%".
 * Fitting: plots are at most 0.75-0.8 of the text width (and at most 360 pt) wide; tables let
 * text columns wrap (typeset/table.h) and are set in a smaller size when they still do not fit;
 * diagrams spread their columns over the text width and are scaled down when their labels need
 * more. Whatever a layout lets stick out of its box (a long legend) enlarges the box, and a box
 * wider than the text width is scaled to it, so out->width <= ctx->text_width always holds and
 * all ink lies within [0, width] x [0, height] (up to a stroke's half width). Diagram labels and
 * plot labels are plain UTF-8 with Unicode sub/superscripts (w₀₀⁽²⁾); table cells set the
 * quantities' TeX symbols with math_layout.h. */
#ifndef GB_COMPUTATIONS_H
#define GB_COMPUTATIONS_H

#include "book/blocks.h"
#include "model/exercise.h"
#include "model/quantity.h"
#include "model/runs.h"
#include "typeset/dlist.h"
#include "typeset/metrics.h"
#include "util/diag.h"

/* What a computation may read. All borrowed. */
typedef struct gb_book_ctx {
    const gb_model *model;
    const gb_runs *runs;
    const gb_exercise *ex;
    const gb_metrics *metrics;
    double text_width;     /* available width, points */
    double font_size;      /* body font size, points (tables use it; figure labels ~0.8 of it) */
} gb_book_ctx;

typedef enum gb_float_kind { GB_FLOAT_FIGURE, GB_FLOAT_TABLE } gb_float_kind;

/* A computed figure or table, without its caption (the composer numbers and captions it). */
typedef struct gb_float {
    gb_float_kind kind;
    gb_dlist *dl;          /* owned; origin at the lower-left corner */
    double width, height;  /* points; width <= ctx->text_width */
} gb_float;

/* 1 if name is a known computation. */
int gb_computation_known(const char *name);

/* 1 if computation name draws from the training run (documents without one skip the run). */
int gb_computation_needs_training(const char *name);

/* Whether computation name makes a figure or a table (a figure for an unknown name). */
gb_float_kind gb_computation_kind(const char *name);

/* Computes block b (a GB_BLOCK_COMPUTE) into *out. GB_EINPUT with file:line:column for an
 * unknown computation, an unknown option or a bad option value; GB_EINTERNAL when out of memory
 * or a layout fails. Free out with gb_float_free. */
int gb_computation_render(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e);
void gb_float_free(gb_float *f);

#endif
