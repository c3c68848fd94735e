// A stand-in for the Rust commands in vitest: `mockIPC` replaces Tauri's IPC, and each test
// supplies handlers for the commands it exercises. Calls are recorded for assertions.
//
// The handlers are keyed by the names `invoke` sees, derived from the generated commands
// (./bindings.ts): a handler for a command that no longer exists, or one answering with the
// wrong shape, fails `npm run check`.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";

import type { Commands } from "../api";

/** `savedSearches` → `saved_searches`: a generated command's name as Rust (and `invoke`) has it. */
type SnakeCase<S extends string> = S extends `${infer C}${infer Rest}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<Rest>}`
  : S;

/** The name `invoke` is called with for each generated command. */
export type CommandName = SnakeCase<keyof Commands & string>;

type Answer<K extends keyof Commands> = Awaited<ReturnType<Commands[K]>>;

/** A mocked command: gets the `invoke` arguments by their camelCase names, answers its result. */
export type Handler<T = unknown> = (args: Record<string, any>) => T | Promise<T>;

/** Handlers for some of the generated commands, each answering that command's result type. */
export type Handlers = { [K in keyof Commands as SnakeCase<K & string>]?: Handler<Answer<K>> };

export interface Call {
  cmd: CommandName;
  args: Record<string, unknown>;
}

export function mockBackend(handlers: Handlers): { calls: Call[] } {
  const calls: Call[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd: cmd as CommandName, args });
    const handler = (handlers as Record<string, Handler | undefined>)[cmd];
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
