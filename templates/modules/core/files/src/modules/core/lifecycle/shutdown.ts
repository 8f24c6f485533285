import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

export interface ShutdownOptions {
  server: Server;
  logger: Logger;
  /** How long in-flight requests may take before their connections are cut. */
  graceMs: number;
  /** Releases everything else (hooks, Redis, database), after the server stopped. */
  release: () => Promise<void>;
}

/**
 * Keep-alive connections stay open after their response, so one whose request was in flight at shutdown would
 * hold the process until the client hung up or the grace period ended. Once shutdown starts, every response not
 * yet begun answers `Connection: close`, and Node closes its connection when it is sent. Returns the switch.
 */
function closeConnectionsAfterResponses(server: Server): () => void {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const askToClose = (response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('connection', 'close');
  };
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (closing) askToClose(response);
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });
  return () => {
    closing = true;
    inFlight.forEach(askToClose);
  };
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.closeAllConnections();
    }, graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    // Keep-alive connections with no request in flight would otherwise hold `close` open until they time out.
    server.closeIdleConnections();
  });
}

/**
 * On SIGTERM or SIGINT: stop accepting connections, let in-flight requests finish (up to `graceMs`), release
 * resources, exit 0. A second signal during shutdown exits at once with 1.
 */
export function exitGracefullyOnSignals({ server, logger, graceMs, release }: ShutdownOptions): void {
  let stopping = false;
  const closeConnections = closeConnectionsAfterResponses(server);
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    closeConnections();
    closeServer(server, graceMs)
      .then(release)
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
