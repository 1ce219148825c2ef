// RUN: not rasp-opt %s "--infer-bases=vocab=1,a,1.0" 2>&1 | FileCheck %s --check-prefix=DUP
// RUN: not rasp-opt %s "--infer-bases=vocab=a,BOS" 2>&1 | FileCheck %s --check-prefix=BOS
// RUN: not rasp-opt %s "--infer-bases=bos=a" 2>&1 | FileCheck %s --check-prefix=BOS-OPT
// RUN: not rasp-opt %s "--infer-bases=max-seq-len=-1" 2>&1 | FileCheck %s --check-prefix=LEN
// RUN: not rasp-opt %s "--infer-bases=max-values=0" 2>&1 | FileCheck %s --check-prefix=CAP

// Bad options are located diagnostics at the program, exit status 1.
// DUP: [[@LINE+5]]:1: error: 'rasp.program' op vocabulary option lists 1.0 twice
// BOS: [[@LINE+4]]:1: error: 'rasp.program' op vocabulary contains the BOS token 'BOS'
// BOS-OPT: [[@LINE+3]]:1: error: 'rasp.program' op vocabulary contains the BOS token 'a'
// LEN: [[@LINE+2]]:1: error: 'rasp.program' op 'max-seq-len' must be at least 1, got -1
// CAP: [[@LINE+1]]:1: error: 'rasp.program' op 'max-values' must be at least 1, got 0
rasp.program @p attributes {vocab = ["a", "b"], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.any>
  rasp.output %t : !rasp.sop<categorical, !rasp.any>
}
