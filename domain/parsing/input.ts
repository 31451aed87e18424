import { ParseError } from './amounts';
import { viewFromHelius, viewFromRpc, type TxView } from './tx-view';

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Accepts what design §5 lists: a getTransaction response or its result (json or jsonParsed, legacy or v0), a Helius
 * enhanced transaction, a Helius raw webhook item, or an array of any of these (nested arrays are flattened).
 */
export function toViews(input: unknown, path = '$'): TxView[] {
  if (Array.isArray(input)) return input.flatMap((item, i) => toViews(item, `${path}[${i}]`));
  return [toView(input, path)];
}

export function toView(input: unknown, path = '$'): TxView {
  if (!isObj(input)) throw new ParseError(`${path}: expected a transaction object, got ${input === null ? 'null' : typeof input}`);
  try {
    if ('jsonrpc' in input || ('result' in input && !('meta' in input))) {
      if ('error' in input && input.error) throw new ParseError(`JSON-RPC error ${input.error.code}: ${input.error.message}`);
      const result = input.result;
      if (result === null || result === undefined) throw new ParseError('getTransaction returned null (unknown signature, or not yet at that commitment)');
      // The official json sample puts blockTime beside result; real answers keep it inside.
      return viewFromRpc(isObj(result) && result.blockTime === undefined && typeof input.blockTime === 'number' ? { ...result, blockTime: input.blockTime } : result);
    }
    if ('meta' in input && 'transaction' in input) return viewFromRpc(input);
    if (typeof input.signature === 'string' && ('accountData' in input || 'feePayer' in input)) return viewFromHelius(input);
  } catch (e) {
    if (e instanceof ParseError) throw new ParseError(`${path}: ${e.message}`);
    throw new ParseError(`${path}: malformed transaction (${(e as Error).message})`);
  }
  throw new ParseError(`${path}: not a transaction (expected a getTransaction response or result, or a Helius enhanced transaction)`);
}
