import type { DomDocument, DomElement, DomNode } from './dom.interface';

const ELEMENT_NODE = 1;
const DOCUMENT_NODE = 9;

/** linkedom's own links: each node's `next` node in document order, and a parent's `end` marker. */
interface Links {
  next: symbol;
  end: symbol;
}

interface Linked {
  readonly [link: symbol]: Linked | undefined;
  readonly nodeType: number;
  readonly localName?: string;
}

/** Found on the first parent node walked; null when linkedom no longer keeps them (then the DOM API is walked). */
let links: Links | null | undefined;

function linksOf(root: object): Links | null {
  if (links !== undefined) return links;
  const symbols = Object.getOwnPropertySymbols(root);
  const next = symbols.find((symbol) => symbol.description === 'next');
  const end = symbols.find((symbol) => symbol.description === 'end');
  if (!next || !end) return null; // not a parent node: decide on the next one
  links = { next, end };
  return links;
}

/**
 * The elements below `root` whose tag is one of `tagNames`, in document order: what linkedom's
 * `root.querySelectorAll(tagNames.join(','))` returns for an HTML document (tag names compared
 * without regard to case, the contents of a `<template>` not searched).
 *
 * Without the selector: linkedom parses and compiles a selector with css-select on every
 * querySelector/querySelectorAll call, and on a page of a couple of hundred elements that costs
 * more than the walk itself. The walk follows linkedom's own list of nodes, as querySelectorAll
 * does: walking by firstChild and nextSibling costs about four times as much (each is a getter that
 * searches that list, on every kind of node).
 */
export function elementsWithTags(
  root: DomNode | DomDocument,
  tagNames: readonly string[],
): DomElement[] {
  const names = new Set(tagNames.map((name) => name.toLowerCase()));
  const linked = linksOf(root);
  if (linked === null) return walkElementsWithTags(root, names);
  const { next: NEXT, end: END } = linked;
  const found: DomElement[] = [];
  const end = (root as unknown as Linked)[END];
  let node = (root as unknown as Linked)[NEXT];
  while (node !== end && node !== undefined) {
    if (node.nodeType === ELEMENT_NODE) {
      const name = node.localName as string;
      if (names.has(name) || names.has(name.toLowerCase()))
        found.push(node as unknown as DomElement);
      node = name === 'template' ? node[END] : node[NEXT];
    } else {
      node = node[NEXT];
    }
  }
  return found;
}

/** elementsWithTags by the DOM API (exported for the spec). */
export function walkElementsWithTags(
  root: DomNode | DomDocument,
  names: Set<string>,
): DomElement[] {
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
      const name = element.localName;
      if (names.has(name) || names.has(name.toLowerCase())) found.push(element);
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
