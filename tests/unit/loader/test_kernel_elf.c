/* Kernel placement planning (loader/boot/kernel_elf.c): the rules the
 * loader holds the kernel image to, the page-rounded span from
 * VIREO_KERNEL_VIRT_BASE, and how a rejection is reported. The ELF checks
 * themselves are tested in tests/unit/lib/test_elf64.c. */
#include "check.h"
#include "kernel_elf.h"
#include <vireo/stop.h>
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
    memset(&err, 0, sizeof(err));
    return kernel_elf_check(image, sizeof(image), &plan, &err);
}

/* Rejected as a bad kernel image with the full message `text`. */
#define REJECTS(mutation, text)                                                                    \
    do {                                                                                           \
        build();                                                                                   \
        mutation;                                                                                  \
        CHECK(!check());                                                                           \
        CHECK_EQ_U64(err.status, VIREO_STOP_BAD_BOOT);                                             \
        CHECK(err.reason &&strcmp(err.reason, "bad kernel image") == 0);                           \
        CHECK(strcmp(err.msg, text) == 0);                                                         \
        if (strcmp(err.msg, text) != 0)                                                            \
            fprintf(stderr, "  message was: %s\n", err.msg);                                       \
        CHECK_EQ_U64(plan.size, 0);                                                                \
        CHECK_EQ_U64(plan.elf.segment_count, 0);                                                   \
    } while (0)

int main(void)
{
    build();
    CHECK(check());
    CHECK_EQ_U64(plan.elf.segment_count, 3);
    CHECK_EQ_U64(plan.elf.entry, BASE + 0x100010);
    CHECK_EQ_U64(plan.size, 0x107000); /* from BASE to the end of bss, page rounded */
    CHECK_EQ_U64(plan.elf.segments[2].memsz, 0x5000);
    CHECK_EQ_U64(plan.elf.segments[2].flags, PF_R | PF_W);

    /* The span counts from BASE, not from the lowest segment, and is
     * rounded up to a page. */
    build();
    ph(2)->p_memsz = 0x5001;
    CHECK(check());
    CHECK_EQ_U64(plan.size, 0x108000);
    build();
    ph(0)->p_vaddr = BASE; /* text at the very base, entry inside it */
    eh()->e_entry = BASE;
    ph(1)->p_vaddr = BASE + KERNEL_MAX_SPAN - 0x1000; /* rodata in the last page allowed */
    CHECK(check());
    CHECK_EQ_U64(plan.size, KERNEL_MAX_SPAN);

    /* The loader's rules: [BASE, BASE + KERNEL_MAX_SPAN), separate pages,
     * never W+X; each failure is "kernel: <reason>". */
    REJECTS(image[1] = 'X', "kernel: not an ELF file (bad magic)");
    REJECTS(ph(1)->p_vaddr = 0x100000,
            "kernel: segment 1: 0x100000+0x100 is outside the kernel range [0xffffffff80000000, "
            "0xffffffffc0000000)");
    REJECTS(ph(1)->p_vaddr = BASE + KERNEL_MAX_SPAN,
            "kernel: segment 1: 0xffffffffc0000000+0x100 is outside the kernel range "
            "[0xffffffff80000000, 0xffffffffc0000000)");
    REJECTS(ph(2)->p_flags = PF_R | PF_W | PF_X,
            "kernel: segment 2 at 0xffffffff80102000 is writable and executable");
    REJECTS((ph(1)->p_vaddr = BASE + 0x100800, ph(1)->p_offset = 0x2800),
            "kernel: segment 1 at 0xffffffff80100800 shares pages with the segment at "
            "0xffffffff80100000");
    REJECTS(ph(1)->p_vaddr = BASE + 0x101800,
            "kernel: segment 1: address 0xffffffff80101800 and file offset 0x2000 differ modulo "
            "the page size");
    build();
    CHECK(!kernel_elf_check(image, 10, &plan, &err));
    CHECK(strcmp(err.msg, "kernel: file too short for an ELF header (10 bytes, need 64)") == 0);
    return check_report("loader_kernel_elf");
}
