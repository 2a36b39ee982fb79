// Writes src/render/builtin-templates.ts: the built-in templates compiled ahead of time, so
// a report does not parse and compile them on every run. Run it after editing templates/;
// the test suite fails when the checked-in file is out of date.
import { writeFileSync } from 'node:fs';
import { precompiledModule } from './templates-lib.mjs';

writeFileSync(new URL('../src/render/builtin-templates.ts', import.meta.url), precompiledModule());
console.log('wrote src/render/builtin-templates.ts');
