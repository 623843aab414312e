// What a `perf script` event line (perf.ts, eventLine) is read into: its
// words (TID or PID/TID, CPU, time; each function takes a word [p, e) and
// says whether it is one) and the root frame its COMM and TID name.

import { isBlank, skipDigits, digitsValue } from "../util/scan";
import { bytesEqual } from "../util/hash";
import { allocBytes, freeBytes } from "../util/memory";
import { frameTable } from "../tables/session";

// The end of the word (blank-separated) starting at p.
export function wordEnd(p: usize, end: usize): usize {
  while (p < end && !isBlank(load<u8>(p))) p++;
  return p;
}

// A TID (digits) or PID/TID (digits/digits) word: the position of its '/', `e` when it has none, 0 when it is neither.
export function tidWord(p: usize, e: usize): usize {
  const d = skipDigits(p, e);
  if (d == p) return 0;
  if (d == e) return e;
  if (load<u8>(d) != 0x2f || d + 1 == e) return 0;
  return skipDigits(d + 1, e) == e ? d : 0;
}

// `[digits]`, the CPU.
export function isCpuWord(p: usize, e: usize): bool {
  return e - p >= 3 && load<u8>(p) == 0x5b && load<u8>(e - 1) == 0x5d && skipDigits(p + 1, e - 1) == e - 1;
}

const POW10: StaticArray<f64> = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

// `digits:` or `digits.digits:`, the time: its value in seconds, or -1 when the word is not one.
export function timeWord(p: usize, e: usize): f64 {
  if (e - p < 2 || load<u8>(e - 1) != 0x3a) return -1;
  const d = skipDigits(p, e - 1);
  if (d == p) return -1;
  if (d == e - 1) return digitsValue(p, d);
  if (load<u8>(d) != 0x2e) return -1;
  const f = skipDigits(d + 1, e - 1);
  if (f == d + 1 || f != e - 1) return -1;
  const decimals = f - d - 1;
  if (d - p > 15 || decimals > 15) return digitsValue(p, d) + digitsValue(d + 1, f) / Math.pow(10, <f64>decimals);
  // perf prints microseconds or nanoseconds: both parts fit 64-bit integers, converted once
  let whole: u64 = 0;
  for (let q = p; q < d; q++) whole = whole * 10 + <u64>(load<u8>(q) - 0x30);
  let part: u64 = 0;
  for (let q = d + 1; q < f; q++) part = part * 10 + <u64>(load<u8>(q) - 0x30);
  return <f64>whole + <f64>part / unchecked(POW10[<i32>decimals]);
}

// The root name of the last event line, by the bytes it was made from (COMM to the TID word):
// consecutive samples of one thread make the same one.
let root: u32 = 0;
let rootKey: usize = 0;
let rootKeyLen: usize = 0;
let rootKeyCap: usize = 0;
let nameBuf: usize = 0; // where a root name is made
let nameCap: usize = 0;

export function rootNamesInit(): void {
  rootKeyCap = 256;
  rootKey = allocBytes(rootKeyCap);
  nameCap = 256;
  nameBuf = allocBytes(nameCap);
}

/** A new input: the next event line's root is made afresh. */
export function forgetRootName(): void { rootKeyLen = 0; }

// The root frame (rule 10): COMM with blanks as '_', then -PID or -PID/TID as asked
// (PID `?` when only a TID is printed). Made again only when the event line's bytes differ.
export function rootFrame(comm: usize, commEnd: usize, tid: usize, slash: usize, tidEnd: usize, withPid: bool, withTid: bool): u32 {
  const keyLen = tidEnd - comm;
  if (keyLen == rootKeyLen && bytesEqual(rootKey, comm, keyLen)) return root;
  if (keyLen > rootKeyCap) {
    freeBytes(rootKey);
    rootKeyCap = keyLen + 64;
    rootKey = allocBytes(rootKeyCap);
  }
  memory.copy(rootKey, comm, keyLen);
  rootKeyLen = keyLen;
  if (keyLen + 8 > nameCap) {
    freeBytes(nameBuf);
    nameCap = keyLen + 256;
    nameBuf = allocBytes(nameCap);
  }
  let o = nameBuf;
  for (let p = comm; p < commEnd; p++) {
    const c = load<u8>(p);
    store<u8>(o++, isBlank(c) ? 0x5f : c);
  }
  if (withPid || withTid) {
    store<u8>(o++, 0x2d); // '-'
    if (slash < tidEnd) { // PID/TID
      const n = withTid ? tidEnd - tid : slash - tid;
      memory.copy(o, tid, n);
      o += n;
    } else {
      store<u8>(o++, 0x3f); // '?'
      if (withTid) {
        store<u8>(o++, 0x2f);
        memory.copy(o, tid, tidEnd - tid);
        o += tidEnd - tid;
      }
    }
  }
  root = frameTable.intern(nameBuf, o - nameBuf);
  return root;
}
