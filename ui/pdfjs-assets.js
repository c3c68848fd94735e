// pdf.js reads character maps, the 14 standard fonts, its image decoders and colour profiles at
// run time. They are served by the app itself (nothing comes from the network), so they are
// copied from the package into `public/pdfjs/` (not committed) before the dev server or a build
// starts; the reader passes their URLs to pdf.js.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** @returns {import("vite").Plugin} */
export function pdfjsAssets() {
  return {
    name: "papershelf-pdfjs-assets",
    apply: (_, env) => env.mode !== "test",
    configResolved() {
      const from = join(here, "node_modules/pdfjs-dist");
      const to = join(here, "public/pdfjs");
      rmSync(to, { recursive: true, force: true });
      mkdirSync(to, { recursive: true });
      for (const dir of ["cmaps", "standard_fonts", "wasm", "iccs"]) {
        if (existsSync(join(from, dir))) cpSync(join(from, dir), join(to, dir), { recursive: true });
      }
    },
  };
}
