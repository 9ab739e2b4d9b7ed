// AudioWorklet processor of the call page (SPEC V1): the microphone's samples → 16 kHz mono 16-bit PCM, posted to
// the page in 100 ms frames (an ArrayBuffer each), which the page sends over the live-capture socket.
const TARGET_RATE = 16000;
const FRAME = 1600;

class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE; // input samples per output sample
    this.position = 0;
    this.frame = new Int16Array(FRAME);
    this.filled = 0;
    this.last = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    // Linear interpolation from the context's rate to 16 kHz (every sample as it is when the context runs at 16 kHz).
    // A position just before this block interpolates from the previous block's last sample.
    while (this.position <= channel.length - 1) {
      const i = Math.floor(this.position);
      const fraction = this.position - i;
      const here = i < 0 ? this.last : channel[i];
      const next = i + 1 < channel.length ? channel[i + 1] : here;
      const value = here * (1 - fraction) + next * fraction;
      this.frame[this.filled++] = Math.max(-32768, Math.min(32767, Math.round(value * 32767)));
      if (this.filled === FRAME) {
        this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
        this.frame = new Int16Array(FRAME);
        this.filled = 0;
      }
      this.position += this.step;
    }
    this.last = channel[channel.length - 1];
    this.position -= channel.length;
    return true;
  }
}

registerProcessor("pcm-capture", PcmCapture);
