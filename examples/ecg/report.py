#!/usr/bin/python3
"""Print the results table of models/metrics.json as Markdown.

Usage: report.py [models/metrics.json]
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    path = argv[1] if len(argv) > 1 else os.path.join(HERE, "models", "metrics.json")
    m = json.load(open(path))
    names = {"nlrav": "(a) balanced N/L/R/A/V", "intra": "(b) AAMI intra-patient",
             "inter": "(c) AAMI inter-patient DS1→DS2"}
    print("| protocol | model | params | float acc | quantized acc | float macro-F1 | "
          "quantized macro-F1 | epochs float+QAT | train time float+QAT |")
    print("|---|---|---|---|---|---|---|---|---|")
    for key, r in m["results"].items():
        p, arch = key.split("/")
        print(f"| {names[p]} | {'RCNN' if arch == 'rcnn' else 'CNN'} | {r['params']} | "
              f"{100 * r['float']['accuracy']:.2f}% | {100 * r['quantized']['accuracy']:.2f}% | "
              f"{r['float']['macro_f1']:.3f} | {r['quantized']['macro_f1']:.3f} | "
              f"{r['epochs_float']}+{r['epochs_qat']} | "
              f"{r['train_seconds_float']:.0f}+{r['train_seconds_qat']:.0f} s |")
    print()
    inter = [(k, r) for k, r in m["results"].items() if k.startswith("inter/")]
    for key, r in inter:
        print(f"{key} quantized, per class (sensitivity / PPV): " + ", ".join(
            f"{c} {v['sensitivity']:.3f}/{v['ppv']:.3f} (n={v['n']})"
            for c, v in r["quantized"]["per_class"].items()))
        print()
    print(f"Total training time: {m['total_training_seconds']:.0f} s on {m['threads']} thread(s). "
          f"MACs per beat: {m['macs_per_beat']}. Parameters: CNN {m['params']['cnn']}, "
          f"RCNN {m['params']['rcnn']}; stored (int4 weights packed, int32 bias, one float32 "
          f"scale per layer): CNN {m['param_bytes_int4_weights_int32_bias']['cnn']} B, "
          f"RCNN {m['param_bytes_int4_weights_int32_bias']['rcnn']} B.")
    print()
    print("| model | test beats | intref = PyTorch | ONNX QDQ (numpy) = intref | ONNX INT4 (numpy) = intref |")
    print("|---|---|---|---|---|")
    for key, e in m.get("exports", {}).items():
        a = e["agreement"]
        print(f"| {e['qdq']['file'].replace('_qdq.onnx', '')} | {a['test_beats']} | {a['intref_vs_torch']} | "
              f"{a['onnx_qdq_vs_intref']} | {a['onnx_int4_vs_intref']} |")


if __name__ == "__main__":
    main(sys.argv)
