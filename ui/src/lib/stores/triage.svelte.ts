// Keyboard triage: which papers an action applies to (a multi-selection, else the focused
// paper), the actions themselves, and an undo for the last one.
import { SvelteSet } from "svelte/reactivity";

import * as api from "../api";
import { toApiError } from "../api";
import { STATUS_LABELS, type Paper, type PaperId, type Status } from "../types";

/** What `u` reverts: a label for the notice and the inverse operation. */
interface UndoEntry {
  label: string;
  revert: () => Promise<Paper[]>;
}

export class Triage {
  /** Papers marked with `x` / Shift+click; empty means "the focused paper". */
  readonly marked = new SvelteSet<PaperId>();
  /** A short line for the status bar: what just happened, or what failed. */
  notice = $state<{ text: string; error: boolean } | null>(null);
  #undo = $state<UndoEntry | null>(null);
  readonly #apply: (papers: Paper[]) => void;

  /** `apply` receives every paper an action changed (to patch the list, detail and counts). */
  constructor(apply: (papers: Paper[]) => void) {
    this.#apply = apply;
  }

  get canUndo(): boolean {
    return this.#undo !== null;
  }

  /** The papers an action applies to: the marked ones, else the focused one. */
  targets(focused: PaperId | null): PaperId[] {
    if (this.marked.size > 0) return [...this.marked];
    return focused ? [focused] : [];
  }

  toggleMark(id: PaperId): void {
    if (this.marked.has(id)) this.marked.delete(id);
    else this.marked.add(id);
  }

  clearMarks(): void {
    this.marked.clear();
  }

  /**
   * Sets `status` on `ids`; `previous` gives each paper's status before (for undo). Undo puts
   * every paper back to its own earlier status.
   */
  async setStatus(ids: PaperId[], status: Status, previous: (id: PaperId) => Status | undefined): Promise<void> {
    if (ids.length === 0) return;
    const before = new Map<Status, PaperId[]>();
    for (const id of ids) {
      const s = previous(id);
      if (s && s !== status) before.set(s, [...(before.get(s) ?? []), id]);
    }
    const what = `${plural(ids.length)} → ${STATUS_LABELS[status]}`;
    await this.#run(what, () => api.setStatusMany(ids, status), {
      label: what,
      revert: async () => {
        const out: Paper[] = [];
        for (const [s, group] of before) out.push(...(await api.setStatusMany(group, s)));
        return out;
      },
    });
  }

  /** Adds tags to `ids`; undo removes the ones each paper did not have. */
  async addTags(ids: PaperId[], text: string, tagsOf: (id: PaperId) => string[] | undefined): Promise<void> {
    const tags = text
      .split(/[,\s]+/)
      .map((t) => t.trim().replace(/^#/, ""))
      .filter((t) => t.length > 0);
    if (ids.length === 0 || tags.length === 0) return;
    const added = new Map(ids.map((id) => [id, tags.filter((t) => !(tagsOf(id) ?? []).includes(t))]));
    const what = `${plural(ids.length)} tagged ${tags.map((t) => `#${t}`).join(" ")}`;
    await this.#run(
      what,
      async () => Promise.all(ids.map((id) => api.addTags(id, tags))),
      {
        label: what,
        revert: async () =>
          Promise.all(
            [...added].filter(([, t]) => t.length > 0).map(([id, t]) => api.removeTags(id, t)),
          ),
      },
    );
  }

  /** Reverts the last action, once. */
  async undo(): Promise<void> {
    const entry = this.#undo;
    if (!entry) {
      this.notice = { text: "Nothing to undo", error: false };
      return;
    }
    this.#undo = null;
    try {
      this.#apply(await entry.revert());
      this.notice = { text: `Undone: ${entry.label}`, error: false };
    } catch (err) {
      this.notice = { text: `Undo failed: ${toApiError(err).message}`, error: true };
    }
  }

  async #run(what: string, action: () => Promise<Paper[]>, undo: UndoEntry): Promise<void> {
    try {
      this.#apply(await action());
      this.#undo = undo;
      this.notice = { text: `${what} · u to undo`, error: false };
    } catch (err) {
      this.notice = { text: `Could not apply: ${toApiError(err).message}`, error: true };
    }
  }
}

function plural(n: number): string {
  return n === 1 ? "1 paper" : `${n} papers`;
}
