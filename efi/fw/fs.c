/*
 * efi/fw/fs.c - files on efimm's own ESP (the volume it was loaded from).
 */
#include "efi.h"

#include "../../lib/kstring.h"

#define PATH_MAX_CHARS 256

#include "../../lib/printf.h"

EFI_STATUS efi_path_to_ucs2(const char *path, CHAR16 *out, UINTN outlen)
{
	UINTN n = 0;

	while (*path == '/' || *path == '\\')
		path++;
	if (!*path)
		return EFI_INVALID_PARAMETER;
	out[n++] = L'\\';
	for (; *path; path++) {
		unsigned char c = (unsigned char)*path;

		if (c < 0x20 || c >= 0x7F || n + 1 >= outlen)
			return EFI_INVALID_PARAMETER;
		out[n++] = c == '/' ? L'\\' : c;
	}
	out[n] = 0;
	return EFI_SUCCESS;
}

/* The root directory of the volume efimm was loaded from. */
static EFI_STATUS open_root(EFI_FILE_HANDLE *root)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS s = uefi_call_wrapper(BS->HandleProtocol, 3, efi_image,
					 &LoadedImageProtocol, (void **)&li);

	if (EFI_ERROR(s))
		return s;
	*root = LibOpenRoot(li->DeviceHandle);
	return *root ? EFI_SUCCESS : EFI_NOT_FOUND;
}

static EFI_STATUS open_file(const char *path, EFI_FILE_HANDLE *fh)
{
	EFI_FILE_HANDLE root;
	CHAR16 wpath[PATH_MAX_CHARS];
	EFI_STATUS s = efi_path_to_ucs2(path, wpath, PATH_MAX_CHARS);

	if (!EFI_ERROR(s))
		s = open_root(&root);
	if (EFI_ERROR(s))
		return s;
	s = uefi_call_wrapper(root->Open, 5, root, fh, wpath, EFI_FILE_MODE_READ, 0);
	uefi_call_wrapper(root->Close, 1, root);
	return s;
}

bool efi_file_exists(const char *path)
{
	EFI_FILE_HANDLE fh;

	if (EFI_ERROR(open_file(path, &fh)))
		return false;
	uefi_call_wrapper(fh->Close, 1, fh);
	return true;
}

/* Creates every directory along wpath before its last component (wpath
 * is modified and restored). */
static EFI_STATUS make_dirs(EFI_FILE_HANDLE root, CHAR16 *wpath)
{
	for (UINTN i = 1; wpath[i]; i++) {
		EFI_FILE_HANDLE d;
		EFI_STATUS s;

		if (wpath[i] != L'\\')
			continue;
		wpath[i] = 0;
		s = uefi_call_wrapper(root->Open, 5, root, &d, wpath,
				      EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE |
				      EFI_FILE_MODE_CREATE, EFI_FILE_DIRECTORY);
		wpath[i] = L'\\';
		if (EFI_ERROR(s))
			return s;
		uefi_call_wrapper(d->Close, 1, d);
	}
	return EFI_SUCCESS;
}

/* A new empty file at wpath: an existing one is deleted first, since
 * opening it would keep its old length. */
static EFI_STATUS create_file(EFI_FILE_HANDLE root, CHAR16 *wpath,
			      EFI_FILE_HANDLE *fh)
{
	const UINT64 rw = EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE;
	EFI_STATUS s = make_dirs(root, wpath);

	if (EFI_ERROR(s))
		return s;
	if (!EFI_ERROR(uefi_call_wrapper(root->Open, 5, root, fh, wpath, rw, 0)))
		uefi_call_wrapper((*fh)->Delete, 1, *fh);
	return uefi_call_wrapper(root->Open, 5, root, fh, wpath,
				 rw | EFI_FILE_MODE_CREATE, 0);
}

EFI_STATUS efi_file_write(const char *path, const void *buf, UINTN size)
{
	EFI_FILE_HANDLE root, fh;
	CHAR16 wpath[PATH_MAX_CHARS];
	UINTN n = size;
	EFI_STATUS s = efi_path_to_ucs2(path, wpath, PATH_MAX_CHARS);

	if (!EFI_ERROR(s))
		s = open_root(&root);
	if (EFI_ERROR(s))
		return s;
	s = create_file(root, wpath, &fh);
	uefi_call_wrapper(root->Close, 1, root);
	if (EFI_ERROR(s))
		return s;
	s = uefi_call_wrapper(fh->Write, 3, fh, &n, (void *)buf);
	if (!EFI_ERROR(s) && n != size)
		s = EFI_VOLUME_FULL;
	if (!EFI_ERROR(s))
		s = uefi_call_wrapper(fh->Flush, 1, fh);
	if (EFI_ERROR(s)) {
		uefi_call_wrapper(fh->Delete, 1, fh);
		return s;
	}
	return uefi_call_wrapper(fh->Close, 1, fh);
}

static EFI_STATUS read_all(EFI_FILE_HANDLE fh, UINTN max, void **buf, UINTN *size)
{
	EFI_FILE_INFO *info = LibFileInfo(fh);
	EFI_STATUS s;
	UINTN n;

	if (!info)
		return EFI_DEVICE_ERROR;
	n = info->FileSize;
	s = (info->Attribute & EFI_FILE_DIRECTORY) ? EFI_ACCESS_DENIED : EFI_SUCCESS;
	FreePool(info);
	if (EFI_ERROR(s))
		return s;
	if (n > max) {
		*size = n;
		return EFI_BAD_BUFFER_SIZE;
	}
	*buf = AllocatePool(n ? n : 1);
	if (!*buf)
		return EFI_OUT_OF_RESOURCES;
	*size = n;
	s = uefi_call_wrapper(fh->Read, 3, fh, size, *buf);
	if (EFI_ERROR(s) || *size != n) {
		FreePool(*buf);
		*buf = NULL;
		return EFI_ERROR(s) ? s : EFI_DEVICE_ERROR;
	}
	return EFI_SUCCESS;
}

EFI_STATUS efi_file_read(const char *path, UINTN max, void **buf, UINTN *size)
{
	EFI_FILE_HANDLE fh;
	EFI_STATUS s = open_file(path, &fh);

	if (EFI_ERROR(s))
		return s;
	s = read_all(fh, max, buf, size);
	uefi_call_wrapper(fh->Close, 1, fh);
	return s;
}

/* "64 MiB", "64 KiB" or "N bytes": limits are whole units. */
static void format_limit(char *buf, UINTN size, UINTN bytes)
{
	if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
		ksnprintf(buf, size, "%lu MiB", (unsigned long)(bytes >> 20));
	else if (bytes >= 1024 && bytes % 1024 == 0)
		ksnprintf(buf, size, "%lu KiB", (unsigned long)(bytes >> 10));
	else
		ksnprintf(buf, size, "%lu bytes", (unsigned long)bytes);
}

const char *efi_file_error(EFI_STATUS s, UINTN size, UINTN max, char *buf,
			   UINTN bufsz)
{
	char limit[32];

	switch (s) {
	case EFI_NOT_FOUND:
		return "no such file";
	case EFI_ACCESS_DENIED:
		return "is a directory, not a file";
	case EFI_INVALID_PARAMETER:
		return "bad path (empty, not ASCII, or too long)";
	case EFI_WRITE_PROTECTED:
		return "the volume is write-protected";
	case EFI_VOLUME_FULL:
		return "the volume is full";
	case EFI_BAD_BUFFER_SIZE:
		format_limit(limit, sizeof(limit), max);
		ksnprintf(buf, bufsz, "file too large: %lu bytes, the limit is %s",
			  (unsigned long)size, limit);
		return buf;
	default:
		return efi_status_name(s);
	}
}
