// Only the ops the output depends on are evaluated, as in Tracr: an op that
// would fail on this input does not matter unless the output uses it.
// RUN: rasp-run --interpret %s --input="a b" | FileCheck %s --check-prefix=OUTPUT
// RUN: not rasp-run --interpret %s --output=mixed --input="a b" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MIXED

!str = !rasp.sop<categorical, !rasp.str>

// OUTPUT: {{^}}["a-", "b-"]{{$}}
// A name location as the frontend attaches it: the bound name around the
// file location.
// MIXED: output-cone.mlir:17:3: error: input line 1: categorical aggregate at query position 0 selects differing values
rasp.program @cone attributes {vocab = ["a", "b"], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !str
  %dash = rasp.full("-") : !str
  %all = rasp.select %tokens, %tokens, true : !str, !str
  %mixed = rasp.aggregate %all, %tokens : !str -> !str loc("mixed"("output-cone.mlir":17:3))
  %suffixed = rasp.sequence_map %tokens, %dash : !str, !str -> !str {
  ^bb0(%x: !rasp.str, %y: !rasp.str):
    %xy = rasp.binary add %x, %y : !rasp.str, !rasp.str -> !rasp.str
    rasp.yield %xy : !rasp.str
  }
  rasp.output %suffixed : !str
}
