import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../testing/otlp-receiver.js';
import { moduleTestEnv } from '../../core/testing/test-config.js';

const appRoot = path.resolve(import.meta.dirname, '../../../..');

/** A loopback port free right now, for the app's PORT. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts src/main.ts as `npm start` would (through tsx), and resolves with its log lines once it listens. */
async function startMain(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; lines: Record<string, unknown>[] }> {
  const child = spawn(process.execPath, ['--import=tsx', 'src/main.ts'], {
    cwd: appRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`src/main.ts exited with ${String(code)} before listening`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      if (line.msg === 'listening') resolve();
    });
  });
  return { child, lines };
}

let receiver: OtlpReceiver | undefined;
let main: ChildProcess | undefined;
afterAll(async () => {
  main?.kill('SIGKILL');
  await receiver?.close();
});

describe('tracing from OTEL_EXPORTER_OTLP_ENDPOINT, through the real start-up', () => {
  // One retry: once in five CI runs of the whole matrix on this 2-core machine, under full load, no /health span
  // reached the receiver before exit (2026-11-29; not reproduced when quiet). A real break fails both tries.
  it(
    'when src/main.ts starts with the endpoint set, then it logs tracing on and exports its server spans by SIGTERM',
    { timeout: 60_000, retry: 1 },
    async () => {
      // A retry starts afresh.
      main?.kill('SIGKILL');
      await receiver?.close();
      receiver = await startOtlpReceiver();
      const port = await freePort();
      const started = await startMain({
        ...moduleTestEnv(),
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        APP_SECRET: randomBytes(32).toString('base64url'),
        ENCRYPTION_KEYS: `1:${randomBytes(32).toString('base64')}`,
        SQLITE_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'app-boot-')), 'boot.sqlite'),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_SERVICE_NAME: 'boot-test',
      });
      main = started.child;
      expect(started.lines.find((line) => line.msg === 'tracing on')).toMatchObject({
        endpoint: receiver.endpoint,
        serviceName: 'boot-test',
      });

      // No keep-alive: shutdown would wait its grace period for the idle connection.
      const status = await new Promise((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/health?token=boot-secret', agent: false }, (response) => {
          response.resume();
          resolve(response.statusCode);
        }).on('error', reject);
      });
      expect(status).toBe(200);
      const exited = new Promise((resolve) => main?.once('exit', resolve));
      main.kill('SIGTERM'); // graceful shutdown flushes the pending spans
      // Exit 0 is a shutdown that ran to its end, flush included; a forced exit would explain a missing span.
      expect(await exited).toBe(0);

      const server = receiver.spans.find((span) => span.kind === 2 && span.attributes['url.path'] === '/health');
      expect(
        server,
        `spans received: ${JSON.stringify(receiver.spans.map((span) => [span.name, span.kind]))}`,
      ).toMatchObject({ service: 'boot-test', attributes: { 'http.route': '/health' } });
      expect(JSON.stringify(receiver.spans)).not.toContain('boot-secret');
      const access = started.lines.find(
        (line) => line.msg === 'request' && (line.req as { path?: string } | undefined)?.path === '/health',
      );
      expect(access?.traceId).toBe(server?.traceId);
    },
  );
});
