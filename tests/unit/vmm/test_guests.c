/* The real test guests (tests/guest/, built by CMake) through the whole
 * multiboot load: arguments NAME=PATH. Each is a 64-bit ELF with the a.out
 * kludge, so the kludge must win over its program headers; the plan is
 * checked against the ELF's own PT_LOAD and entry, the loaded bytes against
 * the file, and the boot information against what the guests themselves
 * check (tests/guest/hello: mem_lower, mem_upper, the map, the command
 * line). */
#include "check.h"
#include "mb1_boot.h"
#include "mb1_cpu.h"
#include "mb1_memory.h"
#include "multiboot1.h"
#include <vireo/elf64.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM (128ull << 20) /* as tools/run-bare gives them */

static u8 *read_file(const char *path, u64 *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    u8 *data = malloc(n > 0 ? (size_t)n : 1);
    if (n <= 0 || fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *size = (u64)n;
    return data;
}

static u32 rd32(const u8 *ram, u64 gpa)
{
    u32 v;
    memcpy(&v, ram + gpa, 4);
    return v;
}
static u64 rd64(const u8 *ram, u64 gpa)
{
    u64 v;
    memcpy(&v, ram + gpa, 8);
    return v;
}

/* The plan against the ELF view of the same file. */
static void check_plan(const char *name, const u8 *file, u64 size, const struct mb1_plan *p)
{
    static const struct elf64_rules rules = {.low = 0, .high = ~0ull, .load_by_paddr = true};
    struct elf64_image elf;
    char why[200];
    CHECK(elf64_parse(file, size, &rules, &elf, why, sizeof(why)));
    CHECK_EQ_U64(elf.elf_class, ELFCLASS64);
    CHECK_EQ_U64(elf.segment_count, 1);

    const struct mb1_header *h = &p->header;
    CHECK_EQ_U64(p->format, MB1_FORMAT_AOUT_KLUDGE);
    CHECK_EQ_U64(h->flags, MB1_HF_AOUT_KLUDGE | MB1_HF_MEMORY_INFO);
    CHECK(h->offset < MB1_HEADER_SEARCH && h->offset % 4 == 0);
    CHECK_EQ_U64(h->header_addr, 0x100000); /* the header opens .text at 1 MiB */
    CHECK_EQ_U64(h->load_addr, 0x100000);
    CHECK_EQ_U64(p->entry, elf.entry);
    CHECK_EQ_U64(p->entry, h->entry_addr);
    CHECK_EQ_U64(p->range_count, 1);
    const struct mb1_range *r = &p->ranges[0];
    CHECK_EQ_U64(r->gpa, elf.segments[0].vaddr); /* p_paddr */
    CHECK_EQ_U64(r->offset, elf.segments[0].offset);
    CHECK_EQ_U64(r->offset, h->offset);
    CHECK_EQ_U64(r->filesz, h->load_end_addr - h->load_addr);
    CHECK_EQ_U64(r->filesz, elf.segments[0].filesz);
    CHECK_EQ_U64(r->memsz, h->bss_end_addr - h->load_addr);
    CHECK(r->memsz >= elf.segments[0].memsz && r->memsz - elf.segments[0].memsz < 0x1000);
    CHECK_EQ_U64(r->memsz % 0x1000, 0); /* __image_end is page-aligned */
    CHECK(r->memsz > r->filesz);        /* every guest has a bss (stacks, page tables) */
    printf("%s: header at 0x%x, entry 0x%x, 0x%llx file bytes + 0x%llx bss at 0x%llx\n", name,
           h->offset, p->entry, (unsigned long long)r->filesz,
           (unsigned long long)(r->memsz - r->filesz), (unsigned long long)r->gpa);
}

/* What tests/guest/hello checks, on the loaded memory. */
static void check_info(const u8 *ram, const struct mb1_boot *b, const char *path)
{
    u64 info = b->ebx;
    u32 flags = rd32(ram, info);
    CHECK(flags & MB1_INFO_MEMORY);
    u32 lower = rd32(ram, info + 4), upper = rd32(ram, info + 8);
    CHECK(lower >= 512 && lower <= 640);
    CHECK_EQ_U64(upper, (RAM >> 10) - 1024);
    CHECK(flags & MB1_INFO_MEM_MAP);
    u64 start = b->plan.low, end = b->plan.high, usable = 0;
    bool holds_image = false, holds_info = false;
    unsigned n = 0;
    u32 length = rd32(ram, info + 44), addr = rd32(ram, info + 48);
    for (u32 off = 0; off + 4 <= length && n < 64; n++) {
        u64 e = addr + off;
        u64 base = rd64(ram, e + 4), len = rd64(ram, e + 12);
        if (rd32(ram, e + 20) == MB1_MMAP_AVAILABLE) {
            usable += len;
            holds_image |= base <= start && base + len >= end;
            holds_info |= base <= info && base + len >= info + sizeof(struct mb1_info);
        }
        off += rd32(ram, e) + 4;
    }
    CHECK_EQ_U64(n, 3);
    CHECK(holds_image);
    CHECK(holds_info);
    CHECK(usable / 1024 >= upper);
    CHECK(flags & MB1_INFO_CMDLINE);
    const char *cmdline = (const char *)ram + rd32(ram, info + 16);
    char want[4200];
    snprintf(want, sizeof(want), "%s hello=world strict", path);
    CHECK(strcmp(cmdline, want) == 0);
    for (const char *c = cmdline; *c; c++)
        CHECK(*c >= 0x20 && *c < 0x7f);
    CHECK(strcmp((const char *)ram + rd32(ram, info + 64), "vireo") == 0);
}

static void check_guest(const char *name, const char *path)
{
    u64 size;
    u8 *file = read_file(path, &size);
    CHECK(file != NULL);
    if (!file) {
        fprintf(stderr, "%s: cannot read %s\n", name, path);
        return;
    }
    u8 *ram = calloc(1, RAM);
    struct guest_buffer buf = {ram, RAM};
    struct guest_mem mem;
    guest_mem_from_buffer(&mem, &buf);
    static const char module[] = "a module";
    const struct mb1_module mods[] = {{module, sizeof(module), "mod.bin x=1"}};
    const struct mb1_request req = {
        .image = file,
        .image_size = size,
        .image_name = path,
        .cmdline = "hello=world strict",
        .modules = mods,
        .module_count = 1,
    };
    struct mb1_boot boot;
    char why[256];
    bool ok = mb1_load(&req, &mem, &boot, why, sizeof(why));
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s: %s\n", name, why);
    } else {
        check_plan(name, file, size, &boot.plan);
        const struct mb1_range *r = &boot.plan.ranges[0];
        CHECK(memcmp(ram + r->gpa, file + r->offset, r->filesz) == 0);
        CHECK_EQ_U64(rd32(ram, r->gpa), MB1_HEADER_MAGIC);
        bool bss_zero = true;
        for (u64 i = r->filesz; i < r->memsz; i++)
            bss_zero &= ram[r->gpa + i] == 0;
        CHECK(bss_zero);
        check_info(ram, &boot, path);
        /* The module after the image's page-aligned end. */
        u64 mods_addr = rd32(ram, boot.ebx + 24);
        CHECK_EQ_U64(mods_addr, boot.plan.high);
        CHECK_EQ_U64(rd32(ram, boot.ebx + 20), 1);
        u32 mod_start = rd32(ram, mods_addr), mod_end = rd32(ram, mods_addr + 4);
        CHECK_EQ_U64(mod_start % 0x1000, 0);
        CHECK(mod_start >= boot.layout.area_end);
        CHECK_EQ_U64(mod_end - mod_start, sizeof(module));
        CHECK(memcmp(ram + mod_start, module, sizeof(module)) == 0);
        CHECK(strcmp((char *)ram + rd32(ram, mods_addr + 8), "mod.bin x=1") == 0);
        /* Below 1 MiB only the boot page is written: realmode's 0x2000-0x7000
         * and its IVT stay the guest's. */
        bool low_clear = true;
        for (u64 i = 0; i < 0x9000; i++)
            low_clear &= ram[i] == 0;
        CHECK(low_clear);
        struct vireo_vcpu_state s;
        memset(&s, 0, sizeof(s));
        mb1_vcpu_start(&boot, &s);
        CHECK_EQ_U64(s.rip, r->gpa + 0x20); /* rt_entry32 follows the 32-byte header */
        CHECK_EQ_U64(s.rax, MB1_BOOT_MAGIC);
        CHECK_EQ_U64(s.rbx, MB1_INFO_ADDR);
    }
    free(ram);
    free(file);
}

int main(int argc, char **argv)
{
    CHECK(argc > 1);
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        CHECK(eq != NULL);
        if (!eq)
            continue;
        *eq = '\0';
        check_guest(argv[i], eq + 1);
    }
    return check_report("vmm_guests");
}
