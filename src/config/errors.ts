import { ApplicationFailure } from '@temporalio/common';

/**
 * A setting is missing or malformed: retrying the activity cannot help, so the failure is
 * non-retryable. The message names the setting, never its value (values may hold secrets).
 */
export function configurationError(setting: string, problem: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: `configuration error: ${setting} ${problem}`,
    type: 'ConfigurationError',
    nonRetryable: true,
  });
}
