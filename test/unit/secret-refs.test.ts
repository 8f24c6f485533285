/** A `${VAR}` in the manifest may not name a secret variable: config values are shown and sent, secrets never. */
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../src/generator/registry.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { manifestProblems } from './manifest-problems.js';

const registry = await loadRegistry();

const problemsOf = (text: string) => manifestProblems(text, registry);

const because = 'and config values are not secret (they end up in tokens, responses and logs, and e.g. an issuer becomes a token claim); name a variable of its own';

describe('config keys cannot read a secret variable', () => {
  it.each([
    ['jwt_issuer: ${APP_SECRET}', '${APP_SECRET} is a secret of module core'],
    ['jwt_audience: ${AUTH_JWT_SECRET}', '${AUTH_JWT_SECRET} is a secret of module auth'],
    ['jwt_issuer: ${POSTGRES_PASSWORD:-x}', "${POSTGRES_PASSWORD} is a secret of docker-compose's postgres service"],
    // A secret of a module the app does not even select is still a secret.
    ['jwt_issuer: ${METRICS_TOKEN}', '${METRICS_TOKEN} is a secret of module observability'],
  ])('%s', (line, expected) => {
    const key = line.slice(0, line.indexOf(':'));
    expect(problemsOf(`name: app\nmodules:\n  - name: auth\n    config:\n      ${line}\n`)).toEqual([`forge.yaml:5:${key.length + 9} modules[0].config.${key}: ${expected}, ${because}`]);
  });

  it('accepts a variable of its own, and a declared variable that is not secret', () => {
    const m = parseManifest('name: app\nmodules:\n  - name: auth\n    config:\n      jwt_issuer: ${ISSUER}\n      jwt_audience: ${AUTH_MAIL_FROM}\n', registry);
    expect(m.modules[0]?.envRefs).toEqual({ jwt_issuer: { env: 'ISSUER' }, jwt_audience: { env: 'AUTH_MAIL_FROM' } });
  });
});
