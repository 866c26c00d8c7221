#!/usr/bin/python3
"""Run every generated model through ONNX Runtime (scripts/ort/ort-run.mjs)
and check it against the manifest and, for the QRCNN-shaped models, against
the exact integer reference of the numeric contract (qrcnn.py).

    /usr/bin/python3 test/models/check_ort.py OUTDIR [-n N] [--seed S]
                     [--determinism] [--keep]

Per model: make N inputs (make_inputs.py), run ORT at its default
optimization level (or the level the manifest asks for), check the output
count, shapes and byte size; QRCNN models are also run with --opt disabled
and every output compared with the reference, counting differences in
quantization steps (DESIGN.md allows ORT one step on rare ties).
Bad models are fed to ORT too, for information only (which ones ORT itself
rejects). --determinism regenerates the models (without torch) into a
temporary folder and compares bytes.

Needs `npm ci --ignore-scripts --prefix scripts/ort` first. Writes
OUTDIR/ort_report.json; ends with a line 'N passed, M failed'; exit status 1
if anything failed.
"""

import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_inputs  # noqa: E402
import qrcnn  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
RUNNER = os.path.join(REPO, "scripts", "ort", "ort-run.mjs")


def shape_ok(declared, got):
    if len(declared) != len(got):
        return False
    return all((not isinstance(d, int)) or d == g for d, g in zip(declared, got))


def reference_spec(entry):
    v = entry.get("reference", {}).get("spec_variant")
    if v is None:
        return None
    if v.startswith("Spec(per_channel=False)"):
        s = qrcnn.Spec(per_channel=False)
        return s
    for _, spec, _ in qrcnn.variants():
        if spec.variant == v:
            return spec
    return None


def compare_reference(spec, x, got_flat, out_meta):
    refs = qrcnn.reference_outputs(spec, x)
    n = x.shape[0]
    per = [int(np.prod(o["shape"])) for o in out_meta]
    got = got_flat.reshape(n, sum(per))
    off = 0
    res = []
    steps = [float(spec.last_scale()) * float(spec.fc_sw)] + \
            [float(spec.blocks[i]["out_scale"]) for i in spec.branch_outputs]
    for k, (r, sz) in enumerate(zip(refs, per)):
        g = got[:, off:off + sz].reshape(r.shape)
        off += sz
        d = np.abs(g.astype(np.float64) - r.astype(np.float64)) / steps[k]
        res.append({"output": out_meta[k]["name"], "max_steps": float(d.max()),
                    "values_off": int((d > 1e-6).sum()), "values": int(d.size)})
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("-n", type=int, default=16, help="samples per model (default 16)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--determinism", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the .f32 inputs/outputs next to the models")
    a = ap.parse_args()
    if not os.path.exists(os.path.join(REPO, "scripts", "ort", "node_modules", "onnxruntime-node")):
        raise SystemExit("check_ort: run 'npm ci --ignore-scripts --prefix scripts/ort' first")
    man = json.load(open(os.path.join(a.outdir, "manifest.json")))
    work = a.outdir if a.keep else tempfile.mkdtemp(prefix="qrcnn-ort-")
    # 1. inputs and one list of runs; 2. one node process runs them all
    # (node's start-up costs more than these models); 3. checks.
    jobs, lines, xs = [], [], {}
    for e in man["models"]:
        ort = e.get("ort", {})
        mfile = os.path.join(a.outdir, ort.get("file", e["file"]))
        base = os.path.join(work, e["name"])
        x, _, _ = make_inputs.make(onnx.load(mfile), a.n, a.seed)
        x.astype("<f4").tofile(base + ".in.f32")
        xs[e["name"]] = x
        for p_ in (mfile, base):
            if " " in p_:
                raise SystemExit("check_ort: paths must not contain spaces: %s" % p_)
        lines.append("%s %s.in.f32 %s.out.f32 --opt %s --meta %s.meta.json" %
                     (mfile, base, base, ort.get("opt", "all"), base))
        jobs.append((e["name"], "main"))
        if reference_spec(e) is not None:
            lines.append("%s %s.in.f32 %s.out0.f32 --opt disabled" % (mfile, base, base))
            jobs.append((e["name"], "disabled"))
    listfile = os.path.join(work, "ort-jobs.txt")
    with open(listfile, "w") as f:
        f.write("\n".join(lines) + "\n")
    p = subprocess.run(["node", RUNNER, "--each", listfile], capture_output=True, text=True, timeout=3600)
    status = {}
    for l in p.stdout.splitlines():
        if l.startswith("{"):
            r = json.loads(l)
            status[jobs[r["line"] - 1]] = r
    if len(status) != len(jobs):
        print("ort-run --each stopped early (rc=%d): %s" % (p.returncode, p.stderr.strip()[-500:]))

    def check_one(e):
        ort = e.get("ort", {})
        base = os.path.join(work, e["name"])
        x = xs[e["name"]]
        rec = {"name": e["name"], "form": e["form"], "opt": ort.get("opt", "all")}
        problems = []
        st = status.get((e["name"], "main"), {"ok": False, "error": "no result"})
        if not st["ok"]:
            problems.append("ORT failed: " + st["error"])
        else:
            meta = json.load(open(base + ".meta.json"))
            outs = meta["outputs"]
            if [o["name"] for o in outs] != [o["name"] for o in e["outputs"]]:
                problems.append("output names %s != manifest %s" % ([o["name"] for o in outs],
                                                                    [o["name"] for o in e["outputs"]]))
            for o, d in zip(outs, e["outputs"]):
                if not shape_ok(d["shape"], o["shape"]):
                    problems.append("output %s shape %s != manifest %s" % (o["name"], o["shape"], d["shape"]))
            got = np.fromfile(base + ".out.f32", "<f4")
            want = a.n * sum(int(np.prod(o["shape"])) for o in outs)
            if got.size != want:
                problems.append("output file holds %d floats, expected %d" % (got.size, want))
            if not np.all(np.isfinite(got)):
                problems.append("non-finite outputs")
            spec = reference_spec(e)
            if spec is not None and not problems:
                xr = x.reshape(a.n, 1, spec.L)
                rec["reference_opt_" + rec["opt"]] = cmp = compare_reference(spec, xr, got, outs)
                st0 = status.get((e["name"], "disabled"), {"ok": False, "error": "no result"})
                if not st0["ok"]:
                    problems.append("ORT --opt disabled failed: " + st0["error"])
                else:
                    cmp0 = compare_reference(spec, xr, np.fromfile(base + ".out0.f32", "<f4"), outs)
                    rec["reference_opt_disabled"] = cmp0
                    cmp = cmp + cmp0
                bad = [c for c in cmp if c["max_steps"] > 1.0 + 1e-6]
                if bad:
                    problems.append("differs from the integer reference by more than one step: %s" % bad)
                rec["steps_off"] = sum(c["values_off"] for c in cmp)
        rec["ok"] = not problems
        if problems:
            rec["problems"] = problems
        return rec

    passed, failed = 0, 0
    report = [check_one(e) for e in man["models"]]
    for e, rec in zip(man["models"], report):
        if not rec["ok"]:
            failed += 1
            print("FAIL %-45s %s" % (e["name"], "; ".join(rec["problems"])))
        else:
            passed += 1
            extra = ""
            if "steps_off" in rec:
                extra = " (reference: %d values one step off)" % rec["steps_off"]
            print("ok   %-45s %s%s" % (e["name"], e["form"], extra))
    # bad models: information only
    bad_man = json.load(open(os.path.join(a.outdir, "bad", "manifest.json")))
    js = ("const ort=require('onnxruntime-node');(async()=>{for(const f of process.argv.slice(1)){let r;"
          "try{await ort.InferenceSession.create(f);r='ORT loads it';}catch(e){r='ORT rejects: '+"
          "String(e.message).split('\\n')[0].slice(0,160);}console.log(JSON.stringify(r));}})();")
    files = [os.path.join(a.outdir, "bad", b["file"]) for b in bad_man["models"]]
    p = subprocess.run(["node", "-e", js] + files, capture_output=True, text=True, timeout=600,
                       cwd=os.path.join(REPO, "scripts", "ort"))
    lines = [json.loads(x) for x in p.stdout.splitlines() if x.startswith('"')]
    if len(lines) != len(files):
        lines += ["crash (rc=%d) before a verdict" % p.returncode] * (len(files) - len(lines))
    bad_info = [{"name": b["name"], "ort": v} for b, v in zip(bad_man["models"], lines)]
    n_loaded = sum(1 for b in bad_info if b["ort"].startswith("ORT loads"))
    print("bad models: ORT rejects %d of %d at load time (informational)" % (len(bad_info) - n_loaded, len(bad_info)))
    if a.determinism:
        tmp = tempfile.mkdtemp(prefix="qrcnn-regen-")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_models.py"), tmp, "--no-torch"], check=True,
                       capture_output=True)
        diffs = []
        for root, _, files in os.walk(tmp):
            for f in files:
                p1 = os.path.join(root, f)
                p0 = os.path.join(a.outdir, os.path.relpath(p1, tmp))
                if f == "manifest.json" and root == tmp:
                    continue  # lists the torch model only when torch ran
                if not os.path.exists(p0) or not filecmp.cmp(p0, p1, shallow=False):
                    diffs.append(os.path.relpath(p1, tmp))
        if diffs:
            failed += 1
            print("FAIL determinism: %d files differ on regeneration: %s" % (len(diffs), diffs[:10]))
        else:
            passed += 1
            print("ok   determinism: regenerated files are byte-identical")
    with open(os.path.join(a.outdir, "ort_report.json"), "w") as f:
        json.dump({"models": report, "bad_models_in_ort": bad_info}, f, indent=1)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
