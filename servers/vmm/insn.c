#include "insn.h"
#include "guest_access.h"
#include <string.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/vmcb.h>

static void modes(const struct vireo_vcpu_state *s, ZydisMachineMode *mode, ZydisStackWidth *stack)
{
    bool d = VIREO_GET(SVM_ATTR, DB, s->cs.ar);
    bool ss_b = VIREO_GET(SVM_ATTR, DB, s->ss.ar);
    if (!(s->cr0 & CR0_PE) || (s->rflags & RFLAGS_VM)) {
        *mode = ZYDIS_MACHINE_MODE_REAL_16;
        *stack = ZYDIS_STACK_WIDTH_16;
    } else if (ga_long_mode(s)) {
        *mode = ZYDIS_MACHINE_MODE_LONG_64;
        *stack = ZYDIS_STACK_WIDTH_64;
        return;
    } else if (s->efer & EFER_LMA) {
        *mode = d ? ZYDIS_MACHINE_MODE_LONG_COMPAT_32 : ZYDIS_MACHINE_MODE_LONG_COMPAT_16;
    } else {
        *mode = d ? ZYDIS_MACHINE_MODE_LEGACY_32 : ZYDIS_MACHINE_MODE_LEGACY_16;
    }
    if (*mode != ZYDIS_MACHINE_MODE_REAL_16)
        *stack = ss_b ? ZYDIS_STACK_WIDTH_32 : ZYDIS_STACK_WIDTH_16;
}

bool insn_decode(struct exit_ctx *x, struct insn *out)
{
    struct vireo_vcpu_state *s = x->s;
    u64 linear;
    if (!ga_linear_for(x, VIREO_SEG_CS, s->rip, 1, GPT_FETCH, &linear))
        return false;
    /* Up to 15 bytes, but not past the end of RAM or into a page that
     * faults unless the instruction really extends there: fetch the
     * first page's part, and the next page only if decoding needs it. */
    u32 first = (u32)(4096 - (linear & 4095));
    if (first > 15)
        first = 15;
    memset(out->bytes, 0, sizeof(out->bytes));
    enum ga_result r = ga_read(x, linear, out->bytes, first, GPT_FETCH);
    u32 have = first;
    ZydisMachineMode mode;
    ZydisStackWidth stack;
    modes(s, &mode, &stack);
    ZydisDecoder dec;
    if (r == GA_OK && ZYAN_FAILED(ZydisDecoderInit(&dec, mode, stack)))
        r = GA_NOT_RAM;
    for (; r == GA_OK;) {
        ZyanStatus st = ZydisDecoderDecodeFull(&dec, out->bytes, have, &out->zi, out->ops);
        if (ZYAN_SUCCESS(st))
            return true;
        if (st != ZYDIS_STATUS_NO_MORE_DATA || have == 15) {
            exit_ud(x);
            return false;
        }
        r = ga_read(x, linear + have, out->bytes + have, 15 - have, GPT_FETCH);
        have = 15;
    }
    if (r == GA_NOT_RAM)
        vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR,
                "cannot fetch the instruction at rip %#llx (not in RAM)",
                (unsigned long long)s->rip);
    return false;
}
