/* test_diagram.c — node-and-edge diagrams: layered layout, edges between node borders, label
 * placement without overlaps, figure frame and errors (src/typeset/diagram.h), fake metrics. */
#include "gb_test.h"

#include "typeset/diagram.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int overlap(const gb_bbox *a, const gb_bbox *b)
{
    return a->llx < b->urx && b->llx < a->urx && a->lly < b->ury && b->lly < a->ury;
}

/* A 2-2-1 network with weights on all six edges; first[] gets the layers' first nodes. */
static gb_diagram *mlp_221(int *first, int with_values, int *edges)
{
    gb_diagram *d = gb_diagram_new(NULL);
    const int counts[3] = {2, 2, 1};
    GB_ASSERT_MSG(gb_diagram_layers(d, counts, 3, 90, 60, 12, first) == 0, "layers");
    const char *names[5] = {"x₀", "x₁", "h₀", "h₁", "ŷ"};
    const char *subs[5] = {"a=0.50", "a=-1.20", "z=0.35\na=0.587", "z=-0.12\na=0.470", "z=0.21\na=0.552"};
    for (int i = 0; i < 5; i++)
        GB_ASSERT_MSG(gb_diagram_node_text(d, i, names[i], with_values ? subs[i] : NULL, i < 2) == 0, "text");
    const char *w[6] = {"0.15", "-0.27", "0.42", "0.08", "0.63", "-0.51"};
    int k = 0;
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            edges[k] = gb_diagram_edge(d, first[0] + a, first[1] + b, w[k], 0, 1);
            GB_ASSERT_MSG(edges[k] == k, "edge index %d", edges[k]);
            k++;
        }
    for (int a = 0; a < 2; a++) {
        edges[k] = gb_diagram_edge(d, first[1] + a, first[2], w[k], 0, 1);
        k++;
    }
    return d;
}

static void test_layers_layout(void)
{
    gb_metrics m = gb_metrics_fake();
    int first[3], edges[6];
    gb_diagram *d = mlp_221(first, 0, edges);
    GB_ASSERT_MSG(first[0] == 0 && first[1] == 2 && first[2] == 4, "first %d %d %d", first[0], first[1], first[2]);
    gb_dlist *dl = gb_dlist_new();
    double w, h;
    gb_err e;
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_diagram_render(d, &m, dl, &w, &h, &e) == 0, "render %s", e.msg);
    double x[5], y[5], r[5];
    for (int i = 0; i < 5; i++) GB_ASSERT_MSG(gb_diagram_node_geom(d, i, &x[i], &y[i], &r[i]) == 0, "geom");
    /* columns 90 apart, rows 60 apart, layers centred on one horizontal line */
    GB_ASSERT_NEAR(x[1], x[0], 1e-12);
    GB_ASSERT_NEAR(x[2] - x[0], 90, 1e-12);
    GB_ASSERT_NEAR(x[4] - x[2], 90, 1e-12);
    GB_ASSERT_NEAR(y[0] - y[1], 60, 1e-12);
    GB_ASSERT_NEAR((y[0] + y[1]) / 2, y[4], 1e-12);
    GB_ASSERT_NEAR((y[2] + y[3]) / 2, y[4], 1e-12);
    GB_ASSERT_MSG(y[0] > y[1], "node 0 on top");
    for (int i = 0; i < 5; i++) GB_ASSERT_NEAR(r[i], 12, 1e-12);   /* labels fit in 12 pt */
    /* the figure frame: everything inside [0, w] x [0, h] with the margin around it */
    gb_bbox bb = gb_dlist_bbox(dl, &m);
    GB_ASSERT_NEAR(bb.llx, 4, 1e-9);
    GB_ASSERT_NEAR(bb.lly, 4, 1e-9);
    GB_ASSERT_NEAR(bb.urx, w - 4, 1e-9);
    GB_ASSERT_NEAR(bb.ury, h - 4, 1e-9);
    GB_ASSERT_MSG(w >= 180 + 24 && h >= 60 + 24, "size %g x %g", w, h);
    /* node labels centred horizontally on their nodes */
    for (size_t i = 0; i < gb_dlist_count(dl); i++) {
        const gb_item *it = gb_dlist_item(dl, i);
        if (it->kind == GB_ITEM_TEXT && strcmp(it->text, "ŷ") == 0) {
            double tw = m.advance(m.ctx, it->face, it->text, it->len, it->size);
            GB_ASSERT_NEAR(it->x + tw / 2, x[4], 1e-9);
        }
    }
    gb_dlist_free(dl);
    gb_diagram_free(d);
}

static void test_edges_on_borders(void)
{
    gb_metrics m = gb_metrics_fake();
    int first[3], edges[6];
    gb_diagram *d = mlp_221(first, 1, edges);
    gb_dlist *dl = gb_dlist_new();
    GB_ASSERT_MSG(gb_diagram_render(d, &m, dl, NULL, NULL, NULL) == 0, "render");
    const int from[6] = {0, 0, 1, 1, 2, 3}, to[6] = {2, 3, 2, 3, 4, 4};
    for (int k = 0; k < 6; k++) {
        double ax, ay, ar, bx, by, br, x0, y0, x1, y1;
        gb_diagram_node_geom(d, from[k], &ax, &ay, &ar);
        gb_diagram_node_geom(d, to[k], &bx, &by, &br);
        GB_ASSERT_MSG(gb_diagram_edge_geom(d, k, &x0, &y0, &x1, &y1) == 0, "edge geom");
        GB_ASSERT_NEAR(hypot(x0 - ax, y0 - ay), ar, 1e-9);
        GB_ASSERT_NEAR(hypot(x1 - bx, y1 - by), br, 1e-9);
        /* on the line between the centres: cross product zero */
        GB_ASSERT_NEAR((x0 - ax) * (by - ay) - (y0 - ay) * (bx - ax), 0, 1e-6);
        GB_ASSERT_NEAR((x1 - ax) * (by - ay) - (y1 - ay) * (bx - ax), 0, 1e-6);
        /* an arrowhead (filled triangle) has its tip at the target's border */
        int tip = 0;
        for (size_t i = 0; i < gb_dlist_count(dl); i++) {
            const gb_item *it = gb_dlist_item(dl, i);
            if (it->kind == GB_ITEM_PATH && it->closed && it->npts == 3 && fabs(it->xy[0] - x1) < 1e-9 &&
                fabs(it->xy[1] - y1) < 1e-9)
                tip = 1;
        }
        GB_ASSERT_MSG(tip, "arrowhead of edge %d", k);
    }
    /* the radius grew to hold "z=-0.12 / a=0.470" under "h₁" (uniform: all nodes alike) */
    double r0, r3;
    gb_diagram_node_geom(d, 0, NULL, NULL, &r0);
    gb_diagram_node_geom(d, 3, NULL, NULL, &r3);
    GB_ASSERT_MSG(r3 > 12 && r0 == r3, "radii %g %g", r0, r3);
    /* every text inside a node lies in its circle: check the sub text of h₁ */
    double cx, cy;
    gb_diagram_node_geom(d, 3, &cx, &cy, NULL);
    int seen = 0;
    for (size_t i = 0; i < gb_dlist_count(dl); i++) {
        const gb_item *it = gb_dlist_item(dl, i);
        if (it->kind != GB_ITEM_TEXT || (strcmp(it->text, "z=-0.12") && strcmp(it->text, "a=0.470") &&
                                         strcmp(it->text, "h₁")))
            continue;
        seen++;
        gb_vmetrics vm;
        m.vmetrics(m.ctx, it->face, it->size, &vm);
        double tw = m.advance(m.ctx, it->face, it->text, it->len, it->size);
        double cxs[2] = {it->x, it->x + tw}, cys[2] = {it->y - 0.2 * it->size, it->y + 0.7 * it->size};
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                GB_ASSERT_MSG(hypot(cxs[a] - cx, cys[b] - cy) <= r3, "'%s' corner outside the node", it->text);
    }
    GB_ASSERT_MSG(seen == 3, "%d texts of h1", seen);
    gb_dlist_free(dl);
    gb_diagram_free(d);
}

static void test_labels_apart(void)
{
    gb_metrics m = gb_metrics_fake();
    for (int variant = 0; variant < 2; variant++) {
        int first[3], edges[6];
        gb_diagram *d = mlp_221(first, variant, edges);
        gb_dlist *dl = gb_dlist_new();
        GB_ASSERT_MSG(gb_diagram_render(d, &m, dl, NULL, NULL, NULL) == 0, "render");
        gb_bbox b[6];
        for (int k = 0; k < 6; k++) GB_ASSERT_MSG(gb_diagram_label_box(d, k, &b[k]) == 0, "label box");
        for (int i = 0; i < 6; i++)
            for (int j = i + 1; j < 6; j++)
                GB_ASSERT_MSG(!overlap(&b[i], &b[j]), "variant %d: labels %d and %d overlap", variant, i, j);
        for (int k = 0; k < 6; k++)
            for (int n = 0; n < 5; n++) {
                double cx, cy, r;
                gb_diagram_node_geom(d, n, &cx, &cy, &r);
                double qx = fmin(fmax(cx, b[k].llx), b[k].urx), qy = fmin(fmax(cy, b[k].lly), b[k].ury);
                GB_ASSERT_MSG(hypot(qx - cx, qy - cy) >= r, "variant %d: label %d over node %d", variant, k, n);
            }
        /* each label sits on its own edge: the box contains a point of the edge's segment */
        for (int k = 0; k < 6; k++) {
            double x0, y0, x1, y1;
            gb_diagram_edge_geom(d, k, &x0, &y0, &x1, &y1);
            int hit = 0;
            for (int s = 0; s <= 200 && !hit; s++) {
                double px = x0 + (x1 - x0) * s / 200.0, py = y0 + (y1 - y0) * s / 200.0;
                if (px >= b[k].llx && px <= b[k].urx && py >= b[k].lly && py <= b[k].ury) hit = 1;
            }
            GB_ASSERT_MSG(hit, "variant %d: label %d is off its edge", variant, k);
        }
        gb_dlist_free(dl);
        gb_diagram_free(d);
    }
}

/* Two edges whose preferred label spots coincide: the second label moves. */
static void test_collision_resolved(void)
{
    gb_metrics m = gb_metrics_fake();
    gb_diagram *d = gb_diagram_new(NULL);
    int a = gb_diagram_node(d, 0, 0, 8, "a", NULL, 0);
    int b = gb_diagram_node(d, 100, 0, 8, "b", NULL, 0);
    int c = gb_diagram_node(d, 100, 4, 8, "c", NULL, 0);   /* nearly the same direction */
    gb_diagram_edge(d, a, b, "first", 0.5, 0);
    gb_diagram_edge(d, a, c, "second", 0.5, 0);
    gb_dlist *dl = gb_dlist_new();
    GB_ASSERT_MSG(gb_diagram_render(d, &m, dl, NULL, NULL, NULL) == 0, "render");
    gb_bbox b0, b1;
    gb_diagram_label_box(d, 0, &b0);
    gb_diagram_label_box(d, 1, &b1);
    GB_ASSERT_MSG(!overlap(&b0, &b1), "moved apart");
    double x0, y0, x1, y1;
    gb_diagram_edge_geom(d, 0, &x0, &y0, &x1, &y1);
    GB_ASSERT_NEAR((b0.llx + b0.urx) / 2, x0 + 0.5 * (x1 - x0), 1e-9);   /* first keeps its place */
    gb_dlist_free(dl);
    gb_diagram_free(d);
}

static void test_errors(void)
{
    gb_metrics m = gb_metrics_fake();
    gb_dlist *dl = gb_dlist_new();
    gb_diagram *d = gb_diagram_new(NULL);
    gb_err e;
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_diagram_render(d, &m, dl, NULL, NULL, &e) == GB_EINPUT, "empty diagram");
    gb_diagram_free(d);

    d = gb_diagram_new(NULL);
    GB_ASSERT_MSG(gb_diagram_node(d, NAN, 0, 5, "x", NULL, 0) == -GB_EINPUT, "NaN node");
    int a = gb_diagram_node(d, 0, 0, 5, "x", NULL, 0);
    GB_ASSERT_MSG(a == 0, "node index %d", a);
    GB_ASSERT_MSG(gb_diagram_edge(d, a, a, NULL, 0, 0) == -GB_EINPUT, "self edge");
    GB_ASSERT_MSG(gb_diagram_edge(d, a, 7, NULL, 0, 0) == -GB_EINPUT, "missing node");
    GB_ASSERT_MSG(gb_diagram_node_text(d, 3, "q", NULL, 0) == GB_EINPUT, "text on missing node");
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_diagram_render(d, &m, dl, NULL, NULL, &e) == GB_EINPUT, "sticky");
    GB_ASSERT_MSG(strstr(e.msg, "diagram:") != NULL, "message '%s'", e.msg);
    GB_ASSERT_MSG(gb_diagram_node_geom(d, 0, NULL, NULL, NULL) == -1, "no geometry after failure");
    gb_diagram_free(d);

    d = gb_diagram_new(NULL);
    const int bad[2] = {2, 0};
    GB_ASSERT_MSG(gb_diagram_layers(d, bad, 2, 50, 50, 10, NULL) == GB_EINPUT, "empty layer");
    gb_diagram_free(d);

    /* overlapping nodes: no visible edge, both ends at the midpoint, no crash */
    d = gb_diagram_new(NULL);
    int p = gb_diagram_node(d, 0, 0, 10, "p", NULL, 0), q = gb_diagram_node(d, 5, 0, 10, "q", NULL, 0);
    gb_diagram_edge(d, p, q, "w", 0, 1);
    GB_ASSERT_MSG(gb_diagram_render(d, &m, dl, NULL, NULL, NULL) == 0, "overlapping nodes render");
    double x0, y0, x1, y1;
    gb_diagram_edge_geom(d, 0, &x0, &y0, &x1, &y1);
    GB_ASSERT_MSG(x0 == x1 && y0 == y1, "degenerate edge");
    gb_diagram_free(d);
    gb_diagram_free(NULL);
    gb_dlist_free(dl);
}

GB_TEST_SUITE(diagram)
{
    CU_pSuite s = CU_add_suite("diagram", NULL, NULL);
    GB_ADD(s, test_layers_layout);
    GB_ADD(s, test_edges_on_borders);
    GB_ADD(s, test_labels_apart);
    GB_ADD(s, test_collision_resolved);
    GB_ADD(s, test_errors);
}
