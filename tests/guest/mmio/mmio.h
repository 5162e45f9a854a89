/*
 * The mmio guest (main.c): the instruction forms a VMM must emulate for
 * MMIO, on pc-testdev's memory window (0xff000000, 64 KiB), compared with
 * the same instructions on RAM and with the architecture's answers.
 * Without pc-testdev (bare Bochs) the window is a RAM buffer: the same
 * checks then prove their expectations against the CPU model.
 */
#ifndef MMIO_GUEST_H
#define MMIO_GUEST_H

#include <guest/rt.h>
#include <guest/trap.h>
#include <stdbool.h>
#include <stdint.h>

#define WINDOW      0xff000000ull
#define WINDOW_SIZE 0x10000u

/* The memory under test (target.c): the window, or the RAM buffer. */
extern uint8_t *target;
extern bool target_is_mmio;

/*
 * A region of 4 KiB pages at 5 GiB (PDPT entry 5): pages of the window and
 * of RAM side by side, for accesses that cross from one into the other,
 * and a page that is not present.
 */
#define REGION 0x140000000ull
enum {
    PG_M0,     /* target + 0x8000 */
    PG_M1,     /* target + 0x9000 */
    PG_RAM,    /* a RAM page */
    PG_M2,     /* target + 0xa000 */
    PG_ABSENT, /* not present */
    REGION_PAGES
};
static inline uint8_t *region(unsigned page, unsigned offset)
{
    return (uint8_t *)(REGION + page * 0x1000ull + offset);
}
/* The RAM page behind PG_RAM. */
extern uint8_t region_ram[4096];
/* The last canonical page of the lower half, mapped to RAM. */
#define TOP_PAGE 0x00007ffffffff000ull

/* Finds pc-testdev (or says it uses RAM) and maps the region. */
void target_init(void);

/* RFLAGS' status flags (CF PF AF ZF SF OF). */
#define STATUS_FLAGS 0x8d5ull
#define FL_CF        0x1ull
#define FL_PF        0x4ull
#define FL_AF        0x10ull
#define FL_ZF        0x40ull
#define FL_SF        0x80ull
#define FL_OF        0x800ull

void test_known_answers(void); /* forms.c */
void test_forms(void);         /* forms.c */
void test_crossings(void);     /* forms.c */
void test_strings(void);       /* strings.c */
void test_faults(void);        /* faults.c */
void test_addressing(void);    /* addressing.c */

#endif
