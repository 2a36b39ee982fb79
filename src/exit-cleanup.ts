/**
 * Clean-ups run as the process exits (Ctrl-C: the report command exits 130) for work still
 * under way: a report's temporary files, a print's browser and profile. Synchronous, as no
 * JavaScript runs after `exit`. One `exit` listener while any is registered, none otherwise.
 */
const pending = new Set<() => void>();

function runAll(): void {
  for (const cleanUp of pending) cleanUp();
}

/** Registers `cleanUp` to run if the process exits before the returned function is called. */
export function onExit(cleanUp: () => void): () => void {
  if (pending.size === 0) process.on('exit', runAll);
  pending.add(cleanUp);
  return () => {
    if (pending.delete(cleanUp) && pending.size === 0) process.off('exit', runAll);
  };
}
