/* Status codes every syscall returns in %rax. 0 is success; the rest name
 * what was wrong with the request. The kernel never panics on a bad
 * argument: it returns one of these and changes nothing. */
#ifndef VIREO_ABI_STATUS_H
#define VIREO_ABI_STATUS_H

enum vireo_status {
    VIREO_OK = 0,
    VIREO_E_INVALID_SYSCALL = 1, /* unknown syscall number */
    VIREO_E_INVALID_ARG = 2,     /* a value out of range or inconsistent */
    VIREO_E_BAD_ADDRESS = 3,     /* a user pointer not mapped as required */
    VIREO_E_BAD_CAP = 4,         /* selector empty or of the wrong type */
    VIREO_E_NO_RIGHTS = 5,       /* capability lacks a needed right */
    VIREO_E_NO_MEMORY = 6,       /* quota or kernel pool exhausted */
    VIREO_E_BUSY = 7,            /* object in a state that forbids this */
    VIREO_E_TIMEOUT = 8,
    VIREO_E_ABORTED = 9, /* the partner went away */
    VIREO_E_OVERLAP = 10,
    VIREO_STATUS_COUNT
};

#endif
