#!/usr/bin/env python3
"""tools/check-layers.py - the layer rules, checked on the built objects.

Layers, top to bottom.  Code uses (calls, or takes the address of) only
its own layer and the ones below it:

    efi/      firmware glue: efi/ entry, efi/cmd commands, efi/fw services
    machine/  owns the machine after ExitBootServices
    mm/       arch-neutral memory management
    arch/     CPU architecture (arch/x86_64/)
    lib/      printf, console, strings, errors, timing

    pure/     firmware-free logic beside the stack: used by efi/ and
              machine/ (and by the host tests), uses only lib/.

Rules, each checked on every undefined symbol of every object in
build/efi-obj (the symbol is resolved to the object that defines it):

  layer-order    a layer uses nothing in a layer above it; pure/ uses
                 only lib/, and only efi/ and machine/ use pure/.
  pt-internals   arch/x86_64/pt.h (pt_* functions, pt_levels) is arch/'s
                 own: nothing outside arch/ uses it.
  mm-hooks       mm/ reaches arch/ only through mm/arch_hooks.h.
  hooks-private  mm/arch_hooks.h is mm/'s interface to arch/: nothing but
                 mm/ and arch/ uses a hook.
  hook-unused    every hook declared in mm/arch_hooks.h is used by mm/.
  firmware-lib   gnu-efi's library (symbols defined in no efimm object)
                 is used only by efi/.

Symbols the linker script efi/efimm.lds defines (_text, _edata, ...)
belong to efi/, whose script it is.  A symbol declared in a lib/ header is lib/'s wherever it is defined: a
lib/ declaration implemented above (panic in efi/fw/panic.c) is a
deliberate hook through which lower layers reach a service, and allowed
from anywhere.

Usage: check-layers.py [OBJDIR [SRCROOT [OBJ...]]]  (defaults build/efi-obj
and .).  With OBJs (paths under OBJDIR, as the Makefile links them), only
those are checked, so objects a moved or deleted source left in OBJDIR
do not count; without, every object under OBJDIR.
Prints one line per violation, "file:line:function -> callee (where it
is defined): rule: why" (the function is the one the reference is in,
inlined or not, when the object has debug info), and exits 1 if there is
any, 0 otherwise.
"""

import os
import re
import subprocess
import sys

ORDER = {"lib": 1, "arch": 2, "mm": 3, "machine": 4, "efi": 5}
PURE_USERS = {"efi", "machine", "pure"}
PT_HEADER = "arch/x86_64/pt.h"
LINKER_SCRIPT = "efi/efimm.lds"
HOOKS_HEADER = "mm/arch_hooks.h"


def layer_of(path):
    """The layer of a source path relative to the source root, or None."""
    top = path.split("/", 1)[0]
    if top in ORDER or top == "pure":
        return top
    return None


# --- declarations in headers ---------------------------------------------

def _strip_comments_and_cpp(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"\\\n", " ", text)
    return re.sub(r"^\s*#[^\n]*", " ", text, flags=re.M)


def _strip_attributes(text):
    out = []
    i = 0
    while True:
        j = text.find("__attribute__", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:j])
        k = text.find("(", j)
        depth = 0
        while k < len(text):
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            k += 1
            if depth == 0:
                break
        i = k


def _top_level_statements(text):
    """Text outside braces, cut at ';' and at each closing brace."""
    stmts, cur, depth = [], [], 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                stmts.append("".join(cur))
                cur = []
        elif depth == 0:
            if ch == ";":
                stmts.append("".join(cur))
                cur = []
            else:
                cur.append(ch)
    stmts.append("".join(cur))
    return stmts


def declared_names(header_path):
    """Names of the functions and extern objects a header declares.

    static (inline) functions and typedefs are skipped: they are no
    linker symbols.
    """
    with open(header_path, encoding="utf-8") as f:
        text = _strip_attributes(_strip_comments_and_cpp(f.read()))
    names = set()
    for stmt in _top_level_statements(text):
        s = " ".join(stmt.split())
        if not s or re.match(r"(static|typedef)\b", s):
            continue
        m = re.match(r"[\w\s\*]*?(\w+)\s*\(", s)
        if m and not re.match(r"(struct|enum|union)\s+\w+\s*$", s):
            names.add(m.group(1))
            continue
        m = re.match(r"extern\b[\w\s\*]*?(\w+)\s*(\[[^\]]*\])?\s*$", s)
        if m:
            names.add(m.group(1))
    return names


def script_symbols(path):
    """Symbols a linker script assigns (NAME = ...;)."""
    if not os.path.exists(path):
        return set()
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
    return set(re.findall(r"\b([A-Za-z_]\w*)\s*=[^=]", text))


def headers_under(root, folder):
    out = []
    for dirpath, _, files in os.walk(os.path.join(root, folder)):
        out += [os.path.join(dirpath, f) for f in files if f.endswith(".h")]
    return sorted(out)


# --- objects -------------------------------------------------------------

def _readelf(obj):
    return subprocess.run(["readelf", "-W", "-S", "-s", "-r", obj],
                          check=True, capture_output=True,
                          text=True).stdout


class Obj:
    """One object's sections, symbols and references to undefined symbols."""

    def __init__(self, path, src):
        self.path, self.src = path, src
        self.sections = {}      # index -> name
        self.symbols = []       # (section index, value, size, name, type)
        self.defined = set()    # global symbols this object defines
        self.refs = []          # (caller, undefined symbol, section, offset)
        self._parse(_readelf(path))

    def _parse(self, out):
        relsec = None
        undef = set()
        relocs = []
        for line in out.splitlines():
            m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)", line)
            if m and "Section Headers" not in line:
                self.sections[int(m.group(1))] = m.group(2)
                continue
            m = re.match(r"\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+(\w+)\s+(\w+)"
                         r"\s+\w+\s+(\w+)\s+(\S+)", line)
            if m:
                value, size, typ, bind, ndx, name = m.groups()
                if ndx == "UND":
                    undef.add(name)
                elif ndx.isdigit():
                    self.symbols.append((int(ndx), int(value, 16),
                                         int(size), name, typ))
                    if bind in ("GLOBAL", "WEAK"):
                        self.defined.add(name)
                continue
            m = re.match(r"Relocation section '\.rela?(\S+)'", line)
            if m:
                relsec = m.group(1)
                continue
            m = re.match(r"([0-9a-f]+)\s+[0-9a-f]+\s+R_\S+\s+[0-9a-f]+\s+"
                         r"([^\s+]+)", line)
            if m and relsec and not relsec.startswith(".debug"):
                relocs.append((relsec, int(m.group(1), 16), m.group(2)))
        for sec, off, sym in relocs:
            if sym in undef:
                self.refs.append((self._enclosing(sec, off), sym, sec, off))

    def _enclosing(self, secname, off):
        """The function or object around offset off of section secname."""
        idx = [i for i, n in self.sections.items() if n == secname]
        best = None
        for ndx, value, size, name, typ in self.symbols:
            if ndx not in idx or typ in ("SECTION", "FILE"):
                continue
            if name.startswith(".L"):
                continue
            if value <= off < value + size:
                return name
            if value <= off and (best is None or value > best[0]):
                best = (value, name)
        return best[1] if best else secname


    def where(self, caller, sec, off):
        """"file:line function" of a reference, through the debug info
        when there is some (naming a function inlined into caller),
        else "file:caller"."""
        if sec.startswith(".text"):
            r = subprocess.run(["addr2line", "-j", sec, "-f", "-i", "-e",
                                self.path, "0x%x" % off],
                               capture_output=True, text=True)
            lines = r.stdout.split("\n")
            if r.returncode == 0 and len(lines) >= 2 and ":" in lines[1] \
                    and not lines[1].startswith("??"):
                path, line = lines[1].rsplit(":", 1)
                line = line.split()[0]
                if line.isdigit() and line != "0":
                    # the header's line when the reference was inlined
                    # from a header
                    path = os.path.relpath(path) if os.path.isabs(path) \
                        else path
                    func = lines[0]
                    if path != self.src:
                        func += " (inlined in %s)" % self.src
                    return "%s:%s:%s" % (path, line, func)
        return "%s:%s" % (self.src, caller)


def object_paths(objdir):
    """Every .o file under objdir."""
    for dirpath, _, files in os.walk(objdir):
        for f in sorted(files):
            if f.endswith(".o"):
                yield os.path.join(dirpath, f)


def load_objects(objdir, paths):
    objs = []
    for path in paths:
        rel = os.path.relpath(path, objdir)[:-2]
        src = rel + ".c"
        if not os.path.exists(src) and os.path.exists(rel + ".S"):
            src = rel + ".S"
        objs.append(Obj(path, src))
    return sorted(objs, key=lambda o: o.src)


# --- rules -----------------------------------------------------------------

def layer_rule(caller, callee):
    """The layer-order rule's complaint about caller using callee, or None."""
    if caller == "pure" and callee not in ("pure", "lib"):
        return "pure/ uses only lib/"
    if callee == "pure" and caller not in PURE_USERS:
        return "only efi/ and machine/ use pure/"
    if caller in ORDER and callee in ORDER and ORDER[callee] > ORDER[caller]:
        return "%s/ is above %s/" % (callee, caller)
    return None


def check(objs, root):
    lib_decl = set()
    for h in headers_under(root, "lib"):
        lib_decl |= declared_names(h)
    pt_decl = declared_names(os.path.join(root, PT_HEADER))
    hooks = declared_names(os.path.join(root, HOOKS_HEADER))
    script = script_symbols(os.path.join(root, LINKER_SCRIPT))

    definer = {}
    for o in objs:
        for s in o.defined:
            definer.setdefault(s, o)

    problems = []
    hooks_used_by_mm = set()
    for o in objs:
        me = layer_of(o.src)
        seen = set()
        for func, sym, sec, off in o.refs:
            d = definer.get(sym)
            if sym in lib_decl:
                callee_layer, what = "lib", "%s (declared in lib/)" % sym
            elif d is None and sym in script:
                callee_layer = "efi"
                what = "%s (%s)" % (sym, LINKER_SCRIPT)
            elif d is None:
                callee_layer, what = "gnu-efi", "%s (gnu-efi library)" % sym
            else:
                callee_layer = layer_of(d.src)
                what = "%s (%s)" % (sym, d.src)
            if me == "mm" and sym in hooks:
                hooks_used_by_mm.add(sym)
            rules = []
            why = layer_rule(me, callee_layer)
            if why:
                rules.append(("layer-order", why))
            if sym in pt_decl and me != "arch":
                rules.append(("pt-internals",
                              "%s is arch/'s own" % PT_HEADER))
            if me == "mm" and callee_layer == "arch" and sym not in hooks:
                rules.append(("mm-hooks",
                              "mm/ reaches arch/ only through %s"
                              % HOOKS_HEADER))
            if sym in hooks and me not in ("mm", "arch"):
                rules.append(("hooks-private",
                              "%s is for mm/ alone" % HOOKS_HEADER))
            if callee_layer == "gnu-efi" and me != "efi":
                rules.append(("firmware-lib",
                              "only efi/ uses the firmware library"))
            if not rules:
                continue
            where = o.where(func, sec, off)
            caller = (o.src, where.rsplit(":", 1)[-1], sym)
            if caller in seen:      # one line per calling function
                continue
            seen.add(caller)
            for rule, why in rules:
                problems.append("%s -> %s: %s: %s" % (where, what, rule, why))
    for h in sorted(hooks - hooks_used_by_mm):
        problems.append("%s: %s -> (no caller in mm/): hook-unused: every "
                        "hook is used by mm/" % (HOOKS_HEADER, h))
    return problems


def main(argv):
    objdir = argv[1] if len(argv) > 1 else "build/efi-obj"
    root = argv[2] if len(argv) > 2 else "."
    objdir = os.path.abspath(objdir)
    paths = [os.path.abspath(p) for p in argv[3:]] or object_paths(objdir)
    os.chdir(root)
    objs = load_objects(objdir, paths)
    if not objs:
        print("check-layers: no objects under %s (build first)" % objdir)
        return 2
    problems = check(objs, ".")
    for p in problems:
        print("check-layers: " + p)
    if problems:
        print("check-layers: %d violation(s) in %d objects"
              % (len(problems), len(objs)))
        return 1
    print("check-layers: %d objects, layers respected" % len(objs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
