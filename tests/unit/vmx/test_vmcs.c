/* Host tests of abi/vireo/x86/vmcs.h and vmx_exit.h: encodings against
 * the SDM's numbers, derived widths and types, control bits, tables. */
#include <string.h>

#include <vireo/x86/msr.h>
#include <vireo/x86/vmcs.h>
#include <vireo/x86/vmx_exit.h>

#include "check.h"
#include "layout_check.h"

static const u32 all_fields[] = {
#define ROW_(name, enc) enc,
    VMCS_FIELD_TABLE(ROW_)
#undef ROW_
};

static void test_encodings(void)
{
    CHECK_EQ_U64(sizeof(all_fields) / sizeof(all_fields[0]), VMCS_FIELD_COUNT);
    CHECK_EQ_U64(VMCS_FIELD_COUNT, 182);
    for (size_t i = 0; i < VMCS_FIELD_COUNT; i++) {
        u32 e = all_fields[i];
        CHECK(VIREO_GET(VMCS_ENC, HIGH, e) == 0); /* full encodings only */
        CHECK((e & ~0x6fffu) == 0);               /* bit 12 and above 14 are 0 */
        CHECK(vmcs_field_name(e) != 0);
        for (size_t j = 0; j < i; j++)
            CHECK(all_fields[j] != e);
        /* rows are grouped: encodings ascend within a (width, type) group */
        if (i > 0 && (all_fields[i - 1] & 0x6c00u) == (e & 0x6c00u))
            CHECK(all_fields[i - 1] < e);
    }
    CHECK(vmcs_field_name(0x0001) == 0);
    CHECK(strcmp(vmcs_field_name(VMCS_GUEST_RIP), "GUEST_RIP") == 0);
}

static void test_known_values(void)
{
    /* numbers from the SDM, independent of the table */
    CHECK_EQ_U64(VMCS_VPID, 0x0000);
    CHECK_EQ_U64(VMCS_GUEST_CS_SEL, 0x0802);
    CHECK_EQ_U64(VMCS_HOST_TR_SEL, 0x0c0c);
    CHECK_EQ_U64(VMCS_MSR_BITMAP, 0x2004);
    CHECK_EQ_U64(VMCS_TSC_OFFSET, 0x2010);
    CHECK_EQ_U64(VMCS_EPTP, 0x201a);
    CHECK_EQ_U64(VMCS_GUEST_PHYS_ADDR, 0x2400);
    CHECK_EQ_U64(VMCS_VMCS_LINK_PTR, 0x2800);
    CHECK_EQ_U64(VMCS_GUEST_EFER, 0x2806);
    CHECK_EQ_U64(VMCS_GUEST_PDPTE3, 0x2810);
    CHECK_EQ_U64(VMCS_HOST_EFER, 0x2c02);
    CHECK_EQ_U64(VMCS_PIN_CTLS, 0x4000);
    CHECK_EQ_U64(VMCS_PROC_CTLS, 0x4002);
    CHECK_EQ_U64(VMCS_EXCEPTION_BITMAP, 0x4004);
    CHECK_EQ_U64(VMCS_EXIT_CTLS, 0x400c);
    CHECK_EQ_U64(VMCS_ENTRY_CTLS, 0x4012);
    CHECK_EQ_U64(VMCS_ENTRY_INTR_INFO, 0x4016);
    CHECK_EQ_U64(VMCS_PROC_CTLS2, 0x401e);
    CHECK_EQ_U64(VMCS_VM_INSN_ERROR, 0x4400);
    CHECK_EQ_U64(VMCS_EXIT_REASON, 0x4402);
    CHECK_EQ_U64(VMCS_IDT_VECTORING_INFO, 0x4408);
    CHECK_EQ_U64(VMCS_EXIT_INSN_LEN, 0x440c);
    CHECK_EQ_U64(VMCS_GUEST_TR_AR, 0x4822);
    CHECK_EQ_U64(VMCS_GUEST_INTERRUPTIBILITY, 0x4824);
    CHECK_EQ_U64(VMCS_PREEMPTION_TIMER, 0x482e);
    CHECK_EQ_U64(VMCS_HOST_SYSENTER_CS, 0x4c00);
    CHECK_EQ_U64(VMCS_CR0_MASK, 0x6000);
    CHECK_EQ_U64(VMCS_CR4_SHADOW, 0x6006);
    CHECK_EQ_U64(VMCS_EXIT_QUALIFICATION, 0x6400);
    CHECK_EQ_U64(VMCS_GUEST_LINEAR_ADDR, 0x640a);
    CHECK_EQ_U64(VMCS_GUEST_CR0, 0x6800);
    CHECK_EQ_U64(VMCS_GUEST_IDTR_BASE, 0x6818);
    CHECK_EQ_U64(VMCS_GUEST_RSP, 0x681c);
    CHECK_EQ_U64(VMCS_GUEST_RIP, 0x681e);
    CHECK_EQ_U64(VMCS_GUEST_RFLAGS, 0x6820);
    CHECK_EQ_U64(VMCS_GUEST_PENDING_DBG, 0x6822);
    CHECK_EQ_U64(VMCS_HOST_RSP, 0x6c14);
    CHECK_EQ_U64(VMCS_HOST_RIP, 0x6c16);
    CHECK_EQ_U64(VMCS_HIGH(VMCS_TSC_OFFSET), 0x2011);
}

static void test_widths(void)
{
    CHECK(vmcs_field_width(VMCS_VPID) == VMCS_WIDTH_16);
    CHECK(vmcs_field_width(VMCS_EPTP) == VMCS_WIDTH_64);
    CHECK(vmcs_field_width(VMCS_EXIT_REASON) == VMCS_WIDTH_32);
    CHECK(vmcs_field_width(VMCS_GUEST_RIP) == VMCS_WIDTH_NATURAL);
    CHECK_EQ_U64(vmcs_field_bytes(VMCS_GUEST_ES_SEL), 2);
    CHECK_EQ_U64(vmcs_field_bytes(VMCS_GUEST_EFER), 8);
    CHECK_EQ_U64(vmcs_field_bytes(VMCS_GUEST_CS_AR), 4);
    CHECK_EQ_U64(vmcs_field_bytes(VMCS_HOST_CR3), 8);
    CHECK(vmcs_field_type(VMCS_GUEST_CR0) == VMCS_TYPE_GUEST);
    CHECK(vmcs_field_type(VMCS_HOST_CR0) == VMCS_TYPE_HOST);
    CHECK(vmcs_field_type(VMCS_PIN_CTLS) == VMCS_TYPE_CONTROL);
    CHECK(vmcs_field_read_only(VMCS_EXIT_QUALIFICATION));
    CHECK(vmcs_field_read_only(VMCS_GUEST_PHYS_ADDR));
    CHECK(!vmcs_field_read_only(VMCS_GUEST_RIP));
    /* every name says what its encoding says */
    unsigned ro = 0, host = 0, guest = 0, ctl = 0;
    for (size_t i = 0; i < VMCS_FIELD_COUNT; i++) {
        const char *n = vmcs_field_name(all_fields[i]);
        switch (vmcs_field_type(all_fields[i])) {
        case VMCS_TYPE_HOST:
            CHECK(strncmp(n, "HOST_", 5) == 0);
            host++;
            break;
        case VMCS_TYPE_GUEST:
            CHECK(strncmp(n, "GUEST_", 6) == 0 || strcmp(n, "VMCS_LINK_PTR") == 0 ||
                  strcmp(n, "PREEMPTION_TIMER") == 0);
            guest++;
            break;
        case VMCS_TYPE_EXIT_INFO:
            ro++;
            break;
        default:
            CHECK(strncmp(n, "HOST_", 5) != 0 && strncmp(n, "GUEST_", 6) != 0);
            ctl++;
        }
    }
    CHECK_EQ_U64(ro, 16);
    CHECK_EQ_U64(host, 27);
    CHECK_EQ_U64(ro + host + guest + ctl, VMCS_FIELD_COUNT);
}

static void test_controls(void)
{
    /* manual values, independent of the table */
    CHECK_EQ_U64(VIREO_BIT(VMX_PIN, PREEMPTION_TIMER), 0x40);
    CHECK_EQ_U64(VIREO_BIT(VMX_PROC, SECONDARY_CTLS), 0x80000000);
    CHECK_EQ_U64(VIREO_BIT(VMX_PROC2, EPT), 0x2);
    CHECK_EQ_U64(VIREO_BIT(VMX_PROC2, VPID), 0x20);
    CHECK_EQ_U64(VIREO_BIT(VMX_PROC2, UNRESTRICTED_GUEST), 0x80);
    CHECK_EQ_U64(VIREO_BIT(VMX_PIN, NMI_EXITING), 0x8);
    CHECK_EQ_U64(VIREO_BIT(VMX_PROC, HLT_EXITING), 0x80);
    CHECK_EQ_U64(VIREO_BIT(VMX_PROC, IO_BITMAPS), 0x02000000);
    CHECK_EQ_U64(VIREO_BIT(VMX_PROC, MSR_BITMAPS), 0x10000000);
    CHECK_EQ_U64(VIREO_BIT(VMX_PROC, MONITOR_TRAP_FLAG), 0x08000000);
    CHECK_EQ_U64(VIREO_BIT(VMX_EXIT_CTL, HOST_ADDR_SPACE_SIZE), 0x200);
    CHECK_EQ_U64(VIREO_BIT(VMX_EXIT_CTL, ACK_INTR_ON_EXIT), 0x8000);
    CHECK_EQ_U64(VIREO_BIT(VMX_ENTRY_CTL, IA32E_GUEST), 0x200);
    CHECK_EQ_U64(VIREO_BIT(VMX_ENTRY_CTL, LOAD_EFER), 0x8000);
    CHECK_FLAGS(VMX_PIN_FLAGS);
    CHECK_FLAGS(VMX_PROC_FLAGS);
    CHECK_FLAGS(VMX_PROC2_FLAGS);
    CHECK_FLAGS(VMX_EXIT_CTL_FLAGS);
    CHECK_FLAGS(VMX_ENTRY_CTL_FLAGS);
    /* default1 bits are reserved except those the TRUE MSRs may clear */
    CHECK_EQ_U64(VMX_PIN_DEFAULT1 & VIREO_FLAGS_ALL(VMX_PIN, VMX_PIN_FLAGS), 0);
    CHECK_EQ_U64(VMX_PROC_DEFAULT1 & VIREO_FLAGS_ALL(VMX_PROC, VMX_PROC_FLAGS),
                 VIREO_BIT(VMX_PROC, CR3_LOAD_EXITING) | VIREO_BIT(VMX_PROC, CR3_STORE_EXITING));
    CHECK_EQ_U64(VMX_EXIT_DEFAULT1 & VIREO_FLAGS_ALL(VMX_EXIT_CTL, VMX_EXIT_CTL_FLAGS),
                 VIREO_BIT(VMX_EXIT_CTL, SAVE_DEBUG_CTLS));
    CHECK_EQ_U64(VMX_ENTRY_DEFAULT1 & VIREO_FLAGS_ALL(VMX_ENTRY_CTL, VMX_ENTRY_CTL_FLAGS),
                 VIREO_BIT(VMX_ENTRY_CTL, LOAD_DEBUG_CTLS));
    CHECK_EQ_U64(VIREO_PUT(VMX_EPTP, MEMTYPE, VMX_EPTP_MEMTYPE_WB) |
                     VIREO_PUT(VMX_EPTP, WALK_LEN_M1, 3),
                 0x1e);
}

static void test_formats(void)
{
    CHECK_LAYOUT(VMCS_ENC_LAYOUT);
    CHECK_LAYOUT(VMX_EPTP_LAYOUT);
    CHECK_LAYOUT(VMX_INTR_INFO_LAYOUT);
    CHECK_LAYOUT(VMX_AR_LAYOUT);
    CHECK_FLAGS(VMX_INTR_STATE_FLAGS);
    CHECK_FLAGS(VMX_PENDING_DBG_FLAGS);
    CHECK_LAYOUT(VMX_EXIT_REASON_LAYOUT);
    CHECK_LAYOUT(VMX_QUAL_CR_LAYOUT);
    CHECK_LAYOUT(VMX_QUAL_DR_LAYOUT);
    CHECK_LAYOUT(VMX_QUAL_IO_LAYOUT);
    CHECK_FLAGS(VMX_QUAL_EPT_FLAGS);
    CHECK_LAYOUT(VMX_QUAL_TASK_LAYOUT);
    CHECK_LAYOUT(VMX_QUAL_APIC_LAYOUT);
    CHECK_FLAGS(VMX_QUAL_DB_FLAGS);
    CHECK_LAYOUT(VMX_INSN_IO_LAYOUT);
    CHECK_LAYOUT(VMX_INSN_MEM_LAYOUT);

    /* #GP(0) as a VM-entry event: vector 13, hardware exception, error code */
    u64 gp = VIREO_PUT(VMX_INTR_INFO, VECTOR, 13) |
             VIREO_PUT(VMX_INTR_INFO, TYPE, VMX_EVENT_HW_EXCEPTION) |
             VIREO_PUT(VMX_INTR_INFO, HAS_ERROR, 1) | VIREO_PUT(VMX_INTR_INFO, VALID, 1);
    CHECK_EQ_U64(gp, 0x80000b0d);
    CHECK_EQ_U64(VIREO_BIT(VMX_INTR_STATE, BLOCK_MOV_SS), 2);
    CHECK_EQ_U64(VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI), 8);
    CHECK_EQ_U64(VIREO_BIT(VMX_PENDING_DBG, BS), 0x4000);
    /* 64-bit code segment: type 0xb, S, P, L, G */
    u64 cs = VIREO_PUT(VMX_AR, TYPE, 0xb) | VIREO_PUT(VMX_AR, S, 1) | VIREO_PUT(VMX_AR, P, 1) |
             VIREO_PUT(VMX_AR, L, 1) | VIREO_PUT(VMX_AR, G, 1);
    CHECK_EQ_U64(cs, 0xa09b);
    CHECK_EQ_U64(VIREO_MASK(VMX_AR, UNUSABLE), 0x10000);
    CHECK_EQ_U64(VMX_ACTIVITY_WAIT_SIPI, 3);
    /* VIREO_SET replaces one field only */
    CHECK_EQ_U64(VIREO_SET(VMX_INTR_INFO, VECTOR, gp, 14), 0x80000b0e);
}

static void test_insn_errors(void)
{
    CHECK_EQ_U64(VMX_INSN_ERR_ENTRY_BAD_CONTROLS, 7);
    CHECK_EQ_U64(VMX_INSN_ERR_ENTRY_BAD_HOST_STATE, 8);
    CHECK_EQ_U64(VMX_INSN_ERR_ENTRY_MOV_SS_BLOCKING, 26);
    CHECK_EQ_U64(VMX_INSN_ERR_INVEPT_INVVPID_BAD_OPERAND, 28);
    CHECK(strcmp(vmx_insn_error_text(5), "VMRESUME with non-launched VMCS") == 0);
    CHECK(strcmp(vmx_insn_error_text(14), "unknown VM-instruction error") == 0);
    CHECK(strcmp(vmx_insn_error_text(0), "unknown VM-instruction error") == 0);
}

static void test_exit_reasons(void)
{
    CHECK_EQ_U64(VMX_EXIT_CPUID, 10);
    CHECK_EQ_U64(VMX_EXIT_HLT, 12);
    CHECK_EQ_U64(VMX_EXIT_CR_ACCESS, 28);
    CHECK_EQ_U64(VMX_EXIT_IO, 30);
    CHECK_EQ_U64(VMX_EXIT_ENTRY_FAIL_GUEST_STATE, 33);
    CHECK_EQ_U64(VMX_EXIT_EPT_VIOLATION, 48);
    CHECK_EQ_U64(VMX_EXIT_PREEMPTION_TIMER, 52);
    CHECK_EQ_U64(VMX_EXIT_XSETBV, 55);
    CHECK_EQ_U64(VMX_EXIT_ENCLV, 70);
    CHECK_EQ_U64(VMX_EXIT_TDCALL, 77);
    CHECK_EQ_U64(VMX_EXIT_REASON_COUNT, 74); /* 0..77 less 35, 38, 42, 71 */
    for (u32 r = 0; r < VMX_EXIT_LIMIT; r++) {
        bool hole = r == 35 || r == 38 || r == 42 || r == 71;
        CHECK((vmx_exit_reason_name(r) == 0) == hole);
    }
    CHECK(vmx_exit_reason_name(VMX_EXIT_LIMIT) == 0);
    CHECK(strcmp(vmx_exit_reason_name(48), "EPT_VIOLATION") == 0);
    /* exit-reason field of a failed entry: bit 31 + basic reason 33 */
    u64 f = VIREO_PUT(VMX_EXIT_REASON, BASIC, 33) | VIREO_PUT(VMX_EXIT_REASON, ENTRY_FAILURE, 1);
    CHECK_EQ_U64(f, 0x80000021);
    /* mov %cr3 <- %rbx (to CR): CR 3, access 0, GPR 3 */
    CHECK_EQ_U64(VIREO_GET(VMX_QUAL_CR, GPR, 0x303), 3);
    CHECK_EQ_U64(VIREO_GET(VMX_QUAL_CR, CR, 0x303), 3);
    /* lmsw 0x1 from a register */
    u64 lmsw = VIREO_PUT(VMX_QUAL_CR, ACCESS, VMX_CR_LMSW) | VIREO_PUT(VMX_QUAL_CR, LMSW_DATA, 1);
    CHECK_EQ_U64(lmsw, 0x10030);
    /* in $0x60, %al: size 1, in, immediate, port 0x60 */
    u64 io = VIREO_PUT(VMX_QUAL_IO, IN, 1) | VIREO_PUT(VMX_QUAL_IO, IMM, 1) |
             VIREO_PUT(VMX_QUAL_IO, PORT, 0x60);
    CHECK_EQ_U64(io, 0x00600048);
    CHECK_EQ_U64(VIREO_BIT(VMX_QUAL_EPT, GLA_VALID) | VIREO_BIT(VMX_QUAL_EPT, TRANSLATED), 0x180);
    CHECK_EQ_U64(VIREO_GET(VMX_QUAL_TASK, SOURCE, 0x40000028ull), VMX_TASK_IRET);
}

int main(void)
{
    test_encodings();
    test_known_values();
    test_widths();
    test_controls();
    test_formats();
    test_insn_errors();
    test_exit_reasons();
    return check_report("vmx_vmcs");
}
