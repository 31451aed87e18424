/**
 * Cuts the text of a top-level JSON array into the texts of its items, chunk by chunk, without parsing them: the
 * caller JSON.parses each item (which validates it) and may keep the item's original text. Tracks only string and
 * nesting state; most bytes sit inside strings, which are skipped with indexOf. A top-level object is one item.
 */
export class JsonArrayScanner {
  private buf = '';
  private pos = 0;
  private mode: 'unknown' | 'array' | 'object' | 'done' = 'unknown';
  private start = -1;
  private depth = 0;
  private inString = false;

  push(chunk: string): string[] {
    this.buf += chunk;
    const out: string[] = [];
    if (this.mode === 'unknown') {
      const m = /\S/.exec(this.buf);
      if (!m) return out;
      const c = this.buf[m.index];
      if (c === '{') this.mode = 'object';
      else if (c === '[') { this.mode = 'array'; this.pos = m.index + 1; }
      else throw new SyntaxError(`unexpected "${c}" at the top level (expected [ or {)`);
    }
    if (this.mode === 'object') return out;
    const buf = this.buf;
    const n = buf.length;
    let { pos, start, depth, inString } = this;
    for (; pos < n; pos++) {
      if (inString) {
        let j = buf.indexOf('"', pos);
        while (j !== -1) {
          let bs = 0;
          for (let k = j - 1; buf.charCodeAt(k) === 92; k--) bs++;
          if (bs % 2 === 0) break;
          j = buf.indexOf('"', j + 1);
        }
        if (j === -1) { pos = buf.length - 1; continue; }
        pos = j;
        inString = false;
        continue;
      }
      const c = buf.charCodeAt(pos);
      // Inside an item (the hot path) only quotes and brackets matter.
      if (depth > 0 && c !== 34 && c !== 91 && c !== 93 && c !== 123 && c !== 125) continue;
      if (this.mode === 'done') {
        if (c > 32) throw new SyntaxError(`unexpected "${buf[pos]}" after the end of the array`);
        continue;
      }
      if (c <= 32) continue;
      if (start < 0) {
        if (c === 44 && depth === 0) continue;
        if (c === 93 && depth === 0) { this.mode = 'done'; continue; }
        start = pos;
      }
      if (c === 34) inString = true;
      else if (c === 91 || c === 123) depth++;
      else if (c === 93 || c === 125) {
        if (depth === 0) {
          out.push(buf.slice(start, pos));
          start = -1;
          this.mode = 'done';
          continue;
        }
        depth--;
        if (depth === 0) { out.push(buf.slice(start, pos + 1)); start = -1; }
      } else if (c === 44 && depth === 0) {
        out.push(buf.slice(start, pos));
        start = -1;
      }
    }
    // Keep only the item in progress.
    const keep = start >= 0 ? start : pos;
    this.buf = keep > 0 ? buf.slice(keep) : buf;
    this.pos = pos - keep;
    this.start = start >= 0 ? 0 : -1;
    this.depth = depth;
    this.inString = inString;
    return out;
  }

  /** Ends the input: the object's text in object mode; throws when the array was never closed. */
  end(): string[] {
    if (this.mode === 'object') return [this.buf];
    if (this.mode === 'unknown') throw new SyntaxError('empty input');
    if (this.mode !== 'done') throw new SyntaxError('unexpected end of JSON input (the array is not closed)');
    return [];
  }

  /** The item texts of a whole JSON array held in one string. */
  static split(text: string): string[] {
    const s = new JsonArrayScanner();
    return [...s.push(text), ...s.end()];
  }
}
