// One process serves every dashboard: a long loop over a file (parsing, checking, building
// rows) must let other requests in, or /health and the live updates stall until it ends.

/** Resolves on the event loop's next turn, after pending I/O. A resolved promise would not: microtasks run first. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A checkpoint to call often in a long loop: it yields to the event loop once `sliceMs` of work
 * has passed since the last yield, and is otherwise nearly free (a clock read).
 */
export function yieldEvery(sliceMs = 10): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < sliceMs) return undefined;
    return nextTurn().then(() => {
      since = performance.now();
    });
  };
}
