/* The Linux zero page (linux_boot_params in linux_boot.h). */
#include "linux_boot.h"
#include "mb1_memory.h"
#include "multiboot1.h"
#include <string.h>

_Static_assert(MB1_MMAP_AVAILABLE == LINUX_E820_RAM && MB1_MMAP_RESERVED == LINUX_E820_RESERVED,
               "the multiboot memory map types are e820's");

void linux_boot_params(const struct linux_plan *plan, const void *image, u64 ram_size,
                       struct linux_boot_params *bp)
{
    memset(bp, 0, sizeof(*bp));
    /* The setup header as the file has it, to its own end (boot.rst:
     * "load the setup header ... into boot_params"). */
    u32 end = plan->header.hdr_end;
    u32 max = LINUX_HDR_OFFSET + sizeof(bp->hdr);
    memcpy(&bp->hdr, (const u8 *)image + LINUX_HDR_OFFSET,
           (end < max ? end : max) - LINUX_HDR_OFFSET);

    struct linux_setup_header *h = &bp->hdr;
    h->type_of_loader = LINUX_LOADER_UNKNOWN;
    h->cmd_line_ptr = (u32)plan->cmdline_addr;
    bp->ext_cmd_line_ptr = (u32)(plan->cmdline_addr >> 32);
    h->ramdisk_image = (u32)plan->initrd_addr;
    h->ramdisk_size = (u32)plan->initrd_size;
    bp->ext_ramdisk_image = (u32)(plan->initrd_addr >> 32);
    bp->ext_ramdisk_size = (u32)(plan->initrd_size >> 32);
    /* Where the kernel went; a relocatable one reads it from its own
     * address, an old one may look here. */
    h->code32_start = (u32)plan->kernel_addr;

    struct mb1_mmap_range map[MB1_MMAP_ENTRIES];
    mb1_memory_map(ram_size, map);
    for (u32 i = 0; i < MB1_MMAP_ENTRIES; i++)
        bp->e820_table[i] = (struct linux_e820_entry){map[i].base, map[i].length, map[i].type};
    bp->e820_entries = MB1_MMAP_ENTRIES;
    /* KiB above 1 MiB, for kernels that look at nothing else. */
    bp->alt_mem_k = (u32)((ram_size - MB1_HIGH_RAM_START) >> 10);
}
