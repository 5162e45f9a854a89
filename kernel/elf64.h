/* The ELF64 structures and constants the kernel reads (System V gABI and
 * the x86-64 psABI). */
#ifndef KERNEL_ELF64_H
#define KERNEL_ELF64_H

#include <vireo/types.h>

#define ELF_MAGIC0  0x7f
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define EM_X86_64   62

#define PT_NULL    0
#define PT_LOAD    1
#define PT_DYNAMIC 2
#define PT_INTERP  3
#define PT_TLS     7

#define PF_X 1u
#define PF_W 2u
#define PF_R 4u

struct elf64_ehdr {
    u8 ident[16];
    u16 type;
    u16 machine;
    u32 version;
    u64 entry;
    u64 phoff;
    u64 shoff;
    u32 flags;
    u16 ehsize;
    u16 phentsize;
    u16 phnum;
    u16 shentsize;
    u16 shnum;
    u16 shstrndx;
};
VIREO_ABI_SIZE(struct elf64_ehdr, 64);

struct elf64_phdr {
    u32 type;
    u32 flags;
    u64 offset;
    u64 vaddr;
    u64 paddr;
    u64 filesz;
    u64 memsz;
    u64 align;
};
VIREO_ABI_SIZE(struct elf64_phdr, 56);

#endif
