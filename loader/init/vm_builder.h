/* The VM of a VMM server (abi/bindings.md, /vms; abi/vireo/server_info.h):
 * built with the server, torn down with it. Every function is a no-op for
 * a server without `vm`. */
#ifndef INIT_VM_BUILDER_H
#define INIT_VM_BUILDER_H

#include "builder.h"

/* Pages of guest RAM. */
u64 vm_ram_pages(const struct vm_desc *vm);
/* Checks the guest's boot modules exist; sizes the file copy. */
bool vm_prepare(struct init_ctx *c, struct server_rt *r, char *why, size_t why_size);
/* Blocks added to the VMM's quota for its page tables of the VM's RAM and files. */
u64 vm_vmm_extra_quota(const struct init_ctx *c, const struct server_rt *r);
/* The VM part of the VMM's info page. */
void vm_fill_info(const struct init_ctx *c, const struct server_rt *r, struct vireo_vm_info *in);
/* RAM, files, the VM PD and what the VMM (r->pd, already created) gets. */
bool vm_build(struct init_ctx *c, struct server_rt *r, char *why, size_t why_size);
/* Revokes all of it and frees the frames. */
void vm_teardown(struct init_ctx *c, struct server_rt *r);

#endif
