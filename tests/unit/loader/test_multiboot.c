/* Parsing synthetic multiboot1 and multiboot2 information blocks
 * (loader/boot/multiboot.c) placed in a fake physical window. */
#include "check.h"
#include "multiboot.h"
#include <string.h>

#define WIN_BASE 0x10000ull
static u8 win[0x20000];

static const void *view_map(void *ctx, u64 phys, u64 size)
{
    (void)ctx;
    if (phys < WIN_BASE || phys - WIN_BASE > sizeof(win) || size > sizeof(win) - (phys - WIN_BASE))
        return NULL;
    return win + (phys - WIN_BASE);
}
static const struct phys_view view = {.map = view_map};

static void put32(u64 phys, u32 v)
{
    memcpy(win + (phys - WIN_BASE), &v, 4);
}
static void put64(u64 phys, u64 v)
{
    memcpy(win + (phys - WIN_BASE), &v, 8);
}
static void putstr(u64 phys, const char *s)
{
    memcpy(win + (phys - WIN_BASE), s, strlen(s) + 1);
}

static struct boot_input in;
static struct boot_error err;

static bool parse(u32 magic, u64 info)
{
    bool ok = multiboot_parse(magic, info, &view, &in, &err);
    if (!ok)
        fprintf(stderr, "  (parse failed: %s)\n", err.msg);
    return ok;
}

/* An mb1 block with a 3-entry memory map and three modules. */
static void build_mb1(u32 mod_count, u32 mmap_entries, u32 entry_size)
{
    memset(win, 0, sizeof(win));
    put32(0x10000, (1u << 0) | (1u << 2) | (1u << 3) | (1u << 6));
    put32(0x10004, 639);
    put32(0x10008, 1024);
    put32(0x10010, 0x11000);
    putstr(0x11000, "/boot/loader.elf  debug=1 ");
    put32(0x10014, mod_count);
    put32(0x10018, 0x12000);
    static const char *const names[] = {"/tmp/k.elf kernel", "/tmp/i.elf init a b",
                                        "/tmp/system.dtb"};
    for (u32 i = 0; i < mod_count; i++) {
        put32(0x12000 + i * 16, 0x200000 + i * 0x10000);
        put32(0x12000 + i * 16 + 4, 0x200000 + i * 0x10000 + 0x1234 + i);
        put32(0x12000 + i * 16 + 8, 0x11100 + (i % 3) * 0x40);
        putstr(0x11100 + (i % 3) * 0x40, names[i % 3]);
    }
    put32(0x1002c, mmap_entries * (entry_size + 4));
    put32(0x10030, 0x14000);
    for (u32 i = 0; i < mmap_entries; i++) {
        u64 at = 0x14000 + i * (entry_size + 4);
        put32(at, entry_size);
        put64(at + 4, i == 0 ? 0 : i == 1 ? 0x100000 : 0xfffc0000 + i * 0x1000);
        put64(at + 12, i == 0 ? 0x9fc00 : i == 1 ? 0xff00000 : 0x1000);
        put32(at + 20, i < 2 ? 1 : 2);
    }
}

static void test_mb1(void)
{
    build_mb1(3, 3, 20);
    CHECK(parse(MB1_BOOT_MAGIC, 0x10000));
    CHECK_EQ_U64(in.protocol, VIREO_BOOT_MULTIBOOT1);
    CHECK(strcmp(in.cmdline, "debug=1") == 0);
    CHECK_EQ_U64(in.mem_count, 3);
    CHECK_EQ_U64(in.mem[1].base, 0x100000);
    CHECK_EQ_U64(in.mem[1].size, 0xff00000);
    CHECK_EQ_U64(in.mem[1].type, 1);
    CHECK_EQ_U64(in.mem[2].base, 0xfffc2000);
    CHECK_EQ_U64(in.mem[2].type, 2);
    CHECK_EQ_U64(in.module_count, 3);
    CHECK(strcmp(in.modules[0].name, "kernel") == 0);
    CHECK(strcmp(in.modules[1].name, "init") == 0 && strcmp(in.modules[1].args, "a b") == 0);
    CHECK(strcmp(in.modules[2].name, "system.dtb") == 0);
    CHECK_EQ_U64(in.modules[1].phys, 0x210000);
    CHECK_EQ_U64(in.modules[1].size, 0x1235);
    CHECK_EQ_U64(in.info_phys, 0x10000);
    CHECK_EQ_U64(in.rsdp_size, 0);

    /* Bigger map entries (size 24) are stepped over by their size field. */
    build_mb1(3, 3, 24);
    CHECK(parse(MB1_BOOT_MAGIC, 0x10000));
    CHECK_EQ_U64(in.mem_count, 3);
    CHECK_EQ_U64(in.mem[2].base, 0xfffc2000);

    /* No map: mem_lower / mem_upper. */
    build_mb1(0, 0, 20);
    put32(0x10000, 1u << 0);
    CHECK(parse(MB1_BOOT_MAGIC, 0x10000));
    CHECK_EQ_U64(in.mem_count, 2);
    CHECK_EQ_U64(in.mem[0].size, 639 * 1024);
    CHECK_EQ_U64(in.mem[1].base, 0x100000);
    CHECK_EQ_U64(in.mem[1].size, 1024 * 1024);
    CHECK_EQ_U64(in.module_count, 0);

    /* Errors. */
    build_mb1(33, 3, 20);
    CHECK(!multiboot_parse(MB1_BOOT_MAGIC, 0x10000, &view, &in, &err));
    CHECK(strstr(err.msg, "33 boot modules") != NULL);
    build_mb1(3, 129, 20);
    CHECK(!multiboot_parse(MB1_BOOT_MAGIC, 0x10000, &view, &in, &err));
    CHECK(strstr(err.msg, "more than 128") != NULL);
    build_mb1(3, 3, 20);
    put32(0x14000, 4);
    CHECK(!multiboot_parse(MB1_BOOT_MAGIC, 0x10000, &view, &in, &err));
    build_mb1(3, 3, 20);
    put32(0x10030, 0x7ff00000); /* map not readable */
    CHECK(!multiboot_parse(MB1_BOOT_MAGIC, 0x10000, &view, &in, &err));
    CHECK(strstr(err.msg, "not readable") != NULL);
    build_mb1(3, 3, 20);
    put32(0x12000 + 4, 0x100); /* module ends before it starts */
    CHECK(!multiboot_parse(MB1_BOOT_MAGIC, 0x10000, &view, &in, &err));
    build_mb1(3, 3, 20);
    putstr(0x11100, "/tmp/k.elf "); /* path only: basename */
    CHECK(parse(MB1_BOOT_MAGIC, 0x10000) && strcmp(in.modules[0].name, "k.elf") == 0);
    CHECK(!multiboot_parse(MB1_BOOT_MAGIC, 0x5000, &view, &in, &err));
    CHECK(!multiboot_parse(0x12345678, 0x10000, &view, &in, &err));
    CHECK(strstr(err.msg, "0x12345678") != NULL);
    CHECK_EQ_U64(err.status, 3);
    build_mb1(3, 3, 20);
    put32(0x10000, 0); /* no memory information at all */
    CHECK(!multiboot_parse(MB1_BOOT_MAGIC, 0x10000, &view, &in, &err));
}

/* ---- multiboot2 ---- */

static u64 mb2_at;

static void mb2_begin(void)
{
    memset(win, 0, sizeof(win));
    mb2_at = 0x10008;
}
static u64 mb2_tag(u32 type, u32 size)
{
    u64 tag = mb2_at;
    put32(tag, type);
    put32(tag + 4, size);
    mb2_at += (size + 7) & ~7u;
    return tag;
}
static void mb2_end(void)
{
    mb2_tag(0, 8);
    put32(0x10000, (u32)(mb2_at - 0x10000));
}
static void mb2_module(u32 start, u32 end, const char *s)
{
    u64 t = mb2_tag(3, 16 + (u32)strlen(s) + 1);
    put32(t + 8, start);
    put32(t + 12, end);
    putstr(t + 16, s);
}
static void mb2_mmap(u32 entries, u32 entry_size)
{
    u64 t = mb2_tag(6, 16 + entries * entry_size);
    put32(t + 8, entry_size);
    for (u32 i = 0; i < entries; i++) {
        put64(t + 16 + i * entry_size, 0x100000ull * i);
        put64(t + 24 + i * entry_size, 0x80000);
        put32(t + 32 + i * entry_size, i % 2 ? 2 : 1);
    }
}

static void test_mb2(void)
{
    mb2_begin();
    putstr(mb2_tag(1, 8 + 13) + 8, "console=ttyS");
    mb2_module(0x300000, 0x301000, "kernel");
    mb2_module(0x302000, 0x302010, "init  x=1 ");
    mb2_module(0x303000, 0x303100, "system.dtb");
    u64 b = mb2_tag(4, 16);
    put32(b + 8, 639);
    put32(b + 12, 9999);
    mb2_mmap(4, 24);
    u64 acpi = mb2_tag(14, 8 + 20);
    putstr(acpi + 8, "RSD PTR old");
    acpi = mb2_tag(15, 8 + 36);
    putstr(acpi + 8, "RSD PTR new");
    mb2_tag(21, 12); /* an unknown tag is skipped */
    mb2_end();
    CHECK(parse(MB2_BOOT_MAGIC, 0x10000));
    CHECK_EQ_U64(in.protocol, VIREO_BOOT_MULTIBOOT2);
    CHECK(strcmp(in.cmdline, "console=ttyS") == 0);
    CHECK_EQ_U64(in.module_count, 3);
    CHECK(strcmp(in.modules[1].name, "init") == 0 && strcmp(in.modules[1].args, "x=1") == 0);
    CHECK_EQ_U64(in.modules[2].phys, 0x303000);
    CHECK_EQ_U64(in.modules[2].size, 0x100);
    CHECK_EQ_U64(in.mem_count, 4); /* the map wins over basic memory info */
    CHECK_EQ_U64(in.mem[3].base, 0x300000);
    CHECK_EQ_U64(in.mem[3].type, 2);
    CHECK_EQ_U64(in.rsdp_size, 36);
    CHECK(memcmp(in.rsdp, "RSD PTR new", 11) == 0);
    CHECK_EQ_U64(in.info_size, mb2_at - 0x10000);

    /* Basic memory info only. */
    mb2_begin();
    b = mb2_tag(4, 16);
    put32(b + 8, 600);
    put32(b + 12, 2048);
    mb2_end();
    CHECK(parse(MB2_BOOT_MAGIC, 0x10000));
    CHECK_EQ_U64(in.mem_count, 2);
    CHECK_EQ_U64(in.mem[1].size, 2048 * 1024);

    /* Bigger map entries. */
    mb2_begin();
    mb2_mmap(3, 32);
    mb2_end();
    CHECK(parse(MB2_BOOT_MAGIC, 0x10000));
    CHECK_EQ_U64(in.mem_count, 3);
    CHECK_EQ_U64(in.mem[2].base, 0x200000);

    /* Errors: no end tag, tag past the end, too many modules, bad entries. */
    mb2_begin();
    mb2_mmap(3, 24);
    put32(0x10000, (u32)(mb2_at - 0x10000));
    CHECK(!multiboot_parse(MB2_BOOT_MAGIC, 0x10000, &view, &in, &err));
    CHECK(strstr(err.msg, "no end tag") != NULL);

    mb2_begin();
    mb2_mmap(3, 24);
    mb2_end();
    put32(0x10008 + 4, 0x5000);
    CHECK(!multiboot_parse(MB2_BOOT_MAGIC, 0x10000, &view, &in, &err));
    CHECK(strstr(err.msg, "bad size") != NULL);

    mb2_begin();
    mb2_mmap(3, 24);
    for (int i = 0; i < 33; i++)
        mb2_module(0x300000 + i * 0x1000, 0x300100 + i * 0x1000, "m");
    mb2_end();
    CHECK(!multiboot_parse(MB2_BOOT_MAGIC, 0x10000, &view, &in, &err));
    CHECK(strstr(err.msg, "more than 32 boot modules") != NULL);

    mb2_begin();
    mb2_mmap(3, 16);
    mb2_end();
    CHECK(!multiboot_parse(MB2_BOOT_MAGIC, 0x10000, &view, &in, &err));

    mb2_begin();
    mb2_mmap(129, 24);
    mb2_end();
    CHECK(!multiboot_parse(MB2_BOOT_MAGIC, 0x10000, &view, &in, &err));
    CHECK(strstr(err.msg, "more than 128") != NULL);

    mb2_begin();
    mb2_end();
    CHECK(!multiboot_parse(MB2_BOOT_MAGIC, 0x10000, &view, &in, &err));
    CHECK(strstr(err.msg, "no memory information") != NULL);

    mb2_begin();
    mb2_mmap(1, 24);
    mb2_end();
    put32(0x10000, 0x7fffffff); /* total size beyond the readable window */
    CHECK(!multiboot_parse(MB2_BOOT_MAGIC, 0x10000, &view, &in, &err));
}

int main(void)
{
    test_mb1();
    test_mb2();
    return check_report("loader_multiboot");
}
