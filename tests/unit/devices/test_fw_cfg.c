/* Host tests of QEMU's fw_cfg model (servers/devices/fw_cfg.c), through
 * the ports as a guest uses it. */
#include <string.h>

#include "check.h"
#include "fw_cfg.h"

static struct fw_cfg fc;
static struct port_bus bus;

static void setup(u16 cpus, u64 ram)
{
    fw_cfg_init(&fc, cpus, ram);
    port_bus_init(&bus);
    struct port_range r = fw_cfg_port_range(&fc, FW_CFG_PORT_SEL);
    CHECK_EQ_U64(port_bus_add(&bus, &r), 0);
}

static void sel(u16 key)
{
    port_bus_write(&bus, FW_CFG_PORT_SEL, 2, key, 0);
}

static u8 data(void)
{
    return (u8)port_bus_read(&bus, FW_CFG_PORT_DATA, 1, 0);
}

static u64 read_le(unsigned bytes)
{
    u64 v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (u64)data() << (8 * i);
    return v;
}

static u64 read_be(unsigned bytes)
{
    u64 v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v = v << 8 | data();
    return v;
}

static void test_builtin(void)
{
    setup(4, 512ull << 20);
    sel(FW_CFG_SIGNATURE);
    CHECK_EQ_U64(data(), 'Q');
    CHECK_EQ_U64(data(), 'E');
    CHECK_EQ_U64(data(), 'M');
    CHECK_EQ_U64(data(), 'U');
    CHECK_EQ_U64(data(), 0); /* past the end */
    CHECK_EQ_U64(data(), 0);
    sel(FW_CFG_SIGNATURE); /* selecting rewinds */
    CHECK_EQ_U64(data(), 'Q');
    sel(FW_CFG_ID);
    CHECK_EQ_U64(read_le(4), FW_CFG_ID_TRADITIONAL);
    sel(FW_CFG_NB_CPUS);
    CHECK_EQ_U64(read_le(2), 4);
    sel(FW_CFG_MAX_CPUS);
    CHECK_EQ_U64(read_le(2), 4);
    sel(FW_CFG_RAM_SIZE);
    CHECK_EQ_U64(read_le(8), 512ull << 20);
    CHECK_EQ_U64(fw_cfg_item_len(&fc, FW_CFG_RAM_SIZE), 8);
    /* unknown items read 0 */
    sel(FW_CFG_UUID);
    CHECK_EQ_U64(read_le(8), 0);
    CHECK_EQ_U64(fw_cfg_item_len(&fc, FW_CFG_UUID), 0);
    sel(FW_CFG_INVALID);
    CHECK_EQ_U64(data(), 0);
    /* the write-channel bit selects the same item */
    sel(FW_CFG_WRITE_CHANNEL | FW_CFG_SIGNATURE);
    CHECK_EQ_U64(data(), 'Q');
    /* QEMU answers data reads at the selector port too */
    sel(FW_CFG_SIGNATURE);
    CHECK_EQ_U64(port_bus_read(&bus, FW_CFG_PORT_SEL, 1, 0), 'Q');
    CHECK_EQ_U64(data(), 'E');
}

static void test_port_rules(void)
{
    setup(1, 1ull << 30);
    sel(FW_CFG_SIGNATURE);
    /* 8-bit data writes and 8-bit selector writes do not select */
    port_bus_write(&bus, FW_CFG_PORT_DATA, 1, 0x05, 0);
    port_bus_write(&bus, FW_CFG_PORT_SEL, 1, 0x05, 0);
    CHECK_EQ_U64(data(), 'Q');
    /* wider data reads are not the interface: all ones, no byte consumed */
    CHECK_EQ_U64(port_bus_read(&bus, FW_CFG_PORT_SEL, 2, 0), 0xffff);
    CHECK_EQ_U64(data(), 'E');
    /* a 16-bit access at 0x511 becomes byte accesses: data, then open bus */
    CHECK_EQ_U64(port_bus_read(&bus, FW_CFG_PORT_DATA, 2, 0), 0xff00 | 'M');
    /* 32-bit selector writes are split into bytes: ignored */
    port_bus_write(&bus, FW_CFG_PORT_SEL, 4, FW_CFG_NB_CPUS, 0);
    CHECK_EQ_U64(data(), 'U');
    /* offset saturates rather than wrapping to the start */
    fc.offset = 0xffffffffu;
    CHECK_EQ_U64(data(), 0);
    CHECK_EQ_U64(fc.offset, 0xffffffffu);
}

static void test_bytes(void)
{
    setup(1, 0);
    static const char cmdline[] = "console=ttyS0";
    static const u8 arch[2] = {0xaa, 0xbb};
    CHECK_EQ_U64(fw_cfg_add_bytes(&fc, FW_CFG_KERNEL_CMDLINE, cmdline, sizeof(cmdline)), 0);
    CHECK_EQ_U64(fw_cfg_add_bytes(&fc, FW_CFG_ARCH_LOCAL | 3, arch, sizeof(arch)), 0);
    sel(FW_CFG_KERNEL_CMDLINE);
    for (unsigned i = 0; i < sizeof(cmdline); i++)
        CHECK_EQ_U64(data(), (u8)cmdline[i]);
    sel(FW_CFG_ARCH_LOCAL | 3);
    CHECK_EQ_U64(read_le(2), 0xbbaa);
    sel(3); /* not the arch-local item */
    CHECK_EQ_U64(read_le(8), 0);
    /* replacing keeps one entry */
    CHECK_EQ_U64(fw_cfg_add_bytes(&fc, FW_CFG_KERNEL_CMDLINE, arch, 1), 0);
    CHECK_EQ_U64(fc.items, 2);
    CHECK_EQ_U64(fw_cfg_item_len(&fc, FW_CFG_KERNEL_CMDLINE), 1);
    /* keys the model owns are refused */
    static const u16 owned[] = {FW_CFG_SIGNATURE,  FW_CFG_ID,       FW_CFG_NB_CPUS,
                                FW_CFG_MAX_CPUS,   FW_CFG_RAM_SIZE, FW_CFG_FILE_DIR,
                                FW_CFG_FILE_FIRST, 0x3fff,          FW_CFG_INVALID};
    for (unsigned i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
        CHECK_EQ_U64(fw_cfg_add_bytes(&fc, owned[i], arch, 1), (u64)-1);
    /* a full table refuses more */
    for (u16 k = 0; k < 32; k++)
        fw_cfg_add_bytes(&fc, (u16)(FW_CFG_ARCH_LOCAL | 0x100 | k), arch, 1);
    CHECK_EQ_U64(fc.items, FW_CFG_MAX_ITEMS);
    CHECK_EQ_U64(fw_cfg_add_bytes(&fc, FW_CFG_BOOT_MENU, arch, 1), (u64)-1);
}

static void test_files(void)
{
    setup(2, 0);
    static const u8 b[3] = {1, 2, 3}, a[1] = {9}, x[5] = {5, 4, 3, 2, 1};
    sel(FW_CFG_FILE_DIR);
    CHECK_EQ_U64(read_be(4), 0); /* empty directory */
    CHECK_EQ_U64(fw_cfg_add_file(&fc, "etc/b", b, sizeof(b)), 0);
    CHECK_EQ_U64(fw_cfg_add_file(&fc, "opt/x", x, sizeof(x)), 0);
    CHECK_EQ_U64(fw_cfg_add_file(&fc, "etc/a", a, sizeof(a)), 0);
    CHECK_EQ_U64(fw_cfg_add_file(&fc, "etc/a", a, sizeof(a)), (u64)-1);
    CHECK_EQ_U64(fw_cfg_add_file(&fc, "", a, sizeof(a)), (u64)-1);
    char name[FW_CFG_NAME_MAX + 1];
    memset(name, 'n', sizeof(name));
    name[FW_CFG_NAME_MAX] = 0;
    CHECK_EQ_U64(fw_cfg_add_file(&fc, name, a, 1), (u64)-1); /* 56 chars + NUL */
    name[FW_CFG_NAME_MAX - 1] = 0;
    CHECK_EQ_U64(fw_cfg_add_file(&fc, name, a, 1), 0); /* 55 chars fit */
    CHECK_EQ_U64(fw_cfg_file_key(&fc, "etc/a"), FW_CFG_FILE_FIRST);
    CHECK_EQ_U64(fw_cfg_file_key(&fc, "etc/b"), FW_CFG_FILE_FIRST + 1);
    CHECK_EQ_U64(fw_cfg_file_key(&fc, name), FW_CFG_FILE_FIRST + 2);
    CHECK_EQ_U64(fw_cfg_file_key(&fc, "opt/x"), FW_CFG_FILE_FIRST + 3);
    CHECK_EQ_U64(fw_cfg_file_key(&fc, "nope"), FW_CFG_INVALID);
    CHECK_EQ_U64(fw_cfg_item_len(&fc, FW_CFG_FILE_DIR), 4 + 4 * FW_CFG_DIR_ENTRY);

    /* the directory as a guest reads it */
    sel(FW_CFG_FILE_DIR);
    CHECK_EQ_U64(read_be(4), 4);
    static const struct {
        u32 size;
        const char *name;
    } want[] = {{1, "etc/a"}, {3, "etc/b"}, {1, 0}, {5, "opt/x"}};
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ_U64(read_be(4), want[i].size);
        CHECK_EQ_U64(read_be(2), FW_CFG_FILE_FIRST + i);
        CHECK_EQ_U64(read_be(2), 0);
        char got[FW_CFG_NAME_MAX];
        for (unsigned c = 0; c < FW_CFG_NAME_MAX; c++)
            got[c] = (char)data();
        CHECK(got[FW_CFG_NAME_MAX - 1] == 0);
        CHECK(strcmp(got, want[i].name ? want[i].name : name) == 0);
    }
    CHECK_EQ_U64(data(), 0); /* past the directory */

    /* file contents through their keys */
    sel(fw_cfg_file_key(&fc, "opt/x"));
    for (unsigned i = 0; i < sizeof(x); i++)
        CHECK_EQ_U64(data(), x[i]);
    CHECK_EQ_U64(data(), 0);
    sel(fw_cfg_file_key(&fc, "etc/b"));
    CHECK_EQ_U64(read_le(3), 0x030201);
    sel(FW_CFG_FILE_FIRST + 4); /* no such file */
    CHECK_EQ_U64(data(), 0);

    /* a full table refuses more */
    for (unsigned i = 0; i < 20; i++) {
        char n[8] = {'z', 'z', (char)('a' + i), 0};
        fw_cfg_add_file(&fc, n, a, 1);
    }
    CHECK_EQ_U64(fc.files, FW_CFG_MAX_FILES);
    CHECK_EQ_U64(fw_cfg_add_file(&fc, "0", a, 1), (u64)-1);
}

int main(void)
{
    test_builtin();
    test_port_rules();
    test_bytes();
    test_files();
    return check_report("devices_fw_cfg");
}
