/*
 * arch/x86_64/serial_hw.c - COM1 console backend (serial.h).
 *
 * Polled output only: efimm runs with interrupts off.  Before each byte
 * it waits for LSR.THRE (transmit holding register empty), a bounded
 * wait, so a missing UART (reads of 0xFF have THRE set anyway) or a
 * wedged one slows output down instead of hanging a fatal report.
 */
#include "../../lib/types.h"
#include "serial.h"

#define COM1          0x3F8
#define UART_THR      0   /* transmit holding (DLAB=0) */
#define UART_DLL      0   /* divisor low (DLAB=1) */
#define UART_IER      1   /* interrupt enable (DLAB=0) */
#define UART_DLM      1   /* divisor high (DLAB=1) */
#define UART_FCR      2
#define UART_LCR      3
#define UART_MCR      4
#define UART_LSR      5
#define LCR_8N1       0x03
#define LCR_DLAB      0x80
#define FCR_ENABLE_CLEAR 0x07   /* FIFO on, clear RX and TX FIFOs */
#define MCR_DTR_RTS_OUT2 0x0B
#define LSR_THRE      0x20
#define BAUD_DIVISOR  1         /* 115200 = 1.8432 MHz / 16 / 1 */
#define THRE_SPINS    100000

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, BAUD_DIVISOR & 0xFF);
	outb(COM1 + UART_DLM, BAUD_DIVISOR >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
}

static void serial_putc(char c)
{
	for (int i = 0; i < THRE_SPINS; i++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}

static void serial_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

/* ANSI SGR: bright colours read best on a dark terminal. */
static void serial_color(enum con_color c)
{
	static const char *const sgr[] = {
		[CON_DEFAULT] = "\033[0m",  [CON_RED] = "\033[91m",
		[CON_GREEN] = "\033[92m",   [CON_YELLOW] = "\033[93m",
		[CON_BLUE] = "\033[94m",    [CON_MAGENTA] = "\033[95m",
		[CON_CYAN] = "\033[96m",    [CON_GREY] = "\033[90m",
		[CON_WHITE] = "\033[97m",
	};
	const char *e = (unsigned int)c < ARRAY_SIZE(sgr) ? sgr[c] : sgr[0];

	while (*e)
		serial_putc(*e++);
}

const struct con_backend serial_con = {
	.name = "com1", .write = serial_write, .color = serial_color,
};
