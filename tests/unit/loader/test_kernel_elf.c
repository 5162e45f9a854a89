/* Kernel ELF validation and placement planning (loader/boot/kernel_elf.c). */
#include "check.h"
#include "elf64.h"
#include "kernel_elf.h"
#include <string.h>

#define BASE VIREO_KERNEL_VIRT_BASE

static u8 image[0x4000];
static struct kernel_plan plan;
static struct boot_error err;

static struct elf64_ehdr *eh(void)
{
    return (struct elf64_ehdr *)image;
}
static struct elf64_phdr *ph(int i)
{
    return (struct elf64_phdr *)(image + 64 + i * 56);
}

/* A good kernel: text RX at BASE+1 MiB, rodata R, data+bss RW; a note. */
static void build(void)
{
    memset(image, 0, sizeof(image));
    memcpy(eh()->e_ident, "\177ELF", 4);
    eh()->e_ident[EI_CLASS] = ELFCLASS64;
    eh()->e_ident[EI_DATA] = ELFDATA2LSB;
    eh()->e_ident[EI_VERSION] = EV_CURRENT;
    eh()->e_type = ET_EXEC;
    eh()->e_machine = EM_X86_64;
    eh()->e_version = EV_CURRENT;
    eh()->e_entry = BASE + 0x100010;
    eh()->e_phoff = 64;
    eh()->e_ehsize = 64;
    eh()->e_phentsize = 56;
    eh()->e_phnum = 4;
    *ph(0) =
        (struct elf64_phdr){PT_LOAD, PF_R | PF_X, 0x1000, BASE + 0x100000, 0, 0x800, 0x800, 0x1000};
    *ph(1) = (struct elf64_phdr){PT_LOAD, PF_R, 0x2000, BASE + 0x101000, 0, 0x100, 0x100, 0x1000};
    *ph(2) =
        (struct elf64_phdr){PT_LOAD, PF_R | PF_W, 0x3000, BASE + 0x102000, 0, 0x10, 0x5000, 0x1000};
    *ph(3) = (struct elf64_phdr){4 /* PT_NOTE */, PF_R, 0x3f00, 0, 0, 0x10, 0x10, 4};
}

static bool check(void)
{
    return kernel_elf_check(image, sizeof(image), &plan, &err);
}

#define REJECTS(mutation, text)                                                                    \
    do {                                                                                           \
        build();                                                                                   \
        mutation;                                                                                  \
        CHECK(!check());                                                                           \
        CHECK(strstr(err.msg, text) != NULL);                                                      \
        if (!strstr(err.msg, text))                                                                \
            fprintf(stderr, "  message was: %s\n", err.msg);                                       \
    } while (0)

int main(void)
{
    build();
    CHECK(check());
    CHECK_EQ_U64(plan.segment_count, 3);
    CHECK_EQ_U64(plan.entry, BASE + 0x100010);
    CHECK_EQ_U64(plan.size, 0x107000); /* from BASE to the end of bss, page rounded */
    CHECK_EQ_U64(plan.segments[2].memsz, 0x5000);
    CHECK_EQ_U64(plan.segments[2].flags, PF_R | PF_W);

    REJECTS(image[1] = 'X', "not an ELF file");
    REJECTS(eh()->e_ident[EI_CLASS] = 1, "ELF class 1, expected 64-bit");
    REJECTS(eh()->e_ident[EI_DATA] = 2, "little-endian");
    REJECTS(eh()->e_version = 0, "ELF version");
    REJECTS(eh()->e_machine = 3, "ELF machine 3, expected x86-64");
    REJECTS(eh()->e_type = 3, "ELF type 3, expected an executable");
    REJECTS(eh()->e_phentsize = 32, "program header size 32");
    REJECTS(eh()->e_phnum = 0, "no program headers");
    REJECTS(eh()->e_phoff = sizeof(image) - 100, "lie outside the module");
    REJECTS(eh()->e_phoff = ~0ull - 10, "lie outside the module");
    REJECTS(eh()->e_phnum = 0xffff, "lie outside the module");
    REJECTS(ph(1)->p_vaddr = 0x100000, "segment 1 at 0x100000 is below the kernel base");
    REJECTS(ph(2)->p_filesz = 0x6000, "file size 0x6000 exceeds memory size 0x5000");
    REJECTS(ph(0)->p_offset = 0x3c00, "segment 0: file bytes at offset 0x3c00");
    REJECTS(ph(0)->p_offset = ~0ull - 0x100, "outside the module");
    REJECTS(ph(1)->p_vaddr = BASE + 0x100400, "overlap");
    REJECTS(ph(2)->p_memsz = ~0ull - 0x100, "reaches beyond");
    REJECTS(ph(2)->p_vaddr = ~0ull - 0xfff, "reaches beyond");
    REJECTS(eh()->e_entry = BASE + 0x101010, "entry point 0xffffffff80101010 is not inside an "
                                             "executable segment");
    REJECTS(eh()->e_entry = BASE + 0x100800, "not inside an executable segment");
    REJECTS(ph(0)->p_flags = PF_R, "not inside an executable segment");
    REJECTS(ph(3)->p_type = PT_INTERP, "static executable");
    REJECTS(ph(3)->p_type = PT_DYNAMIC, "static executable");
    REJECTS((ph(0)->p_type = 6, ph(1)->p_type = 6, ph(2)->p_type = 6), "no loadable");
    CHECK(!kernel_elf_check(image, 10, &plan, &err));
    CHECK(strstr(err.msg, "too short") != NULL);

    /* Too many segments is an error, not a truncation. */
    build();
    eh()->e_phnum = KERNEL_MAX_SEGMENTS + 1;
    for (int i = 0; i <= KERNEL_MAX_SEGMENTS; i++)
        *ph(i) = (struct elf64_phdr){PT_LOAD, PF_R | PF_X, 0x1000, BASE + i * 0x1000ull,
                                     0,       0x10,        0x10,   0x1000};
    eh()->e_entry = BASE;
    CHECK(!check());
    CHECK(strstr(err.msg, "more than 16") != NULL);
    return check_report("loader_kernel_elf");
}
