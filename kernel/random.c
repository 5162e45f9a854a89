#include "random.h"
#include <x86/cpu.h>

/* A 64-bit finaliser (splitmix-style) so consecutive TSC reads give values
 * that differ in every bit. */
static u64 scramble(u64 x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

__attribute__((no_stack_protector)) u64 random_u64(void)
{
    if (cpuid(1, 0).ecx & CPUID_1_ECX_RDRAND) {
        /* RDRAND may transiently fail; a few retries are the documented
         * remedy. */
        for (int tries = 0; tries < 10; tries++) {
            u64 value;
            if (rdrand64(&value))
                return value;
        }
    }
    static u64 counter;
    counter++;
    return scramble(rdtsc() + counter * 0x9e3779b97f4a7c15ull);
}
