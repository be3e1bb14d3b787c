// The local source's listing: the *.json files under one kind's directory, in full-path order.
// Plain JavaScript with node:fs only, so a read thread (local-read-thread.js) runs it as it is;
// local.ts runs it on the activity's thread when the read threads are disabled.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/**
 * Why a walk stopped, as plain data (it crosses threads): a path that could not be read ('path',
 * with the error's code and message), or a directory symlink that leads back above itself ('loop',
 * with the directory it resolves to). local.ts turns it into the source failure it names.
 */
class WalkFailure extends Error {
  constructor(kind, failedPath, detail) {
    super(detail.message || kind);
    this.walkFailure = { kind, path: failedPath, real: detail.real, code: detail.code, message: detail.message };
  }
}

function pathFailure(failedPath, err) {
  return new WalkFailure('path', failedPath, { code: err && err.code, message: String(err && err.message) });
}

/** The real path of a directory (symlinks resolved). */
function realDirectory(dir) {
  try {
    return fs.realpathSync(dir);
  } catch (err) {
    throw pathFailure(dir, err);
  }
}

function isDirectory(dir) {
  try {
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    return stat !== undefined && stat.isDirectory();
  } catch {
    return false;
  }
}

/**
 * A split listing deals out the entries this many levels below the listed directory among its
 * shares (each share walks only its own there, and every directory above): a Sparkify song tree
 * has 26 × 26 directories at that depth. Fixed, so every share draws the same line whatever it
 * finds; files above it are dealt out by their path as well.
 */
const SHARE_DEPTH = 2;

/**
 * The share (0 … of-1) an entry of a split listing belongs to, from its relative path alone (so a
 * change elsewhere in the tree moves nothing): the sum of its UTF-16 code units, modulo the shares.
 * Sibling directories named A, B, C … alternate.
 */
function shareOf(relative, of) {
  let sum = 0;
  for (let i = 0; i < relative.length; i++) sum += relative.charCodeAt(i);
  return sum % of;
}

/**
 * Depth-first over sorted entries. A directory sorts as its name plus "/", which makes the
 * depth-first order equal to sorting the full relative paths. `above` holds the real paths of the
 * directories being walked and of those above them, so a symlink back to one of them is a loop,
 * reported at once. Synchronous on purpose: a local readdir costs microseconds, far less than a
 * thread-pool round trip and its promises (Sparkify has ~1 directory per 5 song files).
 */
function* walk(absoluteDir, relativeDir, realDir, above, depth, share) {
  let entries;
  try {
    entries = fs.readdirSync(absoluteDir, { withFileTypes: true });
  } catch (err) {
    throw pathFailure(absoluteDir, err);
  }
  const keyed = [];
  for (const entry of entries) {
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    let real;
    if (entry.isSymbolicLink()) {
      const link = path.join(absoluteDir, entry.name);
      let target;
      try {
        target = fs.statSync(link, { throwIfNoEntry: false });
      } catch (err) {
        throw pathFailure(link, err);
      }
      isDir = target !== undefined && target.isDirectory();
      isFile = target !== undefined && target.isFile();
      if (isDir) {
        real = realDirectory(link);
        if (above.has(real)) throw new WalkFailure('loop', link, { real });
      }
    }
    if (isDir) keyed.push({ key: entry.name + '/', name: entry.name, isDir: true, real });
    else if (isFile && entry.name.endsWith('.json')) keyed.push({ key: entry.name, name: entry.name, isDir: false });
  }
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { name, isDir, real } of keyed) {
    const relative = `${relativeDir}/${name}`;
    if (share && (depth === SHARE_DEPTH || !isDir) && shareOf(relative, share.of) !== share.index) continue;
    if (isDir) {
      const dirReal = real !== undefined ? real : path.join(realDir, name);
      above.add(dirReal);
      try {
        yield* walk(path.join(absoluteDir, name), relative, dirReal, above, depth + 1, depth < SHARE_DEPTH ? share : undefined);
      } finally {
        above.delete(dirReal);
      }
    } else {
      yield { relative, absolute: absoluteDir + path.sep + name };
    }
  }
}

/**
 * The *.json files under `directory` (nothing when it is not a directory), each as its path
 * relative to the source root (`relativeTop/…`) and on this machine. Throws WalkFailure. With
 * `share` ({ index, of }), only that share of a split listing: the shares' files are disjoint,
 * together all of them, each in path order.
 */
function* listTree(directory, relativeTop, share) {
  if (!isDirectory(directory)) return;
  const real = realDirectory(directory);
  // The top directory and everything above it (the source root included): a link to any of
  // them would list this tree again.
  const above = new Set();
  for (let dir = real; !above.has(dir); dir = path.dirname(dir)) above.add(dir);
  yield* walk(directory, relativeTop, real, above, 1, share && share.of > 1 ? share : undefined);
}

module.exports = { listTree, WalkFailure };
