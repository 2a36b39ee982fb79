import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/pipeline/report.js';
import { TemplateError } from '../../src/render/templates.js';
import { reportOptions } from '../helpers/report-options.js';

// With two or more threads, JSON, CSV and Markdown render on the render thread while the HTML renders here.
describe('report outputs rendered on two threads', () => {
  it('lists the files in --format order and phases each output', async () => {
    const phases: string[] = [];
    const { written } = await runReport(reportOptions({ threads: 2, formats: ['csv', 'html', 'md', 'json'], onTiming: (phase) => phases.push(phase) }));
    expect(written.map((w) => w.name)).toEqual(['iot-audit-2026-10.csv', 'iot-audit-2026-10-findings.csv', 'iot-audit-2026-10.html', 'iot-audit-2026-10.md', 'iot-audit-2026-10.json']);
    expect(phases).toEqual(expect.arrayContaining(['startup', 'read', 'read:main-busy', 'build', 'findings', 'render:send', 'render:json@thread', 'render:csv@thread', 'render:findings.csv@thread', 'render:md@thread', 'render:html', 'render:wait']));
  });

  it('leaves nothing behind when the HTML fails while the thread is writing the others', async () => {
    const templateDir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-tpl-'));
    // Passes the checks, fails when rendered: #with needs an argument.
    writeFileSync(path.join(templateDir, 'report.hbs'), '<html>{{#with}}x{{/with}}</html>\n');
    const options = reportOptions({ threads: 2, formats: ['json', 'csv', 'html', 'md'], render: { paper: 'a4', templateDir } });
    await expect(runReport(options)).rejects.toThrow(TemplateError);
    expect(readdirSync(options.outDir)).toEqual([]);
  });
});
