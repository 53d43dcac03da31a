// A tiny HTML builder for server-rendered pages: every text and attribute value is escaped, and
// only Html values (built here) are inserted as markup.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Child = Html | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined>;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function render(child: Child): string {
  if (child === null || child === undefined || child === false) return '';
  if (Array.isArray(child)) return child.map(render).join('');
  if (child instanceof Html) return child.value;
  return escapeHtml(String(child));
}

const VOID = new Set(['br', 'input', 'meta', 'link', 'img', 'hr']);

export function h(tag: string, attrs: Attrs | null, ...children: Child[]): Html {
  let open = `<${tag}`;
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    open += v === true ? ` ${k}` : ` ${k}="${escapeHtml(String(v))}"`;
  }
  if (VOID.has(tag)) return new Html(`${open}>`);
  return new Html(`${open}>${render(children)}</${tag}>`);
}

export function fragment(...children: Child[]): Html {
  return new Html(render(children));
}

/** Plain text with line breaks as <br>, the way Gmail shows text/plain bodies. */
export function textWithBreaks(text: string): Html {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  return new Html(lines.map((l) => escapeHtml(l)).join('<br>'));
}
