/* Polled 16550A UART output for ring 0 (loader and kernel console). */
#ifndef VIREO_LIB_UART_H
#define VIREO_LIB_UART_H

#include <stddef.h>
#include <stdint.h>

#define UART_COM1 0x3f8

/* 115200 baud, 8N1, FIFOs on, interrupts off. */
void uart_init(uint16_t base);
/* A received byte, if one is waiting (polled; interrupts stay off). */
#include <stdbool.h>
bool uart_try_getc(uint16_t base, uint8_t *c);
/* Writes n bytes, turning "\n" into "\r\n". */
void uart_write(uint16_t base, const char *s, size_t n);
/* The bytes as they are (no CR before LF): a terminal someone else drives. */
void uart_write_raw(uint16_t base, const char *s, size_t n);

#endif
