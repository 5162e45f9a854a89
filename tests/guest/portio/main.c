/*
 * portio: port I/O to devices whose behaviour both machines define the same
 * way, every value checked: the UART scratch register (write, read back),
 * the UART divisor latch and line control, string I/O (OUTSB/INSB) on the
 * scratch register, the CMOS index/data pair (status register D reads 0x80:
 * "RAM valid") and a 32-bit PCI configuration read (the host bridge at
 * 0:0.0 is Intel's on q35 and on Bochs' i440FX). Round trips are timed.
 */
#include <guest/cpu.h>
#include <guest/rt.h>
#include <guest/uart.h>

const char guest_name[] = "portio";

#define ROUNDS        1000
#define SCRATCH       (UART_COM1 + UART_SCR)
#define CMOS_INDEX    0x70
#define CMOS_DATA     0x71
#define CMOS_NMI_OFF  0x80 /* bit 7 of the index: keep NMIs masked */
#define CMOS_STATUS_D 0x0d
#define PCI_ADDRESS   0xcf8
#define PCI_DATA      0xcfc

static uint8_t pattern(unsigned i)
{
    return (uint8_t)(i * 37 + 11);
}

static void scratch_loop(void)
{
    unsigned bad = 0;
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ROUNDS; i++) {
        outb(SCRATCH, pattern(i));
        uint8_t v = inb(SCRATCH);
        if (v != pattern(i) && bad++ < 4)
            rt_printf("portio: scratch round %u: wrote %#x, read %#x\n", i, pattern(i), v);
    }
    uint64_t cycles = rdtsc() - t0;
    rt_check(!bad, "UART scratch register: 1000 write/read round trips", "%u mismatches", bad);
    rt_note("UART scratch OUT+IN: %lu TSC cycles per round trip", (unsigned long)(cycles / ROUNDS));
}

static void uart_registers(void)
{
    /* The runtime programmed divisor 1 and 8N1; read them back. */
    uint8_t lcr = inb(UART_COM1 + UART_LCR);
    rt_check(lcr == UART_LCR_8N1, "UART LCR reads back 8N1", "%#x", lcr);
    outb(UART_COM1 + UART_LCR, UART_LCR_DLAB | UART_LCR_8N1);
    uint8_t dll = inb(UART_COM1 + 0), dlm = inb(UART_COM1 + 1);
    outb(UART_COM1 + UART_LCR, UART_LCR_8N1);
    rt_check(dll == 1 && dlm == 0, "UART divisor latch reads back 1 (115200 baud)",
             "DLL %#x DLM %#x", dll, dlm);
    outb(UART_COM1 + UART_LCR, 0x1b); /* 8 bits, even parity: a value, not a use */
    lcr = inb(UART_COM1 + UART_LCR);
    outb(UART_COM1 + UART_LCR, UART_LCR_8N1);
    rt_check(lcr == 0x1b, "UART LCR write/read of another value", "%#x", lcr);
}

static void string_io(void)
{
    uint8_t out[16], in[8];
    for (unsigned i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(0xa0 + i);
    const uint8_t *src = out;
    uint64_t n = sizeof(out);
    __asm__ volatile("rep outsb" : "+S"(src), "+c"(n) : "d"(SCRATCH) : "memory");
    uint8_t last = inb(SCRATCH);
    rt_check(last == out[15] && n == 0 && src == out + 16,
             "REP OUTSB x16 to the scratch register leaves the last byte, RSI/RCX advanced",
             "read %#x, rcx %lu, rsi +%ld", last, (unsigned long)n, (long)(src - out));

    uint8_t *dst = in;
    n = sizeof(in);
    __asm__ volatile("rep insb" : "+D"(dst), "+c"(n) : "d"(SCRATCH) : "memory");
    bool all = n == 0 && dst == in + 8;
    for (unsigned i = 0; i < sizeof(in); i++)
        all &= in[i] == out[15];
    rt_check(all, "REP INSB x8 from the scratch register reads it 8 times", "in[0] %#x rcx %lu",
             in[0], (unsigned long)n);
}

static void cmos_loop(void)
{
    unsigned bad = 0;
    uint8_t first = 0;
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ROUNDS; i++) {
        outb(CMOS_INDEX, CMOS_NMI_OFF | CMOS_STATUS_D);
        uint8_t v = inb(CMOS_DATA);
        if (i == 0)
            first = v;
        if (v != 0x80)
            bad++;
    }
    uint64_t cycles = rdtsc() - t0;
    rt_check(!bad, "CMOS status register D reads 0x80 (valid RAM), 1000 times",
             "%u reads differ, the first %#x", bad, first);
    rt_note("CMOS index OUT + data IN: %lu TSC cycles per round trip",
            (unsigned long)(cycles / ROUNDS));
}

static void pci_config(void)
{
    /* Configuration mechanism #1: the address register reads back. */
    outl(PCI_ADDRESS, 0x80000000);
    uint32_t addr = inl(PCI_ADDRESS);
    uint32_t id = inl(PCI_DATA);
    uint16_t low = inw(PCI_DATA);
    outl(PCI_ADDRESS, 0);
    rt_check(addr == 0x80000000, "PCI 0xcf8: 32-bit OUT/IN round trip", "%#x", addr);
    rt_printf("portio: PCI 0:0.0 vendor %04x device %04x\n", id & 0xffff, id >> 16);
    rt_check((id & 0xffff) == 0x8086, "PCI 0xcfc: 32-bit IN of the host bridge's IDs", "%#x", id);
    rt_check(low == (id & 0xffff), "PCI 0xcfc: 16-bit IN agrees", "%#x", low);
}

void guest_main(void)
{
    scratch_loop();
    uart_registers();
    string_io();
    cmos_loop();
    pci_config();
}
