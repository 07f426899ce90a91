// The page's data (ljmm.page/v1, docs/html.md), read once, and each layout prepared for drawing:
// addresses as Numbers in typed arrays, in address order, with the exact text kept for display.

const DATA = JSON.parse(document.getElementById('ljmm-data').textContent);

const NO_ACCESS = '---';
// Where the kernel half starts and its segment (s8), as the library defines them.
const KERNEL_START = parseInt(DATA.kernel.start, 16);
const KERNEL_SEGMENT = DATA.kernel.segment;

// Region columns, as html_data.cpp writes them.
const R_START = 0, R_SIZE = 1, R_PERMS = 2, R_SEGMENT = 3, R_TYPE = 4, R_PATH = 5, R_RSS = 6, R_PSS = 7, R_SWAP = 8;

function segmentInfo(number) {
  return DATA.segments[number - 1];
}

// A finding's target: the range it names (the blocker at the break, a low window), else the
// regions it names; null when it names neither.
function findingTarget(layout, finding) {
  const m = finding.metrics;
  if (m.blocker_start !== undefined && m.blocker_size !== undefined) {
    const start = parseInt(m.blocker_start, 16);
    return { start, end: start + m.blocker_size, regions: regionIndices(layout, finding.regions) };
  }
  if (m.window_start !== undefined && m.window_end !== undefined)
    return { start: parseInt(m.window_start, 16), end: parseInt(m.window_end, 16), regions: [] };
  const regions = regionIndices(layout, finding.regions);
  if (regions.length === 0) return null;
  let start = Infinity, end = 0;
  for (const i of regions) {
    start = Math.min(start, layout.start[i]);
    end = Math.max(end, layout.end[i]);
  }
  return { start, end, regions };
}

function regionIndices(layout, starts) {
  return starts.map((hex) => layout.byStart.get(hex)).filter((i) => i !== undefined);
}

function prepareLayout(raw, name) {
  const n = raw.regions.length;
  const layout = {
    raw, name, n,
    start: new Float64Array(n), end: new Float64Array(n), segment: new Uint8Array(n),
    reserved: new Uint8Array(n), fallback: new Uint8Array(n), byStart: new Map(),
    pageSize: raw.page_size || 4096, userTop: parseInt(raw.user_top, 16),
  };
  for (let i = 0; i < n; i++) {
    const r = raw.regions[i];
    layout.start[i] = parseInt(r[R_START], 16);
    layout.end[i] = layout.start[i] + r[R_SIZE];
    layout.segment[i] = r[R_SEGMENT];
    layout.reserved[i] = r[R_PERMS].startsWith(NO_ACCESS) ? 1 : 0;
    layout.fallback[i] = raw.types[r[R_TYPE]] === 'malloc_fallback' ? 1 : 0;
    layout.byStart.set(r[R_START], i);
  }
  layout.gaps = raw.gaps.map((g) => ({ start: parseInt(g[0], 16), end: parseInt(g[0], 16) + g[1], segment: g[2] }));
  // The kernel half up to [vsyscall] is no gap of user space, but drawn as s8's free space.
  const kernel = layout.start.findIndex((a) => a >= KERNEL_START);
  if (kernel >= 0 && layout.start[kernel] > KERNEL_START)
    layout.gaps.push({ start: KERNEL_START, end: layout.start[kernel], segment: KERNEL_SEGMENT });
  layout.findings = raw.findings.map((f) => ({ ...f, target: null }));
  for (const f of layout.findings) f.target = findingTarget(layout, f);
  // The blocker at the break is marked whenever a finding names it, whichever finding that is.
  const blocker = layout.findings.find((f) => f.metrics.blocker_start !== undefined);
  layout.blocker = blocker ? blocker.target : null;
  return layout;
}

// One region's facts as people read them.
function regionFacts(layout, i) {
  const r = layout.raw.regions[i];
  const facts = {
    index: i, startHex: r[R_START], endHex: hexAdd(r[R_START], r[R_SIZE]), size: r[R_SIZE], perms: r[R_PERMS],
    segment: segmentInfo(r[R_SEGMENT]), type: layout.raw.types[r[R_TYPE]], path: layout.raw.paths[r[R_PATH]],
  };
  if (layout.raw.has_smaps) Object.assign(facts, { rss: r[R_RSS], pss: r[R_PSS], swap: r[R_SWAP] });
  return facts;
}

// The index of the region holding `address`, or -1.
function regionAt(layout, address) {
  let lo = 0, hi = layout.n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (layout.end[mid] <= address) lo = mid + 1; else hi = mid;
  }
  return lo < layout.n && layout.start[lo] <= address ? lo : -1;
}

function gapAt(layout, address) {
  const gaps = layout.gaps;
  let lo = 0, hi = gaps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (gaps[mid].end <= address) lo = mid + 1; else hi = mid;
  }
  return lo < gaps.length && gaps[lo].start <= address ? gaps[lo] : null;
}
