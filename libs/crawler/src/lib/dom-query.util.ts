import type { DomDocument, DomElement, DomNode } from './dom.interface';

const ELEMENT_NODE = 1;
const DOCUMENT_NODE = 9;

/**
 * The elements below `root` whose tag is one of `tagNames`, in document order: what linkedom's
 * `root.querySelectorAll(tagNames.join(','))` returns for an HTML document (tag names compared
 * without regard to case, the contents of a `<template>` not searched).
 *
 * Without the selector: linkedom parses and compiles a selector with css-select on every
 * querySelector/querySelectorAll call, and on a page of a couple of hundred elements that costs
 * more than the walk itself.
 */
export function elementsWithTags(
  root: DomNode | DomDocument,
  tagNames: readonly string[],
): DomElement[] {
  const names = new Set(tagNames.map((name) => name.toLowerCase()));
  const found: DomElement[] = [];
  // linkedom's doctype answers null for nextSibling, so a document is walked from its first element
  // (nothing but a doctype and comments can come before it).
  let node =
    root.nodeType === DOCUMENT_NODE
      ? ((root as DomDocument).documentElement as DomNode | null)
      : root.firstChild;
  while (node !== null) {
    if (node.nodeType === ELEMENT_NODE) {
      const element = node as DomElement;
      if (names.has(element.localName.toLowerCase())) found.push(element);
      const child = element.localName === 'template' ? null : element.firstChild;
      if (child !== null) {
        node = child;
        continue;
      }
    }
    // No child to go down to: the next sibling of this node or of its nearest ancestor below root.
    while (node !== root && node.nextSibling === null) node = node.parentNode as DomNode;
    node = node === root ? null : node.nextSibling;
  }
  return found;
}
