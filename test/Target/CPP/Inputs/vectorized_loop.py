#!/usr/bin/python3
"""Whether a compiler vectorizes the loop of generated C++ that reads a global.

  vectorized_loop.py FILE.cpp GLOBAL... [--cxx CXX] [--flags FLAGS]

For each GLOBAL, finds the innermost `for` around the first statement that
reads it (`= GLOBAL[`) in FILE, compiles FILE once with CXX FLAGS and the
compiler's vectorizer report (GCC: -fopt-info-vec-optimized, Clang:
-Rpass=loop-vectorize), and prints `GLOBAL: vectorized (line N)` when the
report names that loop's line, else `GLOBAL: not vectorized (line N)`.
Exit status 1 if the file is not found or does not compile.
"""
import argparse
import re
import subprocess
import sys


def loop_line(lines, name):
    """1-based line of the innermost `for` open at the first read of name."""
    read = re.compile(r"=\s*" + re.escape(name) + r"\[")
    stack = []  # one entry per open brace: its line if a `for` opened it
    for number, line in enumerate(lines, 1):
        if read.search(line):
            loops = [n for n in stack if n]
            return loops[-1] if loops else None
        is_for = line.lstrip().startswith("for (")
        for ch in line:
            if ch == "{":
                stack.append(number if is_for else None)
                is_for = False  # a later brace on the line is not the loop's
            elif ch == "}" and stack:
                stack.pop()
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("globals", nargs="+")
    ap.add_argument("--cxx", default="c++")
    ap.add_argument("--flags", default="-O3")
    args = ap.parse_args()

    lines = open(args.file).read().splitlines()
    version = subprocess.run([args.cxx, "--version"], capture_output=True,
                             text=True).stdout
    report = ["-Rpass=loop-vectorize"] if "clang" in version else \
        ["-fopt-info-vec-optimized"]
    r = subprocess.run([args.cxx] + args.flags.split() + report +
                       ["-std=c++11", "-c", args.file, "-o", "/dev/null"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("%s does not compile:\n%s" % (args.file, r.stderr[-2000:]))
    vectorized = set()
    for line in r.stderr.splitlines():
        m = re.match(r".*?:(\d+):\d+: (optimized|remark): .*vectorized", line)
        if m:
            vectorized.add(int(m.group(1)))
    for name in args.globals:
        number = loop_line(lines, name)
        if number is None:
            print("%s: no loop reads it" % name)
            continue
        print("%s: %s (line %d)" % (
            name, "vectorized" if number in vectorized else "not vectorized",
            number))


if __name__ == "__main__":
    main()
