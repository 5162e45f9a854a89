/* PASS/FAIL lines, the summary and the exit ports. */
#include <guest/cpu.h>
#include <guest/rt.h>
#include <guest/uart.h>
#include <vireo/format.h>
#include <stdarg.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4   /* QEMU exits with (v << 1) | 1 */
#define BOCHS_SHUTDOWN_PORT  0x8900 /* "Shutdown" ends Bochs */

static unsigned passed, failed, deviations;

static void vline(const char *prefix, const char *what, const char *details, va_list ap)
{
    char buf[256];
    rt_printf("%s: %s", prefix, what);
    if (details) {
        vsnformat(buf, sizeof(buf), details, ap);
        rt_printf(": %s", buf);
    }
    rt_printf("\n");
}

void rt_pass(const char *what, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, what);
    vsnformat(buf, sizeof(buf), what, ap);
    va_end(ap);
    passed++;
    rt_printf("PASS: %s\n", buf);
}

void rt_fail(const char *what, const char *details, ...)
{
    va_list ap;
    va_start(ap, details);
    failed++;
    vline("FAIL", what, details, ap);
    va_end(ap);
}

bool rt_check(bool ok, const char *what, const char *details, ...)
{
    if (ok) {
        rt_pass("%s", what);
        return true;
    }
    va_list ap;
    va_start(ap, details);
    failed++;
    vline("FAIL", what, details, ap);
    va_end(ap);
    return false;
}

void rt_deviation(const char *what, const char *details, ...)
{
    va_list ap;
    va_start(ap, details);
    if (rt_strict()) {
        failed++;
        vline("FAIL", what, details, ap);
    } else {
        deviations++;
        vline("KNOWN DEVIATION", what, details, ap);
    }
    va_end(ap);
}

void rt_note(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnformat(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    rt_printf("NOTE: %s\n", buf);
}

_Noreturn void rt_finish(void)
{
    if (deviations)
        rt_printf("%u known deviations of %s (not failures; \"strict\" makes them so)\n",
                  deviations, rt_platform_name());
    rt_printf("%u passed, %u failed\n", passed, failed);
    rt_exit(failed ? 1 : 0);
}

_Noreturn void rt_exit(unsigned v)
{
    rt_printf("guest exit: %u\n", v);
    uart_drain();
    outl(QEMU_DEBUG_EXIT_PORT, v);
    for (const char *s = "Shutdown"; *s; s++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    for (;;)
        __asm__ volatile("cli; hlt");
}
