"""Run qrcnnc on every malformed model and check its answer exactly.

    check_malformed.py --table malformed.tsv --bad DIR --extra DIR [--qrcnnc BIN]

malformed.tsv lists `dir/file.onnx<TAB>diagnostic`, where dir is `bad`
(test/models/bad_models.py, with its manifest) or `extra`
(Inputs/make_malformed.py) and `<model>` stands for the model's path. Each
model must make qrcnnc exit with code 1 and print exactly that one line
(`qrcnnc: error: ` + diagnostic) and nothing else. Every model of the shared
bad/ manifest must be in the table, and where the manifest names the node
and op type, the diagnostic must name them as "node 'NAME' (OP)".
"""
import argparse
import json
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", required=True)
    ap.add_argument("--bad", required=True)
    ap.add_argument("--extra", required=True)
    ap.add_argument("--qrcnnc", default="qrcnnc")
    a = ap.parse_args()
    dirs = {"bad": a.bad, "extra": a.extra}
    rows = []
    with open(a.table) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            rel, diag = line.rstrip("\n").split("\t")
            rows.append((rel, diag))
    problems = []
    listed = {rel for rel, _ in rows}
    with open(os.path.join(a.bad, "manifest.json")) as f:
        manifest = json.load(f)["models"]
    for e in manifest:
        rel = "bad/" + e["file"]
        if rel not in listed:
            problems.append("%s: in bad/manifest.json but not in the table" % rel)
    by_file = {"bad/" + e["file"]: e for e in manifest}
    for name in sorted(os.listdir(a.extra)):
        if name.endswith(".onnx") and "extra/" + name not in listed:
            problems.append("extra/%s: generated but not in the table" % name)
    ok = 0
    for rel, diag in rows:
        kind, name = rel.split("/", 1)
        path = os.path.join(dirs[kind], name)
        p = subprocess.run([a.qrcnnc, path, "--import-only", "-o", os.devnull],
                           capture_output=True, text=True)
        want = "qrcnnc: error: " + diag.replace("<model>", path)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        if p.returncode != 1:
            problems.append("%s: exit code %d (want 1): %s" % (rel, p.returncode, p.stderr[-300:]))
            continue
        if lines != [want]:
            problems.append("%s: got %r, want %r" % (rel, lines, [want]))
            continue
        e = by_file.get(rel)
        if e and e.get("node") and "node '%s' (%s)" % (e["node"], e["op_type"]) not in lines[0]:
            problems.append("%s: does not name node '%s' (%s)" % (rel, e["node"], e["op_type"]))
            continue
        ok += 1
    for p in problems:
        print("PROBLEM: " + p)
    print("%d malformed models: %d rejected with exit code 1 and the expected single diagnostic"
          % (len(rows), ok))
    print("problems: %d" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
