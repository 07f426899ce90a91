// The compressed axis. Mapped addresses (of every layout drawn on it: a diff's two, a recording's
// many) are to scale; a free gap up to KNEE wide is to scale too, a wider one is drawn
// KNEE x (1 + log2(size / KNEE)) wide, so 100 TiB of nothing takes a few times the knee and a
// 4 KiB page stays visible. The knee is a power of two near 1/32 of the mapped bytes.
// Positions on the axis ("u") are Numbers; so are addresses, exact up to 2^53 and to the page above.

const MAPPED = 0, COMPRESSED = 1, ELIDED = 2;

class Axis {
  constructor(layouts) {
    const intervals = mappedIntervals(layouts);
    let mapped = 0;
    for (const [a, b] of intervals) mapped += b - a;
    const page = Math.min(...layouts.map((l) => l.pageSize));
    this.knee = 2 ** Math.floor(Math.log2(Math.max(page, mapped / 32)));
    this.page = page;
    this.userTop = Math.max(...layouts.map((l) => l.userTop));
    const last = intervals.length ? intervals[intervals.length - 1][1] : 0;
    this.end = Math.max(this.userTop, last);
    this.landmarks = [{ address: this.userTop, label: 'end of user space' }];
    if (this.end > KERNEL_START) this.landmarks.push({ address: KERNEL_START, label: 'kernel half' });
    this.buildPieces(intervals);
  }

  // Pieces tile [0, end): mapped intervals to scale, gaps (cut at the landmarks) compressed.
  buildPieces(intervals) {
    const a0 = [], a1 = [], compressed = [];
    const cuts = this.landmarks.map((l) => l.address);
    // Between the end of user space and the kernel half no address is canonical: a fixed break.
    const kind = (from) => (from >= this.userTop && from < KERNEL_START ? ELIDED : COMPRESSED);
    const addGap = (from, to) => {
      for (const cut of cuts) {
        if (cut > from && cut < to) {
          a0.push(from); a1.push(cut); compressed.push(kind(from));
          from = cut;
        }
      }
      if (to > from) { a0.push(from); a1.push(to); compressed.push(kind(from)); }
    };
    let at = 0;
    for (const [a, b] of intervals) {
      addGap(at, a);
      a0.push(a); a1.push(b); compressed.push(0);
      at = b;
    }
    addGap(at, this.end);
    const n = a0.length;
    this.n = n;
    this.a0 = Float64Array.from(a0);
    this.a1 = Float64Array.from(a1);
    this.compressed = Uint8Array.from(compressed);
    this.u0 = new Float64Array(n);
    this.uLength = new Float64Array(n);
    let u = 0;
    for (let i = 0; i < n; i++) {
      const size = this.a1[i] - this.a0[i];
      this.u0[i] = u;
      this.uLength[i] = this.compressed[i] === ELIDED ? this.knee : this.compressed[i] ? this.shownSize(size) : size;
      u += this.uLength[i];
    }
    this.total = u;
  }

  shownSize(size) {
    return size <= this.knee ? size : this.knee * (1 + Math.log2(size / this.knee));
  }

  isCompressed(i) {
    return this.compressed[i] === ELIDED || (this.compressed[i] === COMPRESSED && this.a1[i] - this.a0[i] > this.knee);
  }

  // The piece holding address a (the last one for a at or past the end).
  pieceOfAddress(a) {
    let lo = 0, hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.a0[mid] <= a) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  pieceOfU(u) {
    let lo = 0, hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.u0[mid] <= u) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  // Inside a compressed piece positions are linear too: the axis says how big the gap really is.
  u(a) {
    const i = this.pieceOfAddress(a);
    const size = this.a1[i] - this.a0[i];
    const t = size > 0 ? Math.min(1, Math.max(0, (a - this.a0[i]) / size)) : 0;
    return this.u0[i] + t * this.uLength[i];
  }

  address(u) {
    const i = this.pieceOfU(u);
    const t = this.uLength[i] > 0 ? Math.min(1, Math.max(0, (u - this.u0[i]) / this.uLength[i])) : 0;
    return this.a0[i] + t * (this.a1[i] - this.a0[i]);
  }

  // The rule in words, for the axis caption.
  describe() {
    return `Mapped regions are to scale. Free gaps up to ${formatSize(this.knee)} are to scale too; a wider gap ` +
      `is compressed (hatched on the axis): drawn ${formatSize(this.knee)} × (1 + log2(size / ${formatSize(this.knee)})) ` +
      'wide, its real size written on it. The non-canonical addresses between user space and the kernel half are ' +
      'left out.';
  }
}

// The union of every layout's regions, merged where they touch or overlap, in address order.
function mappedIntervals(layouts) {
  const all = [];
  for (const l of layouts) for (let i = 0; i < l.n; i++) all.push([l.start[i], l.end[i]]);
  if (layouts.length > 1) all.sort((x, y) => x[0] - y[0]);
  const merged = [];
  for (const [a, b] of all) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b); else merged.push([a, b]);
  }
  return merged;
}
