"""CLIP's byte-level BPE tokenizer, written from the published algorithm (OpenAI CLIP `simple_tokenizer.py`,
as Hugging Face's `CLIPTokenizer` and diffusers pipelines use it), plus a trainer that builds a small CLIP-format
vocabulary (vocab.json + merges.txt) for a closed prompt vocabulary.

Encoding, exactly as CLIP:
  1. clean: HTML entities unescaped twice, whitespace runs collapsed to one space, stripped, lower-cased
     (CLIP also runs ftfy.fix_text first; it changes only mis-decoded text, which our prompts never contain);
  2. split with CLIP's pattern
       <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+
     (letters run together, every digit stands alone, other non-space characters run together);
  3. each piece -> UTF-8 bytes -> printable characters (bytes_to_unicode), its last character marked `</w>`;
  4. BPE: repeatedly merge the adjacent pair with the lowest merge rank until no ranked pair is left;
  5. ids = [BOS] + ids[:max_len - 2] + [EOS], padded to max_len with the pad token.
Python's `re` has no \\p{..} classes, so step 2 is a scanner over unicodedata categories (L* letters, N*
numbers, str.isspace for \\s), which is what the pattern means.
"""
import html
import json
import re
import unicodedata

BOS = '<|startoftext|>'
EOS = '<|endoftext|>'


def bytes_to_unicode():
    """CLIP's reversible byte -> printable character map (printable Latin-1 bytes map to themselves)."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def get_pairs(word):
    return {(word[i], word[i + 1]) for i in range(len(word) - 1)}


def clean_text(text):
    text = html.unescape(html.unescape(text)).strip()
    return re.sub(r'\s+', ' ', text).strip().lower()


def _is_letter(ch):
    return unicodedata.category(ch).startswith('L')


def _is_number(ch):
    return unicodedata.category(ch).startswith('N')


_CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")


def pre_tokenize(text):
    """CLIP's regex split (with re.IGNORECASE) as a scanner: returns the pieces findall would return."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        special = next((t for t in (BOS, EOS) if text[i:i + len(t)].lower() == t), None)
        if special:
            out.append(text[i:i + len(special)])
            i += len(special)
            continue
        matched = None
        for c in _CONTRACTIONS:
            if text[i:i + len(c)].lower() == c:
                matched = text[i:i + len(c)]
                break
        if matched:
            out.append(matched)
            i += len(matched)
            continue
        ch = text[i]
        if _is_letter(ch):
            j = i + 1
            while j < n and _is_letter(text[j]):
                j += 1
            out.append(text[i:j])
            i = j
        elif _is_number(ch):
            out.append(ch)
            i += 1
        elif ch.isspace():
            i += 1
        else:
            j = i + 1
            while j < n and not (text[j].isspace() or _is_letter(text[j]) or _is_number(text[j])):
                j += 1
            out.append(text[i:j])
            i = j
    return out


class ClipTokenizer:
    def __init__(self, vocab, merges, max_length=77, pad_token=EOS):
        self.encoder = dict(vocab)
        self.decoder = {v: k for k, v in self.encoder.items()}
        self.bpe_ranks = {tuple(m): i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.byte_decoder = {v: k for k, v in self.byte_encoder.items()}
        self.max_length = max_length
        self.bos_id = self.encoder[BOS]
        self.eos_id = self.encoder[EOS]
        self.pad_id = self.encoder[pad_token]
        self.cache = {BOS: BOS, EOS: EOS}

    @classmethod
    def from_files(cls, vocab_path, merges_path, max_length=77):
        with open(vocab_path, encoding='utf-8') as f:
            vocab = json.load(f)
        with open(merges_path, encoding='utf-8') as f:
            lines = f.read().split('\n')
        merges = [tuple(line.split()) for line in lines[1:] if line.strip() and not line.startswith('#version')]
        return cls(vocab, merges, max_length)

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + '</w>',)
        pairs = get_pairs(word)
        if not pairs:
            return token + '</w>'
        while True:
            bigram = min(pairs, key=lambda p: self.bpe_ranks.get(p, float('inf')))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                except ValueError:
                    new_word.extend(word[i:])
                    break
                new_word.extend(word[i:j])
                i = j
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = get_pairs(word)
        out = ' '.join(word)
        self.cache[token] = out
        return out

    def tokenize(self, text):
        """BPE token strings of `text` (no BOS/EOS)."""
        tokens = []
        for piece in pre_tokenize(clean_text(text)):
            mapped = ''.join(self.byte_encoder[b] for b in piece.encode('utf-8'))
            tokens.extend(self.bpe(mapped).split(' '))
        return tokens

    def encode(self, text):
        return [self.encoder[t] for t in self.tokenize(text)]

    def __call__(self, text):
        """input_ids padded to max_length: BOS, tokens (truncated), EOS, pads."""
        ids = self.encode(text)[: self.max_length - 2]
        ids = [self.bos_id] + ids + [self.eos_id]
        return ids + [self.pad_id] * (self.max_length - len(ids))

    def decode(self, ids):
        text = ''.join(self.decoder[i] for i in ids if i not in (self.bos_id, self.eos_id))
        return bytearray(self.byte_decoder[c] for c in text).decode('utf-8', errors='replace').replace('</w>', ' ').strip()


def train_bpe(corpus):
    """A CLIP-format vocabulary for `corpus` (a list of prompts): the 256 byte characters, each with `</w>`, then
    merges learned by classic BPE (most frequent adjacent pair first; ties broken by the pair's text) until
    every word of the corpus is one token, then BOS and EOS. Returns (vocab dict, merges list)."""
    byte_encoder = bytes_to_unicode()
    counts = {}
    for prompt in corpus:
        for piece in pre_tokenize(clean_text(prompt)):
            mapped = ''.join(byte_encoder[b] for b in piece.encode('utf-8'))
            word = tuple(mapped[:-1]) + (mapped[-1] + '</w>',)
            counts[word] = counts.get(word, 0) + 1
    merges = []
    words = dict(counts)
    while True:
        pair_counts = {}
        for word, c in words.items():
            for p in zip(word, word[1:]):
                pair_counts[p] = pair_counts.get(p, 0) + c
        if not pair_counts:
            break
        best = max(pair_counts.items(), key=lambda kv: (kv[1], [-ord(ch) for ch in kv[0][0] + ' ' + kv[0][1]]))[0]
        merges.append(best)
        merged = {}
        for word, c in words.items():
            out = []
            i = 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + c
        words = merged
    base = list(byte_encoder.values())
    vocab_list = base + [v + '</w>' for v in base] + [''.join(m) for m in merges] + [BOS, EOS]
    vocab = {}
    for tok in vocab_list:
        if tok not in vocab:
            vocab[tok] = len(vocab)
    return vocab, merges


def save_tokenizer(folder, vocab, merges, max_length=77):
    """Writes tokenizer/{vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json} as Hugging Face's
    CLIPTokenizer does (pad token = EOS, as in Stable Diffusion 1.x's tokenizer)."""
    import os
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'vocab.json'), 'w', encoding='utf-8') as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, 'merges.txt'), 'w', encoding='utf-8') as f:
        f.write('#version: 0.2\n')
        for a, b in merges:
            f.write(f'{a} {b}\n')
    special = {'bos_token': BOS, 'eos_token': EOS, 'unk_token': EOS, 'pad_token': EOS}
    with open(os.path.join(folder, 'special_tokens_map.json'), 'w') as f:
        json.dump(special, f, indent=2)
    config = dict(special, model_max_length=max_length, do_lower_case=True, tokenizer_class='CLIPTokenizer',
                  add_prefix_space=False, errors='replace')
    with open(os.path.join(folder, 'tokenizer_config.json'), 'w') as f:
        json.dump(config, f, indent=2)
