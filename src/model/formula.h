/* formula.h — a computed quantity's formula as TeX, symbolically and with the numbers of its
 * inputs substituted, for answer keys and graded feedback:
 *     \delta^{[2]} = (\hat{y} - y)\,\hat{y}(1 - \hat{y})
 *                  = (0.5488 - 1) \times 0.5488 \times (1 - 0.5488)
 * The numbers come from the values given (the model's own, or a student's upstream answers), so
 * the substituted line shows exactly what the value was computed from. Sigmoid slopes are shown
 * as a(1 - a) with a = sigma(z) evaluated from the input z (the exercise's form). */
#ifndef GB_FORMULA_H
#define GB_FORMULA_H

#include "model/quantity.h"

#include <stddef.h>

/* Writes the right-hand sides for quantity i into sym (symbols of the inputs) and num (their
 * values from values[], indexed like the model, or the model's own values when values is NULL,
 * each formatted as "%.*g" with digits significant digits, negative numbers in parentheses
 * where they follow an operator). Returns 0, or -1 when the quantity is given or measured (no
 * formula) or a buffer is too small (then both are empty). */
int gb_formula_tex(const gb_model *m, size_t i, const double *values, int digits, char *sym,
                   size_t sym_cap, char *num, size_t num_cap);

#endif
