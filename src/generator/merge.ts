import { mergeCompose, mergeConfigTs, mergeEnvFile, mergeMarkdown } from './keyed-merge.js';
import { mergeText, type MergeOutcome, type Strategy } from './text-merge.js';

export { CONFLICT_END, CONFLICT_START, hasConflictMarkers, mergeText, type MergeOutcome, type Strategy } from './text-merge.js';


type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Three-way merge of JSON objects key by key (package.json): forge's changes are applied to the user's object;
 * where both changed one key differently, the user's value stays (or forge's, with strategy 'theirs'). JSON has
 * no room for markers, so `settled` names each such key, with forge's value.
 */
export function mergeJson(base: Json, ours: Json, theirs: Json, strategy: Strategy = 'markers', at = ''): { value: Json; settled: string[] } {
  if (same(ours, base)) return { value: theirs, settled: [] };
  if (same(theirs, base) || same(ours, theirs)) return { value: ours, settled: [] };
  if (!isObject(base) || !isObject(ours) || !isObject(theirs)) {
    return { value: strategy === 'theirs' ? theirs : ours, settled: [`${at || '(the whole file)'} (forge: ${JSON.stringify(theirs)})`] };
  }
  const settled: string[] = [];
  const result: Record<string, Json> = {};
  let keys = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])];
  const theirKeys = Object.keys(theirs);
  // Keep forge's sorted sections (dependencies, scripts) sorted after the merge.
  if (theirKeys.every((k, i) => i === 0 || (theirKeys[i - 1] as string) < k)) keys = keys.sort();
  for (const key of keys) {
    const merged = mergeJson(base[key] ?? null, ours[key] ?? null, theirs[key] ?? null, strategy, at ? `${at}.${key}` : key);
    settled.push(...merged.settled);
    if (merged.value !== null || (key in ours && ours[key] === null)) result[key] = merged.value;
  }
  return { value: result, settled };
}

/** The files every module feeds, merged entry by entry (see keyed-merge.ts); README.md by section. */
const byEntry: Record<string, (base: string, ours: string, theirs: string, strategy: Strategy) => MergeOutcome | undefined> = {
  'src/config.ts': mergeConfigTs,
  '.env.example': mergeEnvFile,
  'docker-compose.yml': mergeCompose,
  'README.md': mergeMarkdown,
};

/** Merges a file by its kind: JSON key by key, structured files entry by entry, anything else line by line. */
export function mergeFile(path: string, base: string, ours: string, theirs: string, strategy: Strategy = 'markers'): MergeOutcome {
  const structured = byEntry[path]?.(base, ours, theirs, strategy);
  if (structured) return structured;
  if (path.endsWith('.json')) {
    try {
      const merged = mergeJson(JSON.parse(base) as Json, JSON.parse(ours) as Json, JSON.parse(theirs) as Json, strategy);
      const text = `${JSON.stringify(merged.value, null, 2)}\n`;
      return strategy === 'markers' && merged.settled.length ? { text, conflict: false, keptYours: merged.settled } : { text, conflict: false };
    } catch {
      // The user's file is not valid JSON any more: fall back to lines, which can still mark the conflict.
    }
  }
  return mergeText(base, ours, theirs, strategy);
}
