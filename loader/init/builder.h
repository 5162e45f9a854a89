/* Creating and tearing down servers with the capability system calls:
 * each server gets exactly what its node lists (abi/vireo/server_info.h). */
#ifndef INIT_BUILDER_H
#define INIT_BUILDER_H

#include "bindings.h"
#include "elf_plan.h"
#include "frames.h"
#include "policy.h"
#include "selectors.h"
#include <vireo/init_info.h>

#define SEL_NONE VIREO_SERVER_SEL_NONE

/* What init holds for one server. Selectors are in init's space. */
struct server_rt {
    const struct server_desc *desc;
    u32 id; /* index + 1: the badge of its portals */
    const void *image;
    u64 image_size;
    struct elf64_image elf;
    struct server_plan plan;
    bool alive; /* built and not yet torn down */
    u64 pd, ec, sc, pt, fault_pt, mem, shared;
    u64 mem_root, mem_offset, shared_root, shared_offset, shared_pages;
    /* A VMM's VM (vm_builder.h): its PD, RAM and the guest's files. */
    u64 vm_pd, vm_ram, vm_ram_root, vm_ram_offset;
    u64 vm_files, vm_files_root, vm_files_offset, vm_file_pages;
    struct server_record rec;
};

struct init_ctx {
    const struct vireo_init_info *info;
    const struct system_desc *sys;
    struct frame_pool frames;
    struct sel_pool sels;
    u64 sup_ec; /* the supervisor thread, handler of every fault portal */
    struct server_rt rt[INIT_MAX_SERVERS];
};

/* Finds root MEM capabilities (LOOKUP from VIREO_INIT_SEL_MEM to the first
 * empty slot) and sets up the frame and selector pools. */
bool builder_init(struct init_ctx *c);

/* Finds the module and checks its ELF; why names node and property. */
bool builder_prepare(struct init_ctx *c, u32 i, char *why, size_t why_size);

/* Memory, PD, mappings, info page, EC and portals: everything but the SC,
 * so the server does not run yet. On failure (why says which step) what
 * was made is torn down again. */
bool builder_build(struct init_ctx *c, u32 i, char *why, size_t why_size);
/* Delegates the CALL portals and peer PDs between server i and every live
 * server it names or that names it. */
bool builder_wire(struct init_ctx *c, u32 i, char *why, size_t why_size);
/* Creates the SC: the server runs. */
bool builder_start(struct init_ctx *c, u32 i, char *why, size_t why_size);
/* Revokes everything init made for the server (with every capability and
 * mapping derived from it) and frees its frames and selectors. */
void builder_teardown(struct init_ctx *c, u32 i);

/* Shared steps: a child MEM capability of `pages` fresh frames, mapped
 * read-write into init at window and zeroed (why says what failed); and
 * revoking a capability init made (with everything derived) and freeing
 * its selector. */
bool builder_carve(struct init_ctx *c, u64 pages, u64 window, u64 *sel, u64 *root, u64 *offset,
                   char *why, size_t why_size);
void builder_drop(struct init_ctx *c, u64 *sel);

#endif
