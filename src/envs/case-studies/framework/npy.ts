// Our own .npy (format v1.0) and .npz reader/writer for the dtypes case files use:
// float64 '<f8', int64 '<i8', int32 '<i4', int8 '|i1', uint8 '|u1', bool '|b1' and fixed-width unicode '<U{n}'.
// Layout: magic "\x93NUMPY", version 1.0, uint16 LE header length, a Python-dict header padded
// with spaces and '\n' so the data starts on a 64-byte boundary, then C-order little-endian data.
// .npz is a zip of `<name>.npy` members (stored by default, like np.savez), with a fixed
// timestamp so the bytes are reproducible.

import { unzipSync, zipSync } from 'fflate';

export type NpyDtype = 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool' | 'str';

export type NpyData = Float64Array | BigInt64Array | Int32Array | Int8Array | Uint8Array | string[];

export interface NpyArray {
  dtype: NpyDtype;
  /** C-order shape; [] for a scalar */
  shape: number[];
  /** float64 → Float64Array, int64 → BigInt64Array, int32 → Int32Array, int8 → Int8Array, uint8 and bool → Uint8Array, str → string[] */
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Build an array from plain JS values, checking that ints are safe integers. */
export function npyArray(dtype: NpyDtype, values: ArrayLike<number> | readonly boolean[] | readonly string[] | BigInt64Array, shape?: number[]): NpyArray {
  const n = values.length;
  const shp = shape ?? [n];
  if (product(shp) !== n) throw new Error(`npy: shape [${shp}] holds ${product(shp)} values, got ${n}`);
  switch (dtype) {
    case 'float64':
      return { dtype, shape: shp, data: Float64Array.from(values as ArrayLike<number>) };
    case 'int64': {
      if (values instanceof BigInt64Array) return { dtype, shape: shp, data: values };
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = (values as ArrayLike<number>)[i];
        if (!Number.isSafeInteger(v)) throw new Error(`npy int64: value ${i} is not a safe integer: ${v}`);
        out[i] = BigInt(v);
      }
      return { dtype, shape: shp, data: out };
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = (values as ArrayLike<number>)[i];
        if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new Error(`npy int32: value ${i} out of range: ${v}`);
        out[i] = v;
      }
      return { dtype, shape: shp, data: out };
    }
    case 'int8': {
      const out = new Int8Array(n);
      for (let i = 0; i < n; i++) {
        const v = (values as ArrayLike<number>)[i];
        if (!Number.isInteger(v) || v < -128 || v > 127) throw new Error(`npy int8: value ${i} out of range: ${v}`);
        out[i] = v;
      }
      return { dtype, shape: shp, data: out };
    }
    case 'uint8':
    case 'bool': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = (values as ArrayLike<number | boolean>)[i];
        if (dtype === 'bool') out[i] = v ? 1 : 0;
        else {
          if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 255) throw new Error(`npy uint8: value ${i} out of range: ${v}`);
          out[i] = v as number;
        }
      }
      return { dtype, shape: shp, data: out };
    }
    case 'str':
      return { dtype, shape: shp, data: Array.from(values as ArrayLike<string>, String) };
  }
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function strWidth(strings: string[]): number {
  let w = 1;
  for (const s of strings) w = Math.max(w, [...s].length);
  return w;
}

function descrOf(a: NpyArray): string {
  switch (a.dtype) {
    case 'float64': return '<f8';
    case 'int64': return '<i8';
    case 'int32': return '<i4';
    case 'int8': return '|i1';
    case 'uint8': return '|u1';
    case 'bool': return '|b1';
    case 'str': return `<U${strWidth(a.data as string[])}`;
  }
}

/** Serialise one array to .npy bytes. */
export function writeNpy(a: NpyArray): Uint8Array {
  const n = product(a.shape);
  if (a.data.length !== n) throw new Error(`npy: shape [${a.shape}] needs ${n} values, data has ${a.data.length}`);
  const descr = descrOf(a);
  const shapeText = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pre = MAGIC.length + 2 + 2;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header + ' '.repeat(total - pre - header.length - 1) + '\n';
  if (header.length > 65535) throw new Error('npy header too long for format 1.0');
  const body = encodeBody(a, descr);
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(body, total);
  return out;
}

function encodeBody(a: NpyArray, descr: string): Uint8Array {
  const dv = (len: number) => new DataView(new ArrayBuffer(len));
  switch (a.dtype) {
    case 'float64': {
      const d = a.data as Float64Array;
      const v = dv(d.length * 8);
      d.forEach((x, i) => v.setFloat64(i * 8, x, true));
      return new Uint8Array(v.buffer);
    }
    case 'int64': {
      const d = a.data as BigInt64Array;
      const v = dv(d.length * 8);
      d.forEach((x, i) => v.setBigInt64(i * 8, x, true));
      return new Uint8Array(v.buffer);
    }
    case 'int32': {
      const d = a.data as Int32Array;
      const v = dv(d.length * 4);
      d.forEach((x, i) => v.setInt32(i * 4, x, true));
      return new Uint8Array(v.buffer);
    }
    case 'int8': {
      const d = a.data as Int8Array;
      return new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
    }
    case 'uint8':
    case 'bool':
      return Uint8Array.from(a.data as Uint8Array, (x) => (a.dtype === 'bool' ? (x ? 1 : 0) : x));
    case 'str': {
      const width = Number(descr.slice(2));
      const strings = a.data as string[];
      const v = dv(strings.length * width * 4);
      strings.forEach((s, i) => {
        let j = 0;
        for (const ch of s) v.setUint32((i * width + j++) * 4, ch.codePointAt(0)!, true);
      });
      return new Uint8Array(v.buffer);
    }
  }
}

/** Parse .npy bytes (format 1.x/2.x, C order, the dtypes above). */
export function readNpy(bytes: Uint8Array): NpyArray {
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) throw new Error('not an .npy file (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number, start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    start = 12;
  } else throw new Error(`unsupported .npy version ${major}`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new Error(`cannot parse .npy header: ${header}`);
  if (fortran === 'True') throw new Error('Fortran-order .npy arrays are not supported');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const n = product(shape);
  const off = start + headerLen;
  const body = new DataView(bytes.buffer, bytes.byteOffset + off, bytes.byteLength - off);
  const need = (size: number) => {
    if (body.byteLength < n * size) throw new Error(`truncated .npy: need ${n * size} data bytes, have ${body.byteLength}`);
  };
  if (descr === '<f8') {
    need(8);
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = body.getFloat64(i * 8, true);
    return { dtype: 'float64', shape, data: d };
  }
  if (descr === '<i8') {
    need(8);
    const d = new BigInt64Array(n);
    for (let i = 0; i < n; i++) d[i] = body.getBigInt64(i * 8, true);
    return { dtype: 'int64', shape, data: d };
  }
  if (descr === '<i4') {
    need(4);
    const d = new Int32Array(n);
    for (let i = 0; i < n; i++) d[i] = body.getInt32(i * 4, true);
    return { dtype: 'int32', shape, data: d };
  }
  if (descr === '|i1') {
    need(1);
    return { dtype: 'int8', shape, data: new Int8Array(bytes.slice(off, off + n).buffer) };
  }
  if (descr === '|u1' || descr === '|b1') {
    need(1);
    return { dtype: descr === '|b1' ? 'bool' : 'uint8', shape, data: new Uint8Array(bytes.slice(off, off + n)) };
  }
  const u = /^<U(\d+)$/.exec(descr);
  if (u) {
    const width = Number(u[1]);
    need(4 * width);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      let s = '';
      for (let j = 0; j < width; j++) {
        const cp = body.getUint32((i * width + j) * 4, true);
        if (cp === 0) break;
        s += String.fromCodePoint(cp);
      }
      out.push(s);
    }
    return { dtype: 'str', shape, data: out };
  }
  throw new Error(`unsupported .npy dtype ${descr}`);
}

/** Numbers of a numeric array (int64 values must be safe integers). */
export function npyNumbers(a: NpyArray): Float64Array {
  if (a.dtype === 'str') throw new Error('npyNumbers: string array');
  if (a.dtype === 'int64') {
    const d = a.data as BigInt64Array;
    const out = new Float64Array(d.length);
    d.forEach((x, i) => {
      const v = Number(x);
      if (!Number.isSafeInteger(v)) throw new Error(`int64 value ${x} does not fit a double exactly`);
      out[i] = v;
    });
    return out;
  }
  return Float64Array.from(a.data as ArrayLike<number>);
}

// DOS timestamps are local time; building the date from local components keeps the bytes the
// same in every time zone.
const FIXED_ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);

/** Serialise named arrays as .npz (members `<name>.npy`); stored like np.savez unless compress. */
export function writeNpz(arrays: Record<string, NpyArray>, opts: { compress?: boolean } = {}): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 | 6; mtime: Date }]> = {};
  for (const [name, arr] of Object.entries(arrays)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new Error(`npz member name not allowed: ${name}`);
    files[`${name}.npy`] = [writeNpy(arr), { level: opts.compress ? 6 : 0, mtime: FIXED_ZIP_TIME }];
  }
  return zipSync(files);
}

export function readNpz(bytes: Uint8Array): Record<string, NpyArray> {
  const out: Record<string, NpyArray> = {};
  for (const [name, data] of Object.entries(unzipSync(bytes))) {
    if (!name.endsWith('.npy')) continue;
    out[name.slice(0, -4)] = readNpy(data);
  }
  return out;
}
