/*
 * mmio: every instruction form Vireo's emulator takes for MMIO
 * (docs/VMM.md, "Instruction emulation"), on pc-testdev's window: MOV,
 * MOVZX, MOVSX(D), MOVNTI, ADD OR ADC SBB AND SUB XOR CMP TEST, NOT NEG
 * INC DEC, XCHG, BT BTS BTR BTC (register and immediate offsets), LOCK,
 * at every operand size with many values, each compared with the same
 * instruction on RAM (registers, the status flags the SDM defines, the
 * bytes around the operand) and a set with known answers; accesses across
 * pages (window to window, window to RAM and back); MOVS, STOS and LODS
 * with REP (and F2), DF set and clear, against a C model; addressing
 * modes (SIB, moffs, 16-bit addressing in compatibility mode); and the
 * faults: #PF from a walk (a string into a page not present, an access
 * running into one: CR2 its first byte, nothing written), #GP on a
 * non-canonical string destination, #AC in ring 3.
 */
#include "mmio.h"

const char guest_name[] = "mmio";

void guest_main(void)
{
    target_init();
    test_known_answers();
    test_forms();
    test_crossings();
    test_addressing();
    test_strings();
    test_faults();
}
