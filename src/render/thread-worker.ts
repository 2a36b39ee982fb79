import { parentPort } from 'node:worker_threads';
import { ContentFailure, writeContent } from '../output/writer.js';
import type { ReportModel } from '../types.js';
import type { RenderContext } from './context.js';
import { FORMATS, type FormatName } from './index.js';

/** The report model and what its renderers may know, sent once. */
export interface ThreadModel {
  type: 'model';
  model: ReportModel;
  ctx: RenderContext;
}
/** One output to render from the model and write to `temp`. */
export interface ThreadOutput {
  type: 'output';
  id: number;
  format: FormatName;
  /** Which of the format's files (`FORMATS[format][index]`). */
  index: number;
  temp: string;
}
export type ThreadReply =
  | { id: number; ok: true; bytes: number; sha256: string; ms: number }
  /** `content`: the renderer's own error (else the disk's). */
  | { id: number; ok: false; content: boolean; message: string; code?: string };

const port = parentPort;
if (port === null) throw new Error('thread-worker.js runs as the render thread of a report');

let current: ThreadModel | null = null;
// Outputs are rendered one after the other, in the order they came.
let queue: Promise<void> = Promise.resolve();

async function render(job: ThreadOutput): Promise<ThreadReply> {
  const started = performance.now();
  try {
    if (current === null) throw new ContentFailure(new Error('no report model was sent to the render thread'));
    const { model, ctx } = current;
    const output = FORMATS[job.format][job.index];
    let rendered;
    try {
      rendered = await output.render(model, ctx);
    } catch (error) {
      throw new ContentFailure(error);
    }
    const written = await writeContent(job.temp, rendered);
    return { id: job.id, ok: true, ...written, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const content = error instanceof ContentFailure;
    const e = (content ? error.error : error) as NodeJS.ErrnoException;
    return { id: job.id, ok: false, content, message: e?.message ?? String(e), ...(typeof e?.code === 'string' ? { code: e.code } : {}) };
  }
}

port.on('message', (message: ThreadModel | ThreadOutput) => {
  if (message.type === 'model') {
    current = message;
    return;
  }
  queue = queue.then(async () => port.postMessage(await render(message)));
});
