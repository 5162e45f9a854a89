#include "vcpu_dr.h"
#include "percpu.h"
#include <vireo/config.h>
#include <x86/cpu.h>

/* Per CPU: whose debug registers are in it. */
static struct vcpu *owner[CONFIG_MAX_CPUS];

static u64 dr_read(unsigned n)
{
    switch (n) {
    case 0:
        return read_dr0();
    case 1:
        return read_dr1();
    case 2:
        return read_dr2();
    case 3:
        return read_dr3();
    default:
        return read_dr6();
    }
}

static void dr_write(unsigned n, u64 value)
{
    switch (n) {
    case 0:
        write_dr0(value);
        break;
    case 1:
        write_dr1(value);
        break;
    case 2:
        write_dr2(value);
        break;
    case 3:
        write_dr3(value);
        break;
    default:
        write_dr6(value);
        break;
    }
}

static u64 *copy_of(struct vcpu *v, unsigned n)
{
    return n == 6 ? &v->dr6 : &v->dr[n & 3];
}

void vcpu_dr_load(struct vcpu *v, bool with_dr6)
{
    struct vcpu **o = &owner[this_cpu()->index];
    if (*o == v)
        return;
    unsigned last = with_dr6 ? 4 : 3; /* 4 stands for DR6 */
    for (unsigned i = 0; i <= last; i++) {
        unsigned n = i == 4 ? 6 : i;
        if (*o)
            *copy_of(*o, n) = dr_read(n);
        dr_write(n, *copy_of(v, n));
    }
    *o = v;
}

u64 vcpu_dr_get(struct vcpu *v, unsigned n)
{
    return owner[this_cpu()->index] == v ? dr_read(n) : *copy_of(v, n);
}

void vcpu_dr_set(struct vcpu *v, unsigned n, u64 value)
{
    if (owner[this_cpu()->index] == v)
        dr_write(n, value);
    else
        *copy_of(v, n) = value;
}

void vcpu_dr_forget(struct vcpu *v)
{
    struct vcpu **o = &owner[this_cpu()->index];
    if (*o == v)
        *o = NULL;
}
