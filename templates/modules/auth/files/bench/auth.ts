/*
 * `npm run bench:auth`: in one run, against the same app, /health (unauthenticated), a guarded route (token
 * verification + revocation check + permission + tenant scope), GET /auth/me (the same plus a database read)
 * and POST /auth/login (Argon2id dominates). /health and the guarded route alternate for BENCH_ROUNDS rounds
 * (default 5) of BENCH_SECONDS each (default 3); the ratio is the median of each round's pair, so a machine that
 * slows down mid-run skews one pair, not the verdict. BENCH_CONNECTIONS (default 50).
 */
import { fork } from 'node:child_process';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const GOAL = 0.7;

interface Fixture {
  port: number;
  email: string;
  password: string;
  accessToken: string;
  tenantId: string;
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
}

async function measure(options: autocannon.Options): Promise<Measured> {
  const result = await autocannon(options);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${options.url}: ${String(result.non2xx)} non-2xx, ${String(result.errors)} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const servers = fork(new URL('./auth-servers.ts', import.meta.url), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
try {
  const fixture = await new Promise<Fixture>((resolve, reject) => {
    servers.once('message', (message) => {
      resolve(message as Fixture);
    });
    servers.once('exit', (code) => {
      reject(new Error(`bench server exited with ${String(code)}`));
    });
  });
  const base = `http://127.0.0.1:${String(fixture.port)}`;
  const authed = { authorization: `Bearer ${fixture.accessToken}`, 'x-tenant-id': fixture.tenantId };
  const health = { url: `${base}/health`, connections };
  const whoami = { url: `${base}/bench/whoami`, connections, headers: authed };
  const me = { url: `${base}/auth/me`, connections, headers: authed };
  const loginBody = JSON.stringify({ email: fixture.email, password: fixture.password, tenant: fixture.tenantId });
  const login = {
    url: `${base}/auth/login`,
    method: 'POST' as const,
    connections: Math.min(connections, 8),
    headers: { 'content-type': 'application/json' },
    body: loginBody,
  };

  for (const warmUp of [health, whoami, me]) await measure({ ...warmUp, duration: 1 });
  const pairs: { health: Measured; whoami: Measured }[] = [];
  for (let round = 0; round < rounds; round++) {
    pairs.push({
      health: await measure({ ...health, duration: seconds }),
      whoami: await measure({ ...whoami, duration: seconds }),
    });
  }
  const results = {
    me: await measure({ ...me, duration: seconds }),
    login: await measure({ ...login, duration: seconds }),
  };
  const line = (name: string, r: Measured) =>
    `${name}: ${r.rps.toFixed(0)} req/s (p50 ${String(r.p50)} ms, p99 ${String(r.p99)} ms)`;
  const ratios = pairs.map((pair) => pair.whoami.rps / pair.health.rps);
  const middle =
    [...pairs.keys()].sort((a, b) => (ratios[a] ?? 0) - (ratios[b] ?? 0))[Math.floor(pairs.length / 2)] ?? 0;
  const median = pairs[middle];
  if (median === undefined) throw new Error('BENCH_ROUNDS must be at least 1');
  console.log(line('GET /health (unauthenticated, median round)', median.health));
  console.log(line('GET /bench/whoami (token + permission + tenant, median round)', median.whoami));
  console.log(line('GET /auth/me (the same + a database read)', results.me));
  console.log(line(`POST /auth/login (Argon2id, ${String(login.connections)} connections)`, results.login));
  const ratio = ratios[middle] ?? 0;
  console.log(`authenticated / unauthenticated per round: ${ratios.map((r) => `${(r * 100).toFixed(1)}%`).join(', ')}`);
  console.log(
    `authenticated / unauthenticated (median of ${String(rounds)} rounds): ${(ratio * 100).toFixed(1)}% (goal >= ${String(GOAL * 100)}%)`,
  );
  process.exitCode = ratio >= GOAL ? 0 : 1;
} finally {
  servers.kill();
}
