/*
 * Run in its own process by tests/shutdown.test.ts: the app with a slow route, served the way src/main.ts serves
 * it, so the test can send a real SIGTERM while a request is in flight. Progress goes to stdout, one word a line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { defineRoute } from '../http/route.js';
import { exitGracefullyOnSignals } from '../lifecycle/shutdown.js';
import { startTestApp } from './test-app.js';

const SLOW_MS = 800;

const t = await startTestApp({
  modules: [
    {
      name: 'test_slow',
      setup: () => ({
        routes: [
          defineRoute({
            method: 'get',
            path: '/slow',
            public: true,
            summary: 'Answers after a while',
            responses: { 200: { description: 'Done' } },
            handler: async () => {
              process.stdout.write('in-flight\n');
              await sleep(SLOW_MS);
              return { done: true };
            },
          }),
        ],
      }),
    },
  ],
});
const server = t.app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${String((server.address() as AddressInfo).port)}\n`);
});
exitGracefullyOnSignals({
  server,
  logger: t.instance.context.logger,
  graceMs: 5_000,
  release: async () => {
    await t.close();
    process.stdout.write('released\n');
  },
});
// Registered after the shutdown handler, so it runs once the server has stopped accepting connections.
process.on('SIGTERM', () => {
  process.stdout.write('stopping\n');
});
