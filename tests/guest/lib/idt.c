/* The IDT, the TSS for ring-3 round trips, exception and interrupt
 * dispatch (waiting for interrupts: irq.c). */
#include <guest/cpu.h>
#include <guest/irq.h>
#include <guest/layout.h>
#include <guest/rt.h>
#include <guest/trap.h>
#include <stdbool.h>
#include <stddef.h>

#define DR6_RESET    0xffff0ff0u /* DR6's value with no condition recorded */
#define MAX_EXPECTED 8           /* more while armed: a fault that repeats */

struct gate {
    uint16_t offset_lo, selector;
    uint8_t ist, type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi, zero;
};

struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
};

struct __attribute__((packed)) table_ptr {
    uint16_t limit;
    uint64_t base;
};

extern const char rt_trap_stubs[], rt_user_return_stub[];
extern uint64_t rt_gdt[GDT_ENTRIES];

static struct gate idt[256] __attribute__((aligned(16)));
static rt_irq_fn irq_handlers[256];
static struct tss tss __attribute__((aligned(16)));
static uint8_t trap_stack[RT_TRAP_STACK_SIZE] __attribute__((aligned(16)));

static struct {
    bool armed;
    const void *resume;
    struct rt_trap t;
} expect;

void rt_trap(struct rt_frame *f);

static void set_gate(unsigned vector, const void *handler, unsigned dpl)
{
    uint64_t a = (uint64_t)handler;
    idt[vector] = (struct gate){
        .offset_lo = (uint16_t)a,
        .selector = SEL_CODE64,
        .type_attr = (uint8_t)(0x8e | dpl << 5), /* present, 64-bit interrupt gate */
        .offset_mid = (uint16_t)(a >> 16),
        .offset_hi = (uint32_t)(a >> 32),
    };
}

void rt_idt_allow_user(unsigned vector)
{
    idt[vector].type_attr |= 3 << 5;
}

void rt_idt_init(void)
{
    tss.rsp[0] = (uint64_t)(trap_stack + sizeof(trap_stack));
    tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 has no ports */
    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
    rt_gdt[SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
                          ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    rt_gdt[SEL_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" ::"r"(SEL_TSS));

    for (unsigned v = 0; v < RT_FIRST_IRQ_VECTOR; v++)
        set_gate(v, rt_trap_stubs + 16 * v, 0);
    set_gate(RT_VEC_USER_RETURN, rt_user_return_stub, 3);
    struct table_ptr p = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(p));
}

void rt_expect(const void *resume)
{
    expect.t = (struct rt_trap){0};
    expect.resume = resume;
    __asm__ volatile("" ::: "memory");
    expect.armed = true;
    __asm__ volatile("" ::: "memory");
}

struct rt_trap rt_expect_end(void)
{
    __asm__ volatile("" ::: "memory");
    expect.armed = false;
    __asm__ volatile("" ::: "memory");
    return expect.t;
}

static const char *vector_name(uint64_t v)
{
    static const char *const names[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS",
        "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    };
    return v < 32 && names[v] ? names[v] : "?";
}

/* Vectors 32-255 get a gate only with a handler: an interrupt on any
 * other one (and INT n through it) raises #GP as through an empty IDT. */
void rt_irq_handler(unsigned vector, rt_irq_fn fn)
{
    if (vector < RT_FIRST_IRQ_VECTOR || vector > 255 || vector == RT_VEC_USER_RETURN) {
        rt_fail("rt_irq_handler", "vector %u cannot have an interrupt handler", vector);
        return;
    }
    irq_handlers[vector] = fn;
    if (fn)
        set_gate(vector, rt_trap_stubs + 16 * vector, 0);
    else
        idt[vector] = (struct gate){0};
}

void rt_trap(struct rt_frame *f)
{
    if (f->vector >= RT_FIRST_IRQ_VECTOR && irq_handlers[f->vector & 0xff]) {
        irq_handlers[f->vector & 0xff](f);
        return;
    }
    if (!expect.armed) {
        rt_fail("unexpected exception", "vector %lu %s, error %#lx, rip %#lx, cs %#lx, cr2 %#lx",
                f->vector, vector_name(f->vector), f->error, f->rip, f->cs, read_cr2());
        rt_finish();
    }
    struct rt_trap *t = &expect.t;
    if (t->count++ == 0) {
        t->vector = f->vector;
        t->error = f->error;
        t->rip = f->rip;
        t->cs = f->cs;
        t->rflags = f->rflags;
        t->cr2 = read_cr2();
        t->dr6 = read_dr6();
    }
    if (f->vector == VEC_DB)
        write_dr6(DR6_RESET); /* its status bits are sticky */
    if (t->count > MAX_EXPECTED) {
        rt_fail("exception loop", "vector %lu %s repeats at rip %#lx", f->vector,
                vector_name(f->vector), f->rip);
        rt_finish();
    }
    f->rflags &= ~(uint64_t)RFLAGS_TF;
    if (expect.resume)
        f->rip = (uint64_t)expect.resume;
}
