"""The README's two user commands for payloads, end to end: an
out-of-tree payload built with `make payload SRC=... OUT=...` and booted
with `make run PAYLOAD=... ARGS=...` (and with tools/run.sh, which `make
run` calls and which exits with the payload's status)."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SOURCE = r'''
#include "efimm.h"

int main(int argc, char **argv)
{
	uint8_t *p = k_mem_map(4 * PAGE_SIZE, K_MEM_PERM_RW);
	void *unpin;

	if (!p)
		return 1;
	p[0] = 42;
	printk("outoftree: argc=%d last=%s mapped at %p\n", argc, argv[argc - 1], p);
	k_mem_unmap(p, 4 * PAGE_SIZE);
	unpin = k_mem_unpin;
	printk("outoftree: k_mem_unpin at %p\n", unpin);
	return argc + 40;
}
'''


def test_make_payload_then_make_run(tmp_path):
    src = tmp_path / "test.c"
    src.write_text(SOURCE)
    out = tmp_path / "out" / "test.elf"
    subprocess.run(["make", "-s", "payload", f"SRC={src}", f"OUT={out}"],
                   cwd=ROOT, check=True, timeout=120)
    assert out.exists()
    p = subprocess.run(["make", "-s", "run", f"PAYLOAD={out}", 'ARGS=a "b c"'],
                       cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=150)
    text = p.stdout.decode("utf-8", "replace")
    assert "outoftree: argc=3 last=b c mapped at 0x0000600000" in text, text[-3000:]
    # the address of an SDK function (the link used to fail on it)
    assert "outoftree: k_mem_unpin at 0x00005000" in text
    assert "efimm: payload exited with status 43" in text
    assert "efimm: powering off, status 43" in text
    # GNU make turns any failing recipe into its own exit status 2
    assert p.returncode == 2
    # tools/run.sh, what `make run` calls, exits with efimm's status itself
    env = dict(os.environ, EFIMM_PAYLOAD=str(out), EFIMM_ARGS="x")
    p = subprocess.run([os.path.join(ROOT, "tools", "run.sh")], cwd=ROOT, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=150)
    assert "outoftree: argc=2 last=x" in p.stdout.decode("utf-8", "replace")
    assert p.returncode == 42
