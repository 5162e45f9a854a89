/* Port I/O exits (servers/vmm/io.c) with a fake device server: dev_access
 * below records every access and serves a scratch register (a write sets
 * it; a read returns it, then it steps by READ_STEP so the elements of a
 * string read differ). IN/OUT of 1, 2, 4 bytes; INS/OUTS with and without
 * REP, DF, 16/32/64-bit addressing, segment overrides from the exit or the
 * decoder; RCX = 0; faults: #GP on a non-canonical address, #PF in the
 * middle of a REP string through the guest's page tables (RCX, RSI/RDI
 * tell the elements done, no device access lost), the VM stopped by a
 * device or by a string outside RAM; the 4096-element chunk. */
#include "check.h"
#include "devices.h"
#include "gpt.h"
#include "io.h"
#include "irqchip.h"
#include "fake_cpu.h"
#include "vmm_fakes.h"
#include <string.h>

#define RAM       (1u << 20)
#define PORT      0x1f0u
#define READ_STEP 0x01030507u

/* ---- the fake device server ---- */

struct access {
    u32 op, size;
    u64 port, value;
};
static struct access log_[8192];
static unsigned nlog;
static u64 scratch;
static unsigned stop_at = ~0u; /* the access at this index stops the VM */

bool dev_access(struct vm *vm, u32 op, u32 size, u64 addr, u64 *value)
{
    CHECK(vm == &fake_vm);
    CHECK(size == 1 || size == 2 || size == 4);
    u64 mask = (1ull << (size * 8)) - 1;
    if (nlog == stop_at) {
        vm_stop(vm, VM_END_DEBUG_EXIT, 3, "debug-exit");
        return false;
    }
    bool read = op == VIREO_DEV_OP_IO_READ;
    CHECK(read || op == VIREO_DEV_OP_IO_WRITE);
    if (read) {
        *value = scratch & mask;
        scratch += READ_STEP;
    } else {
        scratch = *value & mask;
    }
    if (nlog < sizeof(log_) / sizeof(log_[0]))
        log_[nlog] = (struct access){op, size, addr, *value & mask};
    nlog++;
    return true;
}

/* ---- guest state and memory ---- */

static struct vireo_vcpu_state s, before;
static struct exit_ctx x;

static void state(enum fake_mode mode)
{
    fake_state(&s, mode);
    s.rip = 0x3000;
    s.insn_len = 2;
    x = (struct exit_ctx){.vm = &fake_vm, .s = &s, .changed = 0};
    nlog = 0;
    stop_at = ~0u;
    scratch = 0x11223344;
    fake_vm.end = VM_RUNNING;
    fake_stops = 0;
    fake_decodes = 0;
    fake_decode_ok = false;
}

/* 4-level tables from 0x10000 up; map() adds a 4 KiB page. */
#define PML4 0x10000u
static u64 next_table;
static void tables_reset(void)
{
    memset(fake_vm.ram + PML4, 0, 0x20000);
    next_table = PML4 + 0x1000;
}
static void map(u64 la, u64 gpa, u64 flags)
{
    u64 table = PML4;
    for (int level = 4; level > 1; level--) {
        u64 slot = table + ((la >> (12 + 9 * (level - 1))) & 0x1ff) * 8;
        u64 e = fake_get64(slot);
        if (!(e & PTE_P)) {
            e = next_table | PTE_P | PTE_W | PTE_U;
            next_table += 0x1000;
            fake_put64(slot, e);
        }
        table = e & PTE_ADDR_MASK;
    }
    fake_put64(table + ((la >> 12) & 0x1ff) * 8, gpa | flags);
}
static void long_state(void)
{
    state(MODE_LONG64);
    s.cr3 = PML4;
}

static u64 ioq(u32 size, bool in, bool str, bool rep, u32 asz)
{
    return VIREO_PUT(VIREO_IOQ, PORT, PORT) | VIREO_PUT(VIREO_IOQ, SIZE, size) |
           VIREO_PUT(VIREO_IOQ, IN, in) | VIREO_PUT(VIREO_IOQ, STRING, str) |
           VIREO_PUT(VIREO_IOQ, REP, rep) | VIREO_PUT(VIREO_IOQ, ADDR_SIZE, asz);
}
static u64 seg(u32 sr)
{
    return VIREO_PUT(VIREO_IOQ, SEG, sr) | VIREO_PUT(VIREO_IOQ, SEG_VALID, 1);
}

static void run(u64 info)
{
    s.info[0] = info;
    s.inj_info = 0;
    before = s;
    x.changed = 0;
    io_exit(&x);
}

#define STR_MTD (VIREO_MTD(GPR_ACDB) | VIREO_MTD(GPR_BSD))

#define CHECK_DONE(mtd)                                                                            \
    do {                                                                                           \
        CHECK_EQ_U64(s.inj_info, 0);                                                               \
        CHECK_EQ_U64(fake_stops, 0);                                                               \
        CHECK_EQ_U64(s.rip, before.rip + before.insn_len);                                         \
        CHECK_EQ_U64(x.changed, FINISH_MTD | (mtd));                                               \
    } while (0)

static void put8(u64 gpa, u8 v)
{
    fake_vm.ram[gpa] = v;
}
static u32 get(u64 gpa, u32 size)
{
    u32 v = 0;
    memcpy(&v, fake_vm.ram + gpa, size);
    return v;
}

/* ---- IN and OUT ---- */

static void test_in_out(void)
{
    static const u32 sizes[] = {1, 2, 4};
    for (unsigned i = 0; i < 3; i++) {
        u32 size = sizes[i];
        u64 mask = (1ull << (size * 8)) - 1;
        /* OUT: AL/AX/EAX to the port; RAX unchanged. */
        state(MODE_PROT32);
        s.rax = 0x1122334455667788ull;
        run(ioq(size, false, false, false, 1));
        CHECK_DONE(0);
        CHECK_EQ_U64(nlog, 1);
        CHECK_EQ_U64(log_[0].op, VIREO_DEV_OP_IO_WRITE);
        CHECK_EQ_U64(log_[0].size, size);
        CHECK_EQ_U64(log_[0].port, PORT);
        CHECK_EQ_U64(log_[0].value, 0x1122334455667788ull & mask);
        CHECK_EQ_U64(s.rax, 0x1122334455667788ull);
        /* IN: AL and AX merge, EAX zero-extends into RAX. */
        state(MODE_LONG64);
        scratch = 0xa1b2c3d4;
        s.rax = 0x1122334455667788ull;
        run(ioq(size, true, false, false, 2));
        CHECK_DONE(VIREO_MTD(GPR_ACDB));
        CHECK_EQ_U64(nlog, 1);
        CHECK_EQ_U64(log_[0].op, VIREO_DEV_OP_IO_READ);
        CHECK_EQ_U64(log_[0].size, size);
        u64 want =
            size == 4 ? 0xa1b2c3d4ull : (0x1122334455667788ull & ~mask) | (0xa1b2c3d4 & mask);
        CHECK_EQ_U64(s.rax, want);
    }
    /* The port is the exit's, DX not consulted. */
    state(MODE_PROT32);
    s.rdx = 0x60;
    s.info[0] = 0;
    run(VIREO_PUT(VIREO_IOQ, PORT, 0xffff) | VIREO_PUT(VIREO_IOQ, SIZE, 1));
    CHECK_EQ_U64(log_[0].port, 0xffff);
    /* A device that stops the VM: nothing completes. */
    state(MODE_PROT32);
    stop_at = 0;
    s.rax = 0x55;
    run(ioq(1, true, false, false, 1));
    CHECK_EQ_U64(fake_stops, 1);
    CHECK_EQ_U64(s.rip, before.rip);
    CHECK_EQ_U64(s.rax, 0x55);
    CHECK_EQ_U64(x.changed, 0);
    /* No exit length: decoded (the fake decoder's length). */
    state(MODE_PROT32);
    s.insn_len = 0;
    fake_set_insn(ZYDIS_MNEMONIC_OUT, 1, 32, 2);
    run(ioq(1, false, false, false, 1));
    CHECK_EQ_U64(s.rip, before.rip + 1);
    CHECK_EQ_U64(nlog, 1);
    fake_decode_ok = false;
    run(ioq(1, false, false, false, 1));
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_UD, false));
    CHECK_EQ_U64(s.rip, before.rip);
    CHECK_EQ_U64(nlog, 1);
}

/* ---- string forms, paging off ---- */

static void test_strings(void)
{
    /* OUTSB, no REP: one byte from DS:ESI, ESI + 1, ECX untouched. */
    state(MODE_PROT32);
    put8(0x1000, 0x5a);
    s.rsi = 0x1000;
    s.rcx = 5;
    run(ioq(1, false, true, false, 1) | seg(VIREO_SEG_DS));
    CHECK_DONE(STR_MTD);
    CHECK_EQ_U64(nlog, 1);
    CHECK_EQ_U64(log_[0].op, VIREO_DEV_OP_IO_WRITE);
    CHECK_EQ_U64(log_[0].value, 0x5a);
    CHECK_EQ_U64(s.rsi, 0x1001);
    CHECK_EQ_U64(s.rcx, 5);
    /* DF set: backwards. */
    s.rflags |= RFLAGS_DF;
    s.rsi = 0x1000;
    nlog = 0;
    run(ioq(1, false, true, false, 1) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(s.rsi, 0x0fff);
    CHECK_EQ_U64(log_[0].value, 0x5a);

    /* REP OUTSW, REP OUTSD forwards and backwards. */
    state(MODE_PROT32);
    for (u32 i = 0; i < 16; i++)
        put8(0x2000 + i, (u8)(0x10 + i));
    s.rsi = 0x2000;
    s.rcx = 3;
    run(ioq(2, false, true, true, 1) | seg(VIREO_SEG_DS));
    CHECK_DONE(STR_MTD);
    CHECK_EQ_U64(nlog, 3);
    CHECK_EQ_U64(log_[0].value, 0x1110);
    CHECK_EQ_U64(log_[1].value, 0x1312);
    CHECK_EQ_U64(log_[2].value, 0x1514);
    CHECK_EQ_U64(log_[2].size, 2);
    CHECK_EQ_U64(s.rsi, 0x2006);
    CHECK_EQ_U64(s.rcx, 0);
    state(MODE_PROT32);
    s.rflags |= RFLAGS_DF;
    s.rsi = 0x2008;
    s.rcx = 3;
    run(ioq(4, false, true, true, 1) | seg(VIREO_SEG_DS));
    CHECK_DONE(STR_MTD);
    CHECK_EQ_U64(nlog, 3);
    CHECK_EQ_U64(log_[0].value, 0x1b1a1918);
    CHECK_EQ_U64(log_[1].value, 0x17161514);
    CHECK_EQ_U64(log_[2].value, 0x13121110);
    CHECK_EQ_U64(s.rsi, 0x1ffc);
    CHECK_EQ_U64(s.rcx, 0);

    /* REP INSB/INSW/INSD into ES:EDI, forwards and backwards. */
    static const u32 sizes[] = {1, 2, 4};
    for (unsigned i = 0; i < 3; i++) {
        u32 size = sizes[i];
        u64 mask = (1ull << (size * 8)) - 1;
        for (int df = 0; df < 2; df++) {
            state(MODE_PROT32);
            memset(fake_vm.ram + 0x4000, 0xee, 0x100);
            if (df)
                s.rflags |= RFLAGS_DF;
            s.rdi = 0x4040;
            s.rcx = 4;
            s.rsi = 0x777;
            run(ioq(size, true, true, true, 1) | seg(VIREO_SEG_ES));
            CHECK_DONE(STR_MTD);
            CHECK_EQ_U64(nlog, 4);
            for (u32 e = 0; e < 4; e++) {
                u64 at = df ? 0x4040 - e * size : 0x4040 + e * size;
                CHECK_EQ_U64(log_[e].op, VIREO_DEV_OP_IO_READ);
                CHECK_EQ_U64(get(at, size), (0x11223344ull + e * READ_STEP) & mask);
            }
            CHECK_EQ_U64(get(df ? 0x4040 - 4 * size : 0x4040 + 4 * size, 1), 0xee);
            CHECK_EQ_U64(s.rdi, df ? 0x4040 - 4 * size : 0x4040 + 4 * size);
            CHECK_EQ_U64(s.rcx, 0);
            CHECK_EQ_U64(s.rsi, 0x777);
        }
    }

    /* RCX = 0 with REP: no access, the instruction is done. */
    state(MODE_PROT32);
    s.rsi = 0x1000;
    s.rcx = 0xffffffff00000000ull; /* ECX = 0 with 32-bit addressing */
    run(ioq(1, false, true, true, 1) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(nlog, 0);
    CHECK_EQ_U64(s.rip, before.rip + 2);
    CHECK_EQ_U64(s.rsi, 0x1000);
    CHECK_EQ_U64(s.rcx, before.rcx);
    CHECK_EQ_U64(s.inj_info, 0);
    state(MODE_REAL);
    s.rdi = 0x100;
    s.rcx = 0x10000; /* CX = 0 */
    run(ioq(2, true, true, true, 0) | seg(VIREO_SEG_ES));
    CHECK_EQ_U64(nlog, 0);
    CHECK_EQ_U64(s.rip, before.rip + 2);
    CHECK_EQ_U64(s.rcx, 0x10000);

    /* 16-bit addressing: SI/CX wrap at 64 KiB, bits 63:16 of RSI, RCX stay. */
    state(MODE_REAL);
    s.ds.base = 0x10000;
    put8(0x1fffe, 1), put8(0x1ffff, 2), put8(0x10000, 3), put8(0x20000, 0x99);
    s.rsi = 0xdeadbeef0000fffeull;
    s.rcx = 0x7777000000000003ull;
    run(ioq(1, false, true, true, 0) | seg(VIREO_SEG_DS));
    CHECK_DONE(STR_MTD);
    CHECK_EQ_U64(nlog, 3);
    CHECK_EQ_U64(log_[0].value, 1);
    CHECK_EQ_U64(log_[1].value, 2);
    CHECK_EQ_U64(log_[2].value, 3);
    CHECK_EQ_U64(s.rsi, 0xdeadbeef00000001ull);
    CHECK_EQ_U64(s.rcx, 0x7777000000000000ull);
    state(MODE_REAL);
    s.es.base = 0x10000;
    s.rflags |= RFLAGS_DF;
    s.rdi = 0xaaaa000000000001ull;
    s.rcx = 0x3;
    run(ioq(1, true, true, true, 0) | seg(VIREO_SEG_ES));
    CHECK_EQ_U64(s.rdi, 0xaaaa00000000fffeull);
    CHECK_EQ_U64(get(0x10001, 1), 0x44);
    CHECK_EQ_U64(get(0x10000, 1), (0x44 + READ_STEP) & 0xff);
    CHECK_EQ_U64(get(0x1ffff, 1), (0x44 + 2 * READ_STEP) & 0xff);

    /* 32-bit addressing: ESI wraps at 4 GiB; as every 32-bit register
     * write it zero-extends RSI (and RCX). */
    state(MODE_PROT32);
    put8(0x0, 0x42);
    s.ds.base = 0;
    s.rsi = 0x12345678ffffffffull;
    s.rcx = 0xaaaabbbb00000001ull;
    s.rflags |= RFLAGS_DF;
    s.rsi = 0x1234567800000000ull;
    run(ioq(1, false, true, true, 1) | seg(VIREO_SEG_DS));
    CHECK_DONE(STR_MTD);
    CHECK_EQ_U64(log_[0].value, 0x42);
    CHECK_EQ_U64(s.rsi, 0xffffffffull);
    CHECK_EQ_U64(s.rcx, 0);

    /* Segment overrides of OUTS, from the exit (SEG_VALID, with an exit
     * length): the segment's base counts in protected mode. */
    static const u32 segs[] = {VIREO_SEG_ES, VIREO_SEG_CS, VIREO_SEG_SS,
                               VIREO_SEG_DS, VIREO_SEG_FS, VIREO_SEG_GS};
    for (unsigned i = 0; i < 6; i++) {
        state(MODE_PROT32);
        struct vireo_seg *sr = &s.es + segs[i];
        sr->base = 0x8000 + 0x1000 * i;
        put8(0x8010 + 0x1000 * i, (u8)(0xc0 + i));
        s.rsi = 0x10;
        run(ioq(1, false, true, false, 1) | seg(segs[i]));
        CHECK_DONE(STR_MTD);
        CHECK_EQ_U64(log_[0].value, 0xc0 + i);
        CHECK_EQ_U64(fake_decodes, 0);
    }
    /* INS writes ES:EDI whatever else is said. */
    state(MODE_PROT32);
    s.es.base = 0x9000;
    s.ds.base = 0xa000;
    s.rdi = 0x20;
    run(ioq(1, true, true, false, 1) | seg(VIREO_SEG_ES));
    CHECK_EQ_U64(get(0x9020, 1), 0x44);
    CHECK_EQ_U64(get(0xa020, 1), 0);
}

static void test_decoded_operand(void)
{
    /* Without SEG_VALID, or without an exit length, the decoder says the
     * address size and the segment of the operand OUTS reads. */
    state(MODE_PROT32);
    s.gs.base = 0xb000;
    put8(0xb000 + 0x1234, 0x77);
    s.rsi = 0xffff0000ull | 0x1234; /* a16: SI only */
    fake_set_insn(ZYDIS_MNEMONIC_OUTSB, 3, 16, 3);
    fake_insn.ops[1].type = ZYDIS_OPERAND_TYPE_MEMORY;
    fake_insn.ops[1].mem.segment = ZYDIS_REGISTER_GS;
    fake_insn.ops[1].actions = ZYDIS_OPERAND_ACTION_READ;
    fake_decodes = 0;
    run(ioq(1, false, true, false, 1)); /* the exit says 32-bit, no segment */
    CHECK_DONE(STR_MTD);
    CHECK(fake_decodes >= 1);
    CHECK_EQ_U64(log_[0].value, 0x77);
    CHECK_EQ_U64(s.rsi, 0xffff0000ull | 0x1235);
    /* SEG_VALID but no exit length (SVM without next-RIP: unreliable). */
    state(MODE_PROT32);
    s.insn_len = 0;
    s.gs.base = 0xb000;
    s.rsi = 0x1234;
    fake_decodes = 0;
    fake_decode_ok = true;
    run(ioq(1, false, true, false, 1) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(s.rip, before.rip + 3);
    CHECK_EQ_U64(log_[0].value, 0x77);
    CHECK(fake_decodes >= 1);
    /* INS: the written operand is no source of a segment; ES stays. */
    state(MODE_PROT32);
    s.es.base = 0xe000;
    s.fs.base = 0xf000;
    s.rdi = 0x10;
    fake_set_insn(ZYDIS_MNEMONIC_INSB, 2, 32, 3);
    fake_insn.ops[0].type = ZYDIS_OPERAND_TYPE_MEMORY;
    fake_insn.ops[0].mem.segment = ZYDIS_REGISTER_FS;
    fake_insn.ops[0].actions = ZYDIS_OPERAND_ACTION_WRITE;
    run(ioq(1, true, true, false, 1));
    CHECK_EQ_U64(get(0xe010, 1), 0x44);
    CHECK_EQ_U64(get(0xf010, 1), 0);
    /* Undecodable: the decoder's #UD, no access. */
    state(MODE_PROT32);
    fake_decode_ok = false;
    run(ioq(1, false, true, false, 1));
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_UD, false));
    CHECK_EQ_U64(nlog, 0);
    CHECK_EQ_U64(s.rip, before.rip);
}

/* ---- 64-bit mode and paging ---- */

static void test_long_mode(void)
{
    tables_reset();
    const u64 all = PTE_P | PTE_W | PTE_U;
    map(0xfffff000ull, 0x50000, all);
    map(0x0, 0x51000, all);
    map(0xffff800000000000ull, 0x52000, all);
    map(0x00007fffffffe000ull, 0x53000, all);
    map(0x00007ffffffff000ull, 0x54000, all); /* then a non-canonical gap */
    put8(0x50fff, 0xa1), put8(0x51000, 0xa2), put8(0x51001, 0xa3);
    put8(0x52ffe, 0xb1), put8(0x52fff, 0xb2);

    /* 32-bit addressing (67h) in 64-bit mode: ESI wraps, RSI and RCX are
     * zero-extended. */
    long_state();
    s.rsi = 0x12345678ffffffffull;
    s.rcx = 0xaaaabbbb00000002ull;
    run(ioq(1, false, true, true, 1) | seg(VIREO_SEG_DS));
    CHECK_DONE(STR_MTD);
    CHECK_EQ_U64(nlog, 2);
    CHECK_EQ_U64(log_[0].value, 0xa1);
    CHECK_EQ_U64(log_[1].value, 0xa2);
    CHECK_EQ_U64(s.rsi, 1);
    CHECK_EQ_U64(s.rcx, 0);
    /* 64-bit addressing: all of RSI; DS's base does not count, FS's does. */
    long_state();
    s.ds.base = 0x100000;
    s.rsi = 0xffff800000000ffeull;
    s.rcx = 2;
    run(ioq(1, false, true, true, 2) | seg(VIREO_SEG_DS));
    CHECK_DONE(STR_MTD);
    CHECK_EQ_U64(log_[0].value, 0xb1);
    CHECK_EQ_U64(log_[1].value, 0xb2);
    CHECK_EQ_U64(s.rsi, 0xffff800000001000ull);
    long_state();
    s.fs.base = 0xffff800000000000ull;
    s.rsi = 0xfff;
    run(ioq(1, false, true, false, 2) | seg(VIREO_SEG_FS));
    CHECK_EQ_U64(nlog, 1);
    CHECK_EQ_U64(log_[0].value, 0xb2);
    CHECK_EQ_U64(s.rsi, 0x1000);
    /* A non-canonical address: #GP(0), nothing done. */
    long_state();
    s.rsi = 0x0000800000000000ull;
    s.rcx = 3;
    run(ioq(1, false, true, true, 2) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_GP, true));
    CHECK_EQ_U64(s.inj_error, 0);
    CHECK_EQ_U64(nlog, 0);
    CHECK_EQ_U64(s.rip, before.rip);
    CHECK_EQ_U64(s.rcx, 3);
    CHECK_EQ_U64(x.changed, VIREO_MTD(INJECT));
    /* ... reached by REP INSD at the top of the lower half: two elements
     * done, then #GP (RCX, RDI tell where). */
    long_state();
    s.rdi = 0x00007ffffffffff8ull;
    s.rcx = 5;
    run(ioq(4, true, true, true, 2) | seg(VIREO_SEG_ES));
    CHECK_EQ_U64(nlog, 2);
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_GP, true));
    CHECK_EQ_U64(s.rdi, 0x0000800000000000ull);
    CHECK_EQ_U64(s.rcx, 3);
    CHECK_EQ_U64(s.rip, before.rip);
    CHECK_EQ_U64(get(0x54ff8, 4), 0x11223344);
    CHECK_EQ_U64(get(0x54ffc, 4), (u32)(0x11223344 + READ_STEP));

    /* #PF in the middle of REP OUTSB: the next page is not present. Four
     * elements done; #PF(0) with CR2 = the first byte not read. */
    tables_reset();
    map(0x400000, 0x60000, all);
    map(0x401000, 0x61000, PTE_W | PTE_U); /* not present */
    for (u32 i = 0; i < 4; i++)
        put8(0x60ffc + i, (u8)(0xd0 + i));
    long_state();
    s.rsi = 0x400ffc;
    s.rcx = 8;
    run(ioq(1, false, true, true, 2) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(nlog, 4);
    CHECK_EQ_U64(log_[3].value, 0xd3);
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_PF, true));
    CHECK_EQ_U64(s.inj_error, 0);
    CHECK_EQ_U64(s.cr2, 0x401000);
    CHECK_EQ_U64(s.rcx, 4);
    CHECK_EQ_U64(s.rsi, 0x401000);
    CHECK_EQ_U64(s.rip, before.rip);
    CHECK_EQ_U64(x.changed, STR_MTD | VIREO_MTD(CR2) | VIREO_MTD(INJECT));
    /* The same backwards from a page whose predecessor is missing. */
    long_state();
    s.rflags |= RFLAGS_DF;
    s.rsi = 0x400001;
    s.rcx = 8;
    run(ioq(1, false, true, true, 2) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(nlog, 2);
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_PF, true));
    CHECK_EQ_U64(s.cr2, 0x3fffff);
    CHECK_EQ_U64(s.rcx, 6);
    CHECK_EQ_U64(s.rsi, 0x3fffff);

    /* REP INSW into a read-only page with CR0.WP: #PF(P|W); no port read
     * is lost (the faulting element's is not done). An element across
     * the boundary faults as a whole. */
    tables_reset();
    map(0x400000, 0x60000, all);
    map(0x401000, 0x61000, PTE_P | PTE_U); /* read-only */
    for (u32 odd = 0; odd < 2; odd++) {
        long_state();
        s.cr0 |= CR0_WP;
        s.rdi = 0x400ffc - odd;
        s.rcx = 0x10;
        memset(fake_vm.ram + 0x61000, 0, 16);
        run(ioq(2, true, true, true, 2) | seg(VIREO_SEG_ES));
        CHECK_EQ_U64(nlog, 2);
        CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_PF, true));
        CHECK_EQ_U64(s.inj_error, PF_P | PF_W);
        CHECK_EQ_U64(s.cr2, 0x401000);
        CHECK_EQ_U64(s.rcx, 0xe);
        CHECK_EQ_U64(s.rdi, 0x401000 - odd);
        CHECK_EQ_U64(get(0x61000, 4), 0);
        CHECK_EQ_U64(scratch, 0x11223344 + 2 * READ_STEP); /* two reads, both stored */
        CHECK_EQ_U64(get(0x60ffc - odd, 2), 0x3344);
    }
    /* User code (CPL 3) reading a supervisor page: #PF(P|U). */
    tables_reset();
    map(0x400000, 0x60000, PTE_P | PTE_W);
    long_state();
    s.ss.ar |= 3u << 5;
    s.rsi = 0x400000;
    s.rcx = 1;
    run(ioq(1, false, true, true, 2) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(s.inj_error, PF_P | PF_U);
    CHECK_EQ_U64(nlog, 0);
    CHECK_EQ_U64(s.rcx, 1);
    /* Tables outside RAM: the VM stops (the CPU would walk MMIO). */
    long_state();
    s.cr3 = RAM;
    s.rsi = 0x400000;
    run(ioq(1, false, true, false, 2) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(fake_stops, 1);
    CHECK_EQ_U64(nlog, 0);
    CHECK_EQ_U64(s.rip, before.rip);
}

static void test_stops_and_chunks(void)
{
    /* The device stops the VM at the third element: two done. */
    state(MODE_PROT32);
    s.rsi = 0x1000;
    s.rcx = 10;
    stop_at = 2;
    run(ioq(1, false, true, true, 1) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(fake_stops, 1);
    CHECK_EQ_U64(nlog, 2);
    CHECK_EQ_U64(s.rcx, 8);
    CHECK_EQ_U64(s.rsi, 0x1002);
    CHECK_EQ_U64(s.rip, before.rip);
    /* A string outside RAM stops the VM; OUTS writes nothing. */
    state(MODE_PROT32);
    s.rsi = RAM - 1;
    s.rcx = 3;
    run(ioq(2, false, true, true, 1) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(fake_stops, 1);
    CHECK_EQ_U64(nlog, 0);
    CHECK_EQ_U64(s.rip, before.rip);
    CHECK(strstr(fake_stop_line, "OUTS") != NULL);
    state(MODE_PROT32);
    s.rdi = RAM;
    run(ioq(1, true, true, false, 1) | seg(VIREO_SEG_ES));
    CHECK_EQ_U64(fake_stops, 1);
    CHECK(strstr(fake_stop_line, "INS") != NULL);
    CHECK_EQ_U64(s.rip, before.rip);

    /* More than 4096 elements: 4096 per exit, the instruction restarts
     * for the rest with RF set (its breakpoint must not fire again); the
     * last exit completes it and RF clears. */
    state(MODE_PROT32);
    s.rsi = 0x10000;
    s.rcx = 5000;
    run(ioq(1, false, true, true, 1) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(nlog, 4096);
    CHECK_EQ_U64(s.rcx, 5000 - 4096);
    CHECK_EQ_U64(s.rsi, 0x10000 + 4096);
    CHECK_EQ_U64(s.rip, before.rip);
    CHECK_EQ_U64(s.inj_info, 0);
    CHECK_EQ_U64(s.rflags & RFLAGS_RF, RFLAGS_RF);
    CHECK_EQ_U64(x.changed, STR_MTD | VIREO_MTD(RFLAGS));
    run(ioq(1, false, true, true, 1) | seg(VIREO_SEG_DS));
    CHECK_EQ_U64(nlog, 5000);
    CHECK_EQ_U64(s.rcx, 0);
    CHECK_EQ_U64(s.rsi, 0x10000 + 5000);
    CHECK_EQ_U64(s.rip, before.rip + 2);
    CHECK_EQ_U64(s.rflags & RFLAGS_RF, 0);
    CHECK_EQ_U64(x.changed, FINISH_MTD | STR_MTD | VIREO_MTD(RFLAGS));
    /* With TF every iteration single-steps (SDM vol. 3 17.3.1.4): one
     * element per exit, RIP kept, the trap pending after each. */
    state(MODE_PROT32);
    s.rflags |= RFLAGS_TF;
    s.rsi = 0x10000;
    s.rcx = 3;
    u64 logged = nlog;
    for (u64 left = 2;; left--) {
        s.pending_dbg = 0;
        run(ioq(1, false, true, true, 1) | seg(VIREO_SEG_DS));
        CHECK_EQ_U64(nlog, ++logged);
        CHECK_EQ_U64(s.rcx, left);
        CHECK_EQ_U64(s.pending_dbg, VIREO_BIT(VMX_PENDING_DBG, BS));
        CHECK_EQ_U64(s.rip, left ? before.rip : before.rip + 2);
        if (!left)
            break;
    }
}

/* The i8259's ports stay in the VMM (irqchip.h): Linux's initialization,
 * an IMR round trip, IRQ 4 raising INTR through LINT0 in ExtINT mode,
 * the acknowledge's vector; other ports still reach the device server. */
static void out8(u32 port, u8 v)
{
    state(MODE_PROT32);
    s.rax = v;
    s.info[0] = VIREO_PUT(VIREO_IOQ, PORT, port) | VIREO_PUT(VIREO_IOQ, SIZE, 1) |
                VIREO_PUT(VIREO_IOQ, ADDR_SIZE, 1);
    before = s;
    io_exit(&x);
}
static u8 in8(u32 port)
{
    state(MODE_PROT32);
    s.rax = 0;
    s.info[0] = VIREO_PUT(VIREO_IOQ, PORT, port) | VIREO_PUT(VIREO_IOQ, SIZE, 1) |
                VIREO_PUT(VIREO_IOQ, IN, 1) | VIREO_PUT(VIREO_IOQ, ADDR_SIZE, 1);
    before = s;
    io_exit(&x);
    return (u8)s.rax;
}

static void test_irqchip_ports(void)
{
    static struct lapic a; /* the fake APIC's (fake_cpu.c) */
    static struct irqchip ic;
    fake_lapic_reset();
    irqchip_init(&ic, &a);
    fake_vm.irqchip = &ic;
    static const u8 init[][2] = {{0x20, 0x11}, {0x21, 0x30}, {0x21, 0x04}, {0x21, 0x01},
                                 {0xa0, 0x11}, {0xa1, 0x38}, {0xa1, 0x02}, {0xa1, 0x01}};
    for (unsigned i = 0; i < sizeof(init) / sizeof(init[0]); i++) {
        out8(init[i][0], init[i][1]);
        CHECK_EQ_U64(nlog, 0); /* none reached the device server */
    }
    out8(0x21, 0xef); /* only IRQ 4 unmasked */
    CHECK_EQ_U64(in8(0x21), 0xef);
    CHECK_EQ_U64(nlog, 0);
    irqchip_line(&ic, 4, VIREO_LINE_HIGH);
    CHECK(!irqchip_extint(&ic)); /* LINT0 masked at reset */
    fake_lapic.extint_open = true;
    CHECK(irqchip_extint(&ic));
    CHECK_EQ_U64(irqchip_extint_ack(&ic), 0x34);
    CHECK(!irqchip_extint(&ic));
    out8(0x20, 0x0b); /* OCW3: read ISR */
    CHECK_EQ_U64(in8(0x20), 0x10);
    out8(0x20, 0x20); /* non-specific EOI */
    CHECK_EQ_U64(in8(0x20), 0x00);
    /* the ELCR too; the PIT next door is the device server's */
    out8(0x4d1, 0x0e);
    CHECK_EQ_U64(in8(0x4d1), 0x0e);
    CHECK_EQ_U64(nlog, 0);
    out8(0x40, 0x12);
    CHECK_EQ_U64(nlog, 1);
    CHECK_EQ_U64(log_[0].port, 0x40);
    /* a 16-bit access over 0x20/0x21 stays here whole */
    state(MODE_PROT32);
    s.info[0] = VIREO_PUT(VIREO_IOQ, PORT, 0x20) | VIREO_PUT(VIREO_IOQ, SIZE, 2) |
                VIREO_PUT(VIREO_IOQ, IN, 1) | VIREO_PUT(VIREO_IOQ, ADDR_SIZE, 1);
    io_exit(&x);
    CHECK_EQ_U64(nlog, 0);
    CHECK_EQ_U64(s.rax & 0xff00, 0xef00);
    fake_vm.irqchip = 0;
}

int main(void)
{
    fake_reset(RAM);
    test_irqchip_ports();
    test_in_out();
    test_strings();
    test_decoded_operand();
    test_long_mode();
    test_stops_and_chunks();
    return check_report("vmm_io");
}
