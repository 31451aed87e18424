import { Readable } from 'node:stream';
import fc from 'fast-check';
import { jsonArrayItems } from '../../cli/json-array-stream';

async function collect(text: string, chunkSize: number): Promise<unknown[]> {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunkSize) chunks.push(text.slice(i, i + chunkSize));
  const out: unknown[] = [];
  for await (const item of jsonArrayItems(Readable.from(chunks))) out.push(item);
  return out;
}

describe('jsonArrayItems', () => {
  it('yields each item of an array whatever the chunk boundaries', async () => {
    const value = [{ a: '[,]"\\"{' }, [1, [2, { b: null }]], 'x,y', 3.5, true, null, { s: 'é ✓ \u0000' }];
    const text = JSON.stringify(value, null, 1);
    for (const size of [1, 2, 3, 7, 64, text.length]) expect(await collect(text, size)).toEqual(value);
  });

  it('yields a top-level object once', async () => {
    expect(await collect(' {"k": [1, 2]} ', 3)).toEqual([{ k: [1, 2] }]);
  });

  it('agrees with JSON.parse on arbitrary arrays', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue()), fc.integer({ min: 1, max: 50 }), async (arr, size) => {
        const text = JSON.stringify(arr);
        expect(await collect(text, size)).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['', /empty input/],
    ['[{"a":1}', /not closed/],
    ['[{"a":1}] x', /after the end/],
    ['nope', /expected \[ or \{/],
    ['[{"a":}]', /JSON/],
  ])('rejects %j', async (text, msg) => {
    await expect(collect(text, 2)).rejects.toThrow(msg);
  });
});
