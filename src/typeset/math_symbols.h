/* math_symbols.h — the TeX commands the math parser knows: Greek letters, operators, relations,
 * spacing, fonts, accents, delimiters, environments' keywords, each with its atom class and face. */
#ifndef GB_MATH_SYMBOLS_H
#define GB_MATH_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

/* What a command does (the parser dispatches on this). */
typedef enum gb_math_cmd_kind {
    GB_CMD_SYM,      /* a symbol: text (UTF-8) in face with class cls and flags (GB_MF_*) */
    GB_CMD_SPACE,    /* a kern of amount mu (1/18 em): \, \: \; \! \quad \qquad "\ " */
    GB_CMD_FRAC,     /* \frac, \dfrac, \tfrac (flags GB_MF_DFRAC / GB_MF_TFRAC) */
    GB_CMD_LEFT, GB_CMD_RIGHT,
    GB_CMD_BIG,      /* \big( ... : a delimiter of fixed size amount (em), class cls */
    GB_CMD_TEXT,     /* \text{...}: upright text in face */
    GB_CMD_FONT,     /* \mathbf{...}: letters and digits of the argument in face */
    GB_CMD_ACCENT,   /* \hat{...}: accent glyph text (SERIF), flags GB_MF_OVERLINE / SMALLACC */
    GB_CMD_BEGIN, GB_CMD_END,
    GB_CMD_LABEL, GB_CMD_TAG, GB_CMD_NOTAG,
    GB_CMD_OPNAME,   /* \operatorname{name} */
    GB_CMD_LIMITS, GB_CMD_NOLIMITS,
    GB_CMD_STYLE,    /* \displaystyle ... : amount = gb_math_style value */
    GB_CMD_NEWLINE,  /* \\ */
    GB_CMD_CLASS     /* \mathrel{...}: the argument as one atom of class cls */
} gb_math_cmd_kind;

typedef struct gb_math_cmd {
    const char *name;    /* without the backslash */
    int kind;            /* gb_math_cmd_kind */
    int cls;             /* gb_math_cls (math_tree.h) */
    int face;            /* gb_face */
    int flags;           /* GB_MF_* (math_tree.h) */
    const char *text;    /* UTF-8 (BMP only), or NULL */
    double amount;
} gb_math_cmd;

/* The command named name[0..len) (no backslash), or NULL. The entry is static. */
const gb_math_cmd *gb_math_cmd_find(const char *name, size_t len);

/* The symbol entry whose text is exactly the code point cp (so a typed "≤" gets the class of
 * \le), or NULL. */
const gb_math_cmd *gb_math_cmd_by_char(uint32_t cp);

/* 1 if the table is sorted by strcmp (bsearch relies on it); a test checks this. */
int gb_math_cmd_table_sorted(void);

#endif
