#include "kernel_elf.h"
#include "elf64.h"
#include <vireo/stop.h>
#include <vireo/x86/pte.h>
#include <string.h>

#define BAD_KERNEL "bad kernel image"
#define ULL(x)     ((unsigned long long)(x))

static bool bad(struct boot_error *err, const char *what)
{
    return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL, "kernel: %s", what);
}

static bool check_header(const struct elf64_ehdr *eh, u64 size, struct boot_error *err)
{
    static const u8 magic[4] = {0x7f, 'E', 'L', 'F'};
    if (memcmp(eh->e_ident, magic, sizeof(magic)) != 0)
        return bad(err, "not an ELF file (bad magic)");
    if (eh->e_ident[EI_CLASS] != ELFCLASS64)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                         "kernel: ELF class %u, expected 64-bit (2)", eh->e_ident[EI_CLASS]);
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return bad(err, "not a little-endian ELF file");
    if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return bad(err, "unknown ELF version");
    if (eh->e_machine != EM_X86_64)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                         "kernel: ELF machine %u, expected x86-64 (62)", eh->e_machine);
    if (eh->e_type != ET_EXEC)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                         "kernel: ELF type %u, expected an executable (ET_EXEC, 2)", eh->e_type);
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                         "kernel: program header size %u, expected %u", eh->e_phentsize,
                         (unsigned)sizeof(struct elf64_phdr));
    if (eh->e_phnum == 0)
        return bad(err, "no program headers");
    u64 table = (u64)eh->e_phnum * sizeof(struct elf64_phdr);
    if (eh->e_phoff > size || table > size - eh->e_phoff)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                         "kernel: program headers at offset 0x%llx (%u of them) lie outside the "
                         "module (%llu bytes)",
                         ULL(eh->e_phoff), eh->e_phnum, ULL(size));
    return true;
}

static bool check_segment(const struct elf64_phdr *ph, unsigned i, u64 size, struct boot_error *err)
{
    if (ph->p_vaddr < VIREO_KERNEL_VIRT_BASE)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                         "kernel: segment %u at 0x%llx is below the kernel base 0x%llx", i,
                         ULL(ph->p_vaddr), ULL(VIREO_KERNEL_VIRT_BASE));
    if (ph->p_filesz > ph->p_memsz)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                         "kernel: segment %u: file size 0x%llx exceeds memory size 0x%llx", i,
                         ULL(ph->p_filesz), ULL(ph->p_memsz));
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                         "kernel: segment %u: file bytes at offset 0x%llx (0x%llx bytes) lie "
                         "outside the module (%llu bytes)",
                         i, ULL(ph->p_offset), ULL(ph->p_filesz), ULL(size));
    if (ph->p_memsz > KERNEL_MAX_SPAN ||
        ph->p_vaddr - VIREO_KERNEL_VIRT_BASE > KERNEL_MAX_SPAN - ph->p_memsz)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                         "kernel: segment %u at 0x%llx (0x%llx bytes) reaches beyond 0x%llx", i,
                         ULL(ph->p_vaddr), ULL(ph->p_memsz),
                         ULL(VIREO_KERNEL_VIRT_BASE + KERNEL_MAX_SPAN));
    return true;
}

static bool check_layout(struct kernel_plan *plan, struct boot_error *err)
{
    bool entry_ok = false;
    u64 end = VIREO_KERNEL_VIRT_BASE;
    for (u32 i = 0; i < plan->segment_count; i++) {
        const struct kernel_segment *a = &plan->segments[i];
        for (u32 j = 0; j < i; j++) {
            const struct kernel_segment *b = &plan->segments[j];
            if (a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz)
                return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                                 "kernel: segments at 0x%llx and 0x%llx overlap", ULL(b->vaddr),
                                 ULL(a->vaddr));
        }
        if ((a->flags & PF_X) && plan->entry >= a->vaddr && plan->entry - a->vaddr < a->memsz)
            entry_ok = true;
        if (a->vaddr + a->memsz > end)
            end = a->vaddr + a->memsz;
    }
    if (!entry_ok)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                         "kernel: entry point 0x%llx is not inside an executable segment",
                         ULL(plan->entry));
    plan->size = (end - VIREO_KERNEL_VIRT_BASE + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    return true;
}

bool kernel_elf_check(const void *image, u64 size, struct kernel_plan *plan, struct boot_error *err)
{
    struct elf64_ehdr eh;
    memset(plan, 0, sizeof(*plan));
    if (size < sizeof(eh))
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                         "kernel: %llu bytes, too short for an ELF header", ULL(size));
    memcpy(&eh, image, sizeof(eh));
    if (!check_header(&eh, size, err))
        return false;

    for (unsigned i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, (const u8 *)image + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC || ph.p_type == PT_TLS)
            return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                             "kernel: segment %u has type %u; the kernel must be a static "
                             "executable without TLS",
                             i, ph.p_type);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (!check_segment(&ph, i, size, err))
            return false;
        if (plan->segment_count == KERNEL_MAX_SEGMENTS)
            return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_KERNEL,
                             "kernel: more than %d loadable segments", KERNEL_MAX_SEGMENTS);
        plan->segments[plan->segment_count++] = (struct kernel_segment){
            .vaddr = ph.p_vaddr,
            .offset = ph.p_offset,
            .filesz = ph.p_filesz,
            .memsz = ph.p_memsz,
            .flags = ph.p_flags,
        };
    }
    if (plan->segment_count == 0)
        return bad(err, "no loadable (PT_LOAD) segment");
    plan->entry = eh.e_entry;
    return check_layout(plan, err);
}
