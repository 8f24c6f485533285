import { describe, expect, it } from 'vitest';
import { benchConfig } from '../../../../bench/observability-config.js';
import { renamedVariables } from '../../../config.js';

// The variable this app reads the access_log key from: the manifest may have renamed it with `${VAR}`.
const ACCESS_LOG = renamedVariables.OBSERVABILITY_ACCESS_LOG ?? 'OBSERVABILITY_ACCESS_LOG';

describe('npm run bench:observability variants', () => {
  it('when the pino-http variant runs, then its access log is pino-http whatever the environment says', () => {
    expect(benchConfig('pino-http', { [ACCESS_LOG]: 'compact' }).observability.accessLog).toBe('pino-http');
  });

  it('when the on variant runs, then it measures the access log the app is configured with', () => {
    expect(benchConfig('on', { [ACCESS_LOG]: 'pino-http' }).observability.accessLog).toBe('pino-http');
    expect(benchConfig('on', { [ACCESS_LOG]: 'compact' }).observability.accessLog).toBe('compact');
  });
});
