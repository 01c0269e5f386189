/*
 * efi/fw/fbcon.c - the framebuffer text console (fbcon.h).
 *
 * Draws straight into the GOP framebuffer, identity-mapped, with no
 * firmware call, so it works after ExitBootServices.  Text is white-ish
 * on black in a grid of 8x16 cells; a full screen scrolls up one text
 * row.  Bytes outside printable ASCII show as '?' (UTF-8 continuation
 * bytes are skipped so one character gives one '?').
 */
#include "fbcon.h"

#include "../../lib/errno.h"

struct fbcon {
	struct fb_info fb;
	volatile uint32_t *pixels;
	uint32_t cols, rows;    /* text cells */
	uint32_t cx, cy;        /* cursor cell */
	uint32_t fg, bg;        /* pixel values */
};

static struct fbcon con;

/* 0xRRGGBB as a pixel of the framebuffer's format. */
static uint32_t fbcon_pixel(uint32_t rgb)
{
	uint32_t r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;

	if (con.fb.format == FB_PIXEL_RGBX)
		return r | (g << 8) | (b << 16);
	return b | (g << 8) | (r << 16);
}

/*
 * Fills nrows scan lines from y0 with px.  Two pixels per 64-bit store
 * with rep stosq: the fill covers whole scan lines, contiguous in the
 * framebuffer, so it is one string operation (a 1280x800 screen was a
 * million 32-bit stores, 4.1M instructions under TCG, and is now 512K
 * stores).  An odd pixel count ends with one 32-bit store.
 */
static void fbcon_fill_rows(uint32_t y0, uint32_t nrows, uint32_t px)
{
	volatile uint32_t *p = con.pixels + (uint64_t)y0 * con.fb.stride;
	uint64_t n = (uint64_t)nrows * con.fb.stride;
	uint64_t q = n / 2, pair = (uint64_t)px << 32 | px;
	volatile uint32_t *end = p + n;

	__asm__ volatile("rep stosq" : "+D"(p), "+c"(q) : "a"(pair) : "memory");
	if (n & 1)
		end[-1] = px;
}

/* Moves every text row up by one and clears the last.  rep movsq copies
 * forward (DF is clear in both the UEFI and efimm's ABI), which is right
 * for an overlapping move to a lower address; a text row is 16 scan
 * lines of 4 * stride bytes, always a multiple of 8. */
static void fbcon_scroll(void)
{
	uint64_t row_words = (uint64_t)FBFONT_HEIGHT * con.fb.stride / 2;
	uint64_t n = row_words * (con.rows - 1);
	volatile uint64_t *dst = (volatile uint64_t *)con.pixels;
	volatile uint64_t *src = dst + row_words;

	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	fbcon_fill_rows((con.rows - 1) * FBFONT_HEIGHT, FBFONT_HEIGHT, con.bg);
}

static void fbcon_draw(uint32_t cx, uint32_t cy, unsigned char c)
{
	const uint8_t *glyph = fbfont_glyphs[c - FBFONT_FIRST];
	volatile uint32_t *row = con.pixels +
		(uint64_t)cy * FBFONT_HEIGHT * con.fb.stride + cx * FBFONT_WIDTH;

	for (int y = 0; y < FBFONT_HEIGHT; y++, row += con.fb.stride)
		for (int x = 0; x < FBFONT_WIDTH; x++)
			row[x] = (glyph[y] & (0x80 >> x)) ? con.fg : con.bg;
}

static void fbcon_newline(void)
{
	con.cx = 0;
	if (con.cy + 1 < con.rows)
		con.cy++;
	else
		fbcon_scroll();
}

static void fbcon_putc(unsigned char c)
{
	if (c == '\n') {
		fbcon_newline();
		return;
	}
	if (c == '\r') {
		con.cx = 0;
		return;
	}
	if (c == '\t')
		c = ' ';
	if (c < FBFONT_FIRST || c >= FBFONT_FIRST + FBFONT_COUNT)
		c = '?';
	if (con.cx == con.cols)
		fbcon_newline();
	fbcon_draw(con.cx++, con.cy, c);
}

static void fbcon_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xC0) == 0x80)
			continue;
		fbcon_putc(c);
	}
}

static void fbcon_color(enum con_color c)
{
	static const uint32_t rgb[] = {
		[CON_DEFAULT] = 0xC0C0C0, [CON_RED] = 0xFF5555,
		[CON_GREEN] = 0x55FF55,   [CON_YELLOW] = 0xFFFF55,
		[CON_BLUE] = 0x5555FF,    [CON_MAGENTA] = 0xFF55FF,
		[CON_CYAN] = 0x55FFFF,    [CON_GREY] = 0x808080,
		[CON_WHITE] = 0xFFFFFF,
	};

	con.fg = fbcon_pixel((unsigned int)c < ARRAY_SIZE(rgb) ?
			     rgb[c] : rgb[CON_DEFAULT]);
}

int fbcon_init(const struct fb_info *fb)
{
	if (fb->width < FBFONT_WIDTH || fb->height < FBFONT_HEIGHT ||
	    fb->stride < fb->width ||
	    (uint64_t)fb->stride * fb->height * 4 > fb->size)
		return -EINVAL;
	con.fb = *fb;
	con.pixels = (volatile uint32_t *)(uintptr_t)fb->base;
	con.cols = fb->width / FBFONT_WIDTH;
	con.rows = fb->height / FBFONT_HEIGHT;
	con.cx = con.cy = 0;
	con.bg = fbcon_pixel(0x000000);
	fbcon_color(CON_DEFAULT);
	fbcon_fill_rows(0, fb->height, con.bg);
	return 0;
}

EFI_STATUS fbcon_capture_gop(struct fb_info *fb)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;

	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3,
					&GraphicsOutputProtocol, NULL,
					(void **)&gop)) || !gop->Mode)
		return EFI_NOT_FOUND;
	info = gop->Mode->Info;
	if (info->PixelFormat == PixelRedGreenBlueReserved8BitPerColor)
		fb->format = FB_PIXEL_RGBX;
	else if (info->PixelFormat == PixelBlueGreenRedReserved8BitPerColor)
		fb->format = FB_PIXEL_BGRX;
	else
		return EFI_UNSUPPORTED;
	fb->base = gop->Mode->FrameBufferBase;
	fb->size = gop->Mode->FrameBufferSize;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->stride = info->PixelsPerScanLine;
	return EFI_SUCCESS;
}

const struct con_backend fbcon_con = {
	.name = "fb", .write = fbcon_write, .color = fbcon_color,
};
