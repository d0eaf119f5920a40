/* template.c — reading and checking a document template. */
#include "book/template.h"

#include "model/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The known keys, for rejecting typos. */
static const char *const known[] = {
    "document.kind", "document.title", "document.subtitle", "document.course", "document.author",
    "document.subject", "document.keywords", "document.date", "document.title_page", "document.network",
    "page.width", "page.height", "page.margin_top", "page.margin_bottom", "page.margin_left",
    "page.margin_right", "type.size", "type.leading", "type.code_size", "type.caption_size",
    "fonts.serif", "fonts.serif_italic", "fonts.serif_bold", "fonts.mono", "fonts.math",
    "fonts.sans", "fonts.fallback", "fonts.wide", "header.left", "header.center", "header.right",
    "footer.left", "footer.center", "footer.right", "contents.show", "contents.title",
    "chapters.files", "show.hide",
};

/* Resolves rel against the template's directory. */
static char *resolve(const char *tpath, const char *rel)
{
    if (rel[0] == '/') return strdup(rel);
    const char *slash = strrchr(tpath, '/');
    size_t dl = slash ? (size_t)(slash - tpath) + 1 : 0;
    char *out = malloc(dl + strlen(rel) + 1);
    if (!out) return NULL;
    memcpy(out, tpath, dl);
    strcpy(out + dl, rel);
    return out;
}

static int get_text(const gb_params *p, const char *s, const char *k, const char *def, char **out,
                    gb_err *e)
{
    const char *v = gb_params_get(p, s, k);
    *out = strdup(v ? v : def);
    return *out ? 0 : gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
}

static int get_len(const gb_params *p, const char *s, const char *k, double def, double lo,
                   double hi, double *out, gb_err *e)
{
    *out = def;
    int rc = gb_params_double(p, s, k, out, e);
    if (rc > 1) return rc;
    if (*out < lo || *out > hi) {
        const char *file;
        unsigned line, col;
        gb_params_where(p, s, k, &file, &line, &col);
        return gb_err_set(e, GB_EINPUT, file, line, col,
                          "%s.%s: expected a length from %g to %g points, got %g", s, k, lo, hi, *out);
    }
    return 0;
}

int gb_template_load(gb_template *t, const char *path, gb_err *e)
{
    memset(t, 0, sizeof *t);
    gb_params *p = gb_params_new();
    if (!p) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    int rc = gb_params_load(p, path, e);
    for (size_t i = 0; !rc && i < gb_params_count(p); i++) {
        const char *sec, *key, *file;
        unsigned line, col;
        gb_params_key(p, i, &sec, &key, &file, &line, &col);
        char full[256];
        snprintf(full, sizeof full, "%s.%s", sec, key);
        int ok = 0;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) ok |= !strcmp(full, known[k]);
        if (!ok)
            rc = gb_err_set(e, GB_EINPUT, file, line, 1,
                            "unknown template key '%s' (the keys are listed in "
                            "src/book/template.h)", full);
    }
    t->path = strdup(path);
    if (!rc && !t->path) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (!rc) rc = get_text(p, "document", "kind", "report", &t->kind, e);
    if (!rc) rc = get_text(p, "document", "title", "", &t->title, e);
    if (!rc) rc = get_text(p, "document", "subtitle", "", &t->subtitle, e);
    if (!rc) rc = get_text(p, "document", "course", "", &t->course, e);
    if (!rc) rc = get_text(p, "document", "author", "", &t->author, e);
    if (!rc) rc = get_text(p, "document", "subject", "", &t->subject, e);
    if (!rc) rc = get_text(p, "document", "keywords", "", &t->keywords, e);
    if (!rc) rc = get_text(p, "document", "date", "auto", &t->date, e);
    if (!rc) rc = get_text(p, "document", "network", "", &t->network, e);
    if (!rc) rc = get_len(p, "page", "width", 595.28, 144, 14400, &t->page_w, e);
    if (!rc) rc = get_len(p, "page", "height", 841.89, 144, 14400, &t->page_h, e);
    if (!rc) rc = get_len(p, "page", "margin_top", 72, 18, 400, &t->m_top, e);
    if (!rc) rc = get_len(p, "page", "margin_bottom", 72, 18, 400, &t->m_bottom, e);
    if (!rc) rc = get_len(p, "page", "margin_left", 72, 18, 400, &t->m_left, e);
    if (!rc) rc = get_len(p, "page", "margin_right", 72, 18, 400, &t->m_right, e);
    if (!rc) rc = get_len(p, "type", "size", 10.5, 5, 30, &t->size, e);
    if (!rc) rc = get_len(p, "type", "leading", 14, 5, 60, &t->leading, e);
    if (!rc) rc = get_len(p, "type", "code_size", 9, 4, 30, &t->code_size, e);
    if (!rc) rc = get_len(p, "type", "caption_size", 9.5, 4, 30, &t->caption_size, e);
    if (!rc && t->page_w - t->m_left - t->m_right < 144)
        rc = gb_err_set(e, GB_EINPUT, path, 0, 0, "page: the text width is below 144 points");
    if (!rc && t->page_h - t->m_top - t->m_bottom < 144)
        rc = gb_err_set(e, GB_EINPUT, path, 0, 0, "page: the text height is below 144 points");
    static const char *const face_key[GB_FACE_COUNT] = {
        "serif", "serif_italic", "serif_bold", "mono", "math", "sans", "fallback", "wide"};
    for (int f = 0; !rc && f < GB_FACE_COUNT; f++) {
        const char *v = gb_params_get(p, "fonts", face_key[f]);
        if (!v || !*v) {
            if (f == GB_FACE_SERIF)
                rc = gb_err_set(e, GB_EINPUT, path, 0, 0, "[fonts] serif is required");
            continue;
        }
        t->font[f] = resolve(path, v);
        if (!t->font[f]) { rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); break; }
        if (access(t->font[f], R_OK) != 0) {
            const char *file;
            unsigned line, col;
            gb_params_where(p, "fonts", face_key[f], &file, &line, &col);
            rc = gb_err_set(e, GB_EINPUT, file, line, col, "fonts.%s: cannot read font file %s%s",
                            face_key[f], t->font[f],
                            strstr(t->font[f], "out/fonts/") ? " (run `make fonts` to prepare it)" : "");
        }
    }
    /* yes-or-no settings: a word at an even index is yes */
    static const char *const yes_no[6] = {"yes", "no", "true", "false", "1", "0"};
    static const char *const pos[3] = {"left", "center", "right"};
    for (int i = 0; !rc && i < 3; i++) {
        rc = get_text(p, "header", pos[i], "", &t->head[i], e);
        if (!rc) rc = get_text(p, "footer", pos[i], "", &t->foot[i], e);
    }
    if (!rc) {
        size_t k = 0;   /* absent: yes */
        int r = gb_params_choice(p, "contents", "show", yes_no, 6, &k, e);
        if (r > 1) rc = r;
        t->contents = k % 2 == 0;
    }
    if (!rc) rc = get_text(p, "contents", "title", "Contents", &t->contents_title, e);
    if (!rc) {
        size_t k = 0;   /* absent: yes */
        int r = gb_params_choice(p, "document", "title_page", yes_no, 6, &k, e);
        if (r > 1) rc = r;
        t->title_page = k % 2 == 0;
    }
    if (!rc) {
        const char *names[GB_TEMPLATE_MAX_CHAPTERS];
        size_t n = 0;
        int r2 = gb_params_names(p, "chapters", "files", names, GB_TEMPLATE_MAX_CHAPTERS, &n, e);
        if (r2 == 1 && strcmp(t->kind, "graded"))
            rc = gb_err_set(e, GB_EINPUT, path, 0, 0, "[chapters] files is missing");
        else if (r2 > 1) rc = r2;
        for (size_t i = 0; !rc && r2 == 0 && i < n; i++) {
            t->chapters[i] = resolve(path, names[i]);
            if (!t->chapters[i]) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
            t->nchapters = i + 1;
        }
    }
    if (!rc) {
        const char *names[32];
        size_t n = 0;
        int r2 = gb_params_names(p, "show", "hide", names, 32, &n, e);
        if (r2 > 1) rc = r2;
        for (size_t i = 0; !rc && r2 == 0 && i < n; i++) {
            if (!(t->hide[i] = strdup(names[i]))) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
            t->nhide = i + 1;
        }
    }
    if (!rc && strcmp(t->kind, "report") && strcmp(t->kind, "worksheet") && strcmp(t->kind, "key") &&
        strcmp(t->kind, "graded")) {
        const char *file;
        unsigned line, col;
        gb_params_where(p, "document", "kind", &file, &line, &col);
        rc = gb_err_set(e, GB_EINPUT, file, line, col,
                        "document.kind: expected report, worksheet, key or graded, got '%s'",
                        t->kind);
    }
    gb_params_free(p);
    if (rc) gb_template_free(t);
    return rc;
}

void gb_template_free(gb_template *t)
{
    free(t->path);
    free(t->kind); free(t->title); free(t->subtitle); free(t->course); free(t->author);
    free(t->subject); free(t->keywords); free(t->date); free(t->contents_title);
    free(t->network);
    for (int f = 0; f < GB_FACE_COUNT; f++) free(t->font[f]);
    for (int i = 0; i < 3; i++) { free(t->head[i]); free(t->foot[i]); }
    for (size_t i = 0; i < t->nchapters; i++) free(t->chapters[i]);
    for (size_t i = 0; i < t->nhide; i++) free(t->hide[i]);
    memset(t, 0, sizeof *t);
}
