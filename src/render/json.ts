import type { ReportModel } from '../types.js';

const INDENT = '  ';

/**
 * Pretty at the top, one line per list element: every event, finding, certificate...
 * is one line, so the file stays a third of the size of a fully indented one, diffs
 * read one change per line, and it is still plain JSON (key order = the model's).
 */
function write(value: unknown, depth: number, inList: boolean): string {
  if (value === null || typeof value !== 'object' || inList) return JSON.stringify(value) ?? 'null';
  const pad = INDENT.repeat(depth + 1);
  const end = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => pad + write(item, depth + 1, true)).join(',\n')}\n${end}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${write(v, depth + 1, false)}`).join(',\n')}\n${end}}`;
}

/** The JSON output is the report model itself. */
export async function renderJson(model: ReportModel): Promise<string> {
  return `${write(model, 0, false)}\n`;
}
