import type { Plugin } from "vite";

/** Copies pdf.js's run-time data (cmaps, standard fonts, wasm, colour profiles) into `public/pdfjs/`. */
export function pdfjsAssets(): Plugin;
