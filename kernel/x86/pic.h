#ifndef KERNEL_X86_PIC_H
#define KERNEL_X86_PIC_H

/* Moves the legacy 8259 PICs off the exception vectors (to 0x20..0x2f) and
 * masks every line: all interrupts come through the local APIC. */
void pic_disable(void);

#endif
