/* Debug-register bits (SDM vol. 3 18.2, APM vol. 2 13.1), one table for
 * the VMM's MOV DR emulation (servers/vmm/dr.c) and the guests that test
 * it. */
#ifndef VIREO_ABI_X86_DR_H
#define VIREO_ABI_X86_DR_H

/* DR6: B0-B3, BD (a MOV DR under DR7.GD), BS (single step), BT (task
 * switch); RTM (bit 16) and BLD (bit 11) are active low where offered.
 * Bits 4-11 and 16-31 read 1, bit 12 and 63:32 read 0. */
#define DR6_B0       (1ull << 0)
#define DR6_BD       (1ull << 13)
#define DR6_BS       (1ull << 14)
#define DR6_BT       (1ull << 15)
#define DR6_RTM      (1ull << 16)
#define DR6_FIXED1   0xffff0ff0ull
#define DR6_VOLATILE (0xfull | DR6_BD | DR6_BS | DR6_BT)

/* DR7: L0/G0 .. L3/G3 (bits 0-7), LE, GE, RTM (bit 11, with RTM), GD,
 * R/W and LEN of each breakpoint in 31:16. Bit 10 reads 1; 12, 14, 15
 * and 63:32 read 0. */
#define DR7_L0         (1ull << 0)
#define DR7_ENABLES(i) (3ull << (2 * (i))) /* Li and Gi */
#define DR7_RTM        (1ull << 11)
#define DR7_GD         (1ull << 13)
#define DR7_FIXED1     0x400ull
#define DR7_VOLATILE   0xffff23ffull

#endif
