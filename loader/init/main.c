/* init: the first user task. It checks its start-up contract
 * (abi/vireo/init_info.h), walks the system description with libfdt and
 * decodes with Zydis; then it builds and supervises the servers the
 * description lists (system.c) and exits with 0 iff each met its
 * expectation; the kernel stops the system with init's status. */
#include <vireo/user.h>
#include <vireo/init_info.h>
#include <vireo/utcb.h>
#include "fdt_summary.h"
#include "decode_check.h"
#include "system.h"
#include <libfdt.h>

static const char *const virt_names[] = {"none", "VT-x", "AMD-V"};

/* Checks the canary the stack protector reads at %fs:0x28 is the UTCB's. */
static bool fs_points_at_utcb(const struct vireo_init_info *info)
{
    u64 self, guard;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(self));
    __asm__ volatile("movq %%fs:0x28, %0" : "=r"(guard));
    const struct vireo_utcb *utcb = (const struct vireo_utcb *)info->utcb_addr;
    return self == info->utcb_addr && guard == utcb->head.stack_guard && guard != 0;
}

static int check_decoder(void)
{
    /* cpuid; mov eax, [rbx+0x20]; vmcall: exits the VMM will decode. */
    static const u8 code[] = {0x0f, 0xa2, 0x8b, 0x43, 0x20, 0x0f, 0x01, 0xc1};
    static const char *const expect[] = {"cpuid", "mov eax, [rbx+0x20]", "vmcall"};
    size_t off = 0;
    for (unsigned i = 0; i < 3; i++) {
        char text[96];
        unsigned n = decode_one(code + off, sizeof(code) - off, text, sizeof(text));
        if (n == 0) {
            printf("zydis: no instruction at offset %zu\n", off);
            return 1;
        }
        bool same = true;
        for (unsigned k = 0;; k++) {
            if (text[k] != expect[i][k]) {
                same = false;
                break;
            }
            if (!text[k])
                break;
        }
        printf("zydis: %u bytes at +%zu: %s%s\n", n, off, text, same ? "" : " (unexpected)");
        if (!same)
            return 1;
        off += n;
    }
    return 0;
}

int main(const struct vireo_init_info *info);
int main(const struct vireo_init_info *info)
{
    if (info->magic != VIREO_INIT_MAGIC)
        user_fatal("bad init info magic %#lx\n", (unsigned long)info->magic);
    printf("vireo init running in ring 3, %u CPU(s), virtualization %s\n", info->cpu_count,
           info->virt < 3 ? virt_names[info->virt] : "?");
    if (!fs_points_at_utcb(info))
        user_fatal("%%fs does not point at the UTCB with a stack guard\n");
    user_utcb = (struct vireo_utcb *)info->utcb_addr;

    struct fdt_summary sum;
    int err = fdt_summarize((const void *)info->dtb_addr, info->dtb_size, &sum);
    if (err)
        user_fatal("libfdt: system description unreadable: %s\n", fdt_strerror(err));
    printf(
        "libfdt: system description \"%s\": %u nodes, %u properties, depth %u; %u name a module\n",
        sum.model ? sum.model : "(no model)", sum.nodes, sum.properties, sum.max_depth,
        sum.modules);

    if (check_decoder())
        user_fatal("zydis: decoder check failed\n");
    puts("start-up checks passed");
    return system_run(info);
}
