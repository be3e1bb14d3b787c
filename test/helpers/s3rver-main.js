/**
 * Runs s3rver in a process of its own, for test/helpers/s3.ts. s3rver 3.7 (the last release)
 * encrypts ListObjectsV2 continuation tokens with DES, which Node's OpenSSL 3 only offers with
 * --openssl-legacy-provider; that flag is given to this process alone, not to the tests.
 * Prints {"port": N} once listening; stops on SIGTERM or when its parent's IPC channel closes.
 */
const S3rver = require('s3rver');

const [directory, verbose] = process.argv.slice(2);
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: verbose !== '1', directory });
server.run().then(
  ({ port }) => process.stdout.write(`${JSON.stringify({ port })}\n`),
  (err) => {
    process.stderr.write(`s3rver failed to start: ${err.stack}\n`);
    process.exit(1);
  },
);
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('disconnect', stop);
