// Named one-shot timers over the injected setTimeout/clearTimeout. Each part
// of the connection client arms its own by name ('handshake', 'reconnect', 'gap',
// 'poll'...): arming a name again replaces the old timer, and stop() cancels
// every one at once, so a stopped client leaves nothing behind.

export class Timers {
  /**
   * @param {(fn: () => void, ms: number) => any} setTimeout
   * @param {(t: any) => void} clearTimeout
   */
  constructor(setTimeout, clearTimeout) {
    this._setTimeout = setTimeout;
    this._clearTimeout = clearTimeout;
    /** @type {Record<string, any>} */
    this.byName = {};
  }

  /** (Re)arms the timer `name`. */
  set(name, ms, fn) {
    this.clear(name);
    this.byName[name] = this._setTimeout(() => {
      delete this.byName[name];
      fn();
    }, ms);
  }

  clear(name) {
    if (this.byName[name] !== undefined) {
      this._clearTimeout(this.byName[name]);
      delete this.byName[name];
    }
  }

  has(name) {
    return this.byName[name] !== undefined;
  }

  clearAll() {
    for (const name of Object.keys(this.byName)) this.clear(name);
  }

  /** An unnamed timer (one per message awaiting its ack); its owner cancels it. */
  after(ms, fn) {
    return this._setTimeout(fn, ms);
  }

  cancel(t) {
    this._clearTimeout(t);
  }
}
