import type { ReportModel } from '../types.js';

const INDENT = '  ';

/** One value on one line: every event, finding, certificate... of a list. */
function line(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/**
 * The JSON text in pieces: pretty at the top, one line per list element, so the file
 * stays a third of the size of a fully indented one, diffs read one change per line,
 * and it is still plain JSON (key order = the model's). Yielded piece by piece so a
 * month of events is never one string in memory.
 */
function* pieces(value: unknown, depth: number): Generator<string> {
  if (value === null || typeof value !== 'object') {
    yield line(value);
    return;
  }
  const pad = INDENT.repeat(depth + 1);
  const end = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[\n';
    for (let i = 0; i < value.length; i++) yield `${pad}${line(value[i])}${i < value.length - 1 ? ',' : ''}\n`;
    yield `${end}]`;
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [key, v] = entries[i];
    yield `${pad}${JSON.stringify(key)}: `;
    yield* pieces(v, depth + 1);
    yield i < entries.length - 1 ? ',\n' : '\n';
  }
  yield `${end}}`;
}

/** The JSON output is the report model itself, as pieces of text to write in order. */
export function* jsonPieces(model: ReportModel): Generator<string> {
  yield* pieces(model, 0);
  yield '\n';
}

/** The JSON output streamed (see `jsonPieces`). */
export async function renderJson(model: ReportModel): Promise<Iterable<string>> {
  return jsonPieces(model);
}

/** The whole JSON text at once (tests, small models). */
export function jsonText(model: ReportModel): string {
  return [...jsonPieces(model)].join('');
}
