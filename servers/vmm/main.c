/*
 * vmm: one per VM (docs/VMM.md). Loads the guest into the VM's RAM, makes
 * the exit portals (one per exit class, all served by one handler thread
 * on the vCPU's time), creates the vCPU and its SC in the VM's PD, and
 * waits until the VM ends; then it reports and exits with the guest's
 * status (the debug-exit value, 0 for a power-off).
 */
#include <stdarg.h>
#include <string.h>
#include <vireo/cap.h>
#include <vireo/format.h>
#include <vireo/server.h>
#include <vireo/thread.h>
#include <vireo/user.h>

#include "cpuid.h"
#include "devices.h"
#include "events.h"
#include "exits.h"
#include "fuzz.h"
#include "linux_header.h"
#include "mb1_boot.h"
#include "mptable.h"
#include "ram_map.h"
#include "vm.h"

#define HANDLER_STACK (32u * 1024)

static struct vm vm;
static struct vcpu_ctx vcpu;
static char end_line[200];

void vm_stop(struct vm *v, enum vm_end end, u64 status, const char *fmt, ...)
{
    if (v->end != VM_RUNNING)
        return;
    v->end = end;
    v->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnformat(end_line, sizeof(end_line), fmt, ap);
    va_end(ap);
}

const char *vm_end_reason(const struct vm *v)
{
    (void)v;
    return end_line;
}

void vm_ended(struct vm *v)
{
    v->over = true;
    sys_sm_ctrl(VMM_SEL_DONE_SM, VIREO_SM_OP_UP, 0);
}

void *vm_ram(struct vm *v, u64 gpa, u64 len)
{
    const struct vireo_vm_info *c = v->cfg;
    if (!guest_range_ok(v->ram_size, gpa, len) || (gpa < c->hole_end && gpa + len > c->hole_start))
        return NULL;
    return v->ram + gpa;
}

/* Microseconds until the APIC's next event (0: due), VIREO_TIMEOUT_NEVER
 * for none or while the vCPU waits in HLT (it wakes itself); with an
 * interrupt window open on AMD-V a tick at most: the recall then lets the
 * interrupt in if the window's own exit never came. */
#define VMM_WINDOW_BACKSTOP_US 1000u
static u64 timer_wait_us(void)
{
    u64 next = vcpu.timer_next;
    if (vcpu.halted)
        return VIREO_TIMEOUT_NEVER;
    if (vcpu.window_open) /* exits.c: the window's backstop */
        return VMM_WINDOW_BACKSTOP_US;
    /* the APIC's timer, or the device server's next timed event (PIT,
     * RTC) the vCPU polls at */
    return events_wait_us(&vm, events_host_tsc(), vcpu.tsc_offset, next, vm.info->tsc_khz);
}

/* The console watcher: host terminal input (the console input semaphore,
 * `console-input`) makes the vCPU poll the device server, which puts it
 * into COM1's receiver; its interrupt then comes like any other. */
#define INPUT_STACK (4u * 1024)
static void input_entry(void)
{
    u64 sm = vm.info->console_sel;
    while (sys_sm_ctrl(sm, VIREO_SM_OP_DOWN, VIREO_TIMEOUT_NEVER) == VIREO_OK && !vm.over) {
        vm.input_pending = true;
        if (vcpu.halted)
            sys_sm_ctrl(VMM_SEL_WAKE_SM, VIREO_SM_OP_UP, 0);
        else
            sys_ec_recall(VMM_SEL_VCPU);
    }
    /* the semaphore went (or the VM ended): park for good */
    vm.input_watched = false;
    for (;;)
        sys_sm_ctrl(VMM_SEL_PARK_SM, VIREO_SM_OP_DOWN, VIREO_TIMEOUT_NEVER);
}

static void handler_entry(void)
{
    ipc_serve_started(utcb_self(), exits_handle, &vcpu);
}

static void check(enum vireo_status s, const char *what)
{
    if (s != VIREO_OK)
        user_fatal("%s: %s failed: %s\n", vm.cfg->name, what, vireo_status_name(s));
}

static void load_guest(void);

void vm_reload_guest(struct vm *v)
{
    (void)v; /* the one VM of this VMM */
    load_guest();
}

/* The kernel's format decides the boot: a bzImage ("HdrS") through the
 * Linux boot protocol, with the first module as its initrd; anything else
 * as multiboot1. */
static void load_guest(void)
{
    const struct vireo_vm_info *c = vm.cfg;
    struct guest_buffer buf = {.base = vm.ram, .size = vm.ram_size};
    struct guest_mem mem;
    guest_mem_from_buffer(&mem, &buf);
    char why[160];
    const void *image = (const void *)c->kernel.addr;
    vcpu.linux = linux_is_bzimage(image, c->kernel.size);
    if (vcpu.linux) {
        if (c->module_count > 1)
            user_fatal("%s: cannot boot %s: a Linux guest takes one module (its initrd), not %u\n",
                       c->name, c->kernel.name, c->module_count);
        struct linux_request req = {
            .image = image,
            .image_size = c->kernel.size,
            .cmdline = c->cmdline,
            .initrd = c->module_count ? (const void *)c->modules[0].addr : NULL,
            .initrd_size = c->module_count ? c->modules[0].size : 0,
        };
        if (!linux_load(&req, &mem, &vcpu.linux_boot, why, sizeof(why)))
            user_fatal("%s: cannot boot %s: %s\n", c->name, c->kernel.name, why);
        /* How it finds its APICs without ACPI (mptable.h). */
        u8 *mp = vm_ram(&vm, MPTABLE_ADDR, MPTABLE_MAX_BYTES);
        struct cpuid_result id = cpuid_guest(1, 0);
        if (!mp || !mptable_build(mp, MPTABLE_ADDR, 1, MPTABLE_IOAPIC_ID, id.eax, id.edx))
            user_fatal("%s: no room for the MP table at %#x\n", c->name, MPTABLE_ADDR);
        return;
    }
    struct mb1_module mods[VIREO_VM_MAX_MODULES];
    for (u32 i = 0; i < c->module_count; i++)
        mods[i] = (struct mb1_module){.data = (const void *)c->modules[i].addr,
                                      .size = c->modules[i].size,
                                      .string = c->modules[i].name};
    struct mb1_request req = {
        .image = image,
        .image_size = c->kernel.size,
        .image_name = c->kernel.name,
        .cmdline = c->cmdline,
        .modules = mods,
        .module_count = c->module_count,
    };
    if (!mb1_load(&req, &mem, &vcpu.boot, why, sizeof(why)))
        user_fatal("%s: cannot boot %s: %s\n", c->name, c->kernel.name, why);
}

/* One portal per class (HOST never reaches a VMM), in the VM's PD at the
 * vCPU's exit-portal base. */
static void make_portals(u64 own_pd)
{
    for (u32 cls = 0; cls < VIREO_EXIT_CLASS_COUNT; cls++) {
        if (cls == VIREO_EXIT_HOST)
            continue;
        u64 sel = VMM_SEL_PORTAL0 + cls;
        check(sys_create_pt(sel, own_pd, VMM_SEL_HANDLER_EC, cls, exits_portal_mtd(cls)),
              "creating an exit portal");
        /* No rights: the kernel calls it for the vCPU; nobody else can. */
        check(sys_delegate(vm.cfg->vm_pd_sel, vireo_crd(VIREO_CRD_OBJ, 0, sel), 0, 0,
                           VMM_VM_SEL_EXIT_BASE + cls),
              "delegating an exit portal");
    }
}

static void report(void)
{
    printf("%s: stopped: %s\n", vm.cfg->name, end_line);
    char line[512];
    size_t n = 0;
    for (u32 c = 0; c < VIREO_EXIT_CLASS_COUNT && n < sizeof(line); c++) {
        if (vm.exits[c])
            n += (size_t)snformat(line + n, sizeof(line) - n, " %s %llu", vireo_exit_class_name(c),
                                  (unsigned long long)vm.exits[c]);
    }
    printf("%s: exits:%s\n", vm.cfg->name, line);
    if (vm.reinjected)
        printf("%s: %llu events went in again after their delivery met a flushed page\n",
               vm.cfg->name, (unsigned long long)vm.reinjected);
    /* tools/run --guest reads this line: the guest's own status, if it
     * chose one (debug-exit, power-off). */
    if (vcpu.fuzzing) /* the fuzzer's verdict stands for the guest's */
        printf("%s: guest status %u\n", vm.cfg->name, vcpu.fuzz.hardware ? 1u : 0u);
    else if (vm.end == VM_END_DEBUG_EXIT || vm.end == VM_END_HALTED)
        printf("%s: guest status %llu\n", vm.cfg->name, (unsigned long long)vm.status);
    else
        printf("%s: guest status none\n", vm.cfg->name);
}

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    if (!info->has_vm)
        user_fatal("no VM in the server info: a VMM needs `vm` in its node (abi/bindings.md)\n");
    if (info->own_pd_sel == VIREO_SERVER_SEL_NONE)
        user_fatal("a VMM needs `own-pd` (for its handler thread and portals)\n");
    vm.info = info;
    vm.cfg = &info->vm;
    vm.ram = (u8 *)vm.cfg->ram_addr;
    vm.ram_size = vm.cfg->ram_size;
    vm.devices = server_call_sel(info, "devices");
    msr_init(&vcpu.msrs);
    cpuid_init_vm(vm.cfg);
    vcpu.fuzzing = info->arg & VMM_ARG_REPLY_FUZZ;
    fuzz_init(&vcpu.fuzz, info->arg >> 32, (u32)(info->arg >> 16) & 0xffff);
    vcpu.vm = &vm;
    load_guest();

    u64 own = info->own_pd_sel;
    struct vireo_utcb *handler_utcb;
    check(sys_create_sm(VMM_SEL_DONE_SM, own, 0), "creating its semaphore");
    check(sys_create_sm(VMM_SEL_WAKE_SM, own, 0), "creating the HLT semaphore");
    vcpu.timer_next = LAPIC_NO_EVENT;
    check(thread_create(own, VMM_SEL_HANDLER_EC, handler_entry, HANDLER_STACK, &handler_utcb),
          "creating the exit handler");
    make_portals(own);
    char why[160];
    if (!ram_map_all(&vm, why, sizeof(why)))
        user_fatal("%s: %s\n", vm.cfg->name, why);
    check(sys_create_ec(VMM_SEL_VCPU, vm.cfg->vm_pd_sel, VMM_VM_SEL_EXIT_BASE, 0, 0, VIREO_EC_VCPU),
          "creating the vCPU");
    printf("%s: %llu MiB, %s guest %s at %#llx%s%s, %s\n", vm.cfg->name,
           (unsigned long long)(vm.ram_size >> 20), vcpu.linux ? "Linux" : "multiboot",
           vm.cfg->kernel.name,
           (unsigned long long)(vcpu.linux ? vcpu.linux_boot.cpu.rip : vcpu.boot.eip),
           vm.cfg->cmdline[0] ? ", command line: " : "", vm.cfg->cmdline,
           vm.devices == VIREO_SERVER_SEL_NONE ? "no device server" : "devices attached");
    check(sys_create_sc(VMM_SEL_VCPU_SC, vm.cfg->vm_pd_sel, VMM_SEL_VCPU, vm.cfg->vcpu_priority,
                        vm.cfg->vcpu_budget_us),
          "starting the vCPU");
    if (info->console_sel != VIREO_SERVER_SEL_NONE && vm.devices != VIREO_SERVER_SEL_NONE) {
        /* above the vCPU, so typed input preempts a busy guest */
        struct vireo_utcb *input_utcb;
        u32 prio =
            vm.cfg->vcpu_priority < VIREO_PRIO_MAX ? vm.cfg->vcpu_priority + 1 : VIREO_PRIO_MAX;
        check(sys_create_sm(VMM_SEL_PARK_SM, own, 0), "creating its parking semaphore");
        check(thread_create(own, VMM_SEL_INPUT_EC, input_entry, INPUT_STACK, &input_utcb),
              "creating the console watcher");
        vm.input_watched = true;
        check(sys_create_sc(VMM_SEL_INPUT_SC, own, VMM_SEL_INPUT_EC, prio, vm.cfg->vcpu_budget_us),
              "starting the console watcher");
    }
    /* The reply fuzzer's watchdog is the recall loop too (fuzz.h). */
    bool recall_test = info->arg & (VMM_ARG_RECALL_TEST | VMM_ARG_REPLY_FUZZ);
    u64 recalls = 0;
    /* Only vm_ended counts: vm.end may be set for a moment by a stop the
     * reply fuzzer turns into a reboot. */
    while (!vm.over) {
        u64 timeout = recall_test ? VMM_RECALL_PERIOD_US : VIREO_TIMEOUT_NEVER;
        u64 timer_us = timer_wait_us();
        bool timer_first = timer_us < timeout;
        if (timer_first)
            timeout = timer_us;
        if (sys_sm_ctrl(VMM_SEL_DONE_SM, VIREO_SM_OP_DOWN, timeout) != VIREO_E_TIMEOUT || vm.over)
            continue; /* the VM ended, or the handler moved the timer: look again */
        /* The APIC's timer is due while the guest runs: its interrupt goes
         * in at the RECALL exit (events.h). */
        if ((timer_first || recall_test) && !vcpu.halted && sys_ec_recall(VMM_SEL_VCPU) == VIREO_OK)
            recalls++;
    }
    if (info->arg & VMM_ARG_RECALL_TEST)
        printf("%s: recall test: %llu recalls, %llu RECALL exits\n", vm.cfg->name,
               (unsigned long long)recalls, (unsigned long long)vm.exits[VIREO_EXIT_RECALL]);
    report();
    if (vcpu.fuzzing) {
        /* Whatever became of the guest, the fuzzer's verdict is the status. */
        fuzz_report(&vcpu.fuzz, vm.cfg->name);
        sys_exit(vcpu.fuzz.hardware ? 1 : 0);
    }
    sys_exit(vm.status);
}
