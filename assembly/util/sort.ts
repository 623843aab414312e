// Sorting u32 ids (tree nodes, stack-table entries) by a comparator: stable,
// and O(n log n) comparisons whatever the input order (bottom-up merge sort;
// insertion sort for short lists), O(n) for ids already in order.

import { allocBytes, freeBytes } from "./memory";

export type Compare = (a: u32, b: u32) => i32;

/** Sorts the `n` ids at `a` in place. */
export function sortIds(a: usize, n: u32, compare: Compare): void {
  if (n <= 12) { // insertion sort: no buffer, fewest steps for the short lists that are most lists
    for (let i: u32 = 1; i < n; i++) {
      const v = load<u32>(a + (<usize>i << 2));
      let j = i;
      while (j > 0 && compare(load<u32>(a + (<usize>(j - 1) << 2)), v) > 0) {
        store<u32>(a + (<usize>j << 2), load<u32>(a + (<usize>(j - 1) << 2)));
        j--;
      }
      store<u32>(a + (<usize>j << 2), v);
    }
    return;
  }
  // Ids often come in order already (a sorted folded file's stacks, the children of a
  // node made in name order): n - 1 comparisons then, and no buffer.
  if (isSorted(a, n, compare)) return;
  let src = a;
  let dst = allocBytes(<usize>n << 2);
  const tmp = dst;
  for (let width: u32 = 1; width < n; width <<= 1) {
    for (let lo: u32 = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n), hi = min(lo + (width << 1), n);
      // Two runs already in order (a profile sorted in parts) are one comparison, then copied.
      if (mid < hi && compare(load<u32>(src + (<usize>(mid - 1) << 2)), load<u32>(src + (<usize>mid << 2))) <= 0) {
        memory.copy(dst + (<usize>lo << 2), src + (<usize>lo << 2), <usize>(hi - lo) << 2);
        continue;
      }
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        const vi = load<u32>(src + (<usize>i << 2)), vj = load<u32>(src + (<usize>j << 2));
        if (compare(vi, vj) <= 0) { store<u32>(dst + (<usize>k << 2), vi); i++; }
        else { store<u32>(dst + (<usize>k << 2), vj); j++; }
        k++;
      }
      memory.copy(dst + (<usize>k << 2), src + (<usize>i << 2), <usize>(mid - i) << 2);
      k += mid - i;
      memory.copy(dst + (<usize>k << 2), src + (<usize>j << 2), <usize>(hi - j) << 2);
    }
    const t = src; src = dst; dst = t;
  }
  if (src != a) memory.copy(a, src, <usize>n << 2);
  freeBytes(tmp);
}

/** Whether the `n` ids at `a` are in order already: n - 1 comparisons at most. */
export function isSorted(a: usize, n: u32, compare: Compare): bool {
  for (let i: u32 = 1; i < n; i++) {
    if (compare(load<u32>(a + (<usize>(i - 1) << 2)), load<u32>(a + (<usize>i << 2))) > 0) return false;
  }
  return true;
}

/** Reverses the `n` ids at `a` in place. */
export function reverseIds(a: usize, n: u32): void {
  for (let i: u32 = 0, j = n; i + 1 < j; i++) {
    j--;
    const t = load<u32>(a + (<usize>i << 2));
    store<u32>(a + (<usize>i << 2), load<u32>(a + (<usize>j << 2)));
    store<u32>(a + (<usize>j << 2), t);
  }
}
