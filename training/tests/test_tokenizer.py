"""The CLIP tokenizer against CLIP's documented behaviour, checked by hand:
- bytes_to_unicode: printable Latin-1 bytes map to themselves; the 68 others to U+0100.. in byte order, so the
  space is 'Ġ' (U+0120), newline 'Ċ' (U+010A), the soft hyphen 0xAD 'Ń' (U+0143).
- vocabulary order: the 256 byte characters, the same with '</w>', merges, <|startoftext|>, <|endoftext|>; so
  in CLIP's own vocabulary 'a</w>' is 320 and '!</w>' is 256 (CLIP encodes "a photo of a cat" as
  [49406, 320, ...] and "!" as 256), which holds for any vocabulary built this way.
- pre-tokenisation: letters run together, each digit alone, other symbols run together, contractions split.
- BPE: lowest-rank pair first, merges applied left to right, '</w>' on the last character of a word.
"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

from cardiosynth_train import prompts  # noqa: E402
from cardiosynth_train.clip_tokenizer import (BOS, EOS, ClipTokenizer, bytes_to_unicode, clean_text, pre_tokenize,  # noqa: E402
                                              save_tokenizer, train_bpe)


class BytesToUnicode(unittest.TestCase):
    def test_printable_bytes_map_to_themselves_and_the_rest_to_u0100_up(self):
        m = bytes_to_unicode()
        self.assertEqual(len(m), 256)
        self.assertEqual(len(set(m.values())), 256)
        self.assertEqual(m[ord('!')], '!')
        self.assertEqual(m[ord('a')], 'a')
        self.assertEqual(m[0xE9], 'é')
        self.assertEqual(m[0], '\u0100')
        self.assertEqual(m[ord(' ')], '\u0120')  # 'Ġ'
        self.assertEqual(m[ord('\n')], '\u010a')  # 'Ċ'
        self.assertEqual(m[0xAD], '\u0143')  # soft hyphen


class PreTokenize(unittest.TestCase):
    def test_clip_pattern(self):
        self.assertEqual(pre_tokenize('hello, world!!'), ['hello', ',', 'world', '!!'])
        self.assertEqual(pre_tokenize("it's we'll"), ['it', "'s", 'we', "'ll"])
        self.assertEqual(pre_tokenize('2024'), ['2', '0', '2', '4'])
        self.assertEqual(pre_tokenize('ef<40%'), ['ef', '<', '4', '0', '%'])
        self.assertEqual(pre_tokenize('café x²'), ['café', 'x', '²'])
        self.assertEqual(pre_tokenize('a.b'), ['a', '.', 'b'])
        self.assertEqual(pre_tokenize("!'s"), ["!'", 's'])
        self.assertEqual(pre_tokenize('<|startoftext|>hi<|endoftext|>'), ['<|startoftext|>', 'hi', '<|endoftext|>'])

    def test_cleaning_lowercases_collapses_whitespace_and_unescapes_html_twice(self):
        self.assertEqual(clean_text('  Apical\n\t4CH  echo '), 'apical 4ch echo')
        self.assertEqual(clean_text('EF &amp;lt;40'), 'ef <40')


class Bpe(unittest.TestCase):
    def setUp(self):
        base = list(bytes_to_unicode().values())
        self.merges = [('l', 'o'), ('lo', 'w'), ('e', 'r</w>'), ('n', 'e'), ('ne', 'w</w>')]
        vocab = base + [v + '</w>' for v in base] + [''.join(m) for m in self.merges] + [BOS, EOS]
        self.tok = ClipTokenizer({t: i for i, t in enumerate(vocab)}, self.merges)

    def test_merges_by_rank(self):
        self.assertEqual(self.tok.tokenize('lower'), ['low', 'er</w>'])
        self.assertEqual(self.tok.tokenize('low'), ['lo', 'w</w>'])
        self.assertEqual(self.tok.tokenize('newer'), ['ne', 'w', 'er</w>'])
        self.assertEqual(self.tok.tokenize('new'), ['new</w>'])
        self.assertEqual(self.tok.tokenize('x'), ['x</w>'])

    def test_ids_follow_clips_vocabulary_order(self):
        self.assertEqual(self.tok.encode('a'), [320])
        self.assertEqual(self.tok.encode('!'), [256])
        self.assertEqual(self.tok.encode('a!'), [320, 256])  # two pieces (letters, then a symbol), each a word
        self.assertEqual(self.tok.bos_id, 256 * 2 + len(self.merges))
        self.assertEqual(self.tok.eos_id, self.tok.bos_id + 1)

    def test_non_ascii_goes_through_utf8_bytes(self):
        # 'é' is two UTF-8 bytes, C3 A9, each its own printable character.
        self.assertEqual(self.tok.tokenize('é'), ['Ã', '©</w>'])

    def test_padding_and_truncation(self):
        ids = self.tok('lower new')
        self.assertEqual(len(ids), 77)
        self.assertEqual(ids[0], self.tok.bos_id)
        self.assertEqual(ids[4], self.tok.eos_id)
        self.assertEqual(ids[5:], [self.tok.eos_id] * 72)  # pad token = <|endoftext|>
        long = self.tok(' '.join(['x'] * 100))
        self.assertEqual(len(long), 77)
        self.assertEqual(long[-1], self.tok.eos_id)
        self.assertEqual(long[1:76], [self.tok.encoder['x</w>']] * 75)
        self.assertEqual(self.tok(''), [self.tok.bos_id] + [self.tok.eos_id] * 76)


class TrainedVocabulary(unittest.TestCase):
    def test_every_prompt_word_is_one_token_and_files_round_trip(self):
        vocab, merges = train_bpe(prompts.corpus_for_vocab())
        tok = ClipTokenizer(vocab, merges)
        for word in ['apical', 'echo', 'quality', 'female', 'male', 'good', 'medium', 'poor', 'age', 'ef', 'ed', 'es', 'ch']:
            self.assertEqual(tok.tokenize(word), [word + '</w>'], word)
        prompt = 'apical 4CH echo, ED, good quality, female, age 40-59, EF 55-70'
        self.assertEqual(tok.tokenize(prompt)[:6], ['apical</w>', '4</w>', 'ch</w>', 'echo</w>', ',</w>', 'ed</w>'])
        self.assertEqual(tok.decode(tok(prompt)), 'apical 4 ch echo , ed , good quality , female , age 4 0 - 5 9 , ef 5 5 - 7 0')
        with tempfile.TemporaryDirectory() as d:
            save_tokenizer(d, vocab, merges)
            again = ClipTokenizer.from_files(os.path.join(d, 'vocab.json'), os.path.join(d, 'merges.txt'))
            self.assertEqual(again(prompt), tok(prompt))
            with open(os.path.join(d, 'merges.txt')) as f:
                self.assertEqual(f.readline(), '#version: 0.2\n')
        self.assertEqual(max(vocab.values()) + 1, len(vocab))
        self.assertEqual(vocab[BOS], len(vocab) - 2)


if __name__ == '__main__':
    unittest.main()
