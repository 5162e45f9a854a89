#include "mmio.h"
#include "emul.h"
#include "insn.h"

void mmio_exit(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    u64 memf = s->info[0];
    if (memf & VIREO_BIT(VIREO_MEMF, PRESENT)) {
        vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR,
                "guest access to %#llx at rip %#llx breaks its mapping's permissions",
                (unsigned long long)s->gpa, (unsigned long long)s->rip);
        return;
    }
    struct insn in;
    if (!insn_decode(x, &in))
        return; /* #PF or #UD injected, or the VM stopped */
    if (emul_insn(x, &in) != EMUL_UNSUPPORTED)
        return;
    char what[96];
    emul_describe(&in, what, sizeof(what));
    vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR,
            "MMIO at %#llx by an instruction the VMM does not emulate: %s at rip %#llx",
            (unsigned long long)s->gpa, what, (unsigned long long)s->rip);
}
