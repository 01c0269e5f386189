/*
 * tests/efi-apps/argecho.c - an EFI application for the chainload tests.
 *
 * Prints what it was given, one fact a line, so a boot test can check
 * every hop from efimm's command line to the child:
 *
 *   argecho: argc=N
 *   argecho: argv[I]=WORD            LoadOptions split like the Shell does:
 *                                    blanks separate, "quotes" group
 *   argecho: image=DEVICE-PATH       its LoadedImage FilePath, as text
 *   argecho: device-fs=yes|no        whether its DeviceHandle has a file
 *                                    system (the loader gave it a device)
 *
 * and returns the status asked for by an argument "status=N" (decimal):
 * EFI_SUCCESS for N = 0, else EFIERR(N), so "status=2" returns
 * EFI_INVALID_PARAMETER and "status=14" EFI_NOT_FOUND.  Without one it
 * returns EFI_SUCCESS.
 */
#include <efi.h>
#include <efilib.h>

#define MAX_ARGS 32

/* Splits s in place into argv; returns argc. */
static UINTN split_args(CHAR16 *s, CHAR16 **argv)
{
	UINTN argc = 0;

	while (*s && argc < MAX_ARGS) {
		CHAR16 *out;
		BOOLEAN quoted = FALSE;

		while (*s == L' ' || *s == L'\t')
			s++;
		if (!*s)
			break;
		argv[argc++] = out = s;
		for (; *s && (quoted || (*s != L' ' && *s != L'\t')); s++) {
			if (*s == L'"')
				quoted = !quoted;
			else
				*out++ = *s;
		}
		if (*s)
			s++;
		*out = 0;
	}
	return argc;
}

/* The status asked for by a "status=N" argument, else EFI_SUCCESS. */
static EFI_STATUS wanted_status(CHAR16 **argv, UINTN argc)
{
	for (UINTN i = 1; i < argc; i++) {
		if (StrnCmp(argv[i], L"status=", 7) == 0) {
			UINTN n = Atoi(argv[i] + 7);

			return n ? EFIERR(n) : EFI_SUCCESS;
		}
	}
	return EFI_SUCCESS;
}

/* Copies LoadOptions into a NUL-terminated pool string (never NULL
 * unless out of memory). */
static CHAR16 *copy_options(EFI_LOADED_IMAGE *li)
{
	UINTN chars = li->LoadOptions ? li->LoadOptionsSize / sizeof(CHAR16) : 0;
	CHAR16 *s = AllocateZeroPool((chars + 1) * sizeof(CHAR16));

	if (s && chars)
		CopyMem(s, li->LoadOptions, chars * sizeof(CHAR16));
	return s;
}

static void print_image(EFI_LOADED_IMAGE *li)
{
	CHAR16 *path = li->FilePath ? DevicePathToStr(li->FilePath) : NULL;
	VOID *fs;
	EFI_STATUS s = uefi_call_wrapper(BS->HandleProtocol, 3, li->DeviceHandle,
					 &FileSystemProtocol, &fs);

	Print(L"argecho: image=%s\n", path ? path : L"(none)");
	Print(L"argecho: device-fs=%s\n", EFI_ERROR(s) ? L"no" : L"yes");
	if (path)
		FreePool(path);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li;
	CHAR16 *argv[MAX_ARGS];
	CHAR16 *opts;
	UINTN argc;
	EFI_STATUS s;

	InitializeLib(image, systab);
	s = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
			      (VOID **)&li);
	if (EFI_ERROR(s))
		return s;
	opts = copy_options(li);
	if (!opts)
		return EFI_OUT_OF_RESOURCES;
	argc = split_args(opts, argv);
	Print(L"argecho: argc=%ld\n", argc);
	for (UINTN i = 0; i < argc; i++)
		Print(L"argecho: argv[%ld]=%s\n", i, argv[i]);
	print_image(li);
	s = wanted_status(argv, argc);
	FreePool(opts);
	return s;
}
