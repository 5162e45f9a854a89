#include "idt.h"
#include "layout.h"
#include <vireo/types.h>
#include <x86/cpu.h>

struct idt_gate {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type_attr;
    u16 offset_mid;
    u32 offset_high;
    u32 reserved;
} __attribute__((packed));
VIREO_ABI_SIZE(struct idt_gate, 16);

#define GATE_INTERRUPT_PRESENT 0x8e /* 64-bit interrupt gate, DPL 0 */
#define STUB_SIZE              16

/* 256 stubs of STUB_SIZE bytes each, vector order. */
extern const char interrupt_stubs[];

static struct idt_gate idt[256] __attribute__((aligned(16)));

static u8 ist_for(unsigned vector)
{
    switch (vector) {
    case 2:
        return IST_NMI;
    case 8:
        return IST_DOUBLE_FAULT;
    case 18:
        return IST_MACHINE_CHECK;
    default:
        return 0;
    }
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++) {
        u64 handler = (u64)interrupt_stubs + v * STUB_SIZE;
        idt[v] = (struct idt_gate){
            .offset_low = (u16)handler,
            .selector = GDT_KERNEL_CODE,
            .ist = ist_for(v),
            .type_attr = GATE_INTERRUPT_PRESENT,
            .offset_mid = (u16)(handler >> 16),
            .offset_high = (u32)(handler >> 32),
        };
    }
    struct descriptor_pointer idtr = {sizeof(idt) - 1, (u64)idt};
    lidt(&idtr);
}
