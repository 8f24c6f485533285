/*
 * `npm run bench:observability`: /health throughput of the app with the observability module (access log,
 * request context, HTTP metrics), the same with the pino-http access log, and without the module (core's
 * access log), each in its own server process, in one run. Logs are written (to /dev/null) at LOG_LEVEL
 * (default info) in every variant. The goal applies to the app as configured (`on`).
 * On a shared machine the load drifts by more than the cost measured, so each round measures every variant back
 * to back (on right after or right before off, alternately) and yields one cost per variant, 1 - its req/s /
 * off's in that round; the result is the median of the rounds. Each server's CPU time per request is reported
 * too: it depends much less on what else the machine runs than throughput does.
 * BENCH_SECONDS (default 3) per measurement, BENCH_ROUNDS (default 15), BENCH_CONNECTIONS (default 50).
 */
import { fork, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const MAX_COST = 0.15;

interface Measurement {
  rps: number;
  /** Server CPU time (user + system) per request, in microseconds. */
  cpuUs: number;
}

/** The value below which a share `q` of `values` lies (nearest rank). */
const quantile = (values: readonly number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))] ?? NaN;
const median = (values: readonly number[]) => quantile(values, 0.5);
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** Asks a server for its CPU time so far (user + system, microseconds). */
const cpuTime = (server: ChildProcess) =>
  new Promise<number>((resolve) => {
    server.once('message', (message) => {
      resolve(message as number);
    });
    server.send('cpu');
  });

async function measure(server: ChildProcess, port: number, duration: number): Promise<Measurement> {
  const cpuBefore = await cpuTime(server);
  const result = await autocannon({ url: `http://127.0.0.1:${String(port)}/health`, connections, duration });
  const cpuAfter = await cpuTime(server);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`port ${String(port)}: ${String(result.non2xx)} non-2xx, ${String(result.errors)} errors`);
  return { rps: result.requests.average, cpuUs: (cpuAfter - cpuBefore) / Math.max(result.requests.total, 1) };
}

const variants = ['off', 'on', 'pino-http'] as const;
const servers = variants.map((variant) =>
  fork(new URL('./observability-servers.ts', import.meta.url), [variant], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  }),
);
const portOf = (server: ChildProcess) =>
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
  // Warm-up: the JIT compiles every path before anything counts.
  for (const [i, port] of ports.entries()) await measure(servers[i] as ChildProcess, port, 2);
  const measured = variants.map((): Measurement[] => []);
  for (let round = 0; round < rounds; round++) {
    // off, on, pino-http, then the reverse: on and off always adjacent, each first in every other round.
    const order = round % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
    for (const i of order) measured[i]?.push(await measure(servers[i] as ChildProcess, ports[i] as number, seconds));
  }
  const [off = [], on = [], pinoHttp = []] = measured;
  const costs = (variant: Measurement[]) => variant.map((m, round) => 1 - m.rps / (off[round]?.rps ?? NaN));
  for (const [i, variant] of variants.entries()) {
    const runs = measured[i] ?? [];
    console.log(
      `${variant.padEnd(9)} /health: ${median(runs.map((m) => m.rps)).toFixed(0)} req/s, ${median(runs.map((m) => m.cpuUs)).toFixed(0)} µs CPU/request ` +
        `(rounds: ${runs.map((m) => m.rps.toFixed(0)).join(', ')})`,
    );
  }
  const onCosts = costs(on);
  const cost = median(onCosts);
  const cpuCost = median(on.map((m) => m.cpuUs)) / median(off.map((m) => m.cpuUs)) - 1;
  console.log(
    `cost of logging + metrics: ${percent(cost)} of throughput (goal <= ${percent(MAX_COST)}), median of ${String(rounds)} rounds, ` +
      `middle half ${percent(quantile(onCosts, 0.25))} to ${percent(quantile(onCosts, 0.75))} (rounds: ${onCosts.map(percent).join(', ')}); ` +
      `server CPU per request +${percent(cpuCost)}`,
  );
  console.log(`with pino-http: ${percent(median(costs(pinoHttp)))} of throughput`);
  process.exitCode = cost <= MAX_COST ? 0 : 1;
} finally {
  for (const server of servers) server.kill();
}
