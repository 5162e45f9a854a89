#include "console_input.h"
#include "user_mem.h"
#include "../log.h"
#include "../obj/obj.h"
#include "../sched/ipc.h"
#include <vireo/syscall.h>
#include <vireo/uart.h>

static struct {
    struct obj_sm *sm; /* held by a kernel reference: never freed under us */
    u8 ring[VIREO_CONSOLE_INPUT_BUFFER];
    u32 head, count;
    bool arrived; /* bytes came since the last delivery */
    u64 dropped;  /* bytes lost to a full buffer in this burst */
} in;

void console_input_init(struct obj_sm *sm)
{
    in.sm = sm;
    sm->hdr.kref++;
}

void console_input_poll(void)
{
    u8 c;
    /* A bounded burst per tick: a stuck UART cannot hold the CPU. */
    for (int n = 0; n < 64 && uart_try_getc(UART_COM1, &c); n++) {
        if (in.count == VIREO_CONSOLE_INPUT_BUFFER) {
            in.dropped++;
            continue;
        }
        in.ring[(in.head + in.count++) % VIREO_CONSOLE_INPUT_BUFFER] = c;
        in.arrived = true;
    }
}

bool console_input_awaited(void)
{
    return in.sm && in.sm->wait_head;
}

void console_input_deliver(void)
{
    if (in.dropped) {
        log_warn("kernel: console input: %llu bytes dropped (nobody reads them)\n",
                 (unsigned long long)in.dropped);
        in.dropped = 0;
    }
    if (!in.arrived || !in.sm)
        return;
    in.arrived = false;
    if (in.sm->hdr.cap_count)
        ipc_sm_signal(in.sm); /* VIREO_E_BUSY at the maximum: readers are behind anyway */
}

/* Whether sm_sel names the console input semaphore with DOWN: the
 * terminal's holder. */
static enum vireo_status holds_console(struct obj_ec *ec, u64 sm_sel)
{
    struct obj_sm *sm;
    enum vireo_status s = obj_lookup_sm(ec->pd, sm_sel, VIREO_SM_DOWN, &sm);
    if (s != VIREO_OK)
        return s;
    return sm == in.sm ? VIREO_OK : VIREO_E_BAD_CAP; /* else some other semaphore */
}

enum vireo_status console_read(struct obj_ec *ec, u64 sm_sel, u64 buf, u64 len, u64 *count)
{
    *count = 0;
    enum vireo_status s = holds_console(ec, sm_sel);
    if (s != VIREO_OK)
        return s;
    if (len > VIREO_CONSOLE_READ_MAX)
        return VIREO_E_INVALID_ARG;
    u64 n = len < in.count ? len : in.count;
    /* Check every page first: a bad buffer takes nothing. */
    for (u64 off = 0; off < n; off += 4096) {
        if (!user_page(ec->pd, (buf + off) & ~4095ull, true))
            return VIREO_E_BAD_ADDRESS;
    }
    if (n && !user_page(ec->pd, (buf + n - 1) & ~4095ull, true))
        return VIREO_E_BAD_ADDRESS;
    for (u64 i = 0; i < n; i++) {
        u64 a = buf + i;
        user_page(ec->pd, a & ~4095ull, true)[a & 4095] = in.ring[in.head];
        in.head = (in.head + 1) % VIREO_CONSOLE_INPUT_BUFFER;
        in.count--;
    }
    *count = n;
    return VIREO_OK;
}

enum vireo_status console_write_raw(struct obj_ec *ec, u64 sm_sel, u64 buf, u64 len)
{
    enum vireo_status s = holds_console(ec, sm_sel);
    if (s != VIREO_OK)
        return s;
    if (len > VIREO_CONSOLE_WRITE_MAX)
        return VIREO_E_INVALID_ARG;
    for (u64 page = buf & ~4095ull; page < buf + len; page += 4096) {
        if (buf + len < buf || !user_page(ec->pd, page, false))
            return VIREO_E_BAD_ADDRESS;
    }
    char chunk[256];
    for (u64 done = 0; done < len; done += sizeof(chunk)) {
        u64 n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        if (!user_read(ec->pd, buf + done, chunk, n))
            return VIREO_E_BAD_ADDRESS;
        log_raw(chunk, n);
    }
    return VIREO_OK;
}
