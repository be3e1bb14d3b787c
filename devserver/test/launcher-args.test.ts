/** Unit tests of the launcher's argument parsing, including the exact argument list the SDK's test environment passes. */
import { launcherUsage, LauncherArgsError, parseLauncherArgs } from '../src/cli/args';

describe('parseLauncherArgs', () => {
  test('defaults: port 7233 on 127.0.0.1, in memory, no extra namespaces', () => {
    const options = parseLauncherArgs([]);
    expect(options.dbFilename).toBeUndefined();
    expect(options).toMatchObject({ port: 7233, ip: '127.0.0.1', namespaces: [], logLevel: 'info', logFormat: 'pretty', help: false });
    expect(options.warnings).toEqual([]);
  });

  test('without a time-skipping flag or a leading port, time skipping is off', () => {
    expect(parseLauncherArgs(['server', 'start-dev', '--port', '7']).timeSkipping).toBe(false);
  });

  test('the argument list core builds for the time-skipping test server: `<port> [extraArgs]`', () => {
    // As built in sdk-core's ephemeral_server/mod.rs (TestServerConfig::start_server_with_output).
    expect(parseLauncherArgs(['41235'])).toMatchObject({ port: 41235, timeSkipping: 'locked', logLevel: 'warn', uiPort: undefined, warnings: [] });
    expect(parseLauncherArgs(['41235', '--ui-port', '0']).uiPort).toBe(0);
    // The Java test server's one flag starts with time skipping unlocked.
    expect(parseLauncherArgs(['41235', '--enable-time-skipping'])).toMatchObject({ port: 41235, timeSkipping: 'unlocked', warnings: [] });
    expect(parseLauncherArgs(['--time-skipping', '--port', '0'])).toMatchObject({ port: 0, timeSkipping: 'locked' });
    expect(() => parseLauncherArgs(['70000'])).toThrow("test server port must be a port number 0-65535; got '70000'");
  });

  test('own flags, both spellings', () => {
    const options = parseLauncherArgs(['--port', '0', '--ip=0.0.0.0', '-f', '/tmp/state.jsonl', '--namespace', 'a', '-n', 'b', '--namespace=a']);
    expect(options.port).toBe(0);
    expect(options.ip).toBe('0.0.0.0');
    expect(options.dbFilename).toBe('/tmp/state.jsonl');
    expect(options.namespaces).toEqual(['a', 'b']);
  });

  test('the argument list core ephemeral-server code builds for `temporal server start-dev`', () => {
    // As built in sdk-core's ephemeral_server/mod.rs (TemporalDevServerConfig::start_server_with_output),
    // with TestWorkflowEnvironment.createLocal's --search-attribute extra args appended.
    const options = parseLauncherArgs([
      'server', 'start-dev',
      '--port', '41234',
      '--namespace', 'default',
      '--ip', '127.0.0.1',
      '--log-format', 'pretty',
      '--log-level', 'warn',
      '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
      '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
      '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
      '--db-filename', '/tmp/x.db',
      '--headless',
      '--search-attribute', 'CustomerId=Keyword',
      '--search-attribute', 'Amount=double',
    ]);
    expect(options.port).toBe(41234);
    expect(options.namespaces).toEqual(['default']);
    expect(options.logLevel).toBe('warn');
    expect(options.dbFilename).toBe('/tmp/x.db');
    expect(options.dynamicConfig).toEqual({
      'frontend.enableServerVersionCheck': 'false',
      'frontend.enableUpdateWorkflowExecution': 'true',
      'frontend.enableUpdateWorkflowExecutionAsyncAccepted': 'true',
    });
    expect(options.searchAttributes).toEqual([
      { name: 'CustomerId', type: 'Keyword' },
      { name: 'Amount', type: 'Double' },
    ]);
    expect(options.warnings).toEqual([]);
  });

  test('unknown flags and stray words are warnings, and an unknown flag takes its value with it', () => {
    const options = parseLauncherArgs(['--color', 'never', '--verbose', '--port', '1', 'stray', '--tls-cert=/x']);
    expect(options.port).toBe(1);
    expect(options.warnings).toEqual([
      'ignoring unknown flag --color never',
      'ignoring unknown flag --verbose',
      "ignoring unexpected argument 'stray'",
      'ignoring unknown flag --tls-cert',
    ]);
  });

  test('metrics flags are accepted and noted as having no effect', () => {
    const options = parseLauncherArgs(['--metrics-port', '9000', '--http-port', '7243']);
    expect(options.warnings).toEqual([]);
    expect(options.notes).toEqual([
      '--metrics-port is accepted for compatibility and ignored: there is no metrics endpoint',
      '--http-port is accepted for compatibility and ignored: the HTTP API is served on the UI port (/api/v1/...)',
    ]);
  });

  test('the web UI: gRPC port + 1000 by default (a taken default falls back), --ui-port, --ui-ip, off with --headless', () => {
    expect(parseLauncherArgs([])).toMatchObject({ uiPort: 8233, uiPortGiven: false, headless: false });
    expect(parseLauncherArgs(['--port', '7000'])).toMatchObject({ uiPort: 8000, uiPortGiven: false });
    expect(parseLauncherArgs(['--port', '0'])).toMatchObject({ uiPort: 0 });
    expect(parseLauncherArgs(['--port', '65000'])).toMatchObject({ uiPort: 0 });
    expect(parseLauncherArgs(['--ui-port', '9999', '--ui-ip', '0.0.0.0'])).toMatchObject({ uiPort: 9999, uiPortGiven: true, uiIp: '0.0.0.0' });
    expect(parseLauncherArgs(['--ui-port', '9999', '--headless'])).toMatchObject({ uiPort: undefined, headless: true });
  });

  test('bad values of tolerant flags keep the default with a warning', () => {
    const options = parseLauncherArgs(['--log-level', 'loud', '--log-format', 'xml', '--search-attribute', 'X=Blob']);
    expect(options.logLevel).toBe('info');
    expect(options.logFormat).toBe('pretty');
    expect(options.searchAttributes).toEqual([]);
    expect(options.warnings).toEqual([
      "--log-level 'loud' is not one of debug, info, warn, error; keeping info",
      "--log-format 'xml' is not pretty or json; keeping pretty",
      'ignoring --search-attribute X=Blob: type must be one of Text, Keyword, Int, Double, Bool, Datetime, KeywordList',
    ]);
  });

  test.each([
    [['--port', 'abc'], "--port must be a port number 0-65535; got 'abc'"],
    [['--port', '70000'], "--port must be a port number 0-65535; got '70000'"],
    [['--db-filename'], '--db-filename needs a value (FILE)'],
    [['--headless=yes'], "--headless takes no value; got 'yes'"],
    [['--dynamic-config-value', 'novalue'], "--dynamic-config-value expects KEY=VALUE; got 'novalue'"],
  ])('%j fails with a message naming the flag', (argv, message) => {
    expect(() => parseLauncherArgs(argv)).toThrow(new LauncherArgsError(message));
  });

  test('--help sets help and the usage lists every flag', () => {
    expect(parseLauncherArgs(['--help']).help).toBe(true);
    expect(parseLauncherArgs(['-h']).help).toBe(true);
    const usage = launcherUsage();
    for (const flag of ['--port', '--ip', '--db-filename', '--namespace', '--log-level', '--log-format', '--search-attribute', '--dynamic-config-value', '--headless', '--ui-port']) {
      expect(usage).toContain(flag);
    }
  });
});
