import { defineConfig } from "vite";

// No React plugin: esbuild's automatic JSX runtime is all the dashboard needs.
export default defineConfig({
  esbuild: { jsx: "automatic" },
  build: { outDir: "dist", chunkSizeWarningLimit: 1500 },
});
