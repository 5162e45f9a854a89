/* The loader's system description check (loader/boot/dtb_check.c) on trees
 * built with the host's libfdt. */
#include "check.h"
#include "dtb_check.h"
#include <libfdt.h>
#include <string.h>

static char fdt[4096];
static struct boot_error err;
static const struct vireo_module mods[3] = {
    {.name = "kernel"}, {.name = "init"}, {.name = "system.dtb"}};

/* Root with compatible, /init (module "init"), /servers/<name> (module). */
static void build_n(const char *compat, int compat_len, const char *server_module,
                    bool module_as_string)
{
    CHECK(fdt_create(fdt, sizeof(fdt)) == 0);
    CHECK(fdt_finish_reservemap(fdt) == 0);
    CHECK(fdt_begin_node(fdt, "") == 0);
    if (compat)
        CHECK(fdt_property(fdt, "compatible", compat, compat_len) == 0);
    CHECK(fdt_property_string(fdt, "model", "test") == 0);
    CHECK(fdt_begin_node(fdt, "init") == 0);
    CHECK(fdt_property_string(fdt, "module", "init") == 0);
    CHECK(fdt_end_node(fdt) == 0);
    CHECK(fdt_begin_node(fdt, "servers") == 0);
    CHECK(fdt_begin_node(fdt, "echo") == 0);
    CHECK(fdt_property_u32(fdt, "priority", 3) == 0);
    if (server_module && module_as_string)
        CHECK(fdt_property_string(fdt, "module", server_module) == 0);
    else if (server_module)
        CHECK(fdt_property_u32(fdt, "module", 7) == 0);
    CHECK(fdt_end_node(fdt) == 0);
    CHECK(fdt_end_node(fdt) == 0);
    CHECK(fdt_begin_node(fdt, "tail") == 0);
    CHECK(fdt_end_node(fdt) == 0);
    CHECK(fdt_end_node(fdt) == 0);
    CHECK(fdt_finish(fdt) == 0);
}

static void build(const char *compat, const char *server_module, bool module_as_string)
{
    build_n(compat, compat ? (int)strlen(compat) + 1 : 0, server_module, module_as_string);
}

static bool check(void)
{
    return dtb_check(fdt, fdt_totalsize(fdt), mods, 3, &err);
}

int main(void)
{
    build("vireo,system", "kernel", true);
    CHECK(check());
    /* compatible as a list holding vireo,system. */
    static const char list[] = "acme,board\0vireo,system";
    build_n(list, sizeof(list), NULL, true);
    CHECK(check());

    /* A nested node names a module that was not loaded. */
    build("vireo,system", "echo", true);
    CHECK(!check());
    CHECK(strcmp(err.msg, "system.dtb: /servers/echo: property 'module' names \"echo\", but no "
                          "boot module has that name (modules: kernel, init, system.dtb)") == 0);
    CHECK_EQ_U64(err.status, 3);

    /* "module" must be a string. */
    build("vireo,system", "x", false);
    CHECK(!check());
    CHECK(strstr(err.msg, "/servers/echo: property 'module' must be one non-empty string") != NULL);

    /* Wrong or missing compatible. */
    build("vireo,other", NULL, true);
    CHECK(!check());
    CHECK(strcmp(err.msg, "system.dtb: /: property 'compatible' must contain \"vireo,system\"") ==
          0);
    build(NULL, NULL, true);
    CHECK(!check());
    CHECK(strstr(err.msg, "'compatible' must contain") != NULL);

    /* Corrupt bytes: magic, truncated module, structure damage. */
    build("vireo,system", NULL, true);
    fdt[0] ^= 0xff;
    CHECK(!check());
    CHECK(strcmp(err.msg, "system.dtb: not a valid device tree: FDT_ERR_BADMAGIC") == 0);
    build("vireo,system", NULL, true);
    CHECK(!dtb_check(fdt, fdt_totalsize(fdt) - 8, mods, 3, &err));
    CHECK(strstr(err.msg, "FDT_ERR_TRUNCATED") != NULL);
    CHECK(!dtb_check(fdt, 3, mods, 3, &err));
    build("vireo,system", NULL, true);
    char *structs = fdt + fdt_off_dt_struct(fdt);
    structs[3] = 0x77; /* the root's FDT_BEGIN_NODE tag becomes junk */
    CHECK(!check());
    CHECK(strstr(err.msg, "not a valid device tree: FDT_ERR_") != NULL);
    return check_report("loader_dtb_check");
}
