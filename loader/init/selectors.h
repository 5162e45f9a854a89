/* Free selectors in init's own capability space. */
#ifndef INIT_SELECTORS_H
#define INIT_SELECTORS_H

#include <vireo/cap.h>

struct sel_pool {
    u64 used[VIREO_SEL_COUNT / 64];
};

/* Everything below `first` is taken (init's PD and root MEM caps). */
void sel_init(struct sel_pool *s, u64 first);
/* The lowest free selector, now taken; VIREO_SEL_COUNT when none is left. */
u64 sel_alloc(struct sel_pool *s);
void sel_free(struct sel_pool *s, u64 sel);

#endif
