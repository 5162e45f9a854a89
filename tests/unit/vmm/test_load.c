/* Loading into guest memory (servers/vmm/mb1_boot.c, mb1_layout.c,
 * mb1_info.c, mb1_cpu.c): the image, the boot information page read back
 * field by field, the area after the image (module list, strings, command
 * line, loader name), page-aligned modules, the start state; and the
 * refusals, after which guest memory must be untouched. */
#include "check.h"
#include "mb1_boot.h"
#include "mb1_cpu.h"
#include "mb1_memory.h"
#include "multiboot1.h"
#include "synth.h"
#include <stdlib.h>
#include <string.h>

#define RAM     (16ull << 20)
#define POISON  0xaa
#define CMDLINE "hello=world strict"

static u8 img[SYNTH_MAX] __attribute__((aligned(8)));
static u64 img_size;
static u8 *ram;
static struct guest_buffer buf;
static struct guest_mem mem;
static struct mb1_boot boot;
static char why[256];

static u32 rd32(u64 gpa)
{
    u32 v;
    memcpy(&v, ram + gpa, 4);
    return v;
}
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
static bool untouched(void)
{
    return all(0, RAM, POISON);
}

static void reset_ram(u64 size)
{
    free(ram);
    ram = malloc(size);
    memset(ram, POISON, size);
    buf = (struct guest_buffer){ram, size};
    guest_mem_from_buffer(&mem, &buf);
}

static u8 mod0[5000], mod1[10];
static const struct mb1_module modules[] = {
    {mod0, sizeof(mod0), "mod0 arg"},
    {mod1, sizeof(mod1), NULL},
};

static struct mb1_request request(const char *name, const char *cmdline, u32 nmods)
{
    return (struct mb1_request){
        .image = img,
        .image_size = img_size,
        .image_name = name,
        .cmdline = cmdline,
        .modules = modules,
        .module_count = nmods,
    };
}

static bool load(const struct mb1_request *req)
{
    memset(why, 'x', sizeof(why));
    bool ok = mb1_load(req, &mem, &boot, why, sizeof(why));
    CHECK(memchr(why, '\0', sizeof(why)) != NULL);
    if (!ok) {
        static const struct mb1_boot zero;
        CHECK(memcmp(&boot, &zero, sizeof(boot)) == 0);
    }
    return ok;
}

#define REJECTS(req, needle)                                                                       \
    do {                                                                                           \
        CHECK(!load(req));                                                                         \
        if (!strstr(why, needle)) {                                                                \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: reason \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, why,        \
                    needle);                                                                       \
        }                                                                                          \
    } while (0)

/* The boot information page, for a RAM of ram_size. */
static void check_boot_page(u64 ram_size, u32 cmdline, u32 mods_count, u32 mods_addr, u32 name)
{
    const u64 info = MB1_INFO_ADDR;
    CHECK_EQ_U64(rd32(info + 0), 0x24f); /* MEMORY BOOT_DEVICE CMDLINE MODS MEM_MAP LOADER_NAME */
    CHECK_EQ_U64(rd32(info + 4), 639);
    CHECK_EQ_U64(rd32(info + 8), (ram_size >> 10) - 1024);
    CHECK_EQ_U64(rd32(info + 12), 0x8000ffff);
    CHECK_EQ_U64(rd32(info + 16), cmdline);
    CHECK_EQ_U64(rd32(info + 20), mods_count);
    CHECK_EQ_U64(rd32(info + 24), mods_addr);
    for (u64 off = 28; off < 44; off += 4) /* syms */
        CHECK_EQ_U64(rd32(info + off), 0);
    CHECK_EQ_U64(rd32(info + 44), 72);
    CHECK_EQ_U64(rd32(info + 48), 0x9000);
    CHECK_EQ_U64(rd32(info + 52), 0); /* drives */
    CHECK_EQ_U64(rd32(info + 56), 0);
    CHECK_EQ_U64(rd32(info + 60), 0); /* config table */
    CHECK_EQ_U64(rd32(info + 64), name);
    CHECK(all(info + 68, 88 - 68, 0)); /* APM, VBE */

    /* The memory map: 24-byte entries, the size field first. */
    static const u64 base[3] = {0, 0x9fc00, 0x100000};
    const u64 length[3] = {0x9fc00, 0x60400, ram_size - 0x100000};
    static const u32 type[3] = {1, 2, 1};
    for (int i = 0; i < 3; i++) {
        u64 e = MB1_MMAP_ADDR + 24 * i;
        CHECK_EQ_U64(rd32(e), 20);
        CHECK_EQ_U64(rd64(e + 4), base[i]);
        CHECK_EQ_U64(rd64(e + 12), length[i]);
        CHECK_EQ_U64(rd32(e + 20), type[i]);
    }
    CHECK(all(MB1_MMAP_ADDR + 72, MB1_INFO_ADDR - MB1_MMAP_ADDR - 72, 0));

    /* The GDT: null, flat 32-bit code and data. */
    CHECK_EQ_U64(rd64(MB1_GDT_ADDR), 0);
    CHECK_EQ_U64(rd64(MB1_GDT_ADDR + 8), 0x00cf9b000000ffffull);
    CHECK_EQ_U64(rd64(MB1_GDT_ADDR + 16), 0x00cf93000000ffffull);
    CHECK(all(MB1_INFO_ADDR + 88, MB1_GDT_ADDR - MB1_INFO_ADDR - 88, 0));
    CHECK(all(MB1_GDT_ADDR + 24, 0xa000 - MB1_GDT_ADDR - 24, 0));
    /* Nothing else below 1 MiB. */
    CHECK(all(0, 0x9000, POISON));
    CHECK(all(0xa000, 0x100000 - 0xa000, POISON));
}

static void test_kludge_with_modules(void)
{
    reset_ram(RAM);
    img_size = synth_kludge(img);
    for (unsigned i = 0; i < sizeof(mod0); i++)
        mod0[i] = (u8)(i * 13);
    memset(mod1, 0x5a, sizeof(mod1));
    struct mb1_request req = request("/boot/k.elf", CMDLINE, 2);
    CHECK(load(&req));
    CHECK_EQ_U64(boot.eax, 0x2badb002);
    CHECK_EQ_U64(boot.ebx, 0x9500);
    CHECK_EQ_U64(boot.eip, 0x100080);

    /* The image and its bss. */
    CHECK(memcmp(ram + 0x100000, img, 0x1000) == 0);
    CHECK(all(0x101000, 0x2000, 0));

    /* After the image, from 0x103000: module list, strings, command line,
     * loader name, zero to the page end. */
    const struct mb1_layout *l = &boot.layout;
    CHECK_EQ_U64(l->area_start, 0x103000);
    CHECK_EQ_U64(l->mods_addr, 0x103000);
    CHECK_EQ_U64(l->module_string[0], 0x103020);
    CHECK_EQ_U64(l->module_string[1], 0x103029);
    CHECK_EQ_U64(l->cmdline_addr, 0x10302a);
    const char *want = "/boot/k.elf " CMDLINE;
    CHECK_EQ_U64(l->cmdline_length, strlen(want));
    CHECK_EQ_U64(l->loader_name_addr, 0x10302a + strlen(want) + 1);
    CHECK_EQ_U64(l->area_end, 0x104000);
    CHECK_EQ_U64(l->module_start[0], 0x104000);
    CHECK_EQ_U64(l->module_start[1], 0x106000);
    CHECK_EQ_U64(l->end, 0x107000);

    CHECK_EQ_U64(rd32(0x103000), 0x104000); /* mod_start */
    CHECK_EQ_U64(rd32(0x103004), 0x104000 + 5000);
    CHECK_EQ_U64(rd32(0x103008), 0x103020);
    CHECK_EQ_U64(rd32(0x10300c), 0);
    CHECK_EQ_U64(rd32(0x103010), 0x106000);
    CHECK_EQ_U64(rd32(0x103014), 0x10600a);
    CHECK_EQ_U64(rd32(0x103018), 0x103029);
    CHECK_EQ_U64(rd32(0x10301c), 0);
    CHECK(strcmp((char *)ram + 0x103020, "mod0 arg") == 0);
    CHECK(strcmp((char *)ram + 0x103029, "") == 0);
    CHECK(strcmp((char *)ram + l->cmdline_addr, want) == 0);
    CHECK(strcmp((char *)ram + l->loader_name_addr, "vireo") == 0);
    u64 strings_end = l->loader_name_addr + sizeof("vireo");
    CHECK(all(strings_end, 0x104000 - strings_end, 0));

    /* Modules page-aligned, padded with zeros, nothing after them. */
    CHECK(memcmp(ram + 0x104000, mod0, sizeof(mod0)) == 0);
    CHECK(all(0x104000 + 5000, 0x106000 - 0x104000 - 5000, 0));
    CHECK(memcmp(ram + 0x106000, mod1, sizeof(mod1)) == 0);
    CHECK(all(0x10600a, 0x1000 - 10, 0));
    CHECK(all(0x107000, RAM - 0x107000, POISON));

    check_boot_page(RAM, l->cmdline_addr, 2, 0x103000, l->loader_name_addr);
}

static void test_command_lines(void)
{
    img_size = synth_kludge(img);
    /* QEMU: "FILE ARGS", a space even without ARGS. */
    reset_ram(RAM);
    struct mb1_request req = request("k", "", 0);
    CHECK(load(&req));
    CHECK(strcmp((char *)ram + boot.layout.cmdline_addr, "k ") == 0);
    CHECK_EQ_U64(boot.layout.cmdline_addr, 0x103000); /* no module list */
    CHECK_EQ_U64(rd32(MB1_INFO_ADDR + 20), 0);
    CHECK_EQ_U64(rd32(MB1_INFO_ADDR + 24), 0x103000); /* mods_addr still set, as QEMU */
    CHECK_EQ_U64(boot.layout.end, 0x104000);
    /* GRUB 2 style: the arguments alone. */
    reset_ram(RAM);
    req = request(NULL, CMDLINE, 0);
    CHECK(load(&req));
    CHECK(strcmp((char *)ram + boot.layout.cmdline_addr, CMDLINE) == 0);
    reset_ram(RAM);
    req = request(NULL, NULL, 0);
    CHECK(load(&req));
    CHECK(strcmp((char *)ram + boot.layout.cmdline_addr, "") == 0);
    CHECK(strcmp((char *)ram + boot.layout.loader_name_addr, "vireo") == 0);
    CHECK_EQ_U64(boot.layout.loader_name_addr, boot.layout.cmdline_addr + 1);
    /* The longest string allowed, and one byte more. */
    static char longest[MB1_STRING_MAX + 2];
    memset(longest, 'a', MB1_STRING_MAX);
    reset_ram(RAM);
    req = request(NULL, longest, 0);
    CHECK(load(&req));
    CHECK_EQ_U64(boot.layout.cmdline_length, MB1_STRING_MAX);
    CHECK_EQ_U64(boot.layout.area_end, 0x105000);
    longest[MB1_STRING_MAX] = 'a';
    reset_ram(RAM);
    REJECTS(&req, "the command line is longer than 4096 bytes");
    CHECK(untouched());
    req = request(longest, "", 0);
    REJECTS(&req, "the image name is longer");
    struct mb1_module m = {mod1, 1, longest};
    req = request(NULL, "", 1);
    req.modules = &m;
    REJECTS(&req, "module 0's string is longer");
    CHECK(untouched());
}

static void test_elf_images(void)
{
    u64 (*build[])(u8 *) = {synth_elf32, synth_elf64};
    for (int b = 0; b < 2; b++) {
        reset_ram(RAM);
        img_size = build[b](img);
        struct mb1_request req = request("k", "x", 1);
        CHECK(load(&req));
        CHECK_EQ_U64(boot.plan.format, b ? MB1_FORMAT_ELF64 : MB1_FORMAT_ELF32);
        CHECK_EQ_U64(boot.eip, 0x100010);
        CHECK(memcmp(ram + 0x100000, img + 0x1000, 0x800) == 0);
        CHECK(all(0x100800, 0x102000 - 0x100800, POISON)); /* between segments: not written */
        CHECK(memcmp(ram + 0x102000, img + 0x2000, 0x100) == 0);
        CHECK(all(0x102100, 0x3000 - 0x100, 0)); /* bss */
        CHECK_EQ_U64(boot.layout.area_start, 0x105000);
        CHECK_EQ_U64(boot.layout.module_start[0], 0x106000);
        check_boot_page(RAM, boot.layout.cmdline_addr, 1, 0x105000, boot.layout.loader_name_addr);
    }
}

static void test_vcpu_state(void)
{
    reset_ram(RAM);
    img_size = synth_kludge(img);
    struct mb1_request req = request("k", "", 0);
    CHECK(load(&req));
    struct vireo_vcpu_state s;
    memset(&s, 0x55, sizeof(s));
    mb1_vcpu_start(&boot, &s);
    CHECK_EQ_U64(s.mtd, MB1_VCPU_MTD);
    CHECK_EQ_U64(s.rax, 0x2badb002);
    CHECK_EQ_U64(s.rbx, 0x9500);
    CHECK_EQ_U64(s.rcx | s.rdx | s.rsi | s.rdi | s.rbp | s.rsp, 0);
    CHECK_EQ_U64(s.r8 | s.r9 | s.r10 | s.r11 | s.r12 | s.r13 | s.r14 | s.r15, 0);
    CHECK_EQ_U64(s.rip, 0x100080);
    CHECK_EQ_U64(s.rflags, 0x2);
    CHECK_EQ_U64(s.cr0, 0x11); /* PE, and ET as every CPU reads it */
    CHECK_EQ_U64(s.cr3 | s.cr4 | s.efer | s.cr2 | s.cr8, 0);
    CHECK_EQ_U64(s.cs.sel, 0x08);
    CHECK_EQ_U64(s.cs.base, 0);
    CHECK_EQ_U64(s.cs.limit, 0xffffffff);
    CHECK_EQ_U64(s.cs.ar, 0xc9b);
    const struct vireo_seg *data[] = {&s.ds, &s.es, &s.fs, &s.gs, &s.ss};
    for (int i = 0; i < 5; i++) {
        CHECK_EQ_U64(data[i]->sel, 0x10);
        CHECK_EQ_U64(data[i]->base, 0);
        CHECK_EQ_U64(data[i]->limit, 0xffffffff);
        CHECK_EQ_U64(data[i]->ar, 0xc93);
    }
    /* The selectors name GDT entries that match the loaded segments. */
    u64 gdt[MB1_GDT_ENTRIES];
    mb1_gdt(gdt);
    CHECK_EQ_U64(gdt[s.cs.sel / 8], rd64(s.gdtr.base + s.cs.sel));
    CHECK_EQ_U64(s.gdtr.base, MB1_GDT_ADDR);
    CHECK_EQ_U64(s.gdtr.limit, 23);
    CHECK_EQ_U64(s.idtr.base | s.idtr.limit, 0);
    CHECK_EQ_U64(s.tr.ar, 0x8b);
    CHECK_EQ_U64(s.ldtr.ar, VIREO_SEG_AR_UNUSABLE);
    CHECK_EQ_U64(s.dr7, 0x400);
    CHECK_EQ_U64(s.intr_state | s.actv_state | s.inj_info | s.pending_dbg, 0);
    /* Items outside the MTD are left alone. */
    CHECK_EQ_U64(s.tsc_offset, 0x5555555555555555ull);
    CHECK_EQ_U64(s.xcr0, 0x5555555555555555ull);
    CHECK(!(MB1_VCPU_MTD & ~VIREO_MTD_WRITABLE));
}

static void test_refusals(void)
{
    img_size = synth_kludge(img);
    reset_ram(RAM);
    /* A module that does not fit. */
    struct mb1_module big = {img, RAM, "big"};
    struct mb1_request req = request("k", "", 1);
    req.modules = &big;
    REJECTS(&req,
            "module 0 at 0x104000 (0x1000000 bytes) lies outside guest RAM (0x1000000 bytes)");
    big.size = RAM - 0x104000;
    big.data = NULL;
    REJECTS(&req, "module 0 has no data");
    req = request("k", "", MB1_MAX_MODULES + 1);
    REJECTS(&req, "33 modules, at most 32");
    req = request("k", "", 2);
    req.modules = NULL;
    REJECTS(&req, "2 modules but no module list");
    CHECK(untouched());

    /* An image just below the boot page: its module list would overlap. */
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0x7040, 0x7000, 0x8000, 0x9000, 0x7080);
    req = request("k", "", 0);
    REJECTS(&req, "the boot information after the image at 0x9000");
    REJECTS(&req, "overlaps the boot information page");
    /* An image ending at the end of RAM: no room after it. */
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0x100040, 0x100000, 0x101000, RAM, 0x100080);
    REJECTS(&req, "the boot information after the image at 0x1000000 (0x");
    REJECTS(&req, "lies outside guest RAM");
    CHECK(untouched());
    /* Bad image: the plan's reason comes through. */
    img_size = synth_kludge(img);
    img[0x48] ^= 1;
    REJECTS(&req, "checksum does not add up");
    CHECK(untouched());
    /* No memory. */
    img_size = synth_kludge(img);
    CHECK(!mb1_load(&req, NULL, &boot, why, sizeof(why)));
    CHECK(!mb1_load(NULL, &mem, &boot, NULL, 0));
}

/* Below 1 MiB writes work, the image's do not. */
static bool refuse_write(void *ctx, u64 gpa, const void *src, u64 len)
{
    struct guest_buffer *b = ctx;
    if (gpa >= 0x100000 || !guest_range_ok(b->size, gpa, len))
        return false;
    memcpy(b->base + gpa, src, len);
    return true;
}

static void test_memory_refuses(void)
{
    reset_ram(RAM);
    img_size = synth_kludge(img);
    struct guest_mem bad = mem;
    bad.write = refuse_write;
    struct mb1_request req = request("k", "", 0);
    CHECK(!mb1_load(&req, &bad, &boot, why, sizeof(why)));
    CHECK(strstr(why, "guest memory refused a write of 0x1000 bytes at 0x100000") != NULL);
    /* The buffer adapter refuses ranges outside itself. */
    u8 b = 0;
    CHECK(!mem.write(mem.ctx, RAM, &b, 1));
    CHECK(!mem.write(mem.ctx, RAM - 1, &b, 2));
    CHECK(!mem.write(mem.ctx, 1, &b, ~0ull));
    CHECK(!mem.zero(mem.ctx, ~0ull, 2));
    CHECK(mem.write(mem.ctx, RAM - 1, &b, 1));
    CHECK(mem.zero(mem.ctx, RAM, 0));
}

/* The smallest and the largest RAM: mem_upper and the map follow it. */
static void test_ram_sizes(void)
{
    img_size = synth_kludge(img);
    struct mb1_request req = request("k", "", 0);
    reset_ram(MB1_RAM_MIN);
    CHECK(load(&req));
    CHECK_EQ_U64(rd32(MB1_INFO_ADDR + 8), 1024);
    CHECK_EQ_U64(rd64(MB1_MMAP_ADDR + 48 + 12), MB1_RAM_MIN - 0x100000);
    /* 3 GiB without 3 GiB of host memory: a guest_mem that only checks. */
    struct mb1_plan plan;
    struct mb1_layout layout;
    const struct mb1_why w = {why, sizeof(why)};
    CHECK(mb1_plan(img, img_size, MB1_RAM_MAX, &plan, &w));
    CHECK(mb1_layout(&req, &plan, MB1_RAM_MAX, &layout, &w));
    struct mb1_mmap_range map[MB1_MMAP_ENTRIES];
    mb1_memory_map(MB1_RAM_MAX, map);
    CHECK_EQ_U64(map[2].base + map[2].length, MB1_RAM_MAX);
}

int main(void)
{
    test_kludge_with_modules();
    test_command_lines();
    test_elf_images();
    test_vcpu_state();
    test_refusals();
    test_memory_refuses();
    test_ram_sizes();
    free(ram);
    return check_report("vmm_load");
}
