/**
 * Parses html with a `<template>`, whose content accepts any context:
 * `<tr>`, `<td>` and `<option>` survive where a `<div>` would drop them.
 * Scripts in it stay inert, as with innerHTML.
 */
export function parseHtml(doc: Document, html: string): DocumentFragment {
  const template = doc.createElement('template');
  template.innerHTML = html;
  return template.content;
}
