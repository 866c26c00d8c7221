"""Relations between the rows of run_m4_bench.py's JSON line (see
bench-m4.test)."""
import json
import sys

rows = json.loads([l for l in open(sys.argv[1]) if l.startswith("{")][-1])
default = rows["defaults (server)"]
exact = rows["--unpack-weights per-use --row-block 1"]
assert exact["instructions"] < default["instructions"], (exact, default)
assert exact["ram"] <= 4096, exact
assert exact["flash"] <= 16384, exact
print("ok")
