/*
 * efi/fw/chainload.c - start another EFI application from efimm's own
 * ESP and report how it ended (the `chainload` command's loader).
 *
 * The file is read whole and its PE header checked here first, so that
 * a wrong file gets a precise line instead of LoadImage's bare
 * EFI_LOAD_ERROR; then it is loaded from that buffer with a full device
 * path (FileDevicePath of efimm's own device and PATH), so the child's
 * LoadedImage has a DeviceHandle and FilePath and it can find its files.
 *
 * LoadOptions follow the UEFI Shell: PATH's base name, then ARGS, one
 * blank apart, as a NUL-terminated UCS-2 string.  An argument that is
 * empty or holds a blank or tab is put in double quotes.  efimm's command
 * line has no escapes and removes quotes (pure/cmdline.h), so an argument
 * never contains '"' and nothing needs escaping.  Non-ASCII arguments are
 * converted from UTF-8; characters outside UCS-2 become '?'.
 *
 * Only EFI applications (PE subsystem 10) are accepted: the firmware
 * unloads an application when it returns, so the options buffer can be
 * freed then; a driver would stay resident and keep pointing at it.
 *
 * Nesting guard: an entry that chainloads efimm itself (by its own path
 * or a copy) would start efimm after efimm until the firmware runs out
 * of memory, hundreds of levels down, and hang.  While a child runs,
 * efimm installs a marker protocol (CHAINLOAD_NEST_GUID) on a handle of
 * its own and removes it when the child returns; the number of handles
 * carrying the marker is therefore the number of efimm instances waiting
 * for a chainloaded child right now, however they were started (menu,
 * config, Shell, a copy under another name).  With CHAINLOAD_MAX_NEST of
 * them waiting, efimm refuses to chainload.  The marker lives in boot
 * services memory only: nothing survives a reset, nothing is written to
 * NVRAM.
 */
#include "chainload.h"
#include "../../pure/pe.h"

#include "../../lib/console.h"
#include "../../lib/errno.h"
#include "../../lib/kstring.h"
#include "../../lib/printf.h"

#define CHAINLOAD_MAX_SIZE   (64u << 20)     /* bytes of image file */
#define CHAINLOAD_PATH_CHARS 256

/* {5f1c0b9e-3a7d-4e61-9b2f-6d0e8c4a7b13}: efimm waits for a chainloaded child. */
#define CHAINLOAD_NEST_GUID \
	{ 0x5f1c0b9e, 0x3a7d, 0x4e61, { 0x9b, 0x2f, 0x6d, 0x0e, 0x8c, 0x4a, 0x7b, 0x13 } }

static EFI_GUID nest_guid = CHAINLOAD_NEST_GUID;
static UINT32 nest_marker = 0x7473656e;        /* the interface: "nest" */

/* One "efimm: chainload: PATH: WHY" line; returns s. */
__attribute__((format(printf, 3, 4)))
static EFI_STATUS fail(EFI_STATUS s, const char *path, const char *fmt, ...)
{
	char why[120];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	kprintf("efimm: chainload: %s: %s\n", path, why);
	return s;
}

/*
 * Returns EFI_SUCCESS if img (size bytes) is an x86_64 PE32+ EFI
 * application (pure/pe.c), else prints one line saying why and returns
 * EFI_LOAD_ERROR (not a PE image) or EFI_UNSUPPORTED (a PE image efimm
 * cannot start).
 */
static EFI_STATUS check_pe(const char *path, const UINT8 *img, UINTN size)
{
	char why[120];
	int err = pe_check(img, size, why, sizeof(why));

	if (!err)
		return EFI_SUCCESS;
	return fail(err == -ENOEXEC ? EFI_LOAD_ERROR : EFI_UNSUPPORTED, path,
		    "%s", why);
}

/* Decodes one UTF-8 character of s into *out ('?' if malformed or
 * outside UCS-2); returns the rest of s. */
static const char *utf8_next(const char *s, CHAR16 *out)
{
	const unsigned char *u = (const unsigned char *)s;
	int more = u[0] >= 0xF0 ? 3 : u[0] >= 0xE0 ? 2 : u[0] >= 0xC0 ? 1 : 0;
	UINT32 c = more ? u[0] & (0x3F >> more) : u[0];
	int i;

	if (u[0] >= 0x80 && (!more || u[0] >= 0xF8)) {
		*out = L'?';
		return s + 1;
	}
	for (i = 1; i <= more; i++) {
		if ((u[i] & 0xC0) != 0x80) {
			*out = L'?';
			return s + i;
		}
		c = c << 6 | (u[i] & 0x3F);
	}
	*out = c == 0 || c > 0xFFFF || (c >= 0xD800 && c <= 0xDFFF) ?
		L'?' : (CHAR16)c;
	return s + i;
}

static int needs_quotes(const char *arg)
{
	if (!*arg)
		return 1;
	for (; *arg; arg++)
		if (*arg == ' ' || *arg == '\t')
			return 1;
	return 0;
}

/* Appends word (quoted if needed) at out; returns the new end. */
static CHAR16 *put_word(CHAR16 *out, const char *word)
{
	int q = needs_quotes(word);

	if (q)
		*out++ = L'"';
	while (*word)
		word = utf8_next(word, out++);
	if (q)
		*out++ = L'"';
	return out;
}

static const char *base_name(const char *path)
{
	const char *b = path;

	for (; *path; path++)
		if (*path == '\\' || *path == '/')
			b = path + 1;
	return b;
}

/*
 * Builds the LoadOptions string for argv[1] (PATH) and argv[2..] (ARGS)
 * in pool memory.  Returns it with its size in bytes (NUL included) in
 * *bytes, or NULL when out of memory.  The caller frees it.
 */
static CHAR16 *build_options(int argc, char **argv, UINT32 *bytes)
{
	UINTN chars = strlen(base_name(argv[1])) + 3;
	CHAR16 *opts, *p;

	for (int i = 2; i < argc; i++)
		chars += strlen(argv[i]) + 3;       /* blank and two quotes */
	opts = AllocatePool(chars * sizeof(CHAR16));
	if (!opts)
		return NULL;
	p = put_word(opts, base_name(argv[1]));
	for (int i = 2; i < argc; i++) {
		*p++ = L' ';
		p = put_word(p, argv[i]);
	}
	*p++ = 0;
	*bytes = (UINT32)((UINTN)(p - opts) * sizeof(CHAR16));
	return opts;
}

/*
 * LoadImage from buf with the device path of PATH on efimm's device.
 * Returns EFI_SUCCESS and *child, or prints why and returns the error
 * with nothing loaded.
 */
static EFI_STATUS load_image(const char *path, void *buf, UINTN size,
			     EFI_HANDLE *child)
{
	CHAR16 wpath[CHAINLOAD_PATH_CHARS];
	EFI_LOADED_IMAGE *li;
	EFI_DEVICE_PATH *dp;
	EFI_STATUS s = efi_path_to_ucs2(path, wpath, CHAINLOAD_PATH_CHARS);

	if (EFI_ERROR(s))
		return fail(s, path, "bad path");
	s = uefi_call_wrapper(BS->HandleProtocol, 3, efi_image,
			      &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(s))
		return fail(s, path, "no loaded-image protocol: %s", efi_status_name(s));
	dp = FileDevicePath(li->DeviceHandle, wpath);
	if (!dp)
		return fail(EFI_OUT_OF_RESOURCES, path, "no memory for device path");
	*child = NULL;
	s = uefi_call_wrapper(BS->LoadImage, 6, FALSE, efi_image, dp, buf, size,
			      child);
	FreePool(dp);
	/* Under Secure Boot a refused image is still loaded (UEFI 2.8+). */
	if (s == EFI_SECURITY_VIOLATION && *child)
		uefi_call_wrapper(BS->UnloadImage, 1, *child);
	if (EFI_ERROR(s))
		return fail(s, path, "LoadImage failed: %s", efi_status_name(s));
	return EFI_SUCCESS;
}

/* Prints the child's ExitData string (UCS-2, at most size bytes), then
 * frees it as the caller of StartImage must. */
static void report_exit_data(CHAR16 *data, UINTN size)
{
	char line[160];
	UINTN n = 0;

	for (UINTN i = 0; i < size / 2 && data[i] && n + 1 < sizeof(line); i++) {
		CHAR16 c = data[i];

		line[n++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
	}
	line[n] = '\0';
	if (n)
		kprintf("efimm: chainloaded image said: %s\n", line);
	FreePool(data);
}

/*
 * Gives the loaded child its options and starts it.  Returns the child's
 * exit status, or a setup error after unloading it.  Either way the
 * child is gone when this returns (the firmware unloads an application
 * when it exits).
 */
static EFI_STATUS start_image(const char *path, EFI_HANDLE child, int argc,
			      char **argv)
{
	EFI_LOADED_IMAGE *cli;
	CHAR16 *opts, *exit_data = NULL;
	UINTN exit_size = 0;
	UINT32 bytes;
	EFI_STATUS s = uefi_call_wrapper(BS->HandleProtocol, 3, child,
					 &LoadedImageProtocol, (void **)&cli);

	opts = EFI_ERROR(s) ? NULL : build_options(argc, argv, &bytes);
	if (!opts) {
		uefi_call_wrapper(BS->UnloadImage, 1, child);
		return fail(EFI_ERROR(s) ? s : EFI_OUT_OF_RESOURCES, path,
			    "cannot pass the arguments");
	}
	cli->LoadOptions = opts;
	cli->LoadOptionsSize = bytes;
	s = uefi_call_wrapper(BS->StartImage, 3, child, &exit_size, &exit_data);
	FreePool(opts);
	con_color(CON_DEFAULT);
	if (exit_data)
		report_exit_data(exit_data, exit_size);
	kprintf("efimm: chainloaded image exited with status %s\n",
		efi_status_name(s));
	return s;
}

/* How many efimm instances wait for a chainloaded child now (this one
 * not counted): the handles carrying the nesting marker. */
static UINTN nest_depth(void)
{
	EFI_HANDLE *handles = NULL;
	UINTN n = 0;
	EFI_STATUS s = uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol,
					 &nest_guid, NULL, &n, &handles);

	if (EFI_ERROR(s))
		return 0;
	FreePool(handles);
	return n;
}

/* Marks this efimm as waiting for a child; *h gets the new handle. */
static EFI_STATUS nest_enter(const char *path, EFI_HANDLE *h)
{
	UINTN depth = nest_depth();
	EFI_STATUS s;

	if (depth >= CHAINLOAD_MAX_NEST)
		return fail(EFI_ABORTED, path, "refused: %lu efimm instances are "
			    "already nested in chainloads (the limit is %u)",
			    (unsigned long)depth, CHAINLOAD_MAX_NEST);
	*h = NULL;
	s = uefi_call_wrapper(BS->InstallProtocolInterface, 4, h, &nest_guid,
			      EFI_NATIVE_INTERFACE, &nest_marker);
	if (EFI_ERROR(s))
		return fail(s, path, "cannot mark the nesting depth: %s",
			    efi_status_name(s));
	return EFI_SUCCESS;
}

static void nest_leave(EFI_HANDLE h)
{
	uefi_call_wrapper(BS->UninstallProtocolInterface, 3, h, &nest_guid,
			  &nest_marker);
}

/* Reads PATH whole and checks its PE header; prints why not. */
static EFI_STATUS read_image(const char *path, void **buf, UINTN *size)
{
	char why[80];
	EFI_STATUS s;

	*size = 0;
	s = efi_file_read(path, CHAINLOAD_MAX_SIZE, buf, size);
	if (s == EFI_NOT_FOUND)
		return fail(s, path, "not found");
	if (EFI_ERROR(s))
		return fail(s, path, "cannot read: %s",
			    efi_file_error(s, *size, CHAINLOAD_MAX_SIZE, why, sizeof(why)));
	s = check_pe(path, *buf, *size);
	if (EFI_ERROR(s))
		FreePool(*buf);
	return s;
}

EFI_STATUS efi_chainload(int argc, char **argv)
{
	const char *path = argv[1];
	EFI_HANDLE child, nest;
	void *buf;
	UINTN size;
	EFI_STATUS s = read_image(path, &buf, &size);

	if (EFI_ERROR(s))
		return s;
	s = nest_enter(path, &nest);
	if (!EFI_ERROR(s)) {
		s = load_image(path, buf, size, &child);
		if (EFI_ERROR(s))
			nest_leave(nest);
	}
	FreePool(buf);
	if (EFI_ERROR(s))
		return s;
	s = start_image(path, child, argc, argv);
	nest_leave(nest);
	return s;
}
