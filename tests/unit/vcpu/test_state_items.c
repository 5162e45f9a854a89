/* Host test of the MTD item table (lib/vcpu_state.c): every item
 * 0..31 has byte ranges inside struct vireo_vcpu_state, no two items
 * overlap, together they cover every field but the 24-byte header (mtd,
 * exit_class, arch, raw_reason), each
 * field belongs to the item docs/VMEXIT.md names, and copying an MTD moves
 * exactly those bytes. */
#include <stddef.h>
#include <string.h>

#include "check.h"
#include <vireo/vcpu_state.h>

#define STATE_BYTES sizeof(struct vireo_vcpu_state)
#define HEADER_BYTES                                                                               \
    offsetof(struct vireo_vcpu_state, raw_qual) /* mtd exit_class arch raw_reason */
#define NO_OWNER 0xff
#define FIELD(f, item)                                                                             \
    {                                                                                              \
        offsetof(struct vireo_vcpu_state, f), sizeof(((struct vireo_vcpu_state *)0)->f),           \
            VIREO_MTD_##item##_BIT, #f                                                             \
    }

static u8 owner[STATE_BYTES];

/* Builds owner[] from the table, checking each item's list. */
static void test_ranges(void)
{
    memset(owner, NO_OWNER, sizeof(owner));
    for (u32 bit = 0; bit < 32; bit++) {
        const struct vireo_state_range *r = vireo_state_item_ranges(bit);
        u32 n = 0;
        while (n < 3 && r[n].bytes)
            n++;
        CHECK(n >= 1); /* every item has at least one range */
        CHECK(n <= 2); /* and the list ends inside the table's 3 slots */
        for (u32 k = 0; k < n; k++) {
            bool inside = r[k].offset >= HEADER_BYTES && r[k].offset + r[k].bytes <= STATE_BYTES;
            CHECK(inside);
            if (!inside)
                continue;
            for (u32 b = r[k].offset; b < (u32)r[k].offset + r[k].bytes; b++) {
                if (owner[b] != NO_OWNER)
                    fprintf(stderr, "byte 0x%x: items %u and %u overlap\n", b, owner[b], bit);
                CHECK(owner[b] == NO_OWNER);
                owner[b] = (u8)bit;
            }
        }
    }
    /* The header is no item; every other byte is exactly one item's. */
    for (u32 b = 0; b < STATE_BYTES; b++) {
        if (b < HEADER_BYTES)
            CHECK(owner[b] == NO_OWNER);
        else if (owner[b] == NO_OWNER) {
            fprintf(stderr, "byte 0x%x: in no item\n", b);
            CHECK(owner[b] != NO_OWNER);
        }
    }
    /* Out-of-range bits give an empty list. */
    CHECK_EQ_U64(vireo_state_item_ranges(32)->bytes, 0);
    CHECK_EQ_U64(vireo_state_item_ranges(63)->bytes, 0);
    CHECK_EQ_U64(vireo_state_item_ranges(~0u)->bytes, 0);
}

/* Every field of the structure and its item (docs/VMEXIT.md "MTD items"). */
static const struct {
    size_t offset, size;
    u32 bit;
    const char *name;
} fields[] = {
    FIELD(raw_qual, QUAL),
    FIELD(info, QUAL),
    FIELD(gpa, ADDR),
    FIELD(gla, ADDR),
    FIELD(vect_info, IDT_VECT),
    FIELD(vect_error, IDT_VECT),
    FIELD(inj_info, INJECT),
    FIELD(inj_error, INJECT),
    FIELD(inj_len, INJECT),
    FIELD(intr_state, INTR_STATE),
    FIELD(actv_state, INTR_STATE),
    FIELD(pending_dbg, PENDING_DBG),
    FIELD(rax, GPR_ACDB),
    FIELD(rcx, GPR_ACDB),
    FIELD(rdx, GPR_ACDB),
    FIELD(rbx, GPR_ACDB),
    FIELD(rbp, GPR_BSD),
    FIELD(rsi, GPR_BSD),
    FIELD(rdi, GPR_BSD),
    FIELD(r8, GPR_R8_R15),
    FIELD(r9, GPR_R8_R15),
    FIELD(r10, GPR_R8_R15),
    FIELD(r11, GPR_R8_R15),
    FIELD(r12, GPR_R8_R15),
    FIELD(r13, GPR_R8_R15),
    FIELD(r14, GPR_R8_R15),
    FIELD(r15, GPR_R8_R15),
    FIELD(rsp, RSP),
    FIELD(rip, RIP_LEN),
    FIELD(insn_len, RIP_LEN),
    FIELD(rflags, RFLAGS),
    FIELD(cr0, CR0_CR4),
    FIELD(cr4, CR0_CR4),
    FIELD(cr2, CR2),
    FIELD(cr3, CR3),
    FIELD(cr8, CR8),
    FIELD(efer, EFER),
    FIELD(xcr0, XCR0),
    FIELD(pdpte, CR3),
    FIELD(dr7, DR7),
    FIELD(dr6, DR7),
    FIELD(dr, DR0_3),
    FIELD(es, DS_ES),
    FIELD(cs, CS_SS),
    FIELD(ss, CS_SS),
    FIELD(ds, DS_ES),
    FIELD(fs, FS_GS),
    FIELD(gs, FS_GS),
    FIELD(ldtr, LDTR),
    FIELD(tr, TR),
    FIELD(gdtr, GDTR),
    FIELD(idtr, IDTR),
    FIELD(sysenter_cs, SYSENTER),
    FIELD(sysenter_esp, SYSENTER),
    FIELD(sysenter_eip, SYSENTER),
    FIELD(star, SYSCALL),
    FIELD(lstar, SYSCALL),
    FIELD(cstar, SYSCALL),
    FIELD(sfmask, SYSCALL),
    FIELD(kernel_gs_base, SYSCALL),
    FIELD(pat, PAT_DEBUGCTL),
    FIELD(debugctl, PAT_DEBUGCTL),
    FIELD(tsc_offset, TSC),
    FIELD(ctrl, CTRL),
};

static void test_fields(void)
{
    static u8 listed[STATE_BYTES];
    u32 items_seen = 0;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        bool right = true;
        for (size_t b = fields[i].offset; b < fields[i].offset + fields[i].size; b++) {
            right = right && owner[b] == fields[i].bit;
            listed[b]++;
        }
        if (!right)
            fprintf(stderr, "%s: not all in item %u\n", fields[i].name, fields[i].bit);
        CHECK(right);
        items_seen |= 1u << fields[i].bit;
    }
    CHECK_EQ_U64(items_seen, 0xffffffffu); /* every item holds a field */
    /* The list above is every field: each byte past the header once. */
    for (u32 b = 0; b < STATE_BYTES; b++)
        CHECK_EQ_U64(listed[b], b < HEADER_BYTES ? 0 : 1);
}

static void test_copy(void)
{
    static struct vireo_vcpu_state src, dst;
    u8 *s = (u8 *)&src, *d = (u8 *)&dst;
    for (u32 bit = 0; bit < 33; bit++) {
        for (u32 b = 0; b < STATE_BYTES; b++)
            s[b] = (u8)(0xa5 ^ b), d[b] = (u8)(0x5a + b);
        vireo_state_copy_items(&dst, &src, 1ull << bit);
        u32 wrong = 0;
        for (u32 b = 0; b < STATE_BYTES; b++) {
            bool copied = bit < 32 && owner[b] == bit;
            wrong += d[b] != (copied ? (u8)(0xa5 ^ b) : (u8)(0x5a + b));
        }
        CHECK_EQ_U64(wrong, 0);
    }
    /* Every item: all but the header; bits 32..63 are ignored. */
    for (u32 b = 0; b < STATE_BYTES; b++)
        d[b] = (u8)(0x5a + b);
    vireo_state_copy_items(&dst, &src, ~0ull);
    u32 wrong = 0;
    for (u32 b = 0; b < STATE_BYTES; b++)
        wrong += d[b] != (b < HEADER_BYTES ? (u8)(0x5a + b) : (u8)(0xa5 ^ b));
    CHECK_EQ_U64(wrong, 0);
}

int main(void)
{
    test_ranges();
    test_fields();
    test_copy();
    return check_report("vcpu.state_items");
}
