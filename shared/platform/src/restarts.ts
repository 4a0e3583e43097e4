// A worker that dies is replaced at once. If its replacements keep dying (a crash loop),
// each waits twice as long as the one before, up to MAX_RESTART_DELAY, instead of
// spinning; STABLE_AFTER with no death, once the newest worker serves, ends the streak.
export const FIRST_RESTART_DELAY = 100; // ms
export const MAX_RESTART_DELAY = 10_000;
export const STABLE_AFTER = 10_000;

// How long to wait after the streak's `crashes`-th death.
export const restartDelay = (crashes: number) =>
  crashes === 0 ? 0 : Math.min(FIRST_RESTART_DELAY * 2 ** (crashes - 1), MAX_RESTART_DELAY);

// The streak of deaths, told each time a worker starts serving or dies (`now` in ms); a
// death gets the delay before its replacement. The streak ends only when no worker has
// died for STABLE_AFTER since the newest one started serving. A timer per worker would
// let an older, healthy worker end a streak that another one's replacements are causing.
export function crashStreak() {
  let crashes = 0;
  let servingSince: number | undefined; // the newest worker's start, if none died since
  return {
    serving(now: number) {
      servingSince = now;
    },
    died(now: number) {
      if (servingSince !== undefined && now - servingSince >= STABLE_AFTER) crashes = 0;
      servingSince = undefined;
      return restartDelay(crashes++);
    },
  };
}
