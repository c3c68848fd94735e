// jsdom lacks ResizeObserver, which Svelte's `bind:clientHeight` uses; the list only needs it to
// exist (jsdom lays nothing out, so every size is 0 and the virtual list draws its overscan).
class NoResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

globalThis.ResizeObserver ??= NoResizeObserver as unknown as typeof ResizeObserver;
