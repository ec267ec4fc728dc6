// Copies the REST reference into dist/ after `vite build`, where Envoy serves every file at its
// own path: the OpenAPI document that `satmon gen` writes (at /api/v1/openapi.json) and a Swagger UI
// page that reads it (at /api/v1/docs/). Swagger UI comes from the swagger-ui-dist package.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const api = join(web, "dist", "api", "v1");
const docs = join(api, "docs");
mkdirSync(docs, { recursive: true });
copyFileSync(join(web, "..", "gen", "openapi", "satmon.openapi.json"), join(api, "openapi.json"));
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  copyFileSync(join(web, "node_modules", "swagger-ui-dist", file), join(docs, file));
}
writeFileSync(join(docs, "index.html"), `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>satmon REST API</title>
  <link rel="stylesheet" href="/api/v1/docs/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/api/v1/docs/swagger-ui-bundle.js"></script>
  <script>
    // "Authorize" takes the bearer token as \`Bearer <token>\`; "Try it out" calls this Envoy.
    window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#reference", deepLinking: true });
  </script>
</body>
</html>
`);
