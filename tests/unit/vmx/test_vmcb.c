/* Host tests of abi/vireo/x86/vmcb.h and svm_exit.h against the APM's
 * numbers (offsets are also pinned by static asserts in the header). */
#include <stddef.h>
#include <string.h>

#include <vireo/x86/svm_exit.h>
#include <vireo/x86/vmcb.h>

#include "check.h"
#include "layout_check.h"

static void test_layout(void)
{
    CHECK_EQ_U64(sizeof(struct vmcb), 4096);
    CHECK_EQ_U64(offsetof(struct vmcb, save.efer), 0x4d0);
    CHECK_EQ_U64(offsetof(struct vmcb, save.rip), 0x578);
    CHECK_EQ_U64(offsetof(struct vmcb, save.rax), 0x5f8);
    CHECK_EQ_U64(offsetof(struct vmcb, control.exitcode), 0x070);
    CHECK_EQ_U64(offsetof(struct vmcb, control.intercept[VMCB_ICPT_MISC1]), 0x00c);
    CHECK_EQ_U64(offsetof(struct vmcb, control.intercept[VMCB_ICPT_MISC3]), 0x014);
    /* the save area's segments are in ES, CS, SS, DS, FS, GS order */
    CHECK_EQ_U64(offsetof(struct vmcb_save, ss), 0x20);
    CHECK_EQ_U64(offsetof(struct vmcb_save, gs), 0x50);
}

static void test_intercepts(void)
{
    CHECK_EQ_U64(VIREO_BIT(SVM_ICPT1, INTR), 1);
    CHECK_EQ_U64(VIREO_BIT(SVM_ICPT1, CPUID), 1u << 18);
    CHECK_EQ_U64(VIREO_BIT(SVM_ICPT1, HLT), 1u << 24);
    CHECK_EQ_U64(VIREO_BIT(SVM_ICPT1, IOIO_PROT), 1u << 27);
    CHECK_EQ_U64(VIREO_BIT(SVM_ICPT1, MSR_PROT), 1u << 28);
    CHECK_EQ_U64(VIREO_BIT(SVM_ICPT1, SHUTDOWN), 1u << 31);
    CHECK_EQ_U64(VIREO_BIT(SVM_ICPT2, VMRUN), 1);
    CHECK_EQ_U64(VIREO_BIT(SVM_ICPT2, VMMCALL), 2);
    CHECK_EQ_U64(VIREO_BIT(SVM_ICPT2, XSETBV), 1u << 13);
    CHECK_EQ_U64(SVM_ICPT_CR_WRITE(8), 1u << 24);
    CHECK_EQ_U64(SVM_ICPT_DR_READ(7), 0x80);
    CHECK_FLAGS(SVM_ICPT1_FLAGS);
    CHECK_FLAGS(SVM_ICPT2_FLAGS);
    CHECK_FLAGS(SVM_ICPT3_FLAGS);
    /* each intercept sits at the exit code the APM pairs it with */
    CHECK_EQ_U64(SVM_EXIT_INTR + SVM_ICPT1_CPUID_BIT, SVM_EXIT_CPUID);
    CHECK_EQ_U64(SVM_EXIT_INTR + SVM_ICPT1_SHUTDOWN_BIT, SVM_EXIT_SHUTDOWN);
    CHECK_EQ_U64(SVM_EXIT_VMRUN + SVM_ICPT2_XSETBV_BIT, SVM_EXIT_XSETBV);
    CHECK_EQ_U64(SVM_EXIT_INVLPGB + SVM_ICPT3_BUS_LOCK_BIT, SVM_EXIT_BUS_LOCK);
}

static void test_formats(void)
{
    CHECK_LAYOUT(SVM_INT_CTL_LAYOUT);
    CHECK_FLAGS(SVM_INT_STATE_FLAGS);
    CHECK_FLAGS(SVM_NESTED_CTL_FLAGS);
    CHECK_FLAGS(SVM_VIRT_EXT_FLAGS);
    CHECK_FLAGS(SVM_CLEAN_FLAGS);
    CHECK_LAYOUT(SVM_EVENT_LAYOUT);
    CHECK_LAYOUT(SVM_ATTR_LAYOUT);
    CHECK_LAYOUT(SVM_IOIO_LAYOUT);
    CHECK_FLAGS(SVM_NPF_FLAGS);
    CHECK_LAYOUT(SVM_QUAL_CR_LAYOUT);
    CHECK_LAYOUT(SVM_TASK_LAYOUT);
    /* #PF with error code 2 injected */
    u64 pf = VIREO_PUT(SVM_EVENT, VECTOR, 14) | VIREO_PUT(SVM_EVENT, TYPE, SVM_EVENT_EXCEPTION) |
             VIREO_PUT(SVM_EVENT, EV, 1) | VIREO_PUT(SVM_EVENT, VALID, 1) |
             VIREO_PUT(SVM_EVENT, ERROR, 2);
    CHECK_EQ_U64(pf, 0x0000000280000b0eull);
    /* outb %al, $0x80: port 0x80, 8-bit, 16-bit address size */
    u64 out =
        VIREO_PUT(SVM_IOIO, SZ8, 1) | VIREO_PUT(SVM_IOIO, A16, 1) | VIREO_PUT(SVM_IOIO, PORT, 0x80);
    CHECK_EQ_U64(out, 0x00800090);
    CHECK_EQ_U64(VIREO_BIT(SVM_NPF, FINAL), 1ull << 32);
    CHECK_EQ_U64(VIREO_MASK(SVM_INT_CTL, V_INTR_VECTOR), 0xff00000000ull);
    CHECK_EQ_U64(VIREO_BIT(SVM_NESTED_CTL, NP_ENABLE), 1);
    /* flat 64-bit code: attr 0xa9b */
    u64 cs = VIREO_PUT(SVM_ATTR, TYPE, 0xb) | VIREO_PUT(SVM_ATTR, S, 1) |
             VIREO_PUT(SVM_ATTR, P, 1) | VIREO_PUT(SVM_ATTR, L, 1) | VIREO_PUT(SVM_ATTR, G, 1);
    CHECK_EQ_U64(cs, 0xa9b);
}

static void test_exit_codes(void)
{
    CHECK_EQ_U64(SVM_EXIT_INTR, 0x60);
    CHECK_EQ_U64(SVM_EXIT_VINTR, 0x64);
    CHECK_EQ_U64(SVM_EXIT_CPUID, 0x72);
    CHECK_EQ_U64(SVM_EXIT_HLT, 0x78);
    CHECK_EQ_U64(SVM_EXIT_IOIO, 0x7b);
    CHECK_EQ_U64(SVM_EXIT_MSR, 0x7c);
    CHECK_EQ_U64(SVM_EXIT_SHUTDOWN, 0x7f);
    CHECK_EQ_U64(SVM_EXIT_VMMCALL, 0x81);
    CHECK_EQ_U64(SVM_EXIT_XSETBV, 0x8d);
    CHECK_EQ_U64(SVM_EXIT_NPF, 0x400);
    CHECK_EQ_U64(SVM_EXIT_INVALID, 0xffffffffffffffffull);
    CHECK_EQ_U64(SVM_EXIT_EXCP_BASE + 14, 0x4e);
    CHECK_EQ_U64(SVM_EXIT_TABLE_COUNT, 59);
    /* codes 0x60..0x8f are contiguous in the table */
    for (u64 c = 0x60; c <= 0x8f; c++)
        CHECK(svm_exit_code_name(c) != 0);
    CHECK(svm_exit_code_name(0x00) == 0); /* ranges are not in the table */
    CHECK(svm_exit_code_name(0x4e) == 0);
    CHECK(strcmp(svm_exit_code_name(0x7b), "IOIO") == 0);
}

int main(void)
{
    test_layout();
    test_intercepts();
    test_formats();
    test_exit_codes();
    return check_report("vmx_vmcb");
}
