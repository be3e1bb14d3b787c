/**
 * Command-line arguments of the devserver launcher. Besides its own flags it accepts everything
 * `temporal server start-dev` is given by @temporalio/testing (core's ephemeral-server code passes
 * `server start-dev --port --namespace --ip --log-format --log-level --dynamic-config-value ...
 * [--db-filename] [--ui-port | --headless]` plus `--search-attribute NAME=TYPE` and user extraArgs),
 * so this launcher can stand in for the `temporal` binary. Given a port as its first argument, it
 * stands in for Temporal's time-skipping test server instead, as @temporalio/testing's
 * `createTimeSkipping()` starts it (`<port> [extraArgs]`, readiness by connecting within 5 s): time
 * skipping on, locked at start unless `--enable-time-skipping` follows (the test server's own flag).
 * Unknown flags are warnings, never fatal.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'pretty' | 'json';

export interface SearchAttributeDeclaration {
  name: string;
  type: string;
}

export interface LauncherOptions {
  port: number;
  ip: string;
  dbFilename?: string;
  /** Extra namespaces to register; 'default' always exists. */
  namespaces: string[];
  logLevel: LogLevel;
  logFormat: LogFormat;
  dynamicConfig: Record<string, string>;
  searchAttributes: SearchAttributeDeclaration[];
  /** Web UI and HTTP API port; undefined with --headless. Defaults to the gRPC port + 1000 (8233), as the Temporal CLI's. */
  uiPort: number | undefined;
  /** Whether --ui-port was given (a default port that is taken falls back to a free one; a given one fails). */
  uiPortGiven: boolean;
  headless: boolean;
  /** Address the UI binds; default the gRPC --ip. */
  uiIp?: string;
  /** Serve the TestService on a virtual clock; 'locked' = skipping locked at start (the SDK's default). */
  timeSkipping: false | 'locked' | 'unlocked';
  help: boolean;
  /** Accepted-but-ignored or unknown arguments, one message each, for the caller to log. */
  warnings: string[];
  /** Flags we accept for compatibility but that change nothing here (no metrics, no SQLite...). */
  notes: string[];
}

/** A flag the launcher cannot honour as given (bad port, missing value); the launcher exits with status 2. */
export class LauncherArgsError extends Error {
  override name = 'LauncherArgsError';
}

interface FlagSpec {
  names: string[];
  value?: string;
  help: string;
  apply(options: LauncherOptions, value: string, flag: string): void;
}

const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];
const SEARCH_ATTRIBUTE_TYPES = ['Text', 'Keyword', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'];

const ignored = (what: string) => (options: LauncherOptions, _value: string, flag: string) => {
  options.notes.push(`${flag} is accepted for compatibility and ignored: ${what}`);
};

const FLAGS: FlagSpec[] = [
  { names: ['--port', '-p'], value: 'PORT', help: 'gRPC port (default 7233; 0 picks a free port)', apply: (o, v, f) => (o.port = parsePort(v, f)) },
  { names: ['--ip'], value: 'IP', help: 'address to bind (default 127.0.0.1)', apply: (o, v) => (o.ip = v) },
  { names: ['--db-filename', '-f'], value: 'FILE', help: 'durable state file; without it state lives in memory', apply: (o, v) => (o.dbFilename = v) },
  {
    names: ['--namespace', '-n'],
    value: 'NS',
    help: "namespace to register at start (repeatable); 'default' always exists",
    apply: (o, v, f) => {
      if (!v.trim()) throw new LauncherArgsError(`${f} needs a non-empty namespace name`);
      if (!o.namespaces.includes(v)) o.namespaces.push(v);
    },
  },
  {
    names: ['--log-level'],
    value: 'LEVEL',
    help: 'debug | info | warn | error (default info)',
    apply: (o, v, f) => {
      const level = v.toLowerCase() === 'warning' ? 'warn' : v.toLowerCase();
      if (LOG_LEVELS.includes(level as LogLevel)) o.logLevel = level as LogLevel;
      else o.warnings.push(`${f} '${v}' is not one of ${LOG_LEVELS.join(', ')}; keeping ${o.logLevel}`);
    },
  },
  {
    names: ['--log-format'],
    value: 'FORMAT',
    help: 'pretty | json (default pretty)',
    apply: (o, v, f) => {
      if (v === 'json') o.logFormat = 'json';
      else if (v === 'pretty' || v === 'text') o.logFormat = 'pretty';
      else o.warnings.push(`${f} '${v}' is not pretty or json; keeping ${o.logFormat}`);
    },
  },
  {
    names: ['--search-attribute'],
    value: 'NAME=TYPE',
    help: `declare a custom search attribute (repeatable); TYPE is one of ${SEARCH_ATTRIBUTE_TYPES.join(', ')}`,
    apply: (o, v, f) => {
      const [name, type] = splitPair(v, f);
      const canonical = SEARCH_ATTRIBUTE_TYPES.find((t) => t.toLowerCase() === type.toLowerCase());
      if (canonical) o.searchAttributes.push({ name, type: canonical });
      else o.warnings.push(`ignoring ${f} ${v}: type must be one of ${SEARCH_ATTRIBUTE_TYPES.join(', ')}`);
    },
  },
  {
    names: ['--dynamic-config-value'],
    value: 'KEY=VALUE',
    help: 'server dynamic config (repeatable); recorded, none changes this server',
    apply: (o, v, f) => {
      const [key, value] = splitPair(v, f);
      o.dynamicConfig[key] = value;
    },
  },
  {
    names: ['--time-skipping'],
    help: "run as Temporal's time-skipping test server (TestService, virtual clock), skipping locked at start",
    apply: (o) => {
      if (!o.timeSkipping) o.timeSkipping = 'locked';
    },
  },
  {
    names: ['--enable-time-skipping'],
    help: 'time-skipping test server with skipping unlocked at start (the Java test server flag)',
    apply: (o) => (o.timeSkipping = 'unlocked'),
  },
  { names: ['--headless'], help: 'serve no web UI (and no HTTP API)', apply: (o) => (o.headless = true) },
  {
    names: ['--ui-port'],
    value: 'PORT',
    help: 'web UI and HTTP API port (default: gRPC port + 1000, i.e. 8233; 0 picks a free port)',
    apply: (o, v, f) => {
      o.uiPort = parsePort(v, f);
      o.uiPortGiven = true;
    },
  },
  { names: ['--ui-ip'], value: 'IP', help: 'address the web UI binds (default: --ip)', apply: (o, v) => (o.uiIp = v) },
  { names: ['--ui-public-path', '--ui-asset-path', '--ui-codec-endpoint'], value: 'VALUE', help: 'ignored: the UI is served at / with no codec server', apply: ignored('the UI is served at / with no codec server') },
  { names: ['--http-port'], value: 'PORT', help: 'ignored: the HTTP API is served on the UI port', apply: ignored('the HTTP API is served on the UI port (/api/v1/...)') },
  { names: ['--metrics-port'], value: 'PORT', help: 'ignored: there is no metrics endpoint', apply: ignored('there is no metrics endpoint') },
  { names: ['--sqlite-pragma'], value: 'PRAGMA', help: 'ignored: state is a journal file, not SQLite', apply: ignored('state is a journal file, not SQLite') },
  { names: ['--help', '-h'], help: 'print this help and exit', apply: (o) => (o.help = true) },
];

const FLAGS_BY_NAME = new Map(FLAGS.flatMap((spec) => spec.names.map((name) => [name, spec] as const)));

export function parseLauncherArgs(argv: string[]): LauncherOptions {
  const options: LauncherOptions = {
    port: 7233,
    ip: '127.0.0.1',
    namespaces: [],
    logLevel: 'info',
    logFormat: 'pretty',
    dynamicConfig: {},
    searchAttributes: [],
    uiPort: undefined,
    uiPortGiven: false,
    headless: false,
    timeSkipping: false,
    help: false,
    warnings: [],
    notes: [],
  };
  let index = 0;
  let testServer = false;
  // `temporal server start-dev ...` is how the SDK's test environment invokes the binary.
  if (argv[0] === 'server' && argv[1] === 'start-dev') index = 2;
  else if (argv[0] === 'start-dev') index = 1;
  else if (argv[0] !== undefined && /^\d+$/.test(argv[0])) {
    // `<port> [flags]`: how the SDK starts its time-skipping test server.
    options.port = parsePort(argv[0], 'test server port');
    options.timeSkipping = 'locked';
    // The SDK passes its output through to the test run: keep start-up quiet unless asked.
    options.logLevel = 'warn';
    testServer = true;
    index = 1;
  }

  while (index < argv.length) {
    const arg = argv[index++];
    if (!arg.startsWith('-') || arg === '-' || arg === '--') {
      if (arg !== '--') options.warnings.push(`ignoring unexpected argument '${arg}'`);
      continue;
    }
    const equals = arg.indexOf('=');
    const flag = equals > 0 && arg.startsWith('--') ? arg.slice(0, equals) : arg;
    const inlineValue = equals > 0 && arg.startsWith('--') ? arg.slice(equals + 1) : undefined;
    const spec = FLAGS_BY_NAME.get(flag);
    if (!spec) {
      // Take the next word as the unknown flag's value unless it looks like a flag itself.
      const next = argv[index];
      const swallowed = inlineValue === undefined && next !== undefined && !next.startsWith('-') ? argv[index++] : undefined;
      options.warnings.push(`ignoring unknown flag ${flag}${swallowed !== undefined ? ` ${swallowed}` : ''}`);
      continue;
    }
    if (!spec.value) {
      if (inlineValue !== undefined && !/^(true|false)$/i.test(inlineValue)) {
        throw new LauncherArgsError(`${flag} takes no value; got '${inlineValue}'`);
      }
      if (inlineValue?.toLowerCase() !== 'false') spec.apply(options, '', flag);
      continue;
    }
    const value = inlineValue ?? argv[index++];
    if (value === undefined) throw new LauncherArgsError(`${flag} needs a value (${spec.value})`);
    spec.apply(options, value, flag);
  }
  // The SDK's test server has no web UI: serve one only when asked for with --ui-port.
  if (options.headless || (testServer && !options.uiPortGiven)) options.uiPort = undefined;
  else if (!options.uiPortGiven) options.uiPort = options.port === 0 || options.port + 1000 > 65535 ? 0 : options.port + 1000;
  return options;
}

export function launcherUsage(): string {
  const lines = [
    'Usage: npm run devserver -- [flags]',
    '       devserver/bin/temporal server start-dev [flags]',
    '       devserver/bin/temporal PORT [--enable-time-skipping] [flags]   (as the time-skipping test server)',
    '',
    'Runs the Temporal-compatible devserver until SIGINT or SIGTERM.',
    '',
    'Flags:',
  ];
  for (const spec of FLAGS) {
    const names = spec.names.join(', ') + (spec.value ? ` ${spec.value}` : '');
    lines.push(`  ${names.padEnd(44)} ${spec.help}`);
  }
  lines.push('', 'Unknown flags are ignored with a warning.');
  return lines.join('\n');
}

function parsePort(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new LauncherArgsError(`${flag} must be a port number 0-65535; got '${value}'`);
  return Number(value);
}

function splitPair(value: string, flag: string): [string, string] {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new LauncherArgsError(`${flag} expects KEY=VALUE; got '${value}'`);
  return [value.slice(0, equals), value.slice(equals + 1)];
}
