/* check_trap and check_no_trap: see check.h. */
#include "check.h"
#include <vireo/format.h>

static void describe(char *buf, size_t size, struct rt_trap t)
{
    if (!t.count)
        snformat(buf, size, "no exception");
    else
        snformat(buf, size,
                 "%d exception(s), the first vector %lu error %#lx rip %#lx cs %#lx cr2 %#lx",
                 t.count, t.vector, t.error, t.rip, t.cs, t.cr2);
}

static void report(const char *what, bool ok, const char *details, int deviant)
{
    bool excused = deviant != NOWHERE && (deviant & 0xff) == (int)rt_platform() &&
                   !((deviant & TRAPPED) && rt_under_vireo());
    if (ok)
        rt_pass("%s", what);
    else if (excused)
        rt_deviation(what, "%s", details);
    else
        rt_fail(what, "%s", details);
}

bool check_trap(const char *what, struct rt_trap t, struct want w, int deviant)
{
    bool ok = t.count == 1 && t.vector == w.vector && t.error == w.error &&
              t.rip == (uint64_t)w.rip && (!w.cs || t.cs == w.cs) &&
              (w.vector != VEC_PF || t.cr2 == w.cr2);
    char got[160], details[256];
    describe(got, sizeof(got), t);
    snformat(details, sizeof(details), "expected vector %u error %#lx rip %#lx%s; got %s", w.vector,
             w.error, (uint64_t)w.rip, w.vector == VEC_PF ? " and cr2" : "", got);
    report(what, ok, details, deviant);
    return ok;
}

bool check_no_trap(const char *what, struct rt_trap t, int deviant)
{
    char got[160];
    describe(got, sizeof(got), t);
    report(what, !t.count, got, deviant);
    return !t.count;
}
