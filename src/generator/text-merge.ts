/**
 * Line-by-line three-way merge, the fallback of every other merge (merge.ts picks one per file, keyed-merge.ts
 * merges structured files entry by entry and each entry by lines). Its own file, so both import it and neither
 * imports the other: an import cycle between them made load order matter.
 */
import { diff3Merge } from 'node-diff3';

/** How overlapping edits are settled: markers for a person to resolve, or one side taken whole. */
export type Strategy = 'markers' | 'ours' | 'theirs';

export interface MergeOutcome {
  text: string;
  /** Overlapping edits were left for a person: conflict markers are in `text`. */
  conflict: boolean;
  /**
   * Where the file has no room for markers (JSON), the keys both changed differently, settled on the user's
   * value: named, so forge's new value is not dropped unseen. `dependencies.zod (forge: "^4.2.0")`.
   */
  keptYours?: string[];
}

/** The markers mergeText writes; a file still holding both is an unresolved conflict. */
export const CONFLICT_START = '<<<<<<< yours\n';
export const CONFLICT_END = '>>>>>>> forge\n';

export function hasConflictMarkers(text: string): boolean {
  const start = text.indexOf(CONFLICT_START);
  return (start === 0 || (start > 0 && text[start - 1] === '\n')) && text.includes(`\n${CONFLICT_END}`, start);
}

const lines = (text: string) => text.split(/(?<=\n)/);
const ensureNewline = (chunk: string[]) => {
  const text = chunk.join('');
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
};

/**
 * Three-way merge of a text file, line by line: `base` is what forge generated last time, `ours` the file as
 * the user has it, `theirs` the new render. Conflicts get git-style markers unless a strategy picks a side.
 */
export function mergeText(base: string, ours: string, theirs: string, strategy: Strategy = 'markers'): MergeOutcome {
  let conflict = false;
  const out: string[] = [];
  for (const region of diff3Merge(lines(ours), lines(base), lines(theirs), { excludeFalseConflicts: true })) {
    if (region.ok) {
      out.push(region.ok.join(''));
      continue;
    }
    const { a, b } = region.conflict as { a: string[]; b: string[] };
    if (strategy === 'ours') out.push(a.join(''));
    else if (strategy === 'theirs') out.push(b.join(''));
    else {
      conflict = true;
      out.push(`${CONFLICT_START}${ensureNewline(a)}=======\n${ensureNewline(b)}${CONFLICT_END}`);
    }
  }
  return { text: out.join(''), conflict };
}
