// The same entity map as mustache.js, so stripped output matches Mustache.render byte for byte.
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '/': '&#x2F;',
  '`': '&#x60;',
  '=': '&#x3D;',
};
const SPECIAL = /[&<>"'`=/]/g;
const HAS_SPECIAL = /[&<>"'`=/]/;

export function escapeHtml(value: unknown): string {
  const text = String(value);
  return HAS_SPECIAL.test(text) ? text.replace(SPECIAL, (c) => ENTITIES[c]!) : text;
}
