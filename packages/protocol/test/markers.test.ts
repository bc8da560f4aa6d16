import { describe, expect, it } from 'vitest';
import { decodeKey, encodeKey, escapeMarkers, isWithin, itemMarker, parseFragmentId, parseMarker, regionStart, REGION_END, ROOT_ID, stripAnnotations } from '../src/index.js';

describe('markers', () => {
  it('encodes any key into comment-safe characters and back', () => {
    for (const key of ['42', 'a-b', '-->', 'x/y:z', 'é ü', "'()*!~.", '']) {
      const enc = encodeKey(key);
      expect(enc).toMatch(/^[\w%]*$/);
      expect(decodeKey(enc)).toBe(key);
    }
  });

  it('recognises its own markers and nothing else', () => {
    expect(parseMarker('[1a')).toEqual({ kind: 'start', id: '1a' });
    expect(parseMarker(']')).toEqual({ kind: 'end' });
    expect(parseMarker(':a%2D1')).toEqual({ kind: 'item', key: 'a%2D1' });
    expect(parseMarker('[if IE]')).toBeNull();
    expect(parseMarker(' user comment ')).toBeNull();
  });

  it('strips exactly the markers', () => {
    const html = `${regionStart('3')}<li>${itemMarker('7')}x</li><!-- keep -->${REGION_END}`;
    expect(stripAnnotations(html)).toBe('<li>x</li><!-- keep -->');
  });

  it('escapes marker-shaped comments of data so that stripping gives the data back', () => {
    for (const data of ['<!--]-->', '<!--[2-->x<!--]-->', '<!--:k1-->', '<!--!]-->', '<!--!!:a%2D-->', '<!-- note -->', 'a<!--]--b']) {
      const escaped = escapeMarkers(data);
      for (const match of escaped.matchAll(/<!--(.*?)-->/g)) expect(parseMarker(match[1]!)).toBeNull();
      expect(stripAnnotations(`${regionStart('1')}${escaped}${REGION_END}`)).toBe(data);
    }
    expect(escapeMarkers('<!--]-->')).toBe('<!--!]-->');
  });

  it('parses fragment id paths', () => {
    expect(parseFragmentId('3:42/5')).toEqual([{ region: '3', key: '42' }, { region: '5' }]);
    expect(parseFragmentId('7')).toEqual([{ region: '7' }]);
  });
});

describe('isWithin', () => {
  it('tells containment from the id path', () => {
    expect(isWithin('3/5', '3')).toBe(true);
    expect(isWithin('3:42/7', '3')).toBe(true);
    expect(isWithin('3:42', '3:42')).toBe(true);
    expect(isWithin('35', '3')).toBe(false);
    expect(isWithin('3:421', '3:42')).toBe(false);
    expect(isWithin('9', ROOT_ID)).toBe(true);
  });
});
