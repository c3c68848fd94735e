// Keyboard triage: which papers an action applies to (a multi-selection, else the focused
// paper), the actions themselves, and an undo for the last one.
import { SvelteSet } from "svelte/reactivity";

import * as api from "../api";
import { toApiError } from "../api";
import { STATUS_LABELS } from "../labels";
import { type CollectionChange, type Paper, type PaperId, type Status } from "../types";

/** What `u` reverts: a label for the notice and the inverse operation. */
interface UndoEntry {
  label: string;
  revert: () => Promise<Paper[] | Membership>;
}

/** Papers whose collections changed (the list, the detail pane and the sidebar follow). */
export interface Membership {
  ids: PaperId[];
  /** Set when a collection was renamed or moved (so a list scoped to it, or to a collection
   * under it, can follow the path). */
  renamed?: { from: string; to: string };
  /** Set when a collection was deleted (a list scoped to it goes back to the whole library). */
  deleted?: string;
}

export class Triage {
  /** Papers marked with `x` / Shift+click; empty means "the focused paper". */
  readonly marked = new SvelteSet<PaperId>();
  /** A short line for the status bar: what just happened, or what failed. */
  notice = $state<{ text: string; error: boolean } | null>(null);
  #undo = $state<UndoEntry | null>(null);
  readonly #apply: (papers: Paper[]) => void;
  readonly #regrouped: (change: Membership) => void;

  /**
   * `apply` receives every paper an action changed (to patch the list, detail and counts);
   * `regrouped` hears of papers that went into or out of a collection.
   */
  constructor(apply: (papers: Paper[]) => void, regrouped: (change: Membership) => void = () => {}) {
    this.#apply = apply;
    this.#regrouped = regrouped;
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

  /**
   * Puts `ids` in the collection at the path `name`, creating it when there is none. Undo takes
   * out exactly the papers that went in (and deletes the collection again if this created it).
   */
  async addToCollection(ids: PaperId[], name: string): Promise<void> {
    name = name.trim();
    if (ids.length === 0 || name === "") return;
    let change: CollectionChange | null = null;
    await this.#run(
      () => `${plural(change?.changed ?? 0)} added to “${change?.collection.path ?? name}”`,
      async () => {
        change = await api.addToCollection(name, ids);
        return { ids: change.changedIds };
      },
      () => ({
        label: `added to “${change!.collection.path}”`,
        revert: async () => {
          const { collection, changedIds, created } = change!;
          if (changedIds.length > 0) await api.removeFromCollection(collection.path, changedIds);
          if (created) await api.deleteCollection(collection.path);
          return { ids: changedIds, deleted: created ? collection.path : undefined };
        },
      }),
    );
  }

  /** Takes `ids` out of the collection `name`; undo puts back the ones that came out. */
  async removeFromCollection(ids: PaperId[], name: string): Promise<void> {
    if (ids.length === 0) return;
    let change: CollectionChange | null = null;
    await this.#run(
      () => `${plural(change?.changed ?? 0)} taken out of “${change?.collection.path ?? name}”`,
      async () => {
        change = await api.removeFromCollection(name, ids);
        return { ids: change.changedIds };
      },
      () => ({
        label: `taken out of “${change!.collection.path}”`,
        revert: async () => {
          const { collection, changedIds } = change!;
          if (changedIds.length > 0) await api.addToCollection(collection.path, changedIds);
          return { ids: changedIds };
        },
      }),
    );
  }

  /**
   * Renames or moves a collection (`newName` is its whole new path); undo gives it its old path
   * back. Resolves to the new path, or null.
   */
  async renameCollection(name: string, newName: string): Promise<string | null> {
    newName = newName.trim();
    if (newName === "" || newName === name) return null;
    let renamed: string | null = null;
    await this.#run(
      () => `Renamed “${name}” to “${renamed}”`,
      async () => {
        renamed = (await api.renameCollection(name, newName)).path;
        return { ids: [], renamed: { from: name, to: renamed } };
      },
      () => ({
        label: `renamed “${name}”`,
        revert: async () => {
          await api.renameCollection(renamed!, name);
          return { ids: [], renamed: { from: renamed!, to: name } };
        },
      }),
    );
    return renamed;
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
      this.#report(await entry.revert());
      this.notice = { text: `Undone: ${entry.label}`, error: false };
    } catch (err) {
      this.notice = { text: `Undo failed: ${toApiError(err).message}`, error: true };
    }
  }

  /** Runs `action`; `what` and `undo` may read what it answered (they are asked after it). */
  async #run(
    what: string | (() => string),
    action: () => Promise<Paper[] | Membership>,
    undo: UndoEntry | (() => UndoEntry),
  ): Promise<void> {
    try {
      this.#report(await action());
      this.#undo = typeof undo === "function" ? undo() : undo;
      this.notice = { text: `${typeof what === "function" ? what() : what} · u to undo`, error: false };
    } catch (err) {
      this.notice = { text: `Could not apply: ${toApiError(err).message}`, error: true };
    }
  }

  #report(result: Paper[] | Membership): void {
    if (Array.isArray(result)) this.#apply(result);
    else this.#regrouped(result);
  }
}

function plural(n: number): string {
  return n === 1 ? "1 paper" : `${n} papers`;
}
