/*
 * devclient: drives the device server (servers/devices/) the way a guest's
 * drivers would, each port access sent as a device-protocol request
 * (abi/vireo/devproto.h) as the VMM will forward it: the 16550 UART (line
 * control, divisor latch, text through THR, scratch, modem and interrupt
 * registers, loopback), fw_cfg, an unclaimed port, malformed requests, and
 * at last the debug-exit port. `arg` has the device server's layout
 * (devices_arg.h): what fw_cfg must report. Prints a PASS/FAIL line per
 * check and a summary; exits 0 when all passed.
 */
#include <vireo/devproto.h>
#include <vireo/server.h>
#include <vireo/user.h>

#include "board.h"
#include "devices_arg.h"

#define COM1(reg)      (BOARD_COM1_PORT + (reg))
#define UNCLAIMED_PORT 0x2f8u /* COM2: not on this board */
#define UNCLAIMED_MMIO 0xfee00000ull
#define DEBUG_EXIT_VAL 0x21u
#define UART_TEXT      "devclient says hello through the 16550"
#define LOOPBACK_TEXT  "LB-42"
#define IIR_NONE_FIFO  (UART_IIR_FIFO | UART_IIR_NONE)

static u64 devices_pt;
static unsigned passed, failed;

/* The last reply. */
static u64 rep[VIREO_DEV_REP_MAX_WORDS];
static u64 rep_words;
static enum vireo_status rep_ipc;

static void check(bool ok, const char *what)
{
    if (ok)
        passed++;
    else
        failed++;
    printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
}

static void check_eq(const char *what, u64 got, u64 want)
{
    if (got == want) {
        passed++;
        printf("PASS: %s = %#llx\n", what, (unsigned long long)got);
    } else {
        failed++;
        printf("FAIL: %s = %#llx, expected %#llx\n", what, (unsigned long long)got,
               (unsigned long long)want);
    }
}

static void send(const u64 *msg, u64 words)
{
    rep_words = 0;
    for (unsigned i = 0; i < VIREO_DEV_REP_LINES; i++)
        rep[i] = ~0ull; /* a short reply must not look like a good one */
    rep_ipc = ipc_call(devices_pt, msg, words, rep, VIREO_DEV_REP_MAX_WORDS, &rep_words);
    if (rep_ipc != VIREO_OK)
        printf("FAIL: call to devices: %s\n", vireo_status_name(rep_ipc));
}

/* One access; a failed call counts as one failure here, the status is the
 * caller's to check. */
static u64 dev_access(u32 op, u32 size, u64 addr, u64 value)
{
    u64 msg[VIREO_DEV_REQ_WORDS] = {vireo_devhdr(op, size), addr, value};
    send(msg, VIREO_DEV_REQ_WORDS);
    if (rep_ipc != VIREO_OK)
        failed++;
    return rep[VIREO_DEV_REP_VALUE];
}

/* A guest's in/out to a port a device claims: anything but OK (or STOP,
 * after the debug-exit write) is a failure, reported at once. */
static bool device_ok(void)
{
    u64 st = rep[VIREO_DEV_REP_STATUS];
    if (rep_ipc == VIREO_OK && (st == VIREO_DEV_OK || st == VIREO_DEV_STOP))
        return true;
    failed++;
    printf("FAIL: access answered with status %#llx\n", (unsigned long long)st);
    return false;
}

static u32 in(u16 port, u32 size)
{
    u64 v = dev_access(VIREO_DEV_OP_IO_READ, size, port, 0);
    device_ok();
    return (u32)v;
}

static void out(u16 port, u32 size, u32 value)
{
    dev_access(VIREO_DEV_OP_IO_WRITE, size, port, value);
    device_ok();
}

static u8 inb(u16 port)
{
    return (u8)in(port, 1);
}

static void outb(u16 port, u8 value)
{
    out(port, 1, value);
}

/* 8N1 at 115200 baud: divisor 1 through the latch, read back. */
static void uart_line_control(void)
{
    check_eq("LSR at reset (THRE|TEMT)", inb(COM1(UART_LSR)), UART_LSR_THRE | UART_LSR_TEMT);
    outb(COM1(UART_IER_DLM), UART_IER_RLS); /* no line errors: raises nothing */
    outb(COM1(UART_LCR), UART_LCR_DLAB | 3);
    outb(COM1(UART_RBR_THR_DLL), 0x34);
    outb(COM1(UART_IER_DLM), 0x12);
    check_eq("divisor latch DLL", inb(COM1(UART_RBR_THR_DLL)), 0x34);
    check_eq("divisor latch DLM", inb(COM1(UART_IER_DLM)), 0x12);
    outb(COM1(UART_RBR_THR_DLL), 0x01);
    outb(COM1(UART_IER_DLM), 0x00);
    check_eq("divisor 1 (115200 baud) read back",
             inb(COM1(UART_RBR_THR_DLL)) | inb(COM1(UART_IER_DLM)) << 8, 1);
    check_eq("LCR with DLAB", inb(COM1(UART_LCR)), UART_LCR_DLAB | 3);
    outb(COM1(UART_LCR), 3);
    check_eq("LCR 8N1", inb(COM1(UART_LCR)), 3);
    check_eq("IER behind the latch untouched", inb(COM1(UART_IER_DLM)), UART_IER_RLS);
    outb(COM1(UART_IER_DLM), 0);
    outb(COM1(UART_IIR_FCR), UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX | 0xc0);
    check_eq("IIR with FIFOs on, nothing pending", inb(COM1(UART_IIR_FCR)), IIR_NONE_FIFO);
}

/* A polling driver: wait for THRE, then write the byte. */
static void uart_text(void)
{
    static const char text[] = UART_TEXT "\r\n";
    unsigned ready = 0;
    for (unsigned i = 0; i < sizeof(text) - 1; i++) {
        if (inb(COM1(UART_LSR)) & UART_LSR_THRE)
            ready++;
        outb(COM1(UART_RBR_THR_DLL), (u8)text[i]);
    }
    check(ready == sizeof(text) - 1, "a line of text through THR, THRE set before every byte");
    check_eq("LSR after the text", inb(COM1(UART_LSR)), UART_LSR_THRE | UART_LSR_TEMT);
}

static void uart_scratch_and_modem(void)
{
    outb(COM1(UART_SCR), 0x5a);
    check_eq("scratch 0x5a", inb(COM1(UART_SCR)), 0x5a);
    outb(COM1(UART_SCR), 0xa5);
    check_eq("scratch 0xa5", inb(COM1(UART_SCR)), 0xa5);
    /* 16 bits at SCR: the byte above is nobody's and reads all ones */
    check_eq("16-bit read of SCR and the port above", in(COM1(UART_SCR), 2), 0xffa5);
    outb(COM1(UART_MCR), UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    check_eq("MCR DTR|RTS|OUT2", inb(COM1(UART_MCR)), UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    check_eq("MSR: CTS, DSR, DCD from the terminal",
             inb(COM1(UART_MSR)) & (UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD),
             UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
    check_eq("IIR, nothing pending", inb(COM1(UART_IIR_FCR)), IIR_NONE_FIFO);
}

static bool line_in_reply(u32 kind)
{
    return rep[VIREO_DEV_REP_NLINES] == 1 &&
           rep[VIREO_DEV_REP_LINES] == vireo_devline(BOARD_COM1_LINE, kind);
}

/* THRE interrupt: enabling it raises line 4 in that reply; reading IIR
 * acknowledges it and the line drops in that reply. */
static void uart_interrupt(void)
{
    outb(COM1(UART_IER_DLM), UART_IER_THRE);
    check(line_in_reply(VIREO_LINE_HIGH), "enabling the THRE interrupt raises line 4 in the reply");
    check_eq("IIR says THRE", inb(COM1(UART_IIR_FCR)), UART_IIR_FIFO | UART_IIR_THRE);
    check(line_in_reply(VIREO_LINE_LOW), "reading IIR lowers line 4 in the reply");
    check_eq("IIR after the acknowledgement", inb(COM1(UART_IIR_FCR)), IIR_NONE_FIFO);
    check_eq("no line change in that reply", rep[VIREO_DEV_REP_NLINES], 0);
    outb(COM1(UART_IER_DLM), 0);
}

/* Loopback: bytes written come back in RBR, the modem outputs in MSR. */
static void uart_loopback(void)
{
    static const char text[] = LOOPBACK_TEXT;
    outb(COM1(UART_MCR),
         UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT1 | UART_MCR_OUT2);
    check_eq("MSR mirrors MCR in loopback", inb(COM1(UART_MSR)) & 0xf0, 0xf0);
    check_eq("LSR.DR clear before", inb(COM1(UART_LSR)) & UART_LSR_DR, 0);
    for (unsigned i = 0; i < sizeof(text) - 1; i++)
        outb(COM1(UART_RBR_THR_DLL), (u8)text[i]);
    check_eq("LSR.DR set by looped bytes", inb(COM1(UART_LSR)) & UART_LSR_DR, UART_LSR_DR);
    unsigned same = 0;
    for (unsigned i = 0; i < sizeof(text) - 1; i++)
        same += inb(COM1(UART_RBR_THR_DLL)) == (u8)text[i];
    check(same == sizeof(text) - 1, "looped bytes read back from RBR in order");
    check_eq("LSR.DR clear after", inb(COM1(UART_LSR)) & UART_LSR_DR, 0);
    outb(COM1(UART_MCR), UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
}

/* An item's first `len` bytes, little-endian, as firmware reads them. */
static u64 fw_cfg_item(u16 key, unsigned len)
{
    out(FW_CFG_PORT_SEL, 2, key);
    u64 v = 0;
    for (unsigned i = 0; i < len; i++)
        v |= (u64)inb(FW_CFG_PORT_DATA) << (8 * i);
    return v;
}

static void fw_cfg(u64 arg)
{
    check_eq("fw_cfg signature \"QEMU\"", fw_cfg_item(FW_CFG_SIGNATURE, 4), 0x554d4551);
    check_eq("fw_cfg byte past the signature", inb(FW_CFG_PORT_DATA), 0);
    check_eq("fw_cfg ID (port interface)", fw_cfg_item(FW_CFG_ID, 4), FW_CFG_ID_TRADITIONAL);
    check_eq("fw_cfg CPU count", fw_cfg_item(FW_CFG_NB_CPUS, 2), devices_arg_cpus(arg));
    check_eq("fw_cfg RAM size", fw_cfg_item(FW_CFG_RAM_SIZE, 8), devices_arg_ram_bytes(arg));
}

static void unclaimed(void)
{
    static const u32 sizes[] = {1, 2, 4};
    for (unsigned i = 0; i < 3; i++) {
        u64 v = dev_access(VIREO_DEV_OP_IO_READ, sizes[i], UNCLAIMED_PORT, 0);
        check(rep[VIREO_DEV_REP_STATUS] == VIREO_DEV_NO_DEVICE && v == vireo_dev_ones(sizes[i]),
              i == 0   ? "unclaimed port, 8-bit read: NO_DEVICE, all ones"
              : i == 1 ? "unclaimed port, 16-bit read: NO_DEVICE, all ones"
                       : "unclaimed port, 32-bit read: NO_DEVICE, all ones");
    }
    dev_access(VIREO_DEV_OP_IO_WRITE, 1, UNCLAIMED_PORT, 0x55);
    check_eq("unclaimed port, write status", rep[VIREO_DEV_REP_STATUS], VIREO_DEV_NO_DEVICE);
    u64 v = dev_access(VIREO_DEV_OP_MMIO_READ, 8, UNCLAIMED_MMIO, 0);
    check(rep[VIREO_DEV_REP_STATUS] == VIREO_DEV_NO_DEVICE && v == ~0ull,
          "unclaimed MMIO, 64-bit read: NO_DEVICE, all ones");
    dev_access(VIREO_DEV_OP_MMIO_WRITE, 4, UNCLAIMED_MMIO, 1);
    check_eq("unclaimed MMIO, write status", rep[VIREO_DEV_REP_STATUS], VIREO_DEV_NO_DEVICE);
}

/* Requests no VMM should send: each gets BAD_REQUEST and changes nothing. */
static void malformed(void)
{
    static const struct {
        u64 words, hdr, addr;
        const char *what;
    } bad[] = {
        {0, 0, 0, "an empty message"},
        {2, VIREO_DEV_OP_IO_READ | 1u << 8, 0x3f8, "two words"},
        {3, 0 | 1u << 8, 0x3f8, "op 0"},
        {3, 9 | 1u << 8, 0x3f8, "unknown op 9"},
        {3, VIREO_DEV_OP_POLL | 1u << 8, 0, "a POLL with a size"},
        {3, VIREO_DEV_OP_IO_READ, 0x3f8, "I/O size 0"},
        {3, VIREO_DEV_OP_IO_READ | 3u << 8, 0x3f8, "I/O size 3"},
        {3, VIREO_DEV_OP_IO_WRITE | 8u << 8, 0x3f8, "I/O size 8"},
        {3, VIREO_DEV_OP_IO_READ | 1u << 8, 0x10000, "port 0x10000"},
        {3, VIREO_DEV_OP_IO_READ | 1u << 8 | 1ull << 40, 0x3f8, "reserved header bits"},
        {3, VIREO_DEV_OP_MMIO_READ | 5u << 8, UNCLAIMED_MMIO, "MMIO size 5"},
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        u64 msg[VIREO_DEV_REQ_WORDS] = {bad[i].hdr, bad[i].addr, 0x41};
        send(msg, bad[i].words);
        bool ok = rep_ipc == VIREO_OK && rep_words == VIREO_DEV_REP_LINES &&
                  rep[VIREO_DEV_REP_STATUS] == VIREO_DEV_BAD_REQUEST &&
                  rep[VIREO_DEV_REP_VALUE] == 0 && rep[VIREO_DEV_REP_NLINES] == 0;
        if (ok)
            passed++;
        else
            failed++;
        printf("%s: malformed request (%s): BAD_REQUEST\n", ok ? "PASS" : "FAIL", bad[i].what);
    }
    /* words past the third are not the request's: served as usual */
    u64 msg[VIREO_MSG_WORDS] = {vireo_devhdr(VIREO_DEV_OP_IO_READ, 1), COM1(UART_SCR)};
    send(msg, VIREO_MSG_WORDS);
    check(rep[VIREO_DEV_REP_STATUS] == VIREO_DEV_OK && rep[VIREO_DEV_REP_VALUE] == 0xa5,
          "a request with extra words is served");
    check_eq("UART state after the malformed requests (LSR)", inb(COM1(UART_LSR)),
             UART_LSR_THRE | UART_LSR_TEMT);
}

/* The guest ends its run: the reply says STOP with (v << 1) | 1. */
static void debug_exit(void)
{
    dev_access(VIREO_DEV_OP_IO_WRITE, 1, DEBUG_EXIT_PORT, DEBUG_EXIT_VAL);
    check_eq("debug-exit write: reply status STOP", rep[VIREO_DEV_REP_STATUS], VIREO_DEV_STOP);
    check_eq("debug-exit write: stop status (v << 1) | 1", rep[VIREO_DEV_REP_STOP],
             (DEBUG_EXIT_VAL << 1) | 1);
    /* the device server (EXIT_ON_STOP) ends on the next request */
    u64 msg[VIREO_DEV_REQ_WORDS] = {vireo_devhdr(VIREO_DEV_OP_IO_READ, 1), COM1(UART_LSR), 0};
    enum vireo_status s = ipc_call(devices_pt, msg, VIREO_DEV_REQ_WORDS, NULL, 0, NULL);
    check(s == VIREO_E_ABORTED, "the device server ends after its VM stopped");
}

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    devices_pt = server_call_sel(info, "devices");
    if (devices_pt == VIREO_SERVER_SEL_NONE)
        user_fatal("no portal to devices\n");
    uart_line_control();
    uart_text();
    uart_scratch_and_modem();
    uart_interrupt();
    uart_loopback();
    fw_cfg(info->arg);
    unclaimed();
    malformed();
    debug_exit();
    if (failed) {
        printf("%u of %u checks FAILED\n", failed, passed + failed);
        return 1;
    }
    printf("all %u checks passed\n", passed);
    return 0;
}
