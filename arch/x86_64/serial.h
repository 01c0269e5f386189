/*
 * arch/x86_64/serial.h - the 16550 UART at COM1 (I/O port 0x3F8) as a
 * console backend (lib/console.h), for after ExitBootServices.
 */
#ifndef ARCH_X86_64_SERIAL_H
#define ARCH_X86_64_SERIAL_H

#include "../../lib/console.h"

/* Programs COM1 for 115200 baud, 8 data bits, no parity, 1 stop bit,
 * FIFOs on, UART interrupts off.  Call before using serial_con. */
void serial_init(void);

/* Writes with '\n' as CR LF; colours become ANSI SGR escapes. */
extern const struct con_backend serial_con;

#endif
