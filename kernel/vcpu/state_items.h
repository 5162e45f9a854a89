/* Where each MTD item lives in struct vireo_vcpu_state (abi/vireo/vmexit.h):
 * one or two byte ranges per item. Pure: the kernel merges replies with
 * it, host tests check the table against the structure. */
#ifndef KERNEL_VCPU_STATE_ITEMS_H
#define KERNEL_VCPU_STATE_ITEMS_H

#include <vireo/vmexit.h>

struct vireo_state_range {
    u16 offset, bytes;
};

/* The ranges of item bit (0..31); a range with 0 bytes ends the list. */
const struct vireo_state_range *vireo_state_item_ranges(u32 bit);

/* Copies the items of mtd from src to dst. */
void vireo_state_copy_items(struct vireo_vcpu_state *dst, const struct vireo_vcpu_state *src,
                            u64 mtd);

#endif
