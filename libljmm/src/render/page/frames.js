// A recording's frames (DATA.recording, docs/html.md): each frame holds what changed since the
// frame before, as the library computed it from the film; this puts the changes together into
// the layout at any frame. Nothing here knows what a call does to a layout.

// Addresses are "0x..." without leading zeros: the longer is the higher, else the text orders them.
function compareHex(a, b) {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

class FrameStore {
  constructor(recording) {
    this.rec = recording;
    this.frames = recording.frames;
    this.at = -1;  // the frame the maps hold
    this.regions = new Map();  // start -> region array
    this.gaps = new Map();
    // frame -> {regions, gaps}: a copy costs as much as replaying as many changes, so one is kept
    // whenever a quarter of the regions' count of changes were replayed since the last.
    this.checkpoints = new Map();
    this.replayed = 0;
  }

  // The layout at frame i, prepared for drawing.
  layout(i) {
    this.moveTo(i);
    const f = this.frames[i], rec = this.rec;
    const sorted = (map) => [...map.values()].sort((x, y) => compareHex(x[0], y[0]));
    const raw = {
      ...rec.facts[f.facts],
      header: f.header.map((line) => rec.lines[line]),
      brk: { known: f.brk[0], brk: f.brk[1], room: f.brk[2], blocked: f.brk[3] },
      fallback_bytes: f.fallback_bytes,
      regions: sorted(this.regions), types: rec.types, paths: rec.paths, gaps: sorted(this.gaps),
      windows: rec.windows[f.windows].windows,
      totals: rec.totals[f.totals].map(([regions, bytes, free]) => ({ regions, bytes, rss: 0, pss: 0, swap: 0, free_bytes: free })),
      findings: f.findings.map((index) => {
        const finding = rec.findings[index];
        return { ...rec.finding_kinds[finding.kind], summary: finding.summary, metrics: finding.metrics, regions: finding.regions };
      }),
    };
    return prepareLayout(raw, `frame ${i}`);
  }

  moveTo(i) {
    if (i < this.at) {
      let from = -1;
      for (const k of this.checkpoints.keys()) if (k <= i && k > from) from = k;
      const saved = this.checkpoints.get(from);
      this.regions = saved ? new Map(saved.regions) : new Map();
      this.gaps = saved ? new Map(saved.gaps) : new Map();
      this.at = from;
      this.replayed = 0;
    }
    while (this.at < i) this.apply(++this.at);
  }

  apply(i) {
    const f = this.frames[i];
    for (const start of f.removed) this.regions.delete(start);
    for (const region of f.added) this.regions.set(region[R_START], region);
    for (const start of f.gaps_removed) this.gaps.delete(start);
    for (const gap of f.gaps_added) this.gaps.set(gap[0], gap);
    this.replayed += f.removed.length + f.added.length + f.gaps_removed.length + f.gaps_added.length;
    if (this.replayed * 4 >= this.regions.size + this.gaps.size && !this.checkpoints.has(i)) {
      this.checkpoints.set(i, { regions: new Map(this.regions), gaps: new Map(this.gaps) });
      this.replayed = 0;
    }
  }

  // Every region any frame has, for one axis under all of them: the view stays put while the
  // layout changes under it.
  everyRegion() {
    const all = [];
    for (const f of this.frames) for (const r of f.added) all.push([parseInt(r[R_START], 16), parseInt(r[R_START], 16) + r[R_SIZE]]);
    all.sort((x, y) => x[0] - y[0]);
    const facts = this.rec.facts[0];
    return {
      n: all.length, start: Float64Array.from(all, (r) => r[0]), end: Float64Array.from(all, (r) => r[1]),
      pageSize: facts.page_size || 4096, userTop: parseInt(facts.user_top, 16),
    };
  }

  // The last frame at or before time_ns (the first when none is).
  frameAt(timeNs) {
    let lo = 0, hi = this.frames.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.frames[mid].time_ns <= timeNs) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
}
