"""Compile the QRCNN-shaped test models (test/models/gen_models.py) and check
what folding made of them, and what they compute.

    check_qrcnn_models.py SRCROOT MODELS_DIR

For each model with a "qrcnn" entry in MODELS_DIR/manifest.json, prints

    NAME chains [..] expected [..] ok|MISMATCH params UNROLLED/FOLDED bits W,W,..

where chains lists, in program order, the C -> C conv blocks left after the
pipeline: a recurrent conv as its iteration count, a single conv as 1; the
expectation is the generator's own (`expected_chains`). For models that
come from a reference spec (test/models/qrcnn.py), also runs the golden
model on random inputs, folded and with --no-fold, and prints

    NAME run N samples: folded == unfolded yes|NO, reference mismatches M

comparing against qrcnn.reference_outputs, the exact integer reference of
the numeric contract written with the generator.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

SRCROOT, MODELS = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SRCROOT, "test", "models"))
import qrcnn  # noqa: E402

SAMPLES = 16


def compile_model(path):
    r = subprocess.run(["qrcnnc", path, "--stats", "-o", "-"], capture_output=True, text=True)
    if r.returncode:
        return None, r.stderr
    return r.stdout, r.stderr


def chains_of(ir):
    chains = []
    for line in ir.splitlines():
        m = re.search(r"= qnn\.recurrent_conv .*iterations = (\d+)", line)
        if m:
            chains.append(int(m.group(1)))
            continue
        m = re.search(r"= qnn\.conv .*: \(tensor<[^>]*>>, tensor<(\d+)x(\d+)x", line)
        if m and m.group(1) == m.group(2):
            chains.append(1)
    return chains


def run(path, inputs, extra):
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "in.f32"), os.path.join(tmp, "out.f32")
        inputs.astype("<f4").tofile(src)
        subprocess.run(["qrcnnc", path, "--run", src, "-o", out] + extra, check=True)
        return np.fromfile(out, "<f4")


def main():
    manifest = json.load(open(os.path.join(MODELS, "manifest.json")))
    entries = manifest["models"] if isinstance(manifest, dict) else manifest
    specs = {spec.variant: spec for _, spec, _ in qrcnn.variants()}
    for e in entries:
        info = e.get("qrcnn")
        if not info or "expected_chains" not in info:
            continue
        path = os.path.join(MODELS, e["file"])
        ir, log = compile_model(path)
        if ir is None:
            print("%s FAILED %s" % (e["name"], log.strip().splitlines()[:1]))
            continue
        chains = chains_of(ir)
        expected = info["expected_chains"]
        params = re.search(r"layer parameters: (\d+) unrolled, (\d+) folded", log)
        bits = re.findall(r"accumulator range \[-?\d+, -?\d+\]: (\d+) bits", log)
        print("%s chains %s expected %s %s params %s/%s bits %s" % (
            e["name"], chains, expected, "ok" if chains == expected else "MISMATCH",
            params.group(1), params.group(2), ",".join(bits)))
        ref = e.get("reference")
        if not ref:
            continue
        variant = ref["spec_variant"]
        # the torch-exported model names its spec by constructor call
        spec = specs.get(variant) or eval(variant, {"Spec": qrcnn.Spec})
        rng = np.random.default_rng(len(e["name"]))
        x = rng.uniform(-1.5, 1.5, size=(SAMPLES, 1, spec.L)).astype(np.float32)
        folded = run(path, x, [])
        unfolded = run(path, x, ["--no-fold"])
        want = np.concatenate([o.reshape(SAMPLES, -1) for o in qrcnn.reference_outputs(spec, x)], axis=1)
        got = folded.reshape(SAMPLES, -1)
        mismatches = int((got != want).any(axis=1).sum()) if got.shape == want.shape else SAMPLES
        print("%s run %d samples: folded == unfolded %s, reference mismatches %d" % (
            e["name"], SAMPLES, "yes" if np.array_equal(folded, unfolded) else "NO", mismatches))


if __name__ == "__main__":
    main()
