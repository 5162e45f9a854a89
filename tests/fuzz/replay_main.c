/*
 * The fuzz target without libFuzzer (for gcc builds, and to replay
 * crashes): runs every file named on the command line, then RANDOM_INPUTS
 * seeded random inputs (VIREO_FUZZ_INPUTS overrides, VIREO_FUZZ_SEED sets
 * the seed).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_syscalls.h"
#include "gen.h"

#define RANDOM_INPUTS 3000
#define MAX_INPUT     2048

int main(int argc, char **argv)
{
    static uint8_t buf[MAX_INPUT];
    unsigned files = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 2;
        }
        size_t size = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, size);
        files++;
    }
    const char *env = getenv("VIREO_FUZZ_INPUTS");
    unsigned long inputs = env ? strtoul(env, NULL, 0) : RANDOM_INPUTS;
    env = getenv("VIREO_FUZZ_SEED");
    struct gen_rng rng;
    gen_rng_seed(&rng, env ? strtoull(env, NULL, 0) : 1);
    for (unsigned long n = 0; n < inputs; n++) {
        size_t size = (size_t)gen_rng_draw(&rng, MAX_INPUT);
        for (size_t i = 0; i < size; i++)
            buf[i] = (uint8_t)gen_rng_draw(&rng, 256);
        LLVMFuzzerTestOneInput(buf, size);
    }
    printf("fuzz replay: %u corpus files and %lu random inputs, no invariant violated\n", files,
           inputs);
    return 0;
}
