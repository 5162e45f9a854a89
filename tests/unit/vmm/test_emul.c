/*
 * The emulator's exact behaviour where the differential test cannot look
 * (servers/vmm/emul*.c, mmio.c): the MMIO accesses themselves (one per
 * operand, pieces across pages), register merges, faults in their order
 * and with their error codes (#GP and #SS on non-canonical addresses,
 * #PF with CR2 on the failing page and nothing written, #AC at CPL 3,
 * segment limits and types outside 64-bit mode), 16-bit addressing, REP
 * chunks, single-step per iteration and faults in the middle of a string,
 * A/D bits, PDPTE registers, a stopping device, and what is not emulated:
 * nothing changed, the VM stopped with a line naming the bytes and RIP.
 */
#include "check.h"
#include "emul_harness.h"
#include "gpt.h"
#include "mmio.h"
#include <string.h>

#define CODE  0x400000ull   /* the code page's linear address */
#define DATA  0x10000000ull /* the window */
#define MMIO0 EH_MMIO_GPA   /* window page 0's guest-physical address */
#define ALL   (PTE_P | PTE_W | PTE_U)

static struct vireo_vcpu_state s, before;
static struct exit_ctx x;
static const bool all_mmio[EH_PAGES] = {false, false, false, false};
static const bool page2_ram[EH_PAGES] = {false, false, true, false};

static void code(const char *bytes, u32 len)
{
    memset(fake_vm.ram + EH_CODE_GPA, 0x90, 4096);
    memcpy(fake_vm.ram + EH_CODE_GPA, bytes, len);
}

/* 64-bit mode; the window at DATA with the pages as given. */
static void setup(const char *bytes, u32 len, const bool ram[EH_PAGES])
{
    eh_reset();
    memset(eh_mmio, 0, sizeof(eh_mmio));
    eh_map(CODE, EH_CODE_GPA, ALL);
    eh_map_window(DATA, ram, ALL);
    code(bytes, len);
    eh_state64(&s, CODE);
    x = (struct exit_ctx){.vm = &fake_vm, .s = &s, .changed = 0};
}
#define SETUP(b, ram) setup(b, sizeof(b) - 1, ram)

static enum emul_status run(void)
{
    x.changed = 0;
    s.inj_info = 0;
    eh_accesses = 0;
    before = s;
    return eh_run(&x);
}

static void check_access(unsigned i, u64 gpa, u32 size, bool write, u64 value)
{
    CHECK(i < eh_accesses);
    CHECK_EQ_U64(eh_log[i].gpa, gpa);
    CHECK_EQ_U64(eh_log[i].size, size);
    CHECK_EQ_U64(eh_log[i].write, write);
    CHECK_EQ_U64(eh_log[i].value, value);
}

#define CHECK_DONE(len)                                                                            \
    do {                                                                                           \
        CHECK_EQ_U64(s.inj_info, 0);                                                               \
        CHECK_EQ_U64(fake_stops, 0);                                                               \
        CHECK_EQ_U64(s.rip, before.rip + (len));                                                   \
        CHECK_EQ_U64(eh_bad + eh_outside, 0);                                                      \
    } while (0)

/* The exception and nothing else: RIP kept, no MMIO access. */
#define CHECK_FAULT(vec, err)                                                                      \
    do {                                                                                           \
        CHECK_EQ_U64(s.inj_info, fake_exc_info(vec, true));                                        \
        CHECK_EQ_U64(s.inj_error, err);                                                            \
        CHECK_EQ_U64(s.rip, before.rip);                                                           \
        CHECK_EQ_U64(eh_accesses, 0);                                                              \
    } while (0)

static u64 get_mmio(unsigned page, u32 off, u32 size)
{
    u64 v = 0;
    memcpy(&v, &eh_mmio[page][off], size);
    return v;
}

/* ---- moves ---- */

static void test_moves(void)
{
    /* mov dword [rax], 0x12345678: one 4-byte MMIO write. */
    SETUP("\xc7\x00\x78\x56\x34\x12", all_mmio);
    s.rax = DATA + 0x10;
    CHECK_EQ_U64(run(), EMUL_DONE);
    CHECK_DONE(6);
    CHECK_EQ_U64(eh_accesses, 1);
    check_access(0, MMIO0 + 0x10, 4, true, 0x12345678);
    CHECK(x.changed & VIREO_MTD(RIP_LEN));

    /* mov ecx, [rax]: zero-extends; mov cl / mov ch merge. */
    memcpy(&eh_mmio[0][0x20], "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
    SETUP("\x8b\x08", all_mmio);
    memcpy(&eh_mmio[0][0x20], "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
    s.rax = DATA + 0x20;
    s.rcx = 0xffffffffffffffffull;
    CHECK_EQ_U64(run(), EMUL_DONE);
    CHECK_DONE(2);
    CHECK_EQ_U64(s.rcx, 0x44332211);
    check_access(0, MMIO0 + 0x20, 4, false, 0x44332211);
    CHECK(x.changed & VIREO_MTD(GPR_ACDB));
    code("\x8a\x08", 2); /* mov cl, [rax] */
    s.rip = CODE;
    s.rcx = 0xffffffffffffffffull;
    run();
    CHECK_EQ_U64(s.rcx, 0xffffffffffffff11ull);
    code("\x8a\x28", 2); /* mov ch, [rax] */
    s.rip = CODE;
    run();
    CHECK_EQ_U64(s.rcx, 0xffffffffffff1111ull);
    code("\x66\x8b\x08", 3); /* mov cx, [rax] */
    s.rip = CODE;
    run();
    CHECK_EQ_U64(s.rcx, 0xffffffffffff2211ull);
    code("\x48\x0f\xbe\x48\x07", 5); /* movsx rcx, byte [rax+7] */
    s.rip = CODE;
    run();
    CHECK_EQ_U64(s.rcx, 0xffffffffffffff88ull);
    code("\x0f\xb7\x48\x06", 4); /* movzx ecx, word [rax+6] */
    s.rip = CODE;
    run();
    CHECK_EQ_U64(s.rcx, 0x8877);
    code("\x48\x63\x48\x04", 4); /* movsxd rcx, dword [rax+4] */
    s.rip = CODE;
    run();
    CHECK_EQ_U64(s.rcx, 0xffffffff88776655ull);
    code("\x48\x8b\x08", 3); /* mov rcx, [rax]: one 8-byte read */
    s.rip = CODE;
    run();
    CHECK_EQ_U64(s.rcx, 0x8877665544332211ull);
    CHECK_EQ_U64(eh_accesses, 1);
    check_access(0, MMIO0 + 0x20, 8, false, 0x8877665544332211ull);
    CHECK_DONE(3);

    /* A misaligned access within a page is one access. */
    code("\x89\x08", 2); /* mov [rax], ecx */
    s.rip = CODE;
    s.rax = DATA + 0x123;
    s.rcx = 0xa1b2c3d4;
    run();
    CHECK_EQ_U64(eh_accesses, 1);
    check_access(0, MMIO0 + 0x123, 4, true, 0xa1b2c3d4);
}

/* ---- page crossings ---- */

static void test_crossings(void)
{
    /* mov [rax], ecx at 0xffe: 2 + 2 bytes, MMIO to MMIO. */
    SETUP("\x89\x08", all_mmio);
    s.rax = DATA + 0xffe;
    s.rcx = 0x44332211;
    CHECK_EQ_U64(run(), EMUL_DONE);
    CHECK_DONE(2);
    CHECK_EQ_U64(eh_accesses, 2);
    check_access(0, MMIO0 + 0xffe, 2, true, 0x2211);
    check_access(1, MMIO0 + 0x1000, 2, true, 0x4433);

    /* mov [rax], rcx at 0xffd: 3 bytes (1 + 2, aligned pieces), then 5
     * (4 + 1). */
    code("\x48\x89\x08", 3);
    s.rip = CODE;
    s.rax = DATA + 0xffd;
    s.rcx = 0x8877665544332211ull;
    run();
    CHECK_DONE(3);
    CHECK_EQ_U64(eh_accesses, 4);
    check_access(0, MMIO0 + 0xffd, 1, true, 0x11);
    check_access(1, MMIO0 + 0xffe, 2, true, 0x3322);
    check_access(2, MMIO0 + 0x1000, 4, true, 0x77665544);
    check_access(3, MMIO0 + 0x1004, 1, true, 0x88);
    /* ... and read back the same way. */
    code("\x48\x8b\x10", 3); /* mov rdx, [rax] */
    s.rip = CODE;
    run();
    CHECK_EQ_U64(s.rdx, 0x8877665544332211ull);
    CHECK_EQ_U64(eh_accesses, 4);

    /* MMIO into RAM: page 1 is MMIO, page 2 RAM. */
    SETUP("\x89\x08", page2_ram);
    s.rax = DATA + 0x1ffe;
    s.rcx = 0x44332211;
    run();
    CHECK_DONE(2);
    CHECK_EQ_U64(eh_accesses, 1);
    check_access(0, MMIO0 + 0x1ffe, 2, true, 0x2211);
    CHECK_EQ_U64(fake_vm.ram[EH_RAM_DATA + 0x2000], 0x33);
    CHECK_EQ_U64(fake_vm.ram[EH_RAM_DATA + 0x2001], 0x44);

    /* The second page not present: #PF with CR2 = its first byte, W set,
     * and nothing written to the first. */
    SETUP("\x89\x08", all_mmio);
    eh_map(DATA + 0x1000, 0, 0);
    s.rax = DATA + 0xffe;
    CHECK_EQ_U64(run(), EMUL_EXCEPTION);
    CHECK_FAULT(EXC_PF, PF_W);
    CHECK_EQ_U64(s.cr2, DATA + 0x1000);
    CHECK(x.changed & VIREO_MTD(CR2));
    /* A read: W clear. The first page not present: CR2 = the address. */
    code("\x8b\x08", 2);
    s.rip = CODE;
    run();
    CHECK_FAULT(EXC_PF, 0);
    CHECK_EQ_U64(s.cr2, DATA + 0x1000);
    eh_map(DATA, 0, 0);
    s.rax = DATA + 0xffe;
    run();
    CHECK_FAULT(EXC_PF, 0);
    CHECK_EQ_U64(s.cr2, DATA + 0xffe);
}

/* ---- faults ---- */

static void user_mode(void)
{
    s.cs.ar |= 3u << 5;
    s.ss.ar |= 3u << 5;
    s.cs.sel |= 3;
    s.ss.sel |= 3;
}

static void test_faults(void)
{
    /* Non-canonical: #GP(0); with an RSP or RBP base #SS(0), whatever
     * the prefix says in 64-bit mode; the last byte counts too. */
    SETUP("\x89\x08", all_mmio); /* mov [rax], ecx */
    s.rax = 0x0000800000000000ull;
    run();
    CHECK_FAULT(EXC_GP, 0);
    s.rax = 0x00007ffffffffffeull;
    run();
    CHECK_FAULT(EXC_GP, 0);
    code("\x89\x4d\x00", 3); /* mov [rbp+0], ecx */
    s.rbp = 0x8000000000000000ull;
    run();
    CHECK_FAULT(EXC_SS, 0);
    code("\x3e\x89\x0c\x24", 4); /* mov ds:[rsp], ecx */
    s.rsp = 0x1234000000000000ull;
    run();
    CHECK_FAULT(EXC_SS, 0);
    code("\x36\x89\x08", 3); /* mov ss:[rax], ecx: the override is ignored */
    s.rax = 0x1234000000000000ull;
    run();
    CHECK_FAULT(EXC_GP, 0);
    /* GS: its base counts. */
    code("\x65\x89\x08", 3);
    s.gs.base = 0x0000800000000000ull - 0x10;
    s.rax = 0x10;
    run();
    CHECK_FAULT(EXC_GP, 0);
    s.gs.base = DATA - 0x10;
    run();
    CHECK_DONE(3);
    check_access(0, MMIO0, 4, true, s.rcx & 0xffffffff);

    /* #PF error codes: a user write to a read-only page (P W U), a
     * supervisor write with CR0.WP (P W), a user read of a supervisor
     * page (P U); CR2 the address. */
    SETUP("\x89\x08", all_mmio);
    eh_map(DATA, MMIO0, PTE_P | PTE_U);
    eh_map(DATA + 0x1000, MMIO0 + 0x1000, PTE_P | PTE_W);
    user_mode();
    s.rax = DATA + 8;
    run();
    CHECK_FAULT(EXC_PF, PF_P | PF_W | PF_U);
    CHECK_EQ_U64(s.cr2, DATA + 8);
    s.cr0 |= CR0_WP;
    s.cs.ar &= ~(3u << 5);
    s.ss.ar &= ~(3u << 5);
    run();
    CHECK_FAULT(EXC_PF, PF_P | PF_W);
    s.cr0 &= ~CR0_WP;
    run(); /* without WP the supervisor write goes through */
    CHECK_DONE(2);
    code("\x8b\x08", 2);
    s.rip = CODE;
    user_mode();
    s.rax = DATA + 0x1004;
    run();
    CHECK_FAULT(EXC_PF, PF_P | PF_U);
    CHECK_EQ_U64(s.cr2, DATA + 0x1004);

    /* #AC(0): CPL 3, CR0.AM and RFLAGS.AC, a misaligned operand; each of
     * the three missing: none. Before the walk: the page's absence does
     * not matter. */
    SETUP("\x89\x08", all_mmio);
    user_mode();
    s.cr0 |= CR0_AM;
    s.rflags |= RFLAGS_AC;
    s.rax = DATA + 0x101;
    run();
    CHECK_FAULT(EXC_AC, 0);
    eh_map(DATA, 0, 0);
    run();
    CHECK_FAULT(EXC_AC, 0);
    eh_map(DATA, MMIO0, ALL);
    s.rax = DATA + 0x104;
    run();
    CHECK_DONE(2);
    s.rip = CODE;
    s.rax = DATA + 0x101;
    s.rflags &= ~RFLAGS_AC;
    run();
    CHECK_DONE(2);
    s.rip = CODE;
    s.rflags |= RFLAGS_AC;
    s.cr0 &= ~CR0_AM;
    run();
    CHECK_DONE(2);
    s.rip = CODE;
    s.cr0 |= CR0_AM;
    s.cs.ar &= ~(3u << 5);
    s.ss.ar &= ~(3u << 5);
    run();
    CHECK_DONE(2);
    /* A byte is always aligned. */
    code("\x88\x08", 2);
    s.rip = CODE;
    user_mode();
    run();
    CHECK_DONE(2);
}

/* ---- outside 64-bit mode: segments, 16-bit addressing ---- */

static void prot32(const char *bytes, u32 len)
{
    eh_reset();
    memset(eh_mmio, 0, sizeof(eh_mmio));
    fake_state(&s, MODE_PROT32);
    /* Paging off: code at its physical address; the window's MMIO pages
     * at theirs. */
    memcpy(fake_vm.ram + EH_CODE_GPA, bytes, len);
    s.rip = EH_CODE_GPA;
    x = (struct exit_ctx){.vm = &fake_vm, .s = &s, .changed = 0};
}
#define PROT32(b) prot32(b, sizeof(b) - 1)

static void test_segments(void)
{
    /* A limit: the last byte must be inside. */
    PROT32("\x89\x08"); /* mov [eax], ecx */
    s.ds.base = MMIO0;
    s.ds.limit = 0xfff;
    s.rax = 0xffc;
    run();
    CHECK_DONE(2);
    check_access(0, MMIO0 + 0xffc, 4, true, s.rcx & 0xffffffff);
    s.rip = EH_CODE_GPA;
    s.rax = 0xffd;
    run();
    CHECK_FAULT(EXC_GP, 0);
    /* SS (an EBP base): #SS. */
    memcpy(fake_vm.ram + EH_CODE_GPA, "\x89\x4d\x00", 3); /* mov [ebp+0], ecx */
    s.ss.base = MMIO0;
    s.ss.limit = 0x7ff;
    s.rbp = 0x7fe;
    run();
    CHECK_FAULT(EXC_SS, 0);
    s.rbp = 0x7fc;
    run();
    CHECK_DONE(3);
    /* Expand-down: offsets above the limit up to 0xffffffff (B set). */
    s.rip = EH_CODE_GPA;
    s.ss.ar = 0x7 | 1u << 4 | 1u << 7 | 1u << 10; /* data, expand-down, writable, B */
    s.ss.limit = 0xfff;
    s.ss.base = MMIO0 - 0x1000;
    s.rbp = 0xffe;
    run();
    CHECK_FAULT(EXC_SS, 0);
    s.rbp = 0x1000;
    run();
    CHECK_DONE(3);
    check_access(0, MMIO0, 4, true, s.rcx & 0xffffffff);
    /* Types: a read-only data segment or a code segment takes no write; an
     * execute-only code segment no read; an unusable one nothing. */
    memcpy(fake_vm.ram + EH_CODE_GPA, "\x89\x08", 2);
    s.rip = EH_CODE_GPA;
    s.ds.limit = 0xffffffff;
    s.rax = 0x10;
    s.ds.ar = 0x1 | 1u << 4 | 1u << 7 | 1u << 10; /* read-only data */
    run();
    CHECK_FAULT(EXC_GP, 0);
    s.ds.ar = 0xb | 1u << 4 | 1u << 7 | 1u << 10; /* readable code */
    run();
    CHECK_FAULT(EXC_GP, 0);
    memcpy(fake_vm.ram + EH_CODE_GPA, "\x8b\x08", 2); /* mov ecx, [eax] */
    run();
    CHECK_DONE(2);
    s.rip = EH_CODE_GPA;
    s.ds.ar = 0x9 | 1u << 4 | 1u << 7 | 1u << 10; /* execute-only */
    run();
    CHECK_FAULT(EXC_GP, 0);
    s.ds.ar = VIREO_SEG_AR_UNUSABLE;
    run();
    CHECK_FAULT(EXC_GP, 0);
    /* The 32-bit wrap: base + offset past 4 GiB. */
    s.ds.ar = 0x3 | 1u << 4 | 1u << 7 | 1u << 10;
    s.ds.base = 0xfffff000;
    s.rax = MMIO0 + 0x1000 + 0x40;
    run();
    CHECK_DONE(2);
    check_access(0, MMIO0 + 0x40, 4, false, 0);

    /* 16-bit addressing (67 in 32-bit code): [bx+si+disp8] wraps at
     * 64 KiB, [bp+di] is SS-based. */
    memcpy(fake_vm.ram + EH_CODE_GPA, "\x67\x89\x48\x10", 4); /* mov [bx+si+0x10], ecx */
    s.rip = EH_CODE_GPA;
    s.ds.base = MMIO0;
    s.rbx = 0xabcdfff0;
    s.rsi = 0x12340008;
    run();
    CHECK_DONE(4);
    check_access(0, MMIO0 + 0x8, 4, true, s.rcx & 0xffffffff);
    memcpy(fake_vm.ram + EH_CODE_GPA, "\x67\x89\x0b", 3); /* mov [bp+di], ecx */
    s.rip = EH_CODE_GPA;
    s.ss = s.ds;
    s.ss.base = MMIO0 + 0x1000;
    s.rbp = 0x20;
    s.rdi = 0x3;
    run();
    CHECK_DONE(3);
    check_access(0, MMIO0 + 0x1023, 4, true, s.rcx & 0xffffffff);

    /* Real mode: 16-bit addressing, the 0xffff limit (a word at 0xffff
     * faults: #GP, no error code in real mode). */
    prot32("\x89\x07", 2); /* mov [bx], ax */
    fake_state(&s, MODE_REAL);
    s.rip = 0;
    s.cs.base = EH_CODE_GPA;
    s.ds.base = MMIO0 - 0xf000;
    s.rbx = 0xfffe;
    s.rax = 0x5566;
    run();
    CHECK_DONE(2);
    check_access(0, MMIO0 + 0xffe, 2, true, 0x5566);
    s.rip = 0;
    s.rbx = 0xffff;
    run();
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_GP, false));
    CHECK_EQ_U64(eh_accesses, 0);
}

/* ---- strings ---- */

static void test_strings(void)
{
    /* rep stosb, 5000 elements: 4096 now (RF set, RIP kept), the rest on
     * re-execution. */
    SETUP("\xf3\xaa", all_mmio);
    s.rdi = DATA;
    s.rcx = 5000;
    s.rax = 0x5a;
    CHECK_EQ_U64(run(), EMUL_DONE);
    CHECK_EQ_U64(s.rip, CODE);
    CHECK_EQ_U64(s.rcx, 5000 - 4096);
    CHECK_EQ_U64(s.rdi, DATA + 4096);
    CHECK(s.rflags & RFLAGS_RF);
    CHECK_EQ_U64(eh_accesses, 4096);
    run();
    CHECK_DONE(2);
    CHECK_EQ_U64(s.rcx, 0);
    CHECK_EQ_U64(s.rdi, DATA + 5000);
    CHECK(!(s.rflags & RFLAGS_RF));
    CHECK_EQ_U64(eh_mmio[1][5000 - 4097], 0x5a);

    /* TF: one element per exit, the single-step trap pending each time. */
    SETUP("\xf3\xa4", all_mmio); /* rep movsb */
    s.rsi = DATA;
    s.rdi = DATA + 0x100;
    s.rcx = 3;
    s.rflags |= RFLAGS_TF;
    memcpy(eh_mmio[0], "abc", 3);
    run();
    CHECK_EQ_U64(s.rip, CODE);
    CHECK_EQ_U64(s.rcx, 2);
    CHECK(s.pending_dbg & VIREO_BIT(VMX_PENDING_DBG, BS));
    CHECK_EQ_U64(eh_accesses, 2);
    s.pending_dbg = 0;
    run();
    run();
    CHECK_DONE(2);
    CHECK(s.pending_dbg & VIREO_BIT(VMX_PENDING_DBG, BS));
    CHECK(!memcmp(&eh_mmio[0][0x100], "abc", 3));

    /* DF: downwards, from RAM (page 2) into MMIO (page 1), words. */
    SETUP("\xf3\x66\xa5", page2_ram); /* rep movsw */
    memcpy(fake_vm.ram + EH_RAM_DATA + 0x2000, "\x01\x02\x03\x04\x05\x06", 6);
    s.rsi = DATA + 0x2004;
    s.rdi = DATA + 0x1ffc;
    s.rcx = 3;
    s.rflags |= RFLAGS_DF;
    run();
    CHECK_DONE(3);
    CHECK_EQ_U64(s.rsi, DATA + 0x2004 - 6);
    CHECK_EQ_U64(s.rdi, DATA + 0x1ffc - 6);
    CHECK(!memcmp(&eh_mmio[1][0xff8], "\x01\x02\x03\x04\x05\x06", 6));
    CHECK_EQ_U64(eh_accesses, 3);

    /* A fault on the destination in the middle: the elements before are
     * done and counted; the failing element's MMIO source is not read. */
    SETUP("\xf3\xa4", all_mmio);
    eh_map(DATA + 0x3000, 0, 0);
    s.rsi = DATA;
    s.rdi = DATA + 0x2ffe;
    s.rcx = 5;
    run();
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_PF, true));
    CHECK_EQ_U64(s.inj_error, PF_W);
    CHECK_EQ_U64(s.cr2, DATA + 0x3000);
    CHECK_EQ_U64(s.rip, CODE);
    CHECK_EQ_U64(s.rcx, 3);
    CHECK_EQ_U64(s.rsi, DATA + 2);
    CHECK_EQ_U64(s.rdi, DATA + 0x3000);
    CHECK_EQ_U64(eh_accesses, 4); /* two reads, two writes */

    /* 32-bit address size in 64-bit mode: ESI, EDI, ECX, zero-extended. */
    SETUP("\x67\xf3\xac", all_mmio); /* rep lodsb [esi] */
    eh_mmio[0][0x10] = 0x11;
    eh_mmio[0][0x11] = 0x22;
    s.rsi = 0xabcd000000000000ull | (DATA + 0x10);
    s.rcx = 0xffff000000000002ull;
    s.rax = 0x1234;
    run();
    CHECK_DONE(3);
    CHECK_EQ_U64(s.rsi, DATA + 0x12);
    CHECK_EQ_U64(s.rcx, 0);
    CHECK_EQ_U64(s.rax, 0x1222);
    /* 16-bit address size in 32-bit code: SI wraps, bits 31:16 kept. */
    prot32("\x67\xaa", 2); /* stosb [di] */
    s.es.base = MMIO0 - 0xf000;
    s.rdi = 0x7777ffff;
    s.rax = 0x99;
    run();
    CHECK_DONE(2);
    CHECK_EQ_U64(s.rdi, 0x77770000);
    check_access(0, MMIO0 + 0xfff, 1, true, 0x99);
    /* A source segment override; ES for the destination whatever. */
    prot32("\x64\xa5", 2); /* movsd fs:[esi], es:[edi] */
    s.fs.base = MMIO0 + 0x1000;
    s.es.base = MMIO0 + 0x2000;
    s.ds.base = 0x5000;
    s.rsi = 0x4;
    s.rdi = 0x8;
    memcpy(&eh_mmio[1][4], "wxyz", 4);
    run();
    CHECK_DONE(2);
    CHECK(!memcmp(&eh_mmio[2][8], "wxyz", 4));
    CHECK_EQ_U64(s.rsi, 8);
    CHECK_EQ_U64(s.rdi, 12);
}

/* ---- the rest ---- */

/* Where eh_map put the PTE of la. */
static u64 pte_of(u64 la)
{
    u64 table = EH_TABLES;
    for (int level = 4; level > 1; level--)
        table = fake_get64(table + PT_INDEX(la, level) * 8) & PTE_ADDR_MASK;
    return table + PT_INDEX(la, 1) * 8;
}

static void test_misc(void)
{
    /* Accessed and Dirty: a read sets A in the PTE, a write D. */
    SETUP("\x8b\x08", all_mmio);
    s.rax = DATA + 0x1000;
    u64 pte = pte_of(DATA + 0x1000);
    run();
    CHECK_EQ_U64(fake_get64(pte) & (PTE_A | PTE_D), PTE_A);
    code("\x89\x08", 2);
    s.rip = CODE;
    run();
    CHECK_EQ_U64(fake_get64(pte) & (PTE_A | PTE_D), PTE_A | PTE_D);

    /* XCHG: the old value read, the register written to MMIO. */
    SETUP("\x87\x08", all_mmio); /* xchg [rax], ecx */
    memcpy(&eh_mmio[0][0x40], "\x01\x02\x03\x04", 4);
    s.rax = DATA + 0x40;
    s.rcx = 0xffffffffaabbccddull;
    run();
    CHECK_DONE(2);
    CHECK_EQ_U64(s.rcx, 0x04030201);
    check_access(0, MMIO0 + 0x40, 4, false, 0x04030201);
    check_access(1, MMIO0 + 0x40, 4, true, 0xaabbccdd);
    /* LOCK is taken where the CPU takes it... */
    code("\xf0\x01\x08", 3); /* lock add [rax], ecx */
    s.rip = CODE;
    run();
    CHECK_DONE(3);
    CHECK_EQ_U64(get_mmio(0, 0x40, 4), 0xaabbccdd + 0x04030201);
    /* ... and is #UD elsewhere (the decoder). */
    code("\xf0\x8b\x08", 3); /* lock mov ecx, [rax] */
    s.rip = CODE;
    CHECK_EQ_U64(run(), EMUL_EXCEPTION);
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_UD, false));

    /* BT with a negative register offset: the word below. */
    SETUP("\x0f\xab\x08", all_mmio); /* bts [rax], ecx */
    s.rax = DATA + 0x1000;
    s.rcx = (u64)-1; /* bit 31 of the dword at DATA + 0xffc */
    run();
    CHECK_DONE(3);
    CHECK_EQ_U64(get_mmio(0, 0xffc, 4), 0x80000000u);
    CHECK(!(s.rflags & RFLAGS_CF));
    s.rip = CODE;
    run();
    CHECK(s.rflags & RFLAGS_CF);

    /* A device that stops the VM: EMUL_STOPPED, the instruction not
     * completed. */
    SETUP("\x89\x08", all_mmio);
    s.rax = DATA;
    eh_stop_at = 0;
    CHECK_EQ_U64(run(), EMUL_STOPPED);
    CHECK_EQ_U64(s.rip, CODE);
    CHECK_EQ_U64(fake_vm.end, VM_END_DEBUG_EXIT);

    /* PAE paging on VMX: the PDPTEs of the message, not memory's. */
    eh_reset();
    fake_state(&s, MODE_PROT32);
    s.arch = VIREO_ARCH_VMX;
    s.cr0 |= CR0_PG;
    s.cr4 |= CR4_PAE;
    s.cr3 = 0x30000; /* memory's PDPT: all zero (not present) */
    s.pdpte[0] = 0x31000 | PTE_P;
    fake_put64(0x31000, 0x32000 | ALL);                 /* PD 0 -> PT */
    fake_put64(0x32000 + 0x100 * 8, EH_CODE_GPA | ALL); /* 0x100000: code */
    fake_put64(0x32000 + 0x101 * 8, MMIO0 | ALL);       /* 0x101000: MMIO */
    memcpy(fake_vm.ram + EH_CODE_GPA, "\x89\x08", 2);
    s.rip = 0x100000;
    s.rax = 0x101008;
    x = (struct exit_ctx){.vm = &fake_vm, .s = &s, .changed = 0};
    run();
    CHECK_DONE(2);
    check_access(0, MMIO0 + 8, 4, true, s.rcx & 0xffffffff);
}

/* ---- what is not emulated ---- */

static void test_unsupported(void)
{
    static const struct {
        const char *bytes;
        u32 len;
        const char *name;
    } cases[] = {
        {"\xff\x30", 2, "push (ff 30)"},                 /* push qword [rax] */
        {"\x8c\x00", 2, "mov (8c 00)"},                  /* mov [rax], es */
        {"\x66\x0f\x6f\x00", 4, "movdqa (66 0f 6f 00)"}, /* movdqa xmm0, [rax] */
        {"\x0f\xb1\x08", 3, "cmpxchg (0f b1 08)"},       /* cmpxchg [rax], ecx */
        {"\x01\xc8", 2, "add (01 c8)"},                  /* add eax, ecx: no memory */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        setup(cases[i].bytes, cases[i].len, all_mmio);
        s.rax = DATA;
        struct vireo_vcpu_state orig = s;
        x.changed = 0;
        CHECK_EQ_U64(eh_run(&x), EMUL_UNSUPPORTED);
        CHECK(!memcmp(&s, &orig, sizeof(s)));
        CHECK_EQ_U64(x.changed, 0);
        CHECK_EQ_U64(eh_accesses, 0);
        /* The exit handler stops the VM, naming it. */
        s.gpa = MMIO0;
        s.info[0] = VIREO_BIT(VIREO_MEMF, WRITE);
        mmio_exit(&x);
        CHECK_EQ_U64(fake_stops, 1);
        CHECK_EQ_U64(fake_vm.end, VM_END_ERROR);
        CHECK(strstr(fake_stop_line, cases[i].name) != NULL);
        CHECK(strstr(fake_stop_line, "rip 0x400000") != NULL);
        CHECK(strstr(fake_stop_line, "0xf0000000") != NULL);
    }
    /* A permission fault on RAM is no MMIO. */
    SETUP("\x89\x08", all_mmio);
    s.info[0] = VIREO_BIT(VIREO_MEMF, WRITE) | VIREO_BIT(VIREO_MEMF, PRESENT);
    mmio_exit(&x);
    CHECK_EQ_U64(fake_stops, 1);
    CHECK(strstr(fake_stop_line, "permissions") != NULL);
    /* The handler emulates what it can. */
    SETUP("\x89\x08", all_mmio);
    s.rax = DATA;
    s.info[0] = VIREO_BIT(VIREO_MEMF, WRITE);
    mmio_exit(&x);
    CHECK_EQ_U64(fake_stops, 0);
    CHECK_EQ_U64(s.rip, CODE + 2);
}

int main(void)
{
    test_moves();
    test_crossings();
    test_faults();
    test_segments();
    test_strings();
    test_misc();
    test_unsupported();
    return check_report("vmm_emul");
}
