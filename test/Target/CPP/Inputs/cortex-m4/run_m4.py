#!/usr/bin/python3
"""Builds a `qrcnnc --target cpp` folder for Cortex-M4 and runs its harness
under QEMU (MPS2 AN386, semihosting file I/O).

  run_m4.py OUTDIR IN.f32 OUT.f32 [--work DIR] [--max-flash B] [--max-ram B]

Compiles NAME.cpp and NAME_harness.cpp with arm-none-eabi-g++ -mcpu=cortex-m4
-mthumb -Os against newlib (nano + rdimon semihosting), links them with
startup.c and mps2-an386.ld from this folder, prints arm-none-eabi-size
figures for the model object and the whole image, checks the model's
flash (code + const data + initialised data) and RAM (static buffers +
worst-case stack of NAME_run, from -fstack-usage) against the budgets, and
runs `qemu-system-arm -M mps2-an386 ... NAME_harness IN.f32 OUT.f32`.
Exit status: 0 ok, 1 build/run failure or budget exceeded.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CPU_FLAGS = ["-mcpu=cortex-m4", "-mthumb", "-Os", "-ffunction-sections",
             "-fdata-sections"]
CXX_FLAGS = ["-fno-exceptions", "-fno-rtti", "-std=c++11", "-Wall",
             "-fstack-usage"]


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        sys.stderr.write("$ " + " ".join(cmd) + "\n" + result.stdout +
                         result.stderr)
        sys.exit(1)
    return result.stdout


def size_of(path):
    """(text, data, bss) from arm-none-eabi-size (Berkeley format)."""
    lines = run(["arm-none-eabi-size", path]).splitlines()
    text, data, bss = (int(v) for v in lines[1].split()[:3])
    return text, data, bss


def stack_usage(su_files):
    """Bytes of stack of every function in the model's object, summed: an
    upper bound on the deepest call chain (the entries call each other at
    most one level deep and use no recursion)."""
    total, rows = 0, []
    for path in su_files:
        for line in open(path):
            # file:line:col:function  bytes  static|dynamic[,bounded]
            parts = line.rsplit(None, 2)
            if len(parts) == 3:
                total += int(parts[1])
                rows.append((parts[0].split(":")[-1], int(parts[1]), parts[2]))
    return total, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("inputs")
    ap.add_argument("outputs")
    ap.add_argument("--work", default=None)
    ap.add_argument("--max-flash", type=int, default=None)
    ap.add_argument("--max-ram", type=int, default=None)
    ap.add_argument("--timeout", type=int, default=300)
    args = ap.parse_args()

    headers = [h for h in glob.glob(os.path.join(args.outdir, "*.h"))]
    harness = glob.glob(os.path.join(args.outdir, "*_harness.cpp"))
    if len(harness) != 1:
        sys.exit("run_m4.py: no single *_harness.cpp in " + args.outdir)
    name = os.path.basename(harness[0])[:-len("_harness.cpp")]
    work = args.work or os.path.join(args.outdir, "cortex-m4")
    os.makedirs(work, exist_ok=True)
    model_obj = os.path.join(work, name + ".o")
    harness_obj = os.path.join(work, name + "_harness.o")
    startup_obj = os.path.join(work, "startup.o")
    elf = os.path.join(work, name + "_harness.elf")

    include = ["-I", args.outdir]
    run(["arm-none-eabi-g++"] + CPU_FLAGS + CXX_FLAGS + include +
        ["-c", os.path.join(args.outdir, name + ".cpp"), "-o", model_obj],
        cwd=work)
    run(["arm-none-eabi-g++"] + CPU_FLAGS + CXX_FLAGS + include +
        ["-c", harness[0], "-o", harness_obj], cwd=work)
    run(["arm-none-eabi-gcc"] + CPU_FLAGS +
        ["-c", os.path.join(HERE, "startup.c"), "-o", startup_obj])
    run(["arm-none-eabi-gcc"] + CPU_FLAGS +
        ["--specs=nano.specs", "--specs=rdimon.specs", "-nostartfiles",
         "-T", os.path.join(HERE, "mps2-an386.ld"), "-Wl,--gc-sections",
         "-Wl,-Map=" + os.path.join(work, name + ".map"),
         startup_obj, model_obj, harness_obj, "-o", elf])

    # No heap in the model: it must not reference malloc/new/free/delete.
    symbols = run(["arm-none-eabi-nm", "-u", model_obj])
    banned = [s for s in symbols.split()
              if re.search(r"malloc|calloc|realloc|free|_Znw|_Zna|_Zdl|_Zda|"
                           r"__cxa_|_Unwind", s)]
    if banned:
        sys.exit("run_m4.py: the model object references " + ", ".join(banned))

    text, data, bss = size_of(model_obj)
    stack, stack_rows = stack_usage(
        glob.glob(os.path.join(work, name + ".su")))
    flash = text + data
    ram = data + bss + stack
    print("arm-none-eabi-size (Cortex-M4, -Os):")
    print(run(["arm-none-eabi-size", model_obj, elf]), end="")
    print("stack (-fstack-usage): " + ", ".join(
        "%s %d B (%s)" % row for row in stack_rows))
    print("model %s: flash %d B (code + const data %d, init data %d), "
          "RAM %d B (static %d + stack %d)" %
          (name, flash, text, data, ram, data + bss, stack))

    over = []
    if args.max_flash is not None and flash > args.max_flash:
        over.append("flash %d B > %d B" % (flash, args.max_flash))
    if args.max_ram is not None and ram > args.max_ram:
        over.append("RAM %d B > %d B" % (ram, args.max_ram))

    cmd = ["qemu-system-arm", "-M", "mps2-an386", "-nographic",
           "-monitor", "none", "-serial", "none",
           "-semihosting-config",
           "enable=on,target=native,arg=%s_harness,arg=%s,arg=%s" %
           (name, os.path.abspath(args.inputs), os.path.abspath(args.outputs)),
           "-kernel", elf]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True,
                                timeout=args.timeout)
    except subprocess.TimeoutExpired:
        sys.exit("run_m4.py: QEMU did not finish in %d s" % args.timeout)
    sys.stderr.write(result.stdout + result.stderr)
    if result.returncode != 0:
        sys.exit("run_m4.py: the harness exited with %d under QEMU" %
                 result.returncode)
    if over:
        sys.exit("run_m4.py: over budget: " + "; ".join(over))
    print("qemu-system-arm -M mps2-an386: ok")


if __name__ == "__main__":
    main()
