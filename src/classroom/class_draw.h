/* class_draw.h — the variants of a class, drawn in roster order so that no two students get
 * the same values: student i's draw is redrawn (model/variants.h, the `taken` rule) while it
 * equals any earlier student's. `gradbook variants` and `gradbook grade` both draw through this,
 * so the grader regenerates exactly the variant each student was given (the same roster gives
 * the same variants). */
#ifndef GB_CLASS_DRAW_H
#define GB_CLASS_DRAW_H

#include "model/params.h"
#include "model/variants.h"
#include "util/diag.h"

#include <stddef.h>

/* Called once per student, in order, with the accepted variant. The callback may take
 * ownership of v->params or v->model (then set it to NULL); whatever is left is freed after
 * the call.
 * A non-zero return stops the drawing with that code (e set by the callback). */
typedef int (*gb_class_drawn_fn)(size_t i, gb_variant *v, void *ctx, gb_err *e);

/* Draws the variants of the students ids[0..n) of assignment from base, for the asked questions
 * qs[0..nq); stats (may be NULL) accumulates the rejection counts. On a failed draw returns its
 * code with e set to the draw's message and *failed (may be NULL) = the student's index.
 * GB_EINTERNAL when out of memory. */
int gb_class_draw(const gb_params *base, const char *assignment, const char *const *ids,
                  size_t n, const gb_question_spec *qs, size_t nq, gb_variant_stats *stats,
                  gb_class_drawn_fn on_drawn, void *ctx, size_t *failed, gb_err *e);

#endif
