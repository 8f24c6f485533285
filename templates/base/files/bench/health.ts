/*
 * `npm run bench`: /health throughput of the full app next to a bare Express 5 handler in the same run.
 * BENCH_SECONDS (default 5) bounds each measurement; BENCH_CONNECTIONS (default 50) sets the concurrency.
 */
import { fork } from 'node:child_process';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const GOAL = 0.6;

interface Ports {
  bare: number;
  app: number;
}

async function requestsPerSecond(port: number, duration: number): Promise<number> {
  const result = await autocannon({ url: `http://127.0.0.1:${String(port)}/health`, connections, duration });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`port ${String(port)}: ${String(result.non2xx)} non-2xx, ${String(result.errors)} errors`);
  return result.requests.average;
}

const servers = fork(new URL('./servers.ts', import.meta.url), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
try {
  const ports = await new Promise<Ports>((resolve, reject) => {
    servers.once('message', (message) => {
      resolve(message as Ports);
    });
    servers.once('exit', (code) => {
      reject(new Error(`bench servers exited with ${String(code)}`));
    });
  });
  // A short warm-up each, so the JIT has compiled both paths before anything is measured.
  await requestsPerSecond(ports.bare, 1);
  await requestsPerSecond(ports.app, 1);
  const bare = await requestsPerSecond(ports.bare, seconds);
  const app = await requestsPerSecond(ports.app, seconds);
  const ratio = app / bare;
  console.log(`bare Express 5 /health: ${bare.toFixed(0)} req/s`);
  console.log(`app /health (full core stack): ${app.toFixed(0)} req/s`);
  console.log(`ratio: ${(ratio * 100).toFixed(1)}% of bare (goal >= ${String(GOAL * 100)}%)`);
  process.exitCode = ratio >= GOAL ? 0 : 1;
} finally {
  servers.kill();
}
