/**
 * The activities the workflow calls, each group with the options that suit it. Every activity
 * heartbeats at least every 5 s while it works (long SQL included), so a worker that dies is
 * noticed within the 30 s heartbeat timeout and the activity retried elsewhere, whatever its
 * start-to-close bound. Start-to-close bounds are sized to the work on a production Redshift,
 * as a backstop for an activity that is alive but stuck. Errors the activities mark
 * non-retryable (bad config, bad SQL, bad input, lost staging) fail at once.
 * Worst-case recovery from a worker SIGKILL per stage: docs/fault-tolerance.md.
 */
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';

/** Silence after which Temporal declares an activity's worker dead and retries the activity. */
const HEARTBEAT_TIMEOUT = '30 seconds';

/** Creating a cluster can take many minutes; the activity heartbeats while it waits. */
export const { provisionWarehouse } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * Creating or deleting a Redshift cluster takes 5–20 minutes; the activities heartbeat while
 * they poll, and throttling or outages are retried for a long while (a forgotten cluster costs
 * money). Permission, parameter, quota and capacity errors are non-retryable and fail at once.
 */
export const { createRedshiftCluster, deleteRedshiftCluster } = proxyActivities<typeof activities>({
  startToCloseTimeout: '45 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** Short SQL and file listing steps (listing a million files takes minutes). */
export const { createTables, planStaging, resetStaging, verifyStaging, summarizeLoad, sampleLoadErrors } = proxyActivities<typeof activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/**
 * One COPY per partition. It heartbeats with its committed progress, so a retry resumes where
 * the last attempt stopped. Cancellation waits for the activity to stop, so teardown never races
 * a running COPY.
 */
export const { copyStagingEvents, copyStagingSongs } = proxyActivities<typeof activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
});

/**
 * INSERT … SELECT from staging into the star tables; each is one transaction, so a retry is
 * clean. 1M events take ~30 s here; the bound leaves room for 50× that on a busy Redshift.
 */
export const { insertUsers, insertSongs, insertArtists, insertTime, insertSongplays } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** The quality checks: read-only queries over the star schema, as long as a transform at most. */
export const { checkQuality } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Teardown must eventually succeed: a forgotten cluster costs money, so it retries longer. */
export const { teardownWarehouse } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
});

/**
 * Incremental runs: the long-lived warehouse's load lock (acquire waits inside the activity for
 * another open run, up to incremental.lockWaitSeconds, heartbeating), the persistent tables, and
 * the merge (one transaction over the run's staged rows; retried whole).
 */
export const { acquireWarehouseLock } = proxyActivities<typeof activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

export const { prepareIncremental, releaseWarehouseLock } = proxyActivities<typeof activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

export const { mergeIncremental } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});
