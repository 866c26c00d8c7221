#!/usr/bin/python3
"""Asserts facts about an estimates report (`qrcnnc --target hls --report`).

  report_check.py REPORT.json 'EXPR' ['EXPR' ...]
  report_check.py --compare A.json B.json 'EXPR' ...

Each EXPR is a Python expression that must be true. Names: `r` (the whole
report), `f` / `u` (its folded / unfolded designs), `stage(d, name)` (a
stage of design d by name), `loop(s, label)` (a loop of stage s). With
--compare, `a` and `b` are the two reports' folded designs and `ra`, `rb`
the reports. Prints every failed expression with the values it read and
exits 1 if any failed.
"""
import json
import sys


def stage(design, name):
    for s in design["stages"]:
        if s["name"] == name:
            return s
    raise KeyError(f"no stage {name!r} in {[s['name'] for s in design['stages']]}")


def loop(s, label):
    for l in s["loops"]:
        if l["label"] == label:
            return l
    raise KeyError(f"no loop {label!r} in stage {s['name']!r}")


def main(argv):
    if argv[1] == "--compare":
        ra, rb = (json.load(open(p)) for p in argv[2:4])
        env = {"ra": ra, "rb": rb, "a": ra["folded"], "b": rb["folded"]}
        exprs = argv[4:]
    else:
        r = json.load(open(argv[1]))
        env = {"r": r, "f": r["folded"], "u": r["unfolded"]}
        exprs = argv[2:]
    env.update(stage=stage, loop=loop)
    failed = 0
    for expr in exprs:
        try:
            ok = eval(expr, env)
        except Exception as e:  # a missing key is a failure, not a crash
            ok, why = False, f"{type(e).__name__}: {e}"
        else:
            why = ""
        if not ok:
            failed += 1
            print(f"FAILED: {expr} {why}")
    print(f"{len(exprs) - failed} of {len(exprs)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
