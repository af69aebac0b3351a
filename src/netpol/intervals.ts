// Sets of whole numbers kept as sorted, disjoint, non-adjacent closed intervals. Ports use
// numbers; addresses use bigints, since an IPv6 address does not fit in a double.

export type Bound = number | bigint;

/** A closed interval [start, end]. */
export type Interval<T extends Bound> = readonly [T, T];

export class IntervalSet<T extends Bound> {
  /** Sorted, disjoint and never adjacent, so that equal sets have equal lists. */
  readonly ranges: readonly Interval<T>[];

  private constructor(ranges: readonly Interval<T>[]) {
    this.ranges = ranges;
  }

  static empty<T extends Bound>(): IntervalSet<T> {
    return new IntervalSet<T>([]);
  }

  static of<T extends Bound>(start: T, end: T): IntervalSet<T> {
    return start > end ? new IntervalSet<T>([]) : new IntervalSet<T>([[start, end]]);
  }

  /** Builds a set from intervals in any order, overlapping or not. */
  static from<T extends Bound>(ranges: Iterable<Interval<T>>): IntervalSet<T> {
    const sorted = [...ranges].filter(([start, end]) => start <= end).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const merged: [T, T][] = [];
    for (const [start, end] of sorted) {
      const last = merged[merged.length - 1];
      if (last && start <= successor(last[1])) {
        if (end > last[1]) last[1] = end;
      } else merged.push([start, end]);
    }
    return new IntervalSet<T>(merged);
  }

  isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  contains(value: T): boolean {
    return this.ranges.some(([start, end]) => start <= value && value <= end);
  }

  /** True when every member of `other` is a member of this set. */
  covers(other: IntervalSet<T>): boolean {
    return other.subtract(this).isEmpty();
  }

  equals(other: IntervalSet<T>): boolean {
    if (this.ranges.length !== other.ranges.length) return false;
    return this.ranges.every(([start, end], index) => start === other.ranges[index][0] && end === other.ranges[index][1]);
  }

  union(other: IntervalSet<T>): IntervalSet<T> {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return IntervalSet.from([...this.ranges, ...other.ranges]);
  }

  intersect(other: IntervalSet<T>): IntervalSet<T> {
    const out: Interval<T>[] = [];
    let i = 0;
    let j = 0;
    while (i < this.ranges.length && j < other.ranges.length) {
      const [aStart, aEnd] = this.ranges[i];
      const [bStart, bEnd] = other.ranges[j];
      const start = aStart > bStart ? aStart : bStart;
      const end = aEnd < bEnd ? aEnd : bEnd;
      if (start <= end) out.push([start, end]);
      if (aEnd < bEnd) i++;
      else j++;
    }
    return new IntervalSet<T>(out);
  }

  subtract(other: IntervalSet<T>): IntervalSet<T> {
    if (other.isEmpty() || this.isEmpty()) return this;
    const out: Interval<T>[] = [];
    let j = 0;
    for (const [start, end] of this.ranges) {
      let cursor = start;
      while (j < other.ranges.length && other.ranges[j][1] < cursor) j++;
      let k = j;
      while (k < other.ranges.length && other.ranges[k][0] <= end) {
        const [cutStart, cutEnd] = other.ranges[k];
        if (cutStart > cursor) out.push([cursor, predecessor(cutStart)]);
        if (cutEnd >= end) {
          cursor = successor(end);
          break;
        }
        cursor = successor(cutEnd);
        k++;
      }
      if (cursor <= end) out.push([cursor, end]);
    }
    return new IntervalSet<T>(out);
  }

  /** Returns every bound where membership changes: each start, and each end plus one. */
  boundaries(): T[] {
    return this.ranges.flatMap(([start, end]) => [start, successor(end)]);
  }
}

function successor<T extends Bound>(value: T): T {
  return (typeof value === 'bigint' ? value + 1n : (value as number) + 1) as T;
}

function predecessor<T extends Bound>(value: T): T {
  return (typeof value === 'bigint' ? value - 1n : (value as number) - 1) as T;
}
