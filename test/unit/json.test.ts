import { describe, expect, it } from 'vitest';
import { jsonText } from '../../src/render/json.js';
import type { ReportModel } from '../../src/types.js';

describe('renderJson', () => {
  it('is the model, as plain JSON, one line per list element', async () => {
    const model = { schemaVersion: '1.0', summary: { byDay: [{ date: 'd', changes: 1 }], total: 2 }, events: [{ eventId: 'a', x: { y: [1, 2] } }, { eventId: 'b' }], empty: [], none: null } as unknown as ReportModel;
    const text = jsonText(model);
    expect(JSON.parse(text)).toEqual(model);
    expect(text.split('\n')).toEqual([
      '{',
      '  "schemaVersion": "1.0",',
      '  "summary": {',
      '    "byDay": [',
      '      {"date":"d","changes":1}',
      '    ],',
      '    "total": 2',
      '  },',
      '  "events": [',
      '    {"eventId":"a","x":{"y":[1,2]}},',
      '    {"eventId":"b"}',
      '  ],',
      '  "empty": [],',
      '  "none": null',
      '}',
      '',
    ]);
  });

  it('keeps hostile strings exact', async () => {
    const model = { events: [{ userAgent: '"},\n</script>\u2028' }] } as unknown as ReportModel;
    expect(JSON.parse(jsonText(model))).toEqual(model);
  });
});
