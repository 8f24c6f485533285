/** tsLiteral prints values as Prettier prints them, so generated files pass the app's `prettier --check`. */
import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { tsLiteral } from '../../src/generator/escape.js';

const options = { parser: 'typescript', singleQuote: true, printWidth: 120 } as const;
const plan = (id: string) => ({ id, name: id.toUpperCase(), amount: 2900, features: ['reports.export'], limits: { seats: 10 } });
const values: [string, unknown][] = [
  ['a short list', ['a', "it's", 'b"c']],
  ['an empty object and list', { a: {}, b: [] }],
  ['one object in a list', [{ id: 'free', limits: {} }]],
  ['objects that always break', [{ a: 1, b: 2 }, { a: 3, b: 4 }]],
  ['long plans', [plan('free'), plan('pro')]],
  ['a line too long', { description: 'x'.repeat(90), other: 'y'.repeat(30), 'quoted-key': [1, 2, 3] }],
  ['nested long values', { plans: [plan('free'), plan('pro'), plan('enterprise')], tags: Array.from({ length: 30 }, (_, i) => `tag-${String(i)}`) }],
];

describe('tsLiteral', () => {
  it.each(values)('when %s sits in a config section, then it is what Prettier prints', async (_name, value) => {
    const prefix = '      key: ';
    const text = `export const config = {\n  core: {\n    section: {\n${prefix}${tsLiteral(value, { indent: 6, column: prefix.length })},\n    },\n  },\n};\n`;
    expect(text).toBe(await format(text, options));
  });

  it('when no layout is given, then it is one line whatever its length', () => {
    expect(tsLiteral([plan('free'), plan('pro')])).not.toContain('\n');
    expect(tsLiteral({ a: ['x', 1, true, null] })).toBe("{ a: ['x', 1, true, null] }");
  });

  it('when a narrower width is given, then it breaks where that width ends', () => {
    // 14 characters and the comma after them.
    expect(tsLiteral(['abc', 'def'], { indent: 0, column: 0, width: 14 })).toBe("[\n  'abc',\n  'def',\n]");
    expect(tsLiteral(['abc', 'def'], { indent: 0, column: 0, width: 15 })).toBe("['abc', 'def']");
  });
});
