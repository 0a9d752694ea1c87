import type { MalformedSample } from './types';

/** Counts the bad lines/records of one input and keeps the first few as samples. */
export class MalformedLog {
  count = 0;
  readonly samples: MalformedSample[] = [];

  constructor(private readonly maxSamples: number, private readonly maxChars: number) {}

  add(line: number, reason: string, text?: string): void {
    this.count++;
    if (this.samples.length >= this.maxSamples) return;
    const sample: MalformedSample = { line, reason };
    if (text !== undefined) {
      const oneLine = text.replace(/[\r\n]+/g, ' ');
      sample.text = oneLine.length > this.maxChars ? `${oneLine.slice(0, this.maxChars)}…` : oneLine;
    }
    this.samples.push(sample);
  }
}
