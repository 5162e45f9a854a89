/* The FXSAVE image and the XSAVE area's standard format (SDM vol. 1 10.5.1
 * and 13.4): byte offsets, one table for the kernel, the VMM and the test
 * guests. Plain numbers, so that assembly can use them too. */
#ifndef VIREO_ABI_X86_XSAVE_H
#define VIREO_ABI_X86_XSAVE_H

/* The legacy region: the FXSAVE image (64-bit form). */
#define XSAVE_FCW          0   /* u16 x87 control word */
#define XSAVE_FSW          2   /* u16 x87 status word */
#define XSAVE_FTW          4   /* u8 abridged tag word: bit n set, register n valid */
#define XSAVE_FOP          6   /* u16 last x87 opcode (11 bits) */
#define XSAVE_FIP          8   /* u64 last x87 instruction pointer */
#define XSAVE_FDP          16  /* u64 last x87 operand pointer */
#define XSAVE_MXCSR        24  /* u32 */
#define XSAVE_MXCSR_MASK   28  /* u32, written by FXSAVE, ignored by FXRSTOR */
#define XSAVE_ST0          32  /* 8 x 16 bytes: ST0-7 (80 bits each) */
#define XSAVE_XMM0         160 /* 16 x 16 bytes: XMM0-15 */
#define XSAVE_LEGACY_END   416 /* bytes 416-511: reserved and free for software */
#define XSAVE_LEGACY_BYTES 512
#define FXSAVE_ALIGN       16

/* The XSAVE header and the extended region. */
#define XSAVE_HEADER       512 /* u64 XSTATE_BV, u64 XCOMP_BV, 48 reserved bytes: all 0 for XRSTOR */
#define XSAVE_HEADER_BYTES 64
#define XSAVE_AVX          576 /* YMM0-15 bits 255:128, 16 x 16 bytes (CPUID 0xd.2 EBX) */
#define XSAVE_AVX_BYTES    256 /* CPUID 0xd.2 EAX */
#define XSAVE_ALIGN        64

/* The reset state (SDM vol. 3 10.1, table 10-1): FCW 0x37f (every
 * exception masked, 64-bit precision, round to nearest), all tags empty,
 * MXCSR 0x1f80 (every exception masked). */
#define FPU_RESET_FCW   0x037f
#define FPU_RESET_MXCSR 0x1f80

#endif
