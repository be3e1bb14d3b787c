/**
 * The HTTP API's routes, read from the `google.api.http` annotations of the service protos in
 * @temporalio/proto — the same annotations Temporal's OpenAPI document and its grpc-gateway
 * routes are generated from. A route names the gRPC method it transcodes to.
 */
import type { ReflectedType } from './proto-json';

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface HttpRoute {
  verb: HttpVerb;
  /** e.g. "/api/v1/namespaces/{namespace}/workflows/{execution.workflow_id}/history" */
  template: string;
  /** Literal segments, or a field path for `{field.path}` segments. */
  segments: ({ literal: string } | { field: string })[];
  /** "*" = the whole request is the body; undefined = no body (everything from path and query). */
  body: string | undefined;
  /** "/temporal.api.workflowservice.v1.WorkflowService/ListWorkflowExecutions" */
  grpcPath: string;
  method: string;
  requestType: ReflectedType;
  responseType: ReflectedType;
}

interface HttpRule {
  get?: string;
  post?: string;
  put?: string;
  delete?: string;
  patch?: string;
  body?: string;
  additional_bindings?: HttpRule | HttpRule[];
}

export interface ReflectedHttpMethod {
  name: string;
  resolve(): unknown;
  resolvedRequestType: unknown;
  resolvedResponseType: unknown;
  parsedOptions?: Record<string, unknown>[];
  requestStream?: boolean;
  responseStream?: boolean;
}

export interface ReflectedHttpService {
  fullName: string;
  methods: Record<string, ReflectedHttpMethod>;
}

const VERBS: HttpVerb[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** Every HTTP binding of every unary method of `service`. */
export function routesOf(service: ReflectedHttpService): HttpRoute[] {
  const serviceName = service.fullName.replace(/^\./, '');
  const routes: HttpRoute[] = [];
  for (const method of Object.values(service.methods)) {
    if (method.requestStream || method.responseStream) continue;
    const rule = method.parsedOptions?.find((option) => '(google.api.http)' in option)?.['(google.api.http)'] as HttpRule | undefined;
    if (!rule) continue;
    method.resolve();
    const extra = rule.additional_bindings === undefined ? [] : ([] as HttpRule[]).concat(rule.additional_bindings);
    for (const binding of [rule, ...extra]) {
      for (const verb of VERBS) {
        const template = binding[verb.toLowerCase() as Lowercase<HttpVerb>];
        if (!template) continue;
        routes.push({
          verb,
          template,
          segments: parseTemplate(template),
          body: binding.body,
          grpcPath: `/${serviceName}/${method.name}`,
          method: method.name,
          requestType: method.resolvedRequestType as ReflectedType,
          responseType: method.resolvedResponseType as ReflectedType,
        });
      }
    }
  }
  return routes;
}

function parseTemplate(template: string): HttpRoute['segments'] {
  return template
    .split('/')
    .slice(1)
    .map((segment) => {
      const variable = /^\{([a-z0-9_.]+)\}$/i.exec(segment);
      if (variable) return { field: variable[1] };
      if (segment.includes('{')) throw new Error(`unsupported HTTP path template segment "${segment}" in ${template}`);
      return { literal: segment };
    });
}

export interface RouteMatch {
  route: HttpRoute;
  /** Field path → decoded path segment. */
  pathFields: [string, string][];
}

/**
 * Finds the route for a request. Literal segments win over variables at the same position, so
 * `/workflows/{id}/history` is not taken for a workflow called "history"'s run.
 */
export class RouteTable {
  private readonly byVerb = new Map<string, HttpRoute[]>();

  constructor(routes: HttpRoute[]) {
    for (const route of routes) {
      const list = this.byVerb.get(route.verb) ?? [];
      list.push(route);
      this.byVerb.set(route.verb, list);
    }
    for (const list of this.byVerb.values()) list.sort((a, b) => specificity(b) - specificity(a));
  }

  /** `segments` are the raw (still percent-encoded) path segments. */
  match(verb: string, segments: string[]): RouteMatch | undefined {
    for (const route of this.byVerb.get(verb) ?? []) {
      if (route.segments.length !== segments.length) continue;
      const pathFields: [string, string][] = [];
      let matched = true;
      for (let index = 0; index < segments.length && matched; index++) {
        const expected = route.segments[index];
        if ('literal' in expected) matched = expected.literal === segments[index];
        else if (segments[index] === '') matched = false;
        else pathFields.push([expected.field, decodeURIComponent(segments[index])]);
      }
      if (matched) return { route, pathFields };
    }
    return undefined;
  }

  /** Whether some route has this path under another verb (405 rather than 404). */
  hasPath(segments: string[]): boolean {
    for (const routes of this.byVerb.values()) {
      for (const route of routes) {
        if (route.segments.length === segments.length && route.segments.every((s, i) => !('literal' in s) || s.literal === segments[i])) return true;
      }
    }
    return false;
  }
}

/** Routes with more literal segments, earlier, sort first. */
function specificity(route: HttpRoute): number {
  let score = 0;
  route.segments.forEach((segment, index) => {
    if ('literal' in segment) score += 2 ** (20 - Math.min(index, 20));
  });
  return score;
}
