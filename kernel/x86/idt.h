#ifndef KERNEL_X86_IDT_H
#define KERNEL_X86_IDT_H

/* Fills and loads the IDT: a stub for every vector (x86/interrupt_entry.S),
 * with NMI, #DF and #MC on their own IST stacks. */
void idt_init(void);

#endif
