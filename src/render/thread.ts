import type { Worker } from 'node:worker_threads';
import { ContentFailure } from '../output/writer.js';
import { startWorker } from '../threads.js';
import type { ReportModel } from '../types.js';
import type { RenderContext } from './context.js';
import type { FormatName } from './index.js';
import type { ThreadModel, ThreadOutput, ThreadReply } from './thread-worker.js';

/**
 * A worker thread rendering the outputs that need nothing but the model (JSON, CSV,
 * Markdown) while the main thread renders the HTML or the PDF: once the logs are read
 * the parse workers are gone, and a second core would otherwise sit idle. The model is
 * copied to the thread once; each output is written by the thread to the temporary file
 * it is given, hashed as it goes, exactly as the main thread would write it.
 */
export class RenderThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: ThreadReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private stopped: Error | null = null;

  /** Starts the thread now: it loads its modules while the caller builds the model. */
  constructor() {
    this.worker = startWorker(import.meta.url, 'thread-worker');
    this.worker.unref();
    this.worker.on('message', (reply: ThreadReply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      w?.resolve(reply);
    });
    let crash: Error | null = null;
    this.worker.on('error', (error) => {
      crash = error;
    });
    this.worker.on('exit', (code) => {
      this.stopped = new Error(`the render thread stopped (exit code ${code}${crash ? `: ${crash.message}` : ''})`);
      for (const w of this.waiting.values()) w.reject(this.stopped);
      this.waiting.clear();
    });
  }

  /** Sends the model the outputs are rendered from (a copy: later changes are not seen). */
  load(model: ReportModel, ctx: RenderContext): void {
    // Templates are functions (and not needed here): everything else is plain data.
    const { templates: _templates, ...plain } = ctx;
    const message: ThreadModel = { type: 'model', model, ctx: plain };
    this.worker.postMessage(message);
  }

  /**
   * Renders one output of the loaded model into `temp`: its size, hash and render time.
   * Rejects with a `ContentFailure` when the renderer failed (as `OutputSession.addWith` expects).
   */
  async write(format: FormatName, index: number, temp: string): Promise<{ bytes: number; sha256: string; ms: number }> {
    if (this.stopped !== null) throw this.stopped;
    const id = this.nextId++;
    const reply = await new Promise<ThreadReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      const message: ThreadOutput = { type: 'output', id, format, index, temp };
      this.worker.postMessage(message);
    });
    if (reply.ok) return { bytes: reply.bytes, sha256: reply.sha256, ms: reply.ms };
    const error = Object.assign(new Error(reply.message), reply.code !== undefined ? { code: reply.code } : {});
    throw reply.content ? new ContentFailure(error) : error;
  }

  /** Stops the thread; any file it was writing is closed before this resolves. */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
