// A jest-worker module for test/helpers/worker-exit-grace.test.ts: holdOpen(ms) keeps the worker
// process alive for ms after the call (a referenced timer), as a slow exit or a leaked handle would.
exports.holdOpen = (ms) => {
  setTimeout(() => undefined, ms);
  return process.pid;
};
