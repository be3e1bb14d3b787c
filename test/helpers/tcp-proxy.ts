/**
 * A TCP proxy to a local server (PostgreSQL in the tests that use it) that can reset every
 * connection at once, as a network failure would. It counts the bytes each client sent and can
 * stop passing the server's bytes on once a client has sent a given text (the server's answer to
 * it, and everything after, then never arrives).
 */
import * as net from 'node:net';

export interface TcpProxyOptions {
  /** Once a client has sent this, its connection passes no more of the server's bytes on. */
  holdServerAfter?: string;
}

export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private server!: net.Server;
  port = 0;
  /** Largest number of bytes one client sent through one connection. */
  maxClientBytes = 0;

  constructor(private readonly targetPort: number, private readonly options: TcpProxyOptions = {}) {}

  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      this.sockets.add(client).add(upstream);
      let sent = 0;
      let holding = false;
      const { holdServerAfter } = this.options;
      client.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        this.maxClientBytes = Math.max(this.maxClientBytes, sent);
        if (holdServerAfter !== undefined && chunk.includes(holdServerAfter)) holding = true;
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        if (!holding) client.write(chunk);
      });
      const end = (): void => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      for (const socket of [client, upstream]) {
        socket.on('error', end);
        socket.on('close', end);
      }
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** Resets (RST) every open connection; returns how many sockets that was. */
  cutAll(): number {
    const n = this.sockets.size;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    return n;
  }

  async stop(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
