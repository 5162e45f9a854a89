/* Host tests of the VM-exit ABI (abi/vireo/vmexit.h) and the raw-reason
 * mapping and normalization (abi/vireo/vmexit_map.h). */
#include <string.h>

#include <vireo/vmexit_map.h>

#include "check.h"
#include "layout_check.h"

static void test_message(void)
{
    CHECK_EQ_U64(VIREO_VCPU_STATE_WORDS, 89);
    CHECK(VIREO_VCPU_STATE_WORDS <= VIREO_MSG_WORDS);
    CHECK_FLAGS(VIREO_MTD_FLAGS);
    CHECK_FLAGS(VIREO_CTRL_FLAGS);
    CHECK_EQ_U64(VIREO_MTD_ALL, 0xffffffffull);
    CHECK_EQ_U64(VIREO_MTD_WRITABLE & VIREO_MTD_EXIT_ONLY, 0);
    CHECK_EQ_U64(VIREO_MTD_WRITABLE | VIREO_MTD_EXIT_ONLY, VIREO_MTD_ALL);
    /* the message is usable in place in a UTCB */
    static struct vireo_utcb u;
    struct vireo_vcpu_state *s = (struct vireo_vcpu_state *)u.msg;
    s->mtd = VIREO_MTD(RIP_LEN);
    s->rip = 0x1000;
    CHECK_EQ_U64(u.msg[0], VIREO_MTD(RIP_LEN));
    CHECK_EQ_U64(u.msg[0x100 / 8], 0x1000);
}

static void test_classes(void)
{
    CHECK_EQ_U64(VIREO_EXIT_CLASS_COUNT, 43);
    for (u32 c = 0; c < VIREO_EXIT_CLASS_COUNT; c++) {
        const char *n = vireo_exit_class_name(c);
        CHECK(n != 0);
        for (u32 d = 0; d < c; d++)
            CHECK(strcmp(n, vireo_exit_class_name(d)) != 0);
        u64 m = vireo_exit_default_mtd(c);
        CHECK((m & ~VIREO_MTD_ALL) == 0);
        /* every delivered class carries enough to resume correctly */
        if (c != VIREO_EXIT_HOST) {
            CHECK(m & VIREO_MTD(RIP_LEN));
            CHECK(m & VIREO_MTD(INTR_STATE));
            CHECK(m & VIREO_MTD(INJECT));
        }
    }
    CHECK(vireo_exit_class_name(VIREO_EXIT_CLASS_COUNT) == 0);
    CHECK_EQ_U64(vireo_exit_default_mtd(VIREO_EXIT_HOST), 0);
    CHECK(vireo_exit_default_mtd(VIREO_EXIT_IO) & VIREO_MTD(DS_ES)); /* string I/O */
    CHECK(vireo_exit_default_mtd(VIREO_EXIT_CPUID) & VIREO_MTD(GPR_ACDB));
    CHECK(vireo_exit_default_mtd(VIREO_EXIT_CPUID) & VIREO_MTD(PENDING_DBG)); /* TF trap */
    CHECK(vireo_exit_default_mtd(VIREO_EXIT_MEM_FAULT) & VIREO_MTD(ADDR));
    CHECK_EQ_U64(vireo_exit_default_mtd(VIREO_EXIT_ENTRY_FAILURE), VIREO_MTD_ALL);

    CHECK_EQ_U64(VIREO_CHECK_NONE, 0);
    for (u32 k = 0; k < VIREO_CHECK_COUNT; k++) {
        CHECK(vireo_entry_check_name(k) != 0);
        CHECK(vireo_entry_check_text(k) != 0 && strlen(vireo_entry_check_text(k)) > 5);
    }
    CHECK(vireo_entry_check_name(VIREO_CHECK_COUNT) == 0);
    CHECK(strcmp(vireo_entry_check_name(VIREO_CHECK_CR0_INVALID), "CR0_INVALID") == 0);
}

static void test_vmx_map(void)
{
    u32 gp = (u32)(VIREO_PUT(VMX_INTR_INFO, VECTOR, 13) |
                   VIREO_PUT(VMX_INTR_INFO, TYPE, VMX_EVENT_HW_EXCEPTION) |
                   VIREO_PUT(VMX_INTR_INFO, VALID, 1));
    u32 nmi =
        (u32)(VIREO_PUT(VMX_INTR_INFO, VECTOR, 2) | VIREO_PUT(VMX_INTR_INFO, TYPE, VMX_EVENT_NMI) |
              VIREO_PUT(VMX_INTR_INFO, VALID, 1));
    CHECK_EQ_U64(vireo_vmx_exit_class(VMX_EXIT_EXCEPTION_NMI, gp), VIREO_EXIT_EXCEPTION);
    CHECK_EQ_U64(vireo_vmx_exit_class(VMX_EXIT_EXCEPTION_NMI, nmi), VIREO_EXIT_HOST);
    CHECK_EQ_U64(vireo_vmx_exit_class(VMX_EXIT_CPUID, 0), VIREO_EXIT_CPUID);
    CHECK_EQ_U64(vireo_vmx_exit_class(VMX_EXIT_RDMSR, 0), VIREO_EXIT_MSR_READ);
    CHECK_EQ_U64(vireo_vmx_exit_class(VMX_EXIT_WRMSR, 0), VIREO_EXIT_MSR_WRITE);
    CHECK_EQ_U64(vireo_vmx_exit_class(VMX_EXIT_EPT_VIOLATION, 0), VIREO_EXIT_MEM_FAULT);
    CHECK_EQ_U64(vireo_vmx_exit_class(VMX_EXIT_EXTINT, 0), VIREO_EXIT_HOST);
    CHECK_EQ_U64(vireo_vmx_exit_class(VMX_EXIT_VMCALL, 0), VIREO_EXIT_VMCALL);
    CHECK_EQ_U64(vireo_vmx_exit_class(VMX_EXIT_TRIPLE_FAULT, 0), VIREO_EXIT_TRIPLE_FAULT);
    CHECK_EQ_U64(vireo_vmx_exit_class(0x80000021u, 0), VIREO_EXIT_ENTRY_FAILURE);
    CHECK_EQ_U64(vireo_vmx_exit_class(0x80000022u, 0), VIREO_EXIT_ENTRY_FAILURE);
    /* pending-MTF and enclave flags do not change the class */
    CHECK_EQ_U64(vireo_vmx_exit_class(VMX_EXIT_HLT | (1u << 28), 0), VIREO_EXIT_HLT);
    CHECK_EQ_U64(vireo_vmx_exit_class(35, 0), VIREO_EXIT_OTHER);
    CHECK_EQ_U64(vireo_vmx_exit_class(0xffff, 0), VIREO_EXIT_OTHER);
    for (u32 r = 0; r < 0x100; r++)
        CHECK(vireo_vmx_basic_class(r) < VIREO_EXIT_CLASS_COUNT);
}

static void test_svm_map(void)
{
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_CPUID, 0), VIREO_EXIT_CPUID);
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_MSR, 0), VIREO_EXIT_MSR_READ);
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_MSR, 1), VIREO_EXIT_MSR_WRITE);
    CHECK_EQ_U64(vireo_svm_exit_class(0x03, 0), VIREO_EXIT_CR_ACCESS);
    CHECK_EQ_U64(vireo_svm_exit_class(0x18, 0), VIREO_EXIT_CR_ACCESS);
    CHECK_EQ_U64(vireo_svm_exit_class(0x27, 0), VIREO_EXIT_DR_ACCESS);
    CHECK_EQ_U64(vireo_svm_exit_class(0x37, 0), VIREO_EXIT_DR_ACCESS);
    CHECK_EQ_U64(vireo_svm_exit_class(0x40, 0), VIREO_EXIT_EXCEPTION);
    CHECK_EQ_U64(vireo_svm_exit_class(0x5f, 0), VIREO_EXIT_EXCEPTION);
    CHECK_EQ_U64(vireo_svm_exit_class(0x94, 0), VIREO_EXIT_CR_ACCESS);
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_INTR, 0), VIREO_EXIT_HOST);
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_NMI, 0), VIREO_EXIT_HOST);
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_VINTR, 0), VIREO_EXIT_INTR_WINDOW);
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_IOIO, 0), VIREO_EXIT_IO);
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_SHUTDOWN, 0), VIREO_EXIT_TRIPLE_FAULT);
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_VMMCALL, 0), VIREO_EXIT_VMCALL);
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_VMRUN, 0), VIREO_EXIT_VIRT_INSN);
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_NPF, 0), VIREO_EXIT_MEM_FAULT);
    CHECK_EQ_U64(vireo_svm_exit_class(SVM_EXIT_INVALID, 0), VIREO_EXIT_ENTRY_FAILURE);
    CHECK_EQ_U64(vireo_svm_exit_class(0x1234, 0), VIREO_EXIT_OTHER);
    CHECK_EQ_U64(vireo_svm_exit_class(0x60000000ull, 0), VIREO_EXIT_OTHER);
}

/* Every class the hardware can cause is reachable from both back ends,
 * except the ones only one of them has. */
static void test_coverage(void)
{
    bool vmx[VIREO_EXIT_CLASS_COUNT] = {0}, svm[VIREO_EXIT_CLASS_COUNT] = {0};
    for (u32 r = 0; r < VMX_EXIT_LIMIT; r++)
        vmx[vireo_vmx_basic_class(r)] = true;
    for (u64 c = 0; c < 0x500; c++) {
        svm[vireo_svm_exit_class(c, 0)] = true;
        svm[vireo_svm_exit_class(c, 1)] = true;
    }
    svm[vireo_svm_exit_class(SVM_EXIT_INVALID, 0)] = true;
    for (u32 c = 0; c < VIREO_EXIT_CLASS_COUNT; c++) {
        bool kernel_made = c == VIREO_EXIT_STARTUP || c == VIREO_EXIT_RECALL;
        /* NMI_WINDOW on SVM is synthesized by the back end (IRET + step) */
        bool vmx_only = c == VIREO_EXIT_SIPI || c == VIREO_EXIT_MTF || c == VIREO_EXIT_NMI_WINDOW ||
                        c == VIREO_EXIT_TPR_BELOW_THRESHOLD || c == VIREO_EXIT_PREEMPT ||
                        c == VIREO_EXIT_RDRAND || c == VIREO_EXIT_RDSEED || c == VIREO_EXIT_XSAVES;
        bool svm_only = c == VIREO_EXIT_IRET;
        if (kernel_made) {
            CHECK(!vmx[c] && !svm[c]);
            continue;
        }
        if (!vmx[c] && !svm_only)
            fprintf(stderr, "class %s not reached from VMX\n", vireo_exit_class_name(c));
        CHECK(vmx[c] || svm_only);
        if (!svm[c] && !vmx_only)
            fprintf(stderr, "class %s not reached from SVM\n", vireo_exit_class_name(c));
        CHECK(svm[c] || vmx_only);
    }
}

static void test_segments(void)
{
    CHECK_EQ_U64(vireo_seg_ar_from_vmx(0xa09b), 0xa9b);
    CHECK_EQ_U64(vireo_seg_ar_to_vmx(0xa9b), 0xa09b);
    CHECK_EQ_U64(vireo_seg_ar_from_vmx(0x10000), VIREO_SEG_AR_UNUSABLE);
    /* round trip over every defined VMX access-rights value */
    u32 defined = (u32)VIREO_LAYOUT_ALL(VMX_AR, VMX_AR_LAYOUT);
    unsigned n = 0;
    for (u32 ar = 0; ar < 0x20000; ar++) {
        if (ar & ~defined)
            continue;
        n++;
        if (vireo_seg_ar_to_vmx(vireo_seg_ar_from_vmx(ar)) != ar) {
            CHECK_EQ_U64(vireo_seg_ar_to_vmx(vireo_seg_ar_from_vmx(ar)), ar);
            break;
        }
    }
    CHECK_EQ_U64(n, 1u << 13);
    /* the SVM attribute bits are the Vireo ones */
    CHECK_EQ_U64(VIREO_LAYOUT_ALL(SVM_ATTR, SVM_ATTR_LAYOUT), 0xfff);
}

static void test_io(void)
{
    CHECK_LAYOUT(VIREO_IOQ_LAYOUT);
    /* out %al, %dx with dx = 0x3f8 */
    u64 v = vireo_ioq_from_vmx(0x03f80000ull, 0);
    u64 s =
        vireo_ioq_from_svm(VIREO_PUT(SVM_IOIO, PORT, 0x3f8) | VIREO_PUT(SVM_IOIO, SZ8, 1), false);
    CHECK_EQ_U64(v, s);
    CHECK_EQ_U64(VIREO_GET(VIREO_IOQ, PORT, v), 0x3f8);
    CHECK_EQ_U64(VIREO_GET(VIREO_IOQ, SIZE, v), 1);
    CHECK_EQ_U64(VIREO_GET(VIREO_IOQ, IN, v), 0);
    /* in $0x71, %eax */
    v = vireo_ioq_from_vmx(VIREO_PUT(VMX_QUAL_IO, SIZE, 3) | VIREO_PUT(VMX_QUAL_IO, IN, 1) |
                               VIREO_PUT(VMX_QUAL_IO, IMM, 1) | VIREO_PUT(VMX_QUAL_IO, PORT, 0x71),
                           0);
    s = vireo_ioq_from_svm(VIREO_PUT(SVM_IOIO, IN, 1) | VIREO_PUT(SVM_IOIO, SZ32, 1) |
                               VIREO_PUT(SVM_IOIO, PORT, 0x71),
                           true);
    CHECK_EQ_U64(v, s);
    CHECK_EQ_U64(VIREO_GET(VIREO_IOQ, SIZE, v), 4);
    /* rep outsw with 64-bit addresses from FS */
    v = vireo_ioq_from_vmx(
        VIREO_PUT(VMX_QUAL_IO, SIZE, 1) | VIREO_PUT(VMX_QUAL_IO, STRING, 1) |
            VIREO_PUT(VMX_QUAL_IO, REP, 1) | VIREO_PUT(VMX_QUAL_IO, PORT, 0x1f0),
        (u32)(VIREO_PUT(VMX_INSN_IO, ADDR_SIZE, 2) | VIREO_PUT(VMX_INSN_IO, SEG, VIREO_SEG_FS)));
    s = vireo_ioq_from_svm(VIREO_PUT(SVM_IOIO, STR, 1) | VIREO_PUT(SVM_IOIO, REP, 1) |
                               VIREO_PUT(SVM_IOIO, SZ16, 1) | VIREO_PUT(SVM_IOIO, A64, 1) |
                               VIREO_PUT(SVM_IOIO, SEG, VIREO_SEG_FS) |
                               VIREO_PUT(SVM_IOIO, PORT, 0x1f0),
                           true);
    CHECK_EQ_U64(v, s);
    CHECK_EQ_U64(VIREO_GET(VIREO_IOQ, SEG, v), VIREO_SEG_FS);
    CHECK_EQ_U64(VIREO_GET(VIREO_IOQ, SEG_VALID, v), 1);
    CHECK_EQ_U64(VIREO_GET(VIREO_IOQ, ADDR_SIZE, v), 2);
    /* without decode assists an OUTS segment is unknown */
    s = vireo_ioq_from_svm(VIREO_PUT(SVM_IOIO, STR, 1) | VIREO_PUT(SVM_IOIO, SZ8, 1) |
                               VIREO_PUT(SVM_IOIO, A32, 1),
                           false);
    CHECK_EQ_U64(VIREO_GET(VIREO_IOQ, SEG_VALID, s), 0);
    /* INS always uses ES */
    v = vireo_ioq_from_vmx(VIREO_PUT(VMX_QUAL_IO, STRING, 1) | VIREO_PUT(VMX_QUAL_IO, IN, 1),
                           (u32)VIREO_PUT(VMX_INSN_IO, SEG, VIREO_SEG_DS));
    CHECK_EQ_U64(VIREO_GET(VIREO_IOQ, SEG, v), VIREO_SEG_ES);
}

static void test_cr_mem(void)
{
    CHECK_LAYOUT(VIREO_CRQ_LAYOUT);
    CHECK_LAYOUT(VIREO_DRQ_LAYOUT);
    CHECK_LAYOUT(VIREO_DTQ_LAYOUT);
    CHECK_LAYOUT(VIREO_TSQ_LAYOUT);
    CHECK_FLAGS(VIREO_MEMF_FLAGS);
    /* mov %rbx, %cr3 */
    u64 v = vireo_crq_from_vmx(0x303);
    u64 s = vireo_crq_from_svm(SVM_EXIT_CR_WRITE_BASE + 3, VIREO_PUT(SVM_QUAL_CR, VALID, 1) | 3);
    CHECK_EQ_U64(v, s);
    CHECK_EQ_U64(VIREO_GET(VIREO_CRQ, DECODED, v), 1);
    /* mov %cr0, %rax */
    v = vireo_crq_from_vmx(VIREO_PUT(VMX_QUAL_CR, ACCESS, VMX_CR_MOV_FROM));
    s = vireo_crq_from_svm(SVM_EXIT_CR_READ_BASE, VIREO_PUT(SVM_QUAL_CR, VALID, 1));
    CHECK_EQ_U64(v, s);
    /* selective CR0 write: not decoded */
    s = vireo_crq_from_svm(SVM_EXIT_CR0_SEL_WRITE, 0);
    CHECK_EQ_U64(VIREO_GET(VIREO_CRQ, DECODED, s), 0);
    CHECK_EQ_U64(VIREO_GET(VIREO_CRQ, CR, s), 0);
    /* no decode assists: CR4 write, GPR unknown */
    s = vireo_crq_from_svm(SVM_EXIT_CR_WRITE_BASE + 4, 0);
    CHECK_EQ_U64(VIREO_GET(VIREO_CRQ, CR, s), 4);
    CHECK_EQ_U64(VIREO_GET(VIREO_CRQ, DECODED, s), 0);

    /* a guest write to an unmapped page (MMIO) */
    u64 mv = vireo_memf_from_vmx_ept(VIREO_BIT(VMX_QUAL_EPT, WRITE) |
                                     VIREO_BIT(VMX_QUAL_EPT, GLA_VALID) |
                                     VIREO_BIT(VMX_QUAL_EPT, TRANSLATED));
    u64 ms = vireo_memf_from_svm_npf(VIREO_BIT(SVM_NPF, RW) | VIREO_BIT(SVM_NPF, FINAL));
    CHECK_EQ_U64(mv & ~VIREO_BIT(VIREO_MEMF, PERM_KNOWN), ms);
    CHECK_EQ_U64(ms, VIREO_BIT(VIREO_MEMF, WRITE) | VIREO_BIT(VIREO_MEMF, GLA_VALID) |
                         VIREO_BIT(VIREO_MEMF, FINAL));
    /* a fetch from a read-only page during a guest page walk */
    mv = vireo_memf_from_vmx_ept(VIREO_BIT(VMX_QUAL_EPT, EXEC) | VIREO_BIT(VMX_QUAL_EPT, READABLE) |
                                 VIREO_BIT(VMX_QUAL_EPT, GLA_VALID));
    CHECK(mv & VIREO_BIT(VIREO_MEMF, PRESENT));
    CHECK(mv & VIREO_BIT(VIREO_MEMF, PERM_R));
    CHECK(!(mv & VIREO_BIT(VIREO_MEMF, PERM_X)));
    CHECK(!(mv & VIREO_BIT(VIREO_MEMF, FINAL)));
    ms = vireo_memf_from_svm_npf(VIREO_BIT(SVM_NPF, ID) | VIREO_BIT(SVM_NPF, P) |
                                 VIREO_BIT(SVM_NPF, PT_WALK));
    CHECK_EQ_U64(ms, VIREO_BIT(VIREO_MEMF, EXEC) | VIREO_BIT(VIREO_MEMF, PRESENT) |
                         VIREO_BIT(VIREO_MEMF, GLA_VALID));
}

static void test_events(void)
{
    static const u32 types[] = {SVM_EVENT_INTR, SVM_EVENT_NMI, SVM_EVENT_EXCEPTION,
                                SVM_EVENT_SOFT_INT};
    for (unsigned t = 0; t < 4; t++)
        for (u32 ev = 0; ev < 2; ev++) {
            u64 in = VIREO_PUT(SVM_EVENT, VECTOR, 0x20 + t) | VIREO_PUT(SVM_EVENT, TYPE, types[t]) |
                     VIREO_PUT(SVM_EVENT, EV, ev) | VIREO_PUT(SVM_EVENT, VALID, 1) |
                     VIREO_PUT(SVM_EVENT, ERROR, ev ? 0x1234 : 0);
            u32 err = 0;
            u32 info = vireo_event_from_svm(in, &err);
            CHECK_EQ_U64(vireo_event_to_svm(info, err), in);
        }
    u32 err;
    u32 info = vireo_event_from_svm(VIREO_PUT(SVM_EVENT, VECTOR, 2) |
                                        VIREO_PUT(SVM_EVENT, TYPE, SVM_EVENT_NMI) |
                                        VIREO_PUT(SVM_EVENT, VALID, 1),
                                    &err);
    CHECK_EQ_U64(info, 0x80000202);
    CHECK_EQ_U64(vireo_event_to_svm(VIREO_PUT(VMX_INTR_INFO, TYPE, VMX_EVENT_OTHER) |
                                        VIREO_PUT(VMX_INTR_INFO, VALID, 1),
                                    0),
                 0);
    /* INT3 (software exception) becomes an SVM exception */
    u64 bp = vireo_event_to_svm((u32)(VIREO_PUT(VMX_INTR_INFO, VECTOR, 3) |
                                      VIREO_PUT(VMX_INTR_INFO, TYPE, VMX_EVENT_SW_EXCEPTION) |
                                      VIREO_PUT(VMX_INTR_INFO, VALID, 1)),
                                0);
    CHECK_EQ_U64(VIREO_GET(SVM_EVENT, TYPE, bp), SVM_EVENT_EXCEPTION);
    /* no event: nothing valid either way */
    CHECK_EQ_U64(vireo_event_from_svm(0, &err), 0);
}

int main(void)
{
    test_message();
    test_classes();
    test_vmx_map();
    test_svm_map();
    test_coverage();
    test_segments();
    test_io();
    test_cr_mem();
    test_events();
    return check_report("vmx_vmexit");
}
