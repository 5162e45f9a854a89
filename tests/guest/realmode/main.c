/*
 * realmode: the "real-mode start" case. Before long mode, the runtime's
 * 32-bit hook (realmode.S) leaves protected mode for real mode twice, runs
 * real-mode code there (arithmetic, far jump and far call, segment-relative
 * memory, INT through its own IVT, #DE in real mode, the UART by port I/O)
 * and returns to protected mode. This checks what it left below 1 MiB.
 */
#include "realmode.h"
#include <guest/rt.h>
#include <stdint.h>

const char guest_name[] = "realmode";

extern const char rm_blob[], rm_div_at[];

static uint16_t res16(unsigned off)
{
    return *(volatile const uint16_t *)(uintptr_t)(RM_RESULTS + off);
}

static uint32_t res32(unsigned off)
{
    return *(volatile const uint32_t *)(uintptr_t)(RM_RESULTS + off);
}

void guest_main(void)
{
    if (!rt_check(res16(RES_MAGIC) == 0x600d, "real mode reached and left again", "marker %#x",
                  res16(RES_MAGIC)))
        return;
    rt_check(res16(RES_RUNS) == RM_RUNS, "protected -> real -> protected, twice", "%u round trips",
             res16(RES_RUNS));
    rt_check(!(res32(RES_CR0) & 1), "CR0.PE reads 0 in real mode", "CR0 %#x", res32(RES_CR0));
    uint32_t product = (uint32_t)res16(RES_MUL_HI) << 16 | res16(RES_MUL_LO);
    rt_check(product == 1234u * 5678u, "real mode: 16-bit MUL into DX:AX", "%u", product);
    rt_check(res32(RES_ADD32) == 0x23456789, "real mode: 32-bit ADD with the operand-size prefix",
             "%#x", res32(RES_ADD32));
    rt_check(res16(RES_DIV_Q) == 50000 / 7 && res16(RES_DIV_R) == 50000 % 7,
             "real mode: 16-bit DIV quotient and remainder", "%u rest %u", res16(RES_DIV_Q),
             res16(RES_DIV_R));
    rt_check(res16(RES_FAR_CS) == RM_FAR_CS, "real mode: far JMP loads CS", "CS %#x",
             res16(RES_FAR_CS));
    rt_check(res16(RES_CALL_CS) == RM_CALL_CS && res16(RES_CALL_BACK) == RM_CS,
             "real mode: far CALL and RETF switch CS and back", "CS %#x, then %#x",
             res16(RES_CALL_CS), res16(RES_CALL_BACK));
    uint16_t lin = *(volatile const uint16_t *)(uintptr_t)RM_DATA_LIN;
    rt_check(res16(RES_SEG_READ) == 0xbeef && lin == 0xbeef,
             "real mode: DS:0x10 and its alias ES:0 (0x0401 * 16) are linear 0x4010",
             "read %#x through ES, %#x at 0x4010", res16(RES_SEG_READ), lin);
    rt_check(res16(RES_INT_HIT) == 0x1234 && !(res16(RES_INT_FLAGS) & 0x300),
             "real mode: INT 0x30 through the IVT, IF and TF clear in the handler",
             "marker %#x, FLAGS %#x", res16(RES_INT_HIT), res16(RES_INT_FLAGS));
    uint16_t div_ip = (uint16_t)(rm_div_at - rm_blob);
    rt_check(res16(RES_DE_IP) == div_ip && res16(RES_DE_CS) == RM_CS,
             "real mode: #DE through IVT vector 0 pushes the DIV's own CS:IP",
             "pushed %#x:%#x, the DIV is at %#x:%#x", res16(RES_DE_CS), res16(RES_DE_IP), RM_CS,
             div_ip);
    rt_check(res16(RES_UART) == 1, "real mode: UART line written by port I/O", NULL);
}
