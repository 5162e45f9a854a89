/*
 * devices: the device server. Serves its portal with the device protocol
 * (abi/vireo/devproto.h): each call is one port-I/O or MMIO access a VMM
 * forwards from its guest, answered by the models on board.h's port bus.
 * `arg` is devices_arg.h's layout; docs/DEVICES.md describes the whole.
 */
#include <vireo/date.h>
#include <vireo/server.h>
#include <vireo/user.h>
#include <string.h>
#include <x86/cpu.h>

#include "board.h"
#include "devices_arg.h"
#include "uart_console.h"

#define BAD_REQUESTS_LOGGED 16u /* a confused VMM must not flood the console */

struct devices {
    struct board board;
    struct uart_console com1_out;
    bool exit_on_stop;
    unsigned bad_requests;
    u64 console; /* the console input semaphore, or VIREO_SERVER_SEL_NONE */
    u64 tsc_khz; /* the devices' time base: the kernel's measure, or devices_arg.h TSC_KHZ */
};

/* The devices' clock: the TSC in nanoseconds (rdtsc works in ring 3). */
static u64 tsc_ns(void *ctx)
{
    const struct devices *s = ctx;
    u64 tsc = rdtsc();
    return tsc / s->tsc_khz * 1000000u + tsc % s->tsc_khz * 1000000u / s->tsc_khz;
}

/* The RTC's date at start: the host's now (the kernel's reading of its
 * RTC, moved on by the TSC at the kernel's rate, as the VMM's kvmclock
 * wall clock has it), else the fixed DEVICES_RTC_EPOCH_S. */
static bool rtc_start(const struct vireo_server_info *info, u64 *epoch_s, u32 *epoch_ns)
{
    *epoch_ns = 0;
    *epoch_s = DEVICES_RTC_EPOCH_S;
    if (!info->epoch_s)
        return false;
    *epoch_s = date_at_tsc(info->epoch_s, info->epoch_tsc, rdtsc(), info->tsc_khz, epoch_ns);
    return true;
}

/* The TSC value at nanosecond ns of that clock, rounded up (the VMM polls
 * at it: not before the event). */
static u64 ns_tsc(const struct devices *s, u64 ns)
{
    if (ns == BOARD_NO_EVENT)
        return VIREO_DEV_NO_EVENT;
    return ns / 1000000u * s->tsc_khz + (ns % 1000000u * s->tsc_khz + 999999u) / 1000000u;
}

/* Host terminal input goes into COM1's receiver when the guest looks at
 * it (a read of its ports: how a polling guest waits) and at every poll
 * (the VMM polls when input arrives: how an interrupt-driven guest gets
 * it). */
static void pull_console_input(struct devices *s, const u64 *msg, u64 words)
{
    if (s->console == VIREO_SERVER_SEL_NONE || words < VIREO_DEV_REQ_WORDS)
        return;
    u64 op = VIREO_GET(VIREO_DEVHDR, OP, msg[VIREO_DEV_REQ_HDR]);
    u64 port = msg[VIREO_DEV_REQ_ADDR];
    bool com1_read =
        op == VIREO_DEV_OP_IO_READ && port >= BOARD_COM1_PORT && port < BOARD_COM1_PORT + 8;
    if (!com1_read && op != VIREO_DEV_OP_POLL)
        return;
    struct uart16550 *u = &s->board.com1;
    char buf[16];
    unsigned space = uart_rx_space(u);
    u64 n = 0;
    if (!space ||
        sys_console_read(s->console, buf, space < sizeof(buf) ? space : sizeof(buf), &n) !=
            VIREO_OK ||
        !n)
        return;
    for (u64 i = 0; i < n; i++)
        uart_receive(u, (u8)buf[i]);
    uart_rx_idle(u);
}

static void log_bad_request(struct devices *s, u64 badge, const u64 *msg, u64 words)
{
    if (++s->bad_requests > BAD_REQUESTS_LOGGED)
        return;
    printf("bad request from badge %llu: %llu words, header %#llx%s\n", (unsigned long long)badge,
           (unsigned long long)words, (unsigned long long)(words ? msg[VIREO_DEV_REQ_HDR] : 0),
           s->bad_requests == BAD_REQUESTS_LOGGED ? " (no more logged)" : "");
}

static void report_stop(struct devices *s)
{
    uart_console_flush(&s->com1_out); /* the guest's last words come first */
    const struct debug_exit *d = &s->board.debug_exit;
    if (d->stopped)
        printf("debug-exit: value %#llx -> status %#llx\n", (unsigned long long)(d->status >> 1),
               (unsigned long long)d->status);
}

static u64 handle(void *ctx, u64 badge, struct vireo_utcb *utcb, u64 words)
{
    struct devices *s = ctx;
    struct dev_dispatch *dd = &s->board.dispatch;
    if (dd->stop && s->exit_on_stop) {
        printf("VM stopped with status %#llx, exiting\n", (unsigned long long)dd->stop_status);
        sys_exit(0);
    }
    bool was_stopped = dd->stop;
    pull_console_input(s, utcb->msg, words);
    /* timer interrupts due by now ride in this reply, with the next one */
    dd->next_event = ns_tsc(s, board_advance(&s->board));
    u64 reply[VIREO_DEV_REP_MAX_WORDS];
    u64 n = dev_dispatch_handle(dd, utcb->msg, words, reply);
    if (reply[VIREO_DEV_REP_STATUS] == VIREO_DEV_OK && board_take_reset(&s->board))
        reply[VIREO_DEV_REP_STATUS] = VIREO_DEV_RESET;
    if (reply[VIREO_DEV_REP_STATUS] == VIREO_DEV_BAD_REQUEST)
        log_bad_request(s, badge, utcb->msg, words);
    if (dd->stop && !was_stopped)
        report_stop(s);
    uart_console_sync(&s->com1_out); /* raw mode: the guest's bytes of this access */
    memcpy(utcb->msg, reply, n * sizeof(u64));
    return n;
}

int main(void);
int main(void)
{
    static struct devices s;
    const struct vireo_server_info *info = server_start();
    u16 cpus = devices_arg_cpus(info->arg);
    u64 ram = devices_arg_ram_bytes(info->arg);
    s.exit_on_stop = VIREO_GET(DEVICES_ARG, EXIT_ON_STOP, info->arg);
    s.console = info->console_sel;
    /* the kernel's measure of the TSC unless `arg` names one */
    s.tsc_khz = VIREO_GET(DEVICES_ARG, TSC_KHZ, info->arg) ? devices_arg_tsc_khz(info->arg)
                : info->tsc_khz                            ? info->tsc_khz
                                                           : DEVICES_DEFAULT_TSC_KHZ;
    uart_console_init(&s.com1_out);
    if (VIREO_GET(DEVICES_ARG, RAW_CONSOLE, info->arg) && s.console != VIREO_SERVER_SEL_NONE)
        uart_console_raw(&s.com1_out, s.console);
    u64 epoch_s;
    u32 epoch_ns;
    bool host_date = rtc_start(info, &epoch_s, &epoch_ns);
    if (board_init(&s.board, cpus, ram, epoch_s, epoch_ns, tsc_ns, &s, uart_console_tx,
                   &s.com1_out) != 0)
        user_fatal("the port map does not fit the bus\n");
    struct board_refusal why;
    if (VIREO_GET(DEVICES_ARG, PC_TESTDEV, info->arg) && board_add_pc_testdev(&s.board, &why) != 0)
        user_fatal("pc-testdev: %s %s%s%s\n", why.range, why.why, why.clash ? " " : "",
                   why.clash ? why.clash : "");
    printf("serving as id %u: com1 at %#x (line %u), debug-exit at %#x, fw_cfg at %#x: %u CPUs, "
           "%llu MiB\n",
           info->id, BOARD_COM1_PORT, BOARD_COM1_LINE, DEBUG_EXIT_PORT, FW_CFG_PORT_SEL, cpus,
           (unsigned long long)(ram >> 20));
    printf("pit at %#x (line %u), rtc at %#x (line %u), pci host bridge %04x:%04x at %#x; "
           "clock: TSC at %llu kHz%s, date %s\n",
           BOARD_PIT_PORT, BOARD_PIT_LINE, BOARD_RTC_PORT, BOARD_RTC_LINE, BOARD_HOST_BRIDGE_VENDOR,
           BOARD_HOST_BRIDGE_DEVICE, BOARD_PCI_PORT, (unsigned long long)s.tsc_khz,
           VIREO_GET(DEVICES_ARG, TSC_KHZ, info->arg) || info->tsc_khz ? "" : " (assumed)",
           host_date ? "from the host" : "fixed (2025-01-01): the host's is unknown");
    if (s.board.has_pc_testdev)
        printf("pc-testdev: scratch at %#x and %#x, flush-page at %#x, irq lines at %#x..%#x, "
               "memory at %#llx (%u KiB)\n",
               PC_TESTDEV_SCRATCH_PORT, PC_TESTDEV_SCRATCH_BYTE_PORT, PC_TESTDEV_FLUSH_PORT,
               PC_TESTDEV_IRQ_PORT, PC_TESTDEV_IRQ_PORT + PC_TESTDEV_IRQ_LINES - 1,
               (unsigned long long)PC_TESTDEV_MMIO_BASE, PC_TESTDEV_MMIO_SIZE >> 10);
    ipc_serve(user_utcb, handle, &s);
}
