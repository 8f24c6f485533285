/*
 * Started by bench/observability.ts, once per variant, each in its own process (so one variant's async-context
 * hooks or JIT state never slow the other): `on` is the app with every installed module, `pino-http` the same
 * with the pino-http access log, `off` the app without the observability module (core's one-line access log,
 * no metrics).
 */
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createApp } from '../src/app.js';
import { createDataSource } from '../src/db/data-source.js';
import { modules } from '../src/modules.js';
import { benchConfig, type BenchVariant } from './observability-config.js';

async function start(name: BenchVariant): Promise<number> {
  const config = benchConfig(name);
  const selected = name === 'off' ? modules.filter((module) => module.name !== 'observability') : modules;
  const dataSource = createDataSource(config, selected);
  await dataSource.initialize();
  await dataSource.runMigrations();
  const instance = createApp({ config, dataSource, modules: selected });
  await instance.start();
  return listen(instance.app);
}

function listen(app: Express): Promise<number> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

process.send?.(await start((process.argv[2] ?? 'off') as BenchVariant));
// The bench asks for the CPU time this server has used, around each measurement.
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  process.send?.(user + system);
});
