// Sound (WebAudio beep, no asset; when it plays: sound.js), desktop notifications when the tab is hidden,
// and the unread count in the tab title.

let audioCtx = null;

/** Short two-tone beep generated with WebAudio. */
export function beep() {
  try {
    const Ctx = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!Ctx) return;
    if (!audioCtx) audioCtx = new Ctx();
    if (audioCtx.state === 'suspended') audioCtx.resume().catch(() => {});
    const now = audioCtx.currentTime;
    [880, 1320].forEach((freq, i) => {
      const osc = audioCtx.createOscillator();
      const gain = audioCtx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const t0 = now + i * 0.12;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.2, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.11);
      osc.connect(gain).connect(audioCtx.destination);
      osc.start(t0);
      osc.stop(t0 + 0.12);
    });
  } catch {
    /* sound is best effort */
  }
}

export function notificationsSupported() {
  return typeof globalThis.Notification === 'function';
}

export function notificationPermission() {
  return notificationsSupported() ? globalThis.Notification.permission : 'unsupported';
}

export async function requestNotificationPermission() {
  if (!notificationsSupported()) return 'unsupported';
  try {
    return await globalThis.Notification.requestPermission();
  } catch {
    return globalThis.Notification.permission;
  }
}

/** Desktop notification, only while the tab is hidden (the sound is decided apart: sound.js). */
export function notifyIfHidden({ title, body, tag, onClick }) {
  if (typeof document === 'undefined' || !document.hidden) return false;
  if (notificationPermission() === 'granted') {
    try {
      const n = new globalThis.Notification(title, { body, tag, lang: 'vi' });
      n.onclick = () => {
        globalThis.focus();
        if (onClick) onClick();
        n.close();
      };
    } catch {
      /* some browsers only allow notifications from a service worker */
    }
  }
  return true;
}

export const BASE_TITLE = 'chatdesk';

/** "(3) chatdesk" */
export function titleWithCount(count, base = BASE_TITLE) {
  return count > 0 ? `(${count > 99 ? '99+' : count}) ${base}` : base;
}
