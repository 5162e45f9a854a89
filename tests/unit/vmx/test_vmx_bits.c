/* Host tests of the VT-x back end's pure arithmetic (kernel/x86/vmx_bits.c):
 * control values from capability MSRs, the CR0/CR4 forced bits with the
 * VMM's masks and shadows, CTRL flags <-> controls, instruction lengths,
 * normalized DT/DR/task-switch information, PAE PDPTE checks, EPT entry
 * bits. The expected numbers are written out, not derived from the tables. */
#include <vireo/vmexit.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/vmcs.h>
#include <vireo/x86/vmx_exit.h>

#include "check.h"
#include "x86/vmx_bits.h"

/* Capability MSR from must-be-1 and may-be-1 sets. */
static u64 cap(u32 must1, u32 may1)
{
    return ((u64)may1 << 32) | must1;
}

static void test_ctl_value(void)
{
    u32 value, missing;
    /* required and allowed, optional half allowed, forced bits added */
    CHECK(vmx_ctl_value(cap(0x16, 0xff), 0x09, 0x300, &value, &missing));
    CHECK_EQ_U64(value, 0x1f);
    CHECK_EQ_U64(missing, 0);
    CHECK(vmx_ctl_value(cap(0x16, 0x1ff), 0x09, 0x300, &value, &missing));
    CHECK_EQ_U64(value, 0x11f);
    /* a required bit the CPU lacks */
    CHECK(!vmx_ctl_value(cap(0x16, 0xf7), 0x09, 0, &value, &missing));
    CHECK_EQ_U64(missing, 0x08);
    /* an inconsistent MSR (must be 1 but may not) */
    CHECK(!vmx_ctl_value(cap(0x16, 0x06), 0, 0, &value, &missing));
    CHECK_EQ_U64(missing, 0x10);
    /* the numbers Bochs' corei7_skylake_x reports for the TRUE pin-based MSR */
    CHECK(vmx_ctl_value(cap(0x16, 0x7f), 0x29, 0, &value, &missing));
    CHECK_EQ_U64(value, 0x3f);

    /* run-time update: dynamic bits replaced, forced bits kept */
    CHECK_EQ_U64(vmx_ctl_update(cap(0x2, 0xff), 0x83, 0x0c, 0x04), 0x87);
    CHECK_EQ_U64(vmx_ctl_update(cap(0x2, 0xff), 0x8f, 0x0c, 0x00), 0x83);
    CHECK_EQ_U64(vmx_ctl_update(cap(0x6, 0xff), 0x81, 0x0c, 0x00), 0x87); /* bit 2 forced */
    CHECK_EQ_U64(vmx_ctl_update(cap(0, 0xff), 0x81, 0x0c, 0x30), 0x81);   /* not dynamic */
}

static void test_cr_forced(void)
{
    /* typical FIXED0 values: CR0 PG|NE|PE, CR4 VMXE */
    const u64 cr0_fixed0 = 0x80000021, cr0_fixed1 = 0xffffffff;
    const u64 cr4_fixed0 = 0x2000, cr4_fixed1 = 0x3767ff;
    u64 f0 = vmx_cr0_forced(cr0_fixed0), f4 = vmx_cr4_forced(cr4_fixed0);
    CHECK_EQ_U64(f0, CR0_NE); /* unrestricted guest frees PE and PG */
    CHECK_EQ_U64(f4, CR4_VMXE);

    /* reset CR0 0x60000010: valid, runs with NE set */
    CHECK(vmx_cr0_valid(0x60000010, f0, cr0_fixed1));
    CHECK_EQ_U64(vmx_cr_real(0x60000010, f0), 0x60000030);
    /* real mode with paging off, protected mode, paging */
    CHECK(vmx_cr0_valid(0, f0, cr0_fixed1));
    CHECK(vmx_cr0_valid(CR0_PE, f0, cr0_fixed1));
    CHECK(vmx_cr0_valid(CR0_PE | CR0_PG | CR0_WP, f0, cr0_fixed1));
    /* PG without PE, NW without CD, bits above 31 */
    CHECK(!vmx_cr0_valid(CR0_PG, f0, cr0_fixed1));
    CHECK(!vmx_cr0_valid(CR0_NW, f0, cr0_fixed1));
    CHECK(vmx_cr0_valid(CR0_NW | CR0_CD, f0, cr0_fixed1));
    CHECK(!vmx_cr0_valid(1ull << 32, f0, cr0_fixed1));
    /* a FIXED1 that forbids CD (such CPUs exist only in tests) */
    CHECK(!vmx_cr0_valid(CR0_CD, f0, cr0_fixed1 & ~CR0_CD));

    /* CR4: VMXE forced, reserved bits refused, a bit FIXED1 forbids refused */
    CHECK(vmx_cr4_valid(0, f4, cr4_fixed1));
    CHECK_EQ_U64(vmx_cr_real(0, f4), CR4_VMXE);
    CHECK(vmx_cr4_valid(CR4_PAE | CR4_PGE | CR4_OSFXSR, f4, cr4_fixed1));
    CHECK(vmx_cr4_valid(CR4_VMXE, f4, cr4_fixed1)); /* the guest's own VMXE */
    CHECK(!vmx_cr4_valid(CR4_LA57, f4, cr4_fixed1));
    CHECK(!vmx_cr4_valid(1ull << 30, f4, cr4_fixed1));

    /* masks and shadows: nothing owned by the VMM */
    CHECK_EQ_U64(vmx_cr_mask(0, f0), CR0_NE);
    CHECK_EQ_U64(vmx_cr_shadow(0, 0, 0x60000010, f0), 0); /* the guest's NE = 0 */
    CHECK_EQ_U64(vmx_cr_shadow(0, 0, 0x60000030, f0), CR0_NE);
    /* the VMM owns TS (shadow 1) and NE (shadow 0) */
    u64 mask = CR0_TS | CR0_NE;
    CHECK_EQ_U64(vmx_cr_mask(mask, f0), CR0_TS | CR0_NE);
    CHECK_EQ_U64(vmx_cr_shadow(mask, CR0_TS | 0x1000000, 0x60000030, f0), CR0_TS);
    /* the VMM owns TS only: NE's shadow is the guest's */
    CHECK_EQ_U64(vmx_cr_shadow(CR0_TS, 0, CR0_NE | CR0_PE, f0), CR0_NE);
    CHECK_EQ_U64(vmx_cr_shadow(CR0_TS, CR0_TS, CR0_PE, f0), CR0_TS);
    /* guest view: forced bits from the guest's own values */
    CHECK_EQ_U64(vmx_cr_guest(0x60000030, 0, f0), 0x60000010);
    CHECK_EQ_U64(vmx_cr_guest(0x80000031, CR0_NE, f0), 0x80000031);
    CHECK_EQ_U64(vmx_cr_guest(0x2020, 0, f4), 0x20);
    /* round trip: guest value -> real -> guest value */
    for (u64 g = 0; g < 64; g++) {
        u64 cr0 = (g & 1 ? CR0_PE : 0) | (g & 2 ? CR0_NE : 0) | (g & 4 ? CR0_TS : 0) |
                  (g & 8 ? CR0_CD : 0) | (g & 16 ? CR0_WP : 0) | (g & 32 ? CR0_ET : 0);
        CHECK_EQ_U64(vmx_cr_guest(vmx_cr_real(cr0, f0), cr0 & f0, f0), cr0);
        /* what the guest reads: (real & ~mask) | (shadow & mask) */
        u64 m = vmx_cr_mask(CR0_TS, f0);
        u64 sh = vmx_cr_shadow(CR0_TS, CR0_TS, cr0, f0);
        u64 seen = (vmx_cr_real(cr0, f0) & ~m) | (sh & m);
        CHECK_EQ_U64(seen, (cr0 & ~CR0_TS) | CR0_TS);
    }
}

static void test_ctrl_flags(void)
{
    /* every flag but TPR_THRESHOLD maps to exactly one control */
    CHECK_EQ_U64(vmx_proc_from_ctrl(VIREO_BIT(VIREO_CTRL, INTR_WINDOW)), 1u << 2);
    CHECK_EQ_U64(vmx_proc_from_ctrl(VIREO_BIT(VIREO_CTRL, NMI_WINDOW)), 1u << 22);
    CHECK_EQ_U64(vmx_proc_from_ctrl(VIREO_BIT(VIREO_CTRL, SINGLE_STEP)), 1u << 27);
    CHECK_EQ_U64(vmx_proc_from_ctrl(VIREO_BIT(VIREO_CTRL, RDTSC_EXIT)), 1u << 12);
    CHECK_EQ_U64(vmx_proc_from_ctrl(VIREO_BIT(VIREO_CTRL, RDPMC_EXIT)), 1u << 11);
    CHECK_EQ_U64(vmx_proc_from_ctrl(VIREO_BIT(VIREO_CTRL, INVLPG_EXIT)), 1u << 9);
    CHECK_EQ_U64(vmx_proc_from_ctrl(VIREO_BIT(VIREO_CTRL, MOV_DR_EXIT)), 1u << 23);
    CHECK_EQ_U64(vmx_proc_from_ctrl(VIREO_BIT(VIREO_CTRL, PAUSE_EXIT)), 1u << 30);
    CHECK_EQ_U64(vmx_proc_from_ctrl(VIREO_BIT(VIREO_CTRL, DESC_TABLE_EXIT)), 0);
    CHECK_EQ_U64(vmx_proc2_from_ctrl(VIREO_BIT(VIREO_CTRL, DESC_TABLE_EXIT)), 1u << 2);
    CHECK_EQ_U64(vmx_proc_from_ctrl(VIREO_BIT(VIREO_CTRL, TPR_THRESHOLD)), 0);
    CHECK_EQ_U64(vmx_proc2_from_ctrl(VIREO_CTRL_ALL & ~VIREO_BIT(VIREO_CTRL, DESC_TABLE_EXIT)), 0);
    /* RDPMC exiting is always on: not a dynamic bit */
    CHECK_EQ_U64(vmx_proc_dynamic(), (1u << 2) | (1u << 22) | (1u << 27) | (1u << 12) | (1u << 9) |
                                         (1u << 23) | (1u << 30));
    CHECK_EQ_U64(vmx_proc2_dynamic(), 1u << 2);

    /* a CPU with everything: all but TPR_THRESHOLD */
    u64 all = vmx_ctrl_supported(cap(0, 0xff), cap(0, 0xffffffff), cap(0, 0xffffffff));
    CHECK_EQ_U64(all, VIREO_CTRL_ALL & ~VIREO_BIT(VIREO_CTRL, TPR_THRESHOLD));
    /* no MTF (Bochs corei7_skylake_x), no virtual NMIs, no secondary controls */
    u64 no_mtf = vmx_ctrl_supported(cap(0, 0xff), cap(0, ~(1u << 27)), cap(0, 0xffffffff));
    CHECK_EQ_U64(no_mtf, all & ~VIREO_BIT(VIREO_CTRL, SINGLE_STEP));
    u64 no_vnmi = vmx_ctrl_supported(cap(0, 0xdf), cap(0, 0xffffffff), cap(0, 0xffffffff));
    CHECK_EQ_U64(no_vnmi, all & ~VIREO_BIT(VIREO_CTRL, NMI_WINDOW));
    u64 no_proc2 = vmx_ctrl_supported(cap(0, 0xff), cap(0, 0x7fffffff), cap(0, 0xffffffff));
    CHECK_EQ_U64(no_proc2, all & ~VIREO_BIT(VIREO_CTRL, DESC_TABLE_EXIT));
}

static void test_insn_len(void)
{
    /* SDM vol. 3, 28.2.5: instruction exits report a length ... */
    static const u32 with[] = {10, 12, 13, 14, 15, 16, 18, 19, 24, 27, 28, 29, 30, 31, 32,
                               36, 39, 40, 46, 47, 50, 51, 53, 54, 55, 57, 58, 61, 63, 64};
    for (unsigned i = 0; i < sizeof(with) / sizeof(with[0]); i++)
        CHECK(vmx_exit_has_insn_len(with[i]));
    /* ... events, faults and traps do not (exceptions and task switches:
     * the caller decides) */
    static const u32 without[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  33, 34, 37,
                                  41, 43, 44, 45, 48, 49, 52, 56, 62, 74, 75, 78, 200};
    for (unsigned i = 0; i < sizeof(without) / sizeof(without[0]); i++)
        CHECK(!vmx_exit_has_insn_len(without[i]));
    CHECK(vmx_event_is_soft(4) && vmx_event_is_soft(5) && vmx_event_is_soft(6));
    CHECK(!vmx_event_is_soft(0) && !vmx_event_is_soft(2) && !vmx_event_is_soft(3) &&
          !vmx_event_is_soft(7));
}

static void test_normalized(void)
{
    /* DESC_TABLE: identity in bits 29:28 */
    CHECK_EQ_U64(vmx_dtq(46, 0u << 28), 0x0);         /* SGDT */
    CHECK_EQ_U64(vmx_dtq(46, 1u << 28), 0x1);         /* SIDT */
    CHECK_EQ_U64(vmx_dtq(46, 2u << 28), 0x4);         /* LGDT: GDTR, write */
    CHECK_EQ_U64(vmx_dtq(46, 3u << 28), 0x5);         /* LIDT */
    CHECK_EQ_U64(vmx_dtq(47, 0u << 28), 0x2);         /* SLDT */
    CHECK_EQ_U64(vmx_dtq(47, 1u << 28), 0x3);         /* STR */
    CHECK_EQ_U64(vmx_dtq(47, 2u << 28), 0x6);         /* LLDT */
    CHECK_EQ_U64(vmx_dtq(47, 3u << 28 | 0xfff), 0x7); /* LTR, other bits ignored */

    /* MOV DR: DR in 2:0, direction bit 4 (1 = from DR), GPR 11:8 */
    CHECK_EQ_U64(vmx_drq(0x0000), 0x1000);             /* MOV DR0, rax */
    CHECK_EQ_U64(vmx_drq(0x0317), 0x1000 | 0x317);     /* MOV rbx, DR7 */
    CHECK_EQ_U64(vmx_drq(0xffff0f1e), 0x1000 | 0xf16); /* garbage bits dropped */

    /* task switch: selector 15:0, source 31:30, error code from IDT vectoring */
    CHECK_EQ_U64(vmx_tsq(0x0028, 0), 0x28);
    CHECK_EQ_U64(vmx_tsq(0xc0000030, 0x80000b08u), 0x1c0000030ull); /* #DF via task gate */
    CHECK_EQ_U64(vmx_tsq(0x40000030, 0x00000b08u), 0x40000030);     /* not valid: no error */
}

static void test_pdpte(void)
{
    u64 ok[4] = {0x1001, 0x2001, 0, 0x3000 | 0x18 | 0x1};
    CHECK(vmx_pdpte_invalid(ok, 36) == -1);
    u64 bad_low[4] = {0x1001, 0x2003, 0, 0}; /* bit 1 */
    CHECK(vmx_pdpte_invalid(bad_low, 36) == 1);
    u64 bad_mid[4] = {0x1001, 0x2001, 0x1021, 0}; /* bit 5 */
    CHECK(vmx_pdpte_invalid(bad_mid, 36) == 2);
    u64 high[4] = {0x1001, 0, 0, 1ull << 39 | 1};
    CHECK(vmx_pdpte_invalid(high, 36) == 3);
    CHECK(vmx_pdpte_invalid(high, 46) == -1);
    u64 not_present[4] = {0xfff0, 0xffffffffffff0ull, 6, 0x1e0}; /* P clear: anything goes */
    CHECK(vmx_pdpte_invalid(not_present, 36) == -1);
}

static void test_ept_entry(void)
{
    /* SDM vol. 3, 29.3.2: R 0, W 1, X 2, memory type 5:3 */
    CHECK_EQ_U64(VIREO_PUT(VMX_EPTE, READ, 1), 1);
    CHECK_EQ_U64(VIREO_PUT(VMX_EPTE, WRITE, 1), 2);
    CHECK_EQ_U64(VIREO_PUT(VMX_EPTE, EXEC, 1), 4);
    CHECK_EQ_U64(VIREO_PUT(VMX_EPTE, MEMTYPE, 6), 0x30);
    CHECK_EQ_U64(VIREO_PUT(VMX_EPTE, IGNORE_PAT, 1), 0x40);
    CHECK_EQ_U64(VIREO_PUT(VMX_EPTE, LARGE, 1), 0x80);
    CHECK_EQ_U64(VIREO_PUT(VMX_EPTE, ACCESSED, 1), 0x100);
    CHECK_EQ_U64(VIREO_PUT(VMX_EPTE, DIRTY, 1), 0x200);
    CHECK_EQ_U64(VIREO_PUT(VMX_EPTE, USER_X, 1), 0x400);
    /* EPTP: WB, 4-level, A/D */
    CHECK_EQ_U64(VIREO_PUT(VMX_EPTP, MEMTYPE, 6) | VIREO_PUT(VMX_EPTP, WALK_LEN_M1, 3) |
                     VIREO_PUT(VMX_EPTP, AD, 1),
                 0x5e);
}

int main(void)
{
    test_ctl_value();
    test_cr_forced();
    test_ctrl_flags();
    test_insn_len();
    test_normalized();
    test_pdpte();
    test_ept_entry();
    return check_report("vmx_bits");
}
