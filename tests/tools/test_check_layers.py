"""Fault injection for tools/check-layers.py.

A miniature source tree with one object per layer passes the check; each
test then adds one tiny object that breaks one rule and shows the
checker naming it (caller file and function, callee, rule) and failing.
The last test injects a violation into a copy of efimm's real objects.
"""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECKER = os.path.join(ROOT, "tools", "check-layers.py")

# The miniature tree: path -> text.  Objects are built from the .c files.
TREE = {
    "lib/assert.h": "__attribute__((noreturn)) void panic(const char *m);\n",
    "lib/util.h": "int lib_util(int x);\n",
    "lib/util.c": '#include "util.h"\nint lib_util(int x) { return x + 1; }\n',
    "mm/arch_hooks.h": "int arch_mem_map(unsigned long va);\n",
    "arch/x86_64/pt.h": "extern const int pt_levels[4];\n"
                        "int pt_unmap(unsigned long va);\n",
    "arch/x86_64/pt.c": '#include "pt.h"\n#include "../../lib/assert.h"\n'
                        "const int pt_levels[4];\n"
                        "int pt_unmap(unsigned long va)\n"
                        '{ if (!va) panic("pt: zero"); return pt_levels[va & 3]; }\n',
    "arch/x86_64/hooks.c": '#include "pt.h"\n#include "../../mm/arch_hooks.h"\n'
                           "int arch_mem_map(unsigned long va) { return pt_unmap(va); }\n",
    "mm/mm.c": '#include "arch_hooks.h"\n#include "../lib/util.h"\n'
               "int mm_map(unsigned long va) { return lib_util(arch_mem_map(va)); }\n",
    "pure/parse.c": '#include "../lib/util.h"\nint pure_parse(int x) { return lib_util(x); }\n',
    "machine/boot.c": "int mm_map(unsigned long va);\nint pure_parse(int x);\n"
                      "int machine_boot(void) { return mm_map(0) + pure_parse(1); }\n",
    "efi/fw/panic.c": "void panic(const char *m) { (void)m; for (;;) ; }\n",
    "efi/main.c": "int machine_boot(void);\nint efi_main(void) { return machine_boot(); }\n",
}


def build(root, files, debug=False):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    for rel in files:
        if rel.endswith(".c"):
            obj = os.path.join(root, "build/efi-obj", rel[:-2] + ".o")
            os.makedirs(os.path.dirname(obj), exist_ok=True)
            subprocess.run(["gcc", "-c", "-O1", "-fpic", "-ffreestanding"] +
                           (["-g"] if debug else []) +
                           [os.path.join(root, rel), "-o", obj], check=True)


def check(root, objdir=None):
    r = subprocess.run([sys.executable, CHECKER,
                        objdir or os.path.join(root, "build/efi-obj"), root],
                       capture_output=True, text=True)
    return r.returncode, r.stdout


@pytest.fixture
def tree(tmp_path):
    build(str(tmp_path), TREE)
    return str(tmp_path)


def test_clean_tree_passes(tree):
    rc, out = check(tree)
    assert rc == 0, out
    assert "layers respected" in out


# (file, text, expected line fragments): one rule broken each.
INJECTIONS = [
    ("mm/up.c", "int machine_boot(void);\nint mm_up(void) { return machine_boot(); }\n",
     ["mm/up.c:mm_up -> machine_boot (machine/boot.c): layer-order: "
      "machine/ is above mm/"]),
    ("arch/x86_64/up.c", "int mm_map(unsigned long va);\n"
     "int arch_up(void) { return mm_map(1); }\n",
     ["arch/x86_64/up.c:arch_up -> mm_map (mm/mm.c): layer-order: mm/ is above arch/"]),
    ("lib/up.c", "int pure_parse(int x);\nint lib_up(void) { return pure_parse(2); }\n",
     ["lib/up.c:lib_up -> pure_parse (pure/parse.c): layer-order: "
      "only efi/ and machine/ use pure/"]),
    ("pure/down.c", "int mm_map(unsigned long va);\n"
     "int pure_down(void) { return mm_map(3); }\n",
     ["pure/down.c:pure_down -> mm_map (mm/mm.c): layer-order: pure/ uses only lib/"]),
    ("efi/cmd/cmd_fault.c", '#include "../../arch/x86_64/pt.h"\n'
     "int fire_pf(void) { return pt_unmap(4096); }\n",
     ["efi/cmd/cmd_fault.c:fire_pf -> pt_unmap (arch/x86_64/pt.c): pt-internals: "
      "arch/x86_64/pt.h is arch/'s own"]),
    ("machine/levels.c", '#include "../arch/x86_64/pt.h"\n'
     "int levels(int i) { return pt_levels[i]; }\n",
     ["machine/levels.c:levels -> pt_levels (arch/x86_64/pt.c): pt-internals"]),
    ("mm/direct.c", '#include "../arch/x86_64/pt.h"\n'
     "int mm_direct(void) { return pt_unmap(8192); }\n",
     ["mm/direct.c:mm_direct -> pt_unmap (arch/x86_64/pt.c): pt-internals",
      "mm/direct.c:mm_direct -> pt_unmap (arch/x86_64/pt.c): mm-hooks: "
      "mm/ reaches arch/ only through mm/arch_hooks.h"]),
    ("machine/hook.c", '#include "../mm/arch_hooks.h"\n'
     "int machine_hook(void) { return arch_mem_map(5); }\n",
     ["machine/hook.c:machine_hook -> arch_mem_map (arch/x86_64/hooks.c): "
      "hooks-private: mm/arch_hooks.h is for mm/ alone"]),
    ("machine/fw.c", "extern void *BS;\nvoid *machine_fw(void) { return BS; }\n",
     ["machine/fw.c:machine_fw -> BS (gnu-efi library): firmware-lib: "
      "only efi/ uses the firmware library"]),
]


@pytest.mark.parametrize("path,text,expect", INJECTIONS,
                         ids=[i[0] for i in INJECTIONS])
def test_injected_violation_is_caught(tree, path, text, expect):
    build(tree, {path: text})
    rc, out = check(tree)
    assert rc == 1, out
    for frag in expect:
        assert any(frag in line for line in out.splitlines()), out
    # Nothing but the injected object is blamed.
    blamed = [l for l in out.splitlines() if " -> " in l]
    assert blamed and all(path in l for l in blamed), out


def test_line_and_inlined_function_named_from_debug_info(tree):
    """With -g the line names the source line and the function the
    reference is in, even when that function was inlined."""
    build(tree, {"efi/cmd/cmd_fault.c":
                 '#include "../../arch/x86_64/pt.h"\n'
                 "static int unmap_page0(void) { return pt_unmap(0); }\n"
                 "int fire_pf(void) { return unmap_page0() + 1; }\n"}, debug=True)
    rc, out = check(tree)
    assert rc == 1, out
    assert ("efi/cmd/cmd_fault.c:2:unmap_page0 -> pt_unmap (arch/x86_64/pt.c): "
            "pt-internals") in out, out


def test_reference_inlined_from_a_header_names_the_header(tree):
    build(tree, {"mm/levels.h": '#include "../arch/x86_64/pt.h"\n'
                                "static inline int level0(void)\n"
                                "{ return pt_levels[0]; }\n",
                 "mm/walk.c": '#include "levels.h"\n'
                              "int mm_walk(void) { return level0(); }\n"}, debug=True)
    rc, out = check(tree)
    assert rc == 1, out
    assert ("mm/levels.h:3:level0 (inlined in mm/walk.c) -> pt_levels "
            "(arch/x86_64/pt.c): pt-internals") in out, out


def test_unused_hook_is_caught(tree):
    build(tree, {"mm/arch_hooks.h": "int arch_mem_map(unsigned long va);\n"
                                    "void arch_pt_activate(void);\n",
                 "arch/x86_64/act.c": "void arch_pt_activate(void) { }\n"})
    rc, out = check(tree)
    assert rc == 1, out
    assert ("mm/arch_hooks.h: arch_pt_activate -> (no caller in mm/): "
            "hook-unused") in out


def test_lib_declaration_defined_above_is_allowed(tree):
    """panic is declared in lib/ and defined in efi/fw: arch/ may call it."""
    rc, out = check(tree)
    assert rc == 0 and "panic" not in out, out
    build(tree, {"lib/assert.h": "int unrelated(void);\n"})
    rc, out = check(tree)
    assert rc == 1, out
    assert ("arch/x86_64/pt.c:pt_unmap -> panic (efi/fw/panic.c): layer-order: "
            "efi/ is above arch/") in out


def test_injection_into_efimm_objects(tmp_path):
    """One violating object added to a copy of efimm's real objects."""
    objs = os.path.join(ROOT, "build", "efi-obj")
    assert os.path.isdir(objs), "build efimm first (make all)"
    copy = str(tmp_path / "efi-obj")
    shutil.copytree(objs, copy)
    rc0, before = check(ROOT, copy)
    src = tmp_path / "inject.c"
    src.write_text('#include "arch/x86_64/pt.h"\n#include "mm/mm.h"\n'
                   "int lib_injected(void)\n"
                   "{ mm_init(0, 0); return pt_unmap(0, 0, 0); }\n")
    subprocess.run(["gcc", "-c", "-O1", "-fpic", "-ffreestanding", "-I", ROOT,
                    "-I", os.path.join(ROOT, "arch/x86_64/include"),
                    "-DEFIMM_TARGET", str(src), "-o",
                    os.path.join(copy, "lib", "zz_injected.o")], check=True)
    rc, after = check(ROOT, copy)
    assert rc == 1, after
    new = sorted(set(after.splitlines()) - set(before.splitlines()))
    new = [l for l in new if " -> " in l]
    assert new == [
        "check-layers: lib/zz_injected.c:lib_injected -> mm_init (mm/mm.c): "
        "layer-order: mm/ is above lib/",
        "check-layers: lib/zz_injected.c:lib_injected -> pt_unmap "
        "(arch/x86_64/pt.c): layer-order: arch/ is above lib/",
        "check-layers: lib/zz_injected.c:lib_injected -> pt_unmap "
        "(arch/x86_64/pt.c): pt-internals: arch/x86_64/pt.h is arch/'s own",
    ], after
