#!/usr/bin/env node
// ONNX Runtime reference runner for qrcnn tests.
//
//   node scripts/ort/ort-run.mjs MODEL.onnx IN.f32 OUT.f32 [options]
//   node scripts/ort/ort-run.mjs MODEL.onnx [IN.f32] --bench N [options]
//
// Run mode: IN.f32 holds N samples of the model's (single) input as raw
// little-endian float32, concatenated; the sample shape is the input shape
// with a dynamic first dimension taken as 1. It is an error if the file size
// is not a whole number of samples. OUT.f32 receives, for each sample in
// order, all of its outputs in graph output order, flattened and converted
// to float32 (int64 outputs such as ArgMax included).
// A non-float input (uint8, int8, int32, int64) gets the float values
// rounded half to even and saturated to its range.
//
// Options:
//   --threads N      intra-op threads (default 1); inter-op is always 1
//   --opt LEVEL      graph optimization: disabled | basic | extended | all
//                    (default all, as ORT runs by default; 'disabled' keeps
//                    QDQ graphs in float instead of fusing integer kernels)
//   --meta FILE      write JSON: input/output names, types and the shapes of
//                    one sample's outputs
//   --batch B        samples per run when the first input dim is dynamic
//                    (default 256); fixed-shape models run one at a time
//   --bench N        benchmark (inputs from IN.f32 repeated, or pseudo-random
//                    in [-1,1]; built before timing): N timed runs after
//                    warm-up at batch 1, and N x 256 samples at batch 256 -
//                    N batched runs if the first input dim is dynamic, else
//                    N loops of 256 single runs each timed on its own.
//                    Prints the median microseconds per inference (batch 1)
//                    and per sample (batch 256; also the mean), then one JSON
//                    line.
//   --each LIST      many runs in one process: each line of LIST holds one
//                    run's arguments (see runEach below); one JSON status
//                    line per run on stdout
//
// Exit status: 0 ok, 1 runtime/model error, 2 usage or input-file error.

import * as fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const USAGE = 'usage: ort-run.mjs MODEL.onnx IN.f32 OUT.f32 [--threads N] [--opt LEVEL] [--meta FILE] [--batch B]\n' +
              '       ort-run.mjs MODEL.onnx [IN.f32] --bench N [--threads N] [--opt LEVEL]\n' +
              '       ort-run.mjs --each LIST.txt';

class UsageError extends Error {}

function usage(msg) {
  throw new UsageError(msg || USAGE);
}

function parseArgs(argv) {
  const o = { threads: 1, opt: 'all', batch: 256, bench: 0, meta: null, pos: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    const int = (s) => { const n = Number(s); if (!Number.isInteger(n) || n < 1) usage(`${a}: expected a positive integer, got '${s}'`); return n; };
    if (a === '--threads') o.threads = int(val());
    else if (a === '--opt') o.opt = val();
    else if (a === '--batch') o.batch = int(val());
    else if (a === '--bench') o.bench = int(val());
    else if (a === '--meta') o.meta = val();
    else if (a === '--each') o.each = val();
    else if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else o.pos.push(a);
  }
  if (!['disabled', 'basic', 'extended', 'all'].includes(o.opt)) usage(`bad --opt ${o.opt}`);
  if (o.each) { if (o.pos.length) usage('--each takes no other arguments'); }
  else if (o.bench) { if (o.pos.length < 1 || o.pos.length > 2) usage(); }
  else if (o.pos.length !== 3) usage();
  return o;
}

const TYPED = {
  float32: Float32Array, uint8: Uint8Array, int8: Int8Array, int32: Int32Array,
  int64: BigInt64Array, float64: Float64Array, uint16: Uint16Array, int16: Int16Array,
};
const INT_RANGE = { uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] };

function roundHalfEven(x) {
  const r = Math.round(x);
  return (Math.abs(x % 1) === 0.5 && r % 2 !== 0) ? r - 1 : r;
}

function makeInput(type, f32, dims) {
  if (type === 'float32') return new ort.Tensor('float32', f32, dims);
  const T = TYPED[type];
  if (!T) throw new Error(`unsupported input type ${type}`);
  const out = new T(f32.length);
  if (type === 'float64') { for (let i = 0; i < f32.length; i++) out[i] = f32[i]; }
  else {
    const [lo, hi] = INT_RANGE[type];
    for (let i = 0; i < f32.length; i++) {
      const v = Math.min(hi, Math.max(lo, roundHalfEven(f32[i])));
      out[i] = type === 'int64' ? BigInt(v) : v;
    }
  }
  return new ort.Tensor(type, out, dims);
}

function toF32(t) {
  const d = t.data;
  if (d instanceof Float32Array) return d;
  const out = new Float32Array(d.length);
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
  } else if (Array.isArray(d) || ArrayBuffer.isView(d)) {
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
  } else {
    throw new Error(`output of type ${t.type} cannot be converted to float`);
  }
  return out;
}

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function runOne(o) {
  const modelPath = o.pos[0];
  if (!fs.existsSync(modelPath)) usage(`no such model: ${modelPath}`);
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: o.threads, interOpNumThreads: 1,
    executionMode: 'sequential', graphOptimizationLevel: o.opt,
    executionProviders: ['cpu'],
  });
  const inMeta = session.inputMetadata;
  if (inMeta.length !== 1) throw new Error(`model has ${inMeta.length} inputs; ort-run supports exactly one`);
  const im = inMeta[0];
  if (!im.isTensor) throw new Error(`input ${im.name} is not a tensor`);
  if (!im.shape.length) throw new Error(`input ${im.name} has no declared shape`);
  const dynBatch = typeof im.shape[0] !== 'number' || im.shape[0] < 0;
  const sampleDims = im.shape.map((d, i) => {
    if (typeof d === 'number' && d >= 0) return d;
    if (i === 0) return 1;
    throw new Error(`input ${im.name}: dimension ${i} is dynamic (${d}); only the first may be`);
  });
  const sampleSize = sampleDims.reduce((a, b) => a * b, 1);
  const outNames = session.outputNames;

  const run = async (f32, n) => {
    const dims = [...sampleDims];
    dims[0] = sampleDims[0] * n;
    const res = await session.run({ [im.name]: makeInput(im.type, f32, dims) });
    return outNames.map((nm) => res[nm]);
  };

  try {
    if (o.bench) return await bench(o, session, im, sampleDims, sampleSize, dynBatch);
    return await runSamples(o, modelPath, run, im, sampleDims, sampleSize, dynBatch, session);
  } finally {
    await session.release();
  }
}

async function runSamples(o, modelPath, run, im, sampleDims, sampleSize, dynBatch, session) {
  const outNames = session.outputNames;

  const buf = fs.readFileSync(o.pos[1]);
  const bytesPerSample = sampleSize * 4;
  if (buf.length % bytesPerSample !== 0) {
    usage(`${o.pos[1]}: ${buf.length} bytes is not a whole number of samples of ` +
          `${bytesPerSample} bytes (input ${im.name} shape [${sampleDims}])`);
  }
  const nSamples = buf.length / bytesPerSample;
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const chunks = [];
  let sampleOutShapes = null;
  const step = dynBatch ? o.batch : 1;
  for (let s = 0; s < nSamples; s += step) {
    const n = Math.min(step, nSamples - s);
    const outs = await run(all.subarray(s * sampleSize, (s + n) * sampleSize), n);
    const per = outs.map((t) => {
      if (n > 1 && (t.dims.length === 0 || t.dims[0] % n !== 0)) {
        throw new Error(`output dims [${t.dims}] do not split over a batch of ${n}`);
      }
      return { data: toF32(t), size: t.size / n, dims: n > 1 ? [t.dims[0] / n, ...t.dims.slice(1)] : [...t.dims], type: t.type };
    });
    if (!sampleOutShapes) sampleOutShapes = per.map((p, i) => ({ name: outNames[i], type: p.type, shape: p.dims }));
    for (let k = 0; k < n; k++) for (const p of per) chunks.push(p.data.subarray(k * p.size, (k + 1) * p.size));
  }
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const out = new Float32Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  fs.writeFileSync(o.pos[2], Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  if (o.meta) {
    fs.writeFileSync(o.meta, JSON.stringify({
      model: modelPath, samples: nSamples, ort_version: ort.env.versions.node,
      input: { name: im.name, type: im.type, shape: im.shape, sample_shape: sampleDims },
      outputs: sampleOutShapes ?? session.outputMetadata.map((m) => ({ name: m.name, type: m.type, shape: m.shape })),
    }, null, 1) + '\n');
  }
}

async function bench(o, session, im, sampleDims, sampleSize, dynBatch) {
  const B = 256;
  let src;
  if (o.pos[1]) {
    const buf = fs.readFileSync(o.pos[1]);
    const f = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
    if (f.length < sampleSize) usage('bench input holds less than one sample');
    src = new Float32Array(sampleSize * B);
    for (let i = 0; i < src.length; i++) src[i] = f[i % f.length];
  } else {
    src = new Float32Array(sampleSize * B);
    let s = 12345;
    for (let i = 0; i < src.length; i++) { s = (s * 1103515245 + 12345) >>> 0; src[i] = (s / 2 ** 32) * 2 - 1; }
  }
  // inputs are built before timing: only session.run is measured
  const feed = (n, k) => {
    const dims = [...sampleDims];
    dims[0] = sampleDims[0] * n;
    return { [im.name]: makeInput(im.type, src.slice(k * sampleSize, (k + n) * sampleSize), dims) };
  };
  const one = feed(1, 0);
  const singles = Array.from({ length: B }, (_, k) => feed(1, k));
  const batch = dynBatch ? feed(B, 0) : null;
  const now = () => Number(process.hrtime.bigint()) / 1e3;
  for (let i = 0; i < Math.min(10, o.bench); i++) await session.run(one);
  const t1 = [];
  for (let i = 0; i < o.bench; i++) { const a = now(); await session.run(one); t1.push(now() - a); }
  // batch 256: N batched runs (per-sample time = run time / 256), or N loops
  // of 256 single runs, each timed on its own (median over all 256*N).
  const tB = [];
  let total = 0;
  if (dynBatch) {
    await session.run(batch);
    for (let i = 0; i < o.bench; i++) {
      const a = now(); await session.run(batch); const d = now() - a;
      tB.push(d / B); total += d;
    }
  } else {
    for (let k = 0; k < B; k++) await session.run(singles[k]);
    for (let i = 0; i < o.bench; i++) {
      for (let k = 0; k < B; k++) { const a = now(); await session.run(singles[k]); const d = now() - a; tB.push(d); total += d; }
    }
  }
  const r = {
    model: o.pos[0], ort_version: ort.env.versions.node, threads: o.threads, opt: o.opt,
    batch256_mode: dynBatch ? 'batched' : 'loop', runs: o.bench,
    batch1_median_us: +median(t1).toFixed(2), batch256_median_us_per_sample: +median(tB).toFixed(3),
    batch256_mean_us_per_sample: +(total / (B * o.bench)).toFixed(3),
  };
  console.log(`batch 1: ${r.batch1_median_us} us/inference (median of ${o.bench})`);
  console.log(`batch 256 (${r.batch256_mode}): ${r.batch256_median_us_per_sample} us/sample median, ` +
              `${r.batch256_mean_us_per_sample} mean (${o.bench} x 256 samples)`);
  console.log(JSON.stringify(r));
}

// --each LIST: one process for many runs (node's start-up and ORT's
// teardown cost more than a small model's run). Each non-empty line of LIST
// holds the arguments of one run, separated by spaces (paths without
// spaces; lines starting with # are skipped). Prints one JSON line per run:
// {"line": n, "ok": true} or {"line": n, "ok": false, "status": 1|2, "error": "..."}.
// Exit status 0 if every run succeeded, else 1.
async function runEach(listFile) {
  const lines = fs.readFileSync(listFile, 'utf8').split('\n');
  let bad = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l || l.startsWith('#')) continue;
    const r = { line: i + 1, ok: true };
    try {
      const o = parseArgs(l.split(/\s+/));
      if (o.each) usage('--each inside a list');
      await runOne(o);
    } catch (e) {
      bad++;
      Object.assign(r, { ok: false, status: e instanceof UsageError ? 2 : 1, error: String(e && e.message ? e.message : e) });
    }
    console.log(JSON.stringify(r));
  }
  return bad ? 1 : 0;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
    if (o.each) process.exitCode = await runEach(o.each);
    else await runOne(o);
  } catch (e) {
    console.error(`ort-run: ${e && e.message ? e.message : e}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}

main();
