#!/usr/bin/env node
// Writes oclif.manifest.json (part of `npm run build`): the commands' ids, flags and help as
// oclif would work them out. With it, a run does not import every command module at start-up
// just to list them (~25-40 ms of every run). Built from dist/, so run after tsc.
//   node scripts/oclif-manifest.mjs          write it
//   node scripts/oclif-manifest.mjs --check  exit 1 when the file is missing or differs from dist/
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

// What a user's run loads: the compiled commands (in development or test, oclif would look for TypeScript).
process.env.NODE_ENV = 'production';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILE = path.join(ROOT, 'oclif.manifest.json');

/** The manifest oclif makes from the compiled commands, ignoring any manifest on disk. */
async function freshManifest() {
  const plugin = new Plugin({ root: ROOT, isRoot: true, ignoreManifest: true });
  await plugin.load();
  if (Object.keys(plugin.manifest.commands).length === 0) throw new Error('no commands found: run `npm run build` first');
  return `${JSON.stringify(plugin.manifest, null, 2)}\n`;
}

if (process.argv.includes('--check')) {
  const expected = await freshManifest();
  if (!existsSync(FILE) || readFileSync(FILE, 'utf8') !== expected) {
    process.stderr.write('oclif.manifest.json is missing or stale: run `npm run build`\n');
    process.exit(1);
  }
} else {
  rmSync(FILE, { force: true });
  writeFileSync(FILE, await freshManifest());
}
