/*
 * The emulated MSRs (docs/VMM.md, "MSRs"): one table entry per MSR or
 * range, present only where the guest's CPUID offers what it belongs to,
 * with a read and (unless read-only) a write that checks every reserved
 * bit. A false return is the #GP the CPU raises, with nothing changed.
 */
#include "msr.h"
#include "events.h"
#include "cpuid.h"
#include "insn.h"
#include "lapic.h"
#include "pvclock.h"
#include <vireo/wallclock.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/kvm_para.h>
#include <vireo/x86/msr.h>

#define MTRR_VAR_COUNT 16u
#define MTRR_PAIRS     8u
#define MTRRCAP_VALUE  (MTRR_PAIRS | MTRRCAP_FIX | MTRRCAP_WC)
/* MISC_ENABLE: what reads as set, what a write may change (fast strings),
 * and the read-only bits a write may name (it leaves them as they are);
 * any other bit is reserved or belongs to a feature Vireo does not offer. */
#define MISC_ENABLE_RESET                                                                          \
    (MISC_ENABLE_FAST_STRING | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)
#define MISC_ENABLE_RW   MISC_ENABLE_FAST_STRING
#define MISC_ENABLE_RO   (MISC_ENABLE_PERFMON | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)
#define MCG_STATUS_VALID (MCG_STATUS_RIPV | MCG_STATUS_EIPV | MCG_STATUS_MCIP)

struct msr_ctx {
    struct exit_ctx *x;
    struct vireo_vcpu_state *s;
    struct msr_state *m;
};

/* The guest's TSC now: what the local APIC's timer runs on. */
static u64 guest_now(const struct msr_ctx *c)
{
    return events_host_tsc() + c->s->tsc_offset;
}

static bool canonical(u64 a)
{
    return (u64)((s64)(a << 16) >> 16) == a;
}

/* ---- whether an MSR exists: what CPUID tells the guest ---- */

static bool intel_only(void)
{
    return !cpuid_vendor_amd();
}
static bool has_apic(void)
{
    return cpuid_has(VIREO_CPUID_F_APIC);
}
static bool has_tsc_adjust(void)
{
    return cpuid_has(VIREO_CPUID_F_TSC_ADJUST);
}
static bool has_mtrr(void)
{
    return cpuid_has(VIREO_CPUID_F_MTRR);
}
static bool has_mca(void)
{
    return cpuid_has(VIREO_CPUID_F_MCA);
}
static bool has_pat(void)
{
    return cpuid_has(VIREO_CPUID_F_PAT);
}
static bool has_tsc_deadline(void)
{
    return cpuid_has(VIREO_CPUID_F_TSC_DEADLINE);
}
static bool has_x2apic(void)
{
    return cpuid_has(VIREO_CPUID_F_X2APIC);
}
static bool has_tsc_aux(void)
{
    return cpuid_has(VIREO_CPUID_F_RDTSCP) || cpuid_has(VIREO_CPUID_F_RDPID);
}
static bool has_kvmclock(void)
{
    return cpuid_kvm_features() & (1u << KVM_FEATURE_CLOCKSOURCE);
}
static bool has_kvmclock2(void)
{
    return cpuid_kvm_features() & (1u << KVM_FEATURE_CLOCKSOURCE2);
}

static void kvmclock_update(struct msr_ctx *c);

/* ---- the time-stamp counter ---- */

static bool tsc_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = guest_now(c);
    return true;
}

/* A write moves the TSC, and IA32_TSC_ADJUST by as much (SDM 17.17.3). */
static void tsc_move(struct msr_ctx *c, u64 offset)
{
    c->m->tsc_adjust += offset - c->s->tsc_offset;
    c->s->tsc_offset = offset;
    c->x->changed |= VIREO_MTD(TSC);
    kvmclock_update(c); /* its TSC timestamp is of the old TSC */
}

static bool tsc_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    tsc_move(c, v - events_host_tsc());
    return true;
}

static bool tsc_adjust_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = c->m->tsc_adjust;
    return true;
}

static bool tsc_adjust_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    tsc_move(c, c->s->tsc_offset + (v - c->m->tsc_adjust));
    return true;
}

/* ---- identification and machine check ---- */

static bool zero_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)c, (void)msr;
    *v = 0;
    return true;
}

static bool feature_control_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)c, (void)msr;
    *v = FEATURE_CONTROL_LOCK; /* locked, VMX and SMX off: no nesting */
    return true;
}

/* Intel: the revision in bits 63:32, loaded by CPUID after any write;
 * AMD: PATCH_LEVEL, read-only, in bits 31:0. */
static bool ucode_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)c, (void)msr;
    *v = cpuid_vendor_amd() ? MSR_UCODE_REV : (u64)MSR_UCODE_REV << 32;
    return true;
}

static bool ucode_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)c, (void)msr, (void)v;
    return !cpuid_vendor_amd();
}

/* AMD's SYSCFG: every bit 0 (no SME, no top-of-memory MTRR extensions,
 * fixed MTRR types as the MTRRs say); Linux reads it unguarded on AMD.
 * A write may only keep it so (the same for INT_PENDING: no C1E). */
static bool amd_only(void)
{
    return cpuid_vendor_amd();
}
static bool syscfg_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)c, (void)msr;
    return v == 0;
}

static bool mcg_status_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = c->m->mcg_status;
    return true;
}

static bool mcg_status_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    if (v & ~MCG_STATUS_VALID)
        return false;
    c->m->mcg_status = v;
    return true;
}

static bool misc_enable_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = c->m->misc_enable;
    return true;
}

static bool misc_enable_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    if (v & ~(MISC_ENABLE_RW | MISC_ENABLE_RO))
        return false;
    c->m->misc_enable = (c->m->misc_enable & ~MISC_ENABLE_RW) | (v & MISC_ENABLE_RW);
    return true;
}

/* ---- the local APIC (lapic.h) ---- */

static bool apic_base_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = c->x->lapic ? lapic_base_msr(c->x->lapic) : c->m->apic_base;
    return true;
}

static bool apic_base_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    if ((v & APIC_BASE_X2APIC) && !has_x2apic())
        return false; /* EXTD is reserved without x2APIC */
    if (c->x->lapic)
        return lapic_set_base(c->x->lapic, v, cpuid_phys_bits(), guest_now(c));
    /* No model: the base stays, only EN may change. */
    u64 base = c->m->apic_base & APIC_BASE_ADDR_MASK;
    if ((v & ~(APIC_BASE_ENABLE | APIC_BASE_BSP)) != base)
        return false;
    c->m->apic_base = base | (v & APIC_BASE_ENABLE) | APIC_BASE_BSP;
    return true;
}

static bool tsc_deadline_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    if (!c->x->lapic)
        return false;
    *v = lapic_tsc_deadline(c->x->lapic);
    return true;
}

static bool tsc_deadline_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    if (!c->x->lapic)
        return false;
    lapic_set_tsc_deadline(c->x->lapic, v, guest_now(c));
    return true;
}

static bool x2apic_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    return c->x->lapic && lapic_msr_read(c->x->lapic, msr, guest_now(c), v);
}

static bool x2apic_write(struct msr_ctx *c, u32 msr, u64 v)
{
    return c->x->lapic && lapic_msr_write(c->x->lapic, msr, v, guest_now(c));
}

/* ---- memory types: MTRRs and PAT ---- */

/* MTRR memory types (SDM 12.11.2): UC, WC, WT, WP, WB; 2, 3 and 7 (UC-,
 * a PAT type only) and above are reserved. */
static bool mtrr_type_ok(u64 t)
{
    return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

static bool mtrrcap_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)c, (void)msr;
    *v = MTRRCAP_VALUE;
    return true;
}

static bool mtrr_def_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = c->m->mtrr_def_type;
    return true;
}

static bool mtrr_def_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    if ((v & ~(0xffull | MTRR_DEF_TYPE_FE | MTRR_DEF_TYPE_E)) || !mtrr_type_ok(v & 0xff))
        return false;
    c->m->mtrr_def_type = v;
    return true;
}

static bool mtrr_var_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    *v = c->m->mtrr_var[msr - MSR_MTRR_PHYSBASE0];
    return true;
}

/* PHYSBASE (even): type in 7:0, 11:8 reserved; PHYSMASK (odd): 10:0
 * reserved, V in 11; both: the bits at and above the physical width. */
static bool mtrr_var_write(struct msr_ctx *c, u32 msr, u64 v)
{
    u32 i = msr - MSR_MTRR_PHYSBASE0;
    u64 above = ~0ull << cpuid_phys_bits();
    bool ok = (i & 1) ? !(v & (above | (MTRR_PHYSMASK_V - 1)))
                      : !(v & (above | 0xf00ull)) && mtrr_type_ok(v & 0xff);
    if (ok)
        c->m->mtrr_var[i] = v;
    return ok;
}

/* The fixed ranges' slots: FIX64K_00000, FIX16K_80000/A0000, FIX4K_*. */
static u32 fixed_slot(u32 msr)
{
    return msr == MSR_MTRR_FIX64K_00000 ? 0
           : msr < MSR_MTRR_FIX4K_C0000 ? 1 + (msr - MSR_MTRR_FIX16K_80000)
                                        : 3 + (msr - MSR_MTRR_FIX4K_C0000);
}

static bool mtrr_fixed_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    *v = c->m->mtrr_fixed[fixed_slot(msr)];
    return true;
}

static bool mtrr_fixed_write(struct msr_ctx *c, u32 msr, u64 v)
{
    for (int i = 0; i < 8; i++) {
        if (!mtrr_type_ok((v >> (i * 8)) & 0xff))
            return false;
    }
    c->m->mtrr_fixed[fixed_slot(msr)] = v;
    return true;
}

static bool pat_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = c->s->pat;
    return true;
}

/* Eight entries: UC, WC, WT, WP, WB, UC-; 2, 3 and 8-255 reserved. */
static bool pat_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    for (int i = 0; i < 8; i++) {
        u8 t = (u8)(v >> (i * 8));
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    c->s->pat = v;
    c->x->changed |= VIREO_MTD(PAT_DEBUGCTL);
    return true;
}

/* ---- debugging ---- */

static bool debugctl_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = c->s->debugctl;
    return true;
}

/* LBR and BTF: the bits both vendors have and the kernel enters; the
 * others are model-specific (BTS, PMU freezes: no PMU) or reserved. */
static bool debugctl_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    if (v & ~(DEBUGCTL_LBR | DEBUGCTL_BTF))
        return false;
    c->s->debugctl = v;
    c->x->changed |= VIREO_MTD(PAT_DEBUGCTL);
    return true;
}

/* ---- system calls, segment bases ---- */

/* The 64-bit fields of the message an MSR is. */
static u64 *field(struct vireo_vcpu_state *s, u32 msr)
{
    switch (msr) {
    case MSR_SYSENTER_CS:
        return &s->sysenter_cs;
    case MSR_SYSENTER_ESP:
        return &s->sysenter_esp;
    case MSR_SYSENTER_EIP:
        return &s->sysenter_eip;
    case MSR_STAR:
        return &s->star;
    case MSR_LSTAR:
        return &s->lstar;
    case MSR_CSTAR:
        return &s->cstar;
    case MSR_SFMASK:
        return &s->sfmask;
    case MSR_FS_BASE:
        return &s->fs.base;
    case MSR_GS_BASE:
        return &s->gs.base;
    default:
        return &s->kernel_gs_base;
    }
}

static u64 item_of(u32 msr)
{
    if (msr >= MSR_SYSENTER_CS && msr <= MSR_SYSENTER_EIP)
        return VIREO_MTD(SYSENTER);
    if (msr == MSR_FS_BASE || msr == MSR_GS_BASE)
        return VIREO_MTD(FS_GS);
    return VIREO_MTD(SYSCALL);
}

static bool field_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    *v = *field(c->s, msr);
    return true;
}

/* SYSENTER_CS: 31:0 kept, 63:32 ignored (SDM vol. 4 table 2-2); STAR:
 * any value; SFMASK: 63:32 reserved; the addresses: canonical. */
static bool field_write(struct msr_ctx *c, u32 msr, u64 v)
{
    if (msr == MSR_SYSENTER_CS)
        v &= 0xffffffffull;
    else if (msr == MSR_SFMASK ? (v >> 32) != 0 : msr != MSR_STAR && !canonical(v))
        return false;
    *field(c->s, msr) = v;
    c->x->changed |= item_of(msr);
    return true;
}

static bool efer_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = c->s->efer;
    return true;
}

/* SCE, LME, NXE (with NX); LMA is the CPU's (a written one is ignored);
 * LME may not change while paging is on. SVME: no nesting. */
static bool efer_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    struct vireo_vcpu_state *s = c->s;
    u64 valid = EFER_SCE | EFER_LME | EFER_LMA | (cpuid_has(VIREO_CPUID_F_NX) ? EFER_NXE : 0);
    if (v & ~valid)
        return false;
    if ((s->cr0 & CR0_PG) && ((v ^ s->efer) & EFER_LME))
        return false;
    s->efer = (v & ~EFER_LMA) | (s->efer & EFER_LMA);
    c->x->changed |= VIREO_MTD(EFER);
    return true;
}

static bool tsc_aux_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = c->m->tsc_aux;
    return true;
}

static bool tsc_aux_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    if (v >> 32)
        return false;
    c->m->tsc_aux = v;
    return true;
}

/* ---- kvmclock (docs/VMM.md, "Paravirtual clock"; pvclock.h) ---- */

/* The guest's system time 0 is its TSC 0 at the VM's start (the STARTUP
 * exit): the TSC less what the guest moved it by (IA32_TSC_ADJUST keeps
 * the sum), so a TSC write changes the guest's TSC, never its clock. */
static u64 ticks_since_start(const struct msr_ctx *c, u64 now)
{
    return now - c->m->tsc_adjust;
}

static u64 guest_tsc_khz(const struct msr_ctx *c)
{
    u64 khz = c->x->vm->info->tsc_khz;
    return khz ? khz : PVCLOCK_DEFAULT_KHZ;
}

/* The structure at gpa: len bytes of guest RAM within one page, else
 * NULL (nothing is written; the MSR write still succeeds, as on KVM). */
static void *kvmclock_area(const struct msr_ctx *c, u64 gpa, u64 len)
{
    if ((gpa ^ (gpa + len - 1)) >> 12)
        return NULL;
    return vm_ram(c->x->vm, gpa, len);
}

/* The time info, rewritten whenever it would go stale: at the MSR write
 * and at every move of the TSC (the rate never changes). */
static void kvmclock_update(struct msr_ctx *c)
{
    u64 v = c->m->kvm_system_time;
    if (!(v & KVM_SYSTEM_TIME_ENABLE))
        return;
    struct vireo_pvclock_vcpu_time_info t;
    void *p = kvmclock_area(c, v & ~KVM_SYSTEM_TIME_ENABLE, sizeof(t));
    if (!p)
        return;
    u64 now = guest_now(c), khz = guest_tsc_khz(c);
    u32 mul;
    s8 shift;
    pvclock_scale(khz, &mul, &shift);
    pvclock_time_info(&t, now, pvclock_ns(ticks_since_start(c, now), mul, shift), khz);
    pvclock_write_time(p, &t);
}

static bool kvm_system_time_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = c->m->kvm_system_time;
    return true;
}

static bool kvm_system_time_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    c->m->kvm_system_time = v;
    kvmclock_update(c);
    return true;
}

static bool kvm_wall_clock_read(struct msr_ctx *c, u32 msr, u64 *v)
{
    (void)msr;
    *v = c->m->kvm_wall_clock;
    return true;
}

/* The host TSC at the guest's system time 0 (ticks_since_start 0): the
 * guest's TSC less its adjustments is the host's plus tsc_offset less
 * tsc_adjust, 0 at host TSC tsc_adjust - tsc_offset (-tsc_offset as the
 * STARTUP exit set it, until the guest moves its TSC). */
static u64 start_host_tsc(const struct msr_ctx *c)
{
    return c->m->tsc_adjust - c->s->tsc_offset;
}

/* The time of day at system time 0 (abi/vireo/wallclock.h): the host's
 * date at the kernel's reading of its RTC moved on by the host TSC to the
 * VM's start, as the device server's RTC has it; VIREO_WALL_EPOCH_S where
 * the host's date is unknown. */
_Static_assert(VIREO_WALL_EPOCH_S <= 0xffffffffu, "the wall clock's seconds are 32 bits");
static bool kvm_wall_clock_write(struct msr_ctx *c, u32 msr, u64 v)
{
    (void)msr;
    c->m->kvm_wall_clock = v;
    void *p = kvmclock_area(c, v, sizeof(struct vireo_pvclock_wall_clock));
    if (p) {
        const struct vireo_server_info *info = c->x->vm->info;
        u32 sec, nsec;
        pvclock_wall_at_start(info->epoch_s, info->epoch_tsc, start_host_tsc(c), guest_tsc_khz(c),
                              VIREO_WALL_EPOCH_S, &sec, &nsec);
        pvclock_write_wall(p, sec, nsec);
    }
    return true;
}

/* ---- the table ---- */

struct msr_desc {
    u32 first, count;
    bool (*present)(void); /* NULL: always */
    bool (*read)(struct msr_ctx *c, u32 msr, u64 *v);
    bool (*write)(struct msr_ctx *c, u32 msr, u64 v); /* NULL: read-only (#GP) */
};

static const struct msr_desc msrs[] = {
    {MSR_TSC, 1, NULL, tsc_read, tsc_write},
    {MSR_KVM_WALL_CLOCK, 1, has_kvmclock, kvm_wall_clock_read, kvm_wall_clock_write},
    {MSR_KVM_SYSTEM_TIME, 1, has_kvmclock, kvm_system_time_read, kvm_system_time_write},
    {MSR_PLATFORM_ID, 1, intel_only, zero_read, NULL},
    {MSR_APIC_BASE, 1, has_apic, apic_base_read, apic_base_write},
    {MSR_FEATURE_CONTROL, 1, intel_only, feature_control_read, NULL},
    {MSR_TSC_ADJUST, 1, has_tsc_adjust, tsc_adjust_read, tsc_adjust_write},
    {MSR_BIOS_SIGN_ID, 1, NULL, ucode_read, ucode_write},
    {MSR_MTRRCAP, 1, has_mtrr, mtrrcap_read, NULL},
    {MSR_SYSENTER_CS, 3, NULL, field_read, field_write},
    {MSR_MCG_CAP, 1, has_mca, zero_read, NULL}, /* no banks, no MCG_CTL */
    {MSR_MCG_STATUS, 1, has_mca, mcg_status_read, mcg_status_write},
    {MSR_MISC_ENABLE, 1, intel_only, misc_enable_read, misc_enable_write},
    {MSR_DEBUGCTL, 1, NULL, debugctl_read, debugctl_write},
    {MSR_MTRR_PHYSBASE0, MTRR_VAR_COUNT, has_mtrr, mtrr_var_read, mtrr_var_write},
    {MSR_MTRR_FIX64K_00000, 1, has_mtrr, mtrr_fixed_read, mtrr_fixed_write},
    {MSR_MTRR_FIX16K_80000, 2, has_mtrr, mtrr_fixed_read, mtrr_fixed_write},
    {MSR_MTRR_FIX4K_C0000, 8, has_mtrr, mtrr_fixed_read, mtrr_fixed_write},
    {MSR_PAT, 1, has_pat, pat_read, pat_write},
    {MSR_MTRR_DEF_TYPE, 1, has_mtrr, mtrr_def_read, mtrr_def_write},
    {MSR_TSC_DEADLINE, 1, has_tsc_deadline, tsc_deadline_read, tsc_deadline_write},
    {LAPIC_MSR_FIRST, LAPIC_MSR_LAST - LAPIC_MSR_FIRST + 1, has_x2apic, x2apic_read, x2apic_write},
    {MSR_EFER, 1, NULL, efer_read, efer_write},
    {MSR_STAR, 4, NULL, field_read, field_write},
    {MSR_FS_BASE, 3, NULL, field_read, field_write},
    {MSR_TSC_AUX, 1, has_tsc_aux, tsc_aux_read, tsc_aux_write},
    {MSR_AMD_SYSCFG, 1, amd_only, zero_read, syscfg_write},
    /* no C1E: Linux's erratum-400 idle reads it on the families it names */
    {MSR_AMD_INT_PENDING, 1, amd_only, zero_read, syscfg_write},
    {MSR_KVM_WALL_CLOCK_NEW, 1, has_kvmclock2, kvm_wall_clock_read, kvm_wall_clock_write},
    {MSR_KVM_SYSTEM_TIME_NEW, 1, has_kvmclock2, kvm_system_time_read, kvm_system_time_write},
};

/* The MSR's entry; NULL (#GP) for every index the table lacks (the
 * hypervisor range 0x40000000-0x400000ff included: no provider claims
 * any) and for those CPUID does not offer (kvmclock's without the `kvm`
 * provider). */
static const struct msr_desc *lookup(u32 msr)
{
    for (u32 i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
        const struct msr_desc *d = &msrs[i];
        if (msr - d->first < d->count)
            return !d->present || d->present() ? d : NULL;
    }
    return NULL;
}

void msr_init(struct msr_state *m)
{
    *m = (struct msr_state){
        .apic_base = LAPIC_DEFAULT_BASE | APIC_BASE_ENABLE | APIC_BASE_BSP,
        .misc_enable = MISC_ENABLE_RESET,
    };
}

void msr_read_exit(struct exit_ctx *x, struct msr_state *m)
{
    struct vireo_vcpu_state *s = x->s;
    u64 len = insn_length(x), v;
    if (!len)
        return;
    struct msr_ctx c = {x, s, m};
    u32 msr = (u32)s->rcx;
    const struct msr_desc *d = lookup(msr);
    if (!d || !d->read(&c, msr, &v)) {
        exit_gp(x);
        return;
    }
    s->rax = (u32)v;
    s->rdx = v >> 32;
    x->changed |= VIREO_MTD(GPR_ACDB);
    exit_finish_insn(x, len);
}

void msr_write_exit(struct exit_ctx *x, struct msr_state *m)
{
    struct vireo_vcpu_state *s = x->s;
    u64 len = insn_length(x);
    if (!len)
        return;
    struct msr_ctx c = {x, s, m};
    u32 msr = (u32)s->rcx;
    const struct msr_desc *d = lookup(msr);
    if (!d || !d->write || !d->write(&c, msr, (u32)s->rax | s->rdx << 32)) {
        exit_gp(x);
        return;
    }
    exit_finish_insn(x, len);
}
