/* Control-register bits, one table for the whole tree. */
#ifndef VIREO_ABI_X86_CR_H
#define VIREO_ABI_X86_CR_H

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)

#define CR4_VME        (1ull << 0)
#define CR4_PVI        (1ull << 1)
#define CR4_TSD        (1ull << 2)
#define CR4_DE         (1ull << 3)
#define CR4_PSE        (1ull << 4)
#define CR4_PAE        (1ull << 5)
#define CR4_MCE        (1ull << 6)
#define CR4_PGE        (1ull << 7)
#define CR4_PCE        (1ull << 8)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP       (1ull << 11)
#define CR4_LA57       (1ull << 12)
#define CR4_VMXE       (1ull << 13)
#define CR4_SMXE       (1ull << 14)
#define CR4_FSGSBASE   (1ull << 16)
#define CR4_PCIDE      (1ull << 17)
#define CR4_OSXSAVE    (1ull << 18)
#define CR4_SMEP       (1ull << 20)
#define CR4_SMAP       (1ull << 21)
#define CR4_PKE        (1ull << 22)

/* XCR0: the state components XSAVE manages (SDM vol. 1 13.3, CPUID 0xd). */
#define XCR0_X87       (1ull << 0)
#define XCR0_SSE       (1ull << 1)
#define XCR0_AVX       (1ull << 2) /* YMM upper halves */
#define XCR0_BNDREGS   (1ull << 3) /* MPX, with BNDCSR */
#define XCR0_BNDCSR    (1ull << 4)
#define XCR0_OPMASK    (1ull << 5) /* AVX-512, the three together */
#define XCR0_ZMM_HI256 (1ull << 6)
#define XCR0_HI16_ZMM  (1ull << 7)
#define XCR0_PKRU      (1ull << 9)
#define XCR0_TILECFG   (1ull << 17) /* AMX, with TILEDATA */
#define XCR0_TILEDATA  (1ull << 18)
#define XCR0_AVX512    (XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)
/* What Vireo offers guests, where the host has it: the kernel saves exactly
 * these components of a vCPU (docs/VMX.md, "FPU"), the VMM lets XSETBV set
 * no others (servers/vmm/xstate.h). */
#define VIREO_XCR0_SUPPORTED (XCR0_X87 | XCR0_SSE | XCR0_AVX)

#define RFLAGS_CF     (1ull << 0)
#define RFLAGS_FIXED1 (1ull << 1)
#define RFLAGS_PF     (1ull << 2)
#define RFLAGS_AF     (1ull << 4)
#define RFLAGS_ZF     (1ull << 6)
#define RFLAGS_SF     (1ull << 7)
#define RFLAGS_TF     (1ull << 8)
#define RFLAGS_IF     (1ull << 9)
#define RFLAGS_DF     (1ull << 10)
#define RFLAGS_OF     (1ull << 11)
#define RFLAGS_IOPL   (3ull << 12)
#define RFLAGS_NT     (1ull << 14)
#define RFLAGS_RF     (1ull << 16)
#define RFLAGS_VM     (1ull << 17)
#define RFLAGS_AC     (1ull << 18)
#define RFLAGS_ID     (1ull << 21)

#endif
