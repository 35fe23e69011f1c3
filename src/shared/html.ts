/** Text made safe to place in HTML, in element content and in quoted attribute values. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A small server-rendered page: no script, no outside resources, no framing, only its own
 * inline style. `formAction` names where its forms may post ('none' when it has none).
 */
export function scriptFreePolicy(formAction: string): string {
  return `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
}

const BASE_STYLE = 'body{font-family:system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem}';

/** The page's HTML; `title` is escaped here, `head` and `body` must already be safe HTML. */
export function htmlPage(page: { title: string; style?: string; head?: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${page.head ?? ''}<title>${escapeHtml(page.title)}</title>
<style>${BASE_STYLE}${page.style ?? ''}</style>
</head>
<body>
${page.body}
</body>
</html>
`;
}
