/* The host faked for the CPUID policy's tests (fake_cpu.h). */
#include "fake_cpu.h"
#include "lapic.h"
#include "xstate.h"
#include <string.h>
#include <vireo/x86/cr.h>

#define MAX_LEAVES 256u

static struct fake_leaf {
    u32 leaf, subleaf;
    struct cpuid_result r;
} leaves[MAX_LEAVES];
static unsigned count;

void fake_cpu_clear(void)
{
    count = 0;
}

void fake_cpu_set(u32 leaf, u32 subleaf, u32 eax, u32 ebx, u32 ecx, u32 edx)
{
    for (unsigned i = 0; i < count; i++) {
        if (leaves[i].leaf == leaf && leaves[i].subleaf == subleaf) {
            leaves[i].r = (struct cpuid_result){eax, ebx, ecx, edx};
            return;
        }
    }
    if (count < MAX_LEAVES)
        leaves[count++] = (struct fake_leaf){leaf, subleaf, {eax, ebx, ecx, edx}};
}

static struct cpuid_result lookup(u32 leaf, u32 subleaf)
{
    for (unsigned i = 0; i < count; i++) {
        if (leaves[i].leaf == leaf && leaves[i].subleaf == subleaf)
            return leaves[i].r;
    }
    return (struct cpuid_result){0, 0, 0, 0};
}

struct cpuid_result fake_cpu_cpuid(u32 leaf, u32 subleaf)
{
    u32 max_basic = lookup(0, 0).eax, max_ext = lookup(0x80000000u, 0).eax;
    if (leaf > max_basic && (leaf < 0x80000000u || leaf > max_ext))
        leaf = max_basic; /* what Intel does; the policy must not rely on it */
    return lookup(leaf, subleaf);
}

/* The flag leaves with every bit set, subleaf-indexed leaves with a few
 * entries; sizes and layouts as real CPUs give them. */
static void common(u32 phys_bits)
{
    const u32 all = ~0u;
    fake_cpu_set(1, 0, 0x00050654, 0x07100800 | 0x17, all, all); /* APIC ID 7, 16 logical */
    fake_cpu_set(2, 0, 0x00feff01, 0, 0, 0);
    fake_cpu_set(3, 0, all, all, all, all);
    fake_cpu_set(4, 0, 0x7c004121, 0x01c0003f, 0x3f, 0);
    fake_cpu_set(4, 1, 0x7c004122, 0x01c0003f, 0x3f, 0);
    fake_cpu_set(4, 2, 0x7c004143, 0x03c0003f, 0x3ff, 0);
    fake_cpu_set(4, 3, 0x7c0fc163, 0x0280003f, 0x6fff, 4);
    fake_cpu_set(5, 0, 0x40, 0x40, 3, 0x2020);
    fake_cpu_set(6, 0, all, all, all, all);
    fake_cpu_set(7, 0, 2, all, all, all);
    fake_cpu_set(7, 1, all, all, all, all);
    fake_cpu_set(8, 0, all, all, all, all);
    fake_cpu_set(0xa, 0, 0x07300805, 0, 0, 0x603);
    fake_cpu_set(0xb, 0, 1, 2, 0x100, 7);
    fake_cpu_set(0xb, 1, 5, 16, 0x201, 7);
    /* XSAVE: x87 SSE AVX MPX AVX-512 PKRU; AVX at 576 (256 bytes). */
    fake_cpu_set(0xd, 0, 0x2ff, 0x240, 0xa88, 0);
    fake_cpu_set(0xd, 1, all, 0x3c0, all, all);
    fake_cpu_set(0xd, 2, 256, 576, 0, 0);
    fake_cpu_set(0xd, 3, 64, 960, 0, 0);
    fake_cpu_set(0xd, 5, 64, 1088, 0, 0);
    fake_cpu_set(0xd, 9, 8, 2688, 0, 0);
    fake_cpu_set(0x80000001u, 0, 0x00800f12, 0x20000000, all, all);
    fake_cpu_set(0x80000002u, 0, 0x65746e49, 0x2952286c, 0x6f655820, 0x2952286e);
    fake_cpu_set(0x80000003u, 0, 0x55504320, 0x20402020, 0x30312e33, 0x7a484730);
    fake_cpu_set(0x80000004u, 0, 0x20202020, 0, 0, 0);
    fake_cpu_set(0x80000005u, 0, 0xff40ff40, 0xff40ff40, 0x20080140, 0x20080140);
    fake_cpu_set(0x80000006u, 0, 0, 0, 0x01006040, 0);
    fake_cpu_set(0x80000007u, 0, all, all, all, all);
    fake_cpu_set(0x80000008u, 0, phys_bits | 57u << 8 | 40u << 16, all, 0x0000700f, all);
}

void fake_cpu_intel(u32 phys_bits)
{
    fake_cpu_clear();
    fake_cpu_set(0, 0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69); /* GenuineIntel */
    fake_cpu_set(0x80000000u, 0, 0x80000008u, 0, 0, 0);
    common(phys_bits);
    fake_cpu_set(0x16, 0, 3500, 3500, 100, 0);
}

void fake_cpu_amd(u32 phys_bits)
{
    fake_cpu_clear();
    fake_cpu_set(0, 0, 0x10, 0x68747541, 0x444d4163, 0x69746e65); /* AuthenticAMD */
    fake_cpu_set(0x80000000u, 0, 0x80000021u, 0x68747541, 0x444d4163, 0x69746e65);
    common(phys_bits);
    const u32 all = ~0u;
    fake_cpu_set(0x8000000au, 0, 1, 0x8000, 0, all);
    fake_cpu_set(0x80000019u, 0, 0xf040f040, 0xf0400000, 0, 0);
    fake_cpu_set(0x8000001du, 0, 0x00004121, 0x01c0003f, 0x3f, 0);
    fake_cpu_set(0x8000001du, 1, 0x00004122, 0x01c0003f, 0x3f, 0);
    fake_cpu_set(0x8000001du, 2, 0x00004143, 0x01c0003f, 0x3ff, 2);
    fake_cpu_set(0x8000001du, 3, 0x0003c163, 0x03c0003f, 0x7fff, 1);
    fake_cpu_set(0x8000001eu, 0, 7, 0x0105, 0x0300, 0);
    fake_cpu_set(0x8000001fu, 0, all, all, all, all);
    fake_cpu_set(0x80000021u, 0, all, all, all, all);
}

void fake_cpu_configure(u32 paravirt, const char *const *disable, u32 apic_id)
{
    struct cpuid_policy p = {.paravirt = paravirt, .apic_id = apic_id};
    for (; disable && *disable; disable++) {
        for (u32 f = 0; f < VIREO_CPUID_FEATURE_COUNT; f++) {
            if (strcmp(vireo_cpuid_feature(f)->name, *disable) == 0)
                p.disable[f / 64] |= 1ull << (f % 64);
        }
    }
    cpuid_configure(&p, fake_cpu_cpuid);
}

u64 fake_injected(const struct vireo_vcpu_state *before, u32 vector, bool has_error,
                  struct vireo_vcpu_state *out)
{
    struct vireo_vcpu_state s = *before;
    struct exit_ctx x = {.s = &s};
    exit_inject_exception(&x, vector, has_error, 0);
    if (out)
        *out = s;
    return x.changed;
}

/* ---- xstate.h ---- */

u64 fake_xcr0_mask = XCR0_X87 | XCR0_SSE | XCR0_AVX;

u64 xstate_guest_xcr0_mask(void)
{
    return fake_xcr0_mask;
}

u32 xstate_size(u64 xcr0)
{
    return 512 + 64 + ((xcr0 & XCR0_AVX) ? 256 : 0); /* legacy area, header, YMM_Hi128 */
}

u32 xstate_compacted_size(u64 xcr0)
{
    return xstate_size(xcr0); /* the same for x87, SSE and AVX (no alignment) */
}

/* ---- lapic.h ---- */

struct fake_lapic_log fake_lapic;

void fake_lapic_reset(void)
{
    memset(&fake_lapic, 0, sizeof(fake_lapic));
    fake_lapic.base = 0xfee00000ull | APIC_BASE_ENABLE | APIC_BASE_BSP;
}

u64 lapic_base_msr(const struct lapic *a)
{
    (void)a;
    return fake_lapic.base;
}

bool lapic_set_base(struct lapic *a, u64 value, u32 phys_bits, u64 now)
{
    (void)a;
    fake_lapic.set_base++;
    fake_lapic.last_value = value;
    fake_lapic.last_phys_bits = phys_bits;
    fake_lapic.last_now = now;
    if (fake_lapic.refuse)
        return false;
    fake_lapic.base = value;
    return true;
}

bool lapic_msr_read(struct lapic *a, u32 msr, u64 now, u64 *value)
{
    (void)a;
    fake_lapic.msr_read++;
    fake_lapic.last_msr = msr;
    fake_lapic.last_now = now;
    *value = 0x1234500000000000ull | msr;
    return !fake_lapic.refuse;
}

bool lapic_msr_write(struct lapic *a, u32 msr, u64 value, u64 now)
{
    (void)a;
    fake_lapic.msr_write++;
    fake_lapic.last_msr = msr;
    fake_lapic.last_value = value;
    fake_lapic.last_now = now;
    return !fake_lapic.refuse;
}

u64 lapic_tsc_deadline(const struct lapic *a)
{
    (void)a;
    return fake_lapic.deadline;
}

void lapic_set_tsc_deadline(struct lapic *a, u64 value, u64 now)
{
    (void)a;
    fake_lapic.deadline_set++;
    fake_lapic.deadline = value;
    fake_lapic.last_now = now;
}

u32 lapic_cr8(const struct lapic *a)
{
    (void)a;
    return fake_lapic.cr8;
}

void lapic_set_cr8(struct lapic *a, u32 value)
{
    (void)a;
    fake_lapic.cr8_set++;
    fake_lapic.cr8 = value;
}

/* What irqchip.c asks of the APIC. */
bool lapic_is_destination(const struct lapic *a, u32 dest, bool logical)
{
    (void)a, (void)dest, (void)logical;
    return true;
}

void lapic_accept(struct lapic *a, u32 vector, bool level)
{
    (void)a, (void)vector, (void)level;
    fake_lapic.accepted++;
}

bool lapic_extint_open(const struct lapic *a)
{
    (void)a;
    return fake_lapic.extint_open;
}

int lapic_take_eoi_broadcast(struct lapic *a)
{
    (void)a;
    return -1;
}
