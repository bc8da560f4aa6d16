import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HANG_GUARD_MS } from '@statetemplate/test-utils';
import { compile } from '../src/index.js';
import { loadTemplates, TemplateFileError, type TemplateFiles } from '../src/files.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'statetemplate-files-'));
  await mkdir(join(dir, 'partials', 'deep'), { recursive: true });
  await writeFile(join(dir, 'layout.mustache'), '<main>{{> todo}}</main>');
  await writeFile(join(dir, 'todo.mustache'), '<ul>{{#items}}{{> partials/item}}{{/items}}</ul>');
  await writeFile(join(dir, 'partials', 'item.mustache'), '<li>{{> partials/deep/label}}</li>');
  await writeFile(join(dir, 'partials', 'deep', 'label.mustache'), '<b>{{text}}</b>');
  await writeFile(join(dir, 'notes.txt'), 'not a template');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Resolves with every name reported changed, once a report finds `done()`
 * true; fails instead of hanging when none does. A write is several file
 * events, so a reread may first see it half done: the test waits for the
 * state it expects, not for one report.
 */
function until(files: TemplateFiles, stops: (() => void)[], done: () => boolean): Promise<string[]> {
  const reported = new Set<string>();
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`not reported in ${HANG_GUARD_MS} ms; reported: ${JSON.stringify([...reported])}`)), HANG_GUARD_MS);
    const stop = files.watch((changed) => {
      for (const name of changed) reported.add(name);
      if (!done()) return;
      clearTimeout(guard);
      stop();
      resolve([...reported].sort());
    });
    stops.push(stop);
  });
}

const sourceOf = (files: TemplateFiles, name: string) => (files.names.includes(name) ? files.source(name) : undefined);

describe('loadTemplates', () => {
  it('names every template by its path from the directory, without the extension, with / separators', async () => {
    const files = await loadTemplates(dir);
    expect(files.names).toEqual(['layout', 'partials/deep/label', 'partials/item', 'todo']);
    expect(files.source('partials/item')).toBe('<li>{{> partials/deep/label}}</li>');
  });

  it('resolves partials by name over the same files, nested partials included', async () => {
    const files = await loadTemplates(dir);
    const template = compile(files.source('layout'), { partials: files.partials });
    expect(template.renderPlain({ items: [{ text: 'milk' }, { text: 'eggs' }] })).toBe('<main><ul><li><b>milk</b></li><li><b>eggs</b></li></ul></main>');
    expect(files.partials('missing')).toBeUndefined();
  });

  it('takes another extension, and follows links to files', async () => {
    await writeFile(join(dir, 'page.html'), '<p>{{x}}</p>');
    await symlink(join(dir, 'page.html'), join(dir, 'linked.html'));
    const files = await loadTemplates(dir, { extension: '.html' });
    expect(files.names).toEqual(['linked', 'page']);
    expect(files.source('linked')).toBe('<p>{{x}}</p>');
  });

  it('throws typed errors for an unknown name and an unreadable directory', async () => {
    const files = await loadTemplates(dir);
    expect(() => files.source('nope')).toThrow(TemplateFileError);
    expect(() => files.template('nope')).toThrow(expect.objectContaining({ code: 'unknown_template' }));
    await expect(loadTemplates(join(dir, 'absent'))).rejects.toMatchObject({ name: 'TemplateFileError', code: 'unreadable' });
    await expect(loadTemplates(join(dir, 'todo.mustache'))).rejects.toMatchObject({ code: 'unreadable' });
    await expect(loadTemplates(dir, { extension: '' })).rejects.toThrow(TypeError);
    await expect(loadTemplates(dir, { debounce: -1 })).rejects.toThrow(RangeError);
  });
});

describe('watch', () => {
  const stops: (() => void)[] = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  it('reports a changed file with its new source', async () => {
    const files = await loadTemplates(dir);
    const changed = until(files, stops, () => sourceOf(files, 'partials/deep/label') === '<i>{{text}}</i>');
    await writeFile(join(dir, 'partials', 'deep', 'label.mustache'), '<i>{{text}}</i>');
    expect(await changed).toEqual(['partials/deep/label']);
    expect(files.source('partials/deep/label')).toBe('<i>{{text}}</i>');
    expect(files.partials('partials/deep/label')).toBe('<i>{{text}}</i>');
  });

  it('reports added and removed files, in a new directory too', async () => {
    const files = await loadTemplates(dir);
    const added = until(files, stops, () => sourceOf(files, 'admin/users') === '<table></table>');
    await mkdir(join(dir, 'admin'));
    await writeFile(join(dir, 'admin', 'users.mustache'), '<table></table>');
    await writeFile(join(dir, 'other.txt'), 'ignored');
    expect(await added).toEqual(['admin/users']);
    expect(files.names).toContain('admin/users');
    const removed = until(files, stops, () => sourceOf(files, 'todo') === undefined);
    await unlink(join(dir, 'todo.mustache'));
    expect(await removed).toEqual(['todo']);
    expect(() => files.source('todo')).toThrow(TemplateFileError);
  });

  it('follows one template: its source is read anew, and its watch hears of its partials', async () => {
    const files = await loadTemplates(dir);
    const todo = files.template('todo');
    expect(todo.name).toBe('todo');
    const item = '<li class="x">{{text}}</li>';
    const heard = new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`no change heard in ${HANG_GUARD_MS} ms`)), HANG_GUARD_MS);
      stops.push(
        todo.watch(() => {
          if (todo.partials('partials/item') !== item) return;
          clearTimeout(guard);
          resolve();
        }),
      );
    });
    await writeFile(join(dir, 'partials', 'item.mustache'), item);
    await heard;
    expect(compile(todo.source, { partials: todo.partials }).renderPlain({ items: [{ text: 'a' }] })).toBe('<ul><li class="x">a</li></ul>');
  });

  it('tells onError, and throws nothing, when the directory cannot be watched', async () => {
    const errors: unknown[] = [];
    const files = await loadTemplates(dir, { onError: (error) => errors.push(error) });
    await rm(dir, { recursive: true });
    stops.push(files.watch(() => undefined));
    expect(errors).toEqual([expect.objectContaining({ code: 'ENOENT' })]);
  });

  it('stops: a stopped watch is told nothing, and the others still are', async () => {
    const files = await loadTemplates(dir);
    const told: string[][] = [];
    const stop = files.watch((changed) => told.push([...changed]));
    stop();
    const changed = until(files, stops, () => sourceOf(files, 'todo') === '<ol></ol>');
    await writeFile(join(dir, 'todo.mustache'), '<ol></ol>');
    expect(await changed).toEqual(['todo']);
    expect(told).toEqual([]);
  });
});
