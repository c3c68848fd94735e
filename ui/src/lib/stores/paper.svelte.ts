// The detail pane's state: the selected paper as the backend last returned it.
import * as api from "../api";
import { ApiError, toApiError } from "../api";
import type { Note, Paper, PaperId, Status } from "../types";

export class PaperView {
  selectedId = $state<PaperId | null>(null);
  paper = $state<Paper | null>(null);
  error = $state<ApiError | null>(null);
  /** Whether the selected paper has a PDF in the library (asked with the paper). */
  hasPdf = $state(false);

  #latest = 0;
  readonly #onChange: (paper: Paper) => void;

  /** `onChange` runs after every successful edit (to patch the list and refresh counts). */
  constructor(onChange: (paper: Paper) => void = () => {}) {
    this.#onChange = onChange;
  }

  async select(id: PaperId): Promise<void> {
    if (id === this.selectedId && this.paper?.id === id) return;
    this.selectedId = id;
    this.error = null;
    await this.#load(id);
  }

  /** Bumped when the note changed outside its editor ("Add to note"), to re-open the editor. */
  noteRevision = $state(0);

  /** Asks again for the selected paper after its note changed elsewhere, and shows that note. */
  async reloadNote(): Promise<void> {
    await this.reload();
    this.noteRevision++;
  }

  /** Asks again for the selected paper (after a change the backend answered without it). */
  async reload(): Promise<void> {
    if (this.selectedId) await this.#load(this.selectedId);
  }

  /** Fetches paper `id`; an answer overtaken by a newer request is dropped. */
  async #load(id: PaperId): Promise<void> {
    const ticket = ++this.#latest;
    try {
      const [paper, pdfs] = await Promise.all([api.getPaper(id), api.paperPdfs(id).catch(() => [])]);
      if (ticket === this.#latest) {
        this.paper = paper;
        this.hasPdf = pdfs.length > 0;
      }
    } catch (err) {
      if (ticket === this.#latest) this.error = toApiError(err);
    }
  }

  /** Shows a paper the backend just returned (e.g. one added), without asking for it again. */
  show(paper: Paper): void {
    ++this.#latest;
    this.selectedId = paper.id;
    this.paper = paper;
    this.hasPdf = false;
    this.error = null;
  }

  /** Adds the tags in `text` (split on commas and spaces). Returns false when nothing was sent or it failed. */
  addTags(text: string): Promise<boolean> {
    const tags = text
      .split(/[,\s]+/)
      .map((t) => t.trim())
      .filter((t) => t.length > 0);
    if (tags.length === 0) return Promise.resolve(false);
    return this.#edit((id) => api.addTags(id, tags));
  }

  removeTag(tag: string): Promise<boolean> {
    return this.#edit((id) => api.removeTags(id, [tag]));
  }

  setStatus(status: Status): Promise<boolean> {
    return this.#edit((id) => api.setStatus(id, status));
  }

  saveNote(body: string): Promise<boolean> {
    return this.#edit((id) => api.setNote(id, body));
  }

  /**
   * Saves the note of paper `id` as typed. Bound to the paper the editor was opened for, so a
   * save landing after another paper was selected still goes to the right one. Resolves to the
   * stored note (null when emptied), or false when the save failed.
   */
  autosaveNote(id: PaperId, body: string): Promise<Note | null | false> {
    return this.#noteEdit(() => api.autosaveNote(id, body));
  }

  /** Restores an earlier version of paper `id`'s note (the current text is kept in history). */
  restoreNote(id: PaperId, body: string): Promise<Note | null | false> {
    return this.#noteEdit(() => api.setNote(id, body));
  }

  noteHistory(id: PaperId): Promise<Note[]> {
    return api.noteHistory(id).catch((err) => {
      this.error = toApiError(err);
      return [];
    });
  }

  /** Applies a paper the backend returned after an edit made elsewhere (triage keys, undo). */
  apply(paper: Paper): void {
    if (this.paper?.id === paper.id) this.paper = paper;
    this.#onChange(paper);
  }

  async #noteEdit(f: () => Promise<Paper>): Promise<Note | null | false> {
    try {
      const paper = await f();
      // The note field only: the editor owns the text while it is open.
      if (this.paper?.id === paper.id) this.paper = { ...this.paper, note: paper.note, modifiedAt: paper.modifiedAt };
      this.error = null;
      this.#onChange(paper);
      return paper.note;
    } catch (err) {
      this.error = toApiError(err);
      return false;
    }
  }

  async #edit(f: (id: PaperId) => Promise<Paper>): Promise<boolean> {
    const id = this.paper?.id;
    if (!id) return false;
    try {
      const paper = await f(id);
      if (this.paper?.id === paper.id) this.paper = paper;
      this.error = null;
      this.#onChange(paper);
      return true;
    } catch (err) {
      this.error = toApiError(err);
      return false;
    }
  }
}
