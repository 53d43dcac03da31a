// DOM reading shared by the adapters.

/** Matches of `selector` under root, root itself included when it matches. */
export function within<E extends Element = HTMLElement>(root: ParentNode, selector: string): E[] {
  const found = [...root.querySelectorAll<E>(selector)];
  if (root instanceof Element && root.matches(selector)) found.unshift(root as unknown as E);
  return found;
}

/** Climbs from el (exclusive) until test passes, at most maxDepth levels. */
export function ancestorWhere(
  el: Element,
  test: (a: HTMLElement) => boolean,
  maxDepth = 20,
): HTMLElement | null {
  let a = el.parentElement;
  for (let i = 0; a && i < maxDepth; i++, a = a.parentElement) if (test(a)) return a;
  return null;
}

/** Drops elements nested inside another element of the list (keeps the outermost). */
export function outermost<E extends Element>(list: E[]): E[] {
  return list.filter((el) => !list.some((other) => other !== el && other.contains(el)));
}

export function isTextInput(el: Element): el is HTMLInputElement | HTMLTextAreaElement {
  return el.tagName === 'TEXTAREA' || el.tagName === 'INPUT';
}
