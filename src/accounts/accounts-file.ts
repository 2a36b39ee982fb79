import { UsageError } from '../errors.js';
import { readFile } from 'node:fs/promises';
import type { OrgAccount } from '../types.js';

/** A malformed or unreadable `--accounts-file`: a configuration error, its message says what to fix. */
export class AccountsFileError extends UsageError {}

const ACCOUNT_ID = /^\d{12}$/;
const HOW_TO_FIX = 'pass the output of `aws organizations list-accounts`';

/**
 * Reads the JSON printed by `aws organizations list-accounts` (`{"Accounts": [...]}`), or a bare
 * array of the same account objects. `State` wins over the retired `Status`. The first entry of a
 * duplicated id is kept. Accounts come back sorted by id so the same file always gives the same list.
 */
export async function loadAccountsFile(path: string): Promise<OrgAccount[]> {
  const fail = (what: string): never => {
    throw new AccountsFileError(`accounts file ${path}: ${what}`);
  };

  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : oneLine(error);
    return fail(`cannot be read (${why}); ${HOW_TO_FIX}`);
  }

  let document: unknown;
  try {
    document = JSON.parse(decodeText(bytes));
  } catch (error) {
    return fail(`is not valid JSON (${oneLine(error)}); ${HOW_TO_FIX}`);
  }

  let entries: unknown[];
  let where: string;
  if (Array.isArray(document)) {
    entries = document;
    where = '';
  } else if (isObject(document)) {
    if (!('Accounts' in document)) return fail(`has no "Accounts" list; ${HOW_TO_FIX}`);
    if (!Array.isArray(document.Accounts)) return fail(`"Accounts" is not a list; ${HOW_TO_FIX}`);
    // The CLI prints NextToken only when its own paging was cut short (--max-items): the list is partial.
    if (typeof document.NextToken === 'string' && document.NextToken !== '') {
      return fail('holds a NextToken, so the list is incomplete; run `aws organizations list-accounts` without --max-items');
    }
    entries = document.Accounts;
    where = 'Accounts';
  } else {
    return fail(`is not an object with an "Accounts" list; ${HOW_TO_FIX}`);
  }
  if (entries.length === 0) return fail(`lists no accounts; ${HOW_TO_FIX} from the management account`);

  const byId = new Map<string, OrgAccount>();
  entries.forEach((entry, index) => {
    const at = `${where}[${index}]`;
    if (!isObject(entry)) return fail(`${at} is not an account object; ${HOW_TO_FIX}`);
    const id = entry.Id;
    if (typeof id === 'number') {
      return fail(`${at}.Id is a number, which loses leading zeros; write it as a 12-digit string ("${String(id).padStart(12, '0')}")`);
    }
    if (typeof id !== 'string' || !ACCOUNT_ID.test(id)) {
      const shown = id === undefined ? 'is missing' : `${JSON.stringify(id).slice(0, 40)} is not a 12-digit account id`;
      return fail(`${at}.Id ${shown}; ${HOW_TO_FIX}`);
    }
    const text = (field: string): string | null => {
      const value = entry[field];
      if (value === undefined || value === null || value === '') return null;
      if (typeof value !== 'string') return fail(`${at}.${field} must be a string; ${HOW_TO_FIX}`);
      return value;
    };
    const name = text('Name');
    const email = text('Email');
    const state = text('State') ?? text('Status');
    if (!byId.has(id)) byId.set(id, { id, name, email, state, ouPath: null, tags: {} });
  });

  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Text in UTF-8, or UTF-16 with a byte order mark (what Windows PowerShell's `>` writes). */
function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim().slice(0, 200);
}
