/* The MP table for a Linux guest (mptable.h). Layouts: MP spec 1.4,
 * chapter 4; every multi-byte field little-endian. */
#include "mptable.h"
#include <string.h>

#define FLOATING_BYTES 16u
#define HEADER_BYTES   44u
#define CPU_BYTES      20u
#define ENTRY_BYTES    8u /* bus, IOAPIC, interrupt assignments */

enum mp_entry { MP_CPU = 0, MP_BUS = 1, MP_IOAPIC = 2, MP_IOINT = 3, MP_LINT = 4 };
enum mp_int { MP_INT = 0, MP_NMI = 1, MP_EXTINT = 3 };

#define MP_CPU_ENABLED    1u
#define MP_CPU_BSP        2u
#define MP_IOAPIC_ENABLED 1u
#define MP_LAPIC_VERSION  0x14u /* the version register's low byte (lapic.h) */
#define MP_IOAPIC_VERSION 0x20u
#define MP_LAPIC_ADDR     0xfee00000u
#define MP_IOAPIC_ADDR    0xfec00000u
#define MP_ALL_LAPICS     0xffu
#define MP_ISA_IRQS       16u
#define MP_CASCADE_IRQ    2u /* the slave i8259's: no IOAPIC pin */
#define MP_SPEC_REVISION  4u /* 1.4 */

static void put16(u8 *p, u16 v)
{
    p[0] = (u8)v;
    p[1] = (u8)(v >> 8);
}

static void put32(u8 *p, u32 v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (u8)(v >> (8 * i));
}

/* The byte that makes the sum of [p, p + n) zero. */
static u8 checksum(const u8 *p, u32 n)
{
    u8 sum = 0;
    for (u32 i = 0; i < n; i++)
        sum = (u8)(sum + p[i]);
    return (u8)-sum;
}

static u8 *interrupt(u8 *e, enum mp_entry type, enum mp_int kind, u8 irq, u8 dest, u8 pin)
{
    e[0] = (u8)type;
    e[1] = (u8)kind;
    put16(e + 2, 0); /* polarity and trigger: as the bus conforms (ISA: high, edge) */
    e[4] = 0;        /* source bus: the ISA bus */
    e[5] = irq;
    e[6] = dest;
    e[7] = pin;
    return e + ENTRY_BYTES;
}

u32 mptable_build(u8 *buf, u32 addr, u32 cpus, u32 ioapic_id, u32 cpu_signature, u32 cpu_features)
{
    if (cpus == 0 || cpus > MPTABLE_MAX_CPUS || ioapic_id < cpus || ioapic_id > 15)
        return 0;
    memset(buf, 0, MPTABLE_MAX_BYTES);
    u8 *table = buf + FLOATING_BYTES;
    u8 *e = table + HEADER_BYTES;
    u16 count = 0;
    for (u32 i = 0; i < cpus; i++, count++) {
        e[0] = MP_CPU;
        e[1] = (u8)i; /* APIC ID */
        e[2] = MP_LAPIC_VERSION;
        e[3] = MP_CPU_ENABLED | (i == 0 ? MP_CPU_BSP : 0);
        put32(e + 4, cpu_signature);
        put32(e + 8, cpu_features);
        e += CPU_BYTES;
    }
    e[0] = MP_BUS;
    e[1] = 0;
    memcpy(e + 2, "ISA   ", 6);
    e += ENTRY_BYTES, count++;
    e[0] = MP_IOAPIC;
    e[1] = (u8)ioapic_id;
    e[2] = MP_IOAPIC_VERSION;
    e[3] = MP_IOAPIC_ENABLED;
    put32(e + 4, MP_IOAPIC_ADDR);
    e += ENTRY_BYTES, count++;
    for (u8 irq = 0; irq < MP_ISA_IRQS; irq++) {
        if (irq == MP_CASCADE_IRQ)
            continue;
        e = interrupt(e, MP_IOINT, MP_INT, irq, (u8)ioapic_id, irq);
        count++;
    }
    e = interrupt(e, MP_LINT, MP_EXTINT, 0, MP_ALL_LAPICS, 0);
    e = interrupt(e, MP_LINT, MP_NMI, 0, MP_ALL_LAPICS, 1);
    count += 2;

    u32 length = (u32)(e - table);
    memcpy(table, "PCMP", 4);
    put16(table + 4, (u16)length);
    table[6] = MP_SPEC_REVISION;
    memcpy(table + 8, "VIREO   ", 8);       /* OEM ID */
    memcpy(table + 16, "VIREO VM    ", 12); /* product ID */
    put16(table + 34, count);
    put32(table + 36, MP_LAPIC_ADDR);
    table[7] = checksum(table, length);

    memcpy(buf, "_MP_", 4);
    put32(buf + 4, addr + FLOATING_BYTES);
    buf[8] = 1; /* length in 16-byte units */
    buf[9] = MP_SPEC_REVISION;
    buf[10] = checksum(buf, FLOATING_BYTES);
    return FLOATING_BYTES + length;
}
