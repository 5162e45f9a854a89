/*
 * The STI shadow: with an interrupt pending in IRR and IF clear,
 * sti_shadow_probe(marker) executes STI, then one instruction that sets
 * *marker; the interrupt must arrive at sti_shadow_after, after that
 * instruction and not before it (SDM vol. 2 STI).
 */
    .text
    .code64
    .globl sti_shadow_probe, sti_shadow_after
sti_shadow_probe:
    sti
    movl $1, (%rdi)
sti_shadow_after:
    nop
    cli
    ret
