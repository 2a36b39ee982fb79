/**
 * One run's commit, in a process of its own (test/unit/output-commit.test.ts): writes `<name>`
 * into `<dir>` through an OutputSession, taking over a dead process's lock after 100 ms, or with
 * the lock times given as JSON. Prints the time (Date.now()) it begins to commit.
 * Usage: node --import tsx test/helpers/commit-one.ts <dir> <name> [<lock times JSON>]
 */
import { OutputSession } from '../../src/output/writer.js';

const [dir, name, times] = process.argv.slice(2);
if (dir === undefined || name === undefined) throw new Error('usage: commit-one.ts <dir> <name> [<lock times JSON>]');
const session = new OutputSession(dir, { lock: times === undefined ? { deadMs: 100 } : (JSON.parse(times) as object) });
await session.add({ name, bytes: `${name}\n` });
process.stdout.write(`${Date.now()}\n`);
await session.commit();
