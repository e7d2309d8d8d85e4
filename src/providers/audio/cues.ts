// Groups timed words into subtitle-sized segments: a cue ends at a sentence end, a long pause, or a size limit.
import type { TimedSegment, TimedWord } from "./types.ts";

/** Longest cue on screen, and the widest, as subtitle guidelines suggest (two lines of about 42 characters). */
const MAX_CUE_SECONDS = 7;
const MAX_CUE_CHARS = 84;
/** A silence this long starts a new cue. */
const PAUSE_SECONDS = 1;

export function segmentsFromWords(words: readonly TimedWord[]): TimedSegment[] {
  const out: TimedSegment[] = [];
  let current: TimedWord[] = [];
  const flush = () => {
    if (current.length === 0) return;
    out.push({ text: current.map((w) => w.word).join(" "), start: current[0]!.start, end: current.at(-1)!.end });
    current = [];
  };
  for (const word of words) {
    const head = current[0];
    const last = current.at(-1);
    if (head && last) {
      const length = current.reduce((n, w) => n + w.word.length + 1, 0) + word.word.length;
      if (word.start - last.end >= PAUSE_SECONDS || word.end - head.start > MAX_CUE_SECONDS || length > MAX_CUE_CHARS) flush();
    }
    current.push(word);
    if (/[.!?…]["')\]]?$/.test(word.word)) flush();
  }
  flush();
  return out;
}
