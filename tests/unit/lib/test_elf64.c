/* The ELF-64 image check (lib/elf64.c) under the rule sets its users pass:
 * init's (kernel/init_task.c), the kernel's (loader/boot/kernel_elf.c) and
 * a loose one (shared pages and W+X allowed). One good image at a time,
 * then one malformation at a time; then truncations, overflowing header
 * fields and pseudo-random mutations, each parsed from a buffer exactly as
 * large as the image claims to be. */
#include "check.h"
#include <vireo/boot_info.h>
#include <vireo/elf64.h>
#include <vireo/init_info.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE VIREO_KERNEL_VIRT_BASE
#define SPAN (1ull << 30) /* the loader's KERNEL_MAX_SPAN */

static const struct elf64_rules user_rules = {
    .low = 0x1000,
    .high = VIREO_INIT_DTB_ADDR,
    .range_name = "user range",
    .separate_pages = true,
    .forbid_wx = true,
};
static const struct elf64_rules kernel_rules = {
    .low = BASE,
    .high = BASE + SPAN,
    .range_name = "kernel range",
    .separate_pages = true,
    .forbid_wx = true,
};
static const struct elf64_rules loose_rules = {
    .low = 0x1000,
    .high = VIREO_INIT_DTB_ADDR,
    .separate_pages = false,
    .forbid_wx = false,
};

static u8 image[0x4000];
static u64 image_size;
static const struct elf64_rules *rules;
static void (*rebuild)(void);
static struct elf64_image out;
static char why[256];

static struct elf64_ehdr *eh(void)
{
    return (struct elf64_ehdr *)image;
}
static struct elf64_phdr *ph(int i)
{
    return (struct elf64_phdr *)(image + 64 + 56 * i);
}

static void header(u16 phnum, u64 entry)
{
    memset(image, 0, sizeof(image));
    memcpy(eh()->e_ident, "\177ELF", 4);
    eh()->e_ident[EI_CLASS] = ELFCLASS64;
    eh()->e_ident[EI_DATA] = ELFDATA2LSB;
    eh()->e_ident[EI_VERSION] = EV_CURRENT;
    eh()->e_type = ET_EXEC;
    eh()->e_machine = EM_X86_64;
    eh()->e_version = EV_CURRENT;
    eh()->e_entry = entry;
    eh()->e_phoff = 64;
    eh()->e_ehsize = 64;
    eh()->e_phentsize = 56;
    eh()->e_phnum = phnum;
}

/* init-like: text RX at 0x400000 (file 0x1000..0x1800), data RW at
 * 0x401000 with bss, and a PT_GNU_STACK that must be ignored. */
static void build_user(void)
{
    header(3, 0x400010);
    image_size = 0x3000;
    rules = &user_rules;
    rebuild = build_user;
    *ph(0) =
        (struct elf64_phdr){PT_LOAD, PF_R | PF_X, 0x1000, 0x400000, 0x400000, 0x800, 0x800, 0x1000};
    *ph(1) = (struct elf64_phdr){PT_LOAD,  PF_R | PF_W, 0x2000, 0x401000,
                                 0x401000, 0x100,       0x5000, 0x1000};
    *ph(2) = (struct elf64_phdr){0x6474e551, PF_R | PF_W, 0, 0, 0, 0, 0, 0x10};
}

/* kernel-like: text RX at BASE+1 MiB, rodata R, data+bss RW; a PT_NOTE. */
static void build_kernel(void)
{
    header(4, BASE + 0x100010);
    image_size = 0x4000;
    rules = &kernel_rules;
    rebuild = build_kernel;
    *ph(0) =
        (struct elf64_phdr){PT_LOAD, PF_R | PF_X, 0x1000, BASE + 0x100000, 0, 0x800, 0x800, 0x1000};
    *ph(1) = (struct elf64_phdr){PT_LOAD, PF_R, 0x2000, BASE + 0x101000, 0, 0x100, 0x100, 0x1000};
    *ph(2) =
        (struct elf64_phdr){PT_LOAD, PF_R | PF_W, 0x3000, BASE + 0x102000, 0, 0x10, 0x5000, 0x1000};
    *ph(3) = (struct elf64_phdr){4 /* PT_NOTE */, PF_R, 0x3f00, 0, 0, 0x10, 0x10, 4};
}

/* A physical loader's rules (the VMM's multiboot kernels): ELF-32 too,
 * segments at p_paddr, anywhere below 4 GiB. */
static const struct elf64_rules phys_rules = {
    .low = 0,
    .high = 1ull << 32,
    .range_name = "guest RAM",
    .allow_elf32 = true,
    .load_by_paddr = true,
};

static struct elf32_ehdr *eh32(void)
{
    return (struct elf32_ehdr *)image;
}
static struct elf32_phdr *ph32(int i)
{
    return (struct elf32_phdr *)(image + 52 + 32 * i);
}

/* An i386 kernel linked at 3 GiB + 1 MiB and loaded at 1 MiB: text RX,
 * data RW with bss, and a PT_GNU_STACK. */
static void build_phys32(void)
{
    memset(image, 0, sizeof(image));
    memcpy(eh32()->e_ident, "\177ELF", 4);
    eh32()->e_ident[EI_CLASS] = ELFCLASS32;
    eh32()->e_ident[EI_DATA] = ELFDATA2LSB;
    eh32()->e_ident[EI_VERSION] = EV_CURRENT;
    eh32()->e_type = ET_EXEC;
    eh32()->e_machine = EM_386;
    eh32()->e_version = EV_CURRENT;
    eh32()->e_entry = 0xc0100010;
    eh32()->e_phoff = 52;
    eh32()->e_ehsize = 52;
    eh32()->e_phentsize = 32;
    eh32()->e_phnum = 3;
    *ph32(0) = (struct elf32_phdr){PT_LOAD, 0x1000, 0xc0100000,  0x100000,
                                   0x800,   0x800,  PF_R | PF_X, 0x1000};
    *ph32(1) = (struct elf32_phdr){PT_LOAD, 0x2000, 0xc0101000,  0x101000,
                                   0x100,   0x5000, PF_R | PF_W, 0x1000};
    *ph32(2) = (struct elf32_phdr){0x6474e551, 0, 0, 0, 0, 0, PF_R | PF_W, 0x10};
    image_size = 0x3000;
    rules = &phys_rules;
    rebuild = build_phys32;
}

/* The user image under the loose rules. */
static void build_loose(void)
{
    build_user();
    rules = &loose_rules;
    rebuild = build_loose;
}

static bool out_is_zero(void)
{
    static const struct elf64_image zero;
    return memcmp(&out, &zero, sizeof(out)) == 0;
}

/* Parses the first n bytes of image from a heap block of exactly n bytes,
 * so that a read past the end is caught by a memory checker. */
static bool parse_exact(u64 n)
{
    u8 *copy = malloc(n ? n : 1);
    memcpy(copy, image, n);
    memset(why, 'x', sizeof(why));
    bool ok = elf64_parse(copy, n, rules, &out, why, sizeof(why));
    free(copy);
    CHECK(memchr(why, '\0', sizeof(why)) != NULL);
    CHECK(strchr(why, '\n') == NULL);
    if (!ok)
        CHECK(out_is_zero());
    return ok;
}

static bool parse(void)
{
    return parse_exact(image_size);
}

/* Expects rejection with a reason containing `needle`, then rebuilds. */
#define REJECTS(needle)                                                                            \
    do {                                                                                           \
        CHECK(!parse());                                                                           \
        if (!strstr(why, needle)) {                                                                \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: reason '%s' lacks '%s'\n", __FILE__, __LINE__, why, needle);   \
        }                                                                                          \
        rebuild();                                                                                 \
    } while (0)

/* Both base images: the header checks apply whatever the rules. */
static void header_checks(void (*build)(void))
{
    build();
    image[1] = 'X';
    REJECTS("not an ELF file (bad magic)");
    image[3] = 'f';
    REJECTS("bad magic");
    eh()->e_ident[EI_CLASS] = 1;
    REJECTS("not ELF64: ELF class 1, expected 64-bit");
    eh()->e_ident[EI_DATA] = 2;
    REJECTS("not little-endian: ELF data 2");
    eh()->e_version = 2;
    REJECTS("unknown ELF version (e_ident 1, e_version 2");
    eh()->e_ident[EI_VERSION] = 0;
    REJECTS("unknown ELF version (e_ident 0");
    eh()->e_machine = 3;
    REJECTS("ELF machine 3, expected x86-64 (62)");
    eh()->e_type = 3; /* ET_DYN */
    REJECTS("ELF type 3, expected an executable (ET_EXEC, 2)");
    eh()->e_type = 1; /* ET_REL */
    REJECTS("ELF type 1");
    eh()->e_ehsize = 10;
    REJECTS("bad e_ehsize 10, expected at least 64");
    eh()->e_ehsize = 63;
    REJECTS("bad e_ehsize 63");
    eh()->e_phentsize = 32;
    REJECTS("program header size 32 (e_phentsize), expected 56");
    eh()->e_phentsize = 0;
    REJECTS("program header size 0");
    eh()->e_phnum = 0;
    REJECTS("no program headers");
    eh()->e_phnum = 65;
    REJECTS("too many program headers (65, at most 64)");
    eh()->e_phnum = 1000;
    REJECTS("too many program headers (1000, at most 64)");
    eh()->e_phnum = 0xffff; /* PN_XNUM: the real count would be in section 0 */
    REJECTS("too many program headers (65535");
    eh()->e_phnum = 64; /* 64 * 56 bytes from offset 64: past a 0x3000-byte file too */
    eh()->e_phoff = image_size - 64 * 56 + 8;
    REJECTS("(64 of them) lie outside the file");
    eh()->e_phoff = image_size - 56;
    REJECTS("lie outside the file");
    eh()->e_phoff = image_size - 100;
    REJECTS("lie outside the file");
    eh()->e_phoff = image_size;
    REJECTS("lie outside the file");
    eh()->e_phoff = image_size + 8;
    REJECTS("lie outside the file");
    eh()->e_phoff = ~0ull - 10; /* phoff + table overflows */
    REJECTS("program headers at offset 0xfffffffffffffff5");
    eh()->e_phoff = ~0ull - 56 + 1; /* wraps to a small offset */
    REJECTS("lie outside the file");
    eh()->e_phoff = 0ull - 0x1000; /* phoff + table wraps past zero */
    REJECTS("lie outside the file");
    eh()->e_phoff = 66;
    REJECTS("misaligned program headers (offset 0x42");
    eh()->e_phoff = 68;
    REJECTS("misaligned");
}

static void user_checks(void)
{
    build_user();
    CHECK(parse());
    CHECK_EQ_U64(out.entry, 0x400010);
    CHECK_EQ_U64(out.segment_count, 2);
    CHECK_EQ_U64(out.low, 0x400000);
    CHECK_EQ_U64(out.high, 0x406000);
    CHECK_EQ_U64(out.segments[0].vaddr, 0x400000);
    CHECK_EQ_U64(out.segments[0].offset, 0x1000);
    CHECK_EQ_U64(out.segments[0].flags, PF_R | PF_X);
    CHECK_EQ_U64(out.segments[1].vaddr, 0x401000);
    CHECK_EQ_U64(out.segments[1].memsz, 0x5000);
    CHECK_EQ_U64(out.segments[1].offset, 0x2000);
    CHECK_EQ_U64(out.segments[1].filesz, 0x100);
    CHECK_EQ_U64(out.segments[1].flags, PF_R | PF_W);

    ph(0)->p_type = PT_INTERP;
    REJECTS("dynamically linked: segment 0 has type PT_INTERP");
    ph(2)->p_type = PT_DYNAMIC;
    REJECTS("dynamically linked: segment 2 has type PT_DYNAMIC");
    ph(2)->p_type = PT_TLS;
    REJECTS("thread-local storage is not supported (segment 2");
    ph(0)->p_type = PT_NULL;
    ph(1)->p_type = 6; /* PT_PHDR */
    REJECTS("no loadable segment (PT_LOAD)");

    ph(0)->p_filesz = 0x900;
    REJECTS("segment 0: file size 0x900 exceeds memory size 0x800");
    ph(1)->p_offset = image_size - 0x10;
    REJECTS("segment 1: file bytes at offset 0x2ff0 (0x100 bytes) lie outside the file (12288 "
            "bytes)");
    ph(1)->p_offset = image_size + 0x1000;
    ph(1)->p_filesz = 0;
    REJECTS("lie outside the file");
    ph(1)->p_offset = ~0ull - 0x1000 + 1; /* offset + filesz wraps */
    REJECTS("lie outside the file");
    ph(1)->p_filesz = ~0ull; /* huge */
    ph(1)->p_memsz = ~0ull;
    REJECTS("segment 1: file bytes at offset 0x2000 (0xffffffffffffffff bytes)");
    ph(0)->p_memsz = 0;
    ph(0)->p_filesz = 0;
    REJECTS("segment 0: empty");

    ph(0)->p_vaddr = 0;
    ph(0)->p_offset = 0;
    REJECTS("segment 0: 0x0+0x800 is outside the user range [0x1000, 0x7ffe00000000)"); /* page 0 */
    ph(0)->p_vaddr = 0xfff;
    ph(0)->p_offset = 0xfff;
    REJECTS("outside the user range");
    ph(1)->p_vaddr = 0xffffffff80000000ull; /* the kernel */
    REJECTS("segment 1: 0xffffffff80000000+0x5000 is outside the user range");
    ph(1)->p_vaddr = VIREO_INIT_DTB_ADDR - 0x1000; /* 0x5000 bytes run past the limit */
    REJECTS("outside the user range");
    ph(1)->p_vaddr = VIREO_INIT_DTB_ADDR; /* the DTB / stack / UTCB area */
    REJECTS("outside the user range");
    ph(1)->p_vaddr = 0x1000;
    ph(1)->p_memsz = ~0ull - 0x800; /* vaddr + memsz wraps */
    REJECTS("outside the user range");
    ph(1)->p_vaddr = ~0ull - 0xfff; /* vaddr + memsz wraps */
    REJECTS("outside the user range");
    ph(1)->p_memsz = VIREO_INIT_DTB_ADDR; /* from 0x401000: past the limit */
    REJECTS("outside the user range");

    ph(1)->p_vaddr = 0x401010;
    REJECTS("segment 1: address 0x401010 and file offset 0x2000 differ modulo the page size");
    ph(1)->p_offset = 0x2800;
    REJECTS("modulo the page size");
    ph(1)->p_align = 0x1001;
    REJECTS("segment 1: alignment 0x1001 is not a power of two");
    ph(1)->p_align = 0x3000;
    REJECTS("not a power of two");
    ph(1)->p_flags = PF_R | PF_W | PF_X;
    REJECTS("segment 1 at 0x401000 is writable and executable");
    ph(0)->p_flags = PF_W | PF_X;
    REJECTS("segment 0 at 0x400000 is writable and executable");
    ph(1)->p_flags = PF_R | 0x100;
    REJECTS("segment 1: unknown flags 0x104");
    ph(1)->p_flags = PF_R | 0xf0000000u; /* PF_MASKPROC */
    REJECTS("unknown flags");

    ph(1)->p_vaddr = 0x400000; /* same page as the text */
    REJECTS("segment 1 at 0x400000 shares pages with the segment at 0x400000");
    ph(1)->p_vaddr = 0x3ff000; /* ends (0x3ff000 + 0x5000) inside the text's page */
    REJECTS("shares pages");
    ph(1)->p_vaddr = 0x401800; /* a different byte of the same data page is fine? no: */
    ph(1)->p_offset = 0x2800;
    ph(0)->p_memsz = 0x1900; /* text now reaches into 0x401000's page */
    REJECTS("segment 1 at 0x401800 shares pages with the segment at 0x400000");
    ph(0)->p_memsz = 0x1001; /* one byte into the data's first page */
    REJECTS("shares pages");

    eh()->e_entry = 0x401000;
    REJECTS("entry point 0x401000 is not inside an executable segment (it is in the "
            "non-executable segment at 0x401000)");
    eh()->e_entry = 0x400800; /* just past the text */
    REJECTS("entry point 0x400800 is not inside an executable segment (it is outside every "
            "loadable segment)");
    eh()->e_entry = 0x500000;
    REJECTS("outside every loadable segment");
    eh()->e_entry = 0;
    REJECTS("outside every loadable segment");
    eh()->e_entry = ~0ull;
    REJECTS("outside every loadable segment");

    /* Accepted edges. */
    eh()->e_entry = 0x4007ff; /* the last text byte */
    CHECK(parse());
    rebuild();
    ph(1)->p_vaddr = 0x401000; /* adjacent pages */
    ph(0)->p_memsz = 0x1000;
    CHECK(parse());
    rebuild();
    ph(0)->p_vaddr = 0x1000; /* the lowest page */
    ph(0)->p_offset = 0x1000;
    eh()->e_entry = 0x1000;
    ph(1)->p_vaddr = VIREO_INIT_DTB_ADDR - 0x5000; /* ends at the limit */
    CHECK(parse());
    CHECK_EQ_U64(out.low, 0x1000);
    CHECK_EQ_U64(out.high, VIREO_INIT_DTB_ADDR);
    rebuild();
    ph(1)->p_align = 0; /* 0 and 1: no alignment */
    ph(0)->p_align = 1;
    CHECK(parse());
    rebuild();
    ph(1)->p_filesz = 0; /* bss only */
    CHECK(parse());
    ph(1)->p_offset = image_size; /* no file bytes, at the end of the file */
    CHECK(parse());
    rebuild();
    ph(2)->p_offset = ~0ull; /* non-PT_LOAD headers are not looked into */
    ph(2)->p_memsz = ~0ull;
    CHECK(parse());
    rebuild();
    /* Data below text: low and high are the span, not the first segment's. */
    ph(1)->p_vaddr = 0x300000;
    CHECK(parse());
    CHECK_EQ_U64(out.low, 0x300000);
    CHECK_EQ_U64(out.high, 0x400800);
    rebuild();
}

static void kernel_checks(void)
{
    build_kernel();
    CHECK(parse());
    CHECK_EQ_U64(out.segment_count, 3);
    CHECK_EQ_U64(out.entry, BASE + 0x100010);
    CHECK_EQ_U64(out.low, BASE + 0x100000);
    CHECK_EQ_U64(out.high, BASE + 0x107000);
    CHECK_EQ_U64(out.segments[2].memsz, 0x5000);
    CHECK_EQ_U64(out.segments[2].flags, PF_R | PF_W);

    ph(1)->p_vaddr = 0x100000;
    REJECTS("segment 1: 0x100000+0x100 is outside the kernel range [0xffffffff80000000, "
            "0xffffffffc0000000)");
    ph(1)->p_vaddr = BASE - 0x1000;
    REJECTS("outside the kernel range");
    ph(2)->p_vaddr = BASE + SPAN - 0x4000; /* 0x5000 bytes reach past BASE + SPAN */
    REJECTS("segment 2: 0xffffffffbfffc000+0x5000 is outside the kernel range");
    ph(2)->p_memsz = ~0ull - 0x100;
    REJECTS("outside the kernel range");
    ph(2)->p_vaddr = ~0ull - 0xfff;
    REJECTS("outside the kernel range");
    ph(2)->p_filesz = 0x6000;
    REJECTS("file size 0x6000 exceeds memory size 0x5000");
    ph(0)->p_offset = 0x3c00;
    REJECTS("segment 0: file bytes at offset 0x3c00 (0x800 bytes) lie outside the file (16384 "
            "bytes)");
    ph(0)->p_offset = ~0ull - 0x100;
    REJECTS("lie outside the file");
    ph(1)->p_vaddr = BASE + 0x100400;
    ph(1)->p_offset = 0x2400;
    REJECTS("segment 1 at 0xffffffff80100400 shares pages with the segment at "
            "0xffffffff80100000");
    ph(1)->p_vaddr = BASE + 0x100800; /* no byte in common, but the same page */
    ph(1)->p_offset = 0x2800;
    REJECTS("shares pages");
    ph(2)->p_flags = PF_R | PF_W | PF_X;
    REJECTS("writable and executable");
    eh()->e_entry = BASE + 0x101010;
    REJECTS("entry point 0xffffffff80101010 is not inside an executable segment");
    eh()->e_entry = BASE + 0x100800;
    REJECTS("not inside an executable segment");
    ph(0)->p_flags = PF_R;
    REJECTS("not inside an executable segment");
    ph(3)->p_type = PT_INTERP;
    REJECTS("need a static executable");
    ph(3)->p_type = PT_DYNAMIC;
    REJECTS("need a static executable");
    ph(3)->p_type = PT_TLS;
    REJECTS("thread-local storage");
    ph(0)->p_type = 6;
    ph(1)->p_type = 6;
    ph(2)->p_type = 6;
    REJECTS("no loadable");

    /* ELF64_MAX_SEGMENTS loadable segments are fine; one more is an error,
     * not a truncation. */
    for (int n = ELF64_MAX_SEGMENTS; n <= ELF64_MAX_SEGMENTS + 1; n++) {
        header((u16)n, BASE);
        for (int i = 0; i < n; i++)
            *ph(i) = (struct elf64_phdr){PT_LOAD, PF_R | PF_X, 0x1000, BASE + i * 0x1000ull,
                                         0,       0x10,        0x10,   0x1000};
        if (n == ELF64_MAX_SEGMENTS) {
            CHECK(parse());
            CHECK_EQ_U64(out.segment_count, ELF64_MAX_SEGMENTS);
            CHECK_EQ_U64(out.high, BASE + (ELF64_MAX_SEGMENTS - 1) * 0x1000ull + 0x10);
        } else {
            REJECTS("more than 16 loadable segments");
        }
    }
    /* Non-loadable headers do not count towards the limit. */
    header(40, BASE);
    for (int i = 0; i < 40; i++)
        *ph(i) = (struct elf64_phdr){
            i % 3 ? 4u : PT_LOAD, PF_R | PF_X, 0x1000, BASE + i * 0x1000ull, 0, 0x10, 0x10, 0x1000};
    CHECK(parse());
    CHECK_EQ_U64(out.segment_count, 14);
    rebuild();
}

/* Without separate_pages and forbid_wx: byte-granular overlaps, any
 * vaddr/offset relation, W+X allowed; everything else as strict. */
static void loose_checks(void)
{
    build_loose();
    CHECK(parse());
    ph(1)->p_vaddr = 0x400800; /* right after the text, in its page */
    ph(1)->p_offset = 0x2000;
    CHECK(parse());
    CHECK_EQ_U64(out.high, 0x405800);
    rebuild();
    ph(1)->p_vaddr = 0x4007ff; /* one byte in common */
    REJECTS("segment 1 at 0x4007ff (0x5000 bytes) overlaps the segment at 0x400000");
    ph(1)->p_vaddr = 0x3fb001; /* ends at 0x400001: one byte in common */
    REJECTS("overlaps");
    ph(1)->p_vaddr = 0x3fb000; /* ends where the text starts */
    CHECK(parse());
    rebuild();
    ph(1)->p_vaddr = 0x3ff000; /* covers the text entirely */
    REJECTS("overlaps");
    ph(1)->p_vaddr = 0x401010;
    CHECK(parse());
    rebuild();
    ph(1)->p_flags = PF_R | PF_W | PF_X;
    CHECK(parse());
    rebuild();
    ph(1)->p_flags = PF_R | 8;
    REJECTS("unknown flags 0xc");
    ph(1)->p_vaddr = VIREO_INIT_DTB_ADDR - 0x4fff;
    REJECTS("segment 1: 0x7ffdffffb001+0x5000 is outside the allowed range [0x1000, "
            "0x7ffe00000000)");
    ph(1)->p_align = 6;
    REJECTS("not a power of two");
    ph(0)->p_memsz = 0;
    ph(0)->p_filesz = 0;
    REJECTS("empty");
}

/* Ranges reaching the top of the address space: nothing may wrap. */
static void top_checks(void)
{
    static const struct elf64_rules top = {.low = 0, .high = ~0ull, .separate_pages = true};
    static const struct elf64_rules top_bytes = {.low = 0, .high = ~0ull};
    build_user();
    rules = &top;
    ph(1)->p_vaddr = 0xfffffffffffff000ull; /* the last page, up to high */
    ph(1)->p_memsz = 0xfff;
    ph(1)->p_offset = 0x2000;
    CHECK(parse());
    CHECK_EQ_U64(out.high, ~0ull);
    ph(1)->p_memsz = 0x1000; /* reaches 2^64: past high */
    CHECK(!parse());
    CHECK(strstr(why, "0xfffffffffffff000+0x1000 is outside the allowed range [0x0, "
                      "0xffffffffffffffff)") != NULL);
    ph(1)->p_memsz = 0xfff;
    ph(0)->p_vaddr = 0xffffffffffffe000ull; /* the page below */
    ph(0)->p_memsz = 0x1000;
    eh()->e_entry = 0xffffffffffffe000ull;
    CHECK(parse());
    ph(0)->p_memsz = 0x1001; /* into the last page */
    CHECK(!parse());
    CHECK(strstr(why, "shares pages") != NULL);
    rules = &top_bytes;
    CHECK(!parse());
    CHECK(strstr(why, "overlaps") != NULL);
    ph(0)->p_memsz = 0x1000;
    CHECK(parse());
    ph(0)->p_vaddr = 0; /* segment at address 0 is fine when low is 0 */
    ph(0)->p_offset = 0;
    eh()->e_entry = 0;
    CHECK(parse());
    CHECK_EQ_U64(out.low, 0);

    /* Empty or inverted rules accept nothing. */
    static const struct elf64_rules none = {.low = 0x500000, .high = 0x400000};
    build_user();
    rules = &none;
    CHECK(!parse());
    CHECK(strstr(why, "outside the allowed range [0x500000, 0x400000)") != NULL);
}

/* Truncated files: every prefix of a good image that cuts off a byte it
 * needs is rejected, and reading stays inside the prefix. */
static void truncation_checks(void)
{
    build_user();
    CHECK(!elf64_parse(NULL, 100, rules, &out, why, sizeof(why)));
    CHECK(strstr(why, "no image") != NULL);
    CHECK(!elf64_parse(image, 10, rules, &out, why, sizeof(why)));
    CHECK(strstr(why, "file too short for an ELF header (10 bytes, need 64)") != NULL);
    CHECK(!elf64_parse(image, 0, rules, &out, NULL, 0)); /* no reason wanted */
    char tiny[8];
    CHECK(!elf64_parse(image, 10, rules, &out, tiny, sizeof(tiny)));
    CHECK(strcmp(tiny, "file to") == 0); /* truncated, terminated */

    /* The data segment's file bytes end at 0x2100. */
    unsigned wrong = 0;
    for (u64 n = 0; n <= image_size; n++) {
        bool ok = parse_exact(n);
        const char *want = n < 64            ? "file too short for an ELF header"
                           : n < 64 + 3 * 56 ? "program headers at offset 0x40 (3 of them)"
                           : n < 0x1800      ? "segment 0: file bytes at offset 0x1000"
                           : n < 0x2100      ? "segment 1: file bytes at offset 0x2000"
                                             : NULL;
        if (want ? ok || !strstr(why, want) : !ok) {
            wrong++;
            fprintf(stderr, "%s:%d: a %llu-byte prefix was %s: %s\n", __FILE__, __LINE__,
                    (unsigned long long)n, ok ? "accepted" : "rejected", why);
        }
    }
    CHECK_EQ_U64(wrong, 0);

    /* The smallest acceptable file: a header and one bss-only RX segment. */
    header(1, 0x400000);
    *ph(0) = (struct elf64_phdr){PT_LOAD, PF_R | PF_X, 0, 0x400000, 0, 0, 0x1000, 0x1000};
    CHECK(parse_exact(64 + 56));
    CHECK(!parse_exact(64 + 55));
    CHECK(strstr(why, "program headers at offset 0x40 (1 of them) lie outside the file (119 "
                      "bytes)") != NULL);
    ph(0)->p_filesz = 1;
    CHECK(parse_exact(64 + 56));
    ph(0)->p_offset = 64 + 56;
    ph(0)->p_vaddr = 0x400000 + 64 + 56;
    eh()->e_entry = 0x400000 + 64 + 56;
    CHECK(!parse_exact(64 + 56)); /* its one byte would be the first past the end */
    CHECK(strstr(why, "lie outside the file (120 bytes)") != NULL);
    CHECK(parse_exact(64 + 56 + 1));

    /* A size claiming nearly all of the address space: the header and
     * program headers are in the buffer, and the sums that would wrap must
     * still be caught before anything further is read. */
    build_user();
    eh()->e_phoff = ~0ull - 10;
    CHECK(!elf64_parse(image, ~0ull, rules, &out, why, sizeof(why)));
    CHECK(strstr(why, "program headers at offset 0xfffffffffffffff5 (3 of them) lie outside the "
                      "file (18446744073709551615 bytes)") != NULL);
    build_user();
    ph(1)->p_offset = ~0ull - 0xff; /* offset + filesz (0x100) wraps to 0 */
    CHECK(!elf64_parse(image, ~0ull - 0x10, rules, &out, why, sizeof(why)));
    CHECK(strstr(why, "segment 1: file bytes at offset 0xffffffffffffff00 (0x100 bytes)") != NULL);
    build_user();
    CHECK(elf64_parse(image, ~0ull, rules, &out, why, sizeof(why))); /* only the headers read */
}

/* ELF-32 widened, segments at p_paddr, the entry moved with its segment. */
static void phys32_checks(void)
{
    build_phys32();
    CHECK(parse());
    CHECK_EQ_U64(out.elf_class, ELFCLASS32);
    CHECK_EQ_U64(out.entry, 0x100010);
    CHECK_EQ_U64(out.segment_count, 2);
    CHECK_EQ_U64(out.segments[0].vaddr, 0x100000);
    CHECK_EQ_U64(out.segments[0].offset, 0x1000);
    CHECK_EQ_U64(out.segments[0].filesz, 0x800);
    CHECK_EQ_U64(out.segments[0].flags, PF_R | PF_X);
    CHECK_EQ_U64(out.segments[1].vaddr, 0x101000);
    CHECK_EQ_U64(out.segments[1].memsz, 0x5000);
    CHECK_EQ_U64(out.low, 0x100000);
    CHECK_EQ_U64(out.high, 0x106000);

    /* Linked where it loads: e_entry unchanged. */
    ph32(0)->p_vaddr = 0x100000;
    eh32()->e_entry = 0x100020;
    CHECK(parse());
    CHECK_EQ_U64(out.entry, 0x100020);
    rebuild();
    /* Not in any executable segment's file bytes: not moved, so outside. */
    eh32()->e_entry = 0xc0101010;
    REJECTS("entry point 0xc0101010 is not inside an executable segment");
    eh32()->e_entry = 0xc0100900; /* past the text's file bytes */
    REJECTS("entry point 0xc0100900 is not inside an executable segment");

    /* Physical overlap counts, whatever the virtual addresses. */
    ph32(1)->p_paddr = 0x100400;
    REJECTS("segment 1 at 0x100400 (0x5000 bytes) overlaps the segment at 0x100000");
    ph32(1)->p_paddr = 0xffffe000;
    REJECTS("segment 1: 0xffffe000+0x5000 is outside the guest RAM [0x0, 0x100000000)");
    ph32(1)->p_filesz = 0x1001;
    REJECTS("segment 1: file bytes at offset 0x2000 (0x1001 bytes) lie outside the file");

    /* The ELF-32 header's own checks. */
    eh32()->e_machine = EM_X86_64;
    REJECTS("ELF machine 62, expected i386 (3)");
    eh32()->e_phentsize = 56;
    REJECTS("program header size 56 (e_phentsize), expected 32");
    eh32()->e_ehsize = 51;
    REJECTS("bad e_ehsize 51, expected at least 52");
    eh32()->e_phoff = 54;
    REJECTS("misaligned program headers (offset 0x36, need a multiple of 4)");
    eh32()->e_phoff = 0x2ff0;
    REJECTS("program headers at offset 0x2ff0 (3 of them) lie outside the file");
    eh32()->e_ident[EI_CLASS] = 3;
    REJECTS("ELF class 3, expected 32-bit (1) or 64-bit (2)");
    CHECK(!parse_exact(51));
    CHECK(strstr(why, "file too short for an ELF header (51 bytes, need 52)") != NULL);
    /* A 64-bit image needs its 64-byte header even here. */
    build_user();
    rules = &phys_rules;
    CHECK(parse());
    CHECK_EQ_U64(out.elf_class, ELFCLASS64);
    CHECK(!parse_exact(60));
    CHECK(strstr(why, "(60 bytes, need 64)") != NULL);
    ph(0)->p_paddr = 0x1000; /* the user image has p_paddr = p_vaddr; move text */
    eh()->e_entry = 0x400010;
    CHECK(parse());
    CHECK_EQ_U64(out.entry, 0x1010);
    CHECK_EQ_U64(out.segments[0].vaddr, 0x1000);

    /* Without allow_elf32 an ELF-32 image is what it always was. */
    build_phys32();
    rules = &user_rules;
    CHECK(!parse());
    CHECK(strstr(why, "not ELF64: ELF class 1, expected 64-bit") != NULL);

    /* Every truncation before the data's file bytes end (0x2100) is
     * refused, each from a block exactly that size. */
    build_phys32();
    CHECK(parse_exact(0x2100));
    for (u64 n = 0; n < 0x2100; n++) {
        const char *want = n < 52 ? "file too short for an ELF header" : "lie outside the file";
        CHECK(!parse_exact(n));
        if (n < 52 || n >= 52 + 3 * 32)
            CHECK(strstr(why, want) != NULL);
    }
}

/* A small xorshift generator: the same sequence on every run. */
static u64 rng_state = 0x9e3779b97f4a7c15ull;
static u64 rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* What every accepted image must satisfy, checked from out alone. */
static bool consistent(u64 size)
{
    if (out.segment_count == 0 || out.segment_count > ELF64_MAX_SEGMENTS)
        return false;
    bool entry_ok = false;
    u64 low = ~0ull, high = 0;
    for (u32 i = 0; i < out.segment_count; i++) {
        const struct elf64_segment *s = &out.segments[i];
        if (s->memsz == 0 || s->filesz > s->memsz || s->offset > size ||
            s->filesz > size - s->offset)
            return false;
        if (s->vaddr < rules->low || s->vaddr >= rules->high || s->memsz > rules->high - s->vaddr)
            return false;
        if (s->flags & ~(PF_R | PF_W | PF_X))
            return false;
        if (rules->forbid_wx && (s->flags & PF_W) && (s->flags & PF_X))
            return false;
        if ((s->flags & PF_X) && out.entry >= s->vaddr && out.entry - s->vaddr < s->memsz)
            entry_ok = true;
        for (u32 j = 0; j < i; j++) {
            const struct elf64_segment *o = &out.segments[j];
            u64 a = s->vaddr, b = s->vaddr + s->memsz - 1;
            u64 c = o->vaddr, d = o->vaddr + o->memsz - 1;
            if (rules->separate_pages)
                a /= 0x1000, b /= 0x1000, c /= 0x1000, d /= 0x1000;
            if (a <= d && c <= b)
                return false;
        }
        low = s->vaddr < low ? s->vaddr : low;
        high = s->vaddr + s->memsz > high ? s->vaddr + s->memsz : high;
    }
    return entry_ok && low == out.low && high == out.high;
}

/* Random mutations of the headers: never a read outside the image, never
 * an accepted image that breaks the rules. */
static void mutation_checks(void)
{
    void (*builds[])(void) = {build_user, build_kernel, build_loose, build_phys32};
    static const u64 interesting[] = {
        0, 1, 0x1000, 0x7ff, ~0ull, ~0ull >> 1, 1ull << 63, 0xfffffffffffff000ull, 56, 64};
    unsigned accepted = 0, rejected = 0, bad = 0;
    for (unsigned round = 0; round < 30000; round++) {
        builds[round % 4]();
        unsigned n = 1 + rng() % 4;
        for (unsigned k = 0; k < n; k++) {
            u64 at = rng() % (64 + 56 * 4);
            switch (rng() % 3) {
            case 0:
                image[at] = (u8)rng();
                break;
            case 1: {
                u64 v = interesting[rng() % (sizeof(interesting) / sizeof(interesting[0]))];
                memcpy(image + (at & ~7ull), &v, sizeof(v));
                break;
            }
            default:
                image[at] ^= (u8)(1u << (rng() % 8));
            }
        }
        u64 size = rng() % 4 ? image_size : rng() % (image_size + 1);
        if (parse_exact(size)) {
            accepted++;
            if (!consistent(size))
                bad++;
        } else {
            rejected++;
            if (!why[0])
                bad++;
        }
    }
    CHECK_EQ_U64(bad, 0);
    CHECK(accepted > 100 && rejected > 100);
    printf("mutations: %u accepted, %u rejected\n", accepted, rejected);
}

int main(void)
{
    header_checks(build_user);
    header_checks(build_kernel);
    user_checks();
    kernel_checks();
    loose_checks();
    top_checks();
    phys32_checks();
    truncation_checks();
    mutation_checks();
    return check_report("lib_elf64");
}
