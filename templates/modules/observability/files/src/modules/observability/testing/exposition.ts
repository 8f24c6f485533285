/** One sample line of the Prometheus text format: `name{label="value",…} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

function parseValue(text: string, line: string): number {
  // Prometheus reads these case-insensitively (Go's ParseFloat); prom-client writes NaN as `Nan`.
  const special = text.toLowerCase();
  if (special === '+inf' || special === 'inf') return Infinity;
  if (special === '-inf') return -Infinity;
  if (special === 'nan') return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`exposition: bad value in ${line}`);
  return value;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  let end = 0;
  for (let match = LABEL.exec(text); match !== null; match = LABEL.exec(text)) {
    const [, name = '', raw = ''] = match;
    if (name in labels) throw new Error(`exposition: label ${name} twice in ${line}`);
    labels[name] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    end = LABEL.lastIndex;
  }
  if (end !== text.length) throw new Error(`exposition: malformed labels in ${line}`);
  return labels;
}

/**
 * A strict parser of the text exposition format (0.0.4): every line must be a comment, HELP, TYPE or a sample of
 * a family declared by TYPE before it; anything else throws. Keyed by family name.
 */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    const existing = families.get(name);
    if (existing !== undefined) return existing;
    const created: Family = { name, type: 'untyped', help: '', samples: [] };
    families.set(name, created);
    return created;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta !== null) {
      const [, kind, name = '', rest = ''] = meta;
      if (kind === 'HELP') family(name).help = rest;
      else if (['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) family(name).type = rest;
      else throw new Error(`exposition: unknown type in ${line}`);
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`exposition: malformed line ${line}`);
    const [, name = '', labels = '', value = ''] = match;
    const owner =
      families.get(name) ??
      SUFFIXES.map((suffix) => (name.endsWith(suffix) ? families.get(name.slice(0, -suffix.length)) : undefined)).find(
        Boolean,
      );
    if (owner === undefined) throw new Error(`exposition: sample ${name} has no TYPE line before it`);
    owner.samples.push({ name, labels: parseLabels(labels, line), value: parseValue(value, line) });
  }
  return families;
}
