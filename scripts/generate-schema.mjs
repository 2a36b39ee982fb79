// Writes schemas/report.schema.json from the ReportModel type in src/report/model.ts.
// The test suite regenerates it in memory and fails when the checked-in file drifts.
import { writeFileSync } from 'node:fs';
import { reportSchema } from './schema-lib.mjs';

writeFileSync(new URL('../schemas/report.schema.json', import.meta.url), `${JSON.stringify(reportSchema(), null, 2)}\n`);
console.log('wrote schemas/report.schema.json');
