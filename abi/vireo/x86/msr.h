/* Model-specific register numbers, one table for the whole tree. */
#ifndef VIREO_ABI_X86_MSR_H
#define VIREO_ABI_X86_MSR_H

#define VIREO_MSR_TABLE(X)                                                                         \
    X(TSC, 0x00000010)                                                                             \
    X(KVM_WALL_CLOCK, 0x00000011) /* KVM's old kvmclock MSRs (abi/vireo/x86/kvm_para.h) */         \
    X(KVM_SYSTEM_TIME, 0x00000012)                                                                 \
    X(PLATFORM_ID, 0x00000017)                                                                     \
    X(APIC_BASE, 0x0000001b)                                                                       \
    X(FEATURE_CONTROL, 0x0000003a)                                                                 \
    X(TSC_ADJUST, 0x0000003b)                                                                      \
    X(SPEC_CTRL, 0x00000048)                                                                       \
    X(PRED_CMD, 0x00000049)                                                                        \
    X(BIOS_SIGN_ID, 0x0000008b) /* AMD: PATCH_LEVEL */                                             \
    X(ARCH_CAPABILITIES, 0x0000010a)                                                               \
    X(MTRRCAP, 0x000000fe)                                                                         \
    X(SYSENTER_CS, 0x00000174)                                                                     \
    X(SYSENTER_ESP, 0x00000175)                                                                    \
    X(SYSENTER_EIP, 0x00000176)                                                                    \
    X(MCG_CAP, 0x00000179)                                                                         \
    X(MCG_STATUS, 0x0000017a)                                                                      \
    X(MCG_CTL, 0x0000017b)                                                                         \
    X(MISC_ENABLE, 0x000001a0)                                                                     \
    X(DEBUGCTL, 0x000001d9)                                                                        \
    X(MTRR_DEF_TYPE, 0x000002ff)                                                                   \
    X(MTRR_PHYSBASE0, 0x00000200) /* PHYSBASE n = 0x200 + 2n, PHYSMASK n = 0x201 + 2n */           \
    X(MTRR_FIX64K_00000, 0x00000250)                                                               \
    X(MTRR_FIX16K_80000, 0x00000258)                                                               \
    X(MTRR_FIX16K_A0000, 0x00000259)                                                               \
    X(MTRR_FIX4K_C0000, 0x00000268) /* .. FIX4K_F8000 0x26f */                                     \
    X(MC0_CTL, 0x00000400)          /* machine-check banks: 4 MSRs each */                         \
    X(PAT, 0x00000277)                                                                             \
    X(VMX_BASIC, 0x00000480)                                                                       \
    X(VMX_PINBASED_CTLS, 0x00000481)                                                               \
    X(VMX_PROCBASED_CTLS, 0x00000482)                                                              \
    X(VMX_EXIT_CTLS, 0x00000483)                                                                   \
    X(VMX_ENTRY_CTLS, 0x00000484)                                                                  \
    X(VMX_MISC, 0x00000485)                                                                        \
    X(VMX_CR0_FIXED0, 0x00000486)                                                                  \
    X(VMX_CR0_FIXED1, 0x00000487)                                                                  \
    X(VMX_CR4_FIXED0, 0x00000488)                                                                  \
    X(VMX_CR4_FIXED1, 0x00000489)                                                                  \
    X(VMX_VMCS_ENUM, 0x0000048a)                                                                   \
    X(VMX_PROCBASED_CTLS2, 0x0000048b)                                                             \
    X(VMX_EPT_VPID_CAP, 0x0000048c)                                                                \
    X(VMX_TRUE_PINBASED_CTLS, 0x0000048d)                                                          \
    X(VMX_TRUE_PROCBASED_CTLS, 0x0000048e)                                                         \
    X(VMX_TRUE_EXIT_CTLS, 0x0000048f)                                                              \
    X(VMX_TRUE_ENTRY_CTLS, 0x00000490)                                                             \
    X(VMX_VMFUNC, 0x00000491)                                                                      \
    X(X2APIC_BASE, 0x00000800)                                                                     \
    X(TSC_DEADLINE, 0x000006e0)                                                                    \
    X(EFER, 0xc0000080)                                                                            \
    X(STAR, 0xc0000081)                                                                            \
    X(LSTAR, 0xc0000082)                                                                           \
    X(CSTAR, 0xc0000083)                                                                           \
    X(SFMASK, 0xc0000084)                                                                          \
    X(FS_BASE, 0xc0000100)                                                                         \
    X(GS_BASE, 0xc0000101)                                                                         \
    X(KERNEL_GS_BASE, 0xc0000102)                                                                  \
    X(TSC_AUX, 0xc0000103)                                                                         \
    X(AMD_SYSCFG, 0xc0010010)      /* AMD: system configuration (memory types, SME) */             \
    X(AMD_INT_PENDING, 0xc0010055) /* AMD K8/10h: interrupt pending message (C1E, erratum 400) */  \
    X(VM_CR, 0xc0010114)                                                                           \
    X(HYPERVISOR_FIRST, 0x40000000) /* .. 0x400000ff: reserved for hypervisors */                  \
    X(KVM_FIRST, 0x4b564d00)        /* KVM's paravirtual MSRs */                                   \
    X(KVM_WALL_CLOCK_NEW, 0x4b564d00)                                                              \
    X(KVM_SYSTEM_TIME_NEW, 0x4b564d01)                                                             \
    X(VM_HSAVE_PA, 0xc0010117)

enum vireo_msr {
#define VIREO_MSR_ENUM(name, index) MSR_##name = index,
    VIREO_MSR_TABLE(VIREO_MSR_ENUM)
#undef VIREO_MSR_ENUM
};

/* Bits of the registers above that more than one component uses. */
#define EFER_SCE  (1ull << 0)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)
#define EFER_SVME (1ull << 12)

#define FEATURE_CONTROL_LOCK            (1ull << 0)
#define FEATURE_CONTROL_VMX_IN_SMX      (1ull << 1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)

#define VM_CR_SVMDIS (1ull << 4)

/* IA32_VMX_BASIC: the true-controls MSRs exist when bit 55 is set. */
#define VMX_BASIC_TRUE_CTLS (1ull << 55)
/* its other fields */
#define VMX_BASIC_REVISION_MASK 0x7fffffffull /* bits 30:0 */
#define VMX_BASIC_SIZE_SHIFT    32            /* bits 44:32: VMCS/VMXON region bytes */
#define VMX_BASIC_SIZE_MASK     0x1fffull
#define VMX_BASIC_ADDR32        (1ull << 48) /* VMX structures below 4 GiB */
#define VMX_BASIC_MEMTYPE_SHIFT 50           /* bits 53:50: 6 = write-back */
#define VMX_BASIC_MEMTYPE_MASK  0xfull
/* Control MSRs: allowed-0 settings in bits 31:0, allowed-1 in 63:32. */
#define VMX_CTLS_ALLOWED1_SHIFT 32
/* IA32_VMX_EPT_VPID_CAP */
#define VMX_EPT_CAP_WALK_4  (1ull << 6)
#define VMX_EPT_CAP_WB      (1ull << 14)
#define VMX_EPT_CAP_2M      (1ull << 16)
#define VMX_EPT_CAP_1G      (1ull << 17)
#define VMX_EPT_CAP_INVEPT  (1ull << 20)
#define VMX_EPT_CAP_AD      (1ull << 21)
#define VMX_EPT_CAP_INVVPID (1ull << 32)
/* INVEPT / INVVPID types offered */
#define VMX_EPT_CAP_INVEPT_SINGLE  (1ull << 25)
#define VMX_EPT_CAP_INVEPT_ALL     (1ull << 26)
#define VMX_EPT_CAP_INVVPID_SINGLE (1ull << 41)
#define VMX_EPT_CAP_INVVPID_ALL    (1ull << 42)

/* IA32_DEBUGCTL: the bits both vendors define. */
#define DEBUGCTL_LBR (1ull << 0)
#define DEBUGCTL_BTF (1ull << 1)

/* IA32_MISC_ENABLE (Intel) */
#define MISC_ENABLE_FAST_STRING  (1ull << 0)
#define MISC_ENABLE_PERFMON      (1ull << 7) /* performance monitoring available (RO) */
#define MISC_ENABLE_BTS_UNAVAIL  (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ull << 12)
#define MISC_ENABLE_LIMIT_CPUID  (1ull << 22)
#define MISC_ENABLE_XD_DISABLE   (1ull << 34)

/* MTRRs: IA32_MTRRCAP, IA32_MTRR_DEF_TYPE */
#define MTRRCAP_VCNT_MASK 0xffull
#define MTRRCAP_FIX       (1ull << 8)
#define MTRRCAP_WC        (1ull << 10)
#define MTRR_DEF_TYPE_FE  (1ull << 10)
#define MTRR_DEF_TYPE_E   (1ull << 11)
#define MTRR_PHYSMASK_V   (1ull << 11)

/* IA32_MCG_STATUS */
#define MCG_STATUS_RIPV (1ull << 0)
#define MCG_STATUS_EIPV (1ull << 1)
#define MCG_STATUS_MCIP (1ull << 2)

#define APIC_BASE_BSP       (1ull << 8)
#define APIC_BASE_X2APIC    (1ull << 10)
#define APIC_BASE_ENABLE    (1ull << 11)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull

#endif
