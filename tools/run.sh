#!/bin/sh
# tools/run.sh - `make run`: boots build/run.img (esp/ plus the ARGS
# config and PAYLOAD) and exits with efimm's status (its last line
# "efimm: powering off, status N"; 124 if it printed none).
exec /usr/bin/python3 "$(dirname "$0")/efimm_qemu.py" "$@"
