/**
 * Output nobody reads any more (`| head -1`, `2>&1 | head -1`): its lines are dropped and the
 * run goes on, keeping its exit code and writing its report. Without a listener, a write to a
 * closed pipe is an 'error' event that ends the process (EPIPE). oclif ignores it for stdout
 * only; progress, timings and warnings go to stderr.
 */
export function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  if (stream.listeners('error').includes(onWriteError)) return;
  stream.on('error', onWriteError);
}

function onWriteError(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') return;
  throw error;
}
