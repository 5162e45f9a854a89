/*
 * hello: the smallest guest. Greets, then checks what the multiboot loader
 * handed over: the magic, plausible memory sizes, a memory map that holds
 * this image, and the command line when one was given ("hello=world" is
 * what the tests pass: tools/run-bare --append).
 */
#include <guest/layout.h>
#include <guest/multiboot.h>
#include <guest/rt.h>
#include <string.h>

const char guest_name[] = "hello";

extern const char __image_start[], __image_end[];

static void check_memory(const struct mb1_info *mb)
{
    if (!rt_check(mb->flags & MB1_INFO_MEM, "multiboot: mem_lower/mem_upper present", "flags %#x",
                  mb->flags))
        return;
    rt_printf("hello: mem_lower %u KiB, mem_upper %u KiB\n", mb->mem_lower, mb->mem_upper);
    /* Conventional memory is at most 640 KiB; PCs report 600-640 KiB. */
    rt_check(mb->mem_lower >= 512 && mb->mem_lower <= 640, "multiboot: mem_lower plausible",
             "%u KiB", mb->mem_lower);
    /* The guests boot with 128 MiB (QEMU -m 128, Bochs megs: 128); take
     * anything from 16 MiB to 3 GiB above 1 MiB as sane. */
    rt_check(mb->mem_upper >= 16 * 1024 && mb->mem_upper <= 3 * 1024 * 1024,
             "multiboot: mem_upper plausible", "%u KiB", mb->mem_upper);
}

static void check_mmap(const struct mb1_info *mb)
{
    if (!(mb->flags & MB1_INFO_MMAP)) {
        rt_note("no multiboot memory map (flags %#x)", mb->flags);
        return;
    }
    uint64_t start = (uint64_t)__image_start, end = (uint64_t)__image_end, usable = 0;
    bool holds_image = false;
    unsigned n = 0;
    for (uint32_t off = 0; off + 4 <= mb->mmap_length && n < 64; n++) {
        const struct mb1_mmap_entry *e = (const void *)(uintptr_t)(mb->mmap_addr + off);
        rt_printf("hello: mmap 0x%010lx-0x%010lx type %u\n", (unsigned long)e->addr,
                  (unsigned long)(e->addr + e->len - 1), e->type);
        if (e->type == 1) {
            usable += e->len;
            holds_image |= e->addr <= start && e->addr + e->len >= end;
        }
        off += e->size + 4;
    }
    rt_check(n > 0, "multiboot: memory map has entries", "length %u", mb->mmap_length);
    rt_check(holds_image, "multiboot: memory map: usable RAM holds the image",
             "no type-1 entry covers %#lx-%#lx", start, end);
    /* mem_upper counts only up to the first hole; the map counts all. */
    rt_check(usable / 1024 >= mb->mem_upper, "multiboot: memory map total >= mem_upper",
             "%lu KiB usable, mem_upper %u KiB", (unsigned long)(usable / 1024), mb->mem_upper);
}

static bool contains(const char *s, const char *part)
{
    for (size_t n = strlen(part); *s; s++)
        if (!strncmp(s, part, n))
            return true;
    return false;
}

static void check_cmdline(const struct mb1_info *mb)
{
    if (!(mb->flags & MB1_INFO_CMDLINE)) {
        rt_note("no command line (flags %#x)", mb->flags);
        return;
    }
    const char *c = rt_cmdline();
    bool printable = true;
    for (const char *p = c; *p; p++)
        printable &= *p >= 0x20 && *p < 0x7f;
    rt_check(printable, "multiboot: command line is printable text", "\"%s\"", c);
    /* QEMU puts the image's path first, GRUB 2 passes only the words after
     * it; the multiboot specification allows both. */
    if (contains(c, "hello="))
        rt_check(rt_cmdline_has("hello=world"), "multiboot: command line argument passed",
                 "expected hello=world in \"%s\"", c);
}

void guest_main(void)
{
    rt_printf("hello: hello from a multiboot guest\n");
    if (!rt_check(rt_mb_magic == MB1_BOOT_MAGIC, "multiboot: magic 0x2badb002 in %eax", "got %#x",
                  rt_mb_magic))
        return;
    const struct mb1_info *mb = mb1_info();
    rt_printf("hello: boot information at %#x, flags %#x\n", rt_mb_info, mb->flags);
    if (mb->flags & MB1_INFO_LOADER)
        rt_printf("hello: boot loader \"%s\"\n", (const char *)(uintptr_t)mb->boot_loader_name);
    check_memory(mb);
    check_mmap(mb);
    check_cmdline(mb);
}
