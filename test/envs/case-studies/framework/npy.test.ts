import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { npyArray, npyNumbers, readNpy, readNpz, writeNpy, writeNpz } from '../../../../src/envs/case-studies/framework/npy.js';

const PY = '/usr/bin/python3';

function numpyAvailable(): boolean {
  if (!existsSync(PY)) return false;
  return spawnSync(PY, ['-c', 'import numpy'], { timeout: 20_000 }).status === 0;
}

const sample = {
  f: npyArray('float64', [0.1, -2.5, 1e-300, Infinity, NaN, 3], [2, 3]),
  i: npyArray('int64', [0, -1, 2 ** 53 - 1]),
  i4: npyArray('int32', [7, -7]),
  i1: npyArray('int8', [-1, 0, 2, 127, -128], [5]),
  b: npyArray('bool', [true, false, true]),
  u: npyArray('uint8', [0, 255]),
  s: npyArray('str', ['MTB0001', 'g', 'Ω-ü']),
  scalar: npyArray('float64', [42], []),
};

test('.npy header is 64-byte aligned and round-trips every dtype', () => {
  for (const [name, arr] of Object.entries(sample)) {
    const bytes = writeNpy(arr);
    const hlen = bytes[8] | (bytes[9] << 8);
    assert.equal((10 + hlen) % 64, 0, `${name}: data offset not aligned`);
    assert.equal(bytes[10 + hlen - 1], 0x0a);
    const back = readNpy(bytes);
    assert.equal(back.dtype, arr.dtype);
    assert.deepEqual(back.shape, arr.shape);
    if (arr.dtype === 'float64') assert.deepEqual([...(back.data as Float64Array)], [...(arr.data as Float64Array)]);
    else assert.deepEqual(back.data, arr.data);
  }
  assert.deepEqual([...npyNumbers(readNpy(writeNpy(sample.i)))], [0, -1, 2 ** 53 - 1]);
});

test('npy input validation', () => {
  assert.throws(() => npyArray('int64', [1.5]), /safe integer/);
  assert.throws(() => npyArray('float64', [1, 2, 3], [2, 2]), /holds 4/);
  assert.throws(() => readNpy(new Uint8Array(20)), /bad magic/);
  const good = writeNpy(sample.f);
  assert.throws(() => readNpy(good.subarray(0, good.length - 8)), /truncated/);
  assert.throws(() => writeNpz({ '../x': sample.i }), /not allowed/);
});

test('.npz is byte-reproducible and round-trips (stored and deflated)', () => {
  for (const compress of [false, true]) {
    const a = writeNpz(sample, { compress });
    assert.deepEqual(a, writeNpz(sample, { compress }));
    const back = readNpz(a);
    assert.deepEqual(Object.keys(back).sort(), Object.keys(sample).sort());
    assert.deepEqual(back.s.data, sample.s.data);
  }
});

test('numpy reads our files and we read numpy files', (t) => {
  if (!numpyAvailable()) {
    if (process.env.CI === 'true') assert.fail(`${PY} with numpy is required under CI (apt python3-numpy)`);
    console.warn(`SKIP: ${PY} with numpy not found; numpy interop not tested`);
    t.skip(`${PY} with numpy not found`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'genegym-npy-'));
  try {
    writeFileSync(join(dir, 'ours.npz'), writeNpz(sample, { compress: true }));
    writeFileSync(join(dir, 'f.npy'), writeNpy(sample.f));
    const script = `
import json, sys, numpy as np
d = sys.argv[1]
z = np.load(d + '/ours.npz')
f = np.load(d + '/f.npy')
out = {k: {'dtype': str(z[k].dtype), 'shape': list(z[k].shape), 'values': [str(v) for v in z[k].ravel().tolist()]} for k in z.files}
out['same_f'] = bool(np.array_equal(f, z['f'], equal_nan=True))
np.savez(d + '/theirs.npz', a=np.arange(6, dtype=np.float64).reshape(2, 3) / 7, b=np.array([1, -2], dtype=np.int64), c=np.array([True, False]), s=np.array(['ab', 'xyz']))
print(json.dumps(out))
`;
    const r = spawnSync(PY, ['-c', script, dir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.f.dtype, 'float64');
    assert.deepEqual(out.f.shape, [2, 3]);
    assert.deepEqual(out.f.values, ['0.1', '-2.5', '1e-300', 'inf', 'nan', '3.0']);
    assert.equal(out.i.dtype, 'int64');
    assert.deepEqual(out.i.values, ['0', '-1', String(2 ** 53 - 1)]);
    assert.equal(out.i4.dtype, 'int32');
    assert.equal(out.i1.dtype, 'int8');
    assert.deepEqual(out.i1.values, ['-1', '0', '2', '127', '-128']);
    assert.equal(out.b.dtype, 'bool');
    assert.deepEqual(out.b.values, ['True', 'False', 'True']);
    assert.equal(out.u.dtype, 'uint8');
    assert.equal(out.s.dtype, '<U7');
    assert.deepEqual(out.s.values, ['MTB0001', 'g', 'Ω-ü']);
    assert.deepEqual(out.scalar.shape, []);
    assert.equal(out.same_f, true);
    const theirs = readNpz(new Uint8Array(readFileSync(join(dir, 'theirs.npz'))));
    assert.deepEqual(theirs.a.shape, [2, 3]);
    assert.equal((theirs.a.data as Float64Array)[5], 5 / 7);
    assert.deepEqual([...npyNumbers(theirs.b)], [1, -2]);
    assert.deepEqual([...(theirs.c.data as Uint8Array)], [1, 0]);
    assert.deepEqual(theirs.s.data, ['ab', 'xyz']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
