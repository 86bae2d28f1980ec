import type { OpenApiDocument } from './openapi';

// A human-readable page rendered from the OpenAPI document: self-contained (no CDN, no script).

const escape = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  'x-roles': string[];
  parameters: { name: string; in: string; required: boolean; description?: string }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { description: string }>;
}

function renderOperation(method: string, path: string, op: Operation): string {
  const roles = op['x-roles'].length > 0 ? op['x-roles'].join(', ') : 'public';
  const params = op.parameters
    .map(
      (p) =>
        `<li><code>${escape(p.name)}</code> (${escape(p.in)}${p.required ? ', required' : ''})${
          p.description ? ` — ${escape(p.description)}` : ''
        }</li>`,
    )
    .join('');
  // JSON routes show their schema; text routes (CSV/NDJSON imports) show their media types.
  const body = Object.entries(op.requestBody?.content ?? {})
    .map(
      ([mediaType, { schema }]) =>
        `<h4>Body (${escape(mediaType)})</h4>${schema ? `<pre>${escape(JSON.stringify(schema, null, 2))}</pre>` : ''}`,
    )
    .join('');
  const responses = Object.entries(op.responses)
    .map(([status, r]) => `<li><b>${escape(status)}</b> ${escape(r.description)}</li>`)
    .join('');
  return `<section id="${escape(op.operationId)}">
<h3><span class="m ${escape(method)}">${escape(method.toUpperCase())}</span> <code>${escape(path)}</code></h3>
<p>${escape(op.summary)} <span class="roles">Roles: ${escape(roles)}</span></p>
${op.description ? `<p>${escape(op.description)}</p>` : ''}
${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}${body}
<h4>Responses</h4><ul>${responses}</ul>
</section>`;
}

export function renderDocsPage(doc: OpenApiDocument): string {
  const sections: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      sections.push(renderOperation(method, path, op as unknown as Operation));
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}
.m{display:inline-block;min-width:3.5em;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:0 .3em}
.get{background:#2b7bb9}.post{background:#3a9d5d}.roles{color:#666;font-size:13px;margin-left:.5em}
</style></head><body>
<h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description)}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escape(doc.openapi)}).</p>
${sections.join('\n')}
</body></html>`;
}
