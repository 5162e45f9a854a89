/* The multiboot1 header scan (servers/vmm/mb1_header.c): where a header
 * may be, its checksum, its length, its flags. Every image is parsed from
 * a heap block exactly its size, so a read past the end is caught. */
#include "check.h"
#include "mb1_header.h"
#include "multiboot1.h"
#include "synth.h"
#include <stdlib.h>
#include <string.h>

static u8 img[0x4000] __attribute__((aligned(8)));
static struct mb1_header h;
static char why[256];

static bool find(u64 size)
{
    u8 *copy = malloc(size ? size : 1);
    memcpy(copy, img, size);
    memset(why, 'x', sizeof(why));
    const struct mb1_why w = {why, sizeof(why)};
    bool ok = mb1_header_find(copy, size, &h, &w);
    free(copy);
    CHECK(memchr(why, '\0', sizeof(why)) != NULL);
    return ok;
}

#define REJECTS(size, needle)                                                                      \
    do {                                                                                           \
        CHECK(!find(size));                                                                        \
        if (!strstr(why, needle)) {                                                                \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: reason \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, why,        \
                    needle);                                                                       \
        }                                                                                          \
    } while (0)

static void test_positions(void)
{
    memset(img, 0, sizeof(img));
    synth_header(img, 0, MB1_HF_MEMORY_INFO, 0, 0, 0, 0, 0);
    CHECK(find(12));
    CHECK_EQ_U64(h.offset, 0);
    CHECK_EQ_U64(h.flags, MB1_HF_MEMORY_INFO);
    CHECK_EQ_U64(h.load_addr, 0);

    /* The last aligned place a 12-byte header fits in 8 KiB. */
    memset(img, 0, sizeof(img));
    synth_header(img, 8192 - 12, 0, 0, 0, 0, 0, 0);
    CHECK(find(sizeof(img)));
    CHECK_EQ_U64(h.offset, 8192 - 12);

    /* From 8 KiB on it is not searched. */
    memset(img, 0, sizeof(img));
    synth_header(img, 8192, 0, 0, 0, 0, 0, 0);
    REJECTS(sizeof(img), "not found 4-byte aligned in the first 8192 bytes");
    /* Straddling the 8 KiB boundary: magic inside, checksum outside. */
    memset(img, 0, sizeof(img));
    synth_header(img, 8192 - 8, 0, 0, 0, 0, 0, 0);
    REJECTS(sizeof(img), "checksum does not add up");

    /* Unaligned magic is no header. */
    memset(img, 0, sizeof(img));
    synth_header(img, 0x102, 0, 0, 0, 0, 0, 0);
    REJECTS(sizeof(img), "not found");

    /* A short file: searched up to its end only. */
    memset(img, 0, sizeof(img));
    synth_header(img, 0x20, 0, 0, 0, 0, 0, 0);
    CHECK(find(0x2c));
    REJECTS(0x2b, "no multiboot header");
    REJECTS(0, "no multiboot header");
    REJECTS(3, "no multiboot header");
}

static void test_checksum(void)
{
    memset(img, 0, sizeof(img));
    synth_header(img, 0x100, MB1_HF_MEMORY_INFO, 0, 0, 0, 0, 0);
    img[0x108] ^= 1;
    REJECTS(sizeof(img), "magic 0x1badb002 at offset 0x100 but its checksum does not add up");

    /* A bad header first, a good one later: the good one counts. */
    synth_header(img, 0x200, MB1_HF_PAGE_ALIGN, 0, 0, 0, 0, 0);
    CHECK(find(sizeof(img)));
    CHECK_EQ_U64(h.offset, 0x200);
    CHECK_EQ_U64(h.flags, MB1_HF_PAGE_ALIGN);

    /* Two good ones: the first. */
    synth_header(img, 0x100, 0, 0, 0, 0, 0, 0);
    CHECK(find(sizeof(img)));
    CHECK_EQ_U64(h.offset, 0x100);
}

static void test_kludge_fields(void)
{
    memset(img, 0, sizeof(img));
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE, 0x100040, 0x100000, 0x101000, 0x103000, 0x100080);
    CHECK(find(0x1000));
    CHECK_EQ_U64(h.offset, 0x40);
    CHECK_EQ_U64(h.header_addr, 0x100040);
    CHECK_EQ_U64(h.load_addr, 0x100000);
    CHECK_EQ_U64(h.load_end_addr, 0x101000);
    CHECK_EQ_U64(h.bss_end_addr, 0x103000);
    CHECK_EQ_U64(h.entry_addr, 0x100080);
    /* The address fields must be in the file... */
    CHECK(find(0x40 + 32));
    REJECTS(0x40 + 31, "is cut off by the end of the file");
    /* ...and in the first 8 KiB. */
    memset(img, 0, sizeof(img));
    synth_header(img, 8192 - 20, MB1_HF_AOUT_KLUDGE, 1, 2, 3, 4, 5);
    REJECTS(sizeof(img), "extends beyond the first 8192 bytes");
    synth_header(img, 8192 - 32, MB1_HF_AOUT_KLUDGE, 1, 2, 3, 4, 5);
    CHECK(find(sizeof(img)));
    CHECK_EQ_U64(h.entry_addr, 5);
}

static void test_flags(void)
{
    /* Bits 3-15 are requirements nobody here knows. */
    for (u32 bit = 3; bit < 16; bit++) {
        memset(img, 0, sizeof(img));
        synth_header(img, 0, 1u << bit, 0, 0, 0, 0, 0);
        REJECTS(sizeof(img), "requires features");
    }
    memset(img, 0, sizeof(img));
    synth_header(img, 0, MB1_HF_MEMORY_INFO | (1u << 9), 0, 0, 0, 0, 0);
    REJECTS(sizeof(img), "requires features 0x200 (flags 0x202)");
    /* Optional bits 17-31 are ignored. */
    synth_header(img, 0, MB1_HF_MEMORY_INFO | 0xfffe0000u, 0, 0, 0, 0, 0);
    CHECK(find(sizeof(img)));
    /* Video mode: accepted (as QEMU), its four fields read when present. */
    memset(img, 0, sizeof(img));
    synth_header(img, 0x10, MB1_HF_VIDEO_MODE | MB1_HF_AOUT_KLUDGE, 1, 2, 3, 4, 5);
    u32 video[4] = {1, 1024, 768, 32};
    memcpy(img + 0x10 + MB1_H_MODE_TYPE, video, sizeof(video));
    CHECK(find(0x10 + 48));
    CHECK_EQ_U64(h.mode_type, 1);
    CHECK_EQ_U64(h.width, 1024);
    CHECK_EQ_U64(h.height, 768);
    CHECK_EQ_U64(h.depth, 32);
    REJECTS(0x10 + 47, "(flags 0x10004, 48 bytes) is cut off");
}

static void test_no_image(void)
{
    const struct mb1_why w = {why, sizeof(why)};
    CHECK(!mb1_header_find(NULL, 100, &h, &w));
    CHECK(strstr(why, "no image") != NULL);
    /* A zero-sized reason buffer is allowed. */
    const struct mb1_why none = {NULL, 0};
    CHECK(!mb1_header_find(img, 0, &h, &none));
}

int main(void)
{
    test_positions();
    test_checksum();
    test_kludge_fields();
    test_flags();
    test_no_image();
    return check_report("vmm_header");
}
