"""The SDK from a user's own build (`make sdk`, payload/sdk/sdk.mk): the
README's two-file example built by its own Makefile from a copy of the SDK
directory somewhere else (the original removed, so no path may point back
into the tree), the same through pkg-config, `int main(void)`, a deliberate
infinite recursion that only warns, and efimm's own payloads still -Werror.
Host only: the payloads are built and checked as ELF files, not booted
(tools/efimm-test's boot tests run them)."""
import os
import re
import shutil
import struct
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAYLOAD_BASE = 0x500000000000


def readme_example():
    """{file name: text} of the README's SDK example (the fenced blocks
    after <!-- sdk-example: NAME -->)."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    blocks = re.findall(r"<!-- sdk-example: (\S+) -->\n```\w*\n(.*?)```", text, re.S)
    return dict(blocks)


def elf_header(path):
    """(e_type, e_entry) of a 64-bit little-endian ELF file."""
    with open(path, "rb") as f:
        head = f.read(64)
    assert head[:4] == b"\x7fELF" and head[4] == 2, path
    e_type, = struct.unpack_from("<H", head, 16)
    e_entry, = struct.unpack_from("<Q", head, 24)
    return e_type, e_entry


def make(*args, cwd=ROOT, check=True):
    p = subprocess.run(["make", "-s", "--no-print-directory", *args], cwd=cwd,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=300)
    out = p.stdout.decode("utf-8", "replace")
    if check:
        assert p.returncode == 0, out
    return p.returncode, out


@pytest.fixture(scope="module")
def sdk(tmp_path_factory):
    """A copy of the SDK directory, the original removed."""
    base = tmp_path_factory.mktemp("sdk")
    make("sdk", f"SDK_OUT={base / 'made'}")
    copy = base / "elsewhere" / "efimm-sdk"
    shutil.copytree(base / "made", copy)
    shutil.rmtree(base / "made")
    return copy


def test_sdk_directory_layout(sdk):
    for rel in ["include/efimm.h", "include/efimm_abi.h", "lib/libefimm.a",
                "lib/crt0.o", "lib/payload.ld", "efimm-sdk.mk", "efimm-sdk.pc"]:
        assert (sdk / rel).is_file(), rel
    for rel in ["efimm-sdk.mk", "efimm-sdk.pc"]:
        text = (sdk / rel).read_text()
        assert "@EFIMM_" not in text
        assert ROOT not in text, f"{rel} points into the source tree"
    cflags = re.search(r"^EFIMM_CFLAGS :=(.*)$", (sdk / "efimm-sdk.mk").read_text(), re.M)
    assert cflags and "-Wall" in cflags.group(1) and "-Werror" not in cflags.group(1)


def test_readme_example_builds_from_a_copied_sdk(sdk, tmp_path):
    files = readme_example()
    assert set(files) == {"Makefile", "util.h", "util.c", "main.c"}
    proj = tmp_path / "proj"
    proj.mkdir()
    for name, text in files.items():
        (proj / name).write_text(text)
    make(f"EFIMM_SDK_DIR={sdk}", cwd=proj)
    e_type, entry = elf_header(proj / "mytest.elf")
    assert e_type == 2                      # ET_EXEC
    assert PAYLOAD_BASE <= entry < PAYLOAD_BASE + (1 << 30)
    syms = subprocess.run(["nm", str(proj / "mytest.elf")], stdout=subprocess.PIPE,
                          check=True).stdout.decode()
    for sym in ["main", "sum_pages", "_start", "efimm_test_ok"]:
        assert re.search(rf" T {sym}$", syms, re.M), sym
    # the Makefile tracks its objects: a second make has nothing to do
    _, out = make(f"EFIMM_SDK_DIR={sdk}", "-q", "mytest.elf", cwd=proj, check=False)
    assert _ == 0, out


WARNS_AND_RECURSES = r'''
#include "efimm.h"

static int forever(int n)
{
	return forever(n + 1) + 1;      /* deliberate: -Winfinite-recursion */
}

int main(void)
{
	int unused;                     /* -Wunused-variable */
	if (efimm_boot() == NULL)
		return forever(0);
	return 0;
}
'''


def test_user_payload_warns_but_builds(sdk, tmp_path):
    """int main(void) and a deliberate infinite recursion: warnings, no
    error, with the copied SDK's makefile."""
    (tmp_path / "rec.c").write_text(WARNS_AND_RECURSES)
    (tmp_path / "Makefile").write_text(
        f"include {sdk}/efimm-sdk.mk\nCC := $(EFIMM_CC)\nCFLAGS := $(EFIMM_CFLAGS)\n"
        "rec.elf: rec.o\n")
    _, out = make(cwd=tmp_path)
    assert "infinite-recursion" in out
    assert "unused" in out
    assert "conflicting types" not in out
    assert elf_header(tmp_path / "rec.elf")[0] == 2


def test_both_forms_of_main_compile_without_warnings(sdk, tmp_path):
    for i, sig in enumerate(["int main(void)", "int main(int argc, char **argv)"]):
        src = tmp_path / f"m{i}.c"
        body = "(void)argc; (void)argv; " if "argc" in sig else ""
        src.write_text(f'#include "efimm.h"\n{sig}\n{{ {body}return 0; }}\n')
        (tmp_path / "Makefile").write_text(
            f"include {sdk}/efimm-sdk.mk\nCC := $(EFIMM_CC)\n"
            f"CFLAGS := $(EFIMM_CFLAGS) -Werror\nm{i}.elf: m{i}.o\n")
        make(cwd=tmp_path)
        assert elf_header(tmp_path / f"m{i}.elf")[0] == 2


@pytest.mark.skipif(shutil.which("pkg-config") is None, reason="no pkg-config")
def test_pkg_config_builds_two_files(sdk, tmp_path):
    files = readme_example()
    for name in ["util.h", "util.c", "main.c"]:
        (tmp_path / name).write_text(files[name])
    env = dict(os.environ, PKG_CONFIG_PATH=str(sdk))

    def pc(flag):
        return subprocess.run(["pkg-config", flag, "efimm-sdk"], env=env, check=True,
                              stdout=subprocess.PIPE).stdout.decode().split()
    assert any(w.startswith("-I") and w.endswith("/include") for w in pc("--cflags"))
    objs = []
    for c in ["main.c", "util.c"]:
        o = str(tmp_path / (c[:-2] + ".o"))
        subprocess.run(["gcc", *pc("--cflags"), "-c", str(tmp_path / c), "-o", o],
                       check=True)
        objs.append(o)
    out = str(tmp_path / "pc.elf")
    subprocess.run(["gcc", *objs, *pc("--libs"), "-o", out], check=True)
    assert elf_header(out)[0] == 2


def test_make_payload_accepts_user_code(tmp_path):
    """`make payload SRC= OUT=` is the user path too: no -Werror."""
    src = tmp_path / "rec.c"
    src.write_text(WARNS_AND_RECURSES)
    out = tmp_path / "rec.elf"
    _, text = make("payload", f"SRC={src}", f"OUT={out}")
    assert "infinite-recursion" in text
    assert elf_header(out)[0] == 2


def test_in_tree_payloads_keep_werror():
    _, out = make("-n", "-B", "build/payload/obj/hello.o")
    assert re.search(r"gcc .*-Werror.*payload/hello\.c", out), out
