// The case-study framework's math and I/O toolkit, in one import for case authors.
export * from './files.js';
export * from './gzip.js';
export * from './npy.js';
export * from './optim/index.js';
export * from './prng.js';
export * from './samplers.js';
export * from './special.js';
export * from './tsv.js';
