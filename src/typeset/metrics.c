/* metrics.c — the fake monospace metrics used by layout tests, and small wrappers. */
#include "typeset/metrics.h"

#include "util/utf8.h"

#include <string.h>

static double em_advance(gb_face face) { return face == GB_FACE_MONO ? 0.6 : 0.5; }

static double fake_advance(void *ctx, gb_face face, const char *s, size_t len, double size)
{
    (void)ctx;
    return (double)gb_utf8_count(s, len) * em_advance(face) * size;
}

static void fake_vmetrics(void *ctx, gb_face face, double size, gb_vmetrics *out)
{
    (void)ctx; (void)face;
    out->ascent = 0.75 * size;
    out->descent = 0.25 * size;
    out->x_height = 0.5 * size;
    out->cap_height = 0.7 * size;
}

static void fake_bbox(void *ctx, gb_face face, uint32_t cp, double size, gb_bbox *out)
{
    (void)ctx;
    out->llx = 0;
    out->urx = em_advance(face) * size;
    if (cp && strchr("gjpqy", (int)cp) && cp < 128) {
        out->lly = -0.2 * size;
        out->ury = 0.5 * size;
    } else {
        out->lly = 0;
        out->ury = 0.7 * size;
    }
}

static int fake_has_glyph(void *ctx, gb_face face, uint32_t cp)
{
    (void)ctx; (void)face;
    return cp < 0x3000;
}

gb_metrics gb_metrics_fake(void)
{
    gb_metrics m = {NULL, fake_advance, fake_vmetrics, fake_bbox, fake_has_glyph, NULL};
    return m;
}

double gb_text_width(const gb_metrics *m, gb_face face, const char *utf8, double size)
{
    return m->advance(m->ctx, face, utf8, strlen(utf8), size);
}
