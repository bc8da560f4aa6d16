// docs/benchmarks.svg: CPU time and bytes per update, per scenario and contender.
import { bytes, micros, number } from './markdown.mjs';
import { barChart } from './svg-chart.mjs';

const SERIES = [
  { id: 'core', name: 'StateTemplate core', color: '#1d4ed8' },
  { id: 'session', name: 'StateTemplate session', color: '#60a5fa' },
  { id: 'full', name: 'Full HTML (Mustache)', color: '#9ca3af' },
  { id: 'liveviewjs', name: 'LiveViewJS 0.8', color: '#f97316' },
];

const size = (count) => (count >= 1000 ? `${number(count / 1000)} KB` : bytes(count));

export function chart(scenarios) {
  const figure = (key) => (id, c) => scenarios[c].contenders[id][key];
  return barChart({
    title: 'Per update, same pages and changes (log scale; lower is better)',
    categories: scenarios.map((s) => s.short.split(' ')),
    series: SERIES,
    panels: [
      { title: 'CPU time per update', format: micros, value: figure('cpuUs') },
      { title: 'Bytes on the wire per update', format: size, value: figure('bytes'), marks: [{ value: 150, label: '150 B, the one-item target' }] },
    ],
  });
}
