/* The Linux bzImage checks and load plan (servers/vmm/linux_header.c,
 * linux_plan.c): each refusal one malformation at a time; placement of
 * relocatable and non-relocatable kernels, the command line and the
 * initrd; then every truncation, each parsed from a heap block exactly
 * the image's size. */
#include "check.h"
#include "linux_plan.h"
#include "linux_synth.h"
#include <stdlib.h>
#include <string.h>

#define RAM (128ull << 20)

static u8 img[LINUX_SYNTH_MAX] __attribute__((aligned(8)));
static u64 img_size;
static struct linux_plan plan;
static char why[256];
static u8 initrd[0x1801];

static bool plan_zero(void)
{
    static const struct linux_plan zero;
    return memcmp(&plan, &zero, sizeof(plan)) == 0;
}

static bool plan_full(u64 size, u64 ram, const char *cmdline, u64 initrd_size)
{
    u8 *copy = malloc(size ? size : 1);
    memcpy(copy, img, size);
    const struct linux_request req = {copy, size, cmdline, initrd_size ? initrd : NULL,
                                      initrd_size};
    memset(why, 'x', sizeof(why));
    const struct mb1_why w = {why, sizeof(why)};
    bool ok = linux_plan(&req, ram, &plan, &w);
    free(copy);
    CHECK(memchr(why, '\0', sizeof(why)) != NULL);
    if (ok)
        CHECK(why[0] == '\0');
    else
        CHECK(plan_zero());
    return ok;
}

static bool plan_image(u64 ram)
{
    return plan_full(img_size, ram, "console=ttyS0", 0);
}

#define REJECTS_WITH(call, needle)                                                                 \
    do {                                                                                           \
        CHECK(!(call));                                                                            \
        if (!strstr(why, needle)) {                                                                \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: reason \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, why,        \
                    needle);                                                                       \
        }                                                                                          \
    } while (0)
#define REJECTS(needle) REJECTS_WITH(plan_image(RAM), needle)

static struct linux_setup_header *fresh(void)
{
    img_size = linux_synth(img);
    return linux_synth_hdr(img);
}

static void test_header(void)
{
    fresh();
    CHECK(plan_image(RAM));
    const struct linux_header *h = &plan.header;
    CHECK_EQ_U64(h->hdr_end, 0x26c);
    CHECK_EQ_U64(h->setup_sects, 4);
    CHECK_EQ_U64(h->kernel_offset, 0xa00);
    CHECK_EQ_U64(h->kernel_size, LINUX_SYNTH_KERNEL);
    CHECK_EQ_U64(h->hdr.version, 0x020f);
    CHECK_EQ_U64(h->hdr.init_size, LINUX_SYNTH_INIT);
    CHECK_EQ_U64(h->hdr.pref_address, LINUX_SYNTH_PREF);

    /* setup_sects 0 reads 4 */
    fresh()->setup_sects = 0;
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.header.setup_sects, 4);
    CHECK_EQ_U64(plan.header.kernel_offset, 0xa00);
    /* more setup sectors: the kernel starts later, and is shorter */
    fresh()->setup_sects = 8;
    linux_synth_hdr(img)->syssize = (LINUX_SYNTH_KERNEL - 0x800) / 16;
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.header.kernel_offset, 0x1200);
    CHECK_EQ_U64(plan.header.kernel_size, LINUX_SYNTH_KERNEL - 0x800);
    /* a shorter header (protocol 2.12 ends after handover_offset... here
     * after init_size): fields past its end read 0 */
    fresh()->version = 0x020c;
    img[0x201] = 0x264 - 0x202;
    img[0x264] = 0x77; /* handover_offset's first byte, now outside the header */
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.header.hdr_end, 0x264);
    CHECK_EQ_U64(plan.header.hdr.handover_offset, 0);
    CHECK_EQ_U64(plan.header.hdr.init_size, LINUX_SYNTH_INIT);
}

static void test_refusals(void)
{
    fresh()->header = 0x12345678;
    REJECTS("no \"HdrS\" magic at 0x202 (found 0x12345678)");
    fresh();
    REJECTS_WITH(plan_full(0x205, RAM, NULL, 0), "too short for a setup header");
    REJECTS_WITH(plan_full(0, RAM, NULL, 0), "not a bzImage");
    fresh()->version = 0x020b;
    REJECTS("boot protocol 2.11 is too old");
    fresh()->version = 0x0204;
    REJECTS("2.04 is too old: the 64-bit entry needs 2.12");
    fresh();
    img[0x201] = 0x260 - 0x202;
    REJECTS("ends at 0x260, before init_size");
    fresh()->loadflags = 0;
    REJECTS("lack LOADED_HIGH");
    fresh()->xloadflags = LINUX_XLF_CAN_BE_LOADED_ABOVE_4G;
    REJECTS("not 64-bit capable: xloadflags 0x2 lack XLF_KERNEL_64");
    fresh()->kernel_alignment = 0x300000;
    REJECTS("kernel_alignment 0x300000, not a power of two");
    fresh()->kernel_alignment = 0;
    REJECTS("not a power of two");
    fresh()->syssize = 0;
    REJECTS("syssize 0");
    fresh()->syssize = LINUX_SYNTH_KERNEL / 16 + 1;
    REJECTS("image truncated: 4 setup sectors and 0x2010 bytes of kernel (syssize)");
    fresh()->setup_sects = 0x7f;
    REJECTS("image truncated: 127 setup sectors");
    fresh()->setup_sects = 1; /* setup ends at 0x400: fine, the header is inside */
    CHECK(plan_image(RAM));
    /* the kernel does not fit */
    fresh()->init_size = 0x8000000;
    REJECTS("kernel does not fit: 0x8000000 bytes (init_size) at 0x200000");
    REJECTS_WITH((fresh(), plan_image(4ull << 20)), "kernel does not fit");
    fresh()->relocatable_kernel = 0;
    linux_synth_hdr(img)->code32_start = 0x8000000;
    REJECTS("0x2000 bytes at code32_start 0x8000000 (not relocatable)");
    fresh()->relocatable_kernel = 0;
    linux_synth_hdr(img)->code32_start = 0x90000;
    REJECTS("at code32_start 0x90000");
    fresh()->relocatable_kernel = 0;
    linux_synth_hdr(img)->pref_address = 0x7c00000;
    REJECTS("runs at 0x7c00000 (pref_address, not relocatable) and needs 0x800000");
    /* RAM sizes */
    fresh();
    REJECTS_WITH(plan_image(0x100000), "RAM size 0x100000 outside");
    REJECTS_WITH(plan_image(RAM + 1), "not a whole number of pages");
    /* the command line */
    fresh()->cmdline_size = 4;
    REJECTS("command line too long: 13 bytes, the kernel takes 4 (cmdline_size)");
    linux_synth_hdr(img)->cmdline_size = 13;
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.cmdline_length, 13);
    fresh()->cmdline_size = 0xffffffff;
    char *longline = malloc(LINUX_CMDLINE_MAX + 2);
    memset(longline, 'a', LINUX_CMDLINE_MAX + 1);
    longline[LINUX_CMDLINE_MAX + 1] = '\0';
    REJECTS_WITH(plan_full(img_size, RAM, longline, 0), "command line longer than 65535 bytes");
    longline[LINUX_CMDLINE_MAX] = '\0';
    CHECK(plan_full(img_size, RAM, longline, 0));
    CHECK_EQ_U64(plan.cmdline_length, LINUX_CMDLINE_MAX);
    free(longline);
    /* the initrd does not fit */
    fresh()->initrd_addr_max = 0x17fffff; /* ignored: loadable above 4 GiB */
    CHECK(plan_full(img_size, RAM, NULL, sizeof(initrd)));
    linux_synth_hdr(img)->xloadflags = LINUX_XLF_KERNEL_64;
    REJECTS_WITH(plan_full(img_size, RAM, NULL, sizeof(initrd)),
                 "initrd does not fit: 6145 bytes between the kernel's end 0x1800000 and "
                 "0x1800000 (initrd_addr_max)");
    fresh();
    REJECTS_WITH(plan_full(img_size, 0x1801000, NULL, sizeof(initrd)),
                 "and 0x1801000 (the end of RAM)");
    REJECTS_WITH(plan_full(img_size, 0x1802000, NULL, 0x1802000), "initrd does not fit");
    const struct linux_request nodata = {img, img_size, NULL, NULL, 10};
    const struct mb1_why w = {why, sizeof(why)};
    CHECK(!linux_plan(&nodata, RAM, &plan, &w));
    CHECK(strstr(why, "initrd of 10 bytes has no data") != NULL);
    CHECK(!linux_plan(NULL, RAM, &plan, &w));
}

static void test_placement(void)
{
    /* relocatable: at pref_address, which is aligned and fits */
    fresh();
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.kernel_addr, LINUX_SYNTH_PREF);
    CHECK_EQ_U64(plan.kernel_end, LINUX_SYNTH_PREF + LINUX_SYNTH_INIT);
    CHECK_EQ_U64(plan.entry, LINUX_SYNTH_PREF + 0x200);
    CHECK_EQ_U64(plan.cmdline_addr, LINUX_CMDLINE_ADDR);
    CHECK_EQ_U64(plan.cmdline_length, 13);
    CHECK_EQ_U64(plan.initrd_addr, 0);
    CHECK_EQ_U64(plan.initrd_size, 0);
    /* pref_address does not fit in 16 MiB: the first 2 MiB boundary above 1 MiB */
    CHECK(plan_image(16ull << 20));
    CHECK_EQ_U64(plan.kernel_addr, 0x200000);
    CHECK_EQ_U64(plan.kernel_end, 0xa00000);
    CHECK_EQ_U64(plan.entry, 0x200200);
    /* pref_address not aligned to kernel_alignment */
    fresh()->pref_address = 0x1100000;
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.kernel_addr, 0x200000);
    /* a 16 MiB alignment */
    fresh()->kernel_alignment = 0x1000000;
    linux_synth_hdr(img)->pref_address = 0;
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.kernel_addr, 0x1000000);
    /* a 4 KiB alignment: just above 1 MiB */
    fresh()->kernel_alignment = 0x1000;
    linux_synth_hdr(img)->pref_address = 0x123000;
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.kernel_addr, 0x123000);
    CHECK(plan_image(9ull << 20)); /* 0x123000 + init_size does not fit */
    CHECK_EQ_U64(plan.kernel_addr, 0x100000);
    /* init_size below the file's kernel bytes: the bytes count */
    fresh()->init_size = 0x1000;
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.kernel_end, LINUX_SYNTH_PREF + LINUX_SYNTH_KERNEL);

    /* not relocatable: at code32_start, init_size at pref_address */
    fresh()->relocatable_kernel = 0;
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.kernel_addr, 0x100000);
    CHECK_EQ_U64(plan.entry, 0x100200);
    CHECK_EQ_U64(plan.kernel_end, LINUX_SYNTH_PREF + LINUX_SYNTH_INIT);
    linux_synth_hdr(img)->pref_address = 0;
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.kernel_end, 0x100000 + LINUX_SYNTH_INIT);
    linux_synth_hdr(img)->code32_start = 0x400000;
    linux_synth_hdr(img)->kernel_alignment = 0; /* ignored when not relocatable */
    CHECK(plan_image(RAM));
    CHECK_EQ_U64(plan.kernel_addr, 0x400000);
    CHECK_EQ_U64(plan.entry, 0x400200);
}

static void test_initrd(void)
{
    /* at the top of RAM, page-aligned down */
    fresh();
    CHECK(plan_full(img_size, RAM, NULL, sizeof(initrd)));
    CHECK_EQ_U64(plan.initrd_addr, RAM - 0x2000);
    CHECK_EQ_U64(plan.initrd_size, sizeof(initrd));
    CHECK_EQ_U64(plan.initrd_limit, RAM);
    CHECK_EQ_U64(plan.cmdline_length, 0);
    CHECK(plan_full(img_size, RAM, NULL, 0x1000));
    CHECK_EQ_U64(plan.initrd_addr, RAM - 0x1000);
    /* below initrd_addr_max + 1 when that is lower than RAM's end */
    fresh()->xloadflags = LINUX_XLF_KERNEL_64;
    linux_synth_hdr(img)->initrd_addr_max = 0x37ffffff;
    CHECK(plan_full(img_size, 2ull << 30, NULL, sizeof(initrd)));
    CHECK_EQ_U64(plan.initrd_limit, 0x38000000);
    CHECK_EQ_U64(plan.initrd_addr, 0x38000000 - 0x2000);
    CHECK(plan_full(img_size, RAM, NULL, sizeof(initrd)));
    CHECK_EQ_U64(plan.initrd_limit, RAM);
    CHECK_EQ_U64(plan.initrd_addr, RAM - 0x2000);
    /* an initrd_addr_max that is not page-aligned minus one */
    linux_synth_hdr(img)->initrd_addr_max = 0x2000123;
    CHECK(plan_full(img_size, RAM, NULL, 0x1000));
    CHECK_EQ_U64(plan.initrd_addr, 0x1fff000); /* (0x2000124 - 0x1000) & ~0xfff */
    CHECK(plan.initrd_addr + plan.initrd_size <= 0x2000124);
    /* loadable above 4 GiB: initrd_addr_max does not bind */
    linux_synth_hdr(img)->xloadflags |= LINUX_XLF_CAN_BE_LOADED_ABOVE_4G;
    CHECK(plan_full(img_size, RAM, NULL, 0x1000));
    CHECK_EQ_U64(plan.initrd_addr, RAM - 0x1000);
    /* exactly from the kernel's end */
    fresh();
    CHECK(plan_full(img_size, 0x1802000, NULL, 0x2000));
    CHECK_EQ_U64(plan.initrd_addr, 0x1800000);
}

static void test_truncations(void)
{
    fresh();
    for (u64 size = 0; size < img_size; size++)
        CHECK(!plan_full(size, RAM, NULL, 0));
    CHECK(plan_full(img_size, RAM, NULL, 0));
    /* with trailing bytes (a signature, padding): loaded as kernel bytes */
    CHECK(plan_full(img_size + 0x100, RAM, NULL, 0));
    CHECK_EQ_U64(plan.header.kernel_size, LINUX_SYNTH_KERNEL + 0x100);
}

/* Random damage to the setup header, the file size and the RAM size:
 * whatever is accepted is placed inside RAM, in order, within its limits. */
static void test_mutations(void)
{
    srand(4321);
    unsigned accepted = 0, rejected = 0;
    for (unsigned i = 0; i < 20000; i++) {
        u64 full = linux_synth(img);
        unsigned flips = 1 + rand() % 4;
        for (unsigned f = 0; f < flips; f++) {
            u32 at = LINUX_HDR_OFFSET + rand() % (0x270 - LINUX_HDR_OFFSET);
            img[at] = rand() % 4 ? (u8)rand() : (rand() % 2 ? 0xff : 0);
        }
        u64 n = rand() % 8 ? full : (u64)rand() % (full + 1);
        u64 ram = rand() % 4 ? RAM : (u64)(1 + rand() % 0xc00) << 20;
        u64 rd = rand() % 2 ? (u64)rand() % sizeof(initrd) : 0;
        if (plan_full(n, ram, "x", rd)) {
            accepted++;
            const struct linux_setup_header *h = &plan.header.hdr;
            CHECK(plan.header.kernel_offset + plan.header.kernel_size == n);
            CHECK(plan.kernel_addr >= 0x100000 && plan.kernel_end <= ram);
            CHECK(plan.kernel_addr + plan.header.kernel_size <= plan.kernel_end);
            CHECK(!h->relocatable_kernel || plan.kernel_addr % h->kernel_alignment == 0);
            CHECK(plan.entry == plan.kernel_addr + 0x200);
            CHECK(plan.initrd_limit <= ram);
            CHECK(!rd ||
                  (plan.initrd_addr >= plan.kernel_end &&
                   plan.initrd_addr + rd <= plan.initrd_limit && plan.initrd_addr % 0x1000 == 0));
            CHECK(plan.cmdline_length <= h->cmdline_size);
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
    test_header();
    test_refusals();
    test_placement();
    test_initrd();
    test_truncations();
    test_mutations();
    return check_report("vmm_linux_plan");
}
