/* mb1_fail (mb1_why.h). */
#include "mb1_why.h"
#include <vireo/format.h>
#include <stdarg.h>

bool mb1_fail(const struct mb1_why *why, const char *fmt, ...)
{
    if (why && why->buf && why->size) {
        va_list ap;
        va_start(ap, fmt);
        vsnformat(why->buf, why->size, fmt, ap);
        va_end(ap);
    }
    return false;
}
