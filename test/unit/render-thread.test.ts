import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentFailure, OutputSession } from '../../src/output/writer.js';
import { renderEventsCsv } from '../../src/render/csv.js';
import { jsonText } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/md.js';
import { RenderThread } from '../../src/render/thread.js';
import type { ReportModel } from '../../src/report/model.js';
import { sampleModel } from '../helpers/sample-model.js';

const threads: RenderThread[] = [];
afterEach(async () => {
  await Promise.all(threads.splice(0).map((t) => t.stop()));
});
function thread(): RenderThread {
  const t = new RenderThread();
  threads.push(t);
  return t;
}
const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'iot-audit-thread-'));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const ctx = { paper: 'a4' as const, media: 'screen' as const, dataFiles: ['r.json', 'r.csv'], outputFiles: ['r.json', 'r.csv', 'r.md'] };

describe('the render thread', () => {
  it('writes JSON, CSV and Markdown byte for byte as the main thread renders them, with their size and hash', async () => {
    const model = sampleModel({ events: 300, hostile: true });
    const t = thread();
    t.load(model, ctx);
    const dir = tempDir();
    const json = await t.write('json', 0, path.join(dir, 'r.json'));
    const csv = await t.write('csv', 0, path.join(dir, 'r.csv'));
    const md = await t.write('md', 0, path.join(dir, 'r.md'));
    const expected = {
      json: Buffer.from(jsonText(model)),
      csv: Buffer.from([...(await renderEventsCsv(model))].join('')),
      md: Buffer.from(String(await renderMarkdown(model, { dataFiles: ctx.dataFiles, outputFiles: ctx.outputFiles, comparison: model.comparison }))),
    };
    for (const [name, got] of [['json', json], ['csv', csv], ['md', md]] as const) {
      const written = readFileSync(path.join(dir, `r.${name}`));
      expect(written.equals(expected[name])).toBe(true);
      expect(got.bytes).toBe(written.length);
      expect(got.sha256).toBe(sha256(written));
    }
  });

  it('renders the model as it was when loaded, not later changes', async () => {
    const model = sampleModel({ events: 20 });
    const before = jsonText(model);
    const t = thread();
    t.load(model, ctx);
    model.title = 'changed after loading';
    const dir = tempDir();
    await t.write('json', 0, path.join(dir, 'r.json'));
    expect(readFileSync(path.join(dir, 'r.json'), 'utf8')).toBe(before);
  });

  it("tells a renderer's failure (a ContentFailure) from the disk's", async () => {
    const t = thread();
    t.load({ title: 'no events' } as unknown as ReportModel, ctx);
    const dir = tempDir();
    const content = await t.write('csv', 0, path.join(dir, 'r.csv')).catch((e: unknown) => e);
    expect(content).toBeInstanceOf(ContentFailure);
    t.load(sampleModel({ events: 5 }), ctx);
    const disk = await t.write('json', 0, path.join(dir, 'missing-folder', 'r.json')).catch((e: unknown) => e);
    expect(disk).not.toBeInstanceOf(ContentFailure);
    expect(disk).toMatchObject({ code: 'ENOENT' });
  });

  it('fails what it was asked once it has stopped', async () => {
    const t = thread();
    t.load(sampleModel({ events: 5 }), ctx);
    await t.stop();
    await expect(t.write('json', 0, path.join(tempDir(), 'r.json'))).rejects.toThrow(/render thread stopped/);
  });
});

describe('OutputSession.addWith', () => {
  it('lists files in the order they were added, whatever order they finish in', async () => {
    const dir = tempDir();
    const session = new OutputSession(dir);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = session.addWith('a.json', async (temp) => {
      await gate;
      writeFileSync(temp, '{}');
      return { bytes: 2, sha256: sha256(Buffer.from('{}')) };
    });
    await session.add({ name: 'b.html', bytes: '<p>' });
    release();
    await slow;
    const written = await session.commit();
    expect(written.map((w) => w.name)).toEqual(['a.json', 'b.html']);
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', 'a.json', 'b.html']);
    expect(readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8')).toContain(`${sha256(Buffer.from('{}'))}  a.json`);
  });

  it('refuses to commit while a file is still being written, and leaves nothing behind', async () => {
    const dir = tempDir();
    const session = new OutputSession(dir);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pending = session.addWith('a.json', async () => {
      await gate;
      return { bytes: 0, sha256: '' };
    });
    await new Promise((resolve) => setImmediate(resolve));
    await expect(session.commit()).rejects.toThrow(/still being written/);
    release();
    await pending;
    expect(readdirSync(dir)).toEqual([]);
  });
});
