// An audible ring made with Web Audio (no sound file to ship): the North American ring cadence, 2 s on, 4 s off.
// Browsers allow sound only after the person interacted with the page, hence unlock() on a click.

export class Ringer {
  constructor() {
    this.context = null;
    this.timer = null;
    this.tone = null;
  }

  unlock() {
    const AudioContext = window.AudioContext || window.webkitAudioContext;
    if (!this.context && AudioContext) this.context = new AudioContext();
    this.context?.resume?.();
  }

  /** Rings while {@code on}; stops the instant it is called with false. */
  ring(on) {
    document.body.classList.toggle('ringing', on);
    if (on && !this.timer) {
      this.burst();
      this.timer = setInterval(() => this.burst(), 6000);
    } else if (!on) {
      this.stop();
    }
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    document.body.classList.remove('ringing');
    try { this.tone?.stop(); } catch (e) { /* already stopped */ }
    this.tone = null;
  }

  burst() {
    if (!this.context || this.context.state !== 'running') return;
    const gain = this.context.createGain();
    gain.gain.value = 0.08;
    gain.connect(this.context.destination);
    // 440 Hz + 480 Hz: the ringback two-tone people recognise as "a phone is ringing".
    const tones = [440, 480].map(hz => {
      const o = this.context.createOscillator();
      o.frequency.value = hz;
      o.connect(gain);
      return o;
    });
    const now = this.context.currentTime;
    tones.forEach(o => { o.start(now); o.stop(now + 2); });
    this.tone = {stop: () => tones.forEach(o => o.stop())};
  }
}
