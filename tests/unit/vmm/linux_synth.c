/* Synthetic bzImages (linux_synth.h). */
#include "linux_synth.h"
#include <string.h>

struct linux_setup_header *linux_synth_hdr(u8 *img)
{
    return (struct linux_setup_header *)(img + LINUX_HDR_OFFSET);
}

u64 linux_synth(u8 *img)
{
    memset(img, 0, LINUX_SYNTH_MAX);
    const u64 offset = (LINUX_SYNTH_SECTS + 1) * LINUX_SECTOR;
    struct linux_setup_header *h = linux_synth_hdr(img);
    h->setup_sects = LINUX_SYNTH_SECTS;
    h->syssize = LINUX_SYNTH_KERNEL / 16;
    h->vid_mode = 0xffff;
    h->boot_flag = LINUX_BOOT_FLAG;
    /* jmp short over the header, to 0x26c */
    h->jump = (u16)(0xeb | (0x26c - LINUX_HDR_JUMP_END) << 8);
    h->header = LINUX_HDRS_MAGIC;
    h->version = 0x020f;
    h->loadflags = LINUX_LOADED_HIGH;
    h->code32_start = 0x100000;
    h->initrd_addr_max = 0x7fffffff;
    h->kernel_alignment = 0x200000;
    h->relocatable_kernel = 1;
    h->xloadflags = LINUX_XLF_KERNEL_64 | LINUX_XLF_CAN_BE_LOADED_ABOVE_4G;
    h->cmdline_size = 2047;
    h->pref_address = LINUX_SYNTH_PREF;
    h->init_size = LINUX_SYNTH_INIT;
    img[0x26c] = 0x5a; /* setup code after the header: must not reach boot_params */
    for (u64 i = 0; i < LINUX_SYNTH_KERNEL; i++)
        img[offset + i] = linux_synth_byte(i);
    return offset + LINUX_SYNTH_KERNEL;
}
