import { ApplicationFailure } from '@temporalio/common';

/** What an AWS SDK v3 error carries (duck-typed: errors may come from another realm). */
interface AwsError {
  name: string;
  message: string;
  requestId?: string;
  httpStatus?: number;
  code?: string;
}

function awsError(err: unknown): AwsError {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as Record<string, unknown>;
  const metadata = (e.$metadata ?? {}) as { requestId?: string; httpStatusCode?: number };
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(err),
    requestId: metadata.requestId,
    httpStatus: metadata.httpStatusCode,
    code: typeof e.code === 'string' ? e.code : undefined,
  };
}

/** Errors no retry can fix: permissions, bad parameters, limits, no capacity, bad credentials. */
const PERMANENT = [
  /^AccessDenied/, /^UnauthorizedOperation$/, /^AuthorizationError/, /^UnrecognizedClient/, /^InvalidClientTokenId$/,
  /^InvalidSignature/, /^ExpiredToken/, /^InvalidParameter/, /^ValidationException$/, /^MissingParameter$/,
  /QuotaExceeded/, /LimitExceeded$/, /^InsufficientClusterCapacity/, /^UnsupportedOperation/, /^InvalidVPCNetworkState/,
  /^InvalidSubnet/, /^InvalidClusterSubnetGroupState/, /^ClusterSubnetGroupNotFound/, /^ClusterParameterGroupNotFound/,
  /^ClusterSecurityGroupNotFound/, /^InvalidElasticIp/, /^UnauthorizedPartnerIntegration/, /^NumberOfNodes/,
  /^InvalidTag/, /^TagLimitExceeded/, /^DependentServiceAccessDenied/, /^MalformedPolicyDocument/, /^NoSuchEntity/,
  /^EntityAlreadyExists/, /^ClusterSnapshotAlreadyExists/, /^ActiveStatementsExceeded/,
];

/** Throttling and server-side trouble: worth another attempt after a pause. */
const TRANSIENT = [/Throttl/, /^RequestLimitExceeded$/, /^TooManyRequests/, /^ServiceUnavailable/, /^InternalFailure$/, /^InternalServer/, /^RequestTimeout/, /^InvalidClusterState/, /^DependentServiceUnavailable/, /^DependentServiceRequestThrottling/];

/** Node socket errors: the network or the endpoint comes back. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED', 'ENOTFOUND']);

/** The error's AWS name (ClusterNotFoundFault, …), for callers that treat some as answers. */
export function awsErrorName(err: unknown): string {
  return awsError(err).name;
}

/**
 * An AWS error as an ApplicationFailure: AWS's own message and the request id (what AWS support
 * asks for), non-retryable when no retry can help, retryable for throttling and outages (the
 * SDK has already retried those with backoff; the activity's retry policy backs off further).
 */
export function awsFailure(err: unknown, doing: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const { name, message, requestId, httpStatus, code } = awsError(err);
  // Throttling first: RequestLimitExceeded would otherwise read as a quota.
  const throttled = TRANSIENT.some((p) => p.test(name));
  const permanent = !throttled && PERMANENT.some((p) => p.test(name));
  const transient = !permanent && (throttled || (httpStatus !== undefined && httpStatus >= 500) || (code !== undefined && NETWORK.has(code)));
  const type = permanent ? `Aws${name.replace(/(Fault|Exception)$/, '')}` : transient ? 'AwsUnavailable' : 'AwsError';
  return ApplicationFailure.create({
    message: `${doing}: ${name}: ${message}${requestId ? ` (AWS request id ${requestId})` : ''}`,
    type,
    // Unknown errors are left to the retry policy, as for the warehouse's own errors.
    nonRetryable: permanent,
    details: requestId ? [{ awsError: name, requestId }] : [{ awsError: name }],
  });
}
