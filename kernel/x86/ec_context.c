#include "ec_context.h"
#include "kernel_map.h"
#include "percpu.h"
#include "vcpu.h"
#include "xsave.h"
#include <string.h>
#include <x86/cpu.h>

_Static_assert(sizeof(struct ec_arch) <= OBJ_EC_ARCH_BYTES, "the x86 state fits the EC");
_Static_assert(offsetof(struct obj_ec, arch_area) % FXSAVE_ALIGN == 0,
               "FXSAVE needs 16-byte alignment");
_Static_assert(offsetof(struct vcpu, fpu) % XSAVE_ALIGN == 0, "XSAVE needs 64-byte alignment");

/* Flags a user frame may carry; IF is always set. */
#define USER_RFLAGS                                                                                \
    (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_TF | RFLAGS_DF |           \
     RFLAGS_OF | RFLAGS_AC | RFLAGS_ID | RFLAGS_RF)

/* The EC whose FPU state is in the registers, and the loaded EC. */
static struct obj_ec *fpu_owner, *loaded;

__attribute__((noreturn)) void frame_resume(struct cpu_frame *frame);
__attribute__((noreturn)) void idle_enter(u64 stack_top, void (*fn)(void));

static bool is_vcpu(const struct obj_ec *ec)
{
    return (ec->flags & VIREO_EC_VCPU) != 0;
}

void ec_context_fpu_reset(struct obj_ec *ec)
{
    if (is_vcpu(ec)) {
        struct vcpu *v = vcpu_of(ec);
        xsave_vcpu_reset(v->fpu);
        v->xcr0 = XCR0_X87; /* XCR0 after a reset */
    } else {
        xsave_fx_reset(((struct ec_arch *)ec->arch_area)->fxsave);
    }
}

void ec_context_init(struct obj_ec *ec)
{
    struct ec_arch *a = (struct ec_arch *)ec->arch_area;
    memset(a, 0, sizeof(*a));
    a->frame.rip = ec->ip;
    a->frame.rsp = ec->sp;
    a->frame.cs = USER_CS;
    a->frame.ss = USER_SS;
    a->frame.rflags = RFLAGS_IF | RFLAGS_FIXED1;
    a->frame.vector = 0; /* not a SYSCALL frame: leave through IRETQ */
    ec_context_fpu_reset(ec);
    ec->started = 1;
}

void ec_context_save(struct obj_ec *ec, const struct cpu_frame *frame)
{
    ec_frame(ec)[0] = *frame;
}

void ec_context_forget(struct obj_ec *ec)
{
    if (fpu_owner == ec)
        fpu_owner = NULL;
    if (loaded == ec)
        loaded = NULL;
}

void ec_context_fpu_load(struct obj_ec *ec)
{
    if (fpu_owner != ec) {
        if (fpu_owner && is_vcpu(fpu_owner))
            xsave_vcpu_save(vcpu_of(fpu_owner)->fpu);
        else if (fpu_owner)
            xsave_fx_save(((struct ec_arch *)fpu_owner->arch_area)->fxsave);
        if (is_vcpu(ec))
            xsave_vcpu_load(vcpu_of(ec)->fpu);
        else
            xsave_fx_load(((struct ec_arch *)ec->arch_area)->fxsave);
        fpu_owner = ec;
    }
    /* A guest's own XCR0 while it runs; a thread's is the host's, whatever
     * guest ran last (xsave.h). */
    xsave_set_xcr0(is_vcpu(ec) ? vcpu_of(ec)->xcr0 : XSAVE_HOST_XCR0);
}

void ec_context_fs_lost(void)
{
    loaded = NULL;
}

void ec_context_resume(struct obj_ec *ec)
{
    struct ec_arch *a = (struct ec_arch *)ec->arch_area;
    u64 cr3 = ec->pd->arch_space;
    if (read_cr3() != cr3)
        write_cr3(cr3);
    if (loaded != ec) {
        wrmsr(MSR_FS_BASE, ec->utcb_page << 12);
        loaded = ec;
    }
    ec_context_fpu_load(ec);
    /* Whatever put the frame together, it returns to ring 3 with IF set. */
    a->frame.cs = USER_CS;
    a->frame.ss = USER_SS;
    a->frame.rflags = (a->frame.rflags & USER_RFLAGS) | RFLAGS_IF | RFLAGS_FIXED1;
    struct cpu_frame *top = (struct cpu_frame *)(this_cpu()->kernel_stack_top - FRAME_SIZE);
    *top = a->frame;
    frame_resume(top);
}

void ec_context_idle(void (*idle_loop)(void))
{
    idle_enter(this_cpu()->kernel_stack_top - FRAME_SIZE, idle_loop);
}
