/* Reads and checks /servers (abi/bindings.md). Every problem is reported
 * as "/servers/NAME: property 'P' ..." so the author can find it. */
#include "bindings.h"
#include <vireo/cap.h>
#include <vireo/format.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const void *fdt;
    struct system_desc *out;
    char *why;
    size_t why_size;
    int nodes[INIT_MAX_SERVERS];           /* fdt offset of each server's node */
    char where[VIREO_SERVER_NAME_LEN + 8]; /* the node being read: "/servers/NAME" */
};

static void at_node(struct parser *p, const char *parent, const char *name)
{
    snformat(p->where, sizeof(p->where), "/%s/%s", parent, name);
}

static bool fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct parser *p, const char *fmt, ...)
{
    if (p->why_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnformat(p->why, p->why_size, fmt, ap);
        va_end(ap);
    }
    return false;
}

static u32 be32(const void *p)
{
    const u8 *b = p;
    return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

/* Optional u32: absent leaves *v alone. Out of [lo, hi] is an error. */
static bool get_u32(struct parser *p, int node, const char *prop, u32 lo, u32 hi, bool required,
                    u32 *v)
{
    int len;
    const void *data = fdt_getprop(p->fdt, node, prop, &len);
    if (!data) {
        if (required)
            return fail(p, "%s: property '%s' is missing", p->where, prop);
        return true;
    }
    if (len != 4)
        return fail(p, "%s: property '%s' must be one u32 cell, not %d bytes", p->where, prop, len);
    u32 x = be32(data);
    if (x < lo || x > hi)
        return fail(p, "%s: property '%s' is %u, must be %u..%u", p->where, prop, x, lo, hi);
    *v = x;
    return true;
}

/* A NUL-terminated, non-empty string, or NULL when absent. */
static bool get_string(struct parser *p, int node, const char *prop, const char **v)
{
    int len;
    const char *data = fdt_getprop(p->fdt, node, prop, &len);
    *v = NULL;
    if (!data)
        return true;
    if (len < 2 || data[len - 1] != '\0' || strlen(data) != (size_t)len - 1)
        return fail(p, "%s: property '%s' must be one non-empty string", p->where, prop);
    *v = data;
    return true;
}

static bool get_flag(struct parser *p, int node, const char *prop, bool *v)
{
    int len;
    *v = fdt_getprop(p->fdt, node, prop, &len) != NULL;
    if (*v && len != 0)
        return fail(p, "%s: property '%s' takes no value", p->where, prop);
    return true;
}

/* A phandle list naming other servers: indices into out->servers. */
static bool get_refs(struct parser *p, int node, u32 self, const char *prop, u32 max, u32 *refs,
                     u32 *count)
{
    int len;
    const u8 *data = fdt_getprop(p->fdt, node, prop, &len);
    *count = 0;
    if (!data)
        return true;
    if (len == 0 || len % 4)
        return fail(p, "%s: property '%s' must be a list of phandles", p->where, prop);
    if ((u32)len / 4 > max)
        return fail(p, "%s: property '%s' names %d servers, at most %u", p->where, prop, len / 4,
                    max);
    for (u32 i = 0; i < (u32)len / 4; i++) {
        u32 ph = be32(data + 4 * i);
        int target = fdt_node_offset_by_phandle(p->fdt, ph);
        u32 idx = INIT_MAX_SERVERS;
        for (u32 k = 0; target >= 0 && k < p->out->count; k++) {
            if (p->nodes[k] == target)
                idx = k;
        }
        if (idx == INIT_MAX_SERVERS)
            return fail(p, "%s: property '%s' entry %u is not a server under /servers", p->where,
                        prop, i);
        if (idx == self)
            return fail(p, "%s: property '%s' names the server itself", p->where, prop);
        for (u32 k = 0; k < *count; k++) {
            if (refs[k] == idx)
                return fail(p, "%s: property '%s' names %s twice", p->where, prop,
                            p->out->servers[idx].name);
        }
        refs[(*count)++] = idx;
    }
    return true;
}

static const char *const known_props[] = {
    "module",     "priority",    "budget-us",    "quota",
    "memory-kib", "restart",     "max-restarts", "provides-portal",
    "calls",      "delegate-to", "own-pd",       "shared-memory-kib",
    "expect",     "arg",         "phandle",      "linux,phandle",
    "compatible", "vm",          "stop-on-exit", "console-input",
};

static const char *const vm_props[] = {
    "memory-mib", "kernel",  "cmdline",       "modules",    "quota",    "priority",
    "budget-us",  "phandle", "linux,phandle", "compatible", "paravirt", "cpuid-disable",
};

static bool check_props(struct parser *p, int node, const char *const *known, size_t count)
{
    int prop;
    fdt_for_each_property_offset(prop, p->fdt, node)
    {
        const char *pname = NULL;
        int len;
        if (!fdt_getprop_by_offset(p->fdt, prop, &pname, &len) || !pname)
            return fail(p, "%s: unreadable property", p->where);
        bool ok = false;
        for (size_t i = 0; i < count; i++)
            ok = ok || strcmp(pname, known[i]) == 0;
        if (!ok)
            return fail(p, "%s: property '%s' is unknown", p->where, pname);
    }
    return true;
}

static bool parse_restart(struct parser *p, int node, struct server_desc *s)
{
    const char *text;
    if (!get_string(p, node, "restart", &text))
        return false;
    if (!text || strcmp(text, "stop") == 0)
        s->restart = POLICY_STOP;
    else if (strcmp(text, "restart") == 0)
        s->restart = POLICY_RESTART;
    else if (strcmp(text, "ignore") == 0)
        s->restart = POLICY_IGNORE;
    else
        return fail(p,
                    "%s: property 'restart' is \"%s\", must be \"restart\", "
                    "\"stop\" or \"ignore\"",
                    p->where, text);
    s->max_restarts = SERVER_DEFAULT_MAX_RESTARTS;
    return get_u32(p, node, "max-restarts", 0, SERVER_MAX_RESTART, false, &s->max_restarts);
}

static bool parse_misc(struct parser *p, int node, struct server_desc *s)
{
    const char *text;
    if (!get_string(p, node, "expect", &text))
        return false;
    s->expect = (struct expectation){.exit = true, .exit_status = 0};
    if (text && !expectation_parse(text, &s->expect))
        return fail(p,
                    "%s: property 'expect' is \"%s\", must be \"exit N\", "
                    "\"fault [at ADDR]\" or \"fault [at ADDR] then exit N\"",
                    p->where, text);
    int len;
    const void *arg = fdt_getprop(p->fdt, node, "arg", &len);
    if (arg && len == 4)
        s->arg = be32(arg);
    else if (arg && len == 8)
        s->arg = (u64)be32(arg) << 32 | be32((const u8 *)arg + 4);
    else if (arg)
        return fail(p, "%s: property 'arg' must be one or two cells, not %d bytes", p->where, len);
    if (!get_flag(p, node, "provides-portal", &s->provides_portal) ||
        !get_flag(p, node, "own-pd", &s->own_pd) ||
        !get_flag(p, node, "stop-on-exit", &s->stop_on_exit) ||
        !get_flag(p, node, "console-input", &s->console_input))
        return false;
    return true;
}

static bool parse_server(struct parser *p, int node, struct server_desc *s)
{
    if (!check_props(p, node, known_props, sizeof(known_props) / sizeof(known_props[0])))
        return false;
    if (!get_string(p, node, "module", &s->module))
        return false;
    if (!s->module)
        return fail(p, "%s: property 'module' is missing", p->where);
    s->budget_us = SERVER_DEFAULT_BUDGET_US;
    if (!get_u32(p, node, "priority", 1, VIREO_PRIO_MAX, true, &s->priority) ||
        !get_u32(p, node, "budget-us", 1, (u32)VIREO_SC_BUDGET_MAX_US, false, &s->budget_us) ||
        !get_u32(p, node, "quota", SERVER_MIN_QUOTA, SERVER_MAX_QUOTA, true, &s->quota) ||
        !get_u32(p, node, "memory-kib", VIREO_SERVER_STACK_SIZE / 1024, SERVER_MAX_MEM_KIB, true,
                 &s->memory_kib) ||
        !get_u32(p, node, "shared-memory-kib", 4, SERVER_MAX_MEM_KIB, false, &s->shared_kib))
        return false;
    if (s->memory_kib % 4)
        return fail(p, "%s: property 'memory-kib' is %u, not a multiple of 4 (pages)", p->where,
                    s->memory_kib);
    if (s->shared_kib % 4)
        return fail(p,
                    "%s: property 'shared-memory-kib' is %u, not a multiple of 4 "
                    "(pages)",
                    p->where, s->shared_kib);
    return parse_restart(p, node, s) && parse_misc(p, node, s);
}

/* Default VM quota: the guest-physical page tables of its RAM (4 blocks
 * a table), its vCPU and SC, the exit portals' capability chunks, slack. */
static u32 vm_default_quota(u32 memory_mib)
{
    u32 pages = memory_mib * 256;
    u32 tables = pages / 512 + pages / (512 * 512) + 4;
    return tables * 4 + VIREO_VCPU_QUOTA_BLOCKS + 1 + 8 + 32;
}

/* The boot modules a VM's `modules` lists (NUL-separated strings). */
static bool get_modules(struct parser *p, int node, struct vm_desc *vm)
{
    int len;
    const char *data = fdt_getprop(p->fdt, node, "modules", &len);
    vm->module_count = 0;
    if (!data)
        return true;
    if (len < 2 || data[len - 1] != '\0')
        return fail(p, "%s: property 'modules' must be a list of module names", p->where);
    for (int off = 0; off < len;) {
        size_t n = strlen(data + off);
        if (n == 0)
            return fail(p, "%s: property 'modules' has an empty name", p->where);
        if (vm->module_count == VIREO_VM_MAX_MODULES)
            return fail(p, "%s: property 'modules' names more than %u modules", p->where,
                        VIREO_VM_MAX_MODULES);
        vm->modules[vm->module_count++] = data + off;
        off += (int)n + 1;
    }
    return true;
}

/* The guest's command line: one string, which may be empty. */
static bool get_cmdline(struct parser *p, int node, struct vm_desc *vm)
{
    int len;
    const char *data = fdt_getprop(p->fdt, node, "cmdline", &len);
    vm->cmdline = NULL;
    if (!data)
        return true;
    if (len < 1 || data[len - 1] != '\0' || strlen(data) != (size_t)len - 1)
        return fail(p, "%s: property 'cmdline' must be one string", p->where);
    vm->cmdline = data;
    return true;
}

/* `paravirt`: the provider CPUID shows; "minimal" without the property. */
static bool get_paravirt(struct parser *p, int node, struct vm_desc *vm)
{
    static const char *const names[] = {
        [VIREO_PARAVIRT_NONE] = "none",
        [VIREO_PARAVIRT_MINIMAL] = "minimal",
        [VIREO_PARAVIRT_KVM] = "kvm",
    };
    const char *pv;
    if (!get_string(p, node, "paravirt", &pv))
        return false;
    vm->paravirt = VIREO_PARAVIRT_MINIMAL;
    if (!pv)
        return true;
    for (u32 i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(pv, names[i]) == 0) {
            vm->paravirt = i;
            return true;
        }
    }
    return fail(p, "%s: property 'paravirt' is \"%s\", must be \"none\", \"minimal\" or \"kvm\"",
                p->where, pv);
}

/* `cpuid-disable`: names of abi/vireo/x86/cpuid.h's table, each a feature
 * the guest must not be offered; FIXED ones cannot be removed. */
static bool get_cpuid_disable(struct parser *p, int node, struct vm_desc *vm)
{
    int len;
    const char *data = fdt_getprop(p->fdt, node, "cpuid-disable", &len);
    memset(vm->cpuid_disable, 0, sizeof(vm->cpuid_disable));
    if (!data)
        return true;
    if (len < 2 || data[len - 1] != '\0')
        return fail(p, "%s: property 'cpuid-disable' must be a list of feature names", p->where);
    for (int off = 0; off < len; off += (int)strlen(data + off) + 1) {
        const char *name = data + off;
        u32 f = 0;
        while (f < VIREO_CPUID_FEATURE_COUNT && strcmp(vireo_cpuid_feature(f)->name, name) != 0)
            f++;
        if (f == VIREO_CPUID_FEATURE_COUNT)
            return fail(p, "%s: property 'cpuid-disable' names \"%s\", which is no CPUID feature",
                        p->where, name);
        if (vireo_cpuid_feature(f)->kind == VIREO_CPUID_KIND_FIXED)
            return fail(p,
                        "%s: property 'cpuid-disable' names \"%s\", which Vireo's guests "
                        "always have",
                        p->where, name);
        vm->cpuid_disable[f / 64] |= 1ull << (f % 64);
    }
    return true;
}

static bool parse_vm(struct parser *p, int node, const struct server_desc *vmm, struct vm_desc *vm)
{
    if (!check_props(p, node, vm_props, sizeof(vm_props) / sizeof(vm_props[0])))
        return false;
    if (!get_u32(p, node, "memory-mib", VM_MIN_MEMORY_MIB, VM_MAX_MEMORY_MIB, true,
                 &vm->memory_mib) ||
        !get_string(p, node, "kernel", &vm->kernel) || !get_cmdline(p, node, vm) ||
        !get_modules(p, node, vm))
        return false;
    if (!vm->kernel)
        return fail(p, "%s: property 'kernel' is missing", p->where);
    if (vm->cmdline && strlen(vm->cmdline) >= VIREO_VM_CMDLINE_MAX)
        return fail(p, "%s: property 'cmdline' is longer than %u characters", p->where,
                    VIREO_VM_CMDLINE_MAX - 1);
    if (!get_paravirt(p, node, vm) || !get_cpuid_disable(p, node, vm))
        return false;
    vm->quota = vm_default_quota(vm->memory_mib);
    vm->vcpu_priority = vmm->priority;
    vm->vcpu_budget_us = VM_DEFAULT_BUDGET_US;
    return get_u32(p, node, "quota", vm->quota, SERVER_MAX_QUOTA, false, &vm->quota) &&
           get_u32(p, node, "priority", 1, VIREO_PRIO_MAX, false, &vm->vcpu_priority) &&
           get_u32(p, node, "budget-us", 1, (u32)VIREO_SC_BUDGET_MAX_US, false,
                   &vm->vcpu_budget_us);
}

/* A server's `vm`: one phandle of a node under /vms that no other server
 * names. */
static bool get_vm(struct parser *p, int node, int vms, struct server_desc *s)
{
    int len;
    const u8 *data = fdt_getprop(p->fdt, node, "vm", &len);
    if (!data)
        return true;
    if (len != 4)
        return fail(p, "%s: property 'vm' must be one phandle", p->where);
    int target = fdt_node_offset_by_phandle(p->fdt, be32(data));
    if (target < 0 || vms < 0 || fdt_parent_offset(p->fdt, target) != vms)
        return fail(p, "%s: property 'vm' is not a node under /vms", p->where);
    const char *name = fdt_get_name(p->fdt, target, NULL);
    for (u32 k = 0; k < p->out->vm_count; k++) {
        if (strcmp(p->out->vms[k].name, name) == 0)
            return fail(p, "%s: property 'vm' names /vms/%s, which another server runs", p->where,
                        name);
    }
    if (p->out->vm_count == INIT_MAX_VMS)
        return fail(p, "%s: more than %u VMs", p->where, INIT_MAX_VMS);
    if (strlen(name) >= VIREO_VM_NAME_LEN)
        return fail(p, "/vms/%s: node name longer than %u characters", name, VIREO_VM_NAME_LEN - 1);
    struct vm_desc *vm = &p->out->vms[p->out->vm_count];
    memcpy(vm->name, name, strlen(name) + 1);
    s->vm = ++p->out->vm_count;
    at_node(p, "vms", name);
    bool ok = parse_vm(p, target, s, vm);
    at_node(p, "servers", s->name);
    return ok;
}

bool bindings_parse(const void *fdt, struct system_desc *out, char *why, size_t why_size)
{
    struct parser p = {.fdt = fdt, .out = out, .why = why, .why_size = why_size};
    memset(out, 0, sizeof(*out));
    if (why_size)
        why[0] = '\0';
    int servers = fdt_path_offset(fdt, "/servers");
    if (servers == -FDT_ERR_NOTFOUND)
        return true;
    if (servers < 0)
        return fail(&p, "/servers: unreadable (%s)", fdt_strerror(servers));

    int node;
    fdt_for_each_subnode(node, fdt, servers)
    {
        const char *name = fdt_get_name(fdt, node, NULL);
        if (!name)
            return fail(&p, "/servers: unreadable child node");
        if (out->count == INIT_MAX_SERVERS)
            return fail(&p, "/servers: more than %u servers", INIT_MAX_SERVERS);
        if (strlen(name) >= VIREO_SERVER_NAME_LEN)
            return fail(&p, "/servers/%s: node name longer than %u characters", name,
                        VIREO_SERVER_NAME_LEN - 1);
        struct server_desc *s = &out->servers[out->count];
        memcpy(s->name, name, strlen(name) + 1);
        p.nodes[out->count++] = node;
        at_node(&p, "servers", name);
        if (!parse_server(&p, node, s) || !get_vm(&p, node, fdt_path_offset(fdt, "/vms"), s))
            return false;
    }
    /* A VM no server runs would be silently ignored. */
    int vms = fdt_path_offset(fdt, "/vms");
    if (vms < 0 && vms != -FDT_ERR_NOTFOUND)
        return fail(&p, "/vms: unreadable (%s)", fdt_strerror(vms));
    for (node = vms < 0 ? vms : fdt_first_subnode(fdt, vms); node >= 0;
         node = fdt_next_subnode(fdt, node)) {
        const char *name = fdt_get_name(fdt, node, NULL);
        bool used = false;
        for (u32 k = 0; name && k < out->vm_count; k++)
            used = used || strcmp(out->vms[k].name, name) == 0;
        if (!used)
            return fail(&p, "/vms/%s: no server under /servers names it in 'vm'",
                        name ? name : "?");
    }
    /* References need every node's index: a second pass. */
    for (u32 i = 0; i < out->count; i++) {
        struct server_desc *s = &out->servers[i];
        at_node(&p, "servers", s->name);
        if (!get_refs(&p, p.nodes[i], i, "calls", VIREO_SERVER_MAX_CALLS, s->calls,
                      &s->call_count) ||
            !get_refs(&p, p.nodes[i], i, "delegate-to", VIREO_SERVER_MAX_PEERS, s->peers,
                      &s->peer_count))
            return false;
        for (u32 k = 0; k < s->call_count; k++) {
            if (!out->servers[s->calls[k]].provides_portal)
                return fail(&p,
                            "/servers/%s: property 'calls' names %s, which has no "
                            "provides-portal",
                            s->name, out->servers[s->calls[k]].name);
        }
    }
    return true;
}

/* Skips one word w and the spaces after it; NULL if text does not start
 * with it. */
static const char *word(const char *text, const char *w)
{
    size_t n = strlen(w);
    if (strncmp(text, w, n) != 0 || (text[n] != ' ' && text[n] != '\0'))
        return NULL;
    text += n;
    while (*text == ' ')
        text++;
    return text;
}

static const char *number(const char *text, u64 *v)
{
    char *end;
    if (*text < '0' || *text > '9')
        return NULL;
    *v = strtoul(text, &end, 0);
    if (end == text || (*end != ' ' && *end != '\0'))
        return NULL;
    while (*end == ' ')
        end++;
    return end;
}

bool expectation_parse(const char *text, struct expectation *out)
{
    struct expectation e = {0};
    if (strcmp(text, "run") == 0) {
        e.run = true;
        *out = e;
        return true;
    }
    const char *t = word(text, "fault");
    if (t) {
        e.fault = true;
        const char *at = word(t, "at");
        if (at) {
            t = number(at, &e.fault_at);
            if (!t)
                return false;
            e.fault_at_set = true;
        }
        if (*t == '\0') {
            *out = e;
            return true;
        }
        t = word(t, "then");
        if (!t)
            return false;
    } else {
        t = text;
    }
    t = word(t, "exit");
    if (!t)
        return false;
    t = number(t, &e.exit_status);
    if (!t || *t != '\0')
        return false;
    e.exit = true;
    *out = e;
    return true;
}
