// A local read thread (see local-read-pool.ts): reads whole files, or lists a directory tree with
// its files' sizes, with blocking calls off the activity's thread and sends them back in one
// transferred buffer per request. Plain JavaScript and node:fs only, so the thread needs no
// TypeScript loader and stays small.
'use strict';
const fs = require('node:fs');
const { parentPort } = require('node:worker_threads');
const { listTree } = require('./local-walk.js');

/** Open listings by id: the walk, paused between requests, and the directory it lists. */
const listings = new Map();

// Open request: { op: 'open', listing, directory, relativeTop, share } (no reply); share: this
// listing's part of a split one ({ index, of }, see local-walk.js), or undefined for all of it.
// List request: { id, op: 'list', listing, count }: the next `count` files of the listing.
// Reply: { id, paths: relative paths joined by NUL, sizes (transferred), errors (failed stats, by
// index), done, failure: why the walk stopped (after the files sent), or undefined }.
// Close request: { op: 'close', listing } (no reply): a listing abandoned before its end.
function listNext(id, listing, count) {
  const open = listings.get(listing);
  const relatives = [];
  const sizes = new Float64Array(count).fill(-1);
  const errors = [];
  let done = open === undefined;
  let failure;
  while (!done && relatives.length < count) {
    let next;
    try {
      next = open.walk.next();
    } catch (err) {
      // Anything but a WalkFailure is a fault of the walk itself: it names the listed directory.
      failure = err && err.walkFailure ? err.walkFailure : { kind: 'path', path: open.directory, code: err && err.code, message: String(err && err.message) };
      done = true;
      break;
    }
    if (next.done) {
      done = true;
      break;
    }
    // Stat'ed as the walk finds it: one thread walking and stat'ing 100k song files took 0.9-1.1 s,
    // a walk and then a stat pass over the same files 1.6-1.8 s.
    try {
      sizes[relatives.length] = fs.statSync(next.value.absolute).size;
    } catch (err) {
      errors.push({ index: relatives.length, code: err && err.code, message: String(err && err.message) });
    }
    relatives.push(next.value.relative);
  }
  if (done) listings.delete(listing);
  const listed = sizes.slice(0, relatives.length);
  parentPort.postMessage({ id, paths: relatives.join('\0'), sizes: listed, errors, done, failure }, [listed.buffer]);
}

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

// Read request: { id, op: 'read', paths: absolute paths joined by NUL (one string clones faster
// than an array of them), sizes: Float64Array of planned sizes, -1 when not planned }.
// Reply: { id, bytes (transferred), lengths: bytes per file or -1, sizes: real sizes, errors }.
parentPort.on('message', ({ id, op, paths, sizes, listing, directory, relativeTop, share, count }) => {
  if (op === 'open') return void listings.set(listing, { walk: listTree(directory, relativeTop, share), directory });
  if (op === 'list') return listNext(id, listing, count);
  if (op === 'close') {
    const open = listings.get(listing);
    listings.delete(listing);
    return void (open && open.walk.return());
  }
  const files = paths.split('\0');
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
