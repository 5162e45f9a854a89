/* From the 64-bit entry to guest_main and the summary. */
#include <guest/rt.h>
#include <guest/trap.h>
#include <guest/uart.h>

_Noreturn void rt_main(void);

_Noreturn void rt_main(void)
{
    uart_init();
    rt_idt_init();
    rt_printf("\nguest %s: running on %s\n", guest_name, rt_platform_name());
    const char *cmdline = rt_cmdline();
    if (*cmdline)
        rt_printf("guest %s: command line \"%s\"%s\n", guest_name, cmdline,
                  rt_strict() ? " (strict: deviations are failures)" : "");
    guest_main();
    rt_finish();
}
