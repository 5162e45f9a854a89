/* Where each MTD item lives in struct vireo_vcpu_state (abi/vireo/vmexit.h):
 * one or two byte ranges per item. Pure, in the runtime every side links:
 * the kernel merges replies with it, the VMM's reply fuzzer picks fields
 * with it, host tests check the table against the structure. */
#ifndef VIREO_LIB_VCPU_STATE_H
#define VIREO_LIB_VCPU_STATE_H

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
