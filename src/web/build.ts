// `npm run build:web` (always builds) and the postinstall step (`--if-stale --soft`: builds
// only when the bundle is missing or stale, and never fails an install over the viewer).

import { bundleIsCurrent, BUNDLE_DIR, ensureBundle } from './bundle.js';

const args = new Set(process.argv.slice(2));
const soft = args.has('--soft');
try {
  if (args.has('--if-stale') && bundleIsCurrent()) {
    console.log(`genegym: web viewer bundle is current (${BUNDLE_DIR})`);
  } else {
    const t0 = Date.now();
    await ensureBundle({ force: !args.has('--if-stale') });
    console.log(`genegym: built the web viewer into ${BUNDLE_DIR} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
} catch (err) {
  console.error(`genegym: ${soft ? 'warning: ' : ''}could not build the web viewer: ${err instanceof Error ? err.message : String(err)}`);
  if (!soft) process.exit(1);
  console.error('genegym: `genegym view` will try again when it starts');
}
