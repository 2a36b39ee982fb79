import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, loadConfig, validateConfig } from '../../src/config/load.js';
import { RULES, RULE_IDS } from '../../src/analysis/rules/index.js';
import { EXIT } from '../../src/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iot-audit-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('uses the defaults when there is no file', async () => {
    expect(await loadConfig(undefined, dir)).toEqual(defaultConfig());
  });

  it('finds iot-audit.config.yaml in the working directory', async () => {
    await writeFile(join(dir, 'iot-audit.config.yaml'), 'rules:\n  denied-burst:\n    threshold: 5\n');
    const config = await loadConfig(undefined, dir);
    expect(config.file).toBe('iot-audit.config.yaml');
    expect(config.rules).toEqual({ 'denied-burst': { threshold: 5 } });
  });

  it('refuses to guess between two default files', async () => {
    await writeFile(join(dir, 'iot-audit.config.json'), '{}');
    await writeFile(join(dir, 'iot-audit.config.yml'), '{}');
    await expect(loadConfig(undefined, dir)).rejects.toThrow('iot-audit.config.json and iot-audit.config.yml both exist');
  });

  it('reads --config relative to the working directory', async () => {
    await writeFile(join(dir, 'audit.json'), JSON.stringify({ allowLists: { policyChanges: ['arn:aws:iam::*:role/terraform'] } }));
    const config = await loadConfig('audit.json', dir);
    expect(config.allowLists).toEqual({ policyChanges: ['arn:aws:iam::*:role/terraform'], certificateChanges: [], otherChanges: [] });
  });

  it('says when --config does not exist', async () => {
    await expect(loadConfig('nope.yaml', dir)).rejects.toThrow(/^config file nope.yaml not found/);
  });

  it('says where it looked for a relative --config, and does not claim the working folder for an absolute one (2026-11-26 review)', async () => {
    await expect(loadConfig('nope.yaml', dir)).rejects.toThrow(`config file nope.yaml not found (looked in ${dir})`);
    const absolute = join(dir, 'missing', 'nope.yaml');
    await expect(loadConfig(absolute, dir)).rejects.toThrow(new ConfigError(`config file ${absolute} not found`));
  });

  it('says what to give when --config is a folder or empty', async () => {
    await expect(loadConfig('.', dir)).rejects.toThrow(/^\. is a folder: give the config file in it \(YAML or JSON\), e\.g\. \.\/iot-audit\.config\.yaml$/);
    await expect(loadConfig('', dir)).rejects.toThrow(/^--config is empty: give the config file \(YAML or JSON\), or leave out --config$/);
  });

  it('names the file on a syntax error, on one line', async () => {
    await writeFile(join(dir, 'bad.json'), '{"rules": ');
    const error = await loadConfig('bad.json', dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(EXIT.USAGE);
    expect((error as Error).message).toMatch(/^bad\.json: not valid JSON: /);
  });

  // JSON.parse keeps the last of a repeated key: a second "rules" switched a rule off unseen (review 2026-11-26).
  it.each([
    ['top level', '{"rules":{"overly-permissive-policy":{"enabled":true}},"suppressions":[],"rules":{"overly-permissive-policy":{"enabled":false}}}', 'rules', 1, 74],
    ['in a rule', '{"rules":{"denied-burst":{"threshold":5,"threshold":50}}}', 'rules.denied-burst.threshold', 1, 41],
    ['in a list item', '{"suppressions":[{"account":"1","reason":"a",\n  "reason":"b"}]}', 'suppressions[0].reason', 2, 3],
    ['spelled with an escape', '{"suppressions":[],"suppr\\u0065ssions":[]}', 'suppressions', 1, 20],
  ])('rejects a repeated JSON key (%s), naming it', async (_, text, key, line, column) => {
    await writeFile(join(dir, 'dup.json'), text);
    const error = await loadConfig('dup.json', dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(EXIT.USAGE);
    expect((error as Error).message).toBe(`dup.json: not valid JSON: key ${key} appears twice (again at line ${line}, column ${column}): keep one, merging their settings`);
  });

  it('reads JSON whose keys repeat only across objects, or inside strings', async () => {
    const text = JSON.stringify({
      rules: { 'denied-burst': { threshold: 5 }, 'overly-permissive-policy': { enabled: true } },
      suppressions: [
        { account: '111122223333', rule: 'denied-burst', resource: 'x', reason: 'a "reason": \\"b\\"' },
        { account: '111122223333', rule: 'denied-burst', resource: 'y', reason: 'reason' },
      ],
    });
    await writeFile(join(dir, 'ok.json'), text);
    const config = await loadConfig('ok.json', dir);
    expect(config.suppressions.map((s) => s.reason)).toEqual(['a "reason": \\"b\\"', 'reason']);
  });

  it('rejects an unknown YAML tag, naming its line, and prints nothing itself', async () => {
    await writeFile(
      join(dir, 'tag.yaml'),
      'suppressions:\n  - account: "111122223333"\n    rule: denied-burst\n    resource: x\n    reason: !vault accepted\n',
    );
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on('warning', onWarning);
    const error = await loadConfig('tag.yaml', dir).catch((e: unknown) => e);
    // Node emits process warnings on the next tick.
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('tag.yaml: not valid YAML: Unresolved tag: !vault at line 5, column 13: remove the tag (a config file takes plain values)');
    expect(warnings).toEqual([]);
  });

  it('rejects a YAML list used as a key, naming its line, and prints nothing itself', async () => {
    await writeFile(join(dir, 'key.yaml'), 'rules:\n  ? [denied-burst]\n  : { threshold: 5 }\n');
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on('warning', onWarning);
    const error = await loadConfig('key.yaml', dir).catch((e: unknown) => e);
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('key.yaml: not valid YAML: a list or map used as a key at line 2, column 5: keys are names');
    expect(warnings).toEqual([]);
  });

  // The library's message gave only the line (README review 2026-11-26): named as a JSON file's are.
  it.each([
    ['top level', 'rules: {}\nrules: {}\n', 'rules', 2, 1],
    ['in a rule', 'rules:\n  denied-burst:\n    threshold: 5\n    threshold: 50\n', 'rules.denied-burst.threshold', 4, 5],
    ['in a list item', 'suppressions:\n  - account: "1"\n    reason: a\n  - account: "2"\n    reason: b\n    "reason": c\n', 'suppressions[1].reason', 6, 5],
  ])('rejects a repeated YAML key (%s), naming it', async (_, text, key, line, column) => {
    await writeFile(join(dir, 'dup.yaml'), text);
    const error = await loadConfig('dup.yaml', dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`dup.yaml: not valid YAML: key ${key} appears twice (again at line ${line}, column ${column}): keep one, merging their settings`);
  });

  it('treats an empty YAML file as no settings', async () => {
    await writeFile(join(dir, 'empty.yml'), '');
    expect(await loadConfig('empty.yml', dir)).toEqual({ ...defaultConfig(), file: 'empty.yml' });
  });
});

describe('validateConfig', () => {
  it('fills in defaults around what is given', async () => {
    const config = await validateConfig(
      {
        $schema: './schemas/config.schema.json',
        rules: { 'new-source': { warmupDays: 3 }, 'console-change': { enabled: false } },
        changeWindow: { days: ['Mon', 'Sat'], timeZone: 'Europe/Paris' },
        suppressions: [{ account: '111111111111', rule: 'root-user-change', resource: '*', reason: 'break-glass drill' }],
      },
      'c.yaml',
    );
    expect(config).toEqual({
      file: 'c.yaml',
      rules: { 'new-source': { warmupDays: 3 }, 'console-change': { enabled: false } },
      changeWindow: { days: ['Mon', 'Sat'], hours: { from: '08:00', to: '18:00' }, timeZone: 'Europe/Paris' },
      allowLists: { policyChanges: [], certificateChanges: [], otherChanges: [] },
      suppressions: [{ account: '111111111111', rule: 'root-user-change', resource: '*', reason: 'break-glass drill', expires: null }],
    });
  });

  const suppression = { account: '111111111111', rule: 'root-user-change', resource: '*', reason: 'r' };
  it.each([
    [{ colour: 'red' }, 'c.yaml: colour: unknown key; expected one of: rules, changeWindow, allowLists, suppressions'],
    [{ rules: { 'no-such-rule': {} } }, 'c.yaml: rules.no-such-rule: unknown rule id (run `iot-audit rules` for the list)'],
    [{ rules: { 'denied-burst': { treshold: 3 } } }, 'c.yaml: rules.denied-burst.treshold: unknown key; expected one of: enabled, severity, threshold, windowMinutes'],
    [{ rules: { 'denied-burst': { threshold: 2.5 } } }, 'c.yaml: rules.denied-burst.threshold: expected a whole number'],
    [{ rules: { 'denied-burst': { threshold: 1 } } }, 'c.yaml: rules.denied-burst.threshold: expected a number >= 2'],
    [{ rules: { 'root-user-change': { severity: 'urgent' } } }, 'c.yaml: rules.root-user-change.severity: expected one of "info", "low", "medium", "high", "critical"'],
    [{ rules: { 'root-user-change': { enabled: 'yes' } } }, 'c.yaml: rules.root-user-change.enabled: expected true or false'],
    [{ changeWindow: { days: ['Monday'] } }, 'c.yaml: changeWindow.days[0]: expected one of "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"'],
    [{ changeWindow: { hours: { from: '8:00', to: '18:00' } } }, 'c.yaml: changeWindow.hours.from: expected a time HH:MM between 00:00 and 24:00'],
    [{ changeWindow: { hours: { from: '08:00' } } }, 'c.yaml: changeWindow.hours.to: missing, it is required'],
    [{ changeWindow: { hours: { from: '08:00', to: '08:00' } } }, 'c.yaml: changeWindow.hours: from and to must differ (use 00:00 to 24:00 for the whole day)'],
    [{ changeWindow: { days: [] } }, 'c.yaml: changeWindow.days: expected at least one day'],
    [{ changeWindow: { timeZone: 'Mars/Olympus' } }, 'c.yaml: changeWindow.timeZone: expected an IANA time zone such as "Europe/Paris", got "Mars/Olympus"'],
    [{ allowLists: { policyChanges: 'arn:aws:iam::*:role/tf' } }, 'c.yaml: allowLists.policyChanges: expected a list'],
    [{ suppressions: [{ ...suppression, reason: undefined }] }, 'c.yaml: suppressions[0].reason: missing, it is required'],
    [{ suppressions: [{ ...suppression, reason: '   ' }] }, 'c.yaml: suppressions[0].reason: expected a non-empty reason'],
    [{ suppressions: [{ ...suppression, account: '1234' }] }, 'c.yaml: suppressions[0].account: expected a 12-digit account id or "*"'],
    [{ suppressions: [{ ...suppression, rule: 'no-such-rule' }] }, 'c.yaml: suppressions[0].rule: expected a rule id (run `iot-audit rules` for the list) or "*"'],
    [{ suppressions: [{ ...suppression, expires: 'next week' }] }, 'c.yaml: suppressions[0].expires: expected a date YYYY-MM-DD or an ISO date-time with a zone'],
    [{ suppressions: [{ ...suppression, expires: '2026-02-30' }] }, 'c.yaml: suppressions[0].expires: "2026-02-30" is not a real date'],
    [['not', 'an', 'object'], 'c.yaml: (top level): expected an object (key: value pairs)'],
  ])('rejects %j', async (raw, message) => {
    const json = JSON.parse(JSON.stringify(raw)) as unknown;
    await expect(validateConfig(json, 'c.yaml')).rejects.toThrow(new ConfigError(message));
  });

  it('accepts an ISO date-time expiry', async () => {
    const config = await validateConfig({ suppressions: [{ ...suppression, expires: '2026-12-31T12:00:00Z' }] }, null);
    expect(config.suppressions[0]!.expires).toBe('2026-12-31T12:00:00Z');
  });
});

describe('schemas/config.schema.json', async () => {
  const schema = JSON.parse(await readFile(new URL('../../schemas/config.schema.json', import.meta.url), 'utf8')) as {
    properties: { rules: { properties: Record<string, { $ref?: string; properties?: Record<string, { default?: unknown; description?: string }> }> } };
    definitions: { ruleIdOrStar: { enum: string[] } };
  };
  const ruleSchemas = schema.properties.rules.properties;

  it('lists exactly the registered rules', () => {
    expect(Object.keys(ruleSchemas)).toEqual(RULE_IDS);
    expect(schema.definitions.ruleIdOrStar.enum).toEqual(['*', ...RULE_IDS]);
  });

  it.each(RULE_IDS)('%s: states the rule’s own severity', (id) => {
    expect((ruleSchemas[id] as { description?: string }).description).toContain(`(${RULES[id]!.severity})`);
  });

  it.each(RULE_IDS)('%s: documents every parameter with the rule’s own default', (id) => {
    const params = Object.fromEntries(
      Object.entries(ruleSchemas[id]!.properties ?? {})
        .filter(([key]) => key !== 'enabled' && key !== 'severity')
        .map(([key, spec]) => {
          expect(spec.description).toMatch(/Default: /);
          return [key, spec.default];
        }),
    );
    expect(params).toEqual(RULES[id]!.defaults);
  });
});
