import { Writable } from 'node:stream';
import type { Express } from 'express';
import request from 'supertest';
import { createLogger, type AppModule, type Logger } from '../../core/index.js';
import { testConfig } from '../../core/testing/test-config.js';
import { modules as installedModules } from '../../../modules.js';
import { parseExposition, type Family } from './exposition.js';

const SCRAPE_TOKEN = 'scraper-token-for-tests-0123456789';
/** Env for an app that `scrape` may read whatever the manifest's allowlist says. */
export const SCRAPER_ENV = { METRICS_TOKEN: SCRAPE_TOKEN };

/** Reads /metrics as Prometheus would (with the token of SCRAPER_ENV) and parses it; a malformed line fails. */
export async function scrape(app: Express): Promise<Map<string, Family>> {
  const response = await request(app).get('/metrics').set('Authorization', `Bearer ${SCRAPE_TOKEN}`).expect(200);
  if (!String(response.headers['content-type']).startsWith('text/plain')) throw new Error('/metrics is not text/plain');
  return parseExposition(response.text);
}

export interface CapturedLogs {
  logger: Logger;
  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[];
  /** Every line as written, for "this secret never appears" checks. */
  text(): string;
}

/** The app's real logger (redaction, mixins of every module) writing into memory at `env` (LOG_LEVEL info unless set). */
export function captureLogs(
  modules: readonly AppModule[] = installedModules,
  env: Record<string, string> = {},
): CapturedLogs {
  let written = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  const logger = createLogger(testConfig({ LOG_LEVEL: 'info', ...env }), modules, sink);
  return {
    logger,
    lines: () =>
      written
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => written,
  };
}
