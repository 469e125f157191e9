/**
 * CLIP's byte-level BPE tokenizer (OpenAI CLIP simple_tokenizer / transformers CLIPTokenizer), reading a pack's
 * tokenizer/vocab.json, merges.txt and tokenizer_config.json (special_tokens_map.json too). Any vocabulary size:
 * the embedded pack's small one, or CLIP's 49408 tokens.
 *
 * Text cleanup is transformers' path when ftfy is absent: NFC, control characters dropped, whitespace unified,
 * CJK ideographs split, lower case (ftfy's mojibake repair is not applied). Encoding pads to model_max_length
 * with the pad token and truncates as the diffusers pipelines do: <bos>, the first max-2 tokens, <eos>.
 */
import { AppError } from '../../../../shared/errors.ts';

export const BOS = '<|startoftext|>';
export const EOS = '<|endoftext|>';

/** GPT-2/CLIP's reversible map from bytes to printable characters. */
function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const table = new Array<string>(256);
  bs.forEach((b, i) => (table[b] = String.fromCodePoint(cs[i])));
  return table;
}

const BYTE_TO_CHAR = bytesToUnicode();

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) || (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

const CONTROL = /^\p{C}$/u;
const SPACE_SEPARATOR = /^\p{Zs}$/u;

/** transformers' CLIPTokenizer cleanup without ftfy (BasicTokenizer, then whitespace_clean, lower case). */
export function cleanText(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || SPACE_SEPARATOR.test(ch)) out += ' ';
    else if (cp === 0 || cp === 0xfffd || CONTROL.test(ch)) continue;
    else if (isCjk(cp)) out += ` ${ch} `;
    else out += ch;
  }
  return out.replace(/\s+/gu, ' ').trim().toLowerCase();
}

/** CLIP's pre-tokenizer pattern (case-insensitive). */
const PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/giu;

export function preTokenize(text: string): string[] {
  return text.match(PATTERN) ?? [];
}

export interface TokenizerFiles {
  /** vocab.json: token -> id */
  vocab: Record<string, number>;
  /** merges.txt content */
  merges: string;
  /** tokenizer_config.json merged with special_tokens_map.json (the config wins) */
  config: Record<string, unknown>;
}

export interface Encoded {
  ids: number[];
  /** Tokens of the text itself, before truncation, without bos/eos/padding. */
  length: number;
  truncated: boolean;
}

function tokenName(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return null;
}

export class ClipTokenizer {
  readonly maxLength: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  readonly unkId: number;
  private readonly vocab: Map<string, number>;
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();

  /** `maxLength` is the pack's text.max_length; the config's model_max_length must agree when present. */
  constructor(files: TokenizerFiles, maxLength: number, where = 'tokenizer') {
    this.vocab = new Map(Object.entries(files.vocab));
    const lines = files.merges.split(/\r?\n/);
    let rank = 0;
    for (const [i, line] of lines.entries()) {
      if (line.startsWith('#version') || line.trim() === '') continue;
      const parts = line.split(' ');
      if (parts.length !== 2) throw new AppError('invalid-pack', `${where}/merges.txt: line ${i + 1} is not "a b": ${JSON.stringify(line.slice(0, 60))}`);
      this.ranks.set(`${parts[0]} ${parts[1]}`, rank++);
    }
    const cfg = files.config;
    const configured = cfg.model_max_length;
    if (typeof configured === 'number' && configured < 1e6 && configured !== maxLength) {
      throw new AppError('invalid-pack', `${where}/tokenizer_config.json: model_max_length ${configured} differs from the manifest's text.max_length ${maxLength}`);
    }
    this.maxLength = maxLength;
    const id = (key: string, fallback: string): number => {
      const name = tokenName(cfg[key]) ?? fallback;
      const v = this.vocab.get(name);
      if (v === undefined) throw new AppError('invalid-pack', `${where}/vocab.json: has no ${key} ${JSON.stringify(name)}`);
      return v;
    };
    this.bosId = id('bos_token', BOS);
    this.eosId = id('eos_token', EOS);
    this.padId = id('pad_token', tokenName(cfg.eos_token) ?? EOS);
    this.unkId = this.vocab.get(tokenName(cfg.unk_token) ?? EOS) ?? this.eosId;
  }

  get vocabSize(): number {
    return this.vocab.size;
  }

  /** BPE of one pre-token (as byte characters), CLIP's way: merge the lowest-ranked pair until none applies. */
  private bpe(token: string): string[] {
    const hit = this.cache.get(token);
    if (hit) return hit;
    const chars = [...new TextEncoder().encode(token)].map((b) => BYTE_TO_CHAR[b]);
    let word = [...chars.slice(0, -1), `${chars[chars.length - 1]}</w>`];
    while (word.length > 1) {
      let best = Infinity;
      let a = '';
      let b = '';
      for (let i = 0; i < word.length - 1; i++) {
        const r = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (r !== undefined && r < best) {
          best = r;
          a = word[i];
          b = word[i + 1];
        }
      }
      if (best === Infinity) break;
      const next: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === a && word[i + 1] === b) {
          next.push(a + b);
          i++;
        } else next.push(word[i]);
      }
      word = next;
    }
    if (this.cache.size < 10_000) this.cache.set(token, word);
    return word;
  }

  /** Token ids of `text` without bos/eos/padding. Pieces not in the vocabulary become the unk token. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    for (const tok of preTokenize(cleanText(text))) {
      const special = tok.toLowerCase();
      if (special === BOS || special === EOS) {
        ids.push(special === BOS ? this.bosId : this.eosId);
        continue;
      }
      for (const piece of this.bpe(tok)) ids.push(this.vocab.get(piece) ?? this.unkId);
    }
    return ids;
  }

  /** [bos, ...tokens (truncated), eos, pad...] of exactly maxLength ids. */
  encode(text: string): Encoded {
    const body = this.tokenize(text);
    const room = this.maxLength - 2;
    const ids = [this.bosId, ...body.slice(0, room), this.eosId];
    while (ids.length < this.maxLength) ids.push(this.padId);
    return { ids, length: body.length, truncated: body.length > room };
  }
}
