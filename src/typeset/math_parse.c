/* math_parse.c — a recursive-descent reader of TeX math into the flat node tree of math_tree.h.
 * Every recursion goes through parse_item, which bounds the nesting, and every loop consumes at
 * least one byte per turn, so any input terminates. */
#include "typeset/math_parse.h"

#include "typeset/math_symbols.h"
#include "typeset/math_tree.h"
#include "util/grow.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 128   /* parse_list + parse_item levels: about 60 nested groups */
#define MAX_LEN (1u << 20)

typedef struct parser {
    gb_math_node *t;
    const char *s;
    size_t len, pos;
    gb_err *e;
    int failed;
    int depth;
    int face_letters, face_digits;   /* gb_face of typed letters and digits (\mathbf ...) */
    int in_table;                    /* & and \\ end a cell */
    int in_left;                     /* \right ends the list */
    int32_t cur_row;                 /* ROW receiving \tag, \label, \notag */
} parser;

/* ------------------------------------------------------------------ diagnostics */

int gb_math__err_at(const gb_math_node *t, gb_err *e, int code, size_t off, const char *fmt, ...)
{
    unsigned line = t->line ? t->line : 1, col = t->col ? t->col : 1;
    size_t i = 0;
    while (i < off && i < t->srclen) {
        uint32_t cp;
        size_t n = gb_utf8_decode(t->srctext + i, t->srclen - i, &cp);
        if (cp == '\n') { line++; col = 1; } else col++;
        i += n;
    }
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gb_err_set(e, code, t->file ? t->file : "<formula>", line, col, "%s", msg);
}

static int perr(parser *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(parser *p, size_t off, const char *fmt, ...)
{
    char msg[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!p->failed) gb_math__err_at(p->t, p->e, GB_EINPUT, off, "%s", msg);
    p->failed = 1;
    return -1;
}

static int oom(parser *p)
{
    if (!p->failed) gb_err_set(p->e, GB_EINTERNAL, NULL, 0, 0, "out of memory parsing a formula");
    p->failed = 1;
    return -1;
}

/* ------------------------------------------------------------------ tree building */

static int32_t new_node(parser *p, int kind, size_t src)
{
    gb_math_node *t = p->t;
    gb_mnode *nodes = gb_grow(t->n, &t->cap, t->count + 1, sizeof *nodes, 64);
    if (!nodes) return oom(p);
    t->n = nodes;
    gb_mnode *n = &t->n[t->count];
    memset(n, 0, sizeof *n);
    n->kind = (uint8_t)kind;
    n->cls = GB_MC_ORD;
    n->face = GB_FACE_SERIF;
    n->a = n->b = n->c = n->next = -1;
    n->tag_off = n->label_off = -1;
    n->src = (uint32_t)src;
    return (int32_t)t->count++;
}

#define N(i) (p->t->n[(i)])

/* Appends bytes to the text buffer; returns their offset or -1. */
static int64_t buf_add(parser *p, const char *s, size_t n)
{
    gb_math_node *t = p->t;
    char *b = gb_grow(t->buf, &t->bcap, t->blen + n + 1, 1, 256);
    if (!b) return oom(p);
    t->buf = b;
    memcpy(t->buf + t->blen, s, n);
    size_t off = t->blen;
    t->blen += n;
    t->buf[t->blen] = '\0';
    return (int64_t)off;
}

static int32_t new_sym(parser *p, size_t src, const char *text, size_t n, int cls, int face,
                       int flags)
{
    int64_t off = buf_add(p, text, n);
    if (off < 0) return -1;
    int32_t i = new_node(p, GB_MK_SYM, src);
    if (i < 0) return -1;
    N(i).off = (uint32_t)off;
    N(i).len = (uint32_t)n;
    N(i).cls = (uint8_t)cls;
    N(i).face = (uint8_t)face;
    N(i).flags = (uint16_t)flags;
    return i;
}

/* A list under construction: its node and its last two children (the last may be replaced by a
 * SCRIPTS node wrapping it). */
typedef struct lst { int32_t node, last, prev; } lst;

static void append(parser *p, lst *l, int32_t child)
{
    if (l->last < 0) N(l->node).a = child;
    else N(l->last).next = child;
    l->prev = l->last;
    l->last = child;
}

static void replace_last(parser *p, lst *l, int32_t child)
{
    if (l->prev < 0) N(l->node).a = child;
    else N(l->prev).next = child;
    l->last = child;
}

/* ------------------------------------------------------------------ scanning */

static int is_letter(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

static void skip_space(parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') p->pos++;
        else if (c == '%') {
            while (p->pos < p->len && p->s[p->pos] != '\n') p->pos++;
        } else break;
    }
}

/* Reads the command name after the backslash at p->pos (not consumed): letters, or one other
 * character. Sets *name and *n; returns 0 or -1 (backslash at the end). */
static int peek_cmd(parser *p, const char **name, size_t *n)
{
    size_t i = p->pos + 1;
    if (i >= p->len) return -1;
    if (is_letter((unsigned char)p->s[i])) {
        size_t j = i;
        while (j < p->len && is_letter((unsigned char)p->s[j])) j++;
        *name = p->s + i;
        *n = j - i;
    } else {
        uint32_t cp;
        *name = p->s + i;
        *n = gb_utf8_decode(p->s + i, p->len - i, &cp);
    }
    return 0;
}

static const gb_math_cmd *peek_cmd_entry(parser *p)
{
    const char *name;
    size_t n;
    if (p->pos >= p->len || p->s[p->pos] != '\\' || peek_cmd(p, &name, &n) < 0) return NULL;
    return gb_math_cmd_find(name, n);
}

/* Decodes the character at pos, rejecting what no font can show. Returns bytes or -1. */
static int read_char(parser *p, uint32_t *cp)
{
    size_t n = gb_utf8_decode(p->s + p->pos, p->len - p->pos, cp);
    unsigned char b = (unsigned char)p->s[p->pos];
    if (*cp == 0xFFFD && n == 1 && b >= 0x80)
        return perr(p, p->pos, "invalid UTF-8 byte 0x%02X", b);
    if (*cp > 0xFFFF)
        return perr(p, p->pos, "character U+%04X is outside the Basic Multilingual Plane (the "
                    "PDF fonts cannot show it); use the TeX command instead", (unsigned)*cp);
    if (*cp < 0x20 || *cp == 0x7F || (*cp >= 0x80 && *cp < 0xA0))
        return perr(p, p->pos, "control character U+%04X in a formula", (unsigned)*cp);
    return (int)n;
}

/* ------------------------------------------------------------------ grammar */

static int32_t parse_list(parser *p, size_t open_off);
static int parse_item(parser *p, lst *l);

static int32_t new_list(parser *p, size_t src)
{
    return new_node(p, GB_MK_LIST, src);
}

/* A required argument: a {group} or a single token. what names the command for messages. */
static int32_t parse_arg(parser *p, size_t cmd_off, const char *what)
{
    skip_space(p);
    int missing = p->pos >= p->len;
    if (!missing) {
        char c = p->s[p->pos];
        if (c == '}' || c == '&' || c == '^' || c == '_') missing = 1;
        const gb_math_cmd *cmd = c == '\\' ? peek_cmd_entry(p) : NULL;
        if (cmd && (cmd->kind == GB_CMD_NEWLINE || cmd->kind == GB_CMD_RIGHT ||
                    cmd->kind == GB_CMD_END))
            missing = 1;
    }
    if (missing) return perr(p, cmd_off, "missing argument of %s", what);
    if (p->s[p->pos] == '{') {
        size_t open = p->pos++;
        return parse_list(p, open);
    }
    int32_t li = new_list(p, p->pos);
    if (li < 0) return -1;
    lst l = {li, -1, -1};
    if (parse_item(p, &l) < 0) return -1;
    return li;
}

/* Reads a braced raw argument ({name} of \begin, \label): no nesting, no commands. */
static int read_braced_raw(parser *p, size_t cmd_off, const char *what, size_t *start, size_t *n)
{
    skip_space(p);
    if (p->pos >= p->len || p->s[p->pos] != '{')
        return perr(p, cmd_off, "missing {argument} of %s", what);
    size_t open = p->pos++;
    *start = p->pos;
    while (p->pos < p->len && p->s[p->pos] != '}') {
        uint32_t cp;
        if (p->s[p->pos] == '{' || p->s[p->pos] == '\\')
            return perr(p, p->pos, "unexpected '%c' in the argument of %s", p->s[p->pos], what);
        int k = read_char(p, &cp);
        if (k < 0) return -1;
        p->pos += (size_t)k;
    }
    if (p->pos >= p->len) return perr(p, open, "unclosed brace: the argument of %s has no '}'", what);
    *n = p->pos - *start;
    p->pos++;
    return 0;
}

/* Reads the {text} argument of \text, \tag, \operatorname into the buffer: braces nest, a few
 * escapes (\{ \} \% \$ \& \# \_ and "\ ") stand for their character, newlines become spaces. */
static int read_text_arg(parser *p, size_t cmd_off, const char *what, int64_t *off, size_t *n)
{
    skip_space(p);
    if (p->pos >= p->len || p->s[p->pos] != '{')
        return perr(p, cmd_off, "missing {argument} of %s", what);
    size_t open = p->pos++;
    int64_t start = buf_add(p, "", 0);
    if (start < 0) return -1;
    int depth = 0;
    for (;;) {
        if (p->pos >= p->len)
            return perr(p, open, "unclosed brace: the argument of %s has no '}'", what);
        char c = p->s[p->pos];
        if (c == '}' && depth == 0) { p->pos++; break; }
        if (c == '{' || c == '}') {
            depth += c == '{' ? 1 : -1;
            p->pos++;
            continue;
        }
        if (c == '$') return perr(p, p->pos, "math inside %s is not supported", what);
        if (c == '\\') {
            char d = p->pos + 1 < p->len ? p->s[p->pos + 1] : '\0';
            if (d && strchr("{}%$&#_ ", d)) {
                if (buf_add(p, &d, 1) < 0) return -1;
                p->pos += 2;
                continue;
            }
            return perr(p, p->pos, "commands inside %s are not supported (only \\{ \\} \\%% "
                        "\\$ \\& \\# \\_ and \"\\ \")", what);
        }
        if (c == '\n' || c == '\r' || c == '\t') {
            if (buf_add(p, " ", 1) < 0) return -1;
            p->pos++;
            continue;
        }
        uint32_t cp;
        int k = read_char(p, &cp);
        if (k < 0) return -1;
        if (buf_add(p, p->s + p->pos, (size_t)k) < 0) return -1;
        p->pos += (size_t)k;
    }
    *off = start;
    *n = p->t->blen - (size_t)start;
    return 0;
}

/* The delimiter after \left, \right, \big...: a code point, 0 for '.', or -1. */
static int64_t parse_delim(parser *p, size_t cmd_off, const char *what)
{
    skip_space(p);
    if (p->pos >= p->len) return perr(p, cmd_off, "missing delimiter after %s", what);
    char c = p->s[p->pos];
    const char *plain = "()[]|/.";
    if (c && strchr(plain, c)) {
        p->pos++;
        return c == '.' ? 0 : (unsigned char)c;
    }
    if (c == '<' || c == '>') {
        p->pos++;
        return c == '<' ? 0x27E8 : 0x27E9;
    }
    if (c == '\\') {
        const char *name;
        size_t n;
        size_t at = p->pos;
        if (peek_cmd(p, &name, &n) == 0) {
            const gb_math_cmd *cmd = gb_math_cmd_find(name, n);
            if (cmd && (cmd->flags & GB_MF_DELIM) && cmd->text) {
                uint32_t cp;
                gb_utf8_decode(cmd->text, strlen(cmd->text), &cp);
                p->pos += 1 + n;
                return cp;
            }
        }
        return perr(p, at, "%s cannot take this delimiter (use ( ) [ ] \\{ \\} | \\| . "
                    "\\langle \\rangle \\lfloor \\rfloor \\lceil \\rceil)", what);
    }
    return perr(p, p->pos, "%s cannot take '%c' as a delimiter", what, c);
}

static int32_t parse_env(parser *p, size_t begin_off);

/* Attaches a sub- or superscript (or a prime) to the last atom of l. */
static int parse_script(parser *p, lst *l)
{
    size_t at = p->pos;
    char c = p->s[p->pos++];
    int32_t base = l->last;
    if (base >= 0 && (N(base).kind == GB_MK_SPACE || N(base).kind == GB_MK_STYLE)) base = -1;
    int32_t sc;
    if (base >= 0 && N(base).kind == GB_MK_SCRIPTS) {
        sc = base;
    } else {
        sc = new_node(p, GB_MK_SCRIPTS, at);
        if (sc < 0) return -1;
        N(sc).a = base;
        if (base >= 0) replace_last(p, l, sc);
        else append(p, l, sc);
    }
    if (c == '\'') {
        if (N(sc).c >= 0) return perr(p, at, "double superscript (a prime after ^)");
        N(sc).nprimes++;
        return 0;
    }
    int32_t arg = parse_arg(p, at, c == '^' ? "'^' (superscript)" : "'_' (subscript)");
    if (arg < 0) return -1;
    if (c == '^') {
        if (N(sc).c >= 0) return perr(p, at, "double superscript");
        N(sc).c = arg;
    } else {
        if (N(sc).b >= 0) return perr(p, at, "double subscript");
        N(sc).b = arg;
    }
    return 0;
}

static int set_row_text(parser *p, size_t at, int is_tag, int64_t off, size_t n)
{
    gb_mnode *r = &N(p->cur_row);
    if (is_tag) {
        if (r->tag_off >= 0) return perr(p, at, "a second \\tag for the same line");
        r->tag_off = (int32_t)off;
        r->tag_len = (int32_t)n;
    } else {
        if (r->label_off >= 0) return perr(p, at, "a second \\label for the same line");
        r->label_off = (int32_t)off;
        r->label_len = (int32_t)n;
    }
    return 0;
}

static int parse_command(parser *p, lst *l)
{
    size_t at = p->pos;
    const char *name;
    size_t n;
    if (peek_cmd(p, &name, &n) < 0) return perr(p, at, "lone backslash at the end of the formula");
    const gb_math_cmd *cmd = gb_math_cmd_find(name, n);
    if (!cmd) return perr(p, at, "unknown command \\%.*s", (int)(n > 40 ? 40 : n), name);
    p->pos += 1 + n;
    char cname[48];   /* the backslash and the name, cut to 40 characters (for messages) */
    size_t cn = n > 40 ? 40 : n;
    cname[0] = '\\';
    memcpy(cname + 1, name, cn);
    cname[cn + 1] = '\0';
    int32_t node = -1;
    switch ((gb_math_cmd_kind)cmd->kind) {
    case GB_CMD_SYM:
        node = new_sym(p, at, cmd->text, strlen(cmd->text), cmd->cls, cmd->face, cmd->flags);
        break;
    case GB_CMD_SPACE:
        node = new_node(p, GB_MK_SPACE, at);
        if (node >= 0) N(node).amount = cmd->amount;
        break;
    case GB_CMD_STYLE:
        node = new_node(p, GB_MK_STYLE, at);
        if (node >= 0) N(node).amount = cmd->amount;
        break;
    case GB_CMD_FRAC: {
        int32_t num = parse_arg(p, at, cname);
        if (num < 0) return -1;
        int32_t den = parse_arg(p, at, cname);
        if (den < 0) return -1;
        node = new_node(p, GB_MK_FRAC, at);
        if (node < 0) return -1;
        N(node).a = num;
        N(node).b = den;
        N(node).flags = (uint16_t)cmd->flags;
        break;
    }
    case GB_CMD_LEFT: {
        int64_t ld = parse_delim(p, at, "\\left");
        if (ld < 0) return -1;
        int saved_left = p->in_left, saved_table = p->in_table;
        p->in_left = 1;
        p->in_table = 0;
        int32_t body = parse_list(p, (size_t)-1);
        p->in_left = saved_left;
        p->in_table = saved_table;
        if (body < 0) return -1;
        const gb_math_cmd *r = peek_cmd_entry(p);
        if (!r || r->kind != GB_CMD_RIGHT) return perr(p, at, "\\left without a matching \\right");
        size_t rat = p->pos;
        p->pos += 1 + strlen(r->name);
        int64_t rd = parse_delim(p, rat, "\\right");
        if (rd < 0) return -1;
        node = new_node(p, GB_MK_FENCED, at);
        if (node < 0) return -1;
        N(node).a = body;
        N(node).ldelim = (uint32_t)ld;
        N(node).rdelim = (uint32_t)rd;
        N(node).cls = GB_MC_INNER;
        break;
    }
    case GB_CMD_RIGHT:
        return perr(p, at, "\\right without a matching \\left");
    case GB_CMD_BIG: {
        int64_t d = parse_delim(p, at, cname);
        if (d < 0) return -1;
        node = new_node(p, GB_MK_FENCED, at);
        if (node < 0) return -1;
        N(node).ldelim = (uint32_t)d;
        N(node).amount = cmd->amount;
        N(node).cls = (uint8_t)cmd->cls;
        break;
    }
    case GB_CMD_TEXT: {
        int64_t off;
        size_t len;
        if (read_text_arg(p, at, cname, &off, &len) < 0) return -1;
        node = new_node(p, GB_MK_SYM, at);
        if (node < 0) return -1;
        N(node).off = (uint32_t)off;
        N(node).len = (uint32_t)len;
        N(node).face = (uint8_t)cmd->face;
        N(node).flags = GB_MF_USER;
        break;
    }
    case GB_CMD_OPNAME: {
        int star = p->pos < p->len && p->s[p->pos] == '*';
        if (star) p->pos++;
        int64_t off;
        size_t len;
        if (read_text_arg(p, at, cname, &off, &len) < 0) return -1;
        node = new_node(p, GB_MK_SYM, at);
        if (node < 0) return -1;
        N(node).off = (uint32_t)off;
        N(node).len = (uint32_t)len;
        N(node).cls = GB_MC_OP;
        N(node).flags = (uint16_t)(GB_MF_USER | (star ? GB_MF_LIMITS : 0));
        break;
    }
    case GB_CMD_FONT: {
        int sl = p->face_letters, sd = p->face_digits;
        p->face_letters = cmd->face;
        p->face_digits = cmd->face == GB_FACE_SERIF_ITALIC ? GB_FACE_SERIF_ITALIC : cmd->face;
        node = parse_arg(p, at, cname);
        p->face_letters = sl;
        p->face_digits = sd;
        break;
    }
    case GB_CMD_CLASS: {
        int32_t arg = parse_arg(p, at, cname);
        if (arg < 0) return -1;
        N(arg).cls = (uint8_t)cmd->cls;
        node = arg;
        break;
    }
    case GB_CMD_ACCENT: {
        int32_t body = parse_arg(p, at, cname);
        if (body < 0) return -1;
        int64_t off = buf_add(p, cmd->text, strlen(cmd->text));
        if (off < 0) return -1;
        node = new_node(p, GB_MK_ACCENT, at);
        if (node < 0) return -1;
        N(node).a = body;
        N(node).off = (uint32_t)off;
        N(node).len = (uint32_t)strlen(cmd->text);
        N(node).flags = (uint16_t)cmd->flags;
        break;
    }
    case GB_CMD_BEGIN:
        node = parse_env(p, at);
        break;
    case GB_CMD_END:
        return perr(p, at, "\\end without a matching \\begin");
    case GB_CMD_NEWLINE:
        return perr(p, at, "\\\\ outside an aligned, array or matrix environment");
    case GB_CMD_LABEL: {
        size_t s, len;
        if (read_braced_raw(p, at, cname, &s, &len) < 0) return -1;
        if (len == 0) return perr(p, at, "empty \\label");
        int64_t off = buf_add(p, p->s + s, len);
        if (off < 0) return -1;
        return set_row_text(p, at, 0, off, len);
    }
    case GB_CMD_TAG: {
        if (p->pos < p->len && p->s[p->pos] == '*') p->pos++;
        int64_t off;
        size_t len;
        if (read_text_arg(p, at, cname, &off, &len) < 0) return -1;
        return set_row_text(p, at, 1, off, len);
    }
    case GB_CMD_NOTAG:
        N(p->cur_row).notag = 1;
        return 0;
    case GB_CMD_LIMITS:
    case GB_CMD_NOLIMITS: {
        int32_t op = l->last;
        if (op >= 0 && N(op).kind == GB_MK_SCRIPTS) op = N(op).a;
        if (op < 0 || N(op).cls != GB_MC_OP)
            return perr(p, at, "%s is allowed only after an operator such as \\sum", cname);
        N(op).flags = (uint16_t)(N(op).flags & ~(GB_MF_FORCE_LIMITS | GB_MF_NOLIMITS));
        N(op).flags |= cmd->kind == GB_CMD_LIMITS ? GB_MF_FORCE_LIMITS : GB_MF_NOLIMITS;
        return 0;
    }
    }
    if (node < 0) return -1;
    append(p, l, node);
    return 0;
}

/* A typed character (not a special one). */
static int parse_char(parser *p, lst *l)
{
    size_t at = p->pos;
    unsigned char c = (unsigned char)p->s[p->pos];
    int32_t node = -1;
    if (is_letter(c)) {
        node = new_sym(p, at, p->s + at, 1, GB_MC_ORD, p->face_letters, 0);
        p->pos++;
    } else if (is_digit(c) || (c == '.' && at + 1 < p->len && is_digit((unsigned char)p->s[at + 1]))) {
        /* A number is a row of Ord atoms with no space between: one run is the same picture. */
        size_t j = at;
        while (j < p->len && (is_digit((unsigned char)p->s[j]) ||
                              (p->s[j] == '.' && j + 1 < p->len && is_digit((unsigned char)p->s[j + 1]))))
            j++;
        node = new_sym(p, at, p->s + at, j - at, GB_MC_ORD, p->face_digits, 0);
        p->pos = j;
    } else if (c < 0x80) {
        const char *text = (const char *)&p->s[at];
        int cls = GB_MC_ORD, face = GB_FACE_SERIF;
        switch (c) {
        case '+': cls = GB_MC_BIN; face = GB_FACE_MATH; break;
        case '-': cls = GB_MC_BIN; face = GB_FACE_MATH; text = "\xE2\x88\x92"; break;   /* U+2212 */
        case '*': cls = GB_MC_BIN; face = GB_FACE_MATH; text = "\xE2\x88\x97"; break;   /* U+2217 */
        case '=': case '<': case '>': cls = GB_MC_REL; face = GB_FACE_MATH; break;
        case ':': cls = GB_MC_REL; face = GB_FACE_MATH; break;
        case ',': case ';': cls = GB_MC_PUNCT; break;
        case '!': case '?': cls = GB_MC_CLOSE; break;
        case '(': case '[': cls = GB_MC_OPEN; face = GB_FACE_MATH; break;
        case ')': case ']': cls = GB_MC_CLOSE; face = GB_FACE_MATH; break;
        case '|': face = GB_FACE_MATH; break;
        case '.': case '/': case '@': case '"': case '`': break;
        case '$': return perr(p, at, "'$' inside a formula (formulas cannot nest)");
        case '#': return perr(p, at, "'#' is not allowed in a formula (write \\#)");
        default:
            if (c < 0x20 || c == 0x7F)
                return perr(p, at, "control character U+%04X in a formula", c);
            return perr(p, at, "unexpected character '%c'", c);
        }
        size_t n = text == (const char *)&p->s[at] ? 1 : strlen(text);
        node = new_sym(p, at, text, n, cls, face, 0);
        p->pos++;
    } else {
        uint32_t cp;
        int k = read_char(p, &cp);
        if (k < 0) return -1;
        const gb_math_cmd *cmd = gb_math_cmd_by_char(cp);
        int cls = GB_MC_ORD, face = GB_FACE_SERIF, flags = GB_MF_USER;
        if (cmd) {
            cls = cmd->cls;
            face = cmd->face;
            flags = cmd->flags;
        } else if ((cp >= 0x3B1 && cp <= 0x3C9) || cp == 0x3D1 || cp == 0x3D5 || cp == 0x3D6 ||
                   cp == 0x3F1 || cp == 0x3F5) {
            face = GB_FACE_SERIF_ITALIC;   /* lowercase Greek is italic, as in TeX */
        }
        node = new_sym(p, at, p->s + at, (size_t)k, cls, face, flags);
        p->pos += (size_t)k;
    }
    if (node < 0) return -1;
    append(p, l, node);
    return 0;
}

/* One element: a character, a command with its arguments, or a {group}. */
static int parse_item(parser *p, lst *l)
{
    if (++p->depth > MAX_DEPTH) {
        p->depth--;
        return perr(p, p->pos, "formula nested too deeply (more than about %d groups)", MAX_DEPTH / 2);
    }
    int r;
    char c = p->s[p->pos];
    if (c == '{') {
        size_t open = p->pos++;
        int st = p->in_table, sl = p->in_left;
        p->in_table = p->in_left = 0;
        int32_t g = parse_list(p, open);
        p->in_table = st;
        p->in_left = sl;
        r = g < 0 ? -1 : 0;
        if (g >= 0) append(p, l, g);
    } else if (c == '\\') {
        r = parse_command(p, l);
    } else if (c == '~') {
        int32_t sp = new_node(p, GB_MK_SPACE, p->pos++);
        r = sp < 0 ? -1 : 0;
        if (sp >= 0) {
            N(sp).amount = 6;
            append(p, l, sp);
        }
    } else if (c == '}') {
        r = perr(p, p->pos, "unmatched '}'");
    } else if (c == '&') {
        r = perr(p, p->pos, "stray '&' outside an aligned, array or matrix environment");
    } else {
        r = parse_char(p, l);
    }
    p->depth--;
    return r;
}

/* Items up to the end of the group (open_off is the offset of its '{', or (size_t)-1 when the
 * list is not braced: the whole formula, a \left body, an environment's cell). Consumes the
 * closing '}' of a braced group; leaves other terminators (& \\ \end \right) for the caller. */
static int32_t parse_list_body(parser *p, size_t open_off);

static int32_t parse_list(parser *p, size_t open_off)
{
    if (++p->depth > MAX_DEPTH) {
        p->depth--;
        return perr(p, p->pos, "formula nested too deeply (more than about %d groups)", MAX_DEPTH / 2);
    }
    int32_t r = parse_list_body(p, open_off);
    p->depth--;
    return r;
}

static int32_t parse_list_body(parser *p, size_t open_off)
{
    int32_t li = new_list(p, open_off == (size_t)-1 ? p->pos : open_off);
    if (li < 0) return -1;
    lst l = {li, -1, -1};
    for (;;) {
        skip_space(p);
        if (p->pos >= p->len) {
            if (open_off != (size_t)-1) return perr(p, open_off, "unclosed brace: '{' has no '}'");
            return li;
        }
        char c = p->s[p->pos];
        if (c == '}') {
            if (open_off != (size_t)-1) {
                p->pos++;
                return li;
            }
            if (p->in_left) return li;   /* the caller reports the missing \right */
            if (p->in_table) return li;
            return perr(p, p->pos, "unmatched '}'");
        }
        if (c == '&' && p->in_table) return li;
        if (c == '\\') {
            const gb_math_cmd *cmd = peek_cmd_entry(p);
            if (cmd && p->in_table && (cmd->kind == GB_CMD_NEWLINE || cmd->kind == GB_CMD_END))
                return li;
            if (cmd && p->in_left && cmd->kind == GB_CMD_RIGHT) return li;
        }
        int r = (c == '^' || c == '_' || c == '\'') ? parse_script(p, &l) : parse_item(p, &l);
        if (r < 0) return -1;
    }
}

/* ------------------------------------------------------------------ environments */

typedef struct envdef {
    const char *name;
    int env;
    uint32_t left, right;   /* fences around it (matrix variants, cases) */
} envdef;

static const envdef envs[] = {
    {"aligned", GB_ENV_ALIGNED, 0, 0}, {"align", GB_ENV_ALIGNED, 0, 0},
    {"align*", GB_ENV_ALIGNED, 0, 0}, {"split", GB_ENV_ALIGNED, 0, 0},
    {"gathered", GB_ENV_GATHERED, 0, 0}, {"gather", GB_ENV_GATHERED, 0, 0},
    {"gather*", GB_ENV_GATHERED, 0, 0},
    {"array", GB_ENV_ARRAY, 0, 0},
    {"matrix", GB_ENV_MATRIX, 0, 0}, {"pmatrix", GB_ENV_MATRIX, '(', ')'},
    {"bmatrix", GB_ENV_MATRIX, '[', ']'}, {"Bmatrix", GB_ENV_MATRIX, '{', '}'},
    {"vmatrix", GB_ENV_MATRIX, '|', '|'}, {"Vmatrix", GB_ENV_MATRIX, 0x2016, 0x2016},
    {"cases", GB_ENV_CASES, '{', 0},
};

static int32_t parse_env(parser *p, size_t begin_off)
{
    size_t ns, nn;
    if (read_braced_raw(p, begin_off, "\\begin", &ns, &nn) < 0) return -1;
    const envdef *ev = NULL;
    for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++)
        if (strlen(envs[i].name) == nn && memcmp(envs[i].name, p->s + ns, nn) == 0) ev = &envs[i];
    if (!ev) return perr(p, begin_off, "unknown environment '%.*s' (known: aligned, gathered, "
                         "array, matrix, pmatrix, bmatrix, vmatrix, cases)",
                         (int)(nn > 40 ? 40 : nn), p->s + ns);
    int32_t tab = new_node(p, GB_MK_TABLE, begin_off);
    if (tab < 0) return -1;
    N(tab).env = (uint8_t)ev->env;
    if (ev->env == GB_ENV_ARRAY) {
        size_t cs, cn;
        if (read_braced_raw(p, begin_off, "\\begin{array}", &cs, &cn) < 0) return -1;
        int64_t off = buf_add(p, "", 0);
        if (off < 0) return -1;
        for (size_t i = 0; i < cn; i++) {
            char c = p->s[cs + i];
            if (c == 'l' || c == 'c' || c == 'r') {
                if (buf_add(p, &c, 1) < 0) return -1;
            } else if (c != '|' && c != ' ') {
                return perr(p, cs + i, "array column type '%c' is not supported (use l, c, r)", c);
            }
        }
        N(tab).off = (uint32_t)off;
        N(tab).len = (uint32_t)(p->t->blen - (size_t)off);
    }
    int st = p->in_table, sl = p->in_left;
    int32_t srow = p->cur_row;
    p->in_table = 1;
    p->in_left = 0;
    int32_t last_row = -1;
    int32_t result = -1;
    for (;;) {
        int32_t row = new_node(p, GB_MK_ROW, p->pos);
        if (row < 0) goto out;
        p->cur_row = row;
        int32_t last_cell = -1;
        int end = 0;
        for (;;) {
            int32_t cell = parse_list(p, (size_t)-1);
            if (cell < 0) goto out;
            if (last_cell < 0) N(row).a = cell;
            else N(last_cell).next = cell;
            last_cell = cell;
            if (p->pos >= p->len) {
                perr(p, begin_off, "\\begin{%.*s} without \\end", (int)nn, p->s + ns);
                goto out;
            }
            if (p->s[p->pos] == '&') { p->pos++; continue; }
            if (p->s[p->pos] == '}') {
                perr(p, p->pos, "unmatched '}' inside \\begin{%.*s}", (int)nn, p->s + ns);
                goto out;
            }
            const gb_math_cmd *cmd = peek_cmd_entry(p);
            size_t at = p->pos;
            p->pos += 1 + strlen(cmd->name);
            if (cmd->kind == GB_CMD_NEWLINE) {
                /* \\[3pt]: the optional extra space is accepted and ignored. */
                size_t save = p->pos;
                skip_space(p);
                if (p->pos < p->len && p->s[p->pos] == '[') {
                    while (p->pos < p->len && p->s[p->pos] != ']') p->pos++;
                    if (p->pos >= p->len) { perr(p, at, "unclosed '[' after \\\\"); goto out; }
                    p->pos++;
                } else {
                    p->pos = save;
                }
                break;
            }
            /* \end */
            size_t es, en;
            if (read_braced_raw(p, at, "\\end", &es, &en) < 0) goto out;
            if (en != nn || memcmp(p->s + es, p->s + ns, nn) != 0) {
                perr(p, at, "\\end{%.*s} does not match \\begin{%.*s}", (int)(en > 40 ? 40 : en),
                     p->s + es, (int)nn, p->s + ns);
                goto out;
            }
            end = 1;
            break;
        }
        /* A \\ before \end leaves an empty last row: drop it, as LaTeX shows nothing there. */
        int empty = end && last_row >= 0 && N(row).a == last_cell && N(last_cell).a < 0 &&
                    N(row).tag_off < 0 && N(row).label_off < 0 && !N(row).notag;
        if (!empty) {
            if (last_row < 0) N(tab).a = row;
            else N(last_row).next = row;
            last_row = row;
        }
        if (end) break;
    }
    if (ev->env == GB_ENV_ARRAY) {
        for (int32_t r = N(tab).a; r >= 0; r = N(r).next) {
            uint32_t c = 0;
            for (int32_t cell = N(r).a; cell >= 0; cell = N(cell).next, c++)
                if (c >= N(tab).len) {
                    perr(p, N(cell).src, "extra column: the array declares %u", (unsigned)N(tab).len);
                    goto out;
                }
        }
    }
    result = tab;
    if (ev->left || ev->right) {
        int32_t f = new_node(p, GB_MK_FENCED, begin_off);
        if (f < 0) { result = -1; goto out; }
        int32_t body = new_list(p, begin_off);
        if (body < 0) { result = -1; goto out; }
        N(body).a = tab;
        N(f).a = body;
        N(f).ldelim = ev->left;
        N(f).rdelim = ev->right;
        N(f).cls = GB_MC_INNER;
        result = f;
    }
out:
    p->in_table = st;
    p->in_left = sl;
    p->cur_row = srow;
    return p->failed ? -1 : result;
}

/* ------------------------------------------------------------------ entry points */

void gb_math_free(gb_math_node *t)
{
    if (!t) return;
    free(t->n);
    free(t->buf);
    free(t->file);
    free(t->srctext);
    free(t);
}

gb_math_node *gb_math_parse(const char *tex, size_t len, const gb_math_src *where, gb_err *e)
{
    gb_math_node *t = calloc(1, sizeof *t);
    if (!t) { gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory parsing a formula"); return NULL; }
    if (where) {
        t->line = where->line;
        t->col = where->col;
        if (where->file && !(t->file = strdup(where->file))) goto nomem;
    }
    if (!tex) len = 0;
    if (len > MAX_LEN) {
        t->srclen = 0;
        gb_math__err_at(t, e, GB_EINPUT, 0, "formula longer than %u bytes", MAX_LEN);
        gb_math_free(t);
        return NULL;
    }
    t->srctext = malloc(len + 1);
    if (!t->srctext) goto nomem;
    if (len) memcpy(t->srctext, tex, len);
    t->srctext[len] = '\0';
    t->srclen = len;
    parser p = {.t = t, .s = t->srctext, .len = len, .e = e,
                .face_letters = GB_FACE_SERIF_ITALIC, .face_digits = GB_FACE_SERIF};
    t->top_row = new_node(&p, GB_MK_ROW, 0);
    if (t->top_row < 0) goto fail;
    p.cur_row = t->top_row;
    t->root = parse_list(&p, (size_t)-1);
    if (t->root < 0 || p.failed) goto fail;
    return t;
nomem:
    gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory parsing a formula");
fail:
    gb_math_free(t);
    return NULL;
}
