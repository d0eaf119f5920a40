/* math_parse.h — reading a TeX math formula (the subset the exercise uses) into a tree that
 * math_layout.h sets as boxes.
 *
 * The subset: Latin and Greek letters, digits and decimals, + - * / = < > ( ) [ ] | , ; : ! ' ;
 * sub/superscripts (x_0^{[1]}, primes x', \prime); \frac \dfrac \tfrac; \hat \bar \tilde \dot
 * \ddot \vec \overline; \mathbf \mathrm \mathit \mathtt \mathsf \boldsymbol; \text \textbf
 * \textit \mbox \operatorname; big operators \sum \prod \int with \limits \nolimits; function
 * names \max \min \lim \exp \log \ln \tanh \sin ...; relations, arrows and binary operators
 * (\le \ge \ne \approx \leftarrow \to \cdot \times \pm ...); \dots \ldots \cdots; spaces
 * \, \: \; \! \quad \qquad "\ " ~; \left X ... \right Y with X, Y one of ( ) [ ] \{ \} | \| . /
 * \langle \rangle \lfloor \rfloor \lceil \rceil; \big \Big \bigg \Bigg (and their l/r forms);
 * environments aligned, gathered, array{cols}, matrix, pmatrix, bmatrix, vmatrix, cases with &
 * and \\ ; \label{name} \tag{text} \tag*{text} \notag \nonumber (stored, not drawn);
 * \displaystyle \textstyle \scriptstyle \scriptscriptstyle; \mathrel{..} and the other class
 * commands; braces for grouping; % comments. Typed Unicode letters and symbols of the Basic
 * Multilingual Plane are accepted (a typed "≤" is \le). */
#ifndef GB_MATH_PARSE_H
#define GB_MATH_PARSE_H

#include "util/diag.h"

#include <stddef.h>

/* Where a formula's first character sits in its source file, so messages read file:line:col.
 * file may be NULL; line and col are 1-based (0 = unknown). */
typedef struct gb_math_src {
    const char *file;
    unsigned line, col;
} gb_math_src;

/* A parsed formula (opaque). */
typedef struct gb_math_node gb_math_node;

/* Parses tex[0..len) (UTF-8; need not be NUL-terminated; the text between $...$ or $$...$$,
 * without the dollars). where may be NULL. Returns a new tree (free with gb_math_free), or NULL
 * with e set:
 *   GB_EINPUT    the formula is malformed; e->msg is "file:line:col: message" where col is the
 *                column (code points, 1-based) of the offending character: an unknown command,
 *                an unknown environment, a missing argument (at the command lacking it), an
 *                unclosed { (at the brace), a stray } & \\ \right \end or ^/_ pair (double
 *                sub/superscript), a \left without \right, a \end not matching its \begin, a
 *                delimiter \left cannot take, invalid UTF-8, a character above U+FFFF
 *                (libharu's fonts reach only the BMP), a control character, $ or #, nesting
 *                deeper than about 64 groups, a formula longer than 1 MiB;
 *   GB_EINTERNAL out of memory.
 * Newlines inside the formula advance the line (column restarts at 1). Any byte sequence is
 * safe: the parser never reads outside tex[0..len) and always terminates. */
gb_math_node *gb_math_parse(const char *tex, size_t len, const gb_math_src *where, gb_err *e);

/* Frees a tree (NULL is fine). */
void gb_math_free(gb_math_node *t);

#endif
