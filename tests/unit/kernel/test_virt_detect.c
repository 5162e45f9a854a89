/* The virtualization decision, fed with capability values. */
#include "check.h"
#include "virt_detect.h"
#include <vireo/x86/vmcs.h>
#include <stdio.h>
#include <string.h>
#include <vireo/x86/msr.h>

#define A1(bits) ((u64)(bits) << 32) /* allowed-1 half of a control MSR */

/* Bochs corei7_skylake_x-like VT-x: everything Vireo needs. */
static struct virt_probe good_vmx(void)
{
    struct virt_probe p = {0};
    p.vmx.cpuid_vmx = true;
    p.vmx.feature_control = FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
    p.vmx.basic = 0x2b | VMX_BASIC_TRUE_CTLS;
    p.vmx.pinbased = A1(VIREO_BIT(VMX_PIN, PREEMPTION_TIMER) | 0x16);
    p.vmx.procbased = A1(VIREO_BIT(VMX_PROC, SECONDARY_CTLS) | 0x1000);
    p.vmx.procbased2 = A1(VIREO_BIT(VMX_PROC2, EPT) | VIREO_BIT(VMX_PROC2, VPID) |
                          VIREO_BIT(VMX_PROC2, UNRESTRICTED_GUEST));
    p.vmx.ept_vpid_cap = VMX_EPT_CAP_WALK_4 | VMX_EPT_CAP_WB | VMX_EPT_CAP_2M | VMX_EPT_CAP_1G |
                         VMX_EPT_CAP_INVEPT | VMX_EPT_CAP_AD | VMX_EPT_CAP_INVVPID;
    return p;
}

/* QEMU TCG -cpu max-like AMD-V. */
static struct virt_probe good_svm(void)
{
    struct virt_probe p = {0};
    p.svm.cpuid_svm = true;
    p.svm.revision = 1;
    p.svm.asid_count = 16;
    p.svm.features = 1u << 0; /* NPT only */
    return p;
}

static char summary[256], details[256];
static struct virt_result r;

static void run(const struct virt_probe *p)
{
    virt_decide(p, &r);
    virt_format_summary(p, &r, summary, sizeof(summary));
    virt_format_details(p, &r, details, sizeof(details));
}

#define EXPECT_STR(actual, expected)                                                               \
    do {                                                                                           \
        if (strcmp(actual, expected) == 0) {                                                       \
            check_passed++;                                                                        \
        } else {                                                                                   \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: got '%s'\n    expected '%s'\n", __FILE__, __LINE__, actual,    \
                    expected);                                                                     \
        }                                                                                          \
    } while (0)

#define NONE_WITH(reason)                                                                          \
    "no usable virtualization: " reason                                                            \
    "; Vireo needs VT-x with EPT, VPID and unrestricted guest, or AMD-V with NPT"

int main(void)
{
    struct virt_probe p = good_vmx();
    run(&p);
    CHECK_EQ_U64(r.kind, VIREO_VIRT_VMX);
    CHECK(!r.write_feature_control);
    EXPECT_STR(summary, "VT-x with EPT, VPID, unrestricted guest");
    EXPECT_STR(details, "VT-x details: VMCS revision 0x2b, EPT 4-level walk yes, EPT write-back "
                        "yes, EPT 2M pages yes, EPT 1G pages yes, EPT A/D flags yes, INVEPT yes, "
                        "INVVPID yes, preemption timer yes");

    /* Absent optional features show as "no". */
    p.vmx.ept_vpid_cap &= ~(VMX_EPT_CAP_1G | VMX_EPT_CAP_AD);
    p.vmx.pinbased = A1(0x16);
    run(&p);
    CHECK_EQ_U64(r.kind, VIREO_VIRT_VMX);
    CHECK(strstr(details, "EPT 1G pages no, EPT A/D flags no") != NULL);
    CHECK(strstr(details, "preemption timer no") != NULL);

    /* Firmware: unlocked -> enable and lock; locked off -> disabled. */
    p = good_vmx();
    p.vmx.feature_control = 0;
    run(&p);
    CHECK_EQ_U64(r.kind, VIREO_VIRT_VMX);
    CHECK(r.write_feature_control);
    CHECK_EQ_U64(r.feature_control_value, FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX);
    p.vmx.feature_control = FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_IN_SMX;
    run(&p);
    CHECK_EQ_U64(r.kind, VIREO_VIRT_NONE);
    CHECK(!r.write_feature_control);
    EXPECT_STR(summary, NONE_WITH("VT-x disabled by firmware"));
    EXPECT_STR(details, "");

    /* Missing secondary controls hide EPT/VPID even if CTLS2 says yes. */
    p = good_vmx();
    p.vmx.procbased = A1(0x1000);
    run(&p);
    CHECK_EQ_U64(r.kind, VIREO_VIRT_NONE);
    CHECK(strstr(r.reason, "lacks secondary processor-based controls") != NULL);

    p = good_vmx();
    p.vmx.procbased2 &= ~A1(VIREO_BIT(VMX_PROC2, EPT));
    run(&p);
    EXPECT_STR(summary, NONE_WITH("VT-x lacks EPT"));
    p = good_vmx();
    p.vmx.procbased2 &= ~A1(VIREO_BIT(VMX_PROC2, VPID));
    run(&p);
    EXPECT_STR(r.reason, "VT-x lacks VPID");
    p = good_vmx();
    p.vmx.procbased2 &= ~A1(VIREO_BIT(VMX_PROC2, UNRESTRICTED_GUEST));
    run(&p);
    EXPECT_STR(r.reason, "VT-x lacks unrestricted guest");
    p = good_vmx();
    p.vmx.procbased2 = 0;
    run(&p);
    EXPECT_STR(r.reason, "VT-x lacks EPT, VPID, unrestricted guest");
    /* allowed-0 bits (low half) do not count as available */
    p.vmx.procbased2 = VIREO_BIT(VMX_PROC2, EPT) | VIREO_BIT(VMX_PROC2, VPID) |
                       VIREO_BIT(VMX_PROC2, UNRESTRICTED_GUEST);
    run(&p);
    CHECK_EQ_U64(r.kind, VIREO_VIRT_NONE);

    p = good_vmx();
    p.vmx.ept_vpid_cap &= ~VMX_EPT_CAP_WALK_4;
    run(&p);
    EXPECT_STR(r.reason, "VT-x EPT/VPID lacks 4-level walks");
    p = good_vmx();
    p.vmx.ept_vpid_cap &= ~(VMX_EPT_CAP_WB | VMX_EPT_CAP_INVVPID);
    run(&p);
    EXPECT_STR(r.reason, "VT-x EPT/VPID lacks write-back paging structures, INVVPID");

    /* AMD-V. */
    p = good_svm();
    run(&p);
    CHECK_EQ_U64(r.kind, VIREO_VIRT_SVM);
    EXPECT_STR(summary, "AMD-V with NPT");
    EXPECT_STR(details, "AMD-V details: revision 1, 16 ASIDs, next-RIP save no, flush-by-ASID no, "
                        "decode assists no");
    p.svm.features = 0xff;
    p.svm.asid_count = 32768;
    run(&p);
    EXPECT_STR(details, "AMD-V details: revision 1, 32768 ASIDs, next-RIP save yes, flush-by-ASID "
                        "yes, decode assists yes");
    p.svm.features = 0xfe;
    run(&p);
    CHECK_EQ_U64(r.kind, VIREO_VIRT_NONE);
    EXPECT_STR(summary, NONE_WITH("AMD-V lacks NPT"));
    p = good_svm();
    p.svm.vm_cr = VM_CR_SVMDIS;
    run(&p);
    EXPECT_STR(r.reason, "AMD-V disabled by firmware");

    /* Neither. */
    struct virt_probe none = {0};
    run(&none);
    CHECK_EQ_U64(r.kind, VIREO_VIRT_NONE);
    EXPECT_STR(summary, NONE_WITH("CPU has neither VT-x nor AMD-V"));

    /* Both flags: unusable VT-x falls back to usable AMD-V; both bad -> both reasons. */
    p = good_svm();
    p.vmx = good_vmx().vmx;
    p.vmx.procbased2 &= ~A1(VIREO_BIT(VMX_PROC2, EPT));
    run(&p);
    CHECK_EQ_U64(r.kind, VIREO_VIRT_SVM);
    p.svm.features = 0;
    run(&p);
    EXPECT_STR(r.reason, "VT-x lacks EPT; AMD-V lacks NPT");

    /* Probe helpers. */
    CHECK(vmx_has_secondary_controls(A1(VIREO_BIT(VMX_PROC, SECONDARY_CTLS))));
    CHECK(!vmx_has_secondary_controls(VIREO_BIT(VMX_PROC, SECONDARY_CTLS)));
    CHECK(vmx_has_ept_or_vpid(A1(VIREO_BIT(VMX_PROC2, VPID))));
    CHECK(!vmx_has_ept_or_vpid(A1(VIREO_BIT(VMX_PROC2, UNRESTRICTED_GUEST))));

    return check_report("kernel_virt_detect");
}
