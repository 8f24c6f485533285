/**
 * Three-way merges of the files forge builds from every module's contributions (src/config.ts, .env.example,
 * docker-compose.yml) entry by entry rather than line by line: an entry is a variable of .env.example, a
 * property of an object literal in config.ts, a key of the compose document. So a line the user adds at the end
 * of `envSchema` and the variables add-module appends there are two entries, not one overlapping edit. README.md
 * is merged the same way by section, so a section the user appends and one a new module brings are two entries.
 * Each returns undefined when a version does not parse; the caller then merges lines.
 */
import { createRequire } from 'node:module';
import { isMap, isNode, isScalar, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import { mergeText, type MergeOutcome, type Strategy } from './text-merge.js';

/** A text cut into entries that, joined, give the text back; each named by its key or its place. */
type Entry = { key: string; text: string };
type MergeEntry = (key: string, base: string, ours: string, theirs: string) => MergeOutcome;

/** Names repeated keys apart (`KEY`, `KEY#2`), so a file that sets one twice keeps both. */
function entries(list: Entry[]): Entry[] {
  const seen = new Map<string, number>();
  return list.map((e) => {
    const n = (seen.get(e.key) ?? 0) + 1;
    seen.set(e.key, n);
    return n === 1 ? e : { key: `${e.key}#${n}`, text: e.text };
  });
}

/**
 * The user's entries in the user's order: each one forge changed and the user did not is replaced, each both
 * changed (or both added) is merged (`mergeEntry`), each forge dropped goes if the user left it alone. Forge's
 * new entries are placed after the entry that precedes them in forge's order. One the user deleted stays deleted.
 */
function mergeEntries(
  base: Entry[],
  ours: Entry[],
  theirs: Entry[],
  mergeEntry: MergeEntry,
  join = (list: Entry[]) => list.map((e) => e.text).join(''),
): MergeOutcome {
  const [b, o, t] = [base, ours, theirs].map((list) => new Map(list.map((e) => [e.key, e.text])));
  let conflict = false;
  const result: Entry[] = [];
  for (const { key, text } of ours) {
    const [was, now] = [b?.get(key), t?.get(key)];
    if (now === was || text === now) result.push({ key, text });
    else if (text === was) {
      if (now !== undefined) result.push({ key, text: now });
    } else {
      // Both changed it, or both added it differently (then against an empty base, so they are marked).
      const merged = mergeEntry(key, was ?? '', text, now ?? '');
      conflict ||= merged.conflict;
      result.push({ key, text: merged.text });
    }
  }
  theirs.forEach(({ key, text }, i) => {
    if (o?.has(key) || b?.has(key)) return;
    const before = theirs.slice(0, i).reverse().find((p) => result.some((r) => r.key === p.key));
    result.splice(before ? result.findIndex((r) => r.key === before.key) + 1 : 0, 0, { key, text });
  });
  return { text: join(result), conflict };
}

const lineMerge = (strategy: Strategy): MergeEntry => (_key, base, ours, theirs) => mergeText(base, ours, theirs, strategy);

/** .env.example: an entry is a variable's line (`NAME=…` or `# NAME=…`) with the comment and blank lines above it. */
function envEntries(text: string): Entry[] {
  const list: Entry[] = [];
  let pending = '';
  for (const line of text.split(/(?<=\n)/)) {
    pending += line;
    const name = /^#?\s*([A-Za-z_]\w*)=/.exec(line)?.[1];
    if (name) {
      list.push({ key: name, text: pending });
      pending = '';
    }
  }
  if (pending) list.push({ key: '#end', text: pending });
  return entries(list);
}

export function mergeEnvFile(base: string, ours: string, theirs: string, strategy: Strategy): MergeOutcome {
  return mergeEntries(envEntries(base), envEntries(ours), envEntries(theirs), lineMerge(strategy));
}

/**
 * README.md: an entry is a section, from an ATX heading (`## Notes`) to the next; the text before the first
 * heading is one too. A section is keyed by its heading and the headings above it (`## Modules > ### auth`), so
 * two modules' `### Config keys` are apart, and a heading inside a fenced code block is not one.
 */
function markdownEntries(text: string): Entry[] {
  const list: Entry[] = [{ key: '#preamble', text: '' }];
  const path: string[] = [];
  let fence: string | undefined;
  for (const line of text.split(/(?<=\n)/)) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === undefined ? marker : undefined;
    }
    const heading = fence === undefined && marker === undefined ? /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*\n?$/.exec(line) : null;
    if (heading) {
      const level = (heading[1] as string).length;
      path.length = Math.min(path.length, level - 1);
      path[level - 1] = `${heading[1] as string} ${heading[2] as string}`;
      list.push({ key: path.filter(Boolean).join(' > '), text: line });
    } else (list.at(-1) as Entry).text += line;
  }
  return entries(list);
}

/**
 * Sections joined back as they were next to each other in the user's file or forge's; two that meet only in the
 * merge (forge's new section before the user's own) get a blank line between them, as Markdown wants.
 */
function joinSections(ours: Entry[], theirs: Entry[]) {
  const neighbours = new Set([ours, theirs].flatMap((list) => list.slice(1).map((e, i) => `${(list[i] as Entry).key}\0${e.key}`)));
  return (list: Entry[]) =>
    list
      .map((e, i) => {
        const next = list[i + 1];
        if (next === undefined || e.text === '' || neighbours.has(`${e.key}\0${next.key}`)) return e.text;
        const text = e.text.endsWith('\n') ? e.text : `${e.text}\n`;
        return text.endsWith('\n\n') ? text : `${text}\n`;
      })
      .join('');
}

export function mergeMarkdown(base: string, ours: string, theirs: string, strategy: Strategy): MergeOutcome | undefined {
  const [b, o, t] = [base, ours, theirs].map(markdownEntries) as [Entry[], Entry[], Entry[]];
  // A section forge changed whose heading the user edited (its body is still there): by section it would read as
  // deleted and forge's change would be lost without a word; lines merge it or mark it. A deleted one stays deleted.
  const [userKeys, forgeTexts] = [new Set(o.map((e) => e.key)), new Map(t.map((e) => [e.key, e.text]))];
  const body = (e: Entry) => e.text.slice(e.text.indexOf('\n') + 1);
  const renamed = (e: Entry) => !userKeys.has(e.key) && forgeTexts.get(e.key) !== e.text && body(e).trim() !== '' && ours.includes(body(e));
  if (b.some(renamed)) return undefined;
  return mergeEntries(b, o, t, lineMerge(strategy), joinSections(o, t));
}

type Ts = typeof import('ts-morph').ts;
let typescript: Ts | undefined;
/** The compiler's parser only (no project, no type checker), loaded the first time a config.ts needs merging. */
const ts = () => (typescript ??= (createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph')).ts);

/** Entries hold whole lines, so a conflict inside one is marked on lines of its own: past the end of a line
 * that holds nothing more than white space, back to the start of one that holds nothing before `at`. */
const lineEnd = (text: string, at: number) => {
  const end = text.indexOf('\n', at);
  return end >= 0 && text.slice(at, end).trim() === '' ? end + 1 : at;
};
const lineStart = (text: string, at: number) => {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  return text.slice(start, at).trim() === '' ? start : at;
};

/**
 * config.ts as entries: the code between object literals (keyed by the literal that follows it), and each
 * outermost object literal (`envSchema`'s, `renamedVariables`, what `loadConfig` returns, keyed by the
 * declaration holding it) whose own entries are its properties. Undefined when the file does not parse.
 */
function tsEntries(text: string): { entries: Entry[]; objects: Map<string, Entry[]> } | undefined {
  const { createSourceFile, ScriptTarget, isObjectLiteralExpression, isVariableDeclaration, isFunctionDeclaration, forEachChild } = ts();
  const file = createSourceFile('config.ts', text, ScriptTarget.Latest, true);
  if ((file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length) return undefined;
  const found: { key: string; node: import('ts-morph').ts.ObjectLiteralExpression }[] = [];
  const visit = (node: import('ts-morph').ts.Node): void => {
    if (!isObjectLiteralExpression(node)) return void forEachChild(node, visit);
    let holder: import('ts-morph').ts.Node = node;
    while (holder.parent && !isVariableDeclaration(holder) && !isFunctionDeclaration(holder)) holder = holder.parent;
    const name = (holder as { name?: { getText(): string } }).name?.getText() ?? 'object';
    found.push({ key: name, node });
  };
  visit(file);
  const keyed = entries(found.map((f) => ({ key: f.key, text: '' }))).map((e, i) => ({ key: e.key, node: (found[i] as (typeof found)[number]).node }));
  const list: Entry[] = [];
  const objects = new Map<string, Entry[]>();
  let at = 0;
  for (const { key, node } of keyed) {
    const open = lineEnd(text, node.getStart() + 1);
    const close = lineStart(text, node.end - 1);
    list.push({ key: `before ${key}`, text: text.slice(at, open) }, { key, text: text.slice(open, close) });
    const starts = node.properties.map((p) => Math.max(open, lineEnd(text, p.pos)));
    const inner: Entry[] = node.properties.map((p, i) => ({ key: p.name?.getText() ?? p.getText(), text: text.slice(starts[i], starts[i + 1] ?? close) }));
    objects.set(key, entries([{ key: '#start', text: text.slice(open, starts[0] ?? close) }, ...inner]));
    at = close;
  }
  list.push({ key: '#end', text: text.slice(at) });
  return { entries: list, objects };
}

export function mergeConfigTs(base: string, ours: string, theirs: string, strategy: Strategy): MergeOutcome | undefined {
  const [b, o, t] = [base, ours, theirs].map(tsEntries);
  if (!b || !o || !t) return undefined;
  return mergeEntries(b.entries, o.entries, t.entries, (key, was, mine, now) => {
    const [objectBase, objectOurs, objectTheirs] = [b, o, t].map((v) => v.objects.get(key));
    if (!objectBase || !objectOurs || !objectTheirs) return mergeText(was, mine, now, strategy);
    return mergeEntries(objectBase, objectOurs, objectTheirs, lineMerge(strategy));
  });
}

const canonical = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, canonical(x)])) : v;
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * docker-compose.yml: forge's changes since the last generation, key by key, applied to the user's YAML
 * document, whose comments, order and own keys stay. Undefined (merge lines instead, which can mark the
 * conflict) when a version does not parse, the user's text does not survive a round trip through the YAML
 * library unchanged, or both changed one value differently.
 */
export function mergeCompose(base: string, ours: string, theirs: string): MergeOutcome | undefined {
  const options = { version: '1.1' as const };
  const docs = [base, ours, theirs].map((text) => parseDocument(text, options));
  if (docs.some((d) => d.errors.length)) return undefined;
  const [b, o, t] = docs as [Document, Document, Document];
  // The document is written back whole: only when that gives the user's text back byte for byte is it safe.
  if (!isMap(o.contents) || o.toString({ lineWidth: 0 }) !== ours) return undefined;
  const apply = (path: string[], was: unknown, now: unknown): boolean => {
    if (same(was, now)) return true;
    const node: unknown = o.getIn(path, true);
    const mine = isNode(node) ? node.toJS(o) : node;
    // Into maps key by key, so the user's comments and keys inside them stay; values are replaced whole.
    if (isRecord(was) && isRecord(now) && isRecord(mine) && isMap(node)) {
      return keysOf(was, now).every((k) => {
        if (k in mine || k in was) return apply([...path, k], was[k], now[k]);
        insertInOrder(node, Object.keys(now), k, o.createPair(k, now[k]));
        return true;
      });
    }
    if (same(mine, was)) {
      if (now === undefined) o.deleteIn(path);
      else o.setIn(path, o.createNode(now));
      return true;
    }
    return same(mine, now);
  };
  if (!apply([], b.toJS(), t.toJS())) return undefined;
  return { text: o.toString({ lineWidth: 0 }), conflict: false };
}

/** A key forge added goes after the key that precedes it in forge's order, as in a fresh render. */
function insertInOrder(map: YAMLMap, order: string[], key: string, pair: Pair): void {
  const keyOf = (p: Pair) => String(isScalar(p.key) ? p.key.value : p.key);
  const before = order.slice(0, order.indexOf(key)).reverse().find((k) => map.items.some((p) => keyOf(p) === k));
  map.items.splice(before === undefined ? 0 : map.items.findIndex((p) => keyOf(p) === before) + 1, 0, pair);
}

const keysOf = (a: Record<string, unknown>, b: Record<string, unknown>) => [...new Set([...Object.keys(a), ...Object.keys(b)])];
