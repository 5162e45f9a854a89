/* MOV DR exits (servers/vmm/dr.c), decoded (info[0] VIREO_DRQ) and
 * through the fake decoder: DR0-DR7 both ways, DR4/DR5 as DR6/DR7 with
 * CR4.DE clear and #UD with it set, #GP at CPL > 0 and in virtual-8086
 * mode, #DB with DR6.BD and DR7.GD cleared under DR7.GD, #GP for bits
 * 63:32 of DR6/DR7 in 64-bit mode and 32-bit operands outside it, DR6 and
 * DR7's fixed bits, non-canonical DR0-DR3 held by the VMM with the CPU's
 * breakpoint disabled, and nothing changed by a fault (SDM vol. 2 "MOV -
 * Move to/from Debug Registers", vol. 3 18.2). */
#include "check.h"
#include "dr.h"
#include "fake_cpu.h"
#include "vmm_fakes.h"
#include <string.h>
#include <vireo/x86/dr.h>

static struct vireo_vcpu_state s, before;
static struct exit_ctx x;

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

static void state(enum fake_mode mode)
{
    fake_state(&s, mode);
    s.rip = 0x1000;
    s.insn_len = 3;
    s.dr6 = DR6_FIXED1;
    s.dr7 = DR7_FIXED1;
    x = (struct exit_ctx){.vm = &fake_vm, .s = &s, .changed = 0};
    dr_reset();
}

static u64 drq(u32 dr, bool read, u32 gpr)
{
    return VIREO_PUT(VIREO_DRQ, DR, dr) | VIREO_PUT(VIREO_DRQ, READ, read) |
           VIREO_PUT(VIREO_DRQ, GPR, gpr) | VIREO_PUT(VIREO_DRQ, DECODED, 1);
}

static void run(u64 info)
{
    s.info[0] = info;
    s.inj_info = 0;
    before = s;
    x.changed = 0;
    dr_exit(&x);
}

/* MOV DRn, RAX (v) then MOV RCX, DRn: what it reads back. */
static u64 write_read(u32 dr, u64 v)
{
    s.rax = v;
    run(drq(dr, false, RAX));
    if (s.inj_info)
        return ~0ull;
    s.rcx = 0x5a5a5a5a5a5a5a5aull;
    run(drq(dr, true, RCX));
    return s.rcx;
}

#define CHECK_DONE(mtd)                                                                            \
    do {                                                                                           \
        CHECK_EQ_U64(s.inj_info, 0);                                                               \
        CHECK_EQ_U64(s.rip, before.rip + 3);                                                       \
        CHECK_EQ_U64(x.changed, FINISH_MTD | (mtd));                                               \
    } while (0)

/* The fault, RIP at the MOV, no register changed. */
#define CHECK_FAULT(vec, err)                                                                      \
    do {                                                                                           \
        CHECK_EQ_U64(s.inj_info, fake_exc_info(vec, err));                                         \
        CHECK_EQ_U64(x.changed, fake_injected(&before, vec, err, NULL));                           \
        CHECK_EQ_U64(s.rip, before.rip);                                                           \
        CHECK_EQ_U64(s.rcx, before.rcx);                                                           \
        CHECK_EQ_U64(s.dr7, before.dr7);                                                           \
        CHECK_EQ_U64(s.dr6, before.dr6);                                                           \
        CHECK(memcmp(s.dr, before.dr, sizeof(s.dr)) == 0);                                         \
    } while (0)

#define WRITE_ITEMS (VIREO_MTD(DR0_3) | VIREO_MTD(DR7))

static void test_values(void)
{
    state(MODE_LONG64);
    /* DR0-DR3: any address, 64 bits in 64-bit mode. */
    static const u64 addrs[] = {0, 0x1000, 0x00007ffffffff000ull, 0xffff800000001234ull,
                                0xfffffffffffffffful};
    for (u32 dr = 0; dr < 4; dr++) {
        for (u32 i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
            s.rax = addrs[i];
            run(drq(dr, false, RAX));
            CHECK_DONE(WRITE_ITEMS);
            CHECK_EQ_U64(s.dr[dr], addrs[i]);
            run(drq(dr, true, RBX));
            CHECK_DONE(VIREO_MTD(GPR_ACDB));
            CHECK_EQ_U64(s.rbx, addrs[i]);
        }
    }
    /* DR6: B0-B3, BD, BS, BT writable; 4-11 and 16-31 read 1, 12 0. */
    CHECK_EQ_U64(write_read(6, 0), 0xffff0ff0);
    CHECK_EQ_U64(write_read(6, 0xffffffff), 0xffffefff);
    CHECK_EQ_U64(write_read(6, DR6_BS | 1), 0xffff4ff1);
    CHECK_EQ_U64(s.dr6, 0xffff4ff1);
    CHECK_EQ_U64(x.changed, FINISH_MTD | VIREO_MTD(GPR_ACDB));
    /* DR7: bit 10 reads 1, 12, 14, 15 read 0. */
    CHECK_EQ_U64(write_read(7, 0), 0x400);
    CHECK_EQ_U64(write_read(7, 0xffffdfff), 0xffff07ff); /* 11 (RTM): not offered */
    CHECK_EQ_U64(write_read(7, 0x1000 | 0x4000 | 0x8000), 0x400);
    CHECK_EQ_U64(write_read(7, 0x000f0003), 0x000f0403);
    CHECK_EQ_U64(s.dr7, 0x000f0403);
    /* 64-bit mode: bits 63:32 of DR6/DR7 set: #GP, nothing changed. */
    static const u64 high[] = {1ull << 32, 1ull << 63, 0xffffffff00000400ull};
    for (u32 dr = 4; dr < 8; dr++) {
        if (dr == 4 || dr == 5)
            continue;
        for (u32 i = 0; i < 3; i++) {
            s.rax = high[i];
            run(drq(dr, false, RAX));
            CHECK_FAULT(EXC_GP, true);
        }
    }
    /* Outside 64-bit mode: 32-bit operands, both ways. */
    state(MODE_PROT32);
    CHECK_EQ_U64(write_read(7, 0xffffffff00000001ull), 0x401);
    CHECK_EQ_U64(write_read(0, 0x1234567887654321ull), 0x87654321);
    state(MODE_COMPAT);
    s.dr[2] = 0xffff800000000000ull;
    s.rdx = ~0ull;
    run(drq(2, true, RDX));
    CHECK_EQ_U64(s.rdx, 0);
    /* Real mode is CPL 0. */
    state(MODE_REAL);
    CHECK_EQ_U64(write_read(3, 0xabcd), 0xabcd);
}

static void test_aliases(void)
{
    /* CR4.DE clear: DR4 is DR6, DR5 is DR7. */
    state(MODE_LONG64);
    CHECK_EQ_U64(write_read(4, DR6_B0), 0xffff0ff1);
    CHECK_EQ_U64(s.dr6, 0xffff0ff1);
    CHECK_EQ_U64(write_read(6, 0), 0xffff0ff0);
    s.rcx = 0;
    run(drq(4, true, RCX));
    CHECK_EQ_U64(s.rcx, 0xffff0ff0);
    CHECK_EQ_U64(write_read(5, 0x3), 0x403);
    CHECK_EQ_U64(s.dr7, 0x403);
    run(drq(7, true, RCX));
    CHECK_EQ_U64(s.rcx, 0x403);
    s.rax = 1ull << 40; /* DR5 is DR7 for the 63:32 rule too */
    run(drq(5, false, RAX));
    CHECK_FAULT(EXC_GP, true);
    /* CR4.DE set: DR4 and DR5 are reserved, #UD both ways. */
    state(MODE_LONG64);
    s.cr4 |= CR4_DE;
    for (u32 dr = 4; dr <= 5; dr++) {
        s.rax = 0;
        run(drq(dr, false, RAX));
        CHECK_FAULT(EXC_UD, false);
        run(drq(dr, true, RCX));
        CHECK_FAULT(EXC_UD, false);
    }
    /* ... and DR6/DR7 still work. */
    CHECK_EQ_U64(write_read(7, 0), 0x400);
}

static void test_privilege(void)
{
    /* CPL 3: #GP, reads too. */
    state(MODE_LONG64);
    s.cs.ar |= 3u << 5;
    s.ss.ar |= 3u << 5;
    for (u32 dr = 0; dr < 8; dr++) {
        if (dr == 4 || dr == 5)
            continue;
        s.rax = 0;
        run(drq(dr, false, RAX));
        CHECK_FAULT(EXC_GP, true);
        run(drq(dr, true, RCX));
        CHECK_FAULT(EXC_GP, true);
    }
    /* Virtual-8086 mode. */
    state(MODE_PROT32);
    s.rflags |= RFLAGS_VM;
    run(drq(7, true, RCX));
    CHECK_FAULT(EXC_GP, true);
    /* #UD for DR4 with CR4.DE comes before the privilege check. */
    state(MODE_LONG64);
    s.cr4 |= CR4_DE;
    s.ss.ar |= 3u << 5;
    run(drq(4, true, RCX));
    CHECK_FAULT(EXC_UD, false);
}

static void test_general_detect(void)
{
    /* DR7.GD: the next MOV DR faults with #DB, DR6.BD set, GD cleared
     * (what the CPU does so the handler can get in); RIP at the MOV. */
    state(MODE_LONG64);
    CHECK_EQ_U64(write_read(7, DR7_GD | DR7_L0), 0x5a5a5a5a5a5a5a5aull); /* the read faulted */
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_DB, false));
    CHECK_EQ_U64(s.rip, before.rip);
    CHECK_EQ_U64(s.rcx, before.rcx);
    CHECK_EQ_U64(s.dr6 & DR6_BD, DR6_BD);
    CHECK_EQ_U64(s.dr7, 0x401);
    CHECK_EQ_U64(x.changed, fake_injected(&before, EXC_DB, false, NULL) | WRITE_ITEMS);
    /* Now the handler reads DR6 and DR7. */
    s.rcx = 0;
    run(drq(6, true, RCX));
    CHECK_DONE(VIREO_MTD(GPR_ACDB));
    CHECK_EQ_U64(s.rcx, 0xffff2ff0);
    run(drq(7, true, RCX));
    CHECK_EQ_U64(s.rcx, 0x401);
    /* Writes under GD fault the same way, and change nothing else. */
    s.rax = DR7_GD;
    run(drq(7, false, RAX));
    CHECK_DONE(WRITE_ITEMS);
    s.rax = 0x1234;
    run(drq(0, false, RAX));
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_DB, false));
    CHECK_EQ_U64(s.dr[0], before.dr[0]);
    CHECK_EQ_U64(s.dr7, 0x400);
    /* Privilege comes first: at CPL 3 under GD, #GP. */
    s.rax = DR7_GD;
    run(drq(7, false, RAX));
    s.ss.ar |= 3u << 5;
    run(drq(7, true, RCX));
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_GP, true));
    CHECK_EQ_U64(s.dr7, 0x2400);
}

static void test_noncanonical(void)
{
    /* The guest reads back its DR0-DR3 as written; the CPU gets a
     * canonical address and that breakpoint disabled. */
    state(MODE_LONG64);
    CHECK_EQ_U64(write_read(7, 0xff), 0x4ff);
    CHECK_EQ_U64(write_read(1, 0x0000800000001000ull), 0x0000800000001000ull);
    CHECK_EQ_U64(s.dr[1], 0xffff800000001000ull);
    CHECK_EQ_U64(s.dr7, 0x4ff & ~DR7_ENABLES(1));
    run(drq(7, true, RCX));
    CHECK_EQ_U64(s.rcx, 0x4ff); /* the guest's DR7 */
    CHECK_EQ_U64(write_read(3, 0x8000000000000000ull), 0x8000000000000000ull);
    CHECK_EQ_U64(s.dr[3], 0);
    CHECK_EQ_U64(s.dr7, 0x4ff & ~DR7_ENABLES(1) & ~DR7_ENABLES(3));
    /* A canonical address again: the breakpoint is the CPU's again. */
    CHECK_EQ_U64(write_read(1, 0x2000), 0x2000);
    CHECK_EQ_U64(s.dr7, 0x4ff & ~DR7_ENABLES(3));
    /* DR7 writes keep them disabled. */
    CHECK_EQ_U64(write_read(7, 0xc3), 0x4c3);
    CHECK_EQ_U64(s.dr7, 0x403);
    for (u32 i = 0; i < 4; i++)
        CHECK((u64)((s64)(s.dr[i] << 16) >> 16) == s.dr[i]);
    /* A message unlike what the VMM gave (a new start): taken as is. */
    s.dr[3] = 0x3000;
    s.dr7 = 0x400 | DR7_ENABLES(3);
    run(drq(3, true, RCX));
    CHECK_EQ_U64(s.rcx, 0x3000);
    run(drq(7, true, RCX));
    CHECK_EQ_U64(s.rcx, 0x4c0);
}

static void reg_op(u32 i, ZydisRegister r)
{
    fake_insn.ops[i].type = ZYDIS_OPERAND_TYPE_REGISTER;
    fake_insn.ops[i].reg.value = r;
}

static void test_decode(void)
{
    /* DECODED clear (SVM without decode assists): the instruction says
     * which register and which way; no exit length either. */
    state(MODE_LONG64);
    s.insn_len = 0;
    fake_set_insn(ZYDIS_MNEMONIC_MOV, 3, 64, 2);
    reg_op(0, ZYDIS_REGISTER_DR2);
    reg_op(1, ZYDIS_REGISTER_R13);
    s.r13 = 0xffff800000004000ull;
    run(0);
    CHECK_EQ_U64(s.inj_info, 0);
    CHECK_EQ_U64(s.dr[2], 0xffff800000004000ull);
    CHECK_EQ_U64(s.rip, before.rip + 3);
    fake_set_insn(ZYDIS_MNEMONIC_MOV, 3, 64, 2);
    reg_op(0, ZYDIS_REGISTER_RSI);
    reg_op(1, ZYDIS_REGISTER_DR6);
    run(0);
    CHECK_EQ_U64(s.rsi, 0xffff0ff0);
    /* DR8-DR15 do not exist: #UD. */
    fake_set_insn(ZYDIS_MNEMONIC_MOV, 3, 64, 2);
    reg_op(0, ZYDIS_REGISTER_RSI);
    reg_op(1, ZYDIS_REGISTER_DR9);
    run(0);
    CHECK_FAULT(EXC_UD, false);
    /* Undecodable: the decoder's #UD, nothing else. */
    fake_decode_ok = false;
    run(0);
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_UD, false));
    CHECK_EQ_U64(x.changed, fake_injected(&before, EXC_UD, false, NULL));
    /* Another instruction: the VM stops, naming it. */
    fake_set_insn(ZYDIS_MNEMONIC_NOP, 1, 64, 0);
    fake_stops = 0;
    run(0);
    CHECK_EQ_U64(fake_stops, 1);
    CHECK_EQ_U64(s.rip, before.rip);
    fake_vm.end = VM_RUNNING;
}

static void test_finish(void)
{
    /* Completed like every emulated instruction: TF's trap pending, the
     * STI/MOV-SS shadow gone. */
    state(MODE_LONG64);
    s.rflags |= RFLAGS_TF;
    s.intr_state = (u32)VIREO_BIT(VMX_INTR_STATE, BLOCK_MOV_SS);
    run(drq(7, true, RAX));
    CHECK_EQ_U64(s.pending_dbg, VIREO_BIT(VMX_PENDING_DBG, BS));
    CHECK_EQ_U64(s.intr_state, 0);
}

int main(void)
{
    fake_reset(1u << 16);
    fake_cpu_intel(46);
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    test_values();
    test_aliases();
    test_privilege();
    test_general_detect();
    test_noncanonical();
    test_decode();
    test_finish();
    return check_report("vmm_dr");
}
