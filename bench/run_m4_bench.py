#!/usr/bin/python3
"""Flash, RAM and instructions per inference of the QRCNN-shaped model on a
Cortex-M4 (QEMU MPS2 AN386), for several `qrcnnc --target cpp` settings.

    bench/run_m4_bench.py [--build BUILD] [--model MODEL.onnx]

For each setting: compiles the model, builds it with the flags of
test/Target/CPP/Inputs/cortex-m4/run_m4.py (arm-none-eabi-g++
-mcpu=cortex-m4 -mthumb -Os, or -O2 for the last row, newlib) together
with m4_count.c and the
test's start-up, and runs it under `qemu-system-arm -icount shift=0`
(m4_count.c: SysTick ticks of 20 inferences, converted to instructions
with a loop of known length). Prints a table. Flash = code + const data
of the model object; RAM = its static buffers + the summed stack of its
functions (-fstack-usage). QEMU counts instructions, not cycles: a
Cortex-M4 needs one or more cycles per instruction (loads, multiplies and
taken branches more; flash wait states on top), so the cycle count is at
least the instruction count.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
M4 = os.path.join(SRC, "test", "Target", "CPP", "Inputs", "cortex-m4")
sys.path.insert(0, M4)
import run_m4  # noqa: E402  (the test's build flags and size helpers)

MCU = ["--unpack-weights", "per-use", "--row-block", "1"]
# (label, qrcnnc options, optimization level of the model object)
SETTINGS = [
    ("defaults (server)", [], "-Os"),
    ("--unpack-weights per-use", ["--unpack-weights", "per-use"], "-Os"),
    ("--unpack-weights per-use --row-block 1", MCU, "-Os"),
    ("--unpack-weights per-use --row-block 1 --channel-block 1",
     MCU + ["--channel-block", "1"], "-Os"),
    ("--unpack-weights per-use --row-block 1, built with -O2", MCU, "-O2"),
]


def measure(qrcnnc, model, options, opt, work):
    os.makedirs(work, exist_ok=True)
    name = "qrcnn"
    run_m4.run([qrcnnc, model, "--target", "cpp", "-o", work, "--name", name]
               + options)
    obj = os.path.join(work, name + ".o")
    count_obj = os.path.join(work, "m4_count.o")
    startup_obj = os.path.join(work, "startup.o")
    elf = os.path.join(work, "m4_count.elf")
    model_flags = [opt if f == "-Os" else f for f in run_m4.CPU_FLAGS]
    run_m4.run(["arm-none-eabi-g++"] + model_flags + run_m4.CXX_FLAGS +
               ["-I", work, "-c", os.path.join(work, name + ".cpp"), "-o",
                obj], cwd=work)
    run_m4.run(["arm-none-eabi-gcc"] + run_m4.CPU_FLAGS +
               ["-I", work, '-DBENCH_HEADER="%s.h"' % name,
                "-DBENCH_PREFIX=" + name.upper(),
                "-DBENCH_RUN=%s_run" % name, "-c",
                os.path.join(HERE, "m4_count.c"), "-o", count_obj])
    run_m4.run(["arm-none-eabi-gcc"] + run_m4.CPU_FLAGS +
               ["-c", os.path.join(M4, "startup.c"), "-o", startup_obj])
    run_m4.run(["arm-none-eabi-gcc"] + run_m4.CPU_FLAGS +
               ["--specs=nano.specs", "--specs=rdimon.specs", "-nostartfiles",
                "-T", os.path.join(M4, "mps2-an386.ld"), "-Wl,--gc-sections",
                startup_obj, obj, count_obj, "-o", elf])
    text, data, bss = run_m4.size_of(obj)
    stack, _ = run_m4.stack_usage(glob.glob(os.path.join(work, name + ".su")))
    result = subprocess.run(
        ["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor",
         "none", "-serial", "none", "-icount", "shift=0",
         "-semihosting-config", "enable=on,target=native", "-kernel", elf],
        capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.exit("run_m4_bench.py: m4_count exited with %d:\n%s%s" %
                 (result.returncode, result.stdout, result.stderr))
    line = [l for l in result.stdout.splitlines() if l.startswith("{")][-1]
    counts = json.loads(line)
    return {"flash": text + data, "ram": data + bss + stack,
            "instructions": counts["instructions_per_inference"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--model", default=None)
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    qrcnnc = os.path.join(args.build, "bin", "qrcnnc")
    model = args.model or os.path.join(args.build, "test", "models",
                                       "qrcnn_qdq.onnx")
    work = os.path.abspath(args.work or
                           os.path.join(args.build, "bench", "m4"))
    rows = []
    for i, (label, options, opt) in enumerate(SETTINGS):
        rows.append((label, measure(qrcnnc, model, options, opt,
                                    os.path.join(work, str(i)))))
    print("Cortex-M4 (QEMU mps2-an386, arm-none-eabi-g++ -Os unless said), "
          "%s" % os.path.basename(model))
    print("| qrcnnc --target cpp | flash B | RAM B | instructions per "
          "inference | ms at 64 MHz if 1 instruction per cycle |")
    print("|---|---|---|---|---|")
    for label, r in rows:
        print("| %s | %d | %d | %d | %.2f |" %
              (label, r["flash"], r["ram"], r["instructions"],
               r["instructions"] / 64e3))
    print(json.dumps({label: r for label, r in rows}))


if __name__ == "__main__":
    main()
