import type { Problem } from '../errors.js';
import type { Locate, Path } from './problems.js';
import type { ResourceRelation } from './resource-checks.js';
import type { FieldType, ResourceSpec } from './resource-schema.js';
import { didYouMean } from './suggest.js';

/*
 * What a resource says about how it is read: the relations `?expand=` may load, the fields that are write-only
 * (`sensitive`) or personal data, and the field that links a row to the person its personal data is about.
 */

/** Types that can hold an account's id (the subject of an access or erasure request). */
const subjectTypes: FieldType[] = ['uuid', 'string'];

export interface ReadingOptions {
  expandable: string[];
  /** The field that holds the id of the account a row is about. */
  subject?: string;
}

export function readingProblems(name: string, spec: ResourceSpec, relations: readonly ResourceRelation[], at: Locate): { options: ReadingOptions; problems: Problem[] } {
  const path: Path = ['resources', name];
  const problems: Problem[] = [];
  spec.expandable.forEach((relation, i) => {
    const declared = relations.find((r) => r.name === relation);
    if (declared === undefined) {
      const candidates = relations.filter((r) => r.type !== 'one_to_many').map((r) => r.name);
      problems.push(at([...path, 'expandable', i], `no relation '${relation}'${didYouMean(relation, candidates)}; expandable: ${candidates.join(', ') || 'none (declare relations first)'}`));
    } else if (declared.type === 'one_to_many') {
      problems.push(at([...path, 'expandable', i], `a one_to_many relation has no bound to expand within; list its rows with GET /${declared.target}?${declared.inverse ?? 'key'}=<id>`));
    }
    if (spec.expandable.indexOf(relation) !== i) problems.push(at([...path, 'expandable', i], `lists '${relation}' twice`));
  });
  const fields = Object.entries(spec.fields);
  for (const [field, f] of fields) {
    if (!f.sensitive) continue;
    for (const option of ['sortable', 'filterable', 'searchable'] as const) {
      const i = spec[option].indexOf(field);
      if (i >= 0) problems.push(at([...path, option, i], `'${field}' is sensitive (write-only): a list cannot be ${option.replace(/able$/, 'ed')} by it, or it would leak`));
    }
  }
  const personal = fields.filter(([, f]) => f.personal !== undefined);
  if (spec.subject !== undefined) {
    const subject = spec.fields[spec.subject];
    if (subject === undefined) problems.push(at([...path, 'subject'], `no field '${spec.subject}'${didYouMean(spec.subject, fields.map(([f]) => f))}; name the field that holds the id of the person's account`));
    else if (!subjectTypes.includes(subject.type)) problems.push(at([...path, 'subject'], `'${spec.subject}' is a ${subject.type} field; a subject holds an account id (${subjectTypes.join(' or ')})`));
    else if (subject.sensitive) problems.push(at([...path, 'subject'], `'${spec.subject}' is sensitive (write-only); the subject must be readable to export a person's rows`));
    if (spec.scope === 'global') problems.push(at([...path, 'subject'], "a global resource's rows belong to no tenant, and a person's data lives in a tenant: make it a tenant resource"));
  } else {
    for (const [field] of personal) {
      problems.push(at([...path, 'fields', field, 'personal'], `whose personal data? add \`subject: <field>\` to '${name}', naming a uuid field that holds the id of the person's account (e.g. \`user_id: { type: uuid }\`)`));
    }
  }
  return { options: { expandable: spec.expandable, ...(spec.subject === undefined ? {} : { subject: spec.subject }) }, problems };
}
