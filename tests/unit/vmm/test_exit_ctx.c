/* The steps every exit handler shares (servers/vmm/exit_ctx.c): finishing
 * an emulated instruction (RIP, the STI/MOV-SS shadow, the single-step
 * trap, RF), injecting an exception, re-injecting the event whose delivery
 * the exit interrupted, and the CPL. */
#include "check.h"
#include "exit_ctx.h"
#include "insn.h"
#include <string.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/vmcb.h>

#define STI    VIREO_BIT(VMX_INTR_STATE, BLOCK_STI)
#define MOV_SS VIREO_BIT(VMX_INTR_STATE, BLOCK_MOV_SS)
#define BS     VIREO_BIT(VMX_PENDING_DBG, BS)
#define FINISH (VIREO_MTD(RIP_LEN) | VIREO_MTD(INTR_STATE) | VIREO_MTD(PENDING_DBG))
#define CS_L   (1u << 9)
#define CS_DB  (1u << 10)

static struct vm vm;
static struct vireo_vcpu_state s;
static struct exit_ctx x;

/* The decoder: what it finds at RIP (the AMD-V INT1 check decodes). */
static ZydisMnemonic at_rip = ZYDIS_MNEMONIC_NOP;
static unsigned decodes;
bool insn_decode(struct exit_ctx *ctx, struct insn *out)
{
    (void)ctx;
    decodes++;
    memset(out, 0, sizeof(*out));
    out->zi.mnemonic = at_rip;
    out->zi.length = 1;
    return true;
}

static void reset(u64 cr0, u64 efer, u16 cs_ar)
{
    memset(&s, 0, sizeof(s));
    s.cr0 = cr0;
    s.efer = efer;
    s.cs.ar = cs_ar;
    s.rflags = RFLAGS_FIXED1;
    x = (struct exit_ctx){.vm = &vm, .s = &s, .changed = 0};
}

static u32 event(u32 vector, u32 type, bool has_error)
{
    return (u32)(VIREO_PUT(VMX_INTR_INFO, VECTOR, vector) | VIREO_PUT(VMX_INTR_INFO, TYPE, type) |
                 VIREO_PUT(VMX_INTR_INFO, HAS_ERROR, has_error) |
                 VIREO_PUT(VMX_INTR_INFO, VALID, 1));
}

static void test_rip(void)
{
    /* 64-bit code: RIP is 64 bits. */
    reset(CR0_PE | CR0_PG, EFER_LME | EFER_LMA, CS_L);
    s.rip = 0xffffffff80001000ull;
    exit_finish_insn(&x, 3);
    CHECK_EQ_U64(s.rip, 0xffffffff80001003ull);
    CHECK_EQ_U64(x.changed, FINISH);
    s.rip = 0x00000000fffffffeull;
    exit_finish_insn(&x, 4);
    CHECK_EQ_U64(s.rip, 0x100000002ull);

    /* Anywhere else EIP wraps at 4 GiB: compatibility mode, 32-bit
     * protected mode, real mode (the upper half is cleared as well). */
    reset(CR0_PE | CR0_PG, EFER_LME | EFER_LMA, CS_DB);
    s.rip = 0xfffffffeull;
    exit_finish_insn(&x, 4);
    CHECK_EQ_U64(s.rip, 2);
    reset(CR0_PE | CR0_PG, EFER_LME | EFER_LMA, CS_L | CS_DB); /* L with LMA */
    s.rip = 0xfffffffeull;
    exit_finish_insn(&x, 4);
    CHECK_EQ_U64(s.rip, 0x100000002ull);
    reset(CR0_PE, 0, CS_DB);
    s.rip = 0xfffffffdull;
    exit_finish_insn(&x, 5);
    CHECK_EQ_U64(s.rip, 2);
    /* CS.L without IA-32e mode is nothing. */
    reset(CR0_PE, EFER_LME, CS_L);
    s.rip = 0xffffffffull;
    exit_finish_insn(&x, 1);
    CHECK_EQ_U64(s.rip, 0);
    reset(0, 0, 0);
    s.rip = 0x1234;
    exit_finish_insn(&x, 2);
    CHECK_EQ_U64(s.rip, 0x1236);
    CHECK_EQ_U64(x.changed, FINISH);
}

static void test_shadow_and_step(void)
{
    /* STI and MOV-SS blocking end with the instruction; NMI and SMI
     * blocking stay. */
    reset(CR0_PE, 0, CS_DB);
    s.intr_state = (u32)(STI | MOV_SS | VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI) |
                         VIREO_BIT(VMX_INTR_STATE, BLOCK_SMI));
    exit_finish_insn(&x, 1);
    CHECK_EQ_U64(s.intr_state,
                 VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI) | VIREO_BIT(VMX_INTR_STATE, BLOCK_SMI));
    CHECK_EQ_U64(s.pending_dbg, 0);

    /* RFLAGS.TF: the single-step trap is left pending (BS), other pending
     * bits kept. */
    reset(CR0_PE, 0, CS_DB);
    s.rflags |= RFLAGS_TF;
    s.pending_dbg = VIREO_BIT(VMX_PENDING_DBG, B1);
    exit_finish_insn(&x, 2);
    CHECK_EQ_U64(s.pending_dbg, VIREO_BIT(VMX_PENDING_DBG, B1) | BS);
    CHECK_EQ_U64(s.rflags, RFLAGS_FIXED1 | RFLAGS_TF); /* TF stays */
    CHECK_EQ_U64(x.changed, FINISH);
    /* DEBUGCTL.BTF: single-step on branches only, and this was none. */
    reset(CR0_PE, 0, CS_DB);
    s.rflags |= RFLAGS_TF;
    s.debugctl = 1u << 1;
    exit_finish_insn(&x, 2);
    CHECK_EQ_U64(s.pending_dbg, 0);
    /* LBR alone changes nothing. */
    reset(CR0_PE, 0, CS_DB);
    s.rflags |= RFLAGS_TF;
    s.debugctl = 1u << 0;
    exit_finish_insn(&x, 2);
    CHECK_EQ_U64(s.pending_dbg, BS);
    /* No TF, no trap (BTF alone either). */
    reset(CR0_PE, 0, CS_DB);
    s.debugctl = 1u << 1;
    exit_finish_insn(&x, 2);
    CHECK_EQ_U64(s.pending_dbg, 0);

    /* RF is cleared when the instruction completes; RFLAGS is named only
     * then. */
    reset(CR0_PE, 0, CS_DB);
    s.rflags |= RFLAGS_RF | RFLAGS_IF;
    exit_finish_insn(&x, 1);
    CHECK_EQ_U64(s.rflags, RFLAGS_FIXED1 | RFLAGS_IF);
    CHECK_EQ_U64(x.changed, FINISH | VIREO_MTD(RFLAGS));
}

static void test_inject(void)
{
    /* Protected mode: the error code goes with the exception. */
    reset(CR0_PE, 0, CS_DB);
    s.rip = 0x1000;
    s.inj_len = 7;
    exit_inject_exception(&x, 14, true, 0x1b);
    CHECK_EQ_U64(s.inj_info, event(14, VMX_EVENT_HW_EXCEPTION, true));
    CHECK_EQ_U64(s.inj_error, 0x1b);
    CHECK_EQ_U64(s.inj_len, 0);
    CHECK_EQ_U64(x.changed, VIREO_MTD(INJECT));
    CHECK_EQ_U64(s.rip, 0x1000); /* a fault: the instruction did not happen */
    /* None asked for. */
    reset(CR0_PE | CR0_PG, EFER_LME | EFER_LMA, CS_L);
    exit_inject_exception(&x, 6, false, 0x55);
    CHECK_EQ_U64(s.inj_info, event(6, VMX_EVENT_HW_EXCEPTION, false));
    CHECK_EQ_U64(s.inj_error, 0);
    /* Real mode pushes no error code. */
    reset(0, 0, 0);
    exit_inject_exception(&x, 13, true, 0x10);
    CHECK_EQ_U64(s.inj_info, event(13, VMX_EVENT_HW_EXCEPTION, false));
    CHECK_EQ_U64(s.inj_error, 0);
    CHECK_EQ_U64(x.changed, VIREO_MTD(INJECT));
    /* Virtual-8086 mode is protected mode: it does. */
    reset(CR0_PE, 0, 0);
    s.rflags |= RFLAGS_VM;
    exit_inject_exception(&x, 13, true, 0x10);
    CHECK_EQ_U64(s.inj_info, event(13, VMX_EVENT_HW_EXCEPTION, true));
    CHECK_EQ_U64(s.inj_error, 0x10);
    /* The helpers. */
    reset(CR0_PE, 0, CS_DB);
    exit_gp(&x);
    CHECK_EQ_U64(s.inj_info, event(EXC_GP, VMX_EVENT_HW_EXCEPTION, true));
    CHECK_EQ_U64(s.inj_error, 0);
    reset(CR0_PE, 0, CS_DB);
    exit_ud(&x);
    CHECK_EQ_U64(s.inj_info, event(EXC_UD, VMX_EVENT_HW_EXCEPTION, false));
    reset(0, 0, 0);
    exit_gp(&x);
    CHECK_EQ_U64(s.inj_info, event(EXC_GP, VMX_EVENT_HW_EXCEPTION, false));
}

static void test_reinject(void)
{
    /* Nothing was being delivered: nothing to do. */
    reset(CR0_PE, 0, CS_DB);
    s.vect_info = event(14, VMX_EVENT_HW_EXCEPTION, true) & ~(u32)VIREO_MASK(VMX_INTR_INFO, VALID);
    s.inj_info = 0x1234;
    exit_reinject_vectoring(&x);
    CHECK_EQ_U64(s.inj_info, 0x1234);
    CHECK_EQ_U64(x.changed, 0);

    /* A #PF with its error code goes in again; NMI_UNBLOCKED (an exit-only
     * bit, reserved in the entry format) is dropped. */
    reset(CR0_PE, 0, CS_DB);
    s.vect_info =
        event(14, VMX_EVENT_HW_EXCEPTION, true) | VIREO_MASK(VMX_INTR_INFO, NMI_UNBLOCKED);
    s.vect_error = 0x7;
    exit_reinject_vectoring(&x);
    CHECK_EQ_U64(s.inj_info, event(14, VMX_EVENT_HW_EXCEPTION, true));
    CHECK_EQ_U64(s.inj_error, 0x7);
    CHECK_EQ_U64(x.changed, VIREO_MTD(INJECT));
    /* An external interrupt; an NMI. */
    reset(CR0_PE, 0, CS_DB);
    s.vect_info = event(0x30, VMX_EVENT_EXT_INTR, false);
    exit_reinject_vectoring(&x);
    CHECK_EQ_U64(s.inj_info, event(0x30, VMX_EVENT_EXT_INTR, false));
    CHECK_EQ_U64(s.inj_error, 0);
    reset(CR0_PE, 0, CS_DB);
    s.vect_info = event(2, VMX_EVENT_NMI, false) | VIREO_MASK(VMX_INTR_INFO, NMI_UNBLOCKED);
    exit_reinject_vectoring(&x);
    CHECK_EQ_U64(s.inj_info, event(2, VMX_EVENT_NMI, false));
    /* A software interrupt keeps its instruction length. */
    reset(CR0_PE, 0, CS_DB);
    s.vect_info = event(0x80, VMX_EVENT_SW_INTR, false);
    s.insn_len = 2;
    exit_reinject_vectoring(&x);
    CHECK_EQ_U64(s.inj_info, event(0x80, VMX_EVENT_SW_INTR, false));
    CHECK_EQ_U64(s.inj_len, 2);
    CHECK_EQ_U64(s.rip, 0);

    /* AMD-V: INT n, INT3, INTO and INT1 are not injected again: RIP is
     * still at the instruction, which runs again. */
    const u32 svm_soft[] = {event(0x80, VMX_EVENT_SW_INTR, false),
                            event(3, VMX_EVENT_HW_EXCEPTION, false),
                            event(4, VMX_EVENT_HW_EXCEPTION, false)};
    for (unsigned i = 0; i < 3; i++) {
        reset(CR0_PE, 0, CS_DB);
        s.arch = VIREO_ARCH_SVM;
        s.vect_info = svm_soft[i];
        s.insn_len = 2;
        exit_reinject_vectoring(&x);
        CHECK_EQ_U64(x.changed, 0);
        CHECK_EQ_U64(s.inj_info, 0);
    }
    reset(CR0_PE, 0, CS_DB);
    s.arch = VIREO_ARCH_SVM;
    s.vect_info = event(1, VMX_EVENT_HW_EXCEPTION, false);
    at_rip = ZYDIS_MNEMONIC_INT1;
    decodes = 0;
    exit_reinject_vectoring(&x);
    CHECK_EQ_U64(decodes, 1);
    CHECK_EQ_U64(x.changed, 0);
    /* ... but a #DB from anything else is a hardware event: it goes in. */
    at_rip = ZYDIS_MNEMONIC_MOV;
    exit_reinject_vectoring(&x);
    CHECK_EQ_U64(s.inj_info, event(1, VMX_EVENT_HW_EXCEPTION, false));
    CHECK_EQ_U64(x.changed, VIREO_MTD(INJECT));
    /* And on VT-x INT3 goes in with its length. */
    reset(CR0_PE, 0, CS_DB);
    s.arch = VIREO_ARCH_VMX;
    s.vect_info = event(3, VMX_EVENT_SW_EXCEPTION, false);
    s.insn_len = 1;
    exit_reinject_vectoring(&x);
    CHECK_EQ_U64(s.inj_info, event(3, VMX_EVENT_SW_EXCEPTION, false));
    CHECK_EQ_U64(s.inj_len, 1);
}

static void test_cpl(void)
{
    reset(0, 0, 0);
    s.ss.ar = 3u << 5; /* DPL 3 means nothing in real mode */
    CHECK_EQ_U64(exit_cpl(&s), 0);
    reset(CR0_PE, 0, CS_DB);
    CHECK_EQ_U64(exit_cpl(&s), 0);
    s.ss.ar = 3u << 5 | 0x93;
    CHECK_EQ_U64(exit_cpl(&s), 3);
    s.ss.ar = 1u << 5 | 0x93;
    CHECK_EQ_U64(exit_cpl(&s), 1);
    s.ss.ar = 0x93;
    s.rflags |= RFLAGS_VM; /* virtual-8086 code runs at CPL 3 */
    CHECK_EQ_U64(exit_cpl(&s), 3);
}

int main(void)
{
    test_rip();
    test_shadow_and_step();
    test_inject();
    test_reinject();
    test_cpl();
    return check_report("vmm_exit_ctx");
}
