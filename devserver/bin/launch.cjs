'use strict';
/**
 * Runs the devserver (devserver/src/main.ts) from one CommonJS bundle that esbuild builds on first
 * use and again whenever a source it was built from changes (size or mtime, recorded beside it).
 * Loading one prebuilt file listens in about a third of the time tsx's per-file transpiling takes
 * at high load, and the SDK gives its test server a fixed 5 s. The bundle sits as deep below
 * devserver/ as the sources (devserver/dist/bin/), so paths the code takes from __dirname (the
 * web UI's build) resolve as they do from source. It runs in this process: the SDK stops its test
 * server with SIGKILL, which a wrapper process could not pass on.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const outDir = path.join(root, 'devserver', 'dist', 'bin');
const bundle = path.join(outDir, 'temporal.cjs');
const stampFile = path.join(outDir, 'temporal.inputs.json');

function signature(file) {
  const stat = fs.statSync(path.join(root, file));
  return `${stat.size}:${stat.mtimeMs}`;
}

function isFresh() {
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    if (!fs.existsSync(bundle)) return false;
    return Object.entries(stamp.inputs).every(([file, recorded]) => signature(file) === recorded);
  } catch {
    return false;
  }
}

function build() {
  const esbuild = require('esbuild');
  fs.mkdirSync(outDir, { recursive: true });
  // Several servers may start at once (parallel test files): each writes its own files and renames
  // them into place, so none reads a half-written bundle.
  const tmpBundle = `${bundle}.${process.pid}.tmp`;
  const tmpStamp = `${stampFile}.${process.pid}.tmp`;
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: ['devserver/src/main.ts'],
    outfile: tmpBundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((file) => [file, signature(file)]));
  fs.writeFileSync(tmpStamp, JSON.stringify({ inputs }, null, 1));
  fs.renameSync(tmpBundle, bundle);
  fs.renameSync(tmpStamp, stampFile);
}

if (!isFresh()) build();
// Stack traces name the TypeScript sources (the bundle carries its source map).
process.setSourceMapsEnabled(true);
require(bundle);
