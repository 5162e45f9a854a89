/*
 * The one ELF image check (lib/include/vireo/elf64.h): ELF-64, and ELF-32
 * widened to the 64-bit structures when the rules allow it. Every header
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

/* The sizes and machine each class must have. */
struct elf_class_info {
    unsigned ehsize, phentsize, phalign;
    u16 machine;
    const char *machine_name;
};

static const struct elf_class_info class64 = {sizeof(struct elf64_ehdr), sizeof(struct elf64_phdr),
                                              8, EM_X86_64, "x86-64"};
static const struct elf_class_info class32 = {sizeof(struct elf32_ehdr), sizeof(struct elf32_phdr),
                                              4, EM_386, "i386"};

static bool check_ident(struct parse *p, const u8 *ident)
{
    if (ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F')
        return reject(p, "not an ELF file (bad magic)");
    if (ident[EI_CLASS] == ELFCLASS32 && p->rules->allow_elf32)
        return true;
    if (ident[EI_CLASS] != ELFCLASS64) {
        if (p->rules->allow_elf32)
            return reject(p, "ELF class %u, expected 32-bit (%u) or 64-bit (%u)", ident[EI_CLASS],
                          ELFCLASS32, ELFCLASS64);
        return reject(p, "not ELF64: ELF class %u, expected 64-bit (%u)", ident[EI_CLASS],
                      ELFCLASS64);
    }
    return true;
}

/* The ELF-32 header in the 64-bit structure (every field widens). */
static void widen_ehdr(const struct elf32_ehdr *e, struct elf64_ehdr *w)
{
    memcpy(w->e_ident, e->e_ident, EI_NIDENT);
    w->e_type = e->e_type;
    w->e_machine = e->e_machine;
    w->e_version = e->e_version;
    w->e_entry = e->e_entry;
    w->e_phoff = e->e_phoff;
    w->e_shoff = e->e_shoff;
    w->e_flags = e->e_flags;
    w->e_ehsize = e->e_ehsize;
    w->e_phentsize = e->e_phentsize;
    w->e_phnum = e->e_phnum;
    w->e_shentsize = e->e_shentsize;
    w->e_shnum = e->e_shnum;
    w->e_shstrndx = e->e_shstrndx;
}

static void widen_phdr(const struct elf32_phdr *e, struct elf64_phdr *w)
{
    *w = (struct elf64_phdr){
        .p_type = e->p_type,
        .p_flags = e->p_flags,
        .p_offset = e->p_offset,
        .p_vaddr = e->p_vaddr,
        .p_paddr = e->p_paddr,
        .p_filesz = e->p_filesz,
        .p_memsz = e->p_memsz,
        .p_align = e->p_align,
    };
}

static bool check_header(struct parse *p, const struct elf64_ehdr *eh,
                         const struct elf_class_info *c, u64 size)
{
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return reject(p, "not little-endian: ELF data %u, expected %u", eh->e_ident[EI_DATA],
                      ELFDATA2LSB);
    if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return reject(p, "unknown ELF version (e_ident %u, e_version %u; expected %u)",
                      eh->e_ident[EI_VERSION], eh->e_version, EV_CURRENT);
    if (eh->e_machine != c->machine)
        return reject(p, "ELF machine %u, expected %s (%u)", eh->e_machine, c->machine_name,
                      c->machine);
    if (eh->e_type != ET_EXEC)
        return reject(p, "ELF type %u, expected an executable (ET_EXEC, %u)", eh->e_type, ET_EXEC);
    if (eh->e_ehsize < c->ehsize)
        return reject(p, "bad e_ehsize %u, expected at least %u", eh->e_ehsize, c->ehsize);
    if (eh->e_phentsize != c->phentsize)
        return reject(p, "program header size %u (e_phentsize), expected %u", eh->e_phentsize,
                      c->phentsize);
    if (eh->e_phnum == 0)
        return reject(p, "no program headers");
    if (eh->e_phnum > ELF64_MAX_PHDRS)
        return reject(p, "too many program headers (%u, at most %u)", eh->e_phnum, ELF64_MAX_PHDRS);
    u64 table = (u64)eh->e_phnum * c->phentsize; /* at most 64 * 56 */
    if (eh->e_phoff > size || table > size - eh->e_phoff)
        return reject(p,
                      "program headers at offset 0x%llx (%u of them) lie outside the file "
                      "(%llu bytes)",
                      ULL(eh->e_phoff), eh->e_phnum, ULL(size));
    if (eh->e_phoff % c->phalign)
        return reject(p, "misaligned program headers (offset 0x%llx, need a multiple of %u)",
                      ULL(eh->e_phoff), c->phalign);
    return true;
}

/* Where a segment goes: p_vaddr, or p_paddr for a physical loader. */
static u64 load_addr(const struct parse *p, const struct elf64_phdr *ph)
{
    return p->rules->load_by_paddr ? ph->p_paddr : ph->p_vaddr;
}

/* The checks of one PT_LOAD segment on its own. */
static bool check_load(struct parse *p, const struct elf64_phdr *ph, unsigned i, u64 size)
{
    const struct elf64_rules *r = p->rules;
    u64 at = load_addr(p, ph);
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
    if (at < r->low || at >= r->high || ph->p_memsz > r->high - at)
        return reject(p, "segment %u: 0x%llx+0x%llx is outside the %s [0x%llx, 0x%llx)", i, ULL(at),
                      ULL(ph->p_memsz), range_name(p), ULL(r->low), ULL(r->high));
    if (r->separate_pages && (at - ph->p_offset) % PAGE_SIZE)
        return reject(p,
                      "segment %u: address 0x%llx and file offset 0x%llx differ modulo the "
                      "page size",
                      i, ULL(at), ULL(ph->p_offset));
    if (ph->p_align & (ph->p_align - 1)) /* 0 and 1 mean no alignment */
        return reject(p, "segment %u: alignment 0x%llx is not a power of two", i, ULL(ph->p_align));
    if (ph->p_flags & ~(PF_R | PF_W | PF_X))
        return reject(p, "segment %u: unknown flags 0x%x", i, ph->p_flags);
    if (r->forbid_wx && (ph->p_flags & PF_W) && (ph->p_flags & PF_X))
        return reject(p, "segment %u at 0x%llx is writable and executable", i, ULL(at));
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
    u64 at = load_addr(p, ph);
    u64 first, last;
    extent(p, at, ph->p_memsz, &first, &last);
    for (u32 j = 0; j < p->out->segment_count; j++) {
        const struct elf64_segment *o = &p->out->segments[j];
        u64 o_first, o_last;
        extent(p, o->vaddr, o->memsz, &o_first, &o_last);
        if (first <= o_last && o_first <= last) {
            if (p->rules->separate_pages)
                return reject(p, "segment %u at 0x%llx shares pages with the segment at 0x%llx", i,
                              ULL(at), ULL(o->vaddr));
            return reject(p, "segment %u at 0x%llx (0x%llx bytes) overlaps the segment at 0x%llx",
                          i, ULL(at), ULL(ph->p_memsz), ULL(o->vaddr));
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

/* Reads the file header of either class into *eh (widened). */
static bool read_header(struct parse *p, const u8 *bytes, u64 size, struct elf64_ehdr *eh,
                        const struct elf_class_info **c)
{
    unsigned least = p->rules->allow_elf32 ? class32.ehsize : class64.ehsize;
    if (size < least)
        return reject(p, "file too short for an ELF header (%llu bytes, need %u)", ULL(size),
                      least);
    if (!check_ident(p, bytes))
        return false;
    *c = bytes[EI_CLASS] == ELFCLASS32 ? &class32 : &class64;
    if (size < (*c)->ehsize)
        return reject(p, "file too short for an ELF header (%llu bytes, need %u)", ULL(size),
                      (*c)->ehsize);
    if (*c == &class32) {
        struct elf32_ehdr e32;
        memcpy(&e32, bytes, sizeof(e32));
        widen_ehdr(&e32, eh);
    } else {
        memcpy(eh, bytes, sizeof(*eh));
    }
    return check_header(p, eh, *c, size);
}

static void read_phdr(const u8 *at, const struct elf_class_info *c, struct elf64_phdr *ph)
{
    if (c == &class32) {
        struct elf32_phdr p32;
        memcpy(&p32, at, sizeof(p32));
        widen_phdr(&p32, ph);
    } else {
        memcpy(ph, at, sizeof(*ph));
    }
}

/* A physical loader's entry: e_entry moved from the p_vaddr to the p_paddr
 * of the executable segment whose file bytes hold it (QEMU's rule). */
static u64 physical_entry(const struct parse *p, const u8 *bytes, const struct elf64_ehdr *eh,
                          const struct elf_class_info *c)
{
    if (!p->rules->load_by_paddr)
        return eh->e_entry;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr ph;
        read_phdr(bytes + eh->e_phoff + (u64)i * c->phentsize, c, &ph);
        if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && ph.p_vaddr != ph.p_paddr &&
            eh->e_entry >= ph.p_vaddr && eh->e_entry - ph.p_vaddr < ph.p_filesz)
            return eh->e_entry - ph.p_vaddr + ph.p_paddr;
    }
    return eh->e_entry;
}

static bool parse(struct parse *p, const void *image, u64 size)
{
    if (!image)
        return reject(p, "no image");
    const u8 *bytes = image;
    struct elf64_ehdr eh;
    const struct elf_class_info *c = &class64;
    if (!read_header(p, bytes, size, &eh, &c))
        return false;

    struct elf64_image *out = p->out;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr ph;
        read_phdr(bytes + eh.e_phoff + (u64)i * c->phentsize, c, &ph);
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
        u64 at = load_addr(p, &ph);
        out->segments[out->segment_count++] = (struct elf64_segment){
            .vaddr = at,
            .memsz = ph.p_memsz,
            .offset = ph.p_offset,
            .filesz = ph.p_filesz,
            .flags = ph.p_flags,
        };
        if (out->segment_count == 1 || at < out->low)
            out->low = at;
        if (at + ph.p_memsz > out->high)
            out->high = at + ph.p_memsz;
    }
    if (out->segment_count == 0)
        return reject(p, "no loadable segment (PT_LOAD)");
    out->entry = physical_entry(p, bytes, &eh, c);
    out->elf_class = c == &class32 ? ELFCLASS32 : ELFCLASS64;
    return check_entry(p, out->entry);
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
