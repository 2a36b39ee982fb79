#!/usr/bin/env node
// Builds the optional native scan kernel (native/, a Node addon) with node-gyp; `npm
// install` runs this. Without a C++ compiler, Node's headers or an x86-64 CPU the build
// is skipped or fails with a one-line note and the install goes on: the tool then scans
// with its WebAssembly kernel, which gives the same results more slowly. With libdeflate
// (Debian's libdeflate-dev) the addon also gunzips, faster than Node's zlib; without it,
// a one-line note, and Node's zlib gunzips.
//   node scripts/build-native.mjs          (IOT_AUDIT_NO_NATIVE=1 skips it)
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const note = (message) => process.stderr.write(`iot-audit: ${message}; scans will use the WebAssembly kernel (same results, slower)\n`);

/** libdeflate's header where a compiler looks by default, or pkg-config knows it. */
function hasLibdeflate() {
  const probe = spawnSync('pkg-config', ['--exists', 'libdeflate']);
  if (probe.status === 0) return true;
  return ['/usr/include', '/usr/local/include', '/opt/homebrew/include'].some((dir) => existsSync(path.join(dir, 'libdeflate.h')));
}

function nodeGyp() {
  // npm tells its scripts where its own node-gyp is; else a node-gyp installed here, else npm's beside this Node.
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package
  }
  candidates.push(path.join(path.dirname(path.dirname(process.execPath)), 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((file) => file && existsSync(file)) ?? null;
}

if (process.env.IOT_AUDIT_NO_NATIVE === '1') {
  // An earlier build would still be loaded: the tool would not run as asked.
  rmSync(path.join(ROOT, 'native', 'build'), { recursive: true, force: true });
  note('native scan kernel not built (IOT_AUDIT_NO_NATIVE=1)');
} else if (process.arch !== 'x64') {
  note(`no native scan kernel for ${process.arch} (it needs x86-64 AVX2 or AVX-512)`);
} else {
  const gyp = nodeGyp();
  if (gyp === null) {
    note('node-gyp not found, native scan kernel not built');
  } else {
    // Node's own headers when they are beside it (node-gyp would otherwise download them).
    const prefix = path.dirname(path.dirname(process.execPath));
    const local = !process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
    const build = (extra) => spawnSync(process.execPath, [gyp, 'rebuild', '--directory', path.join(ROOT, 'native'), ...local, ...extra], { cwd: ROOT, encoding: 'utf8' });
    const slower = 'log files will be gunzipped with Node\'s zlib (same results, reports ~20% slower)';
    let result;
    if (hasLibdeflate()) {
      result = build(['--libdeflate=1']);
      // A header without its library, say: the kernel alone is still worth having.
      if (result.status !== 0) {
        process.stderr.write(`iot-audit: building with libdeflate failed; ${slower}\n`);
        result = build([]);
      }
    } else {
      process.stderr.write(`iot-audit: libdeflate not found (Debian/Ubuntu: apt-get install libdeflate-dev, then npm rebuild); ${slower}\n`);
      result = build([]);
    }
    if (result.status !== 0) {
      const reason = `${result.stderr ?? ''}${result.error?.message ?? ''}`.split('\n').find((line) => /error/i.test(line))?.trim();
      note(`native scan kernel not built (node-gyp exited ${result.status ?? 'on a signal'}${reason ? `: ${reason}` : ''})`);
    }
  }
}
