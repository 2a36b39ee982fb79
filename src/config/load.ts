/**
 * Loading the audit configuration: find the file, parse JSON or YAML, validate it
 * against `schemas/config.schema.json`, then fill in the defaults. Any problem is one
 * ConfigError line naming the file, the key and what is expected.
 */
import { readFile, access } from 'node:fs/promises';
import { extname, isAbsolute, resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { IANAZone, DateTime } from 'luxon';
import { UsageError, oneLine } from '../errors.js';
import type { AuditConfig, Suppression, Weekday } from './types.js';
import { repeatedJsonKey } from './json-keys.js';

export class ConfigError extends UsageError {}

/** Looked for in the working directory, in this order, when `--config` is not given. */
export const DEFAULT_CONFIG_FILES = ['iot-audit.config.json', 'iot-audit.config.yaml', 'iot-audit.config.yml'];

const SCHEMA_URL = new URL('../../schemas/config.schema.json', import.meta.url);

export function defaultConfig(): AuditConfig {
  return {
    file: null,
    rules: {},
    changeWindow: { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], hours: { from: '08:00', to: '18:00' }, timeZone: null },
    allowLists: { policyChanges: [], certificateChanges: [], otherChanges: [] },
    suppressions: [],
  };
}

let validator: Promise<ValidateFunction> | null = null;

function compileSchema(): Promise<ValidateFunction> {
  // Ajv and the YAML parser load only when there is a config file to read.
  validator ??= Promise.all([readFile(SCHEMA_URL, 'utf8'), import('ajv')]).then(([text, { Ajv }]) => {
    const ajv = new Ajv({ allErrors: false, verbose: true, strict: true });
    // Annotations the error messages use; not validation keywords.
    ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
    ajv.addKeyword({ keyword: 'x-unknown-key', schemaType: 'string' });
    return ajv.compile(JSON.parse(text) as object);
  });
  return validator;
}

/** Keys and indexes as messages write them: `rules.denied-burst.threshold`, `suppressions[0].reason`. */
function pathText(parts: readonly (string | number)[]): string {
  let out = '';
  for (const part of parts) out += /^\d+$/.test(String(part)) ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(top level)' : out;
}

/** `/rules/denied-burst/threshold` → `rules.denied-burst.threshold`; `/suppressions/0/reason` → `suppressions[0].reason`. */
function jsonPath(pointer: string, extra?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return pathText(parts);
}

const TYPE_NAMES: Record<string, string> = {
  object: 'an object (key: value pairs)',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
};

function describeError(error: ErrorObject): string {
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const expected = typeof schema['x-expected'] === 'string' ? schema['x-expected'] : null;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const what = typeof schema['x-unknown-key'] === 'string' ? schema['x-unknown-key'] : 'unknown key';
      const allowed = Object.keys((schema.properties as object | undefined) ?? {}).filter((k) => k !== '$schema');
      const hint = typeof schema['x-unknown-key'] === 'string' ? '' : `; expected one of: ${allowed.join(', ')}`;
      return `${jsonPath(error.instancePath, key)}: ${what}${hint}`;
    }
    case 'required':
      return `${jsonPath(error.instancePath, String(params.missingProperty))}: missing, it is required`;
    case 'enum':
      return `${jsonPath(error.instancePath)}: expected ${expected ?? `one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`}`;
    case 'type':
      return `${jsonPath(error.instancePath)}: expected ${TYPE_NAMES[String(params.type)] ?? String(params.type)}`;
    case 'pattern':
      return `${jsonPath(error.instancePath)}: expected ${expected ?? `a value matching ${String(params.pattern)}`}`;
    case 'minLength':
      return `${jsonPath(error.instancePath)}: expected a non-empty string`;
    case 'minimum':
    case 'maximum':
      return `${jsonPath(error.instancePath)}: expected a number ${error.keyword === 'minimum' ? '>=' : '<='} ${String(params.limit)}`;
    case 'uniqueItems':
      return `${jsonPath(error.instancePath)}: expected no duplicates`;
    default:
      return `${jsonPath(error.instancePath)}: ${error.message ?? 'invalid value'}`;
  }
}

type RawConfig = {
  rules?: AuditConfig['rules'];
  changeWindow?: { days?: Weekday[]; hours?: { from: string; to: string }; timeZone?: string };
  allowLists?: Partial<AuditConfig['allowLists']>;
  suppressions?: (Omit<Suppression, 'expires'> & { expires?: string })[];
};

function isRealDate(value: string): boolean {
  return DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

/** Checks the schema cannot express; returns the first problem. */
function semanticProblem(raw: RawConfig): string | null {
  const window = raw.changeWindow;
  if (window?.timeZone !== undefined && !IANAZone.isValidZone(window.timeZone)) {
    return `changeWindow.timeZone: expected an IANA time zone such as "Europe/Paris", got ${JSON.stringify(window.timeZone)}`;
  }
  if (window?.hours && window.hours.from === window.hours.to) {
    return 'changeWindow.hours: from and to must differ (use 00:00 to 24:00 for the whole day)';
  }
  if (window?.days && window.days.length === 0) return 'changeWindow.days: expected at least one day';
  for (const [i, s] of (raw.suppressions ?? []).entries()) {
    if (s.expires !== undefined && !isRealDate(s.expires)) return `suppressions[${i}].expires: ${JSON.stringify(s.expires)} is not a real date`;
  }
  return null;
}

/** Validates a parsed configuration and fills in the defaults. `label` names the file in errors. */
export async function validateConfig(raw: unknown, label: string | null): Promise<AuditConfig> {
  const where = label ?? 'configuration';
  const value = raw === null || raw === undefined ? {} : raw;
  const validate = await compileSchema();
  if (!validate(value)) {
    const error = validate.errors?.[0];
    throw new ConfigError(`${where}: ${error ? describeError(error) : 'invalid configuration'}`);
  }
  const config = value as RawConfig;
  const problem = semanticProblem(config);
  if (problem) throw new ConfigError(`${where}: ${problem}`);
  const defaults = defaultConfig();
  return {
    file: label,
    rules: config.rules ?? {},
    changeWindow: {
      days: config.changeWindow?.days ?? defaults.changeWindow.days,
      hours: config.changeWindow?.hours ?? defaults.changeWindow.hours,
      timeZone: config.changeWindow?.timeZone ?? null,
    },
    allowLists: { ...defaults.allowLists, ...config.allowLists },
    suppressions: (config.suppressions ?? []).map((s) => ({
      account: s.account,
      rule: s.rule,
      resource: s.resource,
      reason: s.reason,
      expires: s.expires ?? null,
    })),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** A yaml library message without the quoted lines under it: `Unresolved tag: !vault at line 5, column 13`. */
const firstLine = (message: string) => message.split(/:?\n/)[0]!.trim();

function parseJson(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON: ${oneLine(error)}`);
  }
  const repeated = repeatedJsonKey(text);
  if (repeated !== null) {
    throw new ConfigError(
      `${file}: not valid JSON: key ${pathText(repeated.path)} appears twice (again at line ${repeated.line}, column ${repeated.column}): keep one, merging their settings`,
    );
  }
  return value;
}

async function parseYamlText(text: string, file: string): Promise<unknown> {
  const { LineCounter, isPair, isScalar, isSeq, parseDocument, visit } = await import('yaml');
  const lineCounter = new LineCounter();
  // `silent`: the library prints nothing itself (a YAMLWarning on stderr, even under --json); its warnings are errors here.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, logLevel: 'silent', lineCounter });
  const error = doc.errors[0];
  if (error !== undefined) {
    // A key given twice, named as a JSON file's is (the library's message gives only where).
    if (error.code === 'DUPLICATE_KEY') {
      let key: (string | number)[] | null = null;
      visit(doc, {
        Pair(_, pair, ancestors) {
          if (!isScalar(pair.key) || pair.key.range?.[0] !== error.pos[0]) return undefined;
          key = [];
          ancestors.forEach((node, i) => {
            if (isPair(node) && isScalar(node.key)) key!.push(String(node.key.value));
            else if (isSeq(node)) key!.push(node.items.indexOf((ancestors[i + 1] ?? pair) as never));
          });
          key.push(String(pair.key.value));
          return visit.BREAK;
        },
      });
      const at = lineCounter.linePos(error.pos[0]);
      if (key !== null) throw new ConfigError(`${file}: not valid YAML: key ${pathText(key)} appears twice (again at line ${at.line}, column ${at.col}): keep one, merging their settings`);
    }
    throw new ConfigError(`${file}: not valid YAML: ${firstLine(error.message)}`);
  }
  const warning = doc.warnings[0];
  if (warning !== undefined) {
    const fix = warning.code === 'TAG_RESOLVE_FAILED' ? ': remove the tag (a config file takes plain values)' : '';
    throw new ConfigError(`${file}: not valid YAML: ${firstLine(warning.message)}${fix}`);
  }
  // A list or map as a key would become a string like "[ a, b ]" (and a warning from the library).
  visit(doc, {
    Pair(_, pair) {
      if (pair.key === null || isScalar(pair.key)) return;
      const at = lineCounter.linePos((pair.key as { range?: [number, number, number] }).range?.[0] ?? 0);
      throw new ConfigError(`${file}: not valid YAML: a list or map used as a key at line ${at.line}, column ${at.col}: keys are names`);
    },
  });
  try {
    return doc.toJS();
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML: ${oneLine(error)}`);
  }
}

function parseText(text: string, file: string): Promise<unknown> {
  // YAML 1.2 is a superset of JSON: any other extension is read as YAML.
  return extname(file).toLowerCase() === '.json' ? Promise.resolve(parseJson(text, file)) : parseYamlText(text, file);
}

/**
 * The configuration from `path` (relative to `cwd`), or from the default file in `cwd`
 * when there is one, or the built-in defaults. `file` in the result is the path as the
 * user gave it (or the default file's name).
 */
export async function loadConfig(path: string | undefined, cwd: string): Promise<AuditConfig> {
  // `label` is the name the user knows the file by (as given, or the default name); errors use it.
  let label: string;
  if (path !== undefined) {
    label = path;
    if (path.trim() === '') throw new ConfigError('--config is empty: give the config file (YAML or JSON), or leave out --config');
    // A relative path is looked for in the working folder, said; an absolute one only where it says.
    if (!(await exists(resolve(cwd, path)))) throw new ConfigError(`config file ${path} not found${isAbsolute(path) ? '' : ` (looked in ${cwd})`}`);
  } else {
    const found: string[] = [];
    for (const name of DEFAULT_CONFIG_FILES) if (await exists(resolve(cwd, name))) found.push(name);
    if (found.length === 0) return defaultConfig();
    if (found.length > 1) throw new ConfigError(`${found.join(' and ')} both exist in ${cwd}: keep one, or choose with --config`);
    label = found[0]!;
  }
  let text: string;
  try {
    text = await readFile(resolve(cwd, label), 'utf8');
  } catch (error) {
    const folder = (error as NodeJS.ErrnoException).code === 'EISDIR';
    throw new ConfigError(folder ? `${label} is a folder: give the config file in it (YAML or JSON), e.g. ${label.replace(/\/+$/, '')}/iot-audit.config.yaml` : `${label}: cannot be read: ${oneLine(error)}`);
  }
  return validateConfig(await parseText(text, label), label);
}
