/* The guest page-table walk (servers/vmm/gpt.c) against the SDM (vol. 3,
 * ch. 4): tables built in a host buffer that the read callback serves as
 * guest-physical memory, for every mode (paging off, 32-bit with 4 KiB,
 * 4 MiB and PSE-36 pages, PAE, 4-level with 4 KiB, 2 MiB and 1 GiB pages,
 * 5-level), and the exact #PF error code (4.7: P, W/R, U/S, RSVD, I/D) of
 * each kind of fault. */
#include "check.h"
#include "gpt.h"
#include <string.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/pte.h>

#define MEM (4u << 20)

static u8 mem[MEM];
static unsigned reads, read_sizes; /* read_sizes: bit n set when a read of n bytes happened */
static unsigned marks;             /* entries the walks changed */

static bool rd(void *ctx, u64 gpa, u32 size, u64 *v)
{
    CHECK(ctx == mem);
    read_sizes |= 1u << size;
    if (gpa > MEM || size > MEM - gpa)
        return false;
    *v = 0;
    memcpy(v, mem + gpa, size);
    reads++;
    return true;
}

/* The compare-exchange of gpt_mem, on the buffer; a test may make the next
 * one find the entry changed (another vCPU's write, done first). */
static u64 race_gpa = ~0ull, race_value, race_toggle;
static u32 race_count;
static enum gpt_mark mark(void *ctx, u64 gpa, u32 size, u64 old, u64 bits)
{
    CHECK(ctx == mem);
    CHECK(size == 4 || size == 8);
    CHECK((gpa & (size - 1)) == 0);
    if (gpa > MEM || size > MEM - gpa)
        return GPT_NOT_RAM;
    if (gpa == race_gpa && race_count) {
        race_count--;
        memcpy(mem + gpa, &race_value, size);
        race_value ^= race_toggle;
    }
    u64 now = 0;
    memcpy(&now, mem + gpa, size);
    if (now != old)
        return GPT_CHANGED;
    now |= bits;
    memcpy(mem + gpa, &now, size);
    marks++;
    return GPT_MARKED;
}
static const struct gpt_mem gmem = {.read = rd, .mark = mark, .ctx = mem};

static void put32(u64 gpa, u32 v)
{
    memcpy(mem + gpa, &v, 4);
}
static void put64(u64 gpa, u64 v)
{
    memcpy(mem + gpa, &v, 8);
}

struct res {
    enum gpt_result r;
    u64 gpa;
    u32 pf;
};

static struct res tr(const struct gpt_regs *r, u64 la, u32 access)
{
    struct res t = {.gpa = 0x5a5a5a5a, .pf = 0xdead};
    t.r = gpt_translate(r, la, access, &gmem, &t.gpa, &t.pf);
    return t;
}

/* The access kinds. */
#define RD  0u
#define WR  GPT_WRITE
#define EX  GPT_FETCH
#define URD GPT_USER
#define UWR (GPT_USER | GPT_WRITE)
#define UEX (GPT_USER | GPT_FETCH)

#define EXPECT_OK(regs, la, acc, want)                                                             \
    do {                                                                                           \
        struct res t_ = tr(regs, la, acc);                                                         \
        CHECK_EQ_U64(t_.r, GPT_OK);                                                                \
        CHECK_EQ_U64(t_.gpa, want);                                                                \
        CHECK_EQ_U64(t_.pf, 0);                                                                    \
    } while (0)

#define EXPECT_PF(regs, la, acc, err)                                                              \
    do {                                                                                           \
        struct res t_ = tr(regs, la, acc);                                                         \
        CHECK_EQ_U64(t_.r, GPT_PAGE_FAULT);                                                        \
        CHECK_EQ_U64(t_.pf, err);                                                                  \
    } while (0)

#define EXPECT_BAD(regs, la, acc)                                                                  \
    do {                                                                                           \
        struct res t_ = tr(regs, la, acc);                                                         \
        CHECK_EQ_U64(t_.r, GPT_BAD_TABLE);                                                         \
    } while (0)

static const u32 all_access[] = {RD, WR, EX, URD, UWR, UEX};

/* ---- paging off ---- */

static void test_paging_off(void)
{
    reads = 0;
    struct gpt_regs r = {.cr0 = CR0_PE | CR0_ET, .phys_bits = 52};
    for (unsigned i = 0; i < sizeof(all_access) / sizeof(all_access[0]); i++) {
        /* Outside IA-32e mode linear addresses are 32 bits: they wrap. */
        EXPECT_OK(&r, 0x123456789ull, all_access[i], 0x23456789);
        EXPECT_OK(&r, 0xfffff000ull, all_access[i], 0xfffff000);
    }
    r.cr0 = 0; /* real mode */
    EXPECT_OK(&r, 0x1000ffff0ull, RD, 0xffff0);
    /* CR4.PAE and the other paging bits mean nothing while CR0.PG is 0. */
    r.cr4 = CR4_PAE | CR4_PSE | CR4_SMEP | CR4_SMAP;
    r.cr3 = 0xffffffffffull;
    EXPECT_OK(&r, 0x80001234, UWR, 0x80001234);
    CHECK_EQ_U64(reads, 0);
}

/* ---- 32-bit paging ---- */

#define P32_PD 0x1000u
static void setup_32(void)
{
    memset(mem, 0, MEM);
    u32 pd = P32_PD;
    /* PDE 1: the PT at 0x2000, user, writable. */
    put32(pd + 1 * 4, 0x2000 | PTE_P | PTE_W | PTE_U);
    put32(0x2000 + 1 * 4, 0x00abc000 | PTE_P | PTE_W | PTE_U); /* 0x00401000: user RW */
    put32(0x2000 + 2 * 4, 0x00abd000 | PTE_P | PTE_U);         /* 0x00402000: user RO */
    put32(0x2000 + 3 * 4, 0x00abe000 | PTE_P | PTE_W);         /* 0x00403000: supervisor */
    put32(0x2000 + 4 * 4, 0x00abf000 | PTE_W | PTE_U);         /* 0x00404000: not present */
    put32(0x2000 + 5 * 4, 0x00ab0000 | PTE_P | PTE_W | PTE_U | PTE_PS); /* bit 7 = PAT in a PTE */
    /* PDE 2: a 4 MiB page at 0x00c00000 (a PT pointer without CR4.PSE). */
    put32(pd + 2 * 4, 0x00c00000 | PTE_P | PTE_W | PTE_U | PTE_PS);
    /* PDE 3: not present. */
    put32(pd + 3 * 4, 0x3000 | PTE_W | PTE_U);
    /* PDE 4: PT at 0x3000, not writable at the PDE. */
    put32(pd + 4 * 4, 0x3000 | PTE_P | PTE_U);
    put32(0x3000, 0x00123000 | PTE_P | PTE_W | PTE_U);
    /* PDE 5: PT at 0x4000, supervisor at the PDE. */
    put32(pd + 5 * 4, 0x4000 | PTE_P | PTE_W);
    put32(0x4000, 0x00456000 | PTE_P | PTE_W | PTE_U);
    /* PDE 6: PSE-36: bits 20:13 are physical bits 39:32; PAT (bit 12) set. */
    put32(pd + 6 * 4, 0xffc00000u | (0xabu << 13) | (1u << 12) | PTE_P | PTE_W | PTE_U | PTE_PS);
    /* PDE 7: a 4 MiB page with reserved bit 21. */
    put32(pd + 7 * 4, 0x00000000u | (1u << 21) | PTE_P | PTE_W | PTE_U | PTE_PS);
    /* PDE 8: a PT outside guest RAM. */
    put32(pd + 8 * 4, 0x00900000u | PTE_P | PTE_W | PTE_U);
}

static void test_32bit(void)
{
    setup_32();
    read_sizes = 0;
    /* CR3's PWT/PCD (and ignored low bits) are no address bits. */
    struct gpt_regs r = {.cr0 = CR0_PE | CR0_PG, .cr3 = P32_PD | 0x18 | 0x7, .phys_bits = 52};
    struct gpt_regs wp = r, pse = r;
    wp.cr0 |= CR0_WP;
    pse.cr4 = CR4_PSE;

    /* 4 KiB pages; bits 63:32 of the linear address do not count. */
    for (unsigned i = 0; i < 6; i++)
        EXPECT_OK(&r, 0x00401234, all_access[i], 0x00abc234);
    EXPECT_OK(&r, 0x700401234ull, RD, 0x00abc234);
    EXPECT_OK(&r, 0x00405abc, UWR, 0x00ab0abc);

    /* Not present: PTE, then PDE. No P; W, U as the access; I only with
     * SMEP (EFER.NXE means nothing without CR4.PAE). */
    struct gpt_regs nxe = r, smep = r;
    nxe.efer = EFER_NXE;
    smep.cr4 = CR4_SMEP;
    static const u64 not_present[] = {0x00404000, 0x00c00010};
    for (unsigned i = 0; i < 2; i++) {
        u64 la = not_present[i];
        EXPECT_PF(&r, la, RD, 0);
        EXPECT_PF(&r, la, WR, PF_W);
        EXPECT_PF(&r, la, URD, PF_U);
        EXPECT_PF(&r, la, UWR, PF_W | PF_U);
        EXPECT_PF(&r, la, EX, 0);
        EXPECT_PF(&r, la, UEX, PF_U);
        EXPECT_PF(&nxe, la, EX, 0);
        EXPECT_PF(&nxe, la, UEX, PF_U);
        EXPECT_PF(&smep, la, EX, PF_I);
        EXPECT_PF(&smep, la, UEX, PF_U | PF_I);
    }

    /* Read-only: supervisor writes pass with CR0.WP clear, user writes never. */
    EXPECT_OK(&r, 0x00402010, WR, 0x00abd010);
    EXPECT_OK(&r, 0x00402010, URD, 0x00abd010);
    EXPECT_PF(&r, 0x00402010, UWR, PF_P | PF_W | PF_U);
    EXPECT_PF(&wp, 0x00402010, WR, PF_P | PF_W);
    EXPECT_PF(&wp, 0x00402010, UWR, PF_P | PF_W | PF_U);
    /* ... and R/W clear in the PDE restricts its whole table. */
    EXPECT_OK(&r, 0x01000020, WR, 0x00123020);
    EXPECT_PF(&wp, 0x01000020, WR, PF_P | PF_W);
    EXPECT_PF(&r, 0x01000020, UWR, PF_P | PF_W | PF_U);
    EXPECT_OK(&wp, 0x01000020, URD, 0x00123020);

    /* User accesses to supervisor pages (U/S clear in the PTE or PDE). */
    EXPECT_OK(&r, 0x00403030, WR, 0x00abe030);
    EXPECT_PF(&r, 0x00403030, URD, PF_P | PF_U);
    EXPECT_PF(&r, 0x00403030, UWR, PF_P | PF_W | PF_U);
    EXPECT_PF(&r, 0x00403030, UEX, PF_P | PF_U);
    EXPECT_PF(&r, 0x01400040, URD, PF_P | PF_U);
    EXPECT_OK(&r, 0x01400040, RD, 0x00456040);

    /* SMEP: a supervisor fetch from a user page (U set at every level). */
    EXPECT_PF(&smep, 0x00401000, EX, PF_P | PF_I);
    EXPECT_OK(&smep, 0x00401000, UEX, 0x00abc000);
    EXPECT_OK(&smep, 0x00403000, EX, 0x00abe000);
    EXPECT_OK(&smep, 0x01400000, EX, 0x00456000); /* the PDE is supervisor */
    EXPECT_OK(&smep, 0x00401000, RD, 0x00abc000);
    /* SMAP: supervisor data accesses to user pages. */
    struct gpt_regs smap = r;
    smap.cr4 = CR4_SMAP;
    EXPECT_PF(&smap, 0x00401000, RD, PF_P);
    EXPECT_PF(&smap, 0x00401000, WR, PF_P | PF_W);
    EXPECT_OK(&smap, 0x00401000, EX, 0x00abc000);
    EXPECT_OK(&smap, 0x00401000, URD, 0x00abc000);
    EXPECT_OK(&smap, 0x00403000, WR, 0x00abe000);
    EXPECT_OK(&smap, 0x01400000, RD, 0x00456000);
    /* With SMAP a supervisor write to a read-only user page faults even
     * with CR0.WP clear. */
    EXPECT_PF(&smap, 0x00402000, WR, PF_P | PF_W);

    /* 4 MiB pages with CR4.PSE; without it the PDE points to a table (here
     * outside RAM). */
    EXPECT_OK(&pse, 0x00812345, RD, 0x00c12345);
    EXPECT_OK(&pse, 0x00bfffff, UWR, 0x00ffffff);
    EXPECT_BAD(&r, 0x00812345, RD);
    /* PSE-36; the PAT bit is no address bit. */
    EXPECT_OK(&pse, 0x01812345, RD, 0xabffc12345ull);
    /* Bit 21 is reserved in a 4 MiB PDE. */
    EXPECT_PF(&pse, 0x01c00000, RD, PF_P | PF_RSVD);
    EXPECT_PF(&pse, 0x01c00000, UWR, PF_P | PF_W | PF_U | PF_RSVD);
    struct gpt_regs pse_smep = pse;
    pse_smep.cr4 |= CR4_SMEP;
    EXPECT_PF(&pse_smep, 0x01c00000, EX, PF_P | PF_RSVD | PF_I);
    /* 4 KiB pages still work with PSE, and the 4 MiB page obeys W and U. */
    EXPECT_OK(&pse, 0x00401234, UWR, 0x00abc234);
    pse.cr0 |= CR0_WP;
    put32(P32_PD + 2 * 4, 0x00c00000 | PTE_P | PTE_PS);
    EXPECT_PF(&pse, 0x00812345, WR, PF_P | PF_W);
    EXPECT_PF(&pse, 0x00812345, URD, PF_P | PF_U);

    /* Tables outside RAM. */
    EXPECT_BAD(&r, 0x02000000, RD);
    struct gpt_regs far = r;
    far.cr3 = 0x00800000;
    EXPECT_BAD(&far, 0x00401000, RD);

    CHECK_EQ_U64(read_sizes, 1u << 4); /* 32-bit entries */
}

/* ---- PAE paging ---- */

#define PAE_PDPT 0x5020u
static void setup_pae(void)
{
    memset(mem, 0, MEM);
    put64(PAE_PDPT + 0 * 8, 0x6000 | PTE_P | PTE_PWT | PTE_PCD); /* 0-1 GiB: PD 0x6000 */
    put64(PAE_PDPT + 1 * 8, 0x7000);                             /* 1-2 GiB: not present */
    put64(PAE_PDPT + 2 * 8, 0x7000 | PTE_P);                     /* 2-3 GiB: PD 0x7000 */
    put64(PAE_PDPT + 3 * 8, 0x00800000 | PTE_P);                 /* 3-4 GiB: PD outside RAM */
    /* PD 0x6000 */
    put64(0x6000 + 0 * 8, 0x9000 | PTE_P | PTE_W | PTE_U);
    put64(0x6000 + 1 * 8, 0x0000001234400000ull | PTE_P | PTE_W | PTE_U | PTE_PS);
    put64(0x6000 + 2 * 8, 0x00600000 | (1ull << 12) | PTE_P | PTE_PS);  /* PAT bit */
    put64(0x6000 + 3 * 8, 0x00800000 | PTE_P | PTE_W | PTE_U | PTE_PS); /* for bits 20:13 */
    put64(0x6000 + 4 * 8, 0x9000 | PTE_P | PTE_W | PTE_U | PTE_NX);
    put64(0x6000 + 5 * 8, 0x9000 | PTE_P | PTE_W | PTE_U | (1ull << 62));
    put64(0x6000 + 6 * 8, 0x0000000fffe00000ull | PTE_P | PTE_W | PTE_PS);
    /* PT 0x9000 */
    put64(0x9000 + 0 * 8, 0x00aaa000 | PTE_P | PTE_W | PTE_U);
    put64(0x9000 + 1 * 8, 0x000ffffffabcd000ull | PTE_P | PTE_W | PTE_U);
    put64(0x9000 + 2 * 8, 0x00abc000 | PTE_P | PTE_W | PTE_U | PTE_NX);
    put64(0x9000 + 3 * 8, 0x00abd000 | PTE_P | PTE_W | PTE_U | (1ull << 52));
    put64(0x9000 + 4 * 8, 0x00abe000 | PTE_W | PTE_U | PTE_NX | (1ull << 60)); /* not present */
    put64(0x9000 + 5 * 8, 0x00abf000 | PTE_P | PTE_W | PTE_U | PTE_PS);        /* PAT */
    put64(0x9000 + 6 * 8, 0x00ab0000 | PTE_P | PTE_U);                         /* RO */
    put64(0x9000 + 7 * 8, 0x00ab1000 | PTE_P | PTE_W);                         /* supervisor */
    /* PD 0x7000: one PDE */
    put64(0x7000, 0x9000 | PTE_P | PTE_W | PTE_U);
}

static void test_pae(void)
{
    setup_pae();
    read_sizes = 0;
    struct gpt_regs r = {
        .cr0 = CR0_PE | CR0_PG, .cr3 = PAE_PDPT | 0x18, .cr4 = CR4_PAE, .phys_bits = 52};
    struct gpt_regs nxe = r;
    nxe.efer = EFER_NXE;

    /* 4 KiB pages, physical addresses up to bit 51; the linear address is
     * 32 bits. */
    for (unsigned i = 0; i < 6; i++)
        EXPECT_OK(&r, 0x1234, all_access[i], 0x000ffffffabcd234ull);
    EXPECT_OK(&r, 0x100001234ull, RD, 0x000ffffffabcd234ull);
    EXPECT_OK(&r, 0x80000567, RD, 0x00aaa567); /* PDPTE 2 */
    EXPECT_OK(&r, 0x5678, UWR, 0x00abf678);    /* bit 7 of a PTE is PAT */
    /* 2 MiB pages; the PAT bit (12) is no address bit. */
    EXPECT_OK(&r, 0x00212345, UWR, 0x1234412345ull);
    EXPECT_OK(&r, 0x00401234, RD, 0x00601234);
    EXPECT_OK(&r, 0x00dfffff, WR, 0x0000000fffffffffull);

    /* Not present: the PDPTE, and a PTE whose other bits (XD without NXE,
     * 62:52) would be reserved: P clear wins. I with NXE (PAE). */
    static const u64 np[] = {0x40000000, 0x4000};
    for (unsigned i = 0; i < 2; i++) {
        EXPECT_PF(&r, np[i], RD, 0);
        EXPECT_PF(&r, np[i], UWR, PF_W | PF_U);
        EXPECT_PF(&r, np[i], EX, 0);
        EXPECT_PF(&nxe, np[i], EX, PF_I);
        EXPECT_PF(&nxe, np[i], UEX, PF_U | PF_I);
        EXPECT_PF(&nxe, np[i], WR, PF_W);
    }

    /* XD: with EFER.NXE fetches fault (leaf or any level); without it the
     * bit is reserved. */
    EXPECT_OK(&nxe, 0x2000, UWR, 0x00abc000);
    EXPECT_PF(&nxe, 0x2000, EX, PF_P | PF_I);
    EXPECT_PF(&nxe, 0x2000, UEX, PF_P | PF_U | PF_I);
    EXPECT_OK(&nxe, 0x00800000, RD, 0x00aaa000);
    EXPECT_PF(&nxe, 0x00800000, EX, PF_P | PF_I);
    EXPECT_PF(&r, 0x2000, RD, PF_P | PF_RSVD);
    EXPECT_PF(&r, 0x2000, EX, PF_P | PF_RSVD);
    EXPECT_PF(&r, 0x00800000, UWR, PF_P | PF_W | PF_U | PF_RSVD);
    /* Bits 62:52 are reserved in PAE entries (PTE and PDE). */
    EXPECT_PF(&r, 0x3000, RD, PF_P | PF_RSVD);
    EXPECT_PF(&nxe, 0x3000, UEX, PF_P | PF_U | PF_RSVD | PF_I);
    EXPECT_PF(&r, 0x00a00000, WR, PF_P | PF_W | PF_RSVD);
    /* A 2 MiB page's address bits 20:13 must be 0. */
    for (unsigned b = 13; b <= 20; b++) {
        put64(0x6000 + 3 * 8, 0x00800000 | (1ull << b) | PTE_P | PTE_W | PTE_U | PTE_PS);
        EXPECT_PF(&r, 0x00600000, RD, PF_P | PF_RSVD);
    }
    put64(0x6000 + 3 * 8, 0x00800000 | PTE_P | PTE_W | PTE_U | PTE_PS);
    EXPECT_OK(&r, 0x00600000, RD, 0x00800000);

    /* PDPTE reserved bits: 2:1, 8:5 and 63:52 (there is no XD bit in a
     * PDPTE, with or without NXE). */
    static const unsigned pdpte_rsvd[] = {1, 2, 5, 6, 7, 8, 52, 58, 62, 63};
    for (unsigned i = 0; i < sizeof(pdpte_rsvd) / sizeof(pdpte_rsvd[0]); i++) {
        put64(PAE_PDPT + 2 * 8, 0x7000 | PTE_P | (1ull << pdpte_rsvd[i]));
        EXPECT_PF(&r, 0x80000000, RD, PF_P | PF_RSVD);
        EXPECT_PF(&nxe, 0x80000000, UEX, PF_P | PF_U | PF_RSVD | PF_I);
    }
    /* PWT, PCD and the ignored bits 11:9 are fine. */
    put64(PAE_PDPT + 2 * 8, 0x7000 | PTE_P | PTE_PWT | PTE_PCD | (7ull << 9));
    EXPECT_OK(&r, 0x80000567, RD, 0x00aaa567);

    /* Permissions: WP, U/S, SMEP, SMAP as in every mode. */
    struct gpt_regs wp = r, smep = nxe, smap = r;
    wp.cr0 |= CR0_WP;
    smep.cr4 |= CR4_SMEP;
    smap.cr4 |= CR4_SMAP;
    EXPECT_OK(&r, 0x6000, WR, 0x00ab0000);
    EXPECT_PF(&wp, 0x6000, WR, PF_P | PF_W);
    EXPECT_PF(&r, 0x6000, UWR, PF_P | PF_W | PF_U);
    EXPECT_PF(&r, 0x7000, URD, PF_P | PF_U);
    EXPECT_PF(&nxe, 0x7000, UEX, PF_P | PF_U | PF_I);
    EXPECT_PF(&smep, 0x1000, EX, PF_P | PF_I);
    EXPECT_OK(&smep, 0x7000, EX, 0x00ab1000);
    EXPECT_PF(&smap, 0x1000, RD, PF_P);
    EXPECT_PF(&smap, 0x6000, WR, PF_P | PF_W);
    /* A supervisor-only 2 MiB page. */
    EXPECT_PF(&r, 0x00c00000, URD, PF_P | PF_U);
    EXPECT_OK(&r, 0x00c00000, WR, 0x0000000fffe00000ull);

    /* Tables outside RAM: a PD, the PDPT itself. */
    EXPECT_BAD(&r, 0xc0000000, RD);
    struct gpt_regs far = r;
    far.cr3 = 0x00400000;
    EXPECT_BAD(&far, 0x1000, RD);

    CHECK_EQ_U64(read_sizes, 1u << 8);
}

/* ---- 4-level and 5-level paging ---- */

#define L4_PML4 0xa000u
#define L4_PDPT 0xb000u
#define L4_PD   0xc000u
#define L4_PT   0xd000u
#define L4_BASE 0xffff800000000000ull /* PML4 index 256 */

static u64 la4(u64 pml4, u64 pdpt, u64 pd, u64 pt, u64 off)
{
    u64 la = pml4 << 39 | pdpt << 30 | pd << 21 | pt << 12 | off;
    return (pml4 & 0x100) ? la | 0xffff000000000000ull : la; /* canonical */
}

static void setup_4level(void)
{
    memset(mem, 0, MEM);
    const u64 all = PTE_P | PTE_W | PTE_U;
    put64(L4_PML4 + 256 * 8, L4_PDPT | all);
    put64(L4_PML4 + 257 * 8, L4_PDPT | PTE_W | PTE_U); /* not present */
    put64(L4_PML4 + 258 * 8, L4_PDPT | all | PTE_PS);  /* PS is reserved in a PML4E */
    put64(L4_PML4 + 259 * 8, 0xe000 | PTE_P | PTE_W);  /* supervisor */
    put64(L4_PML4 + 260 * 8, L4_PDPT | PTE_P | PTE_U); /* read-only */
    put64(L4_PML4 + 261 * 8, L4_PDPT | all | PTE_NX);
    put64(L4_PML4 + 262 * 8, 0x01000000 | all);                 /* PDPT outside RAM */
    put64(L4_PML4 + 263 * 8, L4_PDPT | all | (0x7ffull << 52)); /* 62:52 ignored */
    put64(L4_PML4 + 1 * 8, L4_PDPT | all);                      /* low half */
    put64(0xe000, L4_PD | all);                                 /* PDPT under 259 */
    put64(L4_PDPT + 0 * 8, L4_PD | all);
    put64(L4_PDPT + 1 * 8, 0x0000004000000000ull | (1ull << 12) | all | PTE_PS); /* 1 GiB */
    put64(L4_PDPT + 2 * 8, 0x0000008000000000ull | all | PTE_PS); /* for bits 29:13 */
    put64(L4_PDPT + 3 * 8, L4_PD | PTE_W);                        /* not present */
    put64(L4_PDPT + 4 * 8, 0x00c00000 | all);                     /* PD outside RAM */
    put64(L4_PD + 0 * 8, L4_PT | all);
    put64(L4_PD + 1 * 8, 0x0000000123400000ull | all | PTE_PS); /* 2 MiB */
    put64(L4_PD + 2 * 8, 0x0000000123600000ull | all | PTE_PS); /* for bits 20:13 */
    put64(L4_PD + 3 * 8, L4_PT | PTE_U);                        /* not present */
    put64(L4_PT + 1 * 8, 0x000ffffffffff000ull | all);
    put64(L4_PT + 2 * 8, 0x00aaa000 | PTE_W | PTE_NX); /* not present */
    put64(L4_PT + 3 * 8, 0x00aab000 | PTE_P | PTE_U);  /* read-only */
    put64(L4_PT + 4 * 8, 0x00aac000 | PTE_P | PTE_W);  /* supervisor */
    put64(L4_PT + 5 * 8, 0x00aad000 | all | PTE_NX);
    put64(L4_PT + 6 * 8, 0x00aae000 | all | (0x7ffull << 52)); /* 62:52 ignored */
    put64(L4_PT + 7 * 8, 0x00aaf000 | all | PTE_PS);           /* PAT */
}

static void test_4level(void)
{
    setup_4level();
    read_sizes = 0;
    struct gpt_regs r = {.cr0 = CR0_PE | CR0_PG,
                         .cr3 = L4_PML4 | 0x18,
                         .cr4 = CR4_PAE,
                         .efer = EFER_LME | EFER_LMA,
                         .phys_bits = 52};
    struct gpt_regs nxe = r, wp = r, smep = r, smap = r;
    nxe.efer |= EFER_NXE;
    wp.cr0 |= CR0_WP;
    smep.cr4 |= CR4_SMEP;
    smap.cr4 |= CR4_SMAP;

    /* 4 KiB, 2 MiB, 1 GiB pages; 64-bit linear and 52-bit physical
     * addresses; bits 62:52 ignored; bit 7 of a PTE is PAT. */
    for (unsigned i = 0; i < 6; i++)
        EXPECT_OK(&r, la4(256, 0, 0, 1, 0x234), all_access[i], 0x000ffffffffff234ull);
    EXPECT_OK(&r, la4(1, 0, 0, 1, 0x234), RD, 0x000ffffffffff234ull);
    EXPECT_OK(&r, la4(256, 0, 0, 6, 0x10), UWR, 0x00aae010);
    EXPECT_OK(&r, la4(263, 0, 0, 1, 0x20), UWR, 0x000ffffffffff020ull);
    EXPECT_OK(&r, la4(256, 0, 0, 7, 0x30), UWR, 0x00aaf030);
    EXPECT_OK(&r, L4_BASE + 0x200000 + 0x54321, UWR, 0x123454321ull);
    EXPECT_OK(&r, L4_BASE + 0x40000000ull + 0x12345678, UWR, 0x4012345678ull);
    EXPECT_OK(&r, L4_BASE + 0x7fffffffull, RD, 0x403fffffffull);

    /* Not present at each level: PML4E, PDPTE, PDE, PTE. The PTE also has
     * XD set: P clear wins over the reserved bit. */
    const u64 np[] = {la4(257, 0, 0, 1, 0), la4(256, 3, 0, 0, 0), la4(256, 0, 3, 0, 0),
                      la4(256, 0, 0, 2, 0)};
    for (unsigned i = 0; i < 4; i++) {
        EXPECT_PF(&r, np[i], RD, 0);
        EXPECT_PF(&r, np[i], WR, PF_W);
        EXPECT_PF(&r, np[i], URD, PF_U);
        EXPECT_PF(&r, np[i], UWR, PF_W | PF_U);
        EXPECT_PF(&r, np[i], EX, 0);
        EXPECT_PF(&nxe, np[i], EX, PF_I);
        EXPECT_PF(&nxe, np[i], UEX, PF_U | PF_I);
        EXPECT_PF(&smep, np[i], EX, PF_I);
    }

    /* Write to read-only: the PTE, or the PML4E (it restricts all below). */
    const u64 ro[] = {la4(256, 0, 0, 3, 0x40), la4(260, 0, 0, 1, 0x40)};
    const u64 ro_gpa[] = {0x00aab040, 0x000ffffffffff040ull};
    for (unsigned i = 0; i < 2; i++) {
        EXPECT_OK(&r, ro[i], WR, ro_gpa[i]);
        EXPECT_OK(&r, ro[i], URD, ro_gpa[i]);
        EXPECT_PF(&r, ro[i], UWR, PF_P | PF_W | PF_U);
        EXPECT_PF(&wp, ro[i], WR, PF_P | PF_W);
        EXPECT_PF(&wp, ro[i], UWR, PF_P | PF_W | PF_U);
        EXPECT_OK(&wp, ro[i], RD, ro_gpa[i]);
    }

    /* User access to supervisor pages: the PTE, or the PML4E. */
    const u64 sup[] = {la4(256, 0, 0, 4, 0x50), la4(259, 0, 0, 1, 0x50)};
    const u64 sup_gpa[] = {0x00aac050, 0x000ffffffffff050ull};
    for (unsigned i = 0; i < 2; i++) {
        EXPECT_OK(&wp, sup[i], WR, sup_gpa[i]);
        EXPECT_PF(&r, sup[i], URD, PF_P | PF_U);
        EXPECT_PF(&r, sup[i], UWR, PF_P | PF_W | PF_U);
        EXPECT_PF(&r, sup[i], UEX, PF_P | PF_U);
        EXPECT_PF(&nxe, sup[i], UEX, PF_P | PF_U | PF_I);
        /* SMEP and SMAP do not apply: not a user page. */
        EXPECT_OK(&smep, sup[i], EX, sup_gpa[i]);
        EXPECT_OK(&smap, sup[i], RD, sup_gpa[i]);
    }

    /* XD with NXE: the PTE's or the PML4E's. */
    const u64 xd[] = {la4(256, 0, 0, 5, 0x60), la4(261, 0, 0, 1, 0x60)};
    const u64 xd_gpa[] = {0x00aad060, 0x000ffffffffff060ull};
    for (unsigned i = 0; i < 2; i++) {
        EXPECT_OK(&nxe, xd[i], UWR, xd_gpa[i]);
        EXPECT_PF(&nxe, xd[i], EX, PF_P | PF_I);
        EXPECT_PF(&nxe, xd[i], UEX, PF_P | PF_U | PF_I);
        /* Without NXE bit 63 is reserved; I only with SMEP then. */
        EXPECT_PF(&r, xd[i], RD, PF_P | PF_RSVD);
        EXPECT_PF(&r, xd[i], UWR, PF_P | PF_W | PF_U | PF_RSVD);
        EXPECT_PF(&r, xd[i], EX, PF_P | PF_RSVD);
        EXPECT_PF(&smep, xd[i], EX, PF_P | PF_RSVD | PF_I);
    }
    /* A reserved bit below a PML4E that denies the access: RSVD (the walk
     * checks each entry; permissions come last). */
    put64(0xe000, L4_PD | PTE_P | PTE_W | PTE_U);
    EXPECT_PF(&r, la4(259, 0, 0, 5, 0), URD, PF_P | PF_U | PF_RSVD);

    /* SMEP: a supervisor fetch from a user page; SMAP: supervisor data
     * accesses to one, even writes with CR0.WP clear. */
    const u64 user = la4(256, 0, 0, 1, 0x70);
    EXPECT_PF(&smep, user, EX, PF_P | PF_I);
    EXPECT_OK(&smep, user, UEX, 0x000ffffffffff070ull);
    EXPECT_OK(&smep, user, RD, 0x000ffffffffff070ull);
    EXPECT_PF(&smap, user, RD, PF_P);
    EXPECT_PF(&smap, user, WR, PF_P | PF_W);
    EXPECT_OK(&smap, user, EX, 0x000ffffffffff070ull);
    EXPECT_OK(&smap, user, UWR, 0x000ffffffffff070ull);
    EXPECT_PF(&smap, la4(256, 0, 0, 3, 0), WR, PF_P | PF_W);
    EXPECT_PF(&smep, L4_BASE + 0x200000, EX, PF_P | PF_I); /* a 2 MiB user page */

    /* PS in a PML4E is reserved. */
    EXPECT_PF(&r, la4(258, 0, 0, 1, 0), RD, PF_P | PF_RSVD);
    EXPECT_PF(&nxe, la4(258, 0, 0, 1, 0), UEX, PF_P | PF_U | PF_RSVD | PF_I);
    /* A large page's address bits below its size, above PAT, must be 0:
     * 20:13 for 2 MiB, 29:13 for 1 GiB. */
    for (unsigned b = 13; b <= 20; b++) {
        put64(L4_PD + 2 * 8, 0x0000000123600000ull | (1ull << b) | PTE_P | PTE_PS);
        EXPECT_PF(&r, L4_BASE + 0x400000, WR, PF_P | PF_W | PF_RSVD);
    }
    put64(L4_PD + 2 * 8, 0x0000000123600000ull | (1ull << 12) | PTE_P | PTE_PS);
    EXPECT_OK(&r, L4_BASE + 0x400000 + 0x1234, WR, 0x123601234ull);
    for (unsigned b = 13; b <= 29; b++) {
        put64(L4_PDPT + 2 * 8, 0x0000008000000000ull | (1ull << b) | PTE_P | PTE_PS);
        EXPECT_PF(&r, L4_BASE + 0x80000000ull, URD, PF_P | PF_U | PF_RSVD);
    }
    put64(L4_PDPT + 2 * 8, 0x0000008000000000ull | PTE_P | PTE_PS);
    EXPECT_OK(&r, L4_BASE + 0x80000000ull + 0x3fffffff, RD, 0x803fffffffull);

    /* Tables outside RAM: the PDPT, a PD, CR3 itself. */
    EXPECT_BAD(&r, la4(262, 0, 0, 0, 0), RD);
    EXPECT_BAD(&r, la4(256, 4, 0, 0, 0), RD);
    struct gpt_regs far = r;
    far.cr3 = 0x00400000;
    EXPECT_BAD(&far, user, RD);

    /* 5-level paging (CR4.LA57): one more level on top; PS reserved there
     * too. */
    struct gpt_regs l5 = r;
    l5.cr3 = 0xf000;
    l5.cr4 |= CR4_LA57;
    put64(0xf000 + 1 * 8, L4_PML4 | PTE_P | PTE_W | PTE_U);
    put64(0xf000 + 2 * 8, L4_PML4 | PTE_P | PTE_W | PTE_U | PTE_PS);
    put64(0xf000 + 3 * 8, L4_PML4 | PTE_W | PTE_U);
    const u64 la5 = 1ull << 48 | 256ull << 39 | 0x1234;
    EXPECT_OK(&l5, la5, UWR, 0x000ffffffffff234ull);
    EXPECT_PF(&l5, 2ull << 48 | 256ull << 39 | 0x1234, RD, PF_P | PF_RSVD);
    EXPECT_PF(&l5, 3ull << 48 | 256ull << 39 | 0x1234, WR, PF_W);

    CHECK_EQ_U64(read_sizes, 1u << 8);
}

/* ---- Accessed and Dirty ---- */

static u64 get64(u64 gpa)
{
    u64 v;
    memcpy(&v, mem + gpa, 8);
    return v;
}
static u32 get32(u64 gpa)
{
    u32 v;
    memcpy(&v, mem + gpa, 4);
    return v;
}

#define AD (PTE_A | PTE_D)

static void test_accessed_dirty(void)
{
    /* 4-level, 4 KiB: a read sets A at every level and no D; a write sets
     * D in the PTE only. */
    setup_4level();
    struct gpt_regs r = {.cr0 = CR0_PE | CR0_PG,
                         .cr3 = L4_PML4,
                         .cr4 = CR4_PAE,
                         .efer = EFER_LME | EFER_LMA,
                         .phys_bits = 52};
    const u64 la = la4(256, 0, 0, 1, 0x10);
    const u64 slots[] = {L4_PML4 + 256 * 8, L4_PDPT, L4_PD, L4_PT + 1 * 8};
    marks = 0;
    EXPECT_OK(&r, la, RD, 0x000ffffffffff010ull);
    CHECK_EQ_U64(marks, 4);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ_U64(get64(slots[i]) & AD, PTE_A);
    marks = 0;
    EXPECT_OK(&r, la, RD, 0x000ffffffffff010ull);
    CHECK_EQ_U64(marks, 0); /* already set: no write */
    EXPECT_OK(&r, la, UWR, 0x000ffffffffff010ull);
    CHECK_EQ_U64(marks, 1);
    CHECK_EQ_U64(get64(L4_PT + 1 * 8) & AD, AD);
    for (unsigned i = 0; i < 3; i++)
        CHECK_EQ_U64(get64(slots[i]) & AD, PTE_A);
    /* The other bits are kept. */
    CHECK_EQ_U64(get64(L4_PT + 1 * 8), 0x000ffffffffff000ull | PTE_P | PTE_W | PTE_U | AD);

    /* A 2 MiB and a 1 GiB page: D in the PDE / PDPTE that maps it. */
    EXPECT_OK(&r, L4_BASE + 0x200000, WR, 0x123400000ull);
    CHECK_EQ_U64(get64(L4_PD + 1 * 8) & AD, AD);
    EXPECT_OK(&r, L4_BASE + 0x40000000ull, WR, 0x4000000000ull);
    CHECK_EQ_U64(get64(L4_PDPT + 1 * 8) & AD, AD);
    CHECK_EQ_U64(get64(L4_PML4 + 256 * 8) & AD, PTE_A);

    /* A walk that faults changes nothing: not present at the PTE, a write
     * to a read-only page, a reserved bit. */
    setup_4level();
    marks = 0;
    struct gpt_regs wp = r;
    wp.cr0 |= CR0_WP;
    EXPECT_PF(&r, la4(256, 0, 0, 2, 0), RD, 0);
    EXPECT_PF(&wp, la4(256, 0, 0, 3, 0), WR, PF_P | PF_W);
    EXPECT_PF(&r, la4(258, 0, 0, 1, 0), RD, PF_P | PF_RSVD);
    CHECK_EQ_U64(marks, 0);
    CHECK_EQ_U64(get64(L4_PML4 + 256 * 8) & AD, 0);

    /* 32-bit paging: 4-byte compare-exchanges on the PDE and PTE; a 4 MiB
     * page's PDE takes D. */
    setup_32();
    struct gpt_regs r32 = {.cr0 = CR0_PE | CR0_PG, .cr3 = P32_PD, .phys_bits = 40};
    EXPECT_OK(&r32, 0x00401234, WR, 0x00abc234);
    CHECK_EQ_U64(get32(P32_PD + 1 * 4) & AD, PTE_A);
    CHECK_EQ_U64(get32(0x2000 + 1 * 4) & AD, AD);
    CHECK_EQ_U64(get32(0x2000 + 1 * 4 + 4),
                 0x00abd000 | PTE_P | PTE_U); /* the next PTE: untouched */
    r32.cr4 = CR4_PSE;
    EXPECT_OK(&r32, 0x00812345, RD, 0x00c12345);
    CHECK_EQ_U64(get32(P32_PD + 2 * 4) & AD, PTE_A);
    EXPECT_OK(&r32, 0x00812345, WR, 0x00c12345);
    CHECK_EQ_U64(get32(P32_PD + 2 * 4) & AD, AD);

    /* PAE: PDPTEs have no A bit (bits 8:5 are reserved there). */
    setup_pae();
    struct gpt_regs pae = {
        .cr0 = CR0_PE | CR0_PG, .cr3 = PAE_PDPT, .cr4 = CR4_PAE, .phys_bits = 52};
    EXPECT_OK(&pae, 0x1234, WR, 0x000ffffffabcd234ull);
    CHECK_EQ_U64(get64(PAE_PDPT), 0x6000 | PTE_P | PTE_PWT | PTE_PCD);
    CHECK_EQ_U64(get64(0x6000) & AD, PTE_A);
    CHECK_EQ_U64(get64(0x9000 + 1 * 8) & AD, AD);
}

/* Another vCPU changes an entry between the walk's read and its
 * compare-exchange: the walk starts again and uses the new entry. */
static void test_races(void)
{
    setup_4level();
    struct gpt_regs r = {.cr0 = CR0_PE | CR0_PG,
                         .cr3 = L4_PML4,
                         .cr4 = CR4_PAE,
                         .efer = EFER_LME | EFER_LMA,
                         .phys_bits = 52};
    const u64 la = la4(256, 0, 0, 1, 0x20);
    race_gpa = L4_PT + 1 * 8;
    race_value = 0x00777000 | PTE_P | PTE_W | PTE_U;
    race_count = 1;
    EXPECT_OK(&r, la, WR, 0x00777020);
    CHECK_EQ_U64(get64(race_gpa), race_value | AD);
    /* ... or now not present: #PF, and the new entry stays as written. */
    race_value = 0x00777000 | PTE_W;
    race_count = 1;
    put64(race_gpa, 0x00888000 | PTE_P | PTE_W | PTE_U);
    EXPECT_PF(&r, la, WR, PF_W);
    CHECK_EQ_U64(get64(race_gpa), race_value);
    /* An entry that changes at every walk: GPT_BUSY after GPT_MAX_WALKS. */
    put64(race_gpa, 0x00888000 | PTE_P | PTE_W | PTE_U);
    race_value = 0x00888000 | PTE_P | PTE_W | PTE_U | 1u << 9; /* an ignored bit flips */
    race_toggle = 1u << 9;
    race_count = ~0u;
    struct res t = tr(&r, la, WR);
    CHECK_EQ_U64(t.r, GPT_BUSY);
    CHECK_EQ_U64(~0u - race_count, GPT_MAX_WALKS);
    race_count = 0;
    race_toggle = 0;
    race_gpa = ~0ull;
}

/* MAXPHYADDR: entry address bits from it to 51 are reserved, at every
 * level and in every mode. */
static void test_phys_bits(void)
{
    setup_4level();
    struct gpt_regs r = {.cr0 = CR0_PE | CR0_PG,
                         .cr3 = L4_PML4,
                         .cr4 = CR4_PAE,
                         .efer = EFER_LME | EFER_LMA,
                         .phys_bits = 40};
    const u64 all = PTE_P | PTE_W | PTE_U;
    put64(L4_PT + 8 * 8, (1ull << 39) | all);
    EXPECT_OK(&r, la4(256, 0, 0, 8, 0x8), RD, (1ull << 39) | 8);
    for (unsigned b = 40; b < 52; b++) {
        put64(L4_PT + 8 * 8, (1ull << b) | all);
        EXPECT_PF(&r, la4(256, 0, 0, 8, 0), UWR, PF_P | PF_W | PF_U | PF_RSVD);
    }
    /* A PML4E and a PDE with a table address beyond MAXPHYADDR. */
    put64(L4_PML4 + 264 * 8, (1ull << 45) | L4_PDPT | all);
    EXPECT_PF(&r, la4(264, 0, 0, 1, 0), RD, PF_P | PF_RSVD);
    put64(L4_PD + 4 * 8, (1ull << 40) | L4_PT | all);
    EXPECT_PF(&r, L4_BASE + 4 * 0x200000ull, RD, PF_P | PF_RSVD);
    /* 52 bits: nothing of that kind is reserved (the walk of test_4level). */
    r.phys_bits = 52;
    put64(L4_PT + 8 * 8, (1ull << 51) | all);
    EXPECT_OK(&r, la4(256, 0, 0, 8, 0), RD, 1ull << 51);

    /* PAE: PTEs and PDPTEs from memory. */
    setup_pae();
    struct gpt_regs pae = {
        .cr0 = CR0_PE | CR0_PG, .cr3 = PAE_PDPT, .cr4 = CR4_PAE, .phys_bits = 36};
    put64(0x9000 + 8 * 8, (1ull << 35) | PTE_P);
    EXPECT_OK(&pae, 0x8000, RD, 1ull << 35);
    put64(0x9000 + 8 * 8, (1ull << 36) | PTE_P);
    EXPECT_PF(&pae, 0x8000, RD, PF_P | PF_RSVD);
    put64(PAE_PDPT + 2 * 8, (1ull << 38) | 0x7000 | PTE_P);
    EXPECT_PF(&pae, 0x80000000, WR, PF_P | PF_W | PF_RSVD);

    /* 32-bit paging, PSE-36: bits 20:13 are address bits 39:32, those
     * from MAXPHYADDR up reserved. */
    setup_32();
    struct gpt_regs p32 = {.cr0 = CR0_PE | CR0_PG, .cr3 = P32_PD, .cr4 = CR4_PSE, .phys_bits = 36};
    put32(P32_PD + 9 * 4, 0x00c00000u | (0x8u << 13) | PTE_P | PTE_PS);
    EXPECT_OK(&p32, 0x02400010, RD, 0x800c00010ull);
    put32(P32_PD + 9 * 4, 0x00c00000u | (0x10u << 13) | PTE_P | PTE_PS);
    EXPECT_PF(&p32, 0x02400010, RD, PF_P | PF_RSVD);
    p32.phys_bits = 46; /* PSE-36 reaches 40 bits at most: all of 20:13 are address */
    put32(P32_PD + 9 * 4, 0x00c00000u | (0x80u << 13) | PTE_P | PTE_PS);
    EXPECT_OK(&p32, 0x02400010, RD, 0x8000c00010ull);
}

/* SMAP with RFLAGS.AC (explicit accesses) and implicit supervisor
 * accesses (AC does not help; U/S of the error code is 0 even at CPL 3). */
static void test_smap_ac(void)
{
    setup_4level();
    struct gpt_regs r = {.cr0 = CR0_PE | CR0_PG,
                         .cr3 = L4_PML4,
                         .cr4 = CR4_PAE | CR4_SMAP,
                         .efer = EFER_LME | EFER_LMA,
                         .phys_bits = 52};
    struct gpt_regs ac = r, ac_wp = r;
    ac.rflags = ac_wp.rflags = RFLAGS_AC;
    ac_wp.cr0 |= CR0_WP;
    const u64 user = la4(256, 0, 0, 1, 0x70), ro = la4(256, 0, 0, 3, 0x70),
              sup = la4(256, 0, 0, 4, 0x70);
    const u32 IMP = GPT_IMPLICIT;
    EXPECT_PF(&r, user, RD, PF_P);
    EXPECT_OK(&ac, user, RD, 0x000ffffffffff070ull);
    EXPECT_OK(&ac, user, WR, 0x000ffffffffff070ull);
    EXPECT_PF(&ac, user, RD | IMP, PF_P);
    EXPECT_PF(&ac, user, WR | IMP, PF_P | PF_W);
    EXPECT_PF(&ac, user, URD | IMP, PF_P); /* implicit at CPL 3: a supervisor access */
    EXPECT_PF(&r, user, UWR | IMP, PF_P | PF_W);
    EXPECT_OK(&ac, user, URD, 0x000ffffffffff070ull);
    /* A read-only user page with AC: WP decides, as without SMAP. */
    EXPECT_OK(&ac, ro, WR, 0x00aab070);
    EXPECT_PF(&ac_wp, ro, WR, PF_P | PF_W);
    /* Supervisor pages: SMAP does not apply, implicit or not. */
    EXPECT_OK(&r, sup, WR | IMP, 0x00aac070);
    EXPECT_OK(&r, sup, URD | IMP, 0x00aac070);
    /* Without SMAP an implicit access to a user page is fine. */
    struct gpt_regs plain = r;
    plain.cr4 &= ~CR4_SMAP;
    EXPECT_OK(&plain, user, URD | IMP, 0x000ffffffffff070ull);
    /* Fetches: SMAP never applies. */
    EXPECT_OK(&r, user, EX, 0x000ffffffffff070ull);
}

/* PAE with the PDPTEs the CPU holds (VMX): the registers count, not
 * memory; their reserved bits were checked when they were loaded. */
static void test_pdpte_registers(void)
{
    setup_pae();
    const u64 regs[4] = {0x7000 | PTE_P, 0, 0x6000 | PTE_P, 0x6000 | PTE_P | PTE_PWT};
    struct gpt_regs r = {
        .cr0 = CR0_PE | CR0_PG, .cr3 = PAE_PDPT, .cr4 = CR4_PAE, .pdpte = regs, .phys_bits = 52};
    /* PDPTE 0 from the register: PD 0x7000 (memory says 0x6000), whose
     * entry 1 is not present (0x6000's maps a 2 MiB page). */
    EXPECT_OK(&r, 0x0000123, RD, 0x00aaa123);
    EXPECT_PF(&r, 0x00201234, RD, 0);
    EXPECT_PF(&r, 0x40000000, RD, 0);                     /* register 1: not present */
    EXPECT_OK(&r, 0xc0001234, RD, 0x000ffffffabcd234ull); /* memory's PD is outside RAM */
    EXPECT_OK(&r, 0x80001234, RD, 0x000ffffffabcd234ull);
    /* Memory's PDPT is never read. */
    memset(mem + PAE_PDPT, 0xff, 32);
    EXPECT_OK(&r, 0x80001234, RD, 0x000ffffffabcd234ull);
}

int main(void)
{
    test_paging_off();
    test_32bit();
    test_pae();
    test_4level();
    test_accessed_dirty();
    test_races();
    test_phys_bits();
    test_smap_ac();
    test_pdpte_registers();
    return check_report("vmm_gpt");
}
