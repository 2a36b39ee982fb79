/**
 * Garbage collected between the report's phases when the heap is large. A month of many IoT
 * events keeps a large model (~120 MB of heap at 100,000 events), and each phase (the build,
 * the findings, each output) leaves as much again of garbage. V8 sizes the heap from what it
 * last found alive, so a phase that starts among the previous one's garbage grows the heap
 * further, and the process keeps what it grew to: the run's peak RSS was set while the PDF
 * rendered. Collected at the end of the phase that made it, the garbage is gone before the
 * next phase allocates. At 100,000 events, every format (`json,csv,html,pdf,md`): peak RSS
 * 372-398 -> 352-363 MB (3 runs each, and the bench's fourteenth and fifteenth runs), two collections in the run (after the build and after
 * the HTML) of 0.11-0.15 s each; a month of the bench's scales never holds enough heap to collect.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** Node's `gc()`, as `--expose-gc` would give it, without that flag on the command line. */
function fullCollector(): (() => void) | null {
  const global = (globalThis as { gc?: () => void }).gc;
  if (typeof global === 'function') return global;
  // The flag exposes `gc` in contexts made after it is set: one is made, then the flag is put back.
  v8.setFlagsFromString('--expose-gc');
  try {
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}

export interface PhaseCollectorOptions {
  /** Heap in use below which nothing is collected (bytes). */
  minBytes?: number;
  /** Collected only when the heap in use is at least this many times what the last collection left: at 100,000 events, the build's and the HTML's garbage. */
  growth?: number;
  /** The collector (tests); default Node's full collection. */
  collect?: () => void;
  /** Heap in use (tests); default V8's count. */
  heapUsed?: () => number;
}

/** Collects, at the end of a phase, what the phase left behind, when there is much of it (above). */
export class PhaseCollector {
  private readonly minBytes: number;
  private readonly growth: number;
  private readonly heapUsed: () => number;
  private collect: (() => void) | null | undefined;
  /** What the last collection left in use. */
  private left = 0;

  constructor(options: PhaseCollectorOptions = {}) {
    this.minBytes = options.minBytes ?? 128 * 2 ** 20;
    this.growth = options.growth ?? 1.4;
    this.heapUsed = options.heapUsed ?? (() => v8.getHeapStatistics().used_heap_size);
    this.collect = options.collect;
  }

  /** Collects when the heap in use is large and has grown since the last collection; says whether it did. */
  afterPhase(): boolean {
    const used = this.heapUsed();
    if (used < this.minBytes || used < this.left * this.growth) return false;
    this.collect ??= fullCollector();
    if (this.collect === null) return false;
    this.collect();
    this.left = this.heapUsed();
    return true;
  }
}
