// The one way API text goes into a Markdown tooltip. Pure: no `vscode` import (unit-tested in plain Node).
//
// Backslash escapes are not enough: VS Code also runs the raw Markdown source through an HTML parser (for the plain
// text fallback of every tree item's tooltip, at render time, without hovering), where `\<img src=x onerror=…\>` is
// still an <img> element and the workbench logs a CSP refusal of its inline handler. So `<`, `>` and `&` become
// character references (no markup at all in the source), the rest of Markdown's punctuation gets a backslash (no
// emphasis, links, images, code, headings or lists), `:` and `@` too (no autolinks), and line breaks become spaces (no
// new blocks). Never combine it with `supportHtml`.

const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/** API text as inert Markdown text: renders as exactly these characters, on one line. */
export function escapeMarkdown(text: unknown): string {
  return String(text ?? '')
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/[<>&]/g, (c) => ENTITIES[c])
    .replace(/[\\`*_{}[\]()#+\-.!|~:@]/g, (c) => `\\${c}`);
}
