export type { Action, Update } from './update.js';
export { ACTIONS } from './update.js';
export type { Marker } from './markers.js';
export {
  REGION_END,
  regionStart,
  itemMarker,
  encodeKey,
  decodeKey,
  parseMarker,
  MARKER_PATTERN,
  stripAnnotations,
} from './markers.js';
export type { IdSegment } from './fragment-id.js';
export { ROOT_ID, parseFragmentId, itemFragmentId, regionFragmentId, isWithin } from './fragment-id.js';
