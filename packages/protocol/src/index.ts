export type { Action, AttributeChange, Update } from './update.js';
export { ACTIONS, isAttributeChanges } from './update.js';
export type { CompactBatch, CompactUpdate } from './compact-batch.js';
export { encodeUpdates, decodeUpdates } from './compact-batch.js';
export type { Marker } from './markers.js';
export {
  REGION_END,
  regionStart,
  itemMarker,
  encodeKey,
  decodeKey,
  parseMarker,
  ANNOTATION_PATTERN,
  escapeMarkers,
  stripAnnotations,
} from './markers.js';
export type { IdSegment } from './fragment-id.js';
export { ROOT_ID, parseFragmentId, itemFragmentId, regionFragmentId, isWithin } from './fragment-id.js';
export type {
  JsonValue,
  HelloMessage,
  EventMessage,
  NavigateMessage,
  UploadFile,
  UploadMessage,
  ChunkMessage,
  CancelMessage,
  ClientMessage,
  ReadyMessage,
  BeatMessage,
  AckMessage,
  UpdatesMessage,
  ResyncMessage,
  PushMessage,
  NavigateToMessage,
  RedirectMessage,
  ProgressMessage,
  UploadedMessage,
  ErrorCode,
  UploadErrorCode,
  ErrorMessage,
  GoneReason,
  GoneMessage,
  ServerMessage,
  CloseCode,
} from './messages.js';
export { CLOSE, MessageError, PROTOCOL_VERSION, isSitePath, parseClientMessage, parseServerMessage, stringifyServerMessage } from './messages.js';
