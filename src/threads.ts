import { createRequire } from 'node:module';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Starts a worker thread on the script `name` beside `base` (a module's `import.meta.url`):
 * the compiled JavaScript when the caller runs from `dist/`, or, when it runs from
 * TypeScript source (tsx, vitest), the TypeScript file behind a bootstrap that registers
 * tsx first (Node 20 does not apply `--import` loaders to a worker's entry).
 * The worker gets no Node flags: some of the parent's are refused in workers.
 */
export function startWorker(base: string, name: string, options: { resourceLimits?: ResourceLimits; workerData?: unknown } = {}): Worker {
  const settings = { execArgv: [], resourceLimits: options.resourceLimits, workerData: options.workerData };
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, base), settings);
  const tsxApi = createRequire(base).resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, base).href;
  const bootstrap = `require(${JSON.stringify(tsxApi)}).register(); import(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { ...settings, eval: true });
}
