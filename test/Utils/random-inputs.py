#!/usr/bin/env python3
"""Prints random input lines for rasp-run: COUNT lines of tokens drawn from
VOCAB (comma-separated), lengths uniform in [MIN_LEN, MAX_LEN]. Deterministic
for a given --seed. With --distinct, tokens within a line are distinct; with
--every-length, one line of each length MIN_LEN .. MAX_LEN instead."""
import argparse
import random


def main():
  ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  vocab = ap.add_mutually_exclusive_group(required=True)
  vocab.add_argument("--vocab")
  vocab.add_argument("--vocab-file", help="one token per line")
  ap.add_argument("--max-len", type=int, required=True)
  ap.add_argument("--min-len", type=int, default=1)
  ap.add_argument("--count", type=int, default=50)
  ap.add_argument("--seed", type=int, default=1)
  ap.add_argument("--distinct", action="store_true")
  ap.add_argument("--every-length", action="store_true")
  a = ap.parse_args()
  if a.vocab_file:
    with open(a.vocab_file) as f:
      vocab = f.read().split()
  else:
    vocab = a.vocab.split(",")
  rng = random.Random(a.seed)
  hi = min(a.max_len, len(vocab)) if a.distinct else a.max_len
  lines = range(a.min_len, hi + 1) if a.every_length else range(a.count)
  for k in lines:
    n = k if a.every_length else rng.randint(min(a.min_len, hi), hi)
    line = rng.sample(vocab, n) if a.distinct else [rng.choice(vocab) for _ in range(n)]
    print(" ".join(line))


if __name__ == "__main__":
  main()
