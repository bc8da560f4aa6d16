const XHTML = 'http://www.w3.org/1999/xhtml';

/**
 * The DOM under `node` as text that names every namespace: elements and
 * attributes outside HTML's (and the null one) as `{namespace}name`, text and
 * comment data escaped. Two trees give the same text exactly when they agree
 * node for node in type, namespace, local name, attributes and data, which
 * serialising as HTML does not tell (an HTML `circle` prints like an SVG one).
 * An HTML <template>'s content, which is not among its children, follows
 * them after a `<#content>` line (`<` never starts text here, as it is escaped).
 */
export function domText(node: Node): string {
  if (node.nodeType === 3) return escapeText((node as Text).data);
  if (node.nodeType === 8) return `<!--${escapeText((node as Comment).data)}-->`;
  const children = Array.from(node.childNodes, domText).join('');
  if (node.nodeType !== 1) return children;
  const element = node as Element;
  const name = qualified(element);
  const attrs = Array.from(element.attributes, (a) => ` ${qualified(a)}="${escapeText(a.value)}"`).join('');
  const content = name === 'template' && element.namespaceURI === XHTML ? `\n<#content>\n${domText((element as HTMLTemplateElement).content)}` : '';
  return `<${name}${attrs}>${children}${content}</${name}>`;
}

function qualified({ namespaceURI, localName }: Element | Attr): string {
  return namespaceURI === null || namespaceURI === XHTML ? localName : `{${namespaceURI}}${localName}`;
}

function escapeText(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
