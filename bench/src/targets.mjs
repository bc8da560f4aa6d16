// Issue 6's targets, checked for StateTemplate (core alone and through
// session) on every scenario they apply to.

/** Contenders held to the targets. */
export const STATETEMPLATE = ['core', 'session'];

const ONE_ITEM_BYTES = 150;

/**
 * Checks of one scenario: `value` is StateTemplate's figure (a ratio, or
 * the largest update in bytes), `limit` the target's bound.
 */
export function checks(scenario, figures) {
  const { full, liveviewjs } = figures;
  return STATETEMPLATE.flatMap((id) => {
    const st = figures[id];
    const list = scenario.list
      ? [
          { target: 'cpuVsFull', label: 'CPU ≤ 0.25× full HTML', value: st.cpuUs / full.cpuUs, limit: 0.25 },
          { target: 'cpuVsLiveViewJS', label: 'CPU ≤ 0.1× LiveViewJS', value: st.cpuUs / liveviewjs.cpuUs, limit: 0.1 },
          { target: 'bytesVsLiveViewJS', label: 'bytes ≤ 0.1× LiveViewJS', value: st.bytes / liveviewjs.bytes, limit: 0.1 },
        ]
      : [];
    const oneItem = scenario.oneItem ? [{ target: 'maxBytes', label: `largest update ≤ ${ONE_ITEM_BYTES} B`, value: st.maxBytes, limit: ONE_ITEM_BYTES }] : [];
    return [...list, ...oneItem].map((check) => ({ contender: id, ...check, value: Number(check.value.toPrecision(3)), met: check.value <= check.limit }));
  });
}

/** The target columns, in table order. */
export const TARGET_COLUMNS = ['cpuVsFull', 'cpuVsLiveViewJS', 'bytesVsLiveViewJS', 'maxBytes'];
