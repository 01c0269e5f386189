/*
 * arch/x86_64/insn.c - names privileged and I/O instructions (see insn.h)
 * from their encodings (SDM vol. 2, appendix A opcode maps): a few
 * switches, no general decoder.  Everything returned is a constant
 * string; the CR/DR numbered names come from constant tables so the
 * fatal path never formats into a shared buffer.
 */
#include "insn.h"

#define INSN_MAX_LEN  15   /* longer is #GP whatever the opcode */
#define INSN_REX_R    0x04 /* REX.R: ModRM.reg + 8 */

#define INSN_NAMES8(p)  p "0", p "1", p "2", p "3", p "4", p "5", p "6", p "7"
#define INSN_NAMES16(p) INSN_NAMES8(p), p "8", p "9", p "10", p "11", \
			p "12", p "13", p "14", p "15"

static const char *const insn_mov_from_cr[16] = { INSN_NAMES16("mov from CR") };
static const char *const insn_mov_to_cr[16] = { INSN_NAMES16("mov to CR") };
static const char *const insn_mov_from_dr[8] = { INSN_NAMES8("mov from DR") };
static const char *const insn_mov_to_dr[8] = { INSN_NAMES8("mov to DR") };

/* True if b is a legacy prefix (operand/address size, lock, rep, segment). */
static bool insn_is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x66: case 0x67: case 0xF0: case 0xF2: case 0xF3:
	case 0x2E: case 0x36: case 0x3E: case 0x26: case 0x64: case 0x65:
		return true;
	default:
		return false;
	}
}

/* Privileged or I/O one-byte opcodes; NULL for the others. */
static const char *insn_one_byte(uint8_t op)
{
	switch (op) {
	case 0xFA: return "cli";
	case 0xFB: return "sti";
	case 0xF4: return "hlt";
	case 0xE4: case 0xE5: case 0xEC: case 0xED: return "in";
	case 0xE6: case 0xE7: case 0xEE: case 0xEF: return "out";
	case 0x6C: case 0x6D: return "ins";
	case 0x6E: case 0x6F: return "outs";
	default: return NULL;
	}
}

/* Privileged 0F xx opcodes without a ModRM byte; NULL for the others. */
static const char *insn_0f_plain(uint8_t op)
{
	switch (op) {
	case 0x06: return "clts";
	case 0x07: return "sysret";
	case 0x08: return "invd";
	case 0x09: return "wbinvd";
	case 0x30: return "wrmsr";
	case 0x32: return "rdmsr";
	case 0x35: return "sysexit";
	default: return NULL;
	}
}

/* Group 6 (0F 00 /reg): lldt and ltr; sldt, str, verr, verw are not
 * privileged. */
static const char *insn_0f00(unsigned int reg)
{
	if (reg == 2)
		return "lldt";
	if (reg == 3)
		return "ltr";
	return NULL;
}

/*
 * Group 7 (0F 01).  With a memory operand /reg selects the instruction;
 * with mod = 3 most rows are other instructions picked by the whole
 * ModRM byte (xsetbv 0F 01 D1, swapgs 0F 01 F8), except lmsw, which
 * takes a register too.  sgdt, sidt, smsw are not privileged.
 */
static const char *insn_0f01(uint8_t modrm)
{
	unsigned int reg = (modrm >> 3) & 7;

	if (reg == 6)
		return "lmsw";
	if ((modrm >> 6) == 3) {
		if (modrm == 0xD1)
			return "xsetbv";
		return modrm == 0xF8 ? "swapgs" : NULL;
	}
	switch (reg) {
	case 2: return "lgdt";
	case 3: return "lidt";
	case 7: return "invlpg";
	default: return NULL;
	}
}

/*
 * 0F xx opcodes with a ModRM byte.  mov CR/DR ignore ModRM.mod (the
 * operand is always a register).  REX.R selects CR8..CR15; there is no
 * DR8..DR15 (#UD), so a DR access with REX.R is not named.
 */
static const char *insn_0f_modrm(uint8_t op, uint8_t modrm, uint8_t rex)
{
	unsigned int reg = (modrm >> 3) & 7;
	unsigned int cr = reg + ((rex & INSN_REX_R) ? 8 : 0);

	switch (op) {
	case 0x00: return insn_0f00(reg);
	case 0x01: return insn_0f01(modrm);
	case 0x20: return insn_mov_from_cr[cr];
	case 0x22: return insn_mov_to_cr[cr];
	case 0x21: return (rex & INSN_REX_R) ? NULL : insn_mov_from_dr[reg];
	case 0x23: return (rex & INSN_REX_R) ? NULL : insn_mov_to_dr[reg];
	default: return NULL;
	}
}

/* Two-byte (0F xx) opcodes; code[0] is the byte after 0F, n > 0 the
 * bytes left. */
static const char *insn_two_byte(const uint8_t *code, size_t n, uint8_t rex)
{
	const char *name = insn_0f_plain(code[0]);

	if (name)
		return name;
	if (n < 2)
		return NULL;
	return insn_0f_modrm(code[0], code[1], rex);
}

const char *insn_privileged_name(const uint8_t *code, size_t len)
{
	size_t n = MIN(len, INSN_MAX_LEN);
	size_t i = 0;
	uint8_t rex = 0;

	while (i < n && insn_is_legacy_prefix(code[i]))
		i++;
	if (i < n && (code[i] & 0xF0) == 0x40)
		rex = code[i++];
	if (i >= n)
		return NULL;
	if (code[i] != 0x0F)
		return insn_one_byte(code[i]);
	if (i + 1 >= n)
		return NULL;
	return insn_two_byte(code + i + 1, n - i - 1, rex);
}
