/* The load plan (servers/vmm/mb1_plan.c): the a.out kludge, ELF-32 and
 * ELF-64 images at their physical addresses, and one malformation at a
 * time; then truncations and pseudo-random mutations, each parsed from a
 * heap block exactly the image's size. */
#include "check.h"
#include "mb1_memory.h"
#include "mb1_plan.h"
#include "multiboot1.h"
#include "synth.h"
#include <stdlib.h>
#include <string.h>

#define RAM (128ull << 20)

static u8 img[SYNTH_MAX] __attribute__((aligned(8)));
static u64 img_size;
static struct mb1_plan plan;
static char why[256];

static bool plan_zero(void)
{
    static const struct mb1_plan zero;
    return memcmp(&plan, &zero, sizeof(plan)) == 0;
}

static bool plan_exact(u64 size, u64 ram)
{
    u8 *copy = malloc(size ? size : 1);
    memcpy(copy, img, size);
    memset(why, 'x', sizeof(why));
    const struct mb1_why w = {why, sizeof(why)};
    bool ok = mb1_plan(copy, size, ram, &plan, &w);
    free(copy);
    CHECK(memchr(why, '\0', sizeof(why)) != NULL);
    if (!ok)
        CHECK(plan_zero());
    return ok;
}

#define REJECTS_AT(size, ram, needle)                                                              \
    do {                                                                                           \
        CHECK(!plan_exact(size, ram));                                                             \
        if (!strstr(why, needle)) {                                                                \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: reason \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, why,        \
                    needle);                                                                       \
        }                                                                                          \
    } while (0)
#define REJECTS(needle) REJECTS_AT(img_size, RAM, needle)

static void kludge(u32 load_end, u32 bss_end, u32 entry)
{
    img_size = synth_kludge(img);
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0x100040, 0x100000, load_end, bss_end, entry);
}

static void test_kludge(void)
{
    img_size = synth_kludge(img);
    CHECK(plan_exact(img_size, RAM));
    CHECK_EQ_U64(plan.format, MB1_FORMAT_AOUT_KLUDGE);
    CHECK_EQ_U64(plan.entry, 0x100080);
    CHECK_EQ_U64(plan.range_count, 1);
    CHECK_EQ_U64(plan.ranges[0].gpa, 0x100000);
    CHECK_EQ_U64(plan.ranges[0].offset, 0);
    CHECK_EQ_U64(plan.ranges[0].filesz, 0x1000);
    CHECK_EQ_U64(plan.ranges[0].memsz, 0x3000); /* bss to 0x103000 */
    CHECK_EQ_U64(plan.low, 0x100000);
    CHECK_EQ_U64(plan.high, 0x103000);
    CHECK_EQ_U64(plan.header.offset, 0x40);

    /* load_end_addr 0: the rest of the file; bss_end_addr 0: no bss. */
    kludge(0, 0, 0x100080);
    CHECK(plan_exact(img_size, RAM));
    CHECK_EQ_U64(plan.ranges[0].filesz, 0x1000);
    CHECK_EQ_U64(plan.ranges[0].memsz, 0x1000);
    kludge(0, 0x104000, 0x100080);
    CHECK(plan_exact(img_size, RAM));
    CHECK_EQ_U64(plan.ranges[0].memsz, 0x4000);

    /* The file starts before load_addr: header at 0x40 is 0x100020 in
     * memory, so load_addr 0x100000 is file offset 0x20. */
    img_size = synth_kludge(img);
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0x100020, 0x100000, 0x100800, 0x102000, 0x100100);
    CHECK(plan_exact(img_size, RAM));
    CHECK_EQ_U64(plan.ranges[0].offset, 0x20);
    CHECK_EQ_U64(plan.ranges[0].filesz, 0x800);
    CHECK_EQ_U64(plan.ranges[0].memsz, 0x2000);

    /* Below 1 MiB is allowed where it is RAM and not the boot page. */
    img_size = synth_kludge(img);
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0x10040, 0x10000, 0x11000, 0x12000, 0x10080);
    CHECK(plan_exact(img_size, RAM));
    CHECK_EQ_U64(plan.ranges[0].gpa, 0x10000);
}

static void test_kludge_rejects(void)
{
    img_size = synth_kludge(img);
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0x0fffff, 0x100000, 0x101000, 0x103000, 0x100080);
    REJECTS("header_addr 0xfffff is below load_addr 0x100000");
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0x100080, 0x100000, 0x101000, 0x103000, 0x100080);
    REJECTS("load_addr 0x100000 is 0x80 bytes before header_addr 0x100080, but the header is at "
            "file offset 0x40");
    kludge(0x0ff000, 0x103000, 0x100080);
    REJECTS("load_end_addr 0xff000 is below load_addr 0x100000");
    kludge(0x101001, 0x103000, 0x100080);
    REJECTS("file truncated: 0x1001 bytes to load from offset 0x0, the file has 4096 bytes");
    kludge(0x101000, 0x100fff, 0x100080);
    REJECTS("bss_end_addr 0x100fff is below the loaded end 0x101000");
    kludge(0x101000, 0x103000, 0x101000);
    REJECTS("entry_addr 0x101000 is outside the loaded bytes [0x100000, 0x101000)");
    kludge(0x101000, 0x103000, 0xfffff);
    REJECTS("entry_addr 0xfffff is outside");
    kludge(0x100000, 0, 0x100000);
    REJECTS("nothing to load");

    /* Placement: outside RAM, the reserved hole, the boot page. */
    kludge(0x101000, 0x201000, 0x100080);
    REJECTS_AT(img_size, MB1_RAM_MIN, "image at 0x100000 (0x101000 bytes) lies outside guest RAM");
    CHECK(plan_exact(img_size, MB1_RAM_MIN + 0x1000));
    kludge(0x101000, 0xfffff000, 0x100080);
    REJECTS("image at 0x100000 (0xffeff000 bytes) lies outside guest RAM (0x8000000 bytes)");
    img_size = synth_kludge(img);
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0x9f040, 0x9f000, 0xa0000, 0, 0x9f080);
    REJECTS("image at 0x9f000 (0x1000 bytes) overlaps the reserved area [0x9fc00, 0x100000)");
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0x8040, 0x8000, 0x9000, 0x9001, 0x8080);
    REJECTS("image at 0x8000 (0x1001 bytes) overlaps the boot information page [0x9000, 0xa000)");
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0x8040, 0x8000, 0x9000, 0, 0x8080);
    CHECK(plan_exact(img_size, RAM));
    /* Near 4 GiB: the sums are 64-bit, nothing wraps. */
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0xfffff040, 0xfffff000, 0, 0, 0xfffff080);
    REJECTS("image at 0xfffff000 (0x1000 bytes) lies outside guest RAM");
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0xfffff040, 0xfffff000, 0, 0xffffffff, 0xfffff080);
    REJECTS("bss_end_addr 0xffffffff is below the loaded end 0x100000000");
}

static void check_elf_plan(u32 format)
{
    CHECK(plan_exact(img_size, RAM));
    CHECK_EQ_U64(plan.format, format);
    CHECK_EQ_U64(plan.entry, 0x100010); /* e_entry moved from p_vaddr to p_paddr */
    CHECK_EQ_U64(plan.range_count, 2);
    CHECK_EQ_U64(plan.ranges[0].gpa, 0x100000);
    CHECK_EQ_U64(plan.ranges[0].offset, 0x1000);
    CHECK_EQ_U64(plan.ranges[0].filesz, 0x800);
    CHECK_EQ_U64(plan.ranges[0].memsz, 0x800);
    CHECK_EQ_U64(plan.ranges[1].gpa, 0x102000);
    CHECK_EQ_U64(plan.ranges[1].offset, 0x2000);
    CHECK_EQ_U64(plan.ranges[1].filesz, 0x100);
    CHECK_EQ_U64(plan.ranges[1].memsz, 0x3000);
    CHECK_EQ_U64(plan.low, 0x100000);
    CHECK_EQ_U64(plan.high, 0x105000);
    CHECK_EQ_U64(plan.header.offset, 0x1000);
}

static void test_elf32(void)
{
    img_size = synth_elf32(img);
    check_elf_plan(MB1_FORMAT_ELF32);
    /* Linked where it loads: e_entry as it is. */
    synth_phdr32(img, 0)->p_vaddr = 0x100000;
    ((struct elf32_ehdr *)img)->e_entry = 0x100020;
    CHECK(plan_exact(img_size, RAM));
    CHECK_EQ_U64(plan.entry, 0x100020);

    img_size = synth_elf32(img);
    synth_phdr32(img, 1)->p_paddr = 0x100400;
    REJECTS("segment 1 at 0x100400 (0x3000 bytes) overlaps the segment at 0x100000");
    img_size = synth_elf32(img);
    synth_phdr32(img, 1)->p_paddr = RAM - 0x1000;
    REJECTS("segment 1: 0x7fff000+0x3000 is outside the guest RAM [0x0, 0x8000000)");
    img_size = synth_elf32(img);
    synth_phdr32(img, 1)->p_paddr = 0x9e000;
    REJECTS("segment 1 at 0x9e000 (0x3000 bytes) overlaps the reserved area");
    img_size = synth_elf32(img);
    synth_phdr32(img, 0)->p_paddr = 0x9800;
    REJECTS("segment 0 at 0x9800 (0x800 bytes) overlaps the boot information page");
    img_size = synth_elf32(img);
    synth_phdr32(img, 1)->p_memsz = 0xffffffff;
    REJECTS("is outside the guest RAM");
    img_size = synth_elf32(img);
    synth_phdr32(img, 1)->p_filesz = 0x1001;
    synth_phdr32(img, 1)->p_memsz = 0x1001;
    REJECTS("segment 1: file bytes at offset 0x2000 (0x1001 bytes) lie outside the file");
    img_size = synth_elf32(img);
    ((struct elf32_ehdr *)img)->e_machine = EM_X86_64;
    REJECTS("ELF machine 62, expected i386 (3)");
    img_size = synth_elf32(img);
    ((struct elf32_ehdr *)img)->e_entry = 0xc0102010; /* in data, not executable */
    REJECTS("entry point 0xc0102010 is not inside an executable segment");
}

static void test_elf64(void)
{
    img_size = synth_elf64(img);
    check_elf_plan(MB1_FORMAT_ELF64);
    synth_phdr64(img, 0)->p_paddr = 0x1ffffffff000ull;
    REJECTS("segment 0: 0x1ffffffff000+0x800 is outside the guest RAM");
    img_size = synth_elf64(img);
    ((struct elf64_ehdr *)img)->e_machine = EM_386;
    REJECTS("ELF machine 3, expected x86-64 (62)");
    img_size = synth_elf64(img);
    synth_phdr64(img, 0)->p_filesz = ~0ull;
    REJECTS("file size 0xffffffffffffffff exceeds memory size");
}

static void test_not_elf(void)
{
    memset(img, 0, sizeof(img));
    synth_header(img, 0x10, MB1_HF_MEMORY_INFO, 0, 0, 0, 0, 0);
    img_size = 0x1000;
    REJECTS("multiboot header without the a.out kludge, so an ELF image is needed: not an ELF "
            "file (bad magic)");
    img_size = synth_elf32(img);
    img[EI_CLASS] = 3;
    REJECTS("ELF class 3, expected 32-bit (1) or 64-bit (2)");
    img_size = synth_elf32(img);
    REJECTS_AT(0x1010, RAM, "lie outside the file"); /* header inside, segment 1 cut off */
    REJECTS_AT(0x40, RAM, "no multiboot header");
}

static void test_ram_sizes(void)
{
    img_size = synth_kludge(img);
    REJECTS_AT(img_size, 0, "RAM size 0x0 outside");
    REJECTS_AT(img_size, MB1_RAM_MAX + 0x1000, "outside [0x200000, 0xc0000000]");
    REJECTS_AT(img_size, RAM + 1, "not a whole number of pages");
    CHECK(plan_exact(img_size, MB1_RAM_MAX));
    CHECK(plan_exact(img_size, MB1_RAM_MIN));
}

/* Every truncation of each image is refused or planned, never read past. */
static void test_truncations(void)
{
    u64 (*build[])(u8 *) = {synth_kludge, synth_elf32, synth_elf64};
    for (unsigned b = 0; b < 3; b++) {
        u64 full = build[b](img);
        unsigned accepted = 0;
        for (u64 n = 0; n <= full; n++)
            accepted += plan_exact(n, RAM);
        CHECK(accepted >= 1); /* at least the whole file */
    }
}

/* Random bytes over the headers of each image, and random sizes. */
static void test_mutations(void)
{
    u64 (*build[])(u8 *) = {synth_kludge, synth_elf32, synth_elf64};
    srand(1234);
    unsigned accepted = 0, rejected = 0;
    for (unsigned i = 0; i < 30000; i++) {
        u64 full = build[i % 3](img);
        unsigned flips = 1 + rand() % 6;
        for (unsigned f = 0; f < flips; f++) {
            u32 at = rand() % 2 ? rand() % 0x100 : 0x1000 + rand() % 48;
            if (i % 3 == 0)
                at = 0x40 + rand() % 32;
            img[at] = rand() % 4 ? (u8)rand() : 0xff;
        }
        u64 n = rand() % 8 ? full : (u64)rand() % (full + 1);
        u64 ram = rand() % 4 ? RAM : (u64)(rand() % 0x1000) << 20;
        if (plan_exact(n, ram)) {
            accepted++;
            for (u32 r = 0; r < plan.range_count; r++) {
                CHECK(plan.ranges[r].offset + plan.ranges[r].filesz <= n);
                CHECK(plan.ranges[r].filesz <= plan.ranges[r].memsz);
                CHECK(plan.ranges[r].gpa + plan.ranges[r].memsz <= ram);
            }
        } else {
            rejected++;
            CHECK(why[0] != '\0');
        }
    }
    printf("mutations: %u accepted, %u rejected\n", accepted, rejected);
    CHECK(accepted > 0 && rejected > 0);
}

int main(void)
{
    test_kludge();
    test_kludge_rejects();
    test_elf32();
    test_elf64();
    test_not_elf();
    test_ram_sizes();
    test_truncations();
    test_mutations();
    return check_report("vmm_plan");
}
