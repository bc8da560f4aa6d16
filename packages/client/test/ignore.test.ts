import { describe, expect, it } from 'vitest';
import { applyUpdate } from '../src/index.js';
import { page, update } from './dom.js';

describe('data-st-ignore', () => {
  it('keeps a widget a script built when its region is replaced, and patches around it', () => {
    const { doc, root } = page('<!--[1--><p>v1</p><div id="chart" data-st-ignore></div><!--]-->');
    const chart = doc.getElementById('chart')!;
    // A chart library filled it in.
    chart.innerHTML = '<canvas></canvas>';
    applyUpdate(root, update('replace', '1', '<p>v2</p><div id="chart" data-st-ignore></div>'));
    expect(doc.getElementById('chart')).toBe(chart);
    expect(chart.innerHTML).toBe('<canvas></canvas>');
    expect(root.querySelector('p')!.textContent).toBe('v2');
  });

  it('keeps it when it sits deeper in the replaced content, also on a resync of the root', () => {
    const { doc, root } = page('<section><div id="map" data-st-ignore>server</div></section><!--[1-->a<!--]-->');
    const map = doc.getElementById('map')!;
    map.textContent = 'tiles';
    applyUpdate(root, update('replace', '0', '<section class="x"><div id="map" data-st-ignore>server</div></section><!--[1-->b<!--]-->'));
    expect(doc.getElementById('map')).toBe(map);
    expect(map.textContent).toBe('tiles');
    expect(root.querySelector('section')!.className).toBe('x');
  });

  it('takes the new element when the old one was not ignored, or the id changed', () => {
    const { doc, root } = page('<!--[1--><div id="w">old</div><!--]-->');
    const before = doc.getElementById('w');
    applyUpdate(root, update('replace', '1', '<div id="w" data-st-ignore>new</div>'));
    expect(doc.getElementById('w')).not.toBe(before);
    expect(doc.getElementById('w')!.textContent).toBe('new');
  });
});
