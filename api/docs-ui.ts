import path from 'node:path';
import express, { type Router } from 'express';

// /docs: Swagger UI (swagger-ui-dist) served from node_modules, never from a CDN. It renders
// /openapi.json with try-it-out, and its Authorize dialog fills the document's Bearer scheme.

export const DOCS_ASSETS_PATH = '/docs/assets';

const DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));
/** Only what the page loads: the dist folder also holds a demo page pointing at petstore.swagger.io. */
const DIST_FILES = new Set([
  'swagger-ui-bundle.js',
  'swagger-ui.css',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

// A file rather than an inline script, so the page's policy can forbid inline scripts.
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Shows x-roles: the API key roles each operation accepts.
    showExtensions: true,
    // The default sends the document to validator.swagger.io.
    validatorUrl: null,
    // The API key stays in the page's memory, not in localStorage.
    persistAuthorization: false,
  });
});
`;

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Recertify API</title>
<link rel="stylesheet" href="${DOCS_ASSETS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_ASSETS_PATH}/init.js"></script>
</body>
</html>
`;

/**
 * The page's own Content-Security-Policy: scripts, styles and API calls from this origin only,
 * nothing inline (test/ui/docs.test.ts watches for violations), icons also as data: URLs. Set by
 * the route, so it replaces whatever policy a middleware sets for the API's other answers.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The page's scripts, styles and icons. */
export function docsAssets(): Router {
  const router = express.Router();
  const cache = 'public, max-age=86400';
  router.get('/init.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', cache).send(INIT_SCRIPT);
  });
  router.get('/:file', (req, res, next) => {
    if (!DIST_FILES.has(req.params.file)) {
      next();
      return;
    }
    res.sendFile(req.params.file, { root: DIST, maxAge: '1d' }, (err) => {
      if (err) next(err);
    });
  });
  return router;
}
