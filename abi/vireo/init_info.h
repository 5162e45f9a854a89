/*
 * What the kernel gives the root task, init. init's ELF is loaded at its
 * link addresses (user half); the kernel maps, read-only, this info page and
 * the system description, plus a stack and init's UTCB, then enters init's
 * ELF entry in ring 3 with %rdi = VIREO_INIT_INFO_ADDR and %rsp at the top
 * of the stack (16-byte aligned, as after a call: (%rsp + 8) % 16 == 0).
 */
#ifndef VIREO_ABI_INIT_INFO_H
#define VIREO_ABI_INIT_INFO_H

#include <vireo/types.h>

#define VIREO_INIT_INFO_ADDR  0x00007fff00000000ull /* one page, read-only */
#define VIREO_INIT_UTCB_ADDR  0x00007fff00010000ull /* one page */
#define VIREO_INIT_STACK_TOP  0x00007fff00800000ull
#define VIREO_INIT_STACK_SIZE 0x40000ull            /* 256 KiB */
#define VIREO_INIT_DTB_ADDR   0x00007ffe00000000ull /* system.dtb, read-only */

#define VIREO_INIT_MAGIC 0x54494e494f524956ull /* "VIROINIT" */

struct vireo_init_info {
    u64 magic;
    u64 dtb_addr; /* user address of the system description */
    u64 dtb_size;
    u64 utcb_addr;
    u32 cpu_count;
    u32 virt; /* enum vireo_virt_kind: what the kernel detected */
};
VIREO_ABI_SIZE(struct vireo_init_info, 40);

enum vireo_virt_kind {
    VIREO_VIRT_NONE = 0,
    VIREO_VIRT_VMX = 1,
    VIREO_VIRT_SVM = 2,
};

#endif
