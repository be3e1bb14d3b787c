// A local read thread (see local-read-pool.ts): reads whole files (or only their sizes) with
// blocking calls off the activity's thread and sends them back in one transferred buffer per
// request. Plain JavaScript and node:fs only, so the thread needs no TypeScript loader and stays
// small.
'use strict';
const fs = require('node:fs');
const { parentPort } = require('node:worker_threads');

/** Reads `file` into `out` at `offset`: at most `room` bytes; returns how many it read. */
function readInto(file, out, offset, room) {
  const fd = fs.openSync(file, 'r');
  try {
    let read = 0;
    while (read < room) {
      const n = fs.readSync(fd, out, offset + read, room - read, read);
      if (n === 0) break;
      read += n;
    }
    // One byte more than planned came back: report the file's real size.
    return { read, size: read === room ? fs.fstatSync(fd).size : read };
  } finally {
    fs.closeSync(fd);
  }
}

// Stat request: { id, op: 'stat', paths }. Reply: { id, sizes: each file's size or -1, errors }.
function statFiles(id, files) {
  const sizes = new Float64Array(files.length).fill(-1);
  const errors = [];
  for (let i = 0; i < files.length; i++) {
    try {
      sizes[i] = fs.statSync(files[i]).size;
    } catch (err) {
      errors.push({ index: i, code: err && err.code, message: String(err && err.message) });
    }
  }
  parentPort.postMessage({ id, sizes, errors }, [sizes.buffer]);
}

// Read request: { id, op: 'read', paths: absolute paths joined by NUL (one string clones faster
// than an array of them), sizes: Float64Array of planned sizes, -1 when not planned }.
// Reply: { id, bytes (transferred), lengths: bytes per file or -1, sizes: real sizes, errors }.
parentPort.on('message', ({ id, op, paths, sizes }) => {
  const files = paths.split('\0');
  if (op === 'stat') return statFiles(id, files);
  let capacity = 0;
  for (const size of sizes) capacity += size >= 0 ? size + 1 : 0;
  let out = Buffer.allocUnsafeSlow(Math.max(capacity, 1));
  let offset = 0;
  const lengths = new Float64Array(files.length).fill(-1);
  const realSizes = new Float64Array(files.length).fill(-1);
  const errors = [];
  for (let i = 0; i < files.length; i++) {
    try {
      if (sizes[i] >= 0) {
        const { read, size } = readInto(files[i], out, offset, sizes[i] + 1);
        lengths[i] = read;
        realSizes[i] = size;
        offset += read;
      } else {
        const content = fs.readFileSync(files[i]);
        if (offset + content.length > out.length) {
          const grown = Buffer.allocUnsafeSlow(Math.max(out.length * 2, offset + content.length));
          out.copy(grown, 0, 0, offset);
          out = grown;
        }
        content.copy(out, offset);
        lengths[i] = content.length;
        realSizes[i] = content.length;
        offset += content.length;
      }
    } catch (err) {
      errors.push({ index: i, code: err && err.code, message: String(err && err.message) });
    }
  }
  const bytes = new Uint8Array(out.buffer, 0, offset);
  parentPort.postMessage({ id, bytes, lengths, sizes: realSizes, errors }, [out.buffer, lengths.buffer, realSizes.buffer]);
});
