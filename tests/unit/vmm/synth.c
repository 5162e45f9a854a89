/* Synthetic multiboot1 images (synth.h). */
#include "synth.h"
#include "multiboot1.h"
#include <vireo/elf64.h>
#include <string.h>

static void put32(u8 *p, u32 v)
{
    memcpy(p, &v, 4);
}

void synth_header(u8 *img, u32 at, u32 flags, u32 header_addr, u32 load_addr, u32 load_end,
                  u32 bss_end, u32 entry)
{
    u8 *h = img + at;
    put32(h + MB1_H_MAGIC, MB1_HEADER_MAGIC);
    put32(h + MB1_H_FLAGS, flags);
    put32(h + MB1_H_CHECKSUM, -(MB1_HEADER_MAGIC + flags));
    if (flags & MB1_HF_AOUT_KLUDGE) {
        put32(h + MB1_H_HEADER_ADDR, header_addr);
        put32(h + MB1_H_LOAD_ADDR, load_addr);
        put32(h + MB1_H_LOAD_END_ADDR, load_end);
        put32(h + MB1_H_BSS_END_ADDR, bss_end);
        put32(h + MB1_H_ENTRY_ADDR, entry);
    }
}

static void pattern(u8 *img, u64 from, u64 to)
{
    for (u64 i = from; i < to; i++)
        img[i] = (u8)(i * 7 + 3);
}

u64 synth_kludge(u8 *img)
{
    memset(img, 0, SYNTH_MAX);
    pattern(img, 0, 0x1000);
    synth_header(img, 0x40, MB1_HF_AOUT_KLUDGE | MB1_HF_MEMORY_INFO, 0x100040, 0x100000, 0x101000,
                 0x103000, 0x100080);
    return 0x1000;
}

/* The multiboot header sits after the program headers, inside the text. */
#define ELF_MB_OFFSET 0x1000

u64 synth_elf32(u8 *img)
{
    memset(img, 0, SYNTH_MAX);
    pattern(img, 0x1000, 0x3000);
    struct elf32_ehdr eh = {
        .e_ident = {0x7f, 'E', 'L', 'F', ELFCLASS32, ELFDATA2LSB, EV_CURRENT},
        .e_type = ET_EXEC,
        .e_machine = EM_386,
        .e_version = EV_CURRENT,
        .e_entry = 0xc0100010,
        .e_phoff = sizeof(struct elf32_ehdr),
        .e_ehsize = sizeof(struct elf32_ehdr),
        .e_phentsize = sizeof(struct elf32_phdr),
        .e_phnum = 3,
    };
    memcpy(img, &eh, sizeof(eh));
    *synth_phdr32(img, 0) = (struct elf32_phdr){PT_LOAD, 0x1000, 0xc0100000,  0x100000,
                                                0x800,   0x800,  PF_R | PF_X, 0x1000};
    *synth_phdr32(img, 1) = (struct elf32_phdr){PT_LOAD, 0x2000, 0xc0102000,  0x102000,
                                                0x100,   0x3000, PF_R | PF_W, 0x1000};
    *synth_phdr32(img, 2) = (struct elf32_phdr){0x6474e551, 0, 0, 0, 0, 0, PF_R | PF_W, 0x10};
    synth_header(img, ELF_MB_OFFSET, MB1_HF_MEMORY_INFO | MB1_HF_PAGE_ALIGN, 0, 0, 0, 0, 0);
    return 0x3000;
}

u64 synth_elf64(u8 *img)
{
    memset(img, 0, SYNTH_MAX);
    pattern(img, 0x1000, 0x3000);
    struct elf64_ehdr eh = {
        .e_ident = {0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT},
        .e_type = ET_EXEC,
        .e_machine = EM_X86_64,
        .e_version = EV_CURRENT,
        .e_entry = 0xc0100010,
        .e_phoff = sizeof(struct elf64_ehdr),
        .e_ehsize = sizeof(struct elf64_ehdr),
        .e_phentsize = sizeof(struct elf64_phdr),
        .e_phnum = 3,
    };
    memcpy(img, &eh, sizeof(eh));
    *synth_phdr64(img, 0) = (struct elf64_phdr){PT_LOAD,  PF_R | PF_X, 0x1000, 0xc0100000,
                                                0x100000, 0x800,       0x800,  0x1000};
    *synth_phdr64(img, 1) = (struct elf64_phdr){PT_LOAD,  PF_R | PF_W, 0x2000, 0xc0102000,
                                                0x102000, 0x100,       0x3000, 0x1000};
    *synth_phdr64(img, 2) = (struct elf64_phdr){0x6474e551, PF_R | PF_W, 0, 0, 0, 0, 0, 0x10};
    synth_header(img, ELF_MB_OFFSET, MB1_HF_MEMORY_INFO | MB1_HF_PAGE_ALIGN, 0, 0, 0, 0, 0);
    return 0x3000;
}

struct elf32_phdr *synth_phdr32(u8 *img, int i)
{
    return (struct elf32_phdr *)(img + sizeof(struct elf32_ehdr) + sizeof(struct elf32_phdr) * i);
}

struct elf64_phdr *synth_phdr64(u8 *img, int i)
{
    return (struct elf64_phdr *)(img + sizeof(struct elf64_ehdr) + sizeof(struct elf64_phdr) * i);
}
