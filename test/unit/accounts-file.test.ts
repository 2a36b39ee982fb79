import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountsFileError, loadAccountsFile } from '../../src/accounts/accounts-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'accounts-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function fileWith(content: string | Buffer | unknown): Promise<string> {
  const file = path.join(dir, `accounts-${counter++}.json`);
  const bytes = typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content);
  await writeFile(file, bytes);
  return file;
}

const HOW_TO_FIX = 'pass the output of `aws organizations list-accounts`';

describe('loadAccountsFile', () => {
  it('reads the output of `aws organizations list-accounts`, sorted by id', async () => {
    const file = await fileWith({
      Accounts: [
        {
          Id: '222222222222',
          Arn: 'arn:aws:organizations::111111111111:account/o-abc1234567/222222222222',
          Email: 'fleet@example.com',
          Name: 'Fleet Prod',
          State: 'ACTIVE',
          Status: 'ACTIVE',
          JoinedMethod: 'CREATED',
          JoinedTimestamp: '2024-05-01T10:00:00.000000+00:00',
        },
        { Id: '111111111111', Email: 'root@example.com', Name: 'Management', State: 'ACTIVE' },
      ],
    });
    expect(await loadAccountsFile(file)).toEqual([
      { id: '111111111111', name: 'Management', email: 'root@example.com', state: 'ACTIVE', ouPath: null, tags: {} },
      { id: '222222222222', name: 'Fleet Prod', email: 'fleet@example.com', state: 'ACTIVE', ouPath: null, tags: {} },
    ]);
  });

  it('accepts a bare array of account objects', async () => {
    const file = await fileWith([{ Id: '333333333333', Name: 'Sandbox' }]);
    expect(await loadAccountsFile(file)).toEqual([
      { id: '333333333333', name: 'Sandbox', email: null, state: null, ouPath: null, tags: {} },
    ]);
  });

  it('uses the legacy Status when State is absent, and State when both are present', async () => {
    const file = await fileWith({
      Accounts: [
        { Id: '444444444444', Status: 'SUSPENDED' },
        { Id: '555555555555', State: 'PENDING_CLOSURE', Status: 'ACTIVE' },
        { Id: '666666666666', State: null, Status: 'ACTIVE' },
      ],
    });
    const states = Object.fromEntries((await loadAccountsFile(file)).map((a) => [a.id, a.state]));
    expect(states).toEqual({ '444444444444': 'SUSPENDED', '555555555555': 'PENDING_CLOSURE', '666666666666': 'ACTIVE' });
  });

  it('keeps the first of duplicated ids', async () => {
    const file = await fileWith({
      Accounts: [
        { Id: '777777777777', Name: 'first' },
        { Id: '777777777777', Name: 'second' },
      ],
    });
    expect((await loadAccountsFile(file)).map((a) => a.name)).toEqual(['first']);
  });

  it('reads files with a UTF-8 byte order mark and UTF-16 ones written by Windows PowerShell', async () => {
    const json = JSON.stringify({ Accounts: [{ Id: '888888888888', Name: 'Zoë' }] });
    const utf8 = await fileWith(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json, 'utf8')]));
    const utf16 = await fileWith(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]));
    expect((await loadAccountsFile(utf8))[0]?.name).toBe('Zoë');
    expect((await loadAccountsFile(utf16))[0]?.name).toBe('Zoë');
  });

  const malformed: [string, string | unknown, (file: string) => string][] = [
    ['invalid JSON', '{"Accounts": [', () => 'is not valid JSON ('],
    ['no Accounts key', { Account: [] }, () => `has no "Accounts" list; ${HOW_TO_FIX}`],
    ['Accounts not a list', { Accounts: { Id: '111111111111' } }, () => `"Accounts" is not a list; ${HOW_TO_FIX}`],
    ['a JSON string', '"111111111111"', () => `is not an object with an "Accounts" list; ${HOW_TO_FIX}`],
    ['no accounts', { Accounts: [] }, () => 'lists no accounts'],
    [
      'an id that is not 12 digits',
      { Accounts: [{ Id: '111111111111' }, { Id: '222222222222' }, { Id: '333333333333' }, { Id: '12ab' }] },
      (file) => `accounts file ${file}: Accounts[3].Id "12ab" is not a 12-digit account id; ${HOW_TO_FIX}`,
    ],
    ['an id of 13 digits', { Accounts: [{ Id: '1234567890123' }] }, () => 'Accounts[0].Id "1234567890123" is not a 12-digit account id'],
    ['a missing id', { Accounts: [{ Name: 'no id' }] }, () => `Accounts[0].Id is missing; ${HOW_TO_FIX}`],
    ['a numeric id', { Accounts: [{ Id: 12345678901 }] }, () => 'Accounts[0].Id is a number, which loses leading zeros; write it as a 12-digit string ("012345678901")'],
    ['an entry that is not an object', { Accounts: ['111111111111'] }, () => `Accounts[0] is not an account object; ${HOW_TO_FIX}`],
    ['a name that is not a string', { Accounts: [{ Id: '111111111111', Name: 42 }] }, () => `Accounts[0].Name must be a string; ${HOW_TO_FIX}`],
    ['a state that is not a string', { Accounts: [{ Id: '111111111111', State: ['ACTIVE'] }] }, () => 'Accounts[0].State must be a string'],
    ['a bad id in a bare array', [{ Id: 'x' }], () => '[0].Id "x" is not a 12-digit account id'],
    [
      'a list cut short by --max-items',
      { Accounts: [{ Id: '111111111111' }], NextToken: 'eyJuZXh0IjoyfQ==' },
      () => 'holds a NextToken, so the list is incomplete; run `aws organizations list-accounts` without --max-items',
    ],
  ];

  it.each(malformed)('rejects %s with a one-line message naming the file and the fix', async (_case, content, expected) => {
    const file = await fileWith(content);
    const error = await loadAccountsFile(file).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AccountsFileError);
    const message = (error as Error).message;
    expect(message.startsWith(`accounts file ${file}: `)).toBe(true);
    expect(message).toContain(expected(file));
    expect(message).not.toMatch(/\n/);
  });

  it('says when the file does not exist or is a folder', async () => {
    const missing = path.join(dir, 'nope.json');
    await expect(loadAccountsFile(missing)).rejects.toThrow(
      new AccountsFileError(`accounts file ${missing}: cannot be read (no such file); ${HOW_TO_FIX}`),
    );
    await expect(loadAccountsFile(dir)).rejects.toThrow(`accounts file ${dir}: cannot be read (is a folder, not a file)`);
  });
});
