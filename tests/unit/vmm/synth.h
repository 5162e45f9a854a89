/* Synthetic multiboot1 images for the VMM boot tests: an a.out-kludge
 * image, an ELF-32 and an ELF-64 one, built into a caller's buffer. */
#ifndef TESTS_UNIT_VMM_SYNTH_H
#define TESTS_UNIT_VMM_SYNTH_H

#include <vireo/types.h>

#define SYNTH_MAX 0x6000

/* Writes a multiboot header at offset `at` with the given flags and a
 * correct checksum; with MB1_HF_AOUT_KLUDGE also the five address fields. */
void synth_header(u8 *img, u32 at, u32 flags, u32 header_addr, u32 load_addr, u32 load_end,
                  u32 bss_end, u32 entry);

/* An a.out-kludge image: header at file offset 0x40, loaded from file
 * offset 0 at 0x100000; 0x1000 file bytes (pattern), bss to 0x103000,
 * entry 0x100080. Returns the file size (0x1000). */
u64 synth_kludge(u8 *img);

/* ELF images without the kludge (header flags: memory info only), two
 * segments linked at 0xc0100000 and loaded at physical 0x100000:
 *   text  R X  file 0x1000..0x1800 -> 0x100000, memsz 0x800
 *   data  R W  file 0x2000..0x2100 -> 0x102000, memsz 0x3000 (bss)
 * entry 0xc0100010 (physically 0x100010). Return the file size (0x3000). */
u64 synth_elf32(u8 *img);
u64 synth_elf64(u8 *img);

/* The program header i of a synthetic ELF image, to mutate. */
struct elf32_phdr *synth_phdr32(u8 *img, int i);
struct elf64_phdr *synth_phdr64(u8 *img, int i);

#endif
