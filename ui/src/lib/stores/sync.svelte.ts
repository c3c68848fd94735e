// Subscriptions and "Sync now": the feeds followed, a running sync's progress, and the last
// sync's outcome (new papers, or which source failed and why).
import * as api from "../api";
import { ApiError, toApiError } from "../api";
import type { Failure, Subscription, SubscriptionKind, SyncEvent, SyncReport } from "../types";

export const KIND_LABELS: Record<SubscriptionKind, string> = {
  "hf-daily": "HF Daily Papers",
  "hf-search": "HF search",
  "arxiv-category": "arXiv category",
  "arxiv-query": "arXiv query",
};

/** A feed as people read it: its kind, then its query when it has one (`HF search diffusion`). */
export function feedLabel(s: Pick<Subscription, "kind" | "query">): string {
  return s.query ? `${KIND_LABELS[s.kind]} ${s.query}` : KIND_LABELS[s.kind];
}

export class SyncView {
  subscriptions = $state<Subscription[]>([]);
  running = $state(false);
  cancelling = $state(false);
  /** What the running sync is doing now, for people. */
  progress = $state("");
  /** New papers so far in the running sync. */
  added = $state(0);
  report = $state<SyncReport | null>(null);
  error = $state<ApiError | null>(null);
  readonly #onDone: () => void;

  /** `onDone` runs after a sync (to refresh the list and the counts). */
  constructor(onDone: () => void = () => {}) {
    this.#onDone = onDone;
  }

  async load(): Promise<void> {
    try {
      this.subscriptions = await api.listSubscriptions();
    } catch (err) {
      this.error = toApiError(err);
    }
  }

  async subscribe(kind: SubscriptionKind, query: string): Promise<boolean> {
    try {
      await api.subscribe(kind, query);
      this.error = null;
      await this.load();
      return true;
    } catch (err) {
      this.error = toApiError(err);
      return false;
    }
  }

  async unsubscribe(id: number): Promise<void> {
    try {
      await api.unsubscribe(id);
      await this.load();
    } catch (err) {
      this.error = toApiError(err);
    }
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.cancelling = false;
    this.added = 0;
    this.progress = "Starting…";
    // The last run's failures would read as this run's while it is still trying again.
    this.report = null;
    this.error = null;
    try {
      this.report = await api.syncNow((e) => this.#onEvent(e));
    } catch (err) {
      this.error = toApiError(err);
    } finally {
      this.running = false;
      this.progress = "";
      await this.load();
      this.#onDone();
    }
  }

  async cancel(): Promise<void> {
    if (!this.running) return;
    this.cancelling = true;
    await api.cancelSync().catch(() => false);
  }

  /** The sources that failed in the last sync, with what happened. */
  get failures(): string[] {
    const r = this.report;
    if (!r) return [];
    const parts: [string, Failure | null | undefined][] = [
      ...r.subscriptions.map((s): [string, Failure | null] => [s.label, s.error]),
      ["Semantic Scholar", r.enrichment?.error],
      ["References", r.graph?.error],
    ];
    // A cancelled sync stops the part under way; that part did not fail.
    return parts.flatMap(([what, failure]) =>
      failure && failure.code !== "cancelled" ? [`${what}: ${failure.message}`] : [],
    );
  }

  get lastAdded(): number {
    return this.report?.subscriptions.reduce((n, s) => n + s.added, 0) ?? 0;
  }

  #onEvent(e: SyncEvent): void {
    switch (e.event) {
      case "started":
        this.progress = e.label;
        break;
      case "page":
        this.added += e.added;
        this.progress = e.not_modified ? `${e.unit}: unchanged` : `${e.unit}: ${e.papers} papers, ${e.added} new`;
        break;
      case "enriched":
        this.progress = `Semantic Scholar: ${e.asked}/${e.total}`;
        break;
      case "graph":
        this.progress = `References of ${e.paper}`;
        break;
    }
  }
}
