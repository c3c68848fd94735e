// Files in and out: import through the system file dialog (with its report), export of the
// current list, and the open mirror's settings.
import * as api from "../api";
import { ApiError, toApiError } from "../api";
import type { ExportDone, ExportFormat, FileImportReport, ImportProgress, MirrorStatus } from "../types";
import type { Filter } from "./search.svelte";

export class Files {
  /** An import or export is waiting on the dialog or the library. */
  busy = $state(false);
  progress = $state<ImportProgress | null>(null);
  report = $state<FileImportReport | null>(null);
  exported = $state<ExportDone | null>(null);
  mirror = $state<MirrorStatus | null>(null);
  error = $state<ApiError | null>(null);

  /** Called after anything that changed the library (so the list and counts refresh). */
  readonly #changed: () => void;

  constructor(changed: () => void) {
    this.#changed = changed;
  }

  async importFile(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.progress = null;
    try {
      const report = await api.importFile(null, (p) => (this.progress = p));
      if (report) {
        this.report = report;
        this.#changed();
      }
    } catch (err) {
      this.error = toApiError(err);
    } finally {
      this.busy = false;
      this.progress = null;
    }
  }

  /** Exports what `query` finds within the sidebar scope `filter`. */
  async exportList(format: ExportFormat, query: string, filter: Filter): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      this.exported = await api.exportPapers(format, query, filter.status, filter.tag, filter.collection);
    } catch (err) {
      this.error = toApiError(err);
    } finally {
      this.busy = false;
    }
  }

  async loadMirror(): Promise<void> {
    await this.#mirror(api.mirrorStatus);
  }

  async enableMirror(): Promise<void> {
    await this.#mirror(api.mirrorEnable);
  }

  async disableMirror(): Promise<void> {
    await this.#mirror(api.mirrorDisable);
  }

  async rebuildMirror(): Promise<void> {
    await this.#mirror(api.mirrorRebuild);
  }

  async #mirror(call: () => Promise<MirrorStatus | null>): Promise<void> {
    try {
      const status = await call();
      if (status) this.mirror = status;
      this.error = null;
    } catch (err) {
      this.error = toApiError(err);
      // The status records the failure too; show the latest.
      this.mirror = await api.mirrorStatus().catch(() => this.mirror);
    }
  }
}
