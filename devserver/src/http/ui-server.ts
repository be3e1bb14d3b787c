/**
 * The web UI's HTTP server: Temporal's Web UI (static files built by `npm run ui:build` from the
 * pinned @temporalio/ui, see devserver/ui/), the UI server's own `/api/v1/settings`, and the
 * HTTP API, all on one origin so no CORS header is ever needed or sent.
 *
 * Same-origin only: requests whose Host is not this server's (DNS rebinding) and state-changing
 * requests from another origin (a page elsewhere posting a form to terminate a workflow) are refused.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { HttpApi } from './api';
import { writeJson } from './api';

/** Where `npm run ui:build` writes the built UI. */
export const UI_BUILD_DIRECTORY = path.resolve(__dirname, '../../ui/build');

/** The @temporalio/ui version the build mounts; the UI compares it with feature minimums. */
export const UI_VERSION = '2.38.0';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

export interface UiServerOptions {
  ip: string;
  port: number;
  api: HttpApi;
  /** Built UI; absent or missing = API only, and pages say how to build the UI. */
  uiDirectory?: string;
  defaultNamespace: string;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export interface UiServer {
  port: number;
  /** "http://127.0.0.1:8233" */
  url: string;
  close(): Promise<void>;
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const uiDirectory = options.uiDirectory ?? UI_BUILD_DIRECTORY;
  const built = await fs
    .stat(path.join(uiDirectory, 'index.html'))
    .then(() => true)
    .catch(() => false);
  if (!built) options.log('warn', `the web UI is not built (${uiDirectory} has no index.html): run npm run ui:build; the HTTP API is served`);
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log('error', `HTTP ${request.method} ${request.url} failed: ${(error as Error)?.stack ?? String(error)}`);
      if (!response.headersSent) writeJson(response, 500, { code: 13, message: 'internal error', details: [] });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('x-frame-options', 'DENY');
    response.setHeader('referrer-policy', 'same-origin');
    const refusal = refuseForeign(request, options.ip);
    if (refusal) {
      writeJson(response, 403, { code: 7, message: refusal, details: [] });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://devserver');
    if (url.pathname === '/api/v1/settings') {
      writeJson(response, 200, settings(options.defaultNamespace));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (!(await options.api.serve(request, response, url))) writeJson(response, 404, { code: 5, message: `no HTTP API route ${url.pathname}`, details: [] });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      writeJson(response, 405, { code: 12, message: `${request.method} is not allowed here`, details: [] });
      return;
    }
    await serveStatic(uiDirectory, built, url.pathname, response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.ip, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const boundPort = (server.address() as { port: number }).port;
  // Keep-alive sockets of an open browser tab would hold close() open.
  server.keepAliveTimeout = 5_000;
  const host = options.ip.includes(':') ? `[${options.ip}]` : options.ip;
  return {
    port: boundPort,
    url: `http://${host}:${boundPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The UI server's settings answer (Go field names, as the UI reads them); no auth, no codec. */
function settings(defaultNamespace: string): Record<string, unknown> {
  return {
    Auth: { Enabled: false, Options: [] },
    BannerText: '',
    DefaultNamespace: defaultNamespace,
    ShowTemporalSystemNamespace: false,
    FeedbackURL: '',
    NotifyOnNewVersion: false,
    Codec: { Endpoint: '', PassAccessToken: false, IncludeCredentials: false, DefaultErrorMessage: '', DefaultErrorLink: '' },
    Version: UI_VERSION,
    DisableWriteActions: false,
    WorkflowTerminateDisabled: false,
    WorkflowCancelDisabled: false,
    WorkflowSignalDisabled: false,
    WorkflowUpdateDisabled: false,
    WorkflowResetDisabled: true,
    BatchActionsDisabled: true,
    StartWorkflowDisabled: false,
    HideWorkflowQueryErrors: false,
    RefreshWorkflowCountsDisabled: false,
  };
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** Why a request from elsewhere is refused, or undefined for a same-origin one. */
function refuseForeign(request: IncomingMessage, ip: string): string | undefined {
  const host = (request.headers.host ?? '').toLowerCase();
  const hostName = host.replace(/:\d+$/, '');
  const bound = ip.includes(':') ? `[${ip}]` : ip;
  const wildcard = ip === '0.0.0.0' || ip === '::';
  const allowed = LOOPBACK_HOSTS.includes(bound) ? LOOPBACK_HOSTS : [bound];
  if (!wildcard && !allowed.includes(hostName)) return `Host "${host}" is not this server`;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) return `cross-origin ${request.method} from ${origin} refused`;
    if (request.headers['sec-fetch-site'] === 'cross-site') return `cross-site ${request.method} refused`;
  }
  return undefined;
}

async function serveStatic(directory: string, built: boolean, pathname: string, response: ServerResponse): Promise<void> {
  if (!built) {
    response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('The Temporal Web UI is not built here: run `npm run ui:build`. The HTTP API answers under /api/v1/.\n');
    return;
  }
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    relative = '/';
  }
  const file = path.resolve(directory, `.${relative}`);
  const inside = file.startsWith(directory + path.sep);
  const contentType = CONTENT_TYPES[path.extname(file)];
  const content = inside && contentType ? await fs.readFile(file).catch(() => undefined) : undefined;
  if (content) {
    response.writeHead(200, {
      'content-type': contentType,
      'content-length': content.length,
      // Built files under app/immutable carry a content hash in their names.
      'cache-control': relative.startsWith('/app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    response.end(content);
    return;
  }
  if (relative.startsWith('/app/')) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('not found\n');
    return;
  }
  // Every other path is a page of the single-page app.
  const index = await fs.readFile(path.join(directory, 'index.html'));
  response.writeHead(200, { 'content-type': CONTENT_TYPES['.html'], 'content-length': index.length, 'cache-control': 'no-cache' });
  response.end(index);
}
