import { defineConfig } from "vite";

// The console is built into the server's wwwroot and served by it; `npm run dev` serves it with live reload and
// forwards the API to a server on its default JSON port.
export default defineConfig({
  build: {
    outDir: "../../services/Metrics.Server/wwwroot",
    emptyOutDir: true,
    // The server's Content-Security-Policy allows no inline script or style: every asset is a file.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { "/v1": process.env.METRICS_JSON_URL ?? "http://127.0.0.1:5000" },
  },
});
