// Files in and out: import through the system file dialog (with its report), export of the
// current list, and the open mirror's settings.
import * as api from "../api";
import { ApiError, toApiError } from "../api";
import type { ExportDone, ExportFormat, FileImportReport, ImportProgress, MirrorStatus, ZoteroProgress, ZoteroReport } from "../types";
import type { Filter } from "./search.svelte";

export class Files {
  /** An import or export is waiting on the dialog or the library. */
  busy = $state(false);
  progress = $state<ImportProgress | null>(null);
  report = $state<FileImportReport | null>(null);
  exported = $state<ExportDone | null>(null);
  mirror = $state<MirrorStatus | null>(null);
  error = $state<ApiError | null>(null);

  /** The Zotero import dialog, while open: Zotero's data directory when one was found. */
  zotero = $state<{ defaultDir: string | null } | null>(null);
  zoteroProgress = $state<ZoteroProgress | null>(null);
  zoteroReport = $state<ZoteroReport | null>(null);
  zoteroError = $state<ApiError | null>(null);
  zoteroRunning = $state(false);

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

  /** Opens the Zotero import dialog, with the data directory Zotero uses when there is one. */
  async openZotero(): Promise<void> {
    this.zoteroReport = null;
    this.zoteroError = null;
    let defaultDir: string | null = null;
    try {
      defaultDir = await api.zoteroDataDir();
    } catch (err) {
      this.zoteroError = toApiError(err);
    }
    this.zotero = { defaultDir };
  }

  /** Imports from Zotero's own folder (`fromDefault`) or one picked in the system's dialog. */
  async importZotero(fromDefault: boolean, dryRun: boolean): Promise<void> {
    if (this.zoteroRunning) return;
    this.zoteroRunning = true;
    this.zoteroError = null;
    this.zoteroProgress = null;
    try {
      const report = await api.importZotero(fromDefault, dryRun, (p) => (this.zoteroProgress = p));
      if (report) {
        this.zoteroReport = report;
        if (!report.dryRun) this.#changed();
      }
    } catch (err) {
      const e = toApiError(err);
      this.zoteroError = e.code === "cancelled" ? new ApiError("cancelled", "Import cancelled; nothing was written.") : e;
    } finally {
      this.zoteroRunning = false;
      this.zoteroProgress = null;
    }
  }

  async cancelZotero(): Promise<void> {
    await api.cancelZoteroImport();
  }

  closeZotero(): void {
    if (this.zoteroRunning) return;
    this.zotero = null;
    this.zoteroReport = null;
    this.zoteroError = null;
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
