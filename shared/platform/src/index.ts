// The platform every step's app stands on: what a production Koa app needs besides its
// lesson. Each step imports it unchanged, from '@course/platform'; it is tested once, here.
export {
  baseSettings,
  DEV_SESSION_KEY,
  MAX_WORKERS,
  sessionKeys,
  workersFrom,
} from './settings.ts';
export type { BaseSettings, Environment } from './settings.ts';
export {
  pathFrom,
  portFrom,
  publicUrlFrom,
  redisUrlFrom,
  secondsFrom,
  shownPath,
  switchFrom,
} from './readers.ts';
export { HEADERS_TIMEOUT, httpServer, REQUEST_TIMEOUT, serve } from './serve.ts';
export type { ServeOptions } from './serve.ts';
export { cannotStart, orStop, whenOrphaned } from './stop.ts';
export { manageWorkers } from './workers.ts';
export type { WorkerOptions } from './workers.ts';
export {
  crashStreak,
  FIRST_RESTART_DELAY,
  MAX_RESTART_DELAY,
  restartDelay,
  STABLE_AFTER,
} from './restarts.ts';
export { errorPages } from './errors.ts';
export { collapseRepeats, errorLog, isClientError, logError, REPEAT_WINDOW } from './log.ts';
export { securityHeaders } from './headers.ts';
export { requireKeys, signingKeys } from './keys.ts';
export { readSmallFile } from './files.ts';
export { createRenderer } from './render.ts';
export type { Render } from './render.ts';
export { FORM_LIMIT_BYTES, parseForm } from './forms.ts';
export { requireHttps } from './https.ts';
export { staticFiles } from './static.ts';
export { every, storedObject } from './stores.ts';
export {
  cookieBytes,
  lastsFor,
  idPrefix,
  inspect,
  inspectSession,
  MAX_VALUE,
  renderPanel,
  shortValue,
  stateInspector,
} from './inspector.ts';
export type { SessionHome, StateReport } from './inspector.ts';
