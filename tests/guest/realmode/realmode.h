/*
 * Where the realmode guest's 16-bit code and its results live below 1 MiB,
 * shared by realmode.S and main.c. 0x2000-0x7000 is clear of the BIOS data
 * area (below 0x500) and of where QEMU (0x9000) and GRUB (from 0x10000)
 * put the multiboot information.
 */
#ifndef REALMODE_H
#define REALMODE_H

#define RM_BASE      0x2000 /* the 16-bit code is copied here: CS 0x0200 */
#define RM_CS        0x0200
#define RM_RESULTS   0x3000 /* FS 0x0300 in real mode */
#define RM_RES_SEG   0x0300
#define RM_DATA_SEG  0x0400 /* segment-relative access: DS 0x0400:0x0010 ... */
#define RM_ALIAS_SEG 0x0401 /* ... is ES 0x0401:0x0000, linear 0x4010 */
#define RM_DATA_LIN  0x4010
#define RM_STACK_TOP 0x7000 /* SS 0, SP 0x7000 */
#define RM_FAR_CS    0x0100 /* the far jump's target segment: same code */
#define RM_CALL_CS   0x0180 /* the far call's target segment: same code */
#define RM_INT_VEC   0x30   /* software interrupt through our own IVT entry */
#define RM_RUNS      2      /* protected -> real -> protected round trips */

/* Result offsets from RM_RESULTS. */
#define RES_MAGIC     0x00 /* u16: 0x600d once the real-mode part ran */
#define RES_RUNS      0x02 /* u16: round trips completed */
#define RES_CR0       0x04 /* u32: CR0 read in real mode */
#define RES_MUL_LO    0x08 /* u16: 1234 * 5678, low word (MUL) */
#define RES_MUL_HI    0x0a /* u16: high word */
#define RES_ADD32     0x0c /* u32: 0x12345678 + 0x11111111 (operand-size prefix) */
#define RES_DIV_Q     0x10 /* u16: 50000 / 7 (DIV) */
#define RES_DIV_R     0x12 /* u16: 50000 % 7 */
#define RES_FAR_CS    0x14 /* u16: CS after the far jump */
#define RES_CALL_CS   0x16 /* u16: CS inside the far-called routine */
#define RES_CALL_BACK 0x18 /* u16: CS after its RETF */
#define RES_SEG_READ  0x1a /* u16: the word read back through the alias */
#define RES_INT_HIT   0x1c /* u16: 0x1234 from the INT 0x30 handler */
#define RES_INT_FLAGS 0x1e /* u16: FLAGS inside that handler */
#define RES_DE_IP     0x20 /* u16: IP the #DE pushed (the DIV's own) */
#define RES_DE_CS     0x22 /* u16: CS the #DE pushed */
#define RES_UART      0x24 /* u16: 1 once the UART line was written */
#define RES_SIZE      0x26

#endif
