/**
 * The activities the workflow calls, each group with the options that suit it. Timeouts are
 * generous upper bounds for a production warehouse; retries back off so a flapping dependency is
 * not hammered. Errors the activities mark non-retryable (bad config, bad SQL) fail at once.
 */
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';

/** Creating a cluster can take many minutes; the activity heartbeats while it waits. */
export const { provisionWarehouse } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Short SQL and file listing steps. */
export const { createTables, planStaging, summarizeLoad, sampleLoadErrors } = proxyActivities<typeof activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/**
 * One COPY per partition. It heartbeats its committed position after every batch, so a retry
 * resumes where the last commit left off; a silent worker is noticed within the heartbeat timeout.
 * Cancellation waits for the activity to stop, so teardown never races a running COPY.
 */
export const { copyStagingEvents, copyStagingSongs } = proxyActivities<typeof activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
});

/** INSERT … SELECT from staging into the star tables; each is one transaction, so a retry is clean. */
export const { insertUsers, insertSongs, insertArtists, insertTime, insertSongplays } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 hour',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Teardown must eventually succeed: a forgotten cluster costs money, so it retries longer. */
export const { teardownWarehouse } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
});
