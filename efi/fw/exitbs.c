/*
 * efi/fw/exitbs.c - ExitBootServices and the switch to efimm's own console
 * and CPU tables (exitbs.h).
 */
#include "exitbs.h"

#include "../../arch/x86_64/cpu_setup.h"
#include "../../arch/x86_64/serial.h"
#include "../../arch/x86_64/trap.h"
#include "../../lib/printf.h"

/* The pool allocation can split one free descriptor into up to three;
 * generous slack also covers events firing between the two calls. */
#define EXITBS_SLACK_DESCS 16

/* Buffer for the map, sized before anything else is read. */
static EFI_STATUS exitbs_alloc(struct exitbs_map *m)
{
	UINTN size = 0, key, dsize = 0;
	UINT32 ver;
	EFI_STATUS s;

	s = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, NULL, &key, &dsize,
			      &ver);
	if (s != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(s) ? s : EFI_DEVICE_ERROR;
	m->capacity = size + EXITBS_SLACK_DESCS * dsize;
	return uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData,
				 m->capacity, &m->buf);
}

static unsigned int stale_keys;

void efi_exitbs_inject_stale_keys(unsigned int n)
{
	stale_keys = n;
}

/* The key to present: the map's, or a stale one while injecting. */
static UINTN exitbs_key(const struct exitbs_map *m)
{
	if (stale_keys == 0)
		return m->key;
	stale_keys--;
	return m->key + 1;
}

static EFI_STATUS exitbs_read_map(struct exitbs_map *m)
{
	m->size = m->capacity;
	return uefi_call_wrapper(BS->GetMemoryMap, 5, &m->size, m->buf,
				 &m->key, &m->desc_size, &m->desc_version);
}

EFI_STATUS efi_exit_boot_services(struct exitbs_map *out)
{
	EFI_STATUS s;

	out->attempts = 0;
	s = exitbs_alloc(out);
	if (EFI_ERROR(s))
		return s;
	s = exitbs_read_map(out);
	if (EFI_ERROR(s)) {
		FreePool(out->buf);
		return s;
	}
	for (;;) {
		out->attempts++;
		s = uefi_call_wrapper(BS->ExitBootServices, 2, efi_image,
				      exitbs_key(out));
		if (s != EFI_INVALID_PARAMETER ||
		    out->attempts == EXITBS_MAX_ATTEMPTS)
			break;
		s = exitbs_read_map(out);
		if (EFI_ERROR(s))
			return s;
	}
	if (!EFI_ERROR(s))
		__asm__ volatile("cli");
	return s;
}

bool efi_console_after_ebs(const struct fb_info *fb)
{
	const struct con_backend *b[2] = { &serial_con, &fbcon_con };
	int n = 1;

	serial_init();
	if (fb && fbcon_init(fb) == 0)
		n = 2;
	con_set_backends(b, n);
	return n == 2;
}

/* trap.c's power-off: the runtime services stay identity-mapped. */
static void exitbs_poweroff(int status)
{
	EFI_STATUS s = status ? EFIERR(status) : EFI_SUCCESS;

	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, s, 0, NULL);
}

EFI_STATUS efi_take_over(struct exitbs_map *map)
{
	struct fb_info fb;
	bool have_fb = fbcon_capture_gop(&fb) == EFI_SUCCESS;
	unsigned int cpu;
	EFI_STATUS s;

	s = efi_exit_boot_services(map);
	if (EFI_ERROR(s)) {
		kprintf("efimm: ExitBootServices failed after %u attempts: %s\n",
			map->attempts, efi_status_name(s));
		return s;
	}
	have_fb = efi_console_after_ebs(have_fb ? &fb : NULL);
	trap_set_poweroff(exitbs_poweroff);
	cpu = arch_cpu_takeover();
	kprintf("efimm: boot services exited (%lu map entries, %u attempt%s); "
		"console com1%s; own GDT/TSS/IDT; NX %s, WP on, SMEP %s, SMAP %s\n",
		(unsigned long)(map->size / map->desc_size), map->attempts,
		map->attempts == 1 ? "" : "s",
		have_fb ? " + framebuffer" : "",
		(cpu & CPU_TAKEOVER_NX) ? "on" : "off",
		(cpu & CPU_TAKEOVER_SMEP) ? "on" : "off",
		(cpu & CPU_TAKEOVER_SMAP) ? "on" : "off");
	if (have_fb)
		kprintf("efimm: framebuffer %ux%u at 0x%lx, %u pixels per line\n",
			fb.width, fb.height, (unsigned long)fb.base, fb.stride);
	return EFI_SUCCESS;
}
