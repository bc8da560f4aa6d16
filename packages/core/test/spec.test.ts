import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
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

interface Group {
  title: string;
  modules: string[];
  cases: number;
}

const GROUPS: Group[] = [
  { title: 'core modules', modules: ['comments', 'delimiters', 'interpolation', 'inverted', 'partials', 'sections'], cases: 136 },
  { title: 'optional modules', modules: ['~inheritance', '~dynamic-names', '~lambdas'], cases: 58 },
];
const shared = sharedDir();
const spec = requireResource('../shared/mustache-spec', shared !== null, 'the Mustache spec lives in ../shared beside the repository');

function load(module: string): SpecCase[] {
  return (JSON.parse(readFileSync(join(shared!, 'mustache-spec', `${module}.json`), 'utf8')) as { tests: SpecCase[] }).tests;
}

/** Without the spec, one skipped stand-in per case, so the summary counts every test the missing spec hides. */
function standIns(count: number): (SpecCase & { module: string; next: unknown })[] {
  return Array.from({ length: count }, (_, i) => ({ module: 'spec', name: `case ${i + 1}`, desc: '', data: null, template: '', expected: '', next: null }));
}

/**
 * A lambda, which the spec gives as source per language (`{ __tag__: 'code', js }`),
 * evaluated in a realm of its own so that a counter it keeps starts afresh.
 * `each`: a new realm for every call, which makes a lambda that counts its
 * calls give the same output each time: a diff calls a function to compare
 * it and again to render it, so such a lambda never reaches the state of one render.
 */
function lambda(js: string, each: boolean): unknown {
  const make = () => runInNewContext(`(${js})`) as (...args: unknown[]) => unknown;
  const fn = make();
  if (!each) return fn;
  const fresh = function (this: unknown, ...args: unknown[]) {
    return make().apply(this, args);
  };
  return Object.defineProperty(fresh, 'length', { value: fn.length });
}

/** The case's data with its lambdas made functions; a new copy every call. */
function build(value: unknown, each = false): unknown {
  if (Array.isArray(value)) return value.map((v) => build(v, each));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (record.__tag__ === 'code') return lambda(record.js as string, each);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, build(v, each)]));
}

for (const group of GROUPS) {
  describe(`Mustache spec conformance (${group.title})`, needs(spec), () => {
    const cases = spec.available
      ? group.modules.flatMap((module) => {
          const tests = load(module);
          // Each case's "other data" for the round trip is the next case's.
          return tests.map((c, i) => ({ module, ...c, next: tests[(i + 1) % tests.length]!.data }));
        })
      : standIns(group.cases);

    it(`runs all ${group.cases} cases of the ${group.title}`, () => {
      expect(cases).toHaveLength(group.cases);
    });

    describe.each(cases)('$module: $name', (c) => {
      // The spec's interpolation lambdas are templates: the option that makes them so (the default keeps a function's result text).
      const template = () => compile(c.template, { partials: c.partials, interpolationLambdas: 'template' });

      it('renders the expected output', () => {
        expect(template().renderPlain(build(c.data))).toBe(c.expected);
      });

      it('renders annotated HTML that strips to the expected output', () => {
        expect(stripAnnotations(template().render(build(c.data)).html)).toBe(c.expected);
      });

      it('reaches the same state from an empty snapshot through updates', () => {
        const t = template();
        const { state } = t.render({});
        t.update(state, build(c.data, true));
        expect(state).toEqual(t.render(build(c.data, true)).state);
      });

      it('comes back to the same state after an update to other data and back', () => {
        const t = template();
        const { state } = t.render(build(c.data, true));
        t.update(state, build(c.next, true));
        t.update(state, build(c.data, true));
        expect(state).toEqual(t.render(build(c.data, true)).state);
      });
    });
  });
}
