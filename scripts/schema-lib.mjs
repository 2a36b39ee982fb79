import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

/** The JSON Schema of the report JSON, from the doc-commented ReportModel type. */
export function reportSchema() {
  const schema = createGenerator({
    path: fileURLToPath(new URL('../src/report/model.ts', import.meta.url)),
    tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
    type: 'ReportModel',
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    additionalProperties: false,
    skipTypeCheck: true,
  }).createSchema('ReportModel');
  schema.$id = 'https://iot-audit.dev/schemas/report.schema.json';
  schema.title = 'iot-audit report';
  return schema;
}
