/**
 * The summary a full load makes of its steps' own counts (summaryFromSteps): pure workflow code,
 * checked on plain data.
 */
import type { StagingAccount } from '../../src/contract';
import { summaryFromSteps } from '../../src/workflows/accounting';

const account: StagingAccount = {
  epoch: 1,
  committed: {
    events: { filesDone: 3, linesRead: 1007, rowsLoaded: 1000, rowsRejected: 7 },
    songs: { filesDone: 50, linesRead: 52, rowsLoaded: 50, rowsRejected: 2 },
  },
  stored: { events: { rowsLoaded: 1000, rowsRejected: 7 }, songs: { rowsLoaded: 50, rowsRejected: 2 } },
  rejectedByKind: { 'invalid-json': 6, 'wrong-type': 3 },
};
const inserted = { songplays: 812, users: 40, songs: 49, artists: 31, time: 800 };

test('staging and load_errors as verifyStaging stored them, each star table as its INSERT counted it', () => {
  expect(summaryFromSteps(account, inserted)).toEqual({
    tables: { staging_events: 1000, staging_songs: 50, load_errors: 9, songplays: 812, users: 40, songs: 49, artists: 31, time: 800 },
    rejectedByKind: { 'invalid-json': 6, 'wrong-type': 3 },
  });
});

test('an empty star table counts as inserted (0 rows), not as missing', () => {
  expect(summaryFromSteps(account, { ...inserted, users: 0 })?.tables.users).toBe(0);
});

test('undefined when a count is missing: a star table not inserted, or rejections by kind not read', () => {
  const { time: _time, ...withoutTime } = inserted;
  expect(summaryFromSteps(account, withoutTime)).toBeUndefined();
  const { rejectedByKind: _kinds, ...recordedBefore } = account;
  expect(summaryFromSteps(recordedBefore, inserted)).toBeUndefined();
});

test('the summary owns its rejections by kind (the account is not shared with it)', () => {
  const summary = summaryFromSteps(account, inserted)!;
  summary.rejectedByKind['invalid-json'] = 0;
  expect(account.rejectedByKind!['invalid-json']).toBe(6);
});
