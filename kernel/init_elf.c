#include "init_elf.h"
#include <string.h>
#include <vireo/format.h>
#include <vireo/x86/pte.h>

#define REJECT(...)                                                                                \
    do {                                                                                           \
        snformat(why, why_size, __VA_ARGS__);                                                      \
        return false;                                                                              \
    } while (0)

static u64 page_down(u64 v)
{
    return v & ~(PAGE_SIZE - 1);
}

/* Page-rounded end; callers have ruled out overflow past INIT_ELF_HIGH. */
static u64 page_up(u64 v)
{
    return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static bool check_header(const struct elf64_ehdr *eh, u64 size, char *why, size_t why_size)
{
    if (eh->ident[0] != ELF_MAGIC0 || eh->ident[1] != 'E' || eh->ident[2] != 'L' ||
        eh->ident[3] != 'F')
        REJECT("not an ELF file (bad magic)");
    if (eh->ident[4] != ELFCLASS64)
        REJECT("not ELF64 (class %u)", eh->ident[4]);
    if (eh->ident[5] != ELFDATA2LSB)
        REJECT("not little-endian (data %u)", eh->ident[5]);
    if (eh->ident[6] != EV_CURRENT || eh->version != EV_CURRENT)
        REJECT("bad ELF version %u", eh->version);
    if (eh->type != ET_EXEC)
        REJECT("not a static executable (e_type %u, need ET_EXEC)", eh->type);
    if (eh->machine != EM_X86_64)
        REJECT("not x86-64 (e_machine %u)", eh->machine);
    if (eh->ehsize < sizeof(struct elf64_ehdr))
        REJECT("bad e_ehsize %u", eh->ehsize);
    if (eh->phentsize != sizeof(struct elf64_phdr))
        REJECT("bad e_phentsize %u", eh->phentsize);
    if (eh->phnum == 0)
        REJECT("no program headers");
    if (eh->phnum > INIT_ELF_MAX_PHDRS)
        REJECT("too many program headers (%u, at most %u)", eh->phnum, INIT_ELF_MAX_PHDRS);
    u64 table = (u64)eh->phnum * sizeof(struct elf64_phdr);
    if (eh->phoff > size || table > size - eh->phoff)
        REJECT("program headers outside the file (offset 0x%llx)", (unsigned long long)eh->phoff);
    if (eh->phoff % 8)
        REJECT("misaligned program headers (offset 0x%llx)", (unsigned long long)eh->phoff);
    return true;
}

static bool check_load(const struct elf64_phdr *ph, unsigned index, u64 size, char *why,
                       size_t why_size)
{
    unsigned long long va = ph->vaddr;
    if (ph->filesz > ph->memsz)
        REJECT("segment %u: file size 0x%llx exceeds memory size 0x%llx", index,
               (unsigned long long)ph->filesz, (unsigned long long)ph->memsz);
    if (ph->offset > size || ph->filesz > size - ph->offset)
        REJECT("segment %u: file bytes outside the file (offset 0x%llx, size 0x%llx)", index,
               (unsigned long long)ph->offset, (unsigned long long)ph->filesz);
    if (ph->memsz == 0)
        REJECT("segment %u: empty", index);
    if (ph->vaddr < INIT_ELF_LOW || ph->vaddr >= INIT_ELF_HIGH ||
        ph->memsz > INIT_ELF_HIGH - ph->vaddr)
        REJECT("segment %u: 0x%llx+0x%llx is outside the user range [0x%llx, 0x%llx)", index, va,
               (unsigned long long)ph->memsz, (unsigned long long)INIT_ELF_LOW,
               (unsigned long long)INIT_ELF_HIGH);
    if ((ph->vaddr - ph->offset) % PAGE_SIZE)
        REJECT("segment %u: address 0x%llx and file offset 0x%llx differ modulo the page size",
               index, va, (unsigned long long)ph->offset);
    if (ph->align > 1 && (ph->align & (ph->align - 1)))
        REJECT("segment %u: alignment 0x%llx is not a power of two", index,
               (unsigned long long)ph->align);
    if ((ph->flags & PF_W) && (ph->flags & PF_X))
        REJECT("segment %u at 0x%llx is writable and executable", index, va);
    if (ph->flags & ~(PF_R | PF_W | PF_X))
        REJECT("segment %u: unknown flags 0x%x", index, ph->flags);
    return true;
}

bool init_elf_check(const void *image, u64 size, struct init_elf *out, char *why, size_t why_size)
{
    if (!image || size < sizeof(struct elf64_ehdr))
        REJECT("file too small for an ELF header (%llu bytes)", (unsigned long long)size);
    struct elf64_ehdr eh;
    memcpy(&eh, image, sizeof(eh)); /* the module need not be aligned */
    if (!check_header(&eh, size, why, why_size))
        return false;

    out->entry = eh.entry;
    out->segment_count = 0;
    const u8 *bytes = image;
    for (unsigned i = 0; i < eh.phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, bytes + eh.phoff + (u64)i * sizeof(ph), sizeof(ph));
        if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC)
            REJECT("dynamically linked (segment %u has type %u)", i, ph.type);
        if (ph.type == PT_TLS)
            REJECT("thread-local storage is not supported (segment %u)", i);
        if (ph.type != PT_LOAD)
            continue;
        if (!check_load(&ph, i, size, why, why_size))
            return false;
        u64 start = page_down(ph.vaddr), end = page_up(ph.vaddr + ph.memsz);
        for (u32 j = 0; j < out->segment_count; j++) {
            const struct init_elf_segment *o = &out->segments[j];
            u64 o_start = page_down(o->vaddr), o_end = page_up(o->vaddr + o->memsz);
            if (start < o_end && o_start < end)
                REJECT("segment %u at 0x%llx shares pages with the segment at 0x%llx", i,
                       (unsigned long long)ph.vaddr, (unsigned long long)o->vaddr);
        }
        out->segments[out->segment_count++] = (struct init_elf_segment){
            .vaddr = ph.vaddr,
            .memsz = ph.memsz,
            .offset = ph.offset,
            .filesz = ph.filesz,
            .flags = ph.flags,
        };
    }
    if (out->segment_count == 0)
        REJECT("no loadable segment");

    for (u32 j = 0; j < out->segment_count; j++) {
        const struct init_elf_segment *s = &out->segments[j];
        if (eh.entry >= s->vaddr && eh.entry < s->vaddr + s->memsz) {
            if (!(s->flags & PF_X))
                REJECT("entry point 0x%llx is in a non-executable segment",
                       (unsigned long long)eh.entry);
            return true;
        }
    }
    REJECT("entry point 0x%llx is outside every loadable segment", (unsigned long long)eh.entry);
}
