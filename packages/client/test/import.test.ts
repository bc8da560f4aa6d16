import { describe, expect, it } from 'vitest';

describe('module loading', () => {
  it('imports without a global document, window or Node (server-side rendering, workers)', async () => {
    expect(['document', 'window', 'Node', 'NodeFilter'].filter((name) => name in globalThis)).toEqual([]);
    const client = await import('../src/index.js');
    expect(Object.keys(client).sort()).toEqual(['ApplyError', 'applyUpdate', 'applyUpdates', 'connect']);
  });
});
