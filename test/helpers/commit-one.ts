/**
 * One run's commit, in a process of its own (test/unit/output-commit.test.ts): writes `<name>`
 * into `<dir>` through an OutputSession, taking over a dead process's lock after 100 ms.
 * Usage: node --import tsx test/helpers/commit-one.ts <dir> <name>
 */
import { OutputSession } from '../../src/output/writer.js';

const [dir, name] = process.argv.slice(2);
if (dir === undefined || name === undefined) throw new Error('usage: commit-one.ts <dir> <name>');
const session = new OutputSession(dir, { lock: { deadMs: 100 } });
await session.add({ name, bytes: `${name}\n` });
await session.commit();
