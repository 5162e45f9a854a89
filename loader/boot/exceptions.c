#include "exceptions.h"
#include "asm_defs.h"
#include "console.h"
#include <vireo/ring0_stop.h>
#include <vireo/stop.h>
#include <x86/cpu.h>

#define EXCEPTION_COUNT 32

/* What exception_stubs.S leaves on the stack. */
struct exception_frame {
    u64 vector, error, rip, cs, rflags, rsp, ss;
};

struct idt_gate {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type; /* present, DPL 0, 64-bit interrupt gate */
    u16 offset_mid;
    u32 offset_high;
    u32 reserved;
};
VIREO_ABI_SIZE(struct idt_gate, 16);

extern const u64 loader_exception_stubs[EXCEPTION_COUNT];
__attribute__((noreturn)) void loader_exception(const struct exception_frame *f);

static struct idt_gate idt[EXCEPTION_COUNT] __attribute__((aligned(16)));

void loader_idt_init(void)
{
    for (int i = 0; i < EXCEPTION_COUNT; i++) {
        u64 at = loader_exception_stubs[i];
        idt[i] = (struct idt_gate){
            .offset_low = (u16)at,
            .selector = LOADER_GDT_CODE64,
            .type = 0x8e,
            .offset_mid = (u16)(at >> 16),
            .offset_high = (u32)(at >> 32),
        };
    }
    struct __attribute__((packed)) {
        u16 limit;
        u64 base;
    } idtr = {sizeof(idt) - 1, (u64)(uintptr_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

void loader_exception(const struct exception_frame *f)
{
    loader_print("loader: CPU exception %llu (error code 0x%llx) at rip 0x%llx, rsp 0x%llx, "
                 "cr2 0x%llx\n",
                 (unsigned long long)f->vector, (unsigned long long)f->error,
                 (unsigned long long)f->rip, (unsigned long long)f->rsp,
                 (unsigned long long)read_cr2());
    ring0_system_stop(VIREO_STOP_KERNEL_FAULT, "CPU exception during boot");
}
