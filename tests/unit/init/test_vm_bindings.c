/* init's reading of a /vms node's CPUID policy (abi/bindings.md):
 * `paravirt` (none, minimal, kvm) and `cpuid-disable` (names of
 * abi/vireo/x86/cpuid.h's table; FIXED ones refused), with the messages
 * naming node and property. */
#include "check.h"
#include "bindings.h"
#include <libfdt.h>
#include <string.h>

static char tree[8192];

enum { VM_PHANDLE = 1 };

/* A VMM and its VM; the VM node gets `paravirt` (if pv) and
 * `cpuid-disable` (if list: len bytes, NUL-separated names). */
static void build(const char *pv, const char *list, int len)
{
    CHECK(fdt_create(tree, sizeof(tree)) == 0);
    CHECK(fdt_finish_reservemap(tree) == 0);
    CHECK(fdt_begin_node(tree, "") == 0);
    CHECK(fdt_begin_node(tree, "vms") == 0);
    CHECK(fdt_begin_node(tree, "guest") == 0);
    CHECK(fdt_property_string(tree, "kernel", "guest") == 0);
    CHECK(fdt_property_u32(tree, "memory-mib", 32) == 0);
    CHECK(fdt_property_u32(tree, "phandle", VM_PHANDLE) == 0);
    if (pv)
        CHECK(fdt_property_string(tree, "paravirt", pv) == 0);
    if (list)
        CHECK(fdt_property(tree, "cpuid-disable", list, len) == 0);
    CHECK(fdt_end_node(tree) == 0);
    CHECK(fdt_end_node(tree) == 0);
    CHECK(fdt_begin_node(tree, "servers") == 0);
    CHECK(fdt_begin_node(tree, "vmm") == 0);
    CHECK(fdt_property_string(tree, "module", "vmm") == 0);
    CHECK(fdt_property_u32(tree, "priority", 50) == 0);
    CHECK(fdt_property_u32(tree, "quota", 256) == 0);
    CHECK(fdt_property_u32(tree, "memory-kib", 512) == 0);
    CHECK(fdt_property(tree, "own-pd", NULL, 0) == 0);
    CHECK(fdt_property_u32(tree, "vm", VM_PHANDLE) == 0);
    CHECK(fdt_end_node(tree) == 0);
    CHECK(fdt_end_node(tree) == 0);
    CHECK(fdt_end_node(tree) == 0);
    CHECK(fdt_finish(tree) == 0);
}

static struct system_desc sys;
static char why[200];

static bool parse(const char *pv, const char *list, int len)
{
    build(pv, list, len);
    return bindings_parse(tree, &sys, why, sizeof(why));
}

static void expect_error(const char *pv, const char *list, int len, const char *message)
{
    bool ok = parse(pv, list, len);
    CHECK(!ok);
    if (ok || strcmp(why, message) != 0)
        fprintf(stderr, "  got \"%s\"\n  expected \"%s\"\n", ok ? "(accepted)" : why, message);
}

static u32 feature(const char *name)
{
    for (u32 f = 0; f < VIREO_CPUID_FEATURE_COUNT; f++) {
        if (strcmp(vireo_cpuid_feature(f)->name, name) == 0)
            return f;
    }
    CHECK(!"a feature of the table");
    return 0;
}

static void test_paravirt(void)
{
    CHECK(parse(NULL, NULL, 0));
    CHECK_EQ_U64(sys.vm_count, 1);
    CHECK_EQ_U64(sys.vms[0].paravirt, VIREO_PARAVIRT_MINIMAL);
    static const struct {
        const char *name;
        u32 value;
    } names[] = {{"none", VIREO_PARAVIRT_NONE},
                 {"minimal", VIREO_PARAVIRT_MINIMAL},
                 {"kvm", VIREO_PARAVIRT_KVM}};
    for (u32 i = 0; i < 3; i++) {
        CHECK(parse(names[i].name, NULL, 0));
        CHECK_EQ_U64(sys.vms[0].paravirt, names[i].value);
    }
    expect_error("KVM", NULL, 0,
                 "/vms/guest: property 'paravirt' is \"KVM\", must be \"none\", \"minimal\" or "
                 "\"kvm\"");
    expect_error("hyperv", NULL, 0,
                 "/vms/guest: property 'paravirt' is \"hyperv\", must be \"none\", \"minimal\" or "
                 "\"kvm\"");
}

static void test_cpuid_disable(void)
{
    /* Absent: nothing removed. */
    CHECK(parse(NULL, NULL, 0));
    CHECK_EQ_U64(sys.vms[0].cpuid_disable[0], 0);
    CHECK_EQ_U64(sys.vms[0].cpuid_disable[1], 0);
    /* A list: exactly those, in either word of the set. */
    static const char list[] = "avx\0x2apic\0invtsc\0avx";
    CHECK(parse(NULL, list, sizeof(list)));
    u64 want[VIREO_CPUID_SET_WORDS] = {0, 0};
    const char *names[] = {"avx", "x2apic", "invtsc"};
    for (u32 i = 0; i < 3; i++) {
        u32 f = feature(names[i]);
        want[f / 64] |= 1ull << (f % 64);
    }
    CHECK(feature("invtsc") >= 64); /* the second word is used */
    CHECK_EQ_U64(sys.vms[0].cpuid_disable[0], want[0]);
    CHECK_EQ_U64(sys.vms[0].cpuid_disable[1], want[1]);
    /* Every optional name is accepted, alone. */
    unsigned optional = 0;
    for (u32 f = 0; f < VIREO_CPUID_FEATURE_COUNT; f++) {
        const struct vireo_cpuid_feature_info *i = vireo_cpuid_feature(f);
        const char *n = i->name;
        bool ok = parse(NULL, n, (int)strlen(n) + 1);
        if (i->kind == VIREO_CPUID_KIND_FIXED) {
            CHECK(!ok);
            continue;
        }
        optional++;
        CHECK(ok);
        CHECK(vireo_cpuid_set_has(sys.vms[0].cpuid_disable, f));
        CHECK_EQ_U64(sys.vms[0].cpuid_disable[f / 64], 1ull << (f % 64));
    }
    CHECK(optional > 60);
    /* Names are unique in the table. */
    for (u32 a = 0; a < VIREO_CPUID_FEATURE_COUNT; a++) {
        for (u32 b = a + 1; b < VIREO_CPUID_FEATURE_COUNT; b++)
            CHECK(strcmp(vireo_cpuid_feature(a)->name, vireo_cpuid_feature(b)->name) != 0);
    }

    expect_error(NULL, "avx\0avx3", 9,
                 "/vms/guest: property 'cpuid-disable' names \"avx3\", which is no CPUID feature");
    expect_error(NULL, "AVX", 4,
                 "/vms/guest: property 'cpuid-disable' names \"AVX\", which is no CPUID feature");
    expect_error(NULL, "avx\0\0sse3", 10,
                 "/vms/guest: property 'cpuid-disable' names \"\", which is no CPUID feature");
    expect_error(NULL, "lm", 3,
                 "/vms/guest: property 'cpuid-disable' names \"lm\", which Vireo's guests always "
                 "have");
    expect_error(NULL, "sse2", 5,
                 "/vms/guest: property 'cpuid-disable' names \"sse2\", which Vireo's guests always "
                 "have");
    expect_error(NULL, "avx", 3,
                 "/vms/guest: property 'cpuid-disable' must be a list of feature names");
    expect_error(NULL, "", 0,
                 "/vms/guest: property 'cpuid-disable' must be a list of feature names");
    CHECK(!parse(NULL, "\x01\x02\x03\x04", 4));
}

int main(void)
{
    test_paravirt();
    test_cpuid_disable();
    return check_report("init_vm_bindings");
}
