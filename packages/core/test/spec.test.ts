import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { needs, requireResource, sharedDir } from '@statetemplate/test-utils';
import { describe, expect, it } from 'vitest';
import { compile, stripAnnotations } from '../src/index.js';

interface SpecCase {
  name: string;
  desc: string;
  data: unknown;
  template: string;
  partials?: Record<string, string>;
  expected: string;
}

const MODULES = ['comments', 'delimiters', 'interpolation', 'inverted', 'partials', 'sections'];
const CASES = 136;
const shared = sharedDir();
const spec = requireResource('../shared/mustache-spec', shared !== null, 'the Mustache spec lives in ../shared beside the repository');

function load(module: string): SpecCase[] {
  return (JSON.parse(readFileSync(join(shared!, 'mustache-spec', `${module}.json`), 'utf8')) as { tests: SpecCase[] }).tests;
}

/** Without the spec, one skipped stand-in per case, so the summary counts every test the missing spec hides. */
function standIns(): (SpecCase & { module: string })[] {
  return Array.from({ length: CASES }, (_, i) => ({ module: 'spec', name: `case ${i + 1}`, desc: '', data: null, template: '', expected: '' }));
}

describe('Mustache spec conformance (core modules)', needs(spec), () => {
  const cases = spec.available ? MODULES.flatMap((module) => load(module).map((c) => ({ module, ...c }))) : standIns();

  it(`runs all ${CASES} cases of the core modules`, () => {
    expect(cases).toHaveLength(CASES);
  });

  describe.each(cases)('$module: $name', (c) => {
    it('renders the expected output', () => {
      expect(compile(c.template, { partials: c.partials }).renderPlain(c.data)).toBe(c.expected);
    });

    it('renders annotated HTML that strips to the expected output', () => {
      const { html } = compile(c.template, { partials: c.partials }).render(c.data);
      expect(stripAnnotations(html)).toBe(c.expected);
    });

    it('reaches the same state from an empty snapshot through updates', () => {
      const template = compile(c.template, { partials: c.partials });
      const { state } = template.render({});
      template.update(state, c.data);
      expect(state).toEqual(template.render(c.data).state);
    });
  });
});
