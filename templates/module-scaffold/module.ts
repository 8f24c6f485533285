import { defineModule, moduleContractVersion } from 'platform-forge/module';
import { z } from 'zod';

/**
 * The __name__ module's descriptor: what forge needs to know before it writes the module into an app. Its files
 * are in files/ (mirroring where they land in the app), its README section in readme.md.hbs.
 */
export default defineModule({
  name: '__name__',
  contract: moduleContractVersion,
  summary: '__title__: items each tenant keeps (say here what the module offers)',
  tier: 'core',
  status: 'implemented',
  dependsOn: ['core'],
  config: z
    .object({
      max_title_length: z
        .number()
        .int()
        .min(1)
        .max(500)
        .default(200)
        .describe('Longest title an item may have, in characters'),
    })
    .strict(),
  tables: ['__name___items'],
});
