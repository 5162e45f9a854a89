/*
 * The one ELF-64 image check (lib/include/vireo/elf64.h). Every header
 * field is copied out of the image with memcpy after its bytes have been
 * shown to lie inside [image, image + size), so nothing is read outside the
 * image and the image need not be aligned. Every sum is checked against
 * overflow before it is formed.
 */
#include <vireo/elf64.h>
#include <vireo/format.h>
#include <vireo/x86/pte.h>
#include <stdarg.h>
#include <string.h>

#define ULL(x) ((unsigned long long)(x))

struct parse {
    const struct elf64_rules *rules;
    struct elf64_image *out;
    char *why;
    size_t why_size;
};

static bool reject(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool reject(struct parse *p, const char *fmt, ...)
{
    if (p->why && p->why_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnformat(p->why, p->why_size, fmt, ap);
        va_end(ap);
    }
    return false;
}

static const char *range_name(const struct parse *p)
{
    return p->rules->range_name ? p->rules->range_name : "allowed range";
}

static bool check_header(struct parse *p, const struct elf64_ehdr *eh, u64 size)
{
    if (eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' || eh->e_ident[2] != 'L' ||
        eh->e_ident[3] != 'F')
        return reject(p, "not an ELF file (bad magic)");
    if (eh->e_ident[EI_CLASS] != ELFCLASS64)
        return reject(p, "not ELF64: ELF class %u, expected 64-bit (%u)", eh->e_ident[EI_CLASS],
                      ELFCLASS64);
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return reject(p, "not little-endian: ELF data %u, expected %u", eh->e_ident[EI_DATA],
                      ELFDATA2LSB);
    if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return reject(p, "unknown ELF version (e_ident %u, e_version %u; expected %u)",
                      eh->e_ident[EI_VERSION], eh->e_version, EV_CURRENT);
    if (eh->e_machine != EM_X86_64)
        return reject(p, "ELF machine %u, expected x86-64 (%u)", eh->e_machine, EM_X86_64);
    if (eh->e_type != ET_EXEC)
        return reject(p, "ELF type %u, expected an executable (ET_EXEC, %u)", eh->e_type, ET_EXEC);
    if (eh->e_ehsize < sizeof(struct elf64_ehdr))
        return reject(p, "bad e_ehsize %u, expected at least %u", eh->e_ehsize,
                      (unsigned)sizeof(struct elf64_ehdr));
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return reject(p, "program header size %u (e_phentsize), expected %u", eh->e_phentsize,
                      (unsigned)sizeof(struct elf64_phdr));
    if (eh->e_phnum == 0)
        return reject(p, "no program headers");
    if (eh->e_phnum > ELF64_MAX_PHDRS)
        return reject(p, "too many program headers (%u, at most %u)", eh->e_phnum, ELF64_MAX_PHDRS);
    u64 table = (u64)eh->e_phnum * sizeof(struct elf64_phdr); /* at most 64 * 56 */
    if (eh->e_phoff > size || table > size - eh->e_phoff)
        return reject(p,
                      "program headers at offset 0x%llx (%u of them) lie outside the file "
                      "(%llu bytes)",
                      ULL(eh->e_phoff), eh->e_phnum, ULL(size));
    if (eh->e_phoff % 8)
        return reject(p, "misaligned program headers (offset 0x%llx, need a multiple of 8)",
                      ULL(eh->e_phoff));
    return true;
}

/* The checks of one PT_LOAD segment on its own. */
static bool check_load(struct parse *p, const struct elf64_phdr *ph, unsigned i, u64 size)
{
    const struct elf64_rules *r = p->rules;
    if (ph->p_filesz > ph->p_memsz)
        return reject(p, "segment %u: file size 0x%llx exceeds memory size 0x%llx", i,
                      ULL(ph->p_filesz), ULL(ph->p_memsz));
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
        return reject(p,
                      "segment %u: file bytes at offset 0x%llx (0x%llx bytes) lie outside the "
                      "file (%llu bytes)",
                      i, ULL(ph->p_offset), ULL(ph->p_filesz), ULL(size));
    if (ph->p_memsz == 0)
        return reject(p, "segment %u: empty (memory size 0)", i);
    if (ph->p_vaddr < r->low || ph->p_vaddr >= r->high || ph->p_memsz > r->high - ph->p_vaddr)
        return reject(p, "segment %u: 0x%llx+0x%llx is outside the %s [0x%llx, 0x%llx)", i,
                      ULL(ph->p_vaddr), ULL(ph->p_memsz), range_name(p), ULL(r->low), ULL(r->high));
    if (r->separate_pages && (ph->p_vaddr - ph->p_offset) % PAGE_SIZE)
        return reject(p,
                      "segment %u: address 0x%llx and file offset 0x%llx differ modulo the "
                      "page size",
                      i, ULL(ph->p_vaddr), ULL(ph->p_offset));
    if (ph->p_align & (ph->p_align - 1)) /* 0 and 1 mean no alignment */
        return reject(p, "segment %u: alignment 0x%llx is not a power of two", i, ULL(ph->p_align));
    if (ph->p_flags & ~(PF_R | PF_W | PF_X))
        return reject(p, "segment %u: unknown flags 0x%x", i, ph->p_flags);
    if (r->forbid_wx && (ph->p_flags & PF_W) && (ph->p_flags & PF_X))
        return reject(p, "segment %u at 0x%llx is writable and executable", i, ULL(ph->p_vaddr));
    return true;
}

/* Inclusive [first, last] in bytes, or in pages when separate_pages; the
 * range check guarantees vaddr + memsz <= high, so last does not wrap. */
static void extent(const struct parse *p, u64 vaddr, u64 memsz, u64 *first, u64 *last)
{
    *first = vaddr;
    *last = vaddr + (memsz - 1);
    if (p->rules->separate_pages) {
        *first /= PAGE_SIZE;
        *last /= PAGE_SIZE;
    }
}

static bool check_overlap(struct parse *p, const struct elf64_phdr *ph, unsigned i)
{
    u64 first, last;
    extent(p, ph->p_vaddr, ph->p_memsz, &first, &last);
    for (u32 j = 0; j < p->out->segment_count; j++) {
        const struct elf64_segment *o = &p->out->segments[j];
        u64 o_first, o_last;
        extent(p, o->vaddr, o->memsz, &o_first, &o_last);
        if (first <= o_last && o_first <= last) {
            if (p->rules->separate_pages)
                return reject(p, "segment %u at 0x%llx shares pages with the segment at 0x%llx", i,
                              ULL(ph->p_vaddr), ULL(o->vaddr));
            return reject(p, "segment %u at 0x%llx (0x%llx bytes) overlaps the segment at 0x%llx",
                          i, ULL(ph->p_vaddr), ULL(ph->p_memsz), ULL(o->vaddr));
        }
    }
    return true;
}

static bool check_entry(struct parse *p, u64 entry)
{
    for (u32 j = 0; j < p->out->segment_count; j++) {
        const struct elf64_segment *s = &p->out->segments[j];
        if (entry >= s->vaddr && entry - s->vaddr < s->memsz) {
            if (!(s->flags & PF_X))
                return reject(p,
                              "entry point 0x%llx is not inside an executable segment (it is "
                              "in the non-executable segment at 0x%llx)",
                              ULL(entry), ULL(s->vaddr));
            return true;
        }
    }
    return reject(p,
                  "entry point 0x%llx is not inside an executable segment (it is outside "
                  "every loadable segment)",
                  ULL(entry));
}

static bool parse(struct parse *p, const void *image, u64 size)
{
    if (!image)
        return reject(p, "no image");
    if (size < sizeof(struct elf64_ehdr))
        return reject(p, "file too short for an ELF header (%llu bytes, need %u)", ULL(size),
                      (unsigned)sizeof(struct elf64_ehdr));
    struct elf64_ehdr eh;
    memcpy(&eh, image, sizeof(eh));
    if (!check_header(p, &eh, size))
        return false;

    struct elf64_image *out = p->out;
    const u8 *bytes = image;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, bytes + eh.e_phoff + (u64)i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
            return reject(p,
                          "dynamically linked: segment %u has type %s; need a static "
                          "executable",
                          i, ph.p_type == PT_INTERP ? "PT_INTERP" : "PT_DYNAMIC");
        if (ph.p_type == PT_TLS)
            return reject(p, "thread-local storage is not supported (segment %u is PT_TLS)", i);
        if (ph.p_type != PT_LOAD)
            continue;
        if (!check_load(p, &ph, i, size) || !check_overlap(p, &ph, i))
            return false;
        if (out->segment_count == ELF64_MAX_SEGMENTS)
            return reject(p, "more than %u loadable segments", ELF64_MAX_SEGMENTS);
        out->segments[out->segment_count++] = (struct elf64_segment){
            .vaddr = ph.p_vaddr,
            .memsz = ph.p_memsz,
            .offset = ph.p_offset,
            .filesz = ph.p_filesz,
            .flags = ph.p_flags,
        };
        if (out->segment_count == 1 || ph.p_vaddr < out->low)
            out->low = ph.p_vaddr;
        if (ph.p_vaddr + ph.p_memsz > out->high)
            out->high = ph.p_vaddr + ph.p_memsz;
    }
    if (out->segment_count == 0)
        return reject(p, "no loadable segment (PT_LOAD)");
    out->entry = eh.e_entry;
    return check_entry(p, eh.e_entry);
}

bool elf64_parse(const void *image, u64 size, const struct elf64_rules *rules,
                 struct elf64_image *out, char *why, size_t why_size)
{
    struct parse p = {.rules = rules, .out = out, .why = why, .why_size = why_size};
    memset(out, 0, sizeof(*out));
    if (why && why_size)
        why[0] = '\0';
    if (parse(&p, image, size))
        return true;
    memset(out, 0, sizeof(*out));
    return false;
}
