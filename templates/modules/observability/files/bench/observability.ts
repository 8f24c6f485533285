/*
 * `npm run bench:observability`: /health throughput of the app with the observability module (access log,
 * request context, HTTP metrics), the same with the pino-http access log, and without the module (core's
 * access log), in one run, rounds interleaved so drift hits all alike. Logs are written (to /dev/null) at
 * LOG_LEVEL (default info) in every variant. The goal applies to the app as configured (`on`).
 * BENCH_SECONDS (default 5) per measurement, BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 50).
 */
import { fork } from 'node:child_process';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const MAX_COST = 0.15;


async function requestsPerSecond(port: number, duration: number): Promise<number> {
  const result = await autocannon({ url: `http://127.0.0.1:${String(port)}/health`, connections, duration });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`port ${String(port)}: ${String(result.non2xx)} non-2xx, ${String(result.errors)} errors`);
  return result.requests.average;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const variants = ['off', 'on', 'pino-http'] as const;
const servers = variants.map((variant) =>
  fork(new URL('./observability-servers.ts', import.meta.url), [variant], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
);
const portOf = (server: (typeof servers)[number]) =>
  new Promise<number>((resolve, reject) => {
    server.once('message', (message) => {
      resolve(message as number);
    });
    server.once('exit', (code) => {
      reject(new Error(`bench server exited with ${String(code)}`));
    });
  });
try {
  const ports = await Promise.all(servers.map(portOf));
  for (const port of ports) await requestsPerSecond(port, 1);
  const runs = variants.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, port] of ports.entries()) runs[i]?.push(await requestsPerSecond(port, seconds));
  }
  const [off = 0, on = 0, pinoHttp = 0] = runs.map(median);
  for (const [i, variant] of variants.entries()) {
    const values = runs[i] ?? [];
    console.log(`${variant.padEnd(9)} /health: ${median(values).toFixed(0)} req/s (rounds: ${values.map((v) => v.toFixed(0)).join(', ')})`);
  }
  const cost = 1 - on / off;
  console.log(`cost of logging + metrics: ${(cost * 100).toFixed(1)}% of throughput (goal <= ${String(MAX_COST * 100)}%); with pino-http: ${((1 - pinoHttp / off) * 100).toFixed(1)}%`);
  process.exitCode = cost <= MAX_COST ? 0 : 1;
} finally {
  for (const server of servers) server.kill();
}
