/* submissions.c — listing the submitted answer sheets named by files and folders. */
#include "classroom/submissions.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *gb_submission_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

void gb_submission_list_free(gb_submission_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].error);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

typedef struct growing {
    gb_submission_list *l;
    size_t cap;
} growing;

/* Appends (path, error), taking ownership of both; skips a path already listed. -1: no memory. */
static int push(growing *g, char *path, char *error)
{
    if (!path) { free(error); return -1; }
    for (size_t i = 0; i < g->l->n; i++)
        if (!strcmp(g->l->v[i].path, path)) { free(path); free(error); return 0; }
    if (g->l->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 32;
        gb_submission *v = realloc(g->l->v, cap * sizeof *v);
        if (!v) { free(path); free(error); return -1; }
        g->l->v = v;
        g->cap = cap;
    }
    g->l->v[g->l->n++] = (gb_submission){path, error};
    return 0;
}

static int push_error(growing *g, const char *path, const char *why)
{
    char *p = strdup(path), *w = strdup(why);
    if (!w) { free(p); return -1; }
    return push(g, p, w);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_sheet_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 4 && !strcmp(name + n - 4, ".txt");
}

/* The .txt files directly in folder dir, sorted by name. */
static int collect_folder(growing *g, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return push_error(g, dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while (!rc && (de = readdir(d))) {
        if (!is_sheet_name(de->d_name)) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nv = realloc(names, cap * sizeof *nv);
            if (!nv) { rc = -1; break; }
            names = nv;
        }
        if (!(names[n] = strdup(de->d_name))) rc = -1;
        else n++;
    }
    closedir(d);
    if (!rc && n) qsort(names, n, sizeof *names, by_name);
    size_t dl = strlen(dir);
    int slash = dl > 0 && dir[dl - 1] == '/';
    size_t kept = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        size_t len = dl + strlen(names[i]) + 2;
        char *p = malloc(len);
        if (!p) { rc = -1; break; }
        snprintf(p, len, "%s%s%s", dir, slash ? "" : "/", names[i]);
        struct stat st;
        /* Only regular files (after symlinks): a folder or FIFO named "x.txt" is skipped. */
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) { free(p); continue; }
        rc = push(g, p, NULL);
        kept++;
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    if (!rc && kept == 0) rc = push_error(g, dir, "a folder without .txt files");
    return rc;
}

int gb_submissions_collect(const char *const *args, size_t nargs, gb_submission_list *out,
                           gb_err *e)
{
    out->v = NULL;
    out->n = 0;
    growing g = {out, 0};
    int rc = 0;
    for (size_t i = 0; !rc && i < nargs; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0)
            rc = push_error(&g, args[i], errno == ENOENT ? "no such file or folder"
                                                        : strerror(errno));
        else if (S_ISDIR(st.st_mode)) rc = collect_folder(&g, args[i]);
        else rc = push(&g, strdup(args[i]), NULL);
    }
    if (rc) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    return 0;
}
