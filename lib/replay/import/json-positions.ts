/**
 * Where the items of a JSON document start, so an item the importer skips can be named by its
 * line in the file. JSON.parse keeps no positions; this walks the text once (strings and escapes
 * respected) and records where each element of one array begins. The text must already be known
 * to parse.
 */

/**
 * Offsets of the elements of the array reached from the root by `keys` (object member names; `[]`
 * is the root itself). Empty when that array is not there.
 */
export function elementOffsets(text: string, keys: readonly string[]): number[] {
  /** Open containers, each with the member name being read when it is an object. */
  const frames: Array<{ array: boolean; key: string | null }> = [];
  const starts: number[] = [];
  let targetDepth = -1;
  let expectElement = false;
  let lastString: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (expectElement && c !== ']') {
      starts.push(i);
      expectElement = false;
    }
    switch (c) {
      case '"': {
        let j = i + 1;
        while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        lastString = JSON.parse(text.slice(i, j + 1)) as string;
        i = j;
        break;
      }
      case ':': {
        const frame = frames[frames.length - 1];
        if (frame !== undefined && !frame.array) frame.key = lastString;
        break;
      }
      case '{':
      case '[':
        if (c === '[' && targetDepth < 0 && reaches(frames, keys)) {
          targetDepth = frames.length + 1;
          expectElement = true;
        }
        frames.push({ array: c === '[', key: null });
        break;
      case '}':
      case ']':
        if (frames.length === targetDepth) {
          targetDepth = -1;
          expectElement = false;
        }
        frames.pop();
        break;
      case ',':
        if (frames.length === targetDepth) expectElement = true;
        break;
    }
  }
  return starts;
}

/** Whether the open containers are exactly the objects named by `keys`. */
function reaches(frames: ReadonlyArray<{ array: boolean; key: string | null }>, keys: readonly string[]): boolean {
  return frames.length === keys.length && frames.every((f, i) => !f.array && f.key === keys[i]);
}

/** 1-based line of each offset (offsets in any order). */
export function linesOf(text: string, offsets: readonly number[]): number[] {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  return offsets.map((offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  });
}
