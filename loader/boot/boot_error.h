/* How the loader's checks report a failure: a full message for the console
 * and a short reason for the stop line (abi/vireo/stop.h). */
#ifndef LOADER_BOOT_ERROR_H
#define LOADER_BOOT_ERROR_H

#include <vireo/types.h>

struct boot_error {
    unsigned status;    /* enum vireo_stop_status */
    const char *reason; /* short, for "vireo: system stop, status N: REASON" */
    char msg[320];      /* the full explanation, printed after "loader: " */
};

/* Records a failure and returns false, so checks can `return boot_fail(...)`. */
bool boot_fail(struct boot_error *err, unsigned status, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
