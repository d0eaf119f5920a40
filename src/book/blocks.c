/* blocks.c — owning and looking into the document model of blocks.h: freeing chapters, blocks and
 * spans, and reading a computation block's options. */
#include "book/blocks.h"

#include <stdlib.h>
#include <string.h>

void gb_span_free(gb_span *s)
{
    if (!s) return;
    free(s->text);
    free(s->name);
    free(s->fmt);
    free(s->url);
    memset(s, 0, sizeof *s);
}

void gb_block_free(gb_block *b)
{
    if (!b) return;
    free(b->label);
    free(b->info);
    free(b->text);
    free(b->name);
    for (size_t i = 0; i < b->nopts; i++) {
        free(b->opts[i].key);
        free(b->opts[i].value);
    }
    free(b->opts);
    for (size_t i = 0; i < b->nspans; i++) gb_span_free(&b->spans[i]);
    free(b->spans);
    /* Children nest only as deep as the parser allows (chapter.c caps it), so recursion is safe. */
    for (size_t i = 0; i < b->nchildren; i++) gb_block_free(&b->children[i]);
    free(b->children);
    free(b->aligns);
    memset(b, 0, sizeof *b);
}

void gb_chapter_free(gb_chapter *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nblocks; i++) gb_block_free(&c->blocks[i]);
    free(c->blocks);
    free(c->path);
    memset(c, 0, sizeof *c);
}

const gb_option *gb_block_find_option(const gb_block *b, const char *key)
{
    if (!b || !key) return NULL;
    for (size_t i = 0; i < b->nopts; i++)
        if (b->opts[i].key && strcmp(b->opts[i].key, key) == 0) return &b->opts[i];
    return NULL;
}

const char *gb_block_option(const gb_block *b, const char *key)
{
    const gb_option *o = gb_block_find_option(b, key);
    return o ? o->value : NULL;
}
