/**
 * Server-side retry policy rules (Temporal's documented defaults: initial interval 1 s,
 * backoff coefficient 2.0, maximum interval 100 × initial, unlimited attempts).
 */
import { Msg, RetryState, durationToMs, msToDuration } from '../proto';

export interface RetryDecision {
  retry: boolean;
  backoffMs: number;
  retryState: number;
}

/** Fills the defaults into a retry policy the way the server stores it in history. */
export function normalizeRetryPolicy(policy: Msg | null | undefined): Msg {
  const initialMs = durationToMs(policy?.initialInterval) || 1000;
  const coefficient = policy?.backoffCoefficient || 2.0;
  const maximumMs = durationToMs(policy?.maximumInterval) || 100 * initialMs;
  return {
    initialInterval: msToDuration(initialMs),
    backoffCoefficient: coefficient,
    maximumInterval: msToDuration(maximumMs),
    maximumAttempts: policy?.maximumAttempts ?? 0,
    nonRetryableErrorTypes: policy?.nonRetryableErrorTypes ?? [],
  };
}

/** Validates a retry policy; returns a message naming the bad field, or undefined. */
export function retryPolicyProblem(policy: Msg | null | undefined): string | undefined {
  if (!policy) return undefined;
  if (durationToMs(policy.initialInterval) < 0) return 'RetryPolicy.initialInterval cannot be negative';
  if (policy.backoffCoefficient !== undefined && policy.backoffCoefficient !== 0 && policy.backoffCoefficient < 1) {
    return 'RetryPolicy.backoffCoefficient cannot be less than 1';
  }
  if (durationToMs(policy.maximumInterval) < 0) return 'RetryPolicy.maximumInterval cannot be negative';
  if (policy.maximumInterval && durationToMs(policy.maximumInterval) > 0 && durationToMs(policy.maximumInterval) < durationToMs(policy.initialInterval)) {
    return 'RetryPolicy.maximumInterval cannot be less than its initialInterval';
  }
  if ((policy.maximumAttempts ?? 0) < 0) return 'RetryPolicy.maximumAttempts cannot be negative';
  return undefined;
}

function failureIsNonRetryable(policy: Msg, failure: Msg | null | undefined): boolean {
  if (!failure) return false;
  const info = failure.applicationFailureInfo;
  if (info?.nonRetryable) return true;
  const type: string | undefined = info?.type;
  if (type && ((policy.nonRetryableErrorTypes as string[] | undefined) ?? []).includes(type)) return true;
  return false;
}

/**
 * Decides whether attempt `attempt` (1-based) that just failed with `failure` is retried.
 * `expirationMs` (epoch ms, 0 = none) is the schedule-to-close / execution deadline the next
 * attempt must start before.
 */
export function decideRetry(policy: Msg, attempt: number, failure: Msg | null | undefined, nowMs: number, expirationMs: number): RetryDecision {
  if (failureIsNonRetryable(policy, failure)) {
    return { retry: false, backoffMs: 0, retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE };
  }
  const maximumAttempts = policy.maximumAttempts ?? 0;
  if (maximumAttempts > 0 && attempt >= maximumAttempts) {
    return { retry: false, backoffMs: 0, retryState: RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED };
  }
  const initialMs = durationToMs(policy.initialInterval);
  const maximumMs = durationToMs(policy.maximumInterval);
  const backoffMs = Math.min(initialMs * Math.pow(policy.backoffCoefficient, attempt - 1), maximumMs || Infinity);
  if (expirationMs > 0 && nowMs + backoffMs >= expirationMs) {
    return { retry: false, backoffMs: 0, retryState: RetryState.RETRY_STATE_TIMEOUT };
  }
  return { retry: true, backoffMs, retryState: RetryState.RETRY_STATE_IN_PROGRESS };
}
