import { randomBytes } from 'node:crypto';
import { createServer, Socket } from 'node:net';
import { execa } from 'execa';

export const pgAdminUrl = process.env.FORGE_E2E_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const redisUrl = process.env.FORGE_E2E_REDIS ?? 'redis://127.0.0.1:6379';

/** In CI (or with FORGE_E2E_REQUIRE_SERVICES=1) an unreachable PostgreSQL or Redis fails the steps that need it. */
export const servicesRequired =
  process.env.FORGE_E2E_REQUIRE_SERVICES === '1' || !['', '0', 'false', undefined].includes(process.env.CI?.toLowerCase());

export function reachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(Number(port), hostname, () => finish(true));
  });
}

/** A throwaway PostgreSQL database; drop() removes it. */
export async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `forge_e2e_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(3).toString('hex')}`;
  await execa('psql', [pgAdminUrl, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${name}`]);
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await execa('psql', [pgAdminUrl, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { reject: false });
    },
  };
}

/**
 * A port to boot an app on, below the kernel's ephemeral range (32768-60999 on Linux). A port the kernel hands out
 * for port 0 can be handed out again at once to one of the thousands of test servers and client sockets the other
 * suites open, and an app of theirs answering /health on it would pass for ours.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
