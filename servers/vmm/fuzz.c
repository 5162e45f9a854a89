#include "fuzz.h"
#include <vireo/user.h>
#include <vireo/vcpu_state.h>

/* The items a reply may damage: what the kernel's checks guard (state the
 * CPU checks at entry), plus RIP and the event to inject. */
static const u32 targets[] = {
    VIREO_MTD_RIP_LEN_BIT,    VIREO_MTD_RFLAGS_BIT,      VIREO_MTD_DS_ES_BIT,
    VIREO_MTD_FS_GS_BIT,      VIREO_MTD_CS_SS_BIT,       VIREO_MTD_TR_BIT,
    VIREO_MTD_LDTR_BIT,       VIREO_MTD_GDTR_BIT,        VIREO_MTD_IDTR_BIT,
    VIREO_MTD_CR0_CR4_BIT,    VIREO_MTD_CR3_BIT,         VIREO_MTD_CR8_BIT,
    VIREO_MTD_EFER_BIT,       VIREO_MTD_XCR0_BIT,        VIREO_MTD_DR7_BIT,
    VIREO_MTD_SYSENTER_BIT,   VIREO_MTD_SYSCALL_BIT,     VIREO_MTD_PAT_DEBUGCTL_BIT,
    VIREO_MTD_INTR_STATE_BIT, VIREO_MTD_PENDING_DBG_BIT, VIREO_MTD_INJECT_BIT,
    VIREO_MTD_CTRL_BIT,
};
#define TARGETS (sizeof(targets) / sizeof(targets[0]))

u64 fuzz_next(struct fuzz *f)
{
    /* xorshift64*: deterministic per seed, so a failure can be replayed. */
    f->seed ^= f->seed >> 12;
    f->seed ^= f->seed << 25;
    f->seed ^= f->seed >> 27;
    return f->seed * 0x2545f4914f6cdd1dull;
}

void fuzz_init(struct fuzz *f, u64 seed, u32 limit)
{
    *f = (struct fuzz){.seed = seed ? seed : 0x9e3779b97f4a7c15ull,
                       .limit = limit ? limit : VMM_FUZZ_REPLIES};
}

void fuzz_reply(struct fuzz *f, struct exit_ctx *x)
{
    /* Only items the message carried or the reply sets: real state with a
     * bit flipped, not the zeros an absent item reads as. */
    u64 present = x->s->mtd | x->changed;
    u32 items = 1 + (u32)(fuzz_next(f) % 3);
    bool any = false;
    for (u32 i = 0; i < items; i++) {
        u32 bit = targets[fuzz_next(f) % TARGETS];
        if (!(present & (1ull << bit)))
            continue;
        const struct vireo_state_range *r = vireo_state_item_ranges(bit);
        u32 n = 0;
        while (r[n].bytes)
            n++;
        const struct vireo_state_range *pick = &r[fuzz_next(f) % n];
        u8 *base = (u8 *)x->s + pick->offset;
        /* One bit, or now and then a whole random byte. */
        u32 byte = (u32)(fuzz_next(f) % pick->bytes);
        if (fuzz_next(f) % 8)
            base[byte] ^= (u8)(1u << (fuzz_next(f) % 8));
        else
            base[byte] = (u8)fuzz_next(f);
        x->changed |= 1ull << bit;
        any = true;
    }
    if (!any)
        return;
    f->damaged++;
    f->last_damaged = 1;
}

bool fuzz_entry_failure(struct fuzz *f, const struct vireo_vcpu_state *s)
{
    u32 check = (u32)s->info[0];
    if (check < VIREO_CHECK_COUNT)
        f->checks[check]++;
    bool hw = check >= VIREO_CHECK_HW_GUEST_STATE && check < VIREO_CHECK_COUNT;
    if (hw) {
        f->hardware++;
        const char *name = vireo_entry_check_name(check);
        printf("reply fuzz: the CPU refused a state the kernel let through: %s, detail %#llx "
               "(cr0 %#llx cr4 %#llx efer %#llx rflags %#llx cs %#x/%#x ss %#x/%#x tr %#x "
               "intr %#x actv %u inj %#x)\n",
               name ? name : "?", (unsigned long long)s->info[1], (unsigned long long)s->cr0,
               (unsigned long long)s->cr4, (unsigned long long)s->efer,
               (unsigned long long)s->rflags, s->cs.sel, s->cs.ar, s->ss.sel, s->ss.ar, s->tr.ar,
               s->intr_state, s->actv_state, s->inj_info);
    } else {
        f->refused++;
    }
    return hw;
}

void fuzz_report(const struct fuzz *f, const char *vm_name)
{
    printf("%s: reply fuzz: %u damaged replies, %u refused, %u accepted, %u hardware failures, "
           "%u reboots\n",
           vm_name, f->damaged, f->refused, f->damaged - f->refused - f->hardware, f->hardware,
           f->reboots);
    for (u32 c = 1; c < VIREO_CHECK_COUNT; c++) {
        if (f->checks[c])
            printf("%s: reply fuzz:   %s %u\n", vm_name, vireo_entry_check_name(c), f->checks[c]);
    }
}
