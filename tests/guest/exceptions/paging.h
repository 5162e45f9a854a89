/* The #PF test region (paging.c). */
#ifndef EXCEPTIONS_PAGING_H
#define EXCEPTIONS_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#define TEST_REGION 0x100000000ull
enum {
    PAGE_ABSENT,     /* not present */
    PAGE_READ_ONLY,  /* present, user, read-only */
    PAGE_SUPERVISOR, /* present, writable, supervisor only */
    PAGE_NO_EXEC,    /* present, writable, user, NX (where the CPU has NX) */
    PAGE_RESERVED,   /* present, a reserved address bit set */
    PAGE_NORMAL,     /* present, writable, user */
    TEST_PAGES
};

static inline uint64_t test_page(unsigned i)
{
    return TEST_REGION + 0x1000ull * i;
}

extern bool paging_has_nx;
extern unsigned paging_rsvd_bit; /* 0: MAXPHYADDR is 52, no such bit */

void paging_init(void);

#endif
