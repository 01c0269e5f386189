/*
 * efi/fw/smp_fw.h - what starting the APs needs from the firmware,
 * gathered before ExitBootServices (machine/smp.h's struct smp_plan).
 */
#ifndef EFI_FW_SMP_FW_H
#define EFI_FW_SMP_FW_H

#include "../../arch/x86_64/smp.h"

/*
 * Fills smp_plan: the MADT's CPUs (found through the ACPI 2.0 RSDP of
 * the configuration table, its XSDT - or RSDT - and their checksums),
 * the boot CPU's APIC id, TR_LOW_PAGES pages below 1 MiB and one AP
 * area per other CPU (LoaderData).  Never fails the run: whatever is
 * missing leaves the plan at the boot CPU alone with plan.why saying so
 * (one line in the log after ExitBootServices).  inject: the run
 * option's fault injection for the APs' start (inject=ap-stuck: the last
 * AP is started into a halt; ap-late: the first is held past its time).
 */
void smp_fw_prepare(enum smp_start_inject inject);

#endif
