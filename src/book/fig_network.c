/* fig_network.c — the sample network as a node-and-edge diagram (the exercise's architecture
 * figure): inputs x_k, hidden activations a_j^(l), output ŷ; values=none puts the weights on
 * the edges and the biases under the neurons, values=forward adds z and a to every neuron,
 * values=gradients puts dC/dw on the edges and delta under the neurons. Labels are plain
 * UTF-8 with Unicode sub- and superscripts, since diagram labels are text runs. */
#include "book/computations_internal.h"

#include "typeset/diagram.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { V_NONE, V_FORWARD, V_GRADIENTS };

/* Layout, in em of the body font size. */
#define NODE_R 1.25      /* node radius (grown by the diagram when a label needs more) */
#define ROW_GAP 8.5      /* between node centres in a column, no text under the nodes */
#define SUB_LINE 1.05    /* per line of text under a node */
#define MIN_COL 9.0      /* least distance between columns */
#define MAX_COL 20.0     /* most: wider columns look empty */

/* Formats of the diagram's numbers: givens as written ("0.1", not "0.1000"), results with four
 * decimals (values.h switches to scientific for tiny ones). */
#define FMT_GIVEN ".4g"
#define FMT_RESULT ".4f"

static void index_pair(size_t j, size_t k, char *buf, size_t cap)
{
    char ascii[48];
    snprintf(ascii, sizeof ascii, (j > 9 || k > 9) ? "%zu,%zu" : "%zu%zu", j, k);
    gb_comp_subscript(ascii, buf, cap);
}

static void layer_sup(size_t l, char *buf, size_t cap)
{
    char ascii[24];
    snprintf(ascii, sizeof ascii, "(%zu)", l);
    gb_comp_superscript(ascii, buf, cap);
}

static void one_index(size_t j, char *buf, size_t cap)
{
    char ascii[24];
    snprintf(ascii, sizeof ascii, "%zu", j);
    gb_comp_subscript(ascii, buf, cap);
}

/* "NAME = value" where value is quantity q formatted with fmt. */
static int labelled(const gb_book_ctx *ctx, const char *sym, const char *q, const char *fmt,
                    char *buf, size_t cap, gb_err *e)
{
    gb_formatted f;
    char v[96];
    int rc = gb_comp_value(ctx, q, fmt, &f, e);
    if (rc) return rc;
    gb_comp_label_value(&f, v, sizeof v);
    snprintf(buf, cap, "%s = %s", sym, v);
    return 0;
}

/* The text under neuron j of layer l >= 1. */
static int neuron_sub(const gb_book_ctx *ctx, int mode, size_t l, size_t j, char *buf,
                      size_t cap, gb_err *e)
{
    const gb_net *net = ctx->ex->net;
    char q[64], sym[64], s1[128], s2[128], s3[128], ij[24], sup[24];
    int rc = 0;
    one_index(j, ij, sizeof ij);
    layer_sup(l, sup, sizeof sup);
    buf[0] = '\0';
    if (mode == V_NONE) {
        snprintf(q, sizeof q, "b[%zu][%zu]", l, j);
        snprintf(sym, sizeof sym, "b%s%s", ij, sup);
        return labelled(ctx, sym, q, FMT_GIVEN, buf, cap, e);
    }
    if (mode == V_GRADIENTS) {
        snprintf(q, sizeof q, "delta[%zu][%zu]", l, j);
        snprintf(sym, sizeof sym, "\xCE\xB4%s%s", ij, sup);
        return labelled(ctx, sym, q, FMT_RESULT, buf, cap, e);
    }
    snprintf(q, sizeof q, "z[%zu][%zu]", l, j);
    if ((rc = labelled(ctx, "z", q, FMT_RESULT, s1, sizeof s1, e))) return rc;
    snprintf(q, sizeof q, "a[%zu][%zu]", l, j);
    if ((rc = labelled(ctx, "a", q, FMT_RESULT, s2, sizeof s2, e))) return rc;
    if (l == net->L && net->n[l] == 1) {
        if ((rc = labelled(ctx, "C", "C", FMT_RESULT, s3, sizeof s3, e))) return rc;
        snprintf(buf, cap, "%s\n%s\n%s", s1, s2, s3);
    } else {
        snprintf(buf, cap, "%s\n%s", s1, s2);
    }
    return 0;
}

static int edge_label(const gb_book_ctx *ctx, int mode, size_t l, size_t j, size_t k, char *buf,
                      size_t cap, gb_err *e)
{
    if (mode == V_FORWARD) { buf[0] = '\0'; return 0; }
    char jk[48], sup[24], sym[128], q[64];
    index_pair(j, k, jk, sizeof jk);
    layer_sup(l, sup, sizeof sup);
    if (mode == V_NONE) {
        snprintf(sym, sizeof sym, "w%s%s", jk, sup);
        snprintf(q, sizeof q, "W[%zu][%zu][%zu]", l, j, k);
        return labelled(ctx, sym, q, FMT_GIVEN, buf, cap, e);
    }
    snprintf(sym, sizeof sym, "\xE2\x88\x82" "C/\xE2\x88\x82w%s%s", jk, sup);
    snprintf(q, sizeof q, "grad.W[%zu][%zu][%zu]", l, j, k);
    return labelled(ctx, sym, q, FMT_RESULT, buf, cap, e);
}

static int node_label(const gb_net *net, size_t l, size_t j, char *buf, size_t cap)
{
    char ij[24], sup[24];
    one_index(j, ij, sizeof ij);
    if (l == 0) snprintf(buf, cap, "x%s", ij);
    else if (l == net->L) snprintf(buf, cap, "\xC5\xB7%s", net->n[l] == 1 ? "" : ij);
    else {
        layer_sup(l, sup, sizeof sup);
        snprintf(buf, cap, "a%s%s", ij, sup);
    }
    return 0;
}

/* Builds and renders the diagram with column gap col (points). */
static int draw(const gb_book_ctx *ctx, int mode, double col, double row, gb_diagram_opts *o,
                gb_dlist *dl, double *w, double *h, gb_err *e)
{
    const gb_net *net = ctx->ex->net;
    gb_diagram *d = gb_diagram_new(o);
    if (!d) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    int counts[GB_NET_MAX_LAYERS + 1], first[GB_NET_MAX_LAYERS + 1];
    for (size_t l = 0; l <= net->L; l++) counts[l] = (int)net->n[l];
    int rc = gb_diagram_layers(d, counts, net->L + 1, col, row, NODE_R * ctx->font_size, first);
    if (rc) {
        gb_diagram_free(d);
        return gb_err_set(e, rc, NULL, 0, 0, "network: the diagram cannot hold %zu layers", net->L);
    }
    char label[64], sub[512], el[256];
    gb_formatted xf;
    for (size_t l = 0; !rc && l <= net->L; l++)
        for (size_t j = 0; !rc && j < net->n[l]; j++) {
            int node = first[l] + (int)j;
            node_label(net, l, j, label, sizeof label);
            const char *subp = NULL;
            if (l == 0 && mode == V_FORWARD) {
                char q[32], v[96];
                snprintf(q, sizeof q, "x[%zu]", j);
                if ((rc = gb_comp_value(ctx, q, FMT_GIVEN, &xf, e))) break;
                gb_comp_label_value(&xf, v, sizeof v);
                snprintf(sub, sizeof sub, "%s = %s", label, v);
                subp = sub;
            } else if (l > 0) {
                if ((rc = neuron_sub(ctx, mode, l, j, sub, sizeof sub, e))) break;
                subp = sub;
            }
            if ((rc = gb_diagram_node_text(d, node, label, subp, 1))) {
                gb_err_set(e, rc, NULL, 0, 0, "network: node text failed");
                break;
            }
            if (l == 0) gb_diagram_node_fill(d, node, GB_WHITE);
        }
    for (size_t l = 1; !rc && l <= net->L; l++)
        for (size_t j = 0; !rc && j < net->n[l]; j++)
            for (size_t k = 0; !rc && k < net->n[l - 1]; k++) {
                if ((rc = edge_label(ctx, mode, l, j, k, el, sizeof el, e))) break;
                int ei = gb_diagram_edge(d, first[l - 1] + (int)k, first[l] + (int)j,
                                         el[0] ? el : NULL, 0, 1);
                if (ei < 0) rc = gb_err_set(e, -ei, NULL, 0, 0, "network: edge failed");
            }
    if (!rc) rc = gb_diagram_render(d, ctx->metrics, dl, w, h, e);
    gb_diagram_free(d);
    return rc;
}

int gb_comp_network(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e)
{
    static const char *const keys[] = {"values"};
    static const char *const modes[] = {"none", "forward", "gradients"};
    int rc = gb_comp_keys(b, keys, 1, e);
    int mode = V_NONE;
    if (!rc) rc = gb_comp_opt_choice(b, "values", modes, 3, V_NONE, &mode, e);
    if (rc) return rc;
    const gb_net *net = ctx->ex->net;
    double fs = ctx->font_size;
    gb_diagram_opts o = gb_diagram_defaults();
    o.label_size = fs;
    o.sub_size = 0.75 * fs;
    o.edge_size = 0.75 * fs;
    o.small_face = GB_FACE_SERIF;
    /* Columns wide enough for about two edge labels side by side, narrow enough to fit. */
    double lw = 0;
    char el[256];
    for (size_t l = 1; l <= net->L; l++)
        for (size_t j = 0; j < net->n[l]; j++)
            for (size_t k = 0; k < net->n[l - 1]; k++) {
                if ((rc = edge_label(ctx, mode, l, j, k, el, sizeof el, e))) return rc;
                lw = fmax(lw, gb_text_width(ctx->metrics, o.small_face, el, o.edge_size));
            }
    double col = fmin(fmax(1.6 * lw + 2 * NODE_R * fs, MIN_COL * fs), MAX_COL * fs);
    double room = (ctx->text_width - 2 * o.margin - 2 * NODE_R * fs - 6 * fs) / (double)net->L;
    /* Never narrower than one edge label between two nodes: labels would cover the nodes. A
     * diagram that then is too wide is scaled down as a whole below. */
    double least = 1.15 * lw + 2 * NODE_R * fs + fs;
    if (col > room) col = fmax(room, least);
    int lines = mode == V_FORWARD ? 3 : 1;
    double row = ROW_GAP * fs + lines * SUB_LINE * o.sub_size;
    out->kind = GB_FLOAT_FIGURE;
    out->dl = gb_dlist_new();
    if (!out->dl) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    double w = 0, h = 0;
    rc = draw(ctx, mode, col, row, &o, out->dl, &w, &h, e);
    if (rc) return rc;
    /* Spread the columns over the width left (text under the output node overhangs by an amount
     * known only after a render), up to the widest useful gap. */
    double wider = fmin(col + (ctx->text_width - w) / (double)net->L, MAX_COL * fs);
    if (w < ctx->text_width && wider > col + 1) {
        gb_dlist_clear(out->dl);
        rc = draw(ctx, mode, wider, row, &o, out->dl, &w, &h, e);
        if (rc) return rc;
    }
    out->width = w;
    out->height = h;
    if (w > ctx->text_width) {
        /* Too wide even with the narrowest columns (long labels, a very narrow text): scale. */
        double f = ctx->text_width / w;
        gb_dlist *s = gb_comp_dl_scale(out->dl, f);
        if (!s) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        gb_dlist_free(out->dl);
        out->dl = s;
        out->width = w * f;
        out->height = h * f;
    }
    return 0;
}
