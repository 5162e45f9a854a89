/*
 * The local APIC model (servers/vmm/lapic.c, lapic_regs.c): every
 * register's reset value, writable and reserved bits through the xAPIC
 * page (SDM table 11-1, figures 11-7..11-23), sub-register accesses,
 * reserved slots and the ESR, TPR/PPR/ISR priority and pending selection,
 * the ICR's destinations and delivery modes, every IA32_APIC_BASE
 * transition (SDM 11.12.5), the x2APIC MSR rules (table 11-6: which MSRs
 * exist, read-only, write-only, reserved bits) and a random walk that
 * checks the model's invariants. The expectations are written out here,
 * not taken from the model's own tables. The timer: test_lapic_timer.c.
 */
#include "lapic_check.h"
#include "lapic_timer.h"
#include <stdlib.h>
#include <string.h>

/* xAPIC slots that hold a register (SDM table 11-1); everything else in
 * the page is reserved. */
static bool xapic_slot_exists(u32 slot)
{
    static const u32 singles[] = {0x020, 0x030, 0x080, 0x090, 0x0a0, 0x0b0, 0x0c0, 0x0d0,
                                  0x0e0, 0x0f0, 0x280, 0x2f0, 0x300, 0x310, 0x320, 0x330,
                                  0x340, 0x350, 0x360, 0x370, 0x380, 0x390, 0x3e0};
    if (slot >= 0x100 && slot <= 0x270)
        return true; /* ISR, TMR, IRR */
    for (unsigned i = 0; i < sizeof(singles) / sizeof(singles[0]); i++)
        if (singles[i] == slot)
            return true;
    return false;
}

/* x2APIC MSRs (SDM table 11-6): readable / writable. */
static bool x2_readable(u32 msr)
{
    u32 i = msr - 0x800;
    return i == 0x02 || i == 0x03 || i == 0x08 || i == 0x0a || i == 0x0d || i == 0x0f ||
           (i >= 0x10 && i <= 0x28) || i == 0x2f || i == 0x30 || (i >= 0x32 && i <= 0x39) ||
           i == 0x3e;
}

static bool x2_writable(u32 msr)
{
    u32 i = msr - 0x800;
    return i == 0x08 || i == 0x0b || i == 0x0f || i == 0x28 || i == 0x2f || i == 0x30 ||
           (i >= 0x32 && i <= 0x38) || i == 0x3e || i == 0x3f;
}

static void test_reset_state(void)
{
    fresh(3);
    CHECK_EQ_U64(lapic_base_msr(&a), 0xfee00000ull | (1 << 11) | (1 << 8));
    CHECK(lapic_enabled(&a));
    CHECK(!lapic_x2apic(&a));
    CHECK_EQ_U64(lapic_mmio_base(&a), 0xfee00000ull);
    static const struct {
        u32 reg, value;
    } reset[] = {
        {0x020, 3u << 24}, {0x030, 0x00060014}, {0x080, 0}, {0x090, 0},          {0x0a0, 0},
        {0x0b0, 0},        {0x0c0, 0},          {0x0d0, 0}, {0x0e0, 0xffffffff}, {0x0f0, 0xff},
        {0x280, 0},        {0x300, 0},          {0x310, 0}, {0x2f0, 0x10000},    {0x380, 0},
        {0x390, 0},        {0x3e0, 0},
    };
    for (unsigned i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
        CHECK_EQ_U64(rd(reset[i].reg), reset[i].value);
    for (u32 r = 0x100; r <= 0x270; r += 0x10)
        CHECK_EQ_U64(rd(r), 0); /* ISR, TMR, IRR */
    for (u32 r = 0x320; r <= 0x370; r += 0x10)
        CHECK_EQ_U64(rd(r), 0x10000); /* the LVTs masked */
    CHECK_EQ_U64(esr(), 0);           /* none of those reads was illegal */
    CHECK_EQ_U64(lapic_tsc_deadline(&a), 0);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    CHECK_EQ_U64(lapic_pending(&a), (u64)-1);
    CHECK_EQ_U64(lapic_cr8(&a), 0);
    CHECK(!lapic_take_nmi(&a));

    lapic_reset(&a, 0x1234, false, TEST_TSC_KHZ, TEST_TIMER_KHZ);
    CHECK_EQ_U64(lapic_base_msr(&a), 0xfee00000ull | (1 << 11));
    CHECK_EQ_U64(rd(0x020), 0x34u << 24); /* xAPIC shows the low 8 bits */
}

static void test_writable_bits(void)
{
    fresh(0);
    sw_enable();
    wr(0x020, 0x12345678);
    CHECK_EQ_U64(rd(0x020), 0x12000000);
    CHECK_EQ_U64(a.id, 0x12);
    wr(0x030, 0xffffffff); /* read-only */
    CHECK_EQ_U64(rd(0x030), 0x00060014);
    wr(0x080, 0xffffffff);
    CHECK_EQ_U64(rd(0x080), 0xff);
    CHECK_EQ_U64(lapic_cr8(&a), 0xf);
    lapic_set_cr8(&a, 3);
    CHECK_EQ_U64(rd(0x080), 0x30); /* CR8 writes clear TPR[3:0] */
    lapic_set_cr8(&a, 0x15);
    CHECK_EQ_U64(rd(0x080), 0x50);
    /* Write, read back: what each register keeps (SDM figures 11-7..). */
    static const struct {
        u32 reg, value, keeps;
    } writes[] = {
        {0x080, 0, 0},
        {0x090, 0xffffffff, 0},          /* APR: read-only, reads 0 */
        {0x0a0, 0xffffffff, 0},          /* PPR: read-only */
        {0x0c0, 0xffffffff, 0},          /* RRD: read-only, reads 0 */
        {0x0d0, 0xffffffff, 0xff000000}, /* LDR: bits 31:24 */
        {0x0d0, 0x00ffffff, 0},
        {0x0e0, 0, 0x0fffffff}, /* DFR: model in 31:28, the rest reads 1 */
        {0x0e0, 0x5a5a5a5a, 0x5fffffff},
        {0x0e0, 0xf0000000, 0xffffffff},
        {0x0f0, 0xffffffff, 0x3ff}, /* vector, enable, focus; no EOI suppression */
        {0x310, 0xffffffff, 0xff000000},
    };
    for (unsigned i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        wr(writes[i].reg, writes[i].value);
        CHECK_EQ_U64(rd(writes[i].reg), writes[i].keeps);
    }
    for (u32 r = 0x100; r <= 0x270; r += 0x10) {
        wr(r, 0xffffffff);
        CHECK_EQ_U64(rd(r), 0);
    }
    /* ICR low: shorthand "others" reaches nobody; delivery status reads 0. */
    wr(0x300, 0xffffffff);
    CHECK_EQ_U64(rd(0x300), 0x000ccfff);
    CHECK(irr_empty());
    static const struct {
        u32 reg, keep;
    } lvts[] = {{0x2f0, 0x107ff}, {0x320, 0x700ff}, {0x330, 0x107ff}, {0x340, 0x107ff},
                {0x350, 0x1a7ff}, {0x360, 0x1a7ff}, {0x370, 0x100ff}};
    for (unsigned i = 0; i < 7; i++) {
        wr(lvts[i].reg, 0xffffffff);
        CHECK_EQ_U64(rd(lvts[i].reg), lvts[i].keep);
        wr(lvts[i].reg, 0x40);
        CHECK_EQ_U64(rd(lvts[i].reg), 0x40);
        wr(lvts[i].reg, 0x10000);
    }
    wr(0x380, 0xffffffff);
    CHECK_EQ_U64(rd(0x380), 0xffffffff);
    wr(0x380, 0);
    wr(0x3e0, 0xffffffff);
    CHECK_EQ_U64(rd(0x3e0), 0xb);
    wr(0x390, 1234);
    CHECK_EQ_U64(rd(0x390), 0);
    /* Read-only registers and the EOI take writes without an error. */
    CHECK_EQ_U64(esr(), 0);
}

/* Every slot of the page: reserved ones read 0 and set "illegal register
 * address" on read and on write; real ones do not. */
static void test_reserved_slots(void)
{
    fresh(0);
    sw_enable();
    for (u32 slot = 0; slot < 0x1000; slot += 0x10) {
        bool exists = xapic_slot_exists(slot);
        esr();
        u32 v = rd(slot);
        CHECK_EQ_U64(esr(), exists ? 0 : APIC_ESR_ILLEGAL_REGISTER);
        if (!exists) {
            CHECK_EQ_U64(v, 0);
            wr(slot, 0xffffffff);
            CHECK_EQ_U64(esr(), APIC_ESR_ILLEGAL_REGISTER);
        }
    }
    /* 0x3f0 is the SELF IPI register of x2APIC only. */
    wr(0x3f0, 0x40);
    CHECK(irr_empty());
}

/* Narrow and wide accesses act on the 32-bit register holding them. */
static void test_access_sizes(void)
{
    fresh(0);
    wr(0x020, 0xab000000);
    CHECK_EQ_U64(lapic_mmio_read(&a, 0x023, 1, now), 0xab);
    CHECK_EQ_U64(lapic_mmio_read(&a, 0x022, 2, now), 0xab00);
    CHECK_EQ_U64(lapic_mmio_read(&a, 0x020, 1, now), 0);
    CHECK_EQ_U64(lapic_mmio_read(&a, 0x020, 8, now), 0xab000000);
    CHECK_EQ_U64(lapic_mmio_read(&a, 0x024, 4, now), 0);
    CHECK_EQ_U64(lapic_mmio_read(&a, 0x028, 8, now), 0);
    CHECK_EQ_U64(esr(), 0);
    /* 0x1c-0x23: the end of reserved slot 0x10, then the ID. */
    CHECK_EQ_U64(lapic_mmio_read(&a, 0x01c, 8, now), 0xab00000000000000ull);
    CHECK_EQ_U64(esr(), APIC_ESR_ILLEGAL_REGISTER);
    lapic_mmio_write(&a, 0x080, 1, 0x7f, now);
    CHECK_EQ_U64(rd(0x080), 0x7f);
    lapic_mmio_write(&a, 0x081, 1, 0x55, now); /* merges into bits 15:8: reserved, dropped */
    CHECK_EQ_U64(rd(0x080), 0x7f);
    lapic_mmio_write(&a, 0x080, 8, 0xdeadbeef000000aaull, now);
    CHECK_EQ_U64(rd(0x080), 0xaa);
    lapic_mmio_write(&a, 0x084, 4, 0x11, now);
    lapic_mmio_write(&a, 0x088, 8, 0x11, now);
    CHECK_EQ_U64(rd(0x080), 0xaa);
    lapic_mmio_write(&a, 0x0d2, 2, 0x4400, now); /* LDR bits 31:24 from a 16-bit write */
    CHECK_EQ_U64(rd(0x0d0), 0x44000000);
    CHECK_EQ_U64(esr(), 0);
    /* An access that runs into a reserved slot flags it. */
    CHECK_EQ_U64(lapic_mmio_read(&a, 0x03c, 8, now), 0);
    CHECK_EQ_U64(esr(), APIC_ESR_ILLEGAL_REGISTER);
    /* The page ends at 0xfff: nothing beyond it is touched. */
    CHECK_EQ_U64(lapic_mmio_read(&a, 0xffc, 8, now), 0);
    CHECK_EQ_U64(lapic_mmio_read(&a, 0x020, 9, now), 0); /* no such size */
}

static void test_esr(void)
{
    fresh(0);
    sw_enable();
    rd(0x010);                  /* an error ... */
    CHECK_EQ_U64(rd(0x280), 0); /* ... shows only after an ESR write */
    wr(0x280, 0x12345678);      /* the value written does not matter */
    CHECK_EQ_U64(rd(0x280), APIC_ESR_ILLEGAL_REGISTER);
    CHECK_EQ_U64(rd(0x280), APIC_ESR_ILLEGAL_REGISTER); /* reads do not clear */
    wr(0x280, 0);
    CHECK_EQ_U64(rd(0x280), 0);
    /* Errors accumulate between writes. */
    lapic_accept(&a, 3, false);
    rd(0x400);
    CHECK_EQ_U64(esr(), APIC_ESR_ILLEGAL_REGISTER | APIC_ESR_RECV_ILLEGAL_VECTOR);
    CHECK(irr_empty());

    /* The error LVT fires once, until the next ESR write rearms it. */
    wr(0x370, 0xfe);
    rd(0x010);
    CHECK(bit(a.irr, 0xfe));
    take_and_eoi(0xfe);
    rd(0x010);
    CHECK(!bit(a.irr, 0xfe));
    esr();
    rd(0x010);
    CHECK(bit(a.irr, 0xfe));
    take_and_eoi(0xfe);
    esr();
    /* Masked: the error is kept, no interrupt. */
    wr(0x370, 0x100fe);
    rd(0x010);
    CHECK(irr_empty());
    CHECK_EQ_U64(esr(), APIC_ESR_ILLEGAL_REGISTER);
    /* An error LVT with an illegal vector adds that error, no loop. */
    wr(0x370, 0x05);
    rd(0x010);
    CHECK(irr_empty());
    CHECK_EQ_U64(esr(), APIC_ESR_ILLEGAL_REGISTER | APIC_ESR_RECV_ILLEGAL_VECTOR);
}

/* PPR as SDM 11.8.3.1 defines it, computed independently. */
static u32 expected_ppr(u32 tpr, int isrv)
{
    u32 isr_class = isrv < 0 ? 0 : (u32)isrv & 0xf0;
    return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

static void test_priority(void)
{
    fresh(0);
    sw_enable();
    /* Every vector: accepted, pending, acknowledged, in service, EOI. */
    for (u32 v = 16; v < 256; v++) {
        lapic_accept(&a, v, false);
        CHECK(bit(a.irr, v));
        CHECK_EQ_U64(rd(0x200 + v / 32 * 0x10), 1u << (v % 32));
        CHECK_EQ_U64(lapic_pending(&a), v);
        lapic_ack(&a, v);
        CHECK(!bit(a.irr, v));
        CHECK_EQ_U64(rd(0x100 + v / 32 * 0x10), 1u << (v % 32));
        CHECK_EQ_U64(rd(0x0a0), v & 0xf0);
        CHECK_EQ_U64(lapic_pending(&a), (u64)-1);
        wr(0x0b0, 0);
        CHECK_EQ_U64(rd(0x100 + v / 32 * 0x10), 0);
    }
    /* Vectors 0-15 never reach IRR. */
    for (u32 v = 0; v < 16; v++)
        lapic_accept(&a, v, false);
    CHECK(irr_empty());
    CHECK_EQ_U64(esr(), APIC_ESR_RECV_ILLEGAL_VECTOR);

    /* TPR: a vector whose class is not above the TPR's waits. */
    for (u32 tpr = 0; tpr < 256; tpr += 7) {
        wr(0x080, tpr);
        for (u32 v = 16; v < 256; v += 5) {
            lapic_accept(&a, v, false);
            bool deliverable = (v & 0xf0) > (tpr & 0xf0);
            CHECK_EQ_U64(lapic_pending(&a), deliverable ? (int)v : -1);
            CHECK_EQ_U64(rd(0x0a0), tpr);
            a.irr[v / 32] = 0;
        }
    }
    wr(0x080, 0);

    /* PPR with something in service, against every TPR. */
    for (int isrv = 16; isrv < 256; isrv += 9) {
        lapic_accept(&a, (u32)isrv, false);
        lapic_ack(&a, (u32)isrv);
        for (u32 tpr = 0; tpr < 256; tpr += 11) {
            wr(0x080, tpr);
            CHECK_EQ_U64(rd(0x0a0), expected_ppr(tpr, isrv));
        }
        wr(0x080, 0);
        wr(0x0b0, 0);
    }

    /* Nesting: a higher class interrupts, the same class waits; EOI
     * finishes the highest in service first. */
    lapic_accept(&a, 0x60, false);
    lapic_ack(&a, 0x60);
    lapic_accept(&a, 0x61, false);
    CHECK_EQ_U64(lapic_pending(&a), (u64)-1);
    lapic_accept(&a, 0x70, false);
    CHECK_EQ_U64(lapic_pending(&a), 0x70);
    lapic_ack(&a, 0x70);
    CHECK_EQ_U64(rd(0x0a0), 0x70);
    CHECK_EQ_U64(lapic_pending(&a), (u64)-1);
    wr(0x0b0, 0);
    CHECK(!bit(a.isr, 0x70));
    CHECK(bit(a.isr, 0x60));
    CHECK_EQ_U64(lapic_pending(&a), (u64)-1); /* 0x61 still below ISR 0x60's class */
    wr(0x0b0, 0);
    CHECK(!bit(a.isr, 0x60));
    CHECK_EQ_U64(lapic_pending(&a), 0x61);
    take_and_eoi(0x61);
    /* An EOI with nothing in service changes nothing. */
    wr(0x0b0, 0);
    CHECK_EQ_U64(rd(0x0a0), 0);

    /* The highest IRR vector is offered first. */
    lapic_accept(&a, 0x31, false);
    lapic_accept(&a, 0xe0, false);
    lapic_accept(&a, 0x90, false);
    CHECK_EQ_U64(lapic_pending(&a), 0xe0);
    take_and_eoi(0xe0);
    CHECK_EQ_U64(lapic_pending(&a), 0x90);
    take_and_eoi(0x90);
    CHECK_EQ_U64(lapic_pending(&a), 0x31);
    take_and_eoi(0x31);

    /* Trigger mode: level sets TMR, edge clears it. */
    lapic_accept(&a, 0x44, true);
    CHECK(bit(a.tmr, 0x44));
    CHECK_EQ_U64(rd(0x180 + 0x44 / 32 * 0x10), 1u << (0x44 % 32));
    take_and_eoi(0x44);
    lapic_accept(&a, 0x44, false);
    CHECK(!bit(a.tmr, 0x44));
    take_and_eoi(0x44);

    /* Software-disabled: IRR is held, not offered; new ones are refused. */
    lapic_accept(&a, 0x50, false);
    wr(0x0f0, 0xff);
    CHECK_EQ_U64(lapic_pending(&a), (u64)-1);
    lapic_accept(&a, 0x51, false);
    CHECK(!bit(a.irr, 0x51));
    sw_enable();
    CHECK_EQ_U64(lapic_pending(&a), 0x50);
    take_and_eoi(0x50);
}

static void icr(u32 hi, u32 lo)
{
    wr(0x310, hi);
    wr(0x300, lo);
}

static void test_ipi(void)
{
    fresh(5);
    sw_enable();
    /* Shorthands. */
    icr(0, 0x40000 | 0x41); /* self */
    CHECK(bit(a.irr, 0x41));
    CHECK_EQ_U64(rd(0x300) & APIC_ICR_DELIVERY_STATUS, 0);
    take_and_eoi(0x41);
    icr(0, 0x80000 | 0x42); /* all including self */
    CHECK(bit(a.irr, 0x42));
    take_and_eoi(0x42);
    icr(0, 0xc0000 | 0x43); /* all excluding self: nobody */
    CHECK(irr_empty());
    /* Physical destinations. */
    icr(5u << 24, 0x44);
    CHECK(bit(a.irr, 0x44));
    take_and_eoi(0x44);
    icr(6u << 24, 0x45);
    CHECK(irr_empty());
    icr(0xffu << 24, 0x46);
    CHECK(bit(a.irr, 0x46));
    take_and_eoi(0x46);
    CHECK_EQ_U64(esr(), 0);
    /* Logical, flat model. */
    wr(0x0d0, 0x01000000);
    icr(0x01u << 24, 0x800 | 0x47);
    CHECK(bit(a.irr, 0x47));
    take_and_eoi(0x47);
    icr(0x06u << 24, 0x800 | 0x48);
    CHECK(irr_empty());
    icr(0xffu << 24, 0x800 | 0x49);
    CHECK(bit(a.irr, 0x49));
    take_and_eoi(0x49);
    wr(0x0d0, 0x05000000); /* a flat destination names a set of LDR bits */
    icr(0x0cu << 24, 0x800 | 0x49);
    CHECK(bit(a.irr, 0x49));
    take_and_eoi(0x49);
    /* Logical, cluster model: cluster 1, member bit 1. */
    wr(0x0e0, 0x0fffffff);
    wr(0x0d0, 0x12000000);
    icr(0x12u << 24, 0x800 | 0x4a);
    CHECK(bit(a.irr, 0x4a));
    take_and_eoi(0x4a);
    icr(0x13u << 24, 0x800 | 0x4b);
    CHECK(bit(a.irr, 0x4b));
    take_and_eoi(0x4b);
    icr(0x22u << 24, 0x800 | 0x4c);
    icr(0x14u << 24, 0x800 | 0x4c);
    CHECK(irr_empty());
    /* Another model number matches nothing. */
    wr(0x0e0, 0x5fffffff);
    icr(0x12u << 24, 0x800 | 0x4d);
    CHECK(irr_empty());
    wr(0x0e0, 0xffffffff);

    /* Level-triggered, lowest priority (one candidate: us). */
    icr(0, 0x40000 | 0x8000 | 0x4000 | 0x4e);
    CHECK(bit(a.irr, 0x4e));
    CHECK(bit(a.tmr, 0x4e));
    take_and_eoi(0x4e);
    icr(5u << 24, 0x100 | 0x4f);
    CHECK(bit(a.irr, 0x4f));
    take_and_eoi(0x4f);

    /* Illegal vectors: send illegal, and received illegal at ourselves. */
    icr(0, 0x40000 | 0x05);
    CHECK(irr_empty());
    CHECK_EQ_U64(esr(), APIC_ESR_SEND_ILLEGAL_VECTOR | APIC_ESR_RECV_ILLEGAL_VECTOR);
    icr(7u << 24, 0x0f);
    CHECK_EQ_U64(esr(), APIC_ESR_SEND_ILLEGAL_VECTOR);

    /* NMI to us, once; to nobody; INIT, SIPI, SMI, ExtINT: nothing. */
    icr(0, 0x40000 | 0x400);
    CHECK(lapic_take_nmi(&a));
    CHECK(!lapic_take_nmi(&a));
    icr(9u << 24, 0x400);
    CHECK(!lapic_take_nmi(&a));
    icr(5u << 24, 0x400);
    CHECK(lapic_take_nmi(&a));
    static const u32 ignored[] = {0x200, 0x300, 0x500, 0x4500, 0x8500, 0x600, 0x700};
    for (unsigned i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
        icr(0, 0x80000 | ignored[i] | 0x30);
        CHECK(irr_empty());
        CHECK(!lapic_take_nmi(&a));
    }
    CHECK_EQ_U64(esr(), 0);
    /* A software-disabled APIC still takes NMIs (SDM 11.4.7.2). */
    wr(0x0f0, 0xff);
    icr(0, 0x40000 | 0x400);
    CHECK(lapic_take_nmi(&a));
    icr(0, 0x40000 | 0x60);
    CHECK(irr_empty());
}

/* IA32_APIC_BASE: every mode transition, reserved bits, relocation. */
static void test_base_msr(void)
{
    const u64 en = 1ull << 11, extd = 1ull << 10, bsp = 1ull << 8, base = 0xfee00000ull;
    fresh(2);
    struct lapic before = a;
    /* Reserved bits: 0-7, 9, 36+ (phys_bits 36), 63. */
    static const u64 reserved[] = {1, 0x80, 0x200, 1ull << 36, 1ull << 51, 1ull << 63};
    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        CHECK(!lapic_set_base(&a, base | en | reserved[i], 36, now));
        CHECK(memcmp(&a, &before, sizeof(a)) == 0);
    }
    CHECK(lapic_set_base(&a, (1ull << 35) | en, 36, now));
    CHECK_EQ_U64(lapic_mmio_base(&a), 1ull << 35);
    CHECK(!lapic_set_base(&a, (1ull << 40) | en, 40, now));
    CHECK(lapic_set_base(&a, (1ull << 51) | en, 52, now));
    /* BSP is read-only. */
    CHECK(lapic_set_base(&a, base | en, 40, now));
    CHECK_EQ_U64(lapic_base_msr(&a), base | en | bsp);

    /* Relocation keeps the registers. */
    sw_enable();
    wr(0x080, 0x20);
    CHECK(lapic_set_base(&a, 0xfef00000ull | en | bsp, 40, now));
    CHECK_EQ_U64(lapic_mmio_base(&a), 0xfef00000ull);
    CHECK_EQ_U64(rd(0x080), 0x20);
    CHECK_EQ_U64(rd(0x0f0), 0x1ff);

    /* EXTD without EN: invalid from every state. */
    before = a;
    CHECK(!lapic_set_base(&a, base | extd, 40, now));
    CHECK(memcmp(&a, &before, sizeof(a)) == 0);

    /* xAPIC -> disabled resets everything but the ID and the base. */
    wr(0x020, 0x77000000);
    wr(0x0d0, 0x0f000000);
    wr(0x320, 0x20040);
    wr(0x380, 1000);
    lapic_accept(&a, 0x80, false);
    lapic_ack(&a, 0x80);
    lapic_accept(&a, 0x90, false);
    CHECK(lapic_set_base(&a, 0xfef00000ull, 40, now));
    CHECK(!lapic_enabled(&a));
    CHECK_EQ_U64(lapic_pending(&a), (u64)-1);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    CHECK_EQ_U64(lapic_mmio_read(&a, 0x030, 4, now), 0); /* the page does not answer */
    u64 v;
    CHECK(!lapic_msr_read(&a, 0x803, now, &v));
    lapic_accept(&a, 0x40, false);
    CHECK(irr_empty());
    /* disabled -> x2APIC is not allowed; disabled -> xAPIC is. */
    CHECK(!lapic_set_base(&a, base | en | extd, 40, now));
    CHECK(!lapic_set_base(&a, base | extd, 40, now));
    CHECK(lapic_set_base(&a, 0xfef00000ull | en, 40, now));
    CHECK_EQ_U64(lapic_base_msr(&a), 0xfef00000ull | en | bsp);
    CHECK_EQ_U64(rd(0x020), 0x77000000);
    CHECK_EQ_U64(rd(0x080), 0);
    CHECK_EQ_U64(rd(0x0d0), 0);
    CHECK_EQ_U64(rd(0x0f0), 0xff);
    CHECK_EQ_U64(rd(0x320), 0x10000);
    CHECK_EQ_U64(rd(0x380), 0);
    CHECK_EQ_U64(rd(0x100 + 0x80 / 32 * 0x10), 0);
    CHECK_EQ_U64(rd(0x200 + 0x90 / 32 * 0x10), 0);

    /* xAPIC -> x2APIC: the ID becomes the initial one, LDR is derived,
     * the ICR destination goes; the rest stays. */
    sw_enable();
    wr(0x080, 0x30);
    wr(0x310, 0xab000000);
    CHECK(lapic_set_base(&a, base | en | extd, 40, now));
    CHECK(lapic_x2apic(&a));
    CHECK_EQ_U64(xrd(0x020), 2);
    CHECK_EQ_U64(xrd(0x0d0), 0x4);
    CHECK_EQ_U64(xrd(0x080), 0x30);
    CHECK_EQ_U64(xrd(0x300), 0);
    CHECK_EQ_U64(lapic_mmio_read(&a, 0x030, 4, now), 0);
    lapic_mmio_write(&a, 0x080, 4, 0x90, now); /* the page does not answer */
    CHECK_EQ_U64(xrd(0x080), 0x30);
    /* x2APIC -> x2APIC with another base: allowed, nothing reset. */
    CHECK(lapic_set_base(&a, 0xfed00000ull | en | extd, 40, now));
    CHECK_EQ_U64(xrd(0x080), 0x30);
    /* x2APIC -> xAPIC: #GP, nothing changed. */
    before = a;
    CHECK(!lapic_set_base(&a, base | en, 40, now));
    CHECK(!lapic_set_base(&a, base | extd, 40, now));
    CHECK(memcmp(&a, &before, sizeof(a)) == 0);
    /* x2APIC -> disabled -> xAPIC. */
    CHECK(lapic_set_base(&a, base, 40, now));
    CHECK(!lapic_x2apic(&a));
    CHECK(!lapic_enabled(&a));
    CHECK(lapic_set_base(&a, base | en, 40, now));
    CHECK_EQ_U64(rd(0x020), 2u << 24);
    CHECK_EQ_U64(rd(0x0f0), 0xff);
    CHECK_EQ_U64(rd(0x080), 0);
    /* No x2APIC in CPUID: EXTD is a reserved bit. */
    a.x2apic_capable = false;
    CHECK(!lapic_set_base(&a, base | en | extd, 40, now));
    CHECK(!lapic_x2apic(&a));
}

static void test_x2apic_msrs(void)
{
    fresh(0x23);
    wr(0x020, 0x55000000); /* an xAPIC ID write is not kept into x2APIC */
    u64 v;
    /* xAPIC mode: no x2APIC MSR answers. */
    for (u32 msr = 0x800; msr <= 0x8ff; msr++) {
        CHECK(!lapic_msr_read(&a, msr, now, &v));
        CHECK(!lapic_msr_write(&a, msr, 0, now));
    }
    CHECK(!lapic_msr_read(&a, 0x7ff, now, &v));
    to_x2apic();
    CHECK(!lapic_msr_read(&a, 0x7ff, now, &v));
    CHECK(!lapic_msr_read(&a, 0x900, now, &v));
    CHECK(!lapic_msr_write(&a, 0x900, 0, now));
    /* Which MSRs exist, and how. */
    for (u32 msr = 0x800; msr <= 0x8ff; msr++) {
        CHECK_EQ_U64(lapic_msr_read(&a, msr, now, &v), x2_readable(msr));
        if (msr == 0x80f || msr == 0x830)
            continue; /* writing 0 would disable the APIC / send an IPI */
        bool wrote = lapic_msr_write(&a, msr, 0, now);
        CHECK_EQ_U64(wrote, x2_writable(msr));
    }
    CHECK_EQ_U64(xrd(0x020), 0x23);
    CHECK_EQ_U64(xrd(0x030), 0x00060014);
    CHECK_EQ_U64(xrd(0x0d0), (0x2u << 16) | (1u << 3));
    CHECK(lapic_msr_write(&a, 0x80f, 0x1ff, now));
    CHECK_EQ_U64(xrd(0x0f0), 0x1ff);

    /* Reserved bits #GP and change nothing. */
    struct lapic before = a;
    CHECK(!xwr(0x080, 0x100));
    CHECK(!xwr(0x080, 1ull << 32));
    CHECK(!xwr(0x0f0, 0x11ff)); /* EOI-broadcast suppression: not offered */
    CHECK(!xwr(0x0f0, 0x5ff));
    CHECK(!xwr(0x0b0, 1));          /* EOI: only 0 */
    CHECK(!xwr(0x280, 1));          /* ESR: only 0 */
    CHECK(!xwr(0x320, 0x80000));    /* timer LVT bit 19 */
    CHECK(!xwr(0x320, 0x60000));    /* timer mode 3 */
    CHECK(!xwr(0x370, 0x100));      /* error LVT has no delivery mode */
    CHECK(!xwr(0x350, 0x20000));    /* LINT0 bit 17 */
    CHECK(!xwr(0x3e0, 0x4));        /* divide bit 2 */
    CHECK(!xwr(0x3f0, 0x100));      /* SELF IPI: vector only */
    CHECK(!xwr(0x300, 0x2000));     /* ICR bit 13 */
    CHECK(!xwr(0x300, 0x10000));    /* ICR bit 16 */
    CHECK(!xwr(0x300, 0x100000));   /* ICR bit 20 */
    CHECK(!xwr(0x380, 1ull << 40)); /* upper half of a 32-bit register */
    CHECK(memcmp(&a, &before, sizeof(a)) == 0);
    /* Read-only bits may be written back as read. */
    CHECK(xwr(0x350, 0x4000 | 0x1000 | 0x30));
    CHECK_EQ_U64(xrd(0x350), 0x30);
    CHECK(xwr(0x300, (5ull << 32) | 0x1000 | 0x31)); /* to ID 5: nobody */
    CHECK_EQ_U64(xrd(0x300), (5ull << 32) | 0x31);
    CHECK(irr_empty());

    /* The registers work through the MSRs. */
    CHECK(xwr(0x080, 0x45));
    CHECK_EQ_U64(xrd(0x080), 0x45);
    CHECK_EQ_U64(lapic_cr8(&a), 4);
    CHECK(xwr(0x080, 0));
    CHECK(xwr(0x3f0, 0x52));
    CHECK(bit(a.irr, 0x52));
    CHECK_EQ_U64(xrd(0x200 + 0x52 / 32 * 0x10), 1u << (0x52 % 32));
    CHECK_EQ_U64(lapic_pending(&a), 0x52);
    lapic_ack(&a, 0x52);
    CHECK_EQ_U64(xrd(0x0a0), 0x50);
    CHECK_EQ_U64(xrd(0x100 + 0x52 / 32 * 0x10), 1u << (0x52 % 32));
    CHECK(xwr(0x0b0, 0));
    CHECK_EQ_U64(xrd(0x100 + 0x52 / 32 * 0x10), 0);
    CHECK(xwr(0x3f0, 0x07));
    CHECK(irr_empty());
    CHECK(xwr(0x280, 0));
    CHECK_EQ_U64(xrd(0x280), APIC_ESR_RECV_ILLEGAL_VECTOR);
    /* ICR: one 64-bit MSR, the destination in 63:32. */
    CHECK(xwr(0x300, (0x23ull << 32) | 0x53));
    CHECK(bit(a.irr, 0x53));
    take_and_eoi(0x53);
    CHECK(xwr(0x0b0, 0));
    CHECK(xwr(0x300, (0x24ull << 32) | 0x54));
    CHECK(!bit(a.irr, 0x54));
    CHECK(xwr(0x300, (0xffffffffull << 32) | 0x55));
    CHECK(bit(a.irr, 0x55));
    lapic_ack(&a, 0x55);
    CHECK(xwr(0x0b0, 0));
    /* Logical: cluster 2, member bit 3. */
    CHECK(xwr(0x300, (0x20008ull << 32) | 0x800 | 0x56));
    CHECK(bit(a.irr, 0x56));
    lapic_ack(&a, 0x56);
    CHECK(xwr(0x0b0, 0));
    CHECK(xwr(0x300, (0x10008ull << 32) | 0x800 | 0x57));
    CHECK(xwr(0x300, (0x20004ull << 32) | 0x800 | 0x57));
    CHECK(irr_empty());
    /* LVTs and the timer registers through MSRs. */
    CHECK(xwr(0x320, 0x20040));
    CHECK_EQ_U64(xrd(0x320), 0x20040);
    CHECK(xwr(0x3e0, 0xb));
    CHECK_EQ_U64(xrd(0x3e0), 0xb);
    CHECK(xwr(0x380, 77));
    CHECK_EQ_U64(xrd(0x380), 77);
    CHECK_EQ_U64(xrd(0x390), 77);
    /* Software disable through the SVR masks the LVTs. */
    CHECK(xwr(0x0f0, 0xff));
    CHECK_EQ_U64(xrd(0x320), 0x30040);
    CHECK(xwr(0x350, 0x30));
    CHECK_EQ_U64(xrd(0x350), 0x10030);
}

/* A random walk over every entry point; after each step the invariants
 * hold and nothing reads or writes out of bounds (ASan/UBSan). */
static void test_random_walk(void)
{
    srand(5);
    fresh(1);
    for (int step = 0; step < 200000; step++) {
        u32 r = (u32)rand(), off = (u32)rand() & 0xfff, size = 1u << (rand() % 4);
        u64 value = (u64)rand() << 33 ^ (u64)rand() << 7 ^ (u64)rand();
        now += (u64)(rand() % 4096);
        switch (r % 12) {
        case 0:
        case 1:
            lapic_mmio_write(&a, off & ~3u, 4, value, now);
            break;
        case 2:
            lapic_mmio_write(&a, off, size, value, now);
            break;
        case 3:
            lapic_mmio_read(&a, off, size, now);
            break;
        case 4:
            lapic_msr_write(&a, 0x800 + (r >> 8) % 0x100, value, now);
            break;
        case 5: {
            u64 v;
            lapic_msr_read(&a, 0x800 + (r >> 8) % 0x100, now, &v);
            break;
        }
        case 6: {
            static const u64 bases[] = {0, 0x800, 0xc00, 0x400};
            lapic_set_base(&a, 0xfee00000ull | bases[(r >> 8) % 4] | (value & 0x100), 40, now);
            break;
        }
        case 7:
            lapic_accept(&a, (r >> 8) & 0xff, r & 0x100);
            break;
        case 8: {
            int v = lapic_pending(&a);
            if (v >= 0)
                lapic_ack(&a, (u32)v);
            break;
        }
        case 9:
            lapic_set_tsc_deadline(&a, now + (value & 0xffff) - 0x4000, now);
            break;
        case 10:
            lapic_set_cr8(&a, r >> 8);
            break;
        default:
            lapic_update(&a, now);
            lapic_take_nmi(&a);
            break;
        }
        /* Invariants. */
        CHECK((a.irr[0] & 0xffff) == 0);
        int p = lapic_pending(&a);
        CHECK(p == -1 || (p >= 16 && p < 256 && bit(a.irr, (u32)p)));
        if (!(a.svr & APIC_SVR_ENABLE) || !lapic_enabled(&a))
            for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
                CHECK(a.lvt[i] & APIC_LVT_MASKED);
        lapic_update(&a, now);
        CHECK(a.timer_deadline == LAPIC_NO_EVENT || a.timer_deadline > now);
        u32 mode = (a.lvt[1] >> 17) & 3;
        u32 cur = lapic_timer_current(&a, now);
        CHECK(mode < 2
                  ? cur <= (a.timer_count0 > a.timer_initial ? a.timer_count0 : a.timer_initial)
                  : cur == 0);
        CHECK(!lapic_enabled(&a) ? a.timer_deadline == LAPIC_NO_EVENT : true);
        CHECK((lapic_base_msr(&a) & 0xc00) != 0x400);
    }
}

int main(void)
{
    test_reset_state();
    test_writable_bits();
    test_reserved_slots();
    test_access_sizes();
    test_esr();
    test_priority();
    test_ipi();
    test_base_msr();
    test_x2apic_msrs();
    test_random_walk();
    return check_report("vmm_lapic");
}
