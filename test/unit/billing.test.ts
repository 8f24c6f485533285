/** The seed's billing manifest validates and generates, and its webhook secret stays in the environment. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { generate } from '../../src/generator/pipeline.js';
import { loadRegistry } from '../../src/generator/registry.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { readManifestText } from '../../src/manifest/load.js';
import { forgeRoot } from '../../src/paths.js';
import { manifestProblems } from './manifest-problems.js';

const registry = await loadRegistry();
const seedText = readManifestText(join(forgeRoot, 'examples', 'saas-billing.yaml'));

describe("billing's manifest config", () => {
  it('when the seed names the webhook secret as ${STRIPE_WEBHOOK_SECRET}, then the app reads it as a required secret', async () => {
    const { tree } = await generate(parseManifest(seedText, registry), seedText, registry);
    const config = tree.read('src/config.ts');
    expect(config).toContain('STRIPE_WEBHOOK_SECRET: z.string(),');
    expect(config).toContain('webhookSecret: env.STRIPE_WEBHOOK_SECRET,');
    expect(tree.read('.env.example')).toMatch(/\(required, secret\)\nSTRIPE_WEBHOOK_SECRET=\n/);
    // Only the test helper holds a webhook secret: the fake one the app's own tests sign with.
    const holders = [...tree.entries()].filter(([path, content]) => path.endsWith('.ts') && /'whsec_[^']*'/.test(content));
    expect(holders.map(([path]) => path).filter((path) => !path.includes('/tests/'))).toEqual([
      'src/modules/core/testing/test-config.ts',
    ]);
    expect(config).toContain("plans: [\n        {\n          id: 'free',");
  });

  it('when forge.yaml holds a webhook secret itself, or a default for it, then it is refused', () => {
    for (const value of ['whsec_abcdefabcdefabcdef', '${STRIPE_WEBHOOK_SECRET:-whsec_abcdefabcdefabcdef}']) {
      expect(manifestProblems(seedText.replace('${STRIPE_WEBHOOK_SECRET}', value), registry)).toEqual([
        expect.stringMatching(/modules\[1\]\.config\.webhook_secret: holds a secret, which is never written into forge\.yaml/),
      ]);
    }
  });

  it('when forge.yaml names no variable for the webhook secret, then BILLING_WEBHOOK_SECRET is a required secret written nowhere', async () => {
    const text = 'name: a\nmodules:\n  - name: billing\n';
    const { tree } = await generate(parseManifest(text, registry), text, registry);
    const config = tree.read('src/config.ts');
    expect(config).toContain('BILLING_WEBHOOK_SECRET: z.string(),');
    expect(config).toContain('webhookSecret: env.BILLING_WEBHOOK_SECRET,');
    expect(tree.read('.env.example')).toMatch(/\(required, secret\)\nBILLING_WEBHOOK_SECRET=\n/);
    expect(tree.read('docker-compose.yml')).not.toMatch(/BILLING_WEBHOOK_SECRET:-./);
  });

  it('when a plan has a price in floats or two plans are the default, then it is refused', () => {
    expect(manifestProblems(seedText.replace('amount: 2900', 'amount: 29.99'), registry)).toEqual([
      expect.stringMatching(/plans\.1\.amount|plans\[1\]\.amount/),
    ]);
    expect(manifestProblems(seedText.replace('limits:\n            seats: 25', 'limits:\n            seats: 25\n          default: true'), registry)).toEqual([
      expect.stringMatching(/at most one plan is the default/),
    ]);
  });
});
