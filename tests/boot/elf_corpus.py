#!/usr/bin/env python3
"""tests/boot/elf_corpus.py - malformed payload ELFs for efimm's loader.

write_corpus(outdir, valid=DEFAULT_VALID) reads a valid payload ELF (built
by payload/sdk/sdk.mk) and writes one broken copy per rejection that
pure/elf.c must report, returning {file name: substring the reason
("efimm: PATH: REASON") must contain}.  Each copy is broken in exactly
one way, so the expected reason is unambiguous.

write_fuzz_seeds(outdir) writes small (< 8 KiB) valid and broken images
built from scratch, used as the libFuzzer seed corpus of
tests/fuzz/fuzz_elf.c (the fuzzer's first input byte picks the reason
buffer's length, hence the leading 0x60).

Run as a script:
  tests/boot/elf_corpus.py OUTDIR [VALID.elf]     corpus, prints the table
  tests/boot/elf_corpus.py --fuzz-seeds OUTDIR    fuzz seeds
"""
import os
import struct
import sys

DEFAULT_VALID = "build/payload/hello.elf"
WINDOW_LO = 0x0000500000000000
LOW_ADDR = 0x100000       # identity-mapped RAM, where efimm itself lives
PAGE = 4096

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD = 1
PF_X, PF_W, PF_R = 1, 2, 4


class Elf:
    """A mutable ELF64 image: the raw bytes plus decoded program headers."""

    def __init__(self, data):
        self.data = bytearray(data)
        h = EHDR.unpack_from(self.data, 0)
        self.entry, self.phoff, self.phnum = h[4], h[5], h[10]

    def phdr(self, i):
        return list(PHDR.unpack_from(self.data, self.phoff + i * PHDR.size))

    def set_phdr(self, i, fields):
        PHDR.pack_into(self.data, self.phoff + i * PHDR.size, *fields)

    def loads(self):
        """Indices of PT_LOAD headers, in file order."""
        return [i for i in range(self.phnum) if self.phdr(i)[0] == PT_LOAD]

    def load_with(self, want, refuse=0):
        """First PT_LOAD whose flags include want and exclude refuse."""
        for i in self.loads():
            fl = self.phdr(i)[1]
            if fl & want == want and not fl & refuse:
                return i
        raise ValueError("no PT_LOAD with flags %#x" % want)

    def set_entry(self, va):
        struct.pack_into("<Q", self.data, 24, va)

    def set_u16(self, off, v):
        struct.pack_into("<H", self.data, off, v)


def _text_rodata_data(e):
    return (e.load_with(PF_X), e.load_with(PF_R, PF_W | PF_X),
            e.load_with(PF_W))


def _mutations(e):
    """(name, function editing a copy, expected reason substring)."""
    text, rodata, data = _text_rodata_data(e)

    def set_field(idx, field, value):
        def f(c):
            p = c.phdr(idx)
            p[field] = value
            c.set_phdr(idx, p)
        return f

    def overlap(c):
        t, r = c.phdr(text), c.phdr(rodata)
        r[3] = t[3] - t[3] % PAGE + r[2] % PAGE   # into text's first page
        c.set_phdr(rodata, r)

    def move_low(c):
        delta = WINDOW_LO - LOW_ADDR
        for i in c.loads():
            p = c.phdr(i)
            p[3] -= delta
            p[4] -= delta
            c.set_phdr(i, p)
        c.set_entry(c.entry - delta)

    t = e.phdr(text)
    return [
        ("truncated", lambda c: c.data.__delitem__(
            slice(t[2] + t[5] // 2, None)), "outside the file"),
        ("truncated_header", lambda c: c.data.__delitem__(
            slice(40, None)), "file too small"),
        ("bad_magic", lambda c: c.data.__setitem__(1, ord("X")),
         "bad magic"),
        ("class32", lambda c: c.data.__setitem__(4, 1),
         "not a 64-bit ELF"),
        ("wrong_machine", lambda c: c.set_u16(18, 3), "wrong machine 3"),
        ("not_exec", lambda c: c.set_u16(16, 3), "not an executable"),
        ("wx_segment", set_field(data, 1, PF_R | PF_W | PF_X),
         "segment %d is both writable and executable" % data),
        ("overlapping", overlap, "overlap"),
        ("entry_outside_code", lambda c: c.set_entry(e.phdr(rodata)[3]),
         "is not in an executable segment"),
        ("huge_memsz", set_field(data, 6, 1 << 40),
         "segment %d is too large" % data),
        ("over_efimm", move_low, "outside the payload window"),
    ]


def write_corpus(outdir, valid=DEFAULT_VALID):
    """Writes OUTDIR/NAME.elf per mutation; returns {NAME.elf: reason}."""
    with open(valid, "rb") as f:
        base = f.read()
    e = Elf(base)
    os.makedirs(outdir, exist_ok=True)
    table = {}
    for name, mutate, reason in _mutations(e):
        c = Elf(base)
        mutate(c)
        fname = name + ".elf"
        with open(os.path.join(outdir, fname), "wb") as f:
            f.write(c.data)
        table[fname] = reason
    return table


def minimal_elf():
    """A small valid payload: text RX, rodata R, data RW+bss, 0x400 bytes,
    segments congruent to their file offsets modulo the page size."""
    phs = [
        (PT_LOAD, PF_R | PF_X, 0x200, WINDOW_LO + 0x200, 0x40, 0x40),
        (PT_LOAD, PF_R, 0x280, WINDOW_LO + 0x1280, 0x20, 0x20),
        (PT_LOAD, PF_R | PF_W, 0x300, WINDOW_LO + 0x2300, 0x10, 0x2000),
    ]
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    out = bytearray(0x400)
    EHDR.pack_into(out, 0, ident, 2, 62, 1, WINDOW_LO + 0x200, EHDR.size,
                   0, 0, EHDR.size, PHDR.size, len(phs), 0, 0, 0)
    for i, (ty, fl, off, va, fs, ms) in enumerate(phs):
        PHDR.pack_into(out, EHDR.size + i * PHDR.size, ty, fl, off, va, va,
                       fs, ms, PAGE)
        out[off:off + fs] = bytes([0xc3]) * fs
    return bytes(out)


def write_fuzz_seeds(outdir):
    """The minimal image and each of its mutations, prefixed by 0x60."""
    os.makedirs(outdir, exist_ok=True)
    base = minimal_elf()
    seeds = {"valid": base}
    for name, mutate, _ in _mutations(Elf(base)):
        c = Elf(base)
        mutate(c)
        seeds[name] = bytes(c.data)
    for name, data in seeds.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(b"\x60" + data)
    return sorted(seeds)


def main(argv):
    if len(argv) == 3 and argv[1] == "--fuzz-seeds":
        print("\n".join(write_fuzz_seeds(argv[2])))
        return 0
    if len(argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    table = write_corpus(argv[1], *argv[2:])
    for name, reason in sorted(table.items()):
        print("%-24s %s" % (name, reason))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
