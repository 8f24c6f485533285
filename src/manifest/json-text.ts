/**
 * JSON as Prettier prints it (printWidth 120): objects one key per line, an array of plain values on one line
 * when it fits (its key and the comma after it included), else one item per line. So a generated JSON file needs
 * no formatting pass of its own, and `prettier --check` finds nothing to change.
 */
export function prettierJson(value: unknown, printWidth = 120): string {
  return `${print(value, '', '', ',', printWidth)}\n`;
}

function print(value: unknown, indent: string, prefix: string, suffix: string, width: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const plain = value.every((v) => v === null || typeof v !== 'object');
    const flat = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    if (plain && indent.length + prefix.length + flat.length + suffix.length <= width) return flat;
    const inner = `${indent}  `;
    return `[\n${value.map((v, i) => `${inner}${print(v, inner, '', i < value.length - 1 ? ',' : '', width)}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const lines = entries.map(([k, v], i) => {
      const key = `${JSON.stringify(k)}: `;
      return `${inner}${key}${print(v, inner, key, i < entries.length - 1 ? ',' : '', width)}`;
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
