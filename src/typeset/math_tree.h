/* math_tree.h — the parsed formula shared by math_parse.c (which builds it) and math_layout.c
 * (which sets it): a flat array of nodes linked by index, so a formula costs a few allocations in
 * all, whatever its length. Private to the math module. */
#ifndef GB_MATH_TREE_H
#define GB_MATH_TREE_H

#include "typeset/math_parse.h"
#include "typeset/metrics.h"

#include <stddef.h>
#include <stdint.h>

/* TeX's atom classes (The TeXbook, chapter 17), in the order of its inter-atom spacing table. */
typedef enum gb_math_cls {
    GB_MC_ORD = 0, GB_MC_OP, GB_MC_BIN, GB_MC_REL, GB_MC_OPEN, GB_MC_CLOSE, GB_MC_PUNCT,
    GB_MC_INNER,
    GB_MC_NONE     /* not an atom (kerns, style changes) */
} gb_math_cls;

typedef enum gb_math_kind {
    GB_MK_LIST,     /* a = first child (siblings by next); cls = class of the whole group */
    GB_MK_SYM,      /* glyph run text[off, off+len) in face; cls; flags */
    GB_MK_SCRIPTS,  /* a = nucleus (-1 = empty), b = subscript, c = superscript (-1 = none);
                       nprimes primes */
    GB_MK_FRAC,     /* a = numerator, b = denominator; flags GB_MF_DFRAC / GB_MF_TFRAC */
    GB_MK_ACCENT,   /* a = body; text = accent glyph (SERIF face); flags GB_MF_OVERLINE, GB_MF_SMALLACC */
    GB_MK_SPACE,    /* a kern of amount mu (1/18 em) */
    GB_MK_STYLE,    /* switches the style of what follows in its list to amount (gb_math_style) */
    GB_MK_FENCED,   /* a = body (-1 for \big-style delimiters); ldelim, rdelim code points
                       (0 = none); amount = fixed size in em (0 = grow to the body) */
    GB_MK_TABLE,    /* a = first row; env = GB_ENV_*; text = column spec (array) */
    GB_MK_ROW       /* a = first cell (LIST nodes by next); tag, label, notag */
} gb_math_kind;

enum {
    GB_MF_LARGE = 1,      /* big operator: display size in display style, centred on the axis */
    GB_MF_LIMITS = 2,     /* limits above/below in display style (\sum, \max) */
    GB_MF_FORCE_LIMITS = 4,   /* \limits */
    GB_MF_NOLIMITS = 8,   /* \nolimits */
    GB_MF_USER = 16,      /* text typed by the author: glyph coverage is checked at layout */
    GB_MF_DFRAC = 32, GB_MF_TFRAC = 64,
    GB_MF_OVERLINE = 128,
    GB_MF_SMALLACC = 256, /* accent glyph drawn at half size (\vec's arrow) */
    GB_MF_DELIM = 512,    /* the symbol may follow \left, \right, \big */
    GB_MF_BOXED = 1024    /* \boxed{...}: the body framed (answer boxes of worksheets) */
};

typedef enum gb_math_env {
    GB_ENV_ALIGNED = 0, GB_ENV_GATHERED, GB_ENV_ARRAY, GB_ENV_MATRIX, GB_ENV_CASES
} gb_math_env;

typedef struct gb_mnode {
    uint8_t kind, cls, face, env;
    uint16_t flags;
    uint16_t nprimes;
    int32_t a, b, c, next;
    uint32_t off, len;      /* text in the formula's string buffer */
    uint32_t src;           /* byte offset of the node in the formula source (diagnostics) */
    uint32_t ldelim, rdelim;
    int32_t tag_off, tag_len;     /* ROW: \tag text in the buffer (tag_off -1 = none) */
    int32_t label_off, label_len; /* ROW: \label name (label_off -1 = none) */
    int notag;                    /* ROW: \notag or \nonumber given */
    double amount;
} gb_mnode;

struct gb_math_node {
    gb_mnode *n;           /* nodes; n[root] is the top-level LIST */
    size_t count, cap;
    char *buf;             /* text of SYM nodes, tags and labels */
    size_t blen, bcap;
    int32_t root;
    int32_t top_row;       /* ROW node holding the formula-level tag/label/notag */
    char *file;            /* copy of where->file (may be NULL) */
    unsigned line, col;
    char *srctext;         /* copy of the source, for diagnostics at layout time */
    size_t srclen;
};

/* Formats "file:line:col: message" for a byte offset of the source into e. */
int gb_math__err_at(const struct gb_math_node *t, gb_err *e, int code, size_t off,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
