// Shared by the node tests: where the built modules and the vectors are.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EDGE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(EDGE, '..');
/** Built by `edge/build.sh` (or `EDJWT_DIST`). */
export const DIST = process.env.EDJWT_DIST ? resolve(process.env.EDJWT_DIST) : join(EDGE, 'dist');

/**
 * The module variants to test: as shipped (wasm-opt) and as built, each backend, and the
 * nightly `-Cpanic=immediate-abort` builds when edge/build.sh made them.
 */
export function variants() {
  const names = [
    'edjwt_edge',
    'edjwt_edge_opt_size',
    'edjwt_edge_dalek',
    'edjwt_edge_nightly',
    'edjwt_edge_opt_size_nightly',
  ];
  const found = [];
  for (const name of names) {
    for (const file of [`${name}.wasm`, `${name}.raw.wasm`]) {
      const path = join(DIST, file);
      if (existsSync(path)) found.push({ name: file, path });
    }
  }
  if (!found.some((v) => v.name === 'edjwt_edge.wasm')) {
    throw new Error(`${join(DIST, 'edjwt_edge.wasm')} missing: run edge/build.sh first`);
  }
  return found;
}

export function compile(path) {
  return new WebAssembly.Module(readFileSync(path));
}

export function json(relative) {
  return JSON.parse(readFileSync(join(REPO, relative), 'utf8'));
}

/** The token with this id in a vector file (RFC 8037's A.4 by its name). */
export function tokenIn(source, id) {
  if (id === 'A.4') return source.rfc8037['A.4_compact_jws'];
  const c = source.cases.find((c) => c.id === id);
  if (!c) throw new Error(`no token ${id}`);
  return c.token;
}
