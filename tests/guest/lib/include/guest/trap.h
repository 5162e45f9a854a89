/*
 * Exceptions in guests: every vector 0-31 has a handler. Unless a test has
 * armed an expectation, an exception is a failure: it is reported with its
 * vector, error code and RIP, and the guest exits with status 1.
 *
 * A test provokes an exception like this:
 *
 *     rt_expect(resume);        // arm; resume: where to continue (0: as is)
 *     probe();                  // executes the faulting instruction
 *     struct rt_trap t = rt_expect_end();
 *
 * The handler records the first exception (vector, error code, RIP, CR2 for
 * #PF, DR6 for #DB), clears RFLAGS.TF in the frame, and returns to resume
 * (a fault's RIP is the faulting instruction, so a fault needs one) or, for
 * resume 0, to where the exception left (a trap's RIP is already past it).
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stdint.h>

/* What the stubs (traps.S) push: registers, then vector and error code, then
 * the CPU's frame. */
struct rt_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

struct rt_trap {
    int count; /* exceptions taken while armed; 0: none */
    uint64_t vector, error, rip, cs, rflags;
    uint64_t cr2, dr6;
};

enum {
    VEC_DE = 0,
    VEC_DB = 1,
    VEC_BP = 3,
    VEC_UD = 6,
    VEC_NP = 11,
    VEC_GP = 13,
    VEC_PF = 14,
    VEC_AC = 17,
};

/* Sets up the TSS and the IDT (called by the runtime before guest_main). */
void rt_idt_init(void);
/* Gives an IDT vector's gate DPL 3, so ring 3 may raise it with INT n. */
void rt_idt_allow_user(unsigned vector);

void rt_expect(const void *resume);
struct rt_trap rt_expect_end(void);

/* RDMSR/WRMSR that may fault: the exception record (count 0: none, and
 * *value holds what RDMSR read). */
struct rt_trap rt_rdmsr_probe(uint32_t msr, uint64_t *value);
struct rt_trap rt_wrmsr_probe(uint32_t msr, uint64_t value);

/* Runs fn in ring 3 on stack_top with %rdi = arg; fn returns with
 * INT RT_VEC_USER_RETURN, and rt_user_call returns its %rax. The stack and
 * fn must be on user pages (the runtime maps everything user). */
uint64_t rt_user_call(const void *fn, uint64_t arg, void *stack_top, uint64_t rflags);

#endif
