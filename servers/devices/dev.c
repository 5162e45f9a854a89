/* Interrupt-line bookkeeping shared by the device models. */
#include <vireo/devproto.h>

#include "dev.h"

void dev_line_init(struct dev_line *l, const struct dev_sink *sink, u16 line)
{
    l->sink = sink;
    l->line = line;
    l->level = false;
}

void dev_line_set(struct dev_line *l, bool level)
{
    if (l->level == level)
        return;
    l->level = level;
    if (l->sink && l->sink->line)
        l->sink->line(l->sink->ctx, l->line, level ? VIREO_LINE_HIGH : VIREO_LINE_LOW);
}
