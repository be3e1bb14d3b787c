import { RedshiftServiceException } from '@aws-sdk/client-redshift';
import { awsFailure } from '../../src/warehouse/redshift/aws-errors';

function awsError(name: string, httpStatusCode: number, fault: 'client' | 'server' = 'client'): RedshiftServiceException {
  return new RedshiftServiceException({ name, $fault: fault, message: `${name} happened`, $metadata: { requestId: `id-${name}`, httpStatusCode } });
}

describe('AWS errors as activity failures', () => {
  it.each([
    ['AccessDenied', 403, 'AwsAccessDenied'],
    ['AccessDeniedException', 400, 'AwsAccessDenied'],
    ['InvalidParameterValue', 400, 'AwsInvalidParameterValue'],
    ['InvalidParameterCombination', 400, 'AwsInvalidParameterCombination'],
    ['ClusterQuotaExceededFault', 400, 'AwsClusterQuotaExceeded'],
    ['NumberOfNodesQuotaExceededFault', 400, 'AwsNumberOfNodesQuotaExceeded'],
    ['InsufficientClusterCapacityFault', 400, 'AwsInsufficientClusterCapacity'],
    ['ExpiredTokenException', 400, 'AwsExpiredToken'],
  ])('%s is non-retryable, with AWS message and request id', (name, status, type) => {
    const failure = awsFailure(awsError(name, status), 'creating cluster c');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe(type);
    expect(failure.message).toBe(`creating cluster c: ${name}: ${name} happened (AWS request id id-${name})`);
  });

  it.each([
    ['ThrottlingException', 400],
    ['Throttling', 400],
    ['RequestLimitExceeded', 400],
    ['InternalFailure', 500],
    ['ServiceUnavailable', 503],
    ['InvalidClusterStateFault', 400],
    ['SomethingNew', 502],
  ])('%s is retried', (name, status) => {
    const failure = awsFailure(awsError(name, status, status >= 500 ? 'server' : 'client'), 'x');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('AwsUnavailable');
  });

  it('a network error is retried; an unknown client error is left to the retry policy', () => {
    expect(awsFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'x')).toMatchObject({ type: 'AwsUnavailable', nonRetryable: false });
    expect(awsFailure(awsError('WeirdFault', 400), 'x')).toMatchObject({ type: 'AwsError', nonRetryable: false });
  });
});
