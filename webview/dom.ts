/**
 * The only way the dashboard builds DOM: createElement / createElementNS plus textContent. There is no innerHTML
 * anywhere in webview/, so ticket text, merchant ids, codes and LLM output can only ever become text nodes.
 */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string | number,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

export function append(parent: Node, ...children: (Node | string | false | null | undefined)[]): void {
  for (const c of children) {
    if (c === false || c === null || c === undefined) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** SVG element with numeric/enumerated attributes only (never data-driven attribute names). */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A text badge: icon + word, so meaning never rests on colour alone. */
export function badge(b: { label: string; icon: string; tone: string }, extra = ''): HTMLSpanElement {
  const span = el('span', `badge ${b.tone}${extra ? ` ${extra}` : ''}`);
  const icon = el('span', 'badge-icon', b.icon);
  icon.setAttribute('aria-hidden', 'true');
  append(span, icon, el('span', 'badge-label', b.label));
  return span;
}

export function button(label: string, className: string, onClick: (ev: MouseEvent) => void, title?: string): HTMLButtonElement {
  const b = el('button', className, label);
  b.type = 'button';
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}
