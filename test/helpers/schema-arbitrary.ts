import fc from 'fast-check';

type Schema = Record<string, any>;

const SOLANA = fc.constantFrom('So11111111111111111111111111111111111111112', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', '7qvWUFx2yJzGAWhWNQ6ae51TRTrEPYGadByHXpQienKF');
const nasty = fc.constantFrom('', ' ', '%', '%00', '..', '../../etc/passwd', "' or 1=1 --", '"', '\\', '{}', '[]', 'null', '-1', '1e309', 'NaN', '𝓤𝓷𝓲', 'a'.repeat(5000), '<script>', '${jndi:x}');

/** Arbitrary values that a JSON Schema (the subset our OpenAPI document uses) accepts, with near misses mixed in. */
export function arbitraryOf(schema: Schema | undefined, root: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  if (schema.$ref) return arbitraryOf(resolve(schema.$ref, root), root, depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) return fc.oneof(...alts.map((s: Schema) => arbitraryOf(s, root, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      return fc.oneof(SOLANA, fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 60, 200) }));
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? schema.exclusiveMinimum ?? -1000, max: schema.maximum ?? schema.exclusiveMaximum ?? 1000 });
    case 'number':
      return fc.double({ noNaN: true, min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(arbitraryOf(schema.items, root, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 30) });
    case 'object': {
      const props = Object.entries<Schema>(schema.properties ?? {});
      const required = new Set<string>(schema.required ?? []);
      return fc.record(Object.fromEntries(props.map(([k, s]) => [k, arbitraryOf(s, root, depth + 1)])), { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Mostly what the schema accepts, sometimes anything at all: both ways in must end in a 2xx/4xx, never a 5xx. */
export function fuzzOf(schema: Schema | undefined, root: Schema): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: arbitraryOf(schema, root) }, { weight: 1, arbitrary: fc.oneof(nasty, fc.jsonValue({ maxDepth: 3 })) });
}

export const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');

function resolve(ref: string, root: Schema): Schema {
  return ref.replace(/^#\//, '').split('/').reduce<any>((o, k) => o?.[k], root);
}
