// The app's one clock, in the browser. Business time — "today" in Asia/Shanghai, the time a
// pickup is stamped with — follows the server's clock, learned with every page load: a shared
// phone's own clock can be days off (the server would then refuse its records as "in the
// future", or file them on the wrong day), and a demo server runs at the moment it shows.
// Durations (reconnect back-off, "sent 3 s ago") keep using the device's clock.

const KEY = 'guoyun.clock-offset';
let offsetMs = readSaved();

function readSaved(): number {
  try {
    const v = Number(globalThis.localStorage?.getItem(KEY));
    return Number.isFinite(v) ? v : 0;
  } catch {
    return 0;
  }
}

/** Learns the server's time (an ISO instant read just now); kept for pages opened offline. */
export function syncClock(serverNow: string | undefined | null): void {
  if (!serverNow) return;
  const t = Date.parse(serverNow);
  if (!Number.isFinite(t)) return;
  offsetMs = t - Date.now();
  try {
    globalThis.localStorage?.setItem(KEY, String(offsetMs));
  } catch {
    // Private mode or storage full: the offset lasts as long as the page.
  }
}

/** Now, by the app's clock, in milliseconds since the epoch. */
export function appNow(): number {
  return Date.now() + offsetMs;
}
