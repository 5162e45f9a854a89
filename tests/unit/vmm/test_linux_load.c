/* Loading a Linux bzImage into guest memory (servers/vmm/linux_boot.c,
 * linux_boot_params.c, linux_cpu.c): boot_params read back field by
 * field with its e820 map, the command line, the kernel and initrd bytes,
 * the GDT, the identity map walked for everything the kernel must reach,
 * the start state; and refusals, after which guest memory is untouched. */
#include "check.h"
#include "linux_boot.h"
#include "linux_vcpu.h"
#include "mb1_cpu.h"
#include "linux_synth.h"
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/pte.h>
#include <stdlib.h>
#include <string.h>

#define RAM     (32ull << 20)
#define POISON  0xaa
#define CMDLINE "console=ttyS0 quiet"

static u8 img[LINUX_SYNTH_MAX] __attribute__((aligned(8)));
static u64 img_size;
static u8 *ram;
static u64 ram_size;
static struct guest_buffer buf;
static struct guest_mem mem;
static struct linux_boot boot;
static char why[256];
static u8 initrd[0x3456];

static u64 rd64(u64 gpa)
{
    u64 v;
    memcpy(&v, ram + gpa, 8);
    return v;
}
static bool all(u64 gpa, u64 len, u8 byte)
{
    for (u64 i = 0; i < len; i++)
        if (ram[gpa + i] != byte)
            return false;
    return true;
}

static void reset_ram(u64 size)
{
    free(ram);
    ram = malloc(size);
    ram_size = size;
    memset(ram, POISON, size);
    buf = (struct guest_buffer){ram, size};
    guest_mem_from_buffer(&mem, &buf);
}

static bool load_with(const char *cmdline, u64 initrd_size)
{
    const struct linux_request req = {img, img_size, cmdline, initrd, initrd_size};
    memset(why, 'x', sizeof(why));
    bool ok = linux_load(&req, &mem, &boot, why, sizeof(why));
    CHECK(memchr(why, '\0', sizeof(why)) != NULL);
    if (!ok) {
        static const struct linux_boot zero;
        CHECK(memcmp(&boot, &zero, sizeof(boot)) == 0);
    }
    return ok;
}

/* Translates va through the guest's page tables (cr3) as the CPU would
 * in long mode with 4-level paging; false if not present or not writable. */
static bool walk(u64 cr3, u64 va, u64 *pa)
{
    u64 table = cr3 & PTE_ADDR_MASK;
    for (int level = 4; level >= 1; level--) {
        if (table + PT_ENTRIES * 8 > ram_size)
            return false;
        u64 e = rd64(table + PT_INDEX(va, level) * 8);
        if (!(e & PTE_P) || !(e & PTE_W))
            return false;
        if (level == 2 && (e & PTE_PS)) {
            *pa = (e & PTE_ADDR_MASK & ~(LARGE_PAGE_SIZE - 1)) | (va & (LARGE_PAGE_SIZE - 1));
            return true;
        }
        if (level == 3 && (e & PTE_PS))
            return false; /* this loader uses no 1 GiB pages */
        table = e & PTE_ADDR_MASK;
    }
    *pa = table | (va & (PAGE_SIZE - 1));
    return true;
}

static bool identity(u64 va)
{
    u64 pa = ~0ull;
    return walk(boot.cpu.cr3, va, &pa) && pa == va;
}

static bool identity_range(u64 start, u64 len)
{
    for (u64 a = start; a < start + len; a += PAGE_SIZE)
        if (!identity(a))
            return false;
    return len == 0 || identity(start + len - 1);
}

static void check_boot_params(const struct linux_boot_params *bp, u64 initrd_addr, u64 initrd_size)
{
    /* The setup header as the file has it, with the loader's fields. */
    struct linux_setup_header want;
    memcpy(&want, img + LINUX_HDR_OFFSET, sizeof(want));
    CHECK(bp->hdr.setup_sects == want.setup_sects && bp->hdr.syssize == want.syssize);
    CHECK_EQ_U64(bp->hdr.header, LINUX_HDRS_MAGIC);
    CHECK_EQ_U64(bp->hdr.version, 0x020f);
    CHECK_EQ_U64(bp->hdr.boot_flag, 0xaa55);
    CHECK_EQ_U64(bp->hdr.vid_mode, 0xffff);
    CHECK_EQ_U64(bp->hdr.type_of_loader, 0xff);
    CHECK_EQ_U64(bp->hdr.loadflags, LINUX_LOADED_HIGH);
    CHECK_EQ_U64(bp->hdr.cmd_line_ptr, LINUX_CMDLINE_ADDR);
    CHECK_EQ_U64(bp->hdr.ramdisk_image, initrd_addr);
    CHECK_EQ_U64(bp->hdr.ramdisk_size, initrd_size);
    CHECK_EQ_U64(bp->hdr.code32_start, boot.plan.kernel_addr);
    CHECK_EQ_U64(bp->hdr.init_size, LINUX_SYNTH_INIT);
    CHECK_EQ_U64(bp->hdr.pref_address, LINUX_SYNTH_PREF);
    CHECK_EQ_U64(bp->hdr.cmdline_size, 2047);
    want.type_of_loader = 0xff;
    want.cmd_line_ptr = LINUX_CMDLINE_ADDR;
    want.ramdisk_image = (u32)initrd_addr;
    want.ramdisk_size = (u32)initrd_size;
    want.code32_start = (u32)boot.plan.kernel_addr;
    CHECK(memcmp(&bp->hdr, &want, sizeof(want)) == 0);
    CHECK_EQ_U64(bp->ext_cmd_line_ptr, 0);
    CHECK_EQ_U64(bp->ext_ramdisk_image, 0);
    CHECK_EQ_U64(bp->ext_ramdisk_size, 0);
    CHECK_EQ_U64(bp->sentinel, 0);
    CHECK_EQ_U64(bp->alt_mem_k, (ram_size >> 10) - 1024);

    /* e820: usable below 0x9fc00, reserved to 1 MiB, usable to the end. */
    CHECK_EQ_U64(bp->e820_entries, 3);
    static const u64 base[3] = {0, 0x9fc00, 0x100000};
    const u64 size[3] = {0x9fc00, 0x60400, ram_size - 0x100000};
    static const u32 type[3] = {LINUX_E820_RAM, LINUX_E820_RESERVED, LINUX_E820_RAM};
    for (int i = 0; i < 3; i++) {
        CHECK_EQ_U64(bp->e820_table[i].addr, base[i]);
        CHECK_EQ_U64(bp->e820_table[i].size, size[i]);
        CHECK_EQ_U64(bp->e820_table[i].type, type[i]);
    }

    /* Everything else is zero: the setup code after the header stays out. */
    struct linux_boot_params rest;
    memcpy(&rest, bp, sizeof(rest));
    memset(&rest.hdr, 0, sizeof(rest.hdr));
    memset(rest.e820_table, 0, 3 * sizeof(rest.e820_table[0]));
    rest.e820_entries = 0;
    rest.alt_mem_k = 0;
    static const struct linux_boot_params zero;
    CHECK(memcmp(&rest, &zero, sizeof(zero)) == 0);
}

static void test_load(void)
{
    img_size = linux_synth(img);
    for (u64 i = 0; i < sizeof(initrd); i++)
        initrd[i] = (u8)(i ^ 0x5c);
    reset_ram(RAM);
    CHECK(load_with(CMDLINE, sizeof(initrd)));
    CHECK(why[0] == '\0');
    const u64 kernel = LINUX_SYNTH_PREF, initrd_addr = RAM - 0x4000;
    CHECK_EQ_U64(boot.plan.kernel_addr, kernel);
    CHECK_EQ_U64(boot.plan.initrd_addr, initrd_addr);

    struct linux_boot_params bp;
    memcpy(&bp, ram + LINUX_BOOT_PARAMS_ADDR, sizeof(bp));
    check_boot_params(&bp, initrd_addr, sizeof(initrd));
    struct linux_boot_params built;
    linux_boot_params(&boot.plan, img, RAM, &built);
    CHECK(memcmp(&bp, &built, sizeof(bp)) == 0);

    /* command line, kernel, initrd */
    CHECK(memcmp(ram + LINUX_CMDLINE_ADDR, CMDLINE, sizeof(CMDLINE)) == 0);
    CHECK(all(LINUX_CMDLINE_ADDR + sizeof(CMDLINE), 0x100, POISON));
    bool same = true;
    for (u64 i = 0; i < LINUX_SYNTH_KERNEL; i++)
        same &= ram[kernel + i] == linux_synth_byte(i);
    CHECK(same);
    CHECK(all(kernel + LINUX_SYNTH_KERNEL, 0x1000, POISON)); /* bss is the kernel's */
    CHECK(memcmp(ram + initrd_addr, initrd, sizeof(initrd)) == 0);
    CHECK(all(initrd_addr + sizeof(initrd), RAM - initrd_addr - sizeof(initrd), POISON));
    /* nothing else written below 1 MiB */
    CHECK(all(0, LINUX_BOOT_PARAMS_ADDR, POISON));
    CHECK(all(LINUX_PT_END, LINUX_CMDLINE_ADDR - LINUX_PT_END, POISON));
    CHECK(all(LINUX_CMDLINE_ADDR + 0x1000, 0x100000 - LINUX_CMDLINE_ADDR - 0x1000, POISON));
    CHECK(all(0x100000, kernel - 0x100000, POISON));

    /* the GDT: null, unused, 64-bit code at 0x10, flat data at 0x18 */
    CHECK_EQ_U64(rd64(LINUX_GDT_ADDR), 0);
    CHECK_EQ_U64(rd64(LINUX_GDT_ADDR + 8), 0);
    CHECK_EQ_U64(rd64(LINUX_GDT_ADDR + 0x10), 0x00af9b000000ffffull);
    CHECK_EQ_U64(rd64(LINUX_GDT_ADDR + 0x18), 0x00cf93000000ffffull);
    CHECK(all(LINUX_GDT_ADDR + 0x20, LINUX_PML4_ADDR - LINUX_GDT_ADDR - 0x20, 0));

    /* the start state */
    const struct linux_cpu_start *c = &boot.cpu;
    CHECK_EQ_U64(c->rip, kernel + 0x200);
    CHECK_EQ_U64(c->rsi, LINUX_BOOT_PARAMS_ADDR);
    CHECK_EQ_U64(c->rflags, 0x2);
    CHECK_EQ_U64(c->cr0, CR0_PE | CR0_ET | CR0_PG);
    CHECK_EQ_U64(c->cr3, LINUX_PML4_ADDR);
    CHECK_EQ_U64(c->cr4, CR4_PAE);
    CHECK_EQ_U64(c->efer, EFER_LME | EFER_LMA);
    CHECK_EQ_U64(c->gdt_base, LINUX_GDT_ADDR);
    CHECK_EQ_U64(c->gdt_limit, 31);
    CHECK_EQ_U64(c->cs, 0x10);
    CHECK_EQ_U64(c->ds, 0x18);
    CHECK(c->cs_ar & 0x200);    /* L */
    CHECK(!(c->cs_ar & 0x400)); /* D clear, as long mode requires with L */
    CHECK_EQ_U64(c->ds_ar, 0xc93);
    /* ... as the vCPU's first state (linux_vcpu.c) */
    struct vireo_vcpu_state vs;
    memset(&vs, 0xa5, sizeof(vs));
    linux_vcpu_start(c, &vs);
    CHECK_EQ_U64(vs.mtd, MB1_VCPU_MTD);
    CHECK_EQ_U64(vs.rip, c->rip);
    CHECK_EQ_U64(vs.rsi, LINUX_BOOT_PARAMS_ADDR);
    CHECK_EQ_U64(vs.rax | vs.rbx | vs.rcx | vs.rdx | vs.rdi | vs.rbp | vs.rsp | vs.r8 | vs.r15, 0);
    CHECK_EQ_U64(vs.rflags, 0x2);
    CHECK_EQ_U64(vs.cr0, c->cr0);
    CHECK_EQ_U64(vs.cr3, LINUX_PML4_ADDR);
    CHECK_EQ_U64(vs.cr4, CR4_PAE);
    CHECK_EQ_U64(vs.efer, EFER_LME | EFER_LMA);
    CHECK_EQ_U64(vs.cs.sel, 0x10);
    CHECK_EQ_U64(vs.cs.ar, c->cs_ar);
    CHECK_EQ_U64(vs.ss.sel, 0x18);
    CHECK_EQ_U64(vs.ds.ar, 0xc93);
    CHECK_EQ_U64(vs.gs.sel, 0x18);
    CHECK_EQ_U64(vs.gdtr.base, LINUX_GDT_ADDR);
    CHECK_EQ_U64(vs.gdtr.limit, 31);
    CHECK_EQ_U64(vs.tr.ar & 0x8f, 0x8b); /* a busy TSS, present: IA-32e entry requires it */
    CHECK(vs.ldtr.ar & VIREO_SEG_AR_UNUSABLE);
    CHECK_EQ_U64(vs.inj_info | vs.intr_state | vs.actv_state | vs.cr2 | vs.cr8, 0);
    CHECK_EQ_U64(vs.dr7, 0x400);

    /* the identity map covers what startup_64 touches */
    CHECK(identity_range(kernel, LINUX_SYNTH_INIT));
    CHECK(identity_range(LINUX_BOOT_PARAMS_ADDR, sizeof(bp)));
    CHECK(identity_range(LINUX_CMDLINE_ADDR, sizeof(CMDLINE)));
    CHECK(identity_range(initrd_addr, sizeof(initrd)));
    CHECK(identity_range(LINUX_GDT_ADDR, 32));
    CHECK(identity(0));
    CHECK(identity(0xbfffffff)); /* MB1_RAM_MAX - 1 */
    CHECK(identity(0xfffff000));
    u64 pa;
    CHECK(!walk(c->cr3, 0x100000000ull, &pa)); /* nothing above 4 GiB */
    CHECK(!walk(c->cr3, 0xffffffff80000000ull, &pa));
    /* the tables hold only what the map needs */
    CHECK_EQ_U64(rd64(LINUX_PML4_ADDR), linux_page_table_entry(0, 0));
    CHECK(all(LINUX_PML4_ADDR + 8, 0x1000 - 8, 0));
    CHECK(all(LINUX_PML4_ADDR + 0x1000 + 32, 0x1000 - 32, 0));
    for (u32 page = 0; page < LINUX_PT_PAGES; page++)
        for (u32 i = 0; i < PT_ENTRIES; i++)
            CHECK(rd64(LINUX_PML4_ADDR + page * 0x1000ull + i * 8) ==
                  linux_page_table_entry(page, i));
    CHECK_EQ_U64(linux_page_table_entry(6, 0), 0);
    CHECK_EQ_U64(linux_page_table_entry(2, 512), 0);
}

static void test_no_initrd(void)
{
    img_size = linux_synth(img);
    reset_ram(RAM);
    CHECK(load_with(NULL, 0));
    struct linux_boot_params bp;
    memcpy(&bp, ram + LINUX_BOOT_PARAMS_ADDR, sizeof(bp));
    check_boot_params(&bp, 0, 0);
    CHECK_EQ_U64(ram[LINUX_CMDLINE_ADDR], 0);
    CHECK(all(LINUX_CMDLINE_ADDR + 1, 0x100, POISON));
    CHECK(all(LINUX_SYNTH_PREF + LINUX_SYNTH_KERNEL, RAM - LINUX_SYNTH_PREF - LINUX_SYNTH_KERNEL,
              POISON));
    /* a 16 MiB VM: the kernel at 2 MiB, its map still covers it */
    reset_ram(16ull << 20);
    CHECK(load_with("a", 0x1000));
    CHECK_EQ_U64(boot.plan.kernel_addr, 0x200000);
    CHECK_EQ_U64(boot.cpu.rip, 0x200200);
    CHECK_EQ_U64(boot.plan.initrd_addr, (16ull << 20) - 0x1000);
    memcpy(&bp, ram + LINUX_BOOT_PARAMS_ADDR, sizeof(bp));
    CHECK_EQ_U64(bp.e820_table[2].size, (15ull << 20));
    CHECK(identity_range(0x200000, LINUX_SYNTH_INIT));
}

static bool refuse_high(void *ctx, u64 gpa, const void *src, u64 len)
{
    struct guest_buffer *b = ctx;
    if (gpa >= LINUX_SYNTH_PREF || !guest_range_ok(b->size, gpa, len))
        return false;
    memcpy(b->base + gpa, src, len);
    return true;
}

static void test_refusals(void)
{
    img_size = linux_synth(img);
    reset_ram(RAM);
    linux_synth_hdr(img)->header = 0;
    CHECK(!load_with(CMDLINE, 0));
    CHECK(strstr(why, "no \"HdrS\" magic") != NULL);
    CHECK(all(0, RAM, POISON));
    img_size = linux_synth(img);
    CHECK(!load_with(CMDLINE, RAM));
    CHECK(strstr(why, "initrd does not fit") != NULL);
    CHECK(all(0, RAM, POISON));
    linux_synth_hdr(img)->cmdline_size = 3;
    CHECK(!load_with(CMDLINE, 0));
    CHECK(strstr(why, "command line too long") != NULL);
    CHECK(all(0, RAM, POISON));
    img_size = linux_synth(img);
    const struct linux_request req = {img, img_size, NULL, NULL, 0};
    CHECK(!linux_load(&req, NULL, &boot, why, sizeof(why)));
    CHECK(!linux_load(NULL, &mem, &boot, why, sizeof(why)));
    CHECK(!linux_load(NULL, &mem, &boot, NULL, 0)); /* no reason buffer */
    /* a write the memory refuses is a reason, not a crash */
    mem.write = refuse_high;
    CHECK(!load_with(NULL, 0));
    CHECK(strstr(why, "writing the kernel at 0x1000000 (0x2000 bytes) failed") != NULL);
}

int main(void)
{
    test_load();
    test_no_initrd();
    test_refusals();
    free(ram);
    return check_report("vmm_linux_load");
}
