import net from 'node:net';

/*
 * Tests talk to loopback only (the app under test, PostgreSQL, Redis, local fakes of remote services).
 * Any other outbound connection fails loudly instead of quietly depending on the internet.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '::ffff:127.0.0.1']);

function hostOf(args: unknown[]): string | undefined {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: unknown; path?: unknown };
    if (typeof options.path === 'string') return 'localhost';
    return typeof options.host === 'string' ? options.host : 'localhost';
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return 'localhost'; // a Unix socket path
  return typeof second === 'string' ? second : 'localhost';
}

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;

// eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound below with `apply`
const connect = net.Socket.prototype.connect as Connect;
const guardedConnect: Connect = function (...args) {
  const host = hostOf(args);
  if (host !== undefined && !LOOPBACK.has(host) && !host.startsWith('127.')) {
    throw new Error(`Tests may not connect to ${host}; point the client at a local fake instead`);
  }
  return connect.apply(this, args);
};
net.Socket.prototype.connect = guardedConnect;
