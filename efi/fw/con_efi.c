/*
 * efi/fw/con_efi.c - the console backend while boot services are up:
 * SIMPLE_TEXT_OUTPUT (ConOut), which OVMF also mirrors to the serial
 * port.  Colours use SetAttribute, never ANSI escapes (the EFI console
 * prints those as garbage).  '\n' becomes CR LF.
 */
#include "efi.h"

#include "../../lib/console.h"

#define CHUNK 128

static void con_efi_flush(CHAR16 *buf, UINTN *n)
{
	buf[*n] = 0;
	uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, buf);
	*n = 0;
}

/* UTF-8 bytes are shown as '?' except ASCII: ConOut fonts are ASCII. */
static void con_efi_write(const char *s, size_t len)
{
	CHAR16 buf[CHUNK + 2];
	UINTN n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			buf[n++] = L'\r';
		if (c >= 0x80 && (c & 0xC0) == 0x80)
			continue;
		buf[n++] = c >= 0x80 ? L'?' : c;
		if (n >= CHUNK)
			con_efi_flush(buf, &n);
	}
	if (n)
		con_efi_flush(buf, &n);
}

static void con_efi_color(enum con_color c)
{
	static const UINTN attr[] = {
		[CON_DEFAULT] = EFI_LIGHTGRAY, [CON_RED] = EFI_LIGHTRED,
		[CON_GREEN] = EFI_LIGHTGREEN,  [CON_YELLOW] = EFI_YELLOW,
		[CON_BLUE] = EFI_LIGHTBLUE,    [CON_MAGENTA] = EFI_LIGHTMAGENTA,
		[CON_CYAN] = EFI_LIGHTCYAN,    [CON_GREY] = EFI_DARKGRAY,
		[CON_WHITE] = EFI_WHITE,
	};
	UINTN a = (UINTN)c < ARRAY_SIZE(attr) ? attr[c] : EFI_LIGHTGRAY;

	uefi_call_wrapper(ST->ConOut->SetAttribute, 2, ST->ConOut,
			  EFI_TEXT_ATTR(a, EFI_BLACK));
}

static const struct con_backend con_efi = {
	.name = "efi", .write = con_efi_write, .color = con_efi_color,
};

void efi_con_init(void)
{
	const struct con_backend *b = &con_efi;

	con_set_backends(&b, 1);
}
