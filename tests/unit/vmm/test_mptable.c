/* The MP table (servers/vmm/mptable.c), parsed back as an OS does: the
 * floating pointer found and checked, the configuration table's checksum
 * and length, every entry walked by its type's size, and what the entries
 * say (processors, the ISA bus, the IOAPIC, the interrupt routes). */
#include "check.h"
#include "mptable.h"
#include <string.h>

static u8 buf[MPTABLE_MAX_BYTES];

static u32 get16(const u8 *p)
{
    return p[0] | (u32)p[1] << 8;
}
static u32 get32(const u8 *p)
{
    return get16(p) | get16(p + 2) << 16;
}
static u8 sum(const u8 *p, u32 n)
{
    u8 s = 0;
    for (u32 i = 0; i < n; i++)
        s = (u8)(s + p[i]);
    return s;
}

static void test_table(u32 cpus, u32 ioapic_id)
{
    memset(buf, 0xaa, sizeof(buf));
    u32 n = mptable_build(buf, MPTABLE_ADDR, cpus, ioapic_id, 0x000306a9, 0x178bfbff);
    CHECK(n > 16 && n <= MPTABLE_MAX_BYTES);
    /* the floating pointer: "_MP_", 16 bytes, revision 1.4, sum 0, the
     * table right after it, no default configuration, no IMCR */
    CHECK(memcmp(buf, "_MP_", 4) == 0);
    CHECK_EQ_U64(buf[8], 1);
    CHECK_EQ_U64(buf[9], 4);
    CHECK_EQ_U64(sum(buf, 16), 0);
    CHECK_EQ_U64(get32(buf + 4), MPTABLE_ADDR + 16);
    for (unsigned i = 11; i < 16; i++)
        CHECK_EQ_U64(buf[i], 0);
    const u8 *t = buf + (get32(buf + 4) - MPTABLE_ADDR);
    CHECK(memcmp(t, "PCMP", 4) == 0);
    u32 len = get16(t + 4);
    CHECK_EQ_U64(16 + len, n);
    CHECK_EQ_U64(t[6], 4);
    CHECK_EQ_U64(sum(t, len), 0);
    CHECK_EQ_U64(get32(t + 36), 0xfee00000u);
    CHECK_EQ_U64(get16(t + 40), 0); /* no extended table */
    /* the entries */
    u32 count = get16(t + 34), procs = 0, buses = 0, ioapics = 0, bsps = 0;
    u32 irq_pin[16], lint[2] = {~0u, ~0u};
    for (unsigned i = 0; i < 16; i++)
        irq_pin[i] = ~0u;
    const u8 *e = t + 44;
    for (u32 i = 0; i < count; i++) {
        CHECK(e < t + len);
        switch (e[0]) {
        case 0:
            CHECK_EQ_U64(e[1], procs);
            CHECK_EQ_U64(e[2], 0x14);
            CHECK(e[3] & 1);
            bsps += (e[3] & 2) != 0;
            CHECK_EQ_U64(get32(e + 4), 0x000306a9);
            CHECK_EQ_U64(get32(e + 8), 0x178bfbff);
            procs++;
            e += 20;
            break;
        case 1:
            CHECK_EQ_U64(e[1], 0);
            CHECK(memcmp(e + 2, "ISA   ", 6) == 0);
            buses++;
            e += 8;
            break;
        case 2:
            CHECK_EQ_U64(e[1], ioapic_id);
            CHECK_EQ_U64(e[2], 0x20);
            CHECK_EQ_U64(e[3], 1);
            CHECK_EQ_U64(get32(e + 4), 0xfec00000u);
            CHECK(e[1] >= cpus); /* no clash with a local APIC's ID */
            ioapics++;
            e += 8;
            break;
        case 3:
            CHECK_EQ_U64(e[1], 0);         /* INT */
            CHECK_EQ_U64(get16(e + 2), 0); /* conforms to ISA: edge, high */
            CHECK_EQ_U64(e[4], 0);         /* the ISA bus */
            CHECK_EQ_U64(e[6], ioapic_id);
            CHECK(e[5] < 16);
            irq_pin[e[5]] = e[7];
            e += 8;
            break;
        case 4:
            CHECK_EQ_U64(e[6], 0xff); /* every local APIC */
            CHECK(e[7] < 2);
            lint[e[7]] = e[1];
            e += 8;
            break;
        default:
            CHECK(!"unknown entry type");
            return;
        }
    }
    CHECK(e == t + len);
    CHECK_EQ_U64(procs, cpus);
    CHECK_EQ_U64(bsps, 1);
    CHECK_EQ_U64(buses, 1);
    CHECK_EQ_U64(ioapics, 1);
    for (unsigned irq = 0; irq < 16; irq++)
        CHECK_EQ_U64(irq_pin[irq], irq == 2 ? ~0u : irq); /* pin n; 2 is the cascade */
    CHECK_EQ_U64(lint[0], 3);                             /* ExtINT on LINT0 */
    CHECK_EQ_U64(lint[1], 1);                             /* NMI on LINT1 */
    /* nothing written past the table */
    for (u32 i = n; i < MPTABLE_MAX_BYTES; i++)
        CHECK_EQ_U64(buf[i], 0);
}

int main(void)
{
    test_table(1, MPTABLE_IOAPIC_ID);
    test_table(4, 4);
    test_table(MPTABLE_MAX_CPUS, 15);
    CHECK_EQ_U64(mptable_build(buf, MPTABLE_ADDR, 0, 1, 0, 0), 0);
    CHECK_EQ_U64(mptable_build(buf, MPTABLE_ADDR, MPTABLE_MAX_CPUS + 1, 9, 0, 0), 0);
    CHECK_EQ_U64(mptable_build(buf, MPTABLE_ADDR, 2, 1, 0, 0), 0);  /* a local APIC's ID */
    CHECK_EQ_U64(mptable_build(buf, MPTABLE_ADDR, 1, 16, 0, 0), 0); /* 4 bits in the ID register */
    return check_report("vmm_mptable");
}
