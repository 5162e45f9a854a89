/* init ELF validation: one good image, then one malformation at a time. */
#include "check.h"
#include "init_elf.h"
#include <stdio.h>
#include <string.h>

enum { IMAGE_SIZE = 0x3000 };

static u8 image[IMAGE_SIZE];
static struct init_elf out;
static char why[160];

static struct elf64_ehdr *eh(void)
{
    return (struct elf64_ehdr *)image;
}
static struct elf64_phdr *ph(int i)
{
    return (struct elf64_phdr *)(image + 64 + 56 * i);
}

/* text RX at 0x400000 (file 0x1000..0x1800), data RW at 0x401000 with bss,
 * plus a PT_GNU_STACK that must be ignored. */
static void build_good(void)
{
    memset(image, 0, sizeof(image));
    memcpy(image,
           "\x7f"
           "ELF",
           4);
    image[4] = ELFCLASS64;
    image[5] = ELFDATA2LSB;
    image[6] = EV_CURRENT;
    eh()->type = ET_EXEC;
    eh()->machine = EM_X86_64;
    eh()->version = EV_CURRENT;
    eh()->entry = 0x400010;
    eh()->phoff = 64;
    eh()->ehsize = 64;
    eh()->phentsize = 56;
    eh()->phnum = 3;
    *ph(0) =
        (struct elf64_phdr){PT_LOAD, PF_R | PF_X, 0x1000, 0x400000, 0x400000, 0x800, 0x800, 0x1000};
    *ph(1) = (struct elf64_phdr){PT_LOAD,  PF_R | PF_W, 0x2000, 0x401000,
                                 0x401000, 0x100,       0x5000, 0x1000};
    *ph(2) = (struct elf64_phdr){0x6474e551, PF_R | PF_W, 0, 0, 0, 0, 0, 0x10};
}

static bool check_image(void)
{
    return init_elf_check(image, sizeof(image), &out, why, sizeof(why));
}

/* Expects rejection with a message containing `needle`. */
#define REJECTS(needle)                                                                            \
    do {                                                                                           \
        why[0] = '\0';                                                                             \
        CHECK(!check_image());                                                                     \
        if (!strstr(why, needle)) {                                                                \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: reason '%s' lacks '%s'\n", __FILE__, __LINE__, why, needle);   \
        }                                                                                          \
        build_good();                                                                              \
    } while (0)

int main(void)
{
    build_good();
    CHECK(check_image());
    CHECK_EQ_U64(out.entry, 0x400010);
    CHECK_EQ_U64(out.segment_count, 2);
    CHECK_EQ_U64(out.segments[1].vaddr, 0x401000);
    CHECK_EQ_U64(out.segments[1].memsz, 0x5000);
    CHECK_EQ_U64(out.segments[1].filesz, 0x100);
    CHECK_EQ_U64(out.segments[1].flags, PF_R | PF_W);

    CHECK(!init_elf_check(image, 10, &out, why, sizeof(why)));
    CHECK(strstr(why, "too small") != NULL);
    CHECK(!init_elf_check(NULL, 100, &out, why, sizeof(why)));

    image[1] = 'X';
    REJECTS("bad magic");
    image[4] = 1;
    REJECTS("not ELF64");
    image[5] = 2;
    REJECTS("little-endian");
    eh()->version = 2;
    REJECTS("version");
    eh()->type = 3; /* ET_DYN */
    REJECTS("ET_EXEC");
    eh()->machine = 3;
    REJECTS("x86-64");
    eh()->phentsize = 32;
    REJECTS("e_phentsize");
    eh()->ehsize = 10;
    REJECTS("e_ehsize");
    eh()->phnum = 0;
    REJECTS("no program headers");
    eh()->phnum = 1000;
    REJECTS("too many");
    eh()->phoff = IMAGE_SIZE - 56;
    REJECTS("outside the file");
    eh()->phoff = ~0ull - 10; /* overflow */
    REJECTS("outside the file");
    eh()->phoff = 66;
    REJECTS("misaligned");

    ph(0)->type = PT_INTERP;
    REJECTS("dynamically linked");
    ph(2)->type = PT_DYNAMIC;
    REJECTS("dynamically linked");
    ph(2)->type = PT_TLS;
    REJECTS("thread-local");
    ph(0)->type = 0;
    ph(1)->type = 0;
    REJECTS("no loadable segment");

    ph(0)->filesz = 0x900;
    REJECTS("exceeds memory size");
    ph(1)->offset = IMAGE_SIZE - 0x10;
    REJECTS("outside the file");
    ph(1)->offset = ~0ull - 0x1000 + 1; /* offset + filesz wraps */
    REJECTS("outside the file");
    ph(0)->memsz = 0;
    ph(0)->filesz = 0;
    REJECTS("empty");
    ph(0)->vaddr = 0;
    ph(0)->offset = 0;
    REJECTS("outside the user range"); /* page 0 */
    ph(1)->vaddr = 0xffffffff80000000ull;
    REJECTS("outside the user range"); /* the kernel */
    ph(1)->vaddr = 0x00007ffe00000000ull - 0x1000;
    REJECTS("outside the user range"); /* 0x5000 bytes run past the limit */
    ph(1)->vaddr = 0x00007ffe00000000ull;
    REJECTS("outside the user range"); /* the DTB / stack / UTCB area */
    ph(1)->vaddr = 0x1000;
    ph(1)->memsz = ~0ull - 0x800; /* vaddr + memsz wraps */
    REJECTS("outside the user range");
    ph(1)->vaddr = 0x401010;
    REJECTS("modulo the page size");
    ph(1)->align = 0x1001;
    REJECTS("power of two");
    ph(1)->flags = PF_R | PF_W | PF_X;
    REJECTS("writable and executable");
    ph(1)->flags = PF_R | 0x100;
    REJECTS("unknown flags");
    ph(1)->vaddr = 0x400000 + 0x800 - 0x800; /* same page as the text */
    ph(1)->offset = 0x2000;
    REJECTS("shares pages");
    ph(1)->vaddr = 0x3ff000; /* ends (0x3ff000 + 0x5000) inside the text's page */
    REJECTS("shares pages");
    ph(1)->vaddr = 0x401800; /* a different byte of the same data page is fine? no: */
    ph(1)->offset = 0x2800;
    ph(0)->memsz = 0x1900; /* text now reaches into 0x401000's page */
    ph(0)->filesz = 0x800;
    REJECTS("shares pages");

    eh()->entry = 0x401000;
    REJECTS("non-executable");
    eh()->entry = 0x500000;
    REJECTS("outside every loadable segment");
    eh()->entry = 0;
    REJECTS("outside every loadable segment");

    /* Adjacent (non-overlapping) pages are accepted. */
    ph(1)->vaddr = 0x401000;
    ph(0)->memsz = 0x1000;
    CHECK(check_image());

    return check_report("kernel_init_elf");
}
