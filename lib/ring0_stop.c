/* Ends the system the same way from the loader and from the kernel, so that
 * tools/run recognises one stop line and one exit path on every platform. */
#include <vireo/ring0_stop.h>
#include <vireo/stop.h>
#include <vireo/format.h>
#include <vireo/uart.h>
#include <x86/io.h>

void ring0_system_stop(unsigned status, const char *reason)
{
    char line[192];
    size_t n = snformat(line, sizeof(line), VIREO_STOP_LINE_PREFIX "%u: %s\n", status, reason);
    uart_write(UART_COM1, line, n < sizeof(line) ? n : sizeof(line) - 1);

    /* QEMU: isa-debug-exit (absent elsewhere: the write goes nowhere). */
    outl(VIREO_STOP_QEMU_PORT, status);
    /* Bochs: the shutdown port. */
    for (const char *s = "Shutdown"; *s; s++)
        outb(VIREO_STOP_BOCHS_PORT, (unsigned char)*s);
    for (;;)
        __asm__ volatile("cli; hlt");
}
