#!/usr/bin/python3
"""Print the Markdown tables of README.md ("Models") from a generated
OUTDIR/manifest.json and OUTDIR/bad/manifest.json.

    /usr/bin/python3 test/models/manifest_table.py OUTDIR
"""
import json
import os
import sys


def main(outdir):
    m = json.load(open(os.path.join(outdir, "manifest.json")))
    print("| model | form | opset | what it covers |")
    print("|---|---|---|---|")
    for e in m["models"]:
        d = e["description"]
        if e["form"] == "torch":
            d = d.split(" The exporter wrote")[0] + " (the manifest says what the exporter wrote)"
        elif e["name"].startswith("qrcnn_") and not e["name"].endswith(("qdq", "int4", "qop", "qonnx", "qclip")):
            d = d.split(". ")[-1]
        ch = e.get("qrcnn", {}).get("expected_chains")
        if ch:
            d += " **chains %s**" % ch
        if e["frontend_expect"] != "accept":
            d += " *(expect %s)*" % e["frontend_expect"].split(":")[0]
        print("| `%s` | %s | %s | %s |" % (e["name"], e["form"], e["opsets"].get("ai.onnx"), d.replace("|", "\\|")))
    b = json.load(open(os.path.join(outdir, "bad", "manifest.json")))
    print()
    print("| bad model | node to name | why it is bad |")
    print("|---|---|---|")
    for e in b["models"]:
        nn = "`%s` (%s)" % (e["node"], e["op_type"]) if e["node"] else "—"
        print("| `%s` | %s | %s |" % (e["name"], nn, e["reason"].replace("|", "\\|")))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
