/* The memory plan of a server: segment runs with their rights, file
 * copies, the fixed regions, and the ELF rules init applies. */
#include "check.h"
#include "elf_plan.h"
#include <vireo/cap.h>
#include <vireo/server_info.h>
#include <string.h>

static void test_plan(void)
{
    struct elf64_image img = {.entry = 0x400010, .segment_count = 3};
    img.segments[0] = (struct elf64_segment){0x400000, 0x2100, 0x1000, 0x2100, PF_R | PF_X};
    img.segments[1] = (struct elf64_segment){0x403000, 0x10, 0x4000, 0x10, PF_R};
    img.segments[2] = (struct elf64_segment){0x404020, 0x3000, 0x5020, 0x100, PF_R | PF_W};
    struct server_plan p;
    char why[96];
    CHECK(elf_plan_build(&img, 128, &p, why, sizeof(why)));
    CHECK_EQ_U64(p.entry, 0x400010);
    CHECK_EQ_U64(p.map_count, 3 + 4);
    /* text: 3 pages RX at page 0 of the MEM capability */
    CHECK_EQ_U64(p.maps[0].offset, 0);
    CHECK_EQ_U64(p.maps[0].pages, 3);
    CHECK_EQ_U64(p.maps[0].vpage, 0x400);
    CHECK_EQ_U64(p.maps[0].rights, VIREO_MEM_R | VIREO_MEM_X);
    CHECK_EQ_U64(p.maps[1].offset, 3);
    CHECK_EQ_U64(p.maps[1].rights, VIREO_MEM_R);
    /* data: 0x404020 + 0x3000 spans pages 0x404..0x407 */
    CHECK_EQ_U64(p.maps[2].offset, 4);
    CHECK_EQ_U64(p.maps[2].pages, 4);
    CHECK_EQ_U64(p.maps[2].rights, VIREO_MEM_R | VIREO_MEM_W);
    CHECK_EQ_U64(p.copy_count, 3);
    CHECK_EQ_U64(p.copies[2].mem_byte, 4 * 4096 + 0x20);
    CHECK_EQ_U64(p.copies[2].file_offset, 0x5020);
    CHECK_EQ_U64(p.copies[2].bytes, 0x100);
    /* info, UTCB, 16 stack pages, 16 heap pages (128 KiB - 64 KiB) */
    CHECK_EQ_U64(p.info_page, 8);
    CHECK_EQ_U64(p.maps[3].vpage, VIREO_SERVER_INFO_ADDR / 4096);
    CHECK_EQ_U64(p.maps[3].rights, VIREO_MEM_R);
    CHECK_EQ_U64(p.utcb_page, 9);
    CHECK_EQ_U64(p.stack_page, 10);
    CHECK_EQ_U64(p.stack_pages, 16);
    CHECK_EQ_U64(p.maps[5].vpage + p.maps[5].pages, VIREO_SERVER_STACK_TOP / 4096);
    CHECK_EQ_U64(p.heap_page, 26);
    CHECK_EQ_U64(p.heap_pages, 16);
    CHECK_EQ_U64(p.maps[6].vpage, VIREO_SERVER_HEAP_ADDR / 4096);
    CHECK_EQ_U64(p.total_pages, 42);
    for (u32 i = 0; i < p.map_count; i++)
        CHECK(!((p.maps[i].rights & VIREO_MEM_W) && (p.maps[i].rights & VIREO_MEM_X)));

    /* Exactly the stack: no heap mapping. */
    CHECK(elf_plan_build(&img, 64, &p, why, sizeof(why)));
    CHECK_EQ_U64(p.heap_pages, 0);
    CHECK_EQ_U64(p.map_count, 3 + 3);
    CHECK(!elf_plan_build(&img, 60, &p, why, sizeof(why)));
    CHECK(strcmp(why, "memory-kib 60 cannot hold the 64 KiB stack") == 0);
}

/* A minimal ET_EXEC with the given program headers. */
static unsigned char file[0x3000];

static u64 make_elf(const struct elf64_phdr *ph, unsigned n, u64 entry)
{
    memset(file, 0, sizeof(file));
    struct elf64_ehdr eh = {
        .e_ident = {0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT},
        .e_type = ET_EXEC,
        .e_machine = EM_X86_64,
        .e_version = EV_CURRENT,
        .e_entry = entry,
        .e_phoff = 64,
        .e_ehsize = 64,
        .e_phentsize = sizeof(struct elf64_phdr),
        .e_phnum = (u16)n,
    };
    memcpy(file, &eh, sizeof(eh));
    memcpy(file + 64, ph, n * sizeof(*ph));
    return sizeof(file);
}

static void test_rules(void)
{
    struct elf64_image img;
    char why[160];
    struct elf64_phdr ok[2] = {
        {PT_LOAD, PF_R | PF_X, 0x1000, 0x400000, 0x400000, 0x100, 0x100, 0x1000},
        {PT_LOAD, PF_R | PF_W, 0x2000, 0x401000, 0x401000, 0x100, 0x200, 0x1000},
    };
    CHECK(elf64_parse(file, make_elf(ok, 2, 0x400000), &server_elf_rules, &img, why, sizeof(why)));
    CHECK_EQ_U64(img.segment_count, 2);

    struct elf64_phdr wx = {PT_LOAD, PF_R | PF_W | PF_X, 0x1000, 0x400000, 0x400000, 0x100, 0x100,
                            0x1000};
    CHECK(
        !elf64_parse(file, make_elf(&wx, 1, 0x400000), &server_elf_rules, &img, why, sizeof(why)));
    CHECK(strstr(why, "writable and executable") != NULL);

    struct elf64_phdr page0 = {PT_LOAD, PF_R | PF_X, 0x1000, 0x0, 0x0, 0x100, 0x100, 0x1000};
    CHECK(!elf64_parse(file, make_elf(&page0, 1, 0x0), &server_elf_rules, &img, why, sizeof(why)));
    struct elf64_phdr in_heap = {
        PT_LOAD, PF_R | PF_X, 0x1000, VIREO_SERVER_HEAP_ADDR, VIREO_SERVER_HEAP_ADDR,
        0x100,   0x100,       0x1000};
    CHECK(!elf64_parse(file, make_elf(&in_heap, 1, VIREO_SERVER_HEAP_ADDR), &server_elf_rules, &img,
                       why, sizeof(why)));
    struct elf64_phdr shared[2] = {
        {PT_LOAD, PF_R | PF_X, 0x1000, 0x400000, 0x400000, 0x100, 0x100, 0x1000},
        {PT_LOAD, PF_R | PF_W, 0x1800, 0x400800, 0x400800, 0x100, 0x100, 0x1000},
    };
    CHECK(!elf64_parse(file, make_elf(shared, 2, 0x400000), &server_elf_rules, &img, why,
                       sizeof(why)));
}

int main(void)
{
    test_plan();
    test_rules();
    return check_report("init_elf_plan");
}
