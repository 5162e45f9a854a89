#include "boot_error.h"
#include <vireo/format.h>
#include <stdarg.h>

bool boot_fail(struct boot_error *err, unsigned status, const char *reason, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnformat(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    err->status = status;
    err->reason = reason;
    return false;
}
