import type { Readable } from 'node:stream';

/**
 * Yields the items of a top-level JSON array as they arrive, each parsed on its own, so a multi-gigabyte input
 * never has to fit in memory. A top-level object is yielded once. The scanner tracks only string and nesting state;
 * JSON.parse of each item does the real validation.
 */
export async function* jsonArrayItems(input: Readable): AsyncGenerator<unknown> {
  let buf = '';
  let pos = 0;
  let mode: 'unknown' | 'array' | 'object' | 'done' = 'unknown';
  let start = -1;
  let depth = 0; // nesting inside the current array item
  let inString = false;
  let escaped = false;

  for await (const chunk of input) {
    buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (mode === 'unknown') {
      const m = /\S/.exec(buf);
      if (!m) continue;
      if (buf[m.index] === '{') mode = 'object';
      else if (buf[m.index] === '[') { mode = 'array'; pos = m.index + 1; }
      else throw new SyntaxError(`unexpected "${buf[m.index]}" at the top level (expected [ or {)`);
    }
    if (mode === 'object') continue; // parsed whole at the end
    for (; pos < buf.length; pos++) {
      const c = buf.charCodeAt(pos);
      if (mode === 'done') {
        if (c > 32) throw new SyntaxError(`unexpected "${buf[pos]}" after the end of the array`);
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
        continue;
      }
      if (c <= 32) continue;
      if (start < 0) {
        if (c === 44 && depth === 0) continue; // separator between items
        if (c === 93 && depth === 0) { mode = 'done'; continue; } // end of the array
        start = pos;
      }
      if (c === 34) inString = true;
      else if (c === 91 || c === 123) depth++;
      else if (c === 93 || c === 125) {
        if (depth === 0) { // ] closing the array right after a scalar item
          yield JSON.parse(buf.slice(start, pos));
          start = -1;
          mode = 'done';
          continue;
        }
        depth--;
        if (depth === 0) { yield JSON.parse(buf.slice(start, pos + 1)); start = -1; }
      } else if (c === 44 && depth === 0) {
        yield JSON.parse(buf.slice(start, pos));
        start = -1;
      }
    }
    // Keep only the item in progress.
    const keep = start >= 0 ? start : pos;
    if (keep > 0) {
      buf = buf.slice(keep);
      pos -= keep;
      if (start >= 0) start = 0;
    }
  }
  if (mode === 'object') { yield JSON.parse(buf); return; }
  if (mode === 'unknown') throw new SyntaxError('empty input');
  if (mode !== 'done') throw new SyntaxError('unexpected end of JSON input (the array is not closed)');
}
