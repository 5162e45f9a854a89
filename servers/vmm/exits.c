#include "exits.h"
#include "cpuid.h"
#include "cr.h"
#include "dr.h"
#include "events.h"
#include "exception.h"
#include "exit_ctx.h"
#include "fuzz.h"
#include "insn.h"
#include "linux_vcpu.h"
#include "io.h"
#include "mb1_cpu.h"
#include "mmio.h"
#include "ram_map.h"
#include "xstate.h"
#include <string.h>
#include <vireo/cap.h>
#include <vireo/user.h>
#include <vireo/x86/cr.h>

/* The PAT of a reset (write-back, write-through, UC-, UC, twice). */
#define PAT_RESET 0x0007040600070406ull

u64 exits_portal_mtd(u32 cls)
{
    u64 mtd = vireo_exit_default_mtd(cls);
    if (cls == VIREO_EXIT_STARTUP)
        return mtd;
    /* Every handler may have to decode at RIP (no instruction length on
     * SVM without next-RIP save) and finish the instruction. */
    mtd |= INSN_DECODE_MTD | VIREO_MTD_INSN;
    /* After every exit an interrupt may go in (events.h). */
    mtd |= EVENTS_MTD;
    if (cls == VIREO_EXIT_CPUID)
        mtd |= CPUID_EXIT_MTD;
    if (cls == VIREO_EXIT_MSR_READ || cls == VIREO_EXIT_MSR_WRITE)
        mtd |= MSR_EXIT_MTD;
    if (cls == VIREO_EXIT_MEM_FAULT || cls == VIREO_EXIT_IO)
        mtd |= VIREO_MTD_EMUL;
    return mtd;
}

static void startup(struct exit_ctx *x, struct vcpu_ctx *v)
{
    struct vireo_vcpu_state *s = x->s;
    x->vm->arch = s->arch;
    if (v->linux)
        linux_vcpu_start(&v->linux_boot.cpu, s);
    else
        mb1_vcpu_start(&v->boot, s);
    x->changed = s->mtd;
    /* The VMM owns every bit of CR0 and CR4: each write exits and is
     * checked here (cr.c), so an invalid one raises #GP even where the CPU
     * below would take it (QEMU TCG), and reads see the shadow. */
    memset(&s->ctrl, 0, sizeof(s->ctrl));
    s->ctrl.exc_bitmap = EXCEPTION_INTERCEPTS;
    s->ctrl.cr0_mask = s->ctrl.cr4_mask = ~0ull;
    s->ctrl.cr0_shadow = s->cr0;
    s->ctrl.cr4_shadow = s->cr4;
    /* MOV DR exits on VT-x (dr.c: DR7.GD, DR4/DR5, DR0-DR3 values the
     * kernel cannot load). Not yet on AMD-V: QEMU 7.2 does not arm the
     * breakpoints of a DR7 that VMRUN loads, so a guest's breakpoints would
     * never fire there (docs/VMM.md, "Control and debug registers"). */
    if (s->arch == VIREO_ARCH_VMX)
        s->ctrl.flags |= VIREO_BIT(VIREO_CTRL, MOV_DR_EXIT);
    msr_init(&v->msrs);                 /* a reboot (the reply fuzzer's) starts from reset too */
    s->tsc_offset = -events_host_tsc(); /* the guest's TSC starts near 0 */
    v->tsc_offset = s->tsc_offset;
    u64 khz = x->vm->info->tsc_khz;
    lapic_reset(&v->lapic, 0, true, khz, lapic_timer_khz(khz));
    /* x2APIC only as CPUID offers it (cpuid-disable may take it away). */
    v->lapic.x2apic_capable = cpuid_has(VIREO_CPUID_F_X2APIC);
    if (v->linux) {
        /* What a PC BIOS leaves for the OS it boots (virtual wire mode,
         * MP spec 3.6.2.2): the APIC on, the i8259's INTR through LINT0 as
         * ExtINT, LINT1 the NMI. A multiboot guest gets the CPU's reset
         * state, as under QEMU's -kernel. */
        v->lapic.svr |= APIC_SVR_ENABLE;
        v->lapic.lvt[LAPIC_LVT_LINT0] = APIC_DM_EXTINT << APIC_LVT_DELIVERY_SHIFT;
        v->lapic.lvt[LAPIC_LVT_LINT1] = APIC_DM_NMI << APIC_LVT_DELIVERY_SHIFT;
    }
    irqchip_init(&v->irqchip, &v->lapic);
    x->vm->irqchip = &v->irqchip;
    s->pat = PAT_RESET;
    s->debugctl = 0;
    s->sysenter_cs = s->sysenter_esp = s->sysenter_eip = 0;
    s->star = s->lstar = s->cstar = s->sfmask = s->kernel_gs_base = 0;
    x->changed |= VIREO_MTD(CTRL) | VIREO_MTD(TSC) | VIREO_MTD(PAT_DEBUGCTL) | VIREO_MTD(SYSENTER) |
                  VIREO_MTD(SYSCALL);
}

static void hlt(struct exit_ctx *x, struct vcpu_ctx *v)
{
    struct vireo_vcpu_state *s = x->s;
    if (!(s->rflags & RFLAGS_IF)) {
        /* Nothing can wake it: the way a guest without ACPI powers off. */
        vm_stop(x->vm, VM_END_HALTED, 0, "the guest halted with interrupts disabled (rip %#llx)",
                (unsigned long long)s->rip);
        return;
    }
    /* The interrupt that wakes it returns past the HLT. */
    u64 len = insn_length(x);
    if (!len)
        return;
    exit_finish_insn(x, len);
    v->halted = true;
    events_halt(x, VMM_SEL_WAKE_SM);
    v->halted = false;
}

static void skip(struct exit_ctx *x)
{
    u64 len = insn_length(x);
    if (len)
        exit_finish_insn(x, len);
}

static void xsetbv(struct exit_ctx *x)
{
    /* What the VM's CPUID offers: its policy may take XSAVE or AVX away. */
    xstate_xsetbv_exit(x, cpuid_xcr0_mask());
    if (x->changed & VIREO_MTD(XCR0))
        cpuid_note_xcr0(x->s->xcr0); /* leaf 0xd's EBX follows it */
}

static void dispatch(struct exit_ctx *x, struct vcpu_ctx *v)
{
    struct vireo_vcpu_state *s = x->s;
    switch (s->exit_class) {
    case VIREO_EXIT_STARTUP:
        startup(x, v);
        return;
    case VIREO_EXIT_RECALL:
    case VIREO_EXIT_INIT:
    case VIREO_EXIT_SIPI:
        return; /* nothing to do: the vCPU goes on */
    case VIREO_EXIT_INTR_WINDOW:
    case VIREO_EXIT_NMI_WINDOW:
        return; /* events_after injects what is pending, or closes the window */
    case VIREO_EXIT_CPUID:
        cpuid_exit(x);
        return;
    case VIREO_EXIT_HLT:
        hlt(x, v);
        return;
    case VIREO_EXIT_IO:
        io_exit(x);
        return;
    case VIREO_EXIT_MSR_READ:
        msr_read_exit(x, &v->msrs);
        return;
    case VIREO_EXIT_MSR_WRITE:
        msr_write_exit(x, &v->msrs);
        return;
    case VIREO_EXIT_CR_ACCESS:
        cr_exit(x);
        return;
    case VIREO_EXIT_DR_ACCESS:
        dr_exit(x);
        return;
    case VIREO_EXIT_MEM_FAULT:
        if (!(s->info[0] & VIREO_BIT(VIREO_MEMF, PRESENT)) && ram_fault(x->vm, s->gpa)) {
            /* RAM the VMM had unmapped (ram_map.h): mapped again, the
             * access is retried, an event it interrupted goes in again. */
            if (VIREO_GET(VMX_INTR_INFO, VALID, s->vect_info))
                x->vm->reinjected++;
            exit_reinject_vectoring(x);
            return;
        }
        if (VIREO_GET(VMX_INTR_INFO, VALID, s->vect_info)) {
            /* An event's delivery touched MMIO (an IDT or stack there): it
             * is not emulated; the VM cannot go on. */
            vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR, "event delivery reached MMIO at %#llx",
                    (unsigned long long)s->gpa);
            return;
        }
        mmio_exit(x);
        return;
    case VIREO_EXIT_EXCEPTION:
        exception_exit(x);
        return;
    case VIREO_EXIT_TRIPLE_FAULT:
        vm_stop(x->vm, VM_END_TRIPLE_FAULT, VM_STATUS_TRIPLE_FAULT, "triple fault at rip %#llx",
                (unsigned long long)s->rip);
        return;
    case VIREO_EXIT_INVD:
    case VIREO_EXIT_WBINVD:
    case VIREO_EXIT_PAUSE:
        skip(x);
        return;
    case VIREO_EXIT_XSETBV:
        xsetbv(x);
        return;
    case VIREO_EXIT_RDPMC:
        exit_gp(x); /* no performance counters offered */
        return;
    case VIREO_EXIT_VIRT_INSN:
    case VIREO_EXIT_VMCALL:
    case VIREO_EXIT_MONITOR:
    case VIREO_EXIT_MWAIT:
    case VIREO_EXIT_RSM:
    case VIREO_EXIT_INVPCID:
    case VIREO_EXIT_RDRAND:
    case VIREO_EXIT_RDSEED:
    case VIREO_EXIT_XSAVES:
        exit_ud(x); /* what a CPU without the feature does */
        return;
    case VIREO_EXIT_ENTRY_FAILURE: {
        const char *name = vireo_entry_check_name((u32)s->info[0]);
        if (s->info[0] == VIREO_CHECK_SEG_INVALID ||
            s->info[0] == VIREO_CHECK_SEG_BASE_NONCANONICAL) {
            const struct vireo_seg *g = s->info[1] <= VIREO_SEG_GS     ? &s->es + s->info[1]
                                        : s->info[1] == VIREO_SEG_LDTR ? &s->ldtr
                                                                       : &s->tr;
            printf("%s: segment %llu: selector %#x, ar %#x, limit %#x, base %#llx\n",
                   x->vm->cfg->name, (unsigned long long)s->info[1], g->sel, g->ar, g->limit,
                   (unsigned long long)g->base);
        }
        vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR,
                "the kernel refused the vCPU state: %s (%s), detail %#llx, item %lld",
                name ? name : "?", vireo_entry_check_text((u32)s->info[0]) ?: "?",
                (unsigned long long)s->info[1], (long long)(s32)s->info[2]);
        return;
    }
    default: {
        const char *name = vireo_exit_class_name(s->exit_class);
        vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR,
                "exit %s (raw reason %#llx) at rip %#llx is not handled", name ? name : "?",
                (unsigned long long)s->raw_reason, (unsigned long long)s->rip);
        return;
    }
    }
}

/* The reply fuzzer's round (fuzz.h): the exit handled as always, then its
 * reply damaged now and then; refused replies counted; a guest the damage
 * killed booted again. */
static void fuzz_exit(struct exit_ctx *x, struct vcpu_ctx *v)
{
    struct vireo_vcpu_state *s = x->s;
    struct vm *vm = x->vm;
    if (s->exit_class == VIREO_EXIT_ENTRY_FAILURE && v->fuzz.last_damaged) {
        v->fuzz.last_damaged = 0;
        fuzz_entry_failure(&v->fuzz, s); /* nothing changed: the vCPU goes on */
        return;
    }
    v->fuzz.last_damaged = 0;
    /* A guest that runs without exits (the damage sent it into a loop):
     * the main thread's recalls are its only exits. */
    v->fuzz.quiet = s->exit_class == VIREO_EXIT_RECALL ? v->fuzz.quiet + 1 : 0;
    dispatch(x, v);
    if (v->fuzz.quiet > VMM_FUZZ_QUIET_RECALLS)
        vm_stop(vm, VM_END_ERROR, VM_STATUS_ERROR, "reply fuzz: the guest stopped making exits");
    if (vm->end != VM_RUNNING) {
        /* The damage ended the guest (a fault, a refused state, a halt, or
         * the guest itself through debug-exit, having seen its state go
         * wrong): boot it again. The fuzzer's own stop comes below. */
        printf("%s: reply fuzz: reboot %u after %u damaged replies: %s\n", vm->cfg->name,
               v->fuzz.reboots + 1, v->fuzz.damaged, vm_end_reason(vm));
        vm->end = VM_RUNNING;
        v->fuzz.reboots++;
        v->fuzz.quiet = 0;
        vm_reload_guest(vm);
        x->changed = 0;
        startup(x, v);
        return;
    }
    if (vm->end != VM_RUNNING || s->exit_class == VIREO_EXIT_STARTUP)
        return;
    if (v->fuzz.damaged == v->fuzz.limit) {
        vm_stop(vm, VM_END_DEBUG_EXIT, 0, "reply fuzz: %u damaged replies sent", v->fuzz.damaged);
        return;
    }
    if (fuzz_next(&v->fuzz) % 2)
        fuzz_reply(&v->fuzz, x);
}

u64 exits_handle(void *ctx, u64 badge, struct vireo_utcb *utcb, u64 words)
{
    struct vcpu_ctx *v = ctx;
    struct vm *vm = v->vm;
    if (vm->end != VM_RUNNING || words < VIREO_VCPU_STATE_WORDS || badge >= VIREO_EXIT_CLASS_COUNT)
        return 0; /* no words: the vCPU stops */
    /* A copy: the handler's own calls (to the device server) use the UTCB. */
    struct vireo_vcpu_state s;
    memcpy(&s, utcb->msg, sizeof(s));
    struct exit_ctx x = {
        .vm = vm, .s = &s, .changed = 0, .lapic = &v->lapic, .tsc_offset = v->tsc_offset};
    vm->exits[s.exit_class < VIREO_EXIT_CLASS_COUNT ? s.exit_class : VIREO_EXIT_OTHER]++;
    u64 dev_before = vm->dev_next;
    if ((vm->info->arg & VMM_ARG_CRASH_TEST) && vm->info->restarts == 0 &&
        ++v->handled == VMM_CRASH_EXIT) {
        printf("%s: crash test: faulting in the middle of exit %u\n", vm->cfg->name,
               VMM_CRASH_EXIT);
        *(volatile u64 *)VMM_CRASH_ADDRESS = 1;
    }
    if (s.exit_class != VIREO_EXIT_STARTUP)
        events_before(&x);
    if (v->fuzzing)
        fuzz_exit(&x, v);
    else
        dispatch(&x, v);
    if (vm->end == VM_RUNNING && vm->reset_requested) {
        /* The reset line (the i8042's, port 0x92): the CPU's reset, and
         * the guest loaded afresh as at power-on (its RAM is not cleared:
         * the loader writes what it needs). The device server's models
         * keep their state; a booting OS initializes them anyway. */
        vm->reset_requested = false;
        vm->resets++;
        printf("%s: the guest reset the machine: booting it again (reset %u)\n", vm->cfg->name,
               vm->resets);
        vm_reload_guest(vm);
        x.changed = 0;
        startup(&x, v);
    }
    if (vm->end == VM_RUNNING && x.lapic)
        events_devices(&x);
    if (vm->end != VM_RUNNING) {
        vm_ended(vm);
        return 0; /* no words: the vCPU stops */
    }
    if (x.changed & VIREO_MTD(TSC))
        v->tsc_offset = x.tsc_offset = s.tsc_offset;
    u64 next = events_after(&x);
    u64 before = v->timer_next;
    v->timer_next = next;
    /* AMD-V: an interrupt window whose exit has not come within a tick is
     * opened by a recall (main.c): Bochs' model has been seen to leave the
     * virtual interrupt of a window pending through a guest's STI. */
    bool window = vm->arch == VIREO_ARCH_SVM && (s.ctrl.flags & VIREO_BIT(VIREO_CTRL, INTR_WINDOW));
    bool opened = window && !v->window_open;
    v->window_open = window;
    /* the main thread sleeps too long now */
    if (next < before || opened || vm->dev_next < dev_before)
        sys_sm_ctrl(VMM_SEL_DONE_SM, VIREO_SM_OP_UP, 0);
    s.mtd = x.changed;
    memcpy(utcb->msg, &s, sizeof(s));
    return VIREO_VCPU_STATE_WORDS;
}
