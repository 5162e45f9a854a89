/* A last-resort IDT: any CPU exception prints where it happened and stops,
 * instead of a silent triple fault. */
#ifndef LOADER_EXCEPTIONS_H
#define LOADER_EXCEPTIONS_H

void loader_idt_init(void);

#endif
