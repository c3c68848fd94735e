// A stand-in for the Rust commands in vitest: `mockIPC` replaces Tauri's IPC, and each test
// supplies handlers for the commands it exercises. Calls are recorded for assertions.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";

export type Handler = (args: Record<string, unknown>) => unknown;

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

export function mockBackend(handlers: Record<string, Handler>): { calls: Call[] } {
  const calls: Call[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    const handler = handlers[cmd];
    if (!handler) throw { code: "internal", message: `no mock for ${cmd}` };
    return handler(args);
  });
  return { calls };
}

export { clearMocks };

/** A promise resolved from outside, to control the order in which answers arrive. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Resolves once every promise continuation already queued has run: a task is taken only when
 * the microtask queue is empty. An answer from the mocked backend travels through continuations
 * alone (no timer), so after a `deferred` is resolved, `await settled()` has seen it fully
 * handled, on a fast machine or a slow one.
 */
export function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
