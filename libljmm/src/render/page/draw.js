// Drawing on the map's canvas: a track of regions, the low windows, the axis and the overview.
// `view` maps axis positions to pixels: x(u) = left + (u - u0) / (u1 - u0) * width.

const CHANGE_STYLE = {
  added: { colour: '#1e8449', symbol: '+', words: 'added' },
  removed: { colour: '#c0392b', symbol: '−', words: 'removed' },
  grown: { colour: '#b9770e', symbol: '~', words: 'grown' },
  shrunk: { colour: '#b9770e', symbol: '~', words: 'shrunk' },
  changed: { colour: '#b9770e', symbol: '~', words: 'permissions changed' },
};
const FREE_COLOUR = '#7dcea0', LARGEST_COLOUR = '#145a32', SELECT_COLOUR = '#111111', INK = '#1b1f23';

function xOf(view, u) {
  return view.left + ((u - view.u0) / (view.u1 - view.u0)) * view.width;
}

function hatchPattern(ctx, background, stripe) {
  const tile = document.createElement('canvas');
  tile.width = tile.height = 8;
  const t = tile.getContext('2d');
  if (background) { t.fillStyle = background; t.fillRect(0, 0, 8, 8); }
  t.strokeStyle = stripe;
  t.lineWidth = 2;
  t.beginPath();
  t.moveTo(-2, 10); t.lineTo(10, -2);
  t.moveTo(6, 10); t.lineTo(10, 6);
  t.moveTo(-2, 2); t.lineTo(2, -2);
  t.stroke();
  return ctx.createPattern(tile, 'repeat');
}

// Black or white text, whichever reads on the colour.
function inkOn(colour) {
  const v = parseInt(colour.slice(1), 16);
  const luminance = 0.299 * (v >> 16) + 0.587 * ((v >> 8) & 255) + 0.114 * (v & 255);
  return luminance > 150 ? '#000000' : '#ffffff';
}

// The first region whose end is right of u (regions are in address order, so their ends too).
function firstRegionFrom(track, u) {
  let lo = 0, hi = track.layout.n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (track.uEnd[mid] <= u) lo = mid + 1; else hi = mid;
  }
  return lo;
}

function drawGaps(ctx, view, track, y, h) {
  const gaps = track.layout.gaps;
  ctx.globalAlpha = 0.14;
  for (let i = 0; i < gaps.length; i++) {
    const x0 = Math.max(view.left, xOf(view, track.gapU0[i]));
    const x1 = Math.min(view.left + view.width, xOf(view, track.gapU1[i]));
    if (x1 <= x0) continue;
    ctx.fillStyle = segmentInfo(gaps[i].segment).colour;
    ctx.fillRect(x0, y, x1 - x0, h);
  }
  ctx.globalAlpha = 1;
}

// Regions too narrow to tell apart are drawn as runs of one segment, a pixel at least wide.
function drawRegions(ctx, view, track, y, h, patterns) {
  const layout = track.layout;
  let run = null;
  const flush = () => {
    if (!run) return;
    ctx.globalAlpha = run.reserved ? 0.38 : 1;
    ctx.fillStyle = segmentInfo(run.segment).colour;
    ctx.fillRect(run.x0, y, run.x1 - run.x0, h);
    ctx.globalAlpha = 1;
    if (run.fallback) {
      ctx.fillStyle = patterns.fallback;
      ctx.fillRect(run.x0, y + h * 0.55, run.x1 - run.x0, h * 0.45);
    }
  };
  const right = view.left + view.width;
  for (let i = firstRegionFrom(track, view.u0); i < layout.n && track.uStart[i] < view.u1; i++) {
    const x0 = Math.max(view.left, Math.floor(xOf(view, track.uStart[i])));
    const x1 = Math.min(right, Math.max(x0 + 1, Math.ceil(xOf(view, track.uEnd[i]))));
    const segment = layout.segment[i], reserved = layout.reserved[i], fallback = layout.fallback[i];
    if (run && run.segment === segment && run.reserved === reserved && run.fallback === fallback && x0 <= run.x1) {
      run.x1 = Math.max(run.x1, x1);
    } else {
      flush();
      run = { segment, reserved, fallback, x0, x1 };
    }
  }
  flush();
}

// Wide enough regions get a line where they start and their name.
function drawRegionDetails(ctx, view, track, y, h) {
  const layout = track.layout;
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (let i = firstRegionFrom(track, view.u0); i < layout.n && track.uStart[i] < view.u1; i++) {
    const x0 = xOf(view, track.uStart[i]), x1 = xOf(view, track.uEnd[i]);
    if (x1 - x0 < 4) continue;
    ctx.fillStyle = '#ffffff';
    if (x0 > view.left) ctx.fillRect(Math.round(x0), y, 1, h);
    const left = Math.max(view.left, x0) + 4, room = Math.min(view.left + view.width, x1) - left - 4;
    if (room < 40) continue;
    const r = layout.raw.regions[i];
    const path = layout.raw.paths[r[R_PATH]];
    const name = path ? path.split('/').pop() : layout.raw.types[r[R_TYPE]];
    ctx.fillStyle = layout.reserved[i] ? INK : inkOn(segmentInfo(layout.segment[i]).colour);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, y, room, h);
    ctx.clip();
    ctx.fillText(`${name} ${r[R_PERMS]}`, left, y + h * 0.3);
    ctx.fillText(formatSize(r[R_SIZE]), left, y + h * 0.3 + 15);
    ctx.restore();
  }
}

// An outline around [u0, u1) that stays visible however narrow, and a triangle above it.
function outline(ctx, view, u0, u1, y, h, colour, width, dashed) {
  let x0 = xOf(view, u0), x1 = xOf(view, u1);
  if (x1 < view.left - 2 || x0 > view.left + view.width + 2) return;
  if (x1 - x0 < 3) { const c = (x0 + x1) / 2; x0 = c - 1.5; x1 = c + 1.5; }
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dashed ? [4, 3] : []);
  ctx.strokeRect(x0 - width / 2, y - width / 2, x1 - x0 + width, h + width);
  ctx.setLineDash([]);
  const c = Math.min(view.left + view.width, Math.max(view.left, (x0 + x1) / 2));
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.moveTo(c - 6, y - 11); ctx.lineTo(c + 6, y - 11); ctx.lineTo(c, y - 3);
  ctx.fill();
}

function drawBlocker(ctx, view, track, y, h) {
  const b = track.layout.blocker;
  if (!b) return;
  const u0 = track.axis.u(b.start), u1 = track.axis.u(b.end);
  const x0 = xOf(view, u0), x1 = Math.max(x0 + 3, xOf(view, u1));
  if (x1 < view.left || x0 > view.left + view.width) return;
  ctx.fillStyle = DATA.colours.blocker;
  ctx.fillRect(x0, y, x1 - x0, h);
  outline(ctx, view, u0, u1, y, h, DATA.colours.blocker, 1, false);
  ctx.font = 'bold 12px system-ui, sans-serif';
  ctx.textBaseline = 'bottom';
  ctx.fillText('brk blocked', Math.min(x1 + 8, view.left + view.width - 80), y - 1);
}

// Each low window is a band: grey where it is taken, green where it is free, the largest free gap
// outlined, its name and numbers written at its left.
function drawWindows(ctx, view, track, y, rowHeight) {
  const layout = track.layout;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  layout.raw.windows.forEach((w, row) => {
    const top = y + row * rowHeight, h = rowHeight - 3;
    const start = parseInt(w.start, 16), end = parseInt(w.end, 16);
    const x0 = Math.max(view.left, xOf(view, track.axis.u(start)));
    const x1 = Math.min(view.left + view.width, xOf(view, track.axis.u(end)));
    if (x1 > x0) {
      ctx.fillStyle = '#d5d8dc';
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), h);
      for (const gap of layout.gaps) {
        const a = Math.max(gap.start, start), b = Math.min(gap.end, end);
        if (b <= a) continue;
        const g0 = Math.max(view.left, xOf(view, track.axis.u(a)));
        const g1 = Math.min(view.left + view.width, xOf(view, track.axis.u(b)));
        ctx.fillStyle = FREE_COLOUR;
        if (g1 > g0) ctx.fillRect(g0, top, Math.max(1, g1 - g0), h);
      }
      if (w.largest_gap > 0) {
        const ls = parseInt(w.largest_gap_start, 16);
        const l0 = xOf(view, track.axis.u(ls)), l1 = xOf(view, track.axis.u(ls + w.largest_gap));
        ctx.strokeStyle = LARGEST_COLOUR;
        ctx.lineWidth = 2;
        ctx.strokeRect(Math.max(view.left - 2, l0) + 1, top + 1, Math.min(view.width + 4, Math.max(2, l1 - l0)) - 2, h - 2);
      }
    }
    const label = `${w.id}: ${formatSize(w.free_bytes)} free, largest ${formatSize(w.largest_gap)}`;
    const at = Math.min(Math.max(view.left + 2, x0 + 4), view.left + view.width - ctx.measureText(label).width - 4);
    ctx.fillStyle = 'rgba(255,255,255,0.8)';
    ctx.fillRect(at - 2, top, ctx.measureText(label).width + 4, h);
    ctx.fillStyle = INK;
    ctx.fillText(label, at, top + h / 2);
  });
}

// Ticks: where regions and gaps start, as many as fit; inside a wide mapped piece, round
// addresses too. Compressed gaps are hatched, their real size written below the addresses, where
// the landmarks (end of user space, kernel half) go first.
function drawAxis(ctx, view, axis, y, h, hatch) {
  const right = view.left + view.width;
  ctx.fillStyle = INK;
  ctx.fillRect(view.left, y, view.width, 1);
  ctx.font = '11px ui-monospace, monospace';
  ctx.textBaseline = 'top';
  let lastLabel = -Infinity;
  const tick = (x, address, strong) => {
    if (x < view.left - 1 || x > right + 1) return;
    ctx.fillStyle = INK;
    ctx.fillRect(Math.round(x), y, 1, strong ? 7 : 4);
    const text = hexOf(address);
    const w = ctx.measureText(text).width;
    if (x - lastLabel < w + 16 || x + w / 2 > right) return;
    ctx.fillText(text, Math.max(view.left, x - w / 2), y + 9);
    lastLabel = x;
  };
  const taken = [];
  const note = (text, x, colour) => {
    const w = ctx.measureText(text).width, x0 = Math.max(view.left, Math.min(right - w, x));
    if (taken.some(([a, b]) => x0 < b + 8 && a < x0 + w + 8)) return;
    taken.push([x0, x0 + w]);
    ctx.fillStyle = colour;
    ctx.fillText(text, x0, y + 23);
  };
  for (const mark of axis.landmarks) {
    const x = xOf(view, axis.u(mark.address));
    if (x < view.left || x > right) continue;
    ctx.fillStyle = '#7b241c';
    ctx.fillRect(Math.round(x), y - 8, 2, 16);
    note(mark.label, x + 4, '#7b241c');
  }
  for (let i = axis.pieceOfU(view.u0); i < axis.n && axis.u0[i] < view.u1; i++) {
    const x0 = xOf(view, axis.u0[i]), x1 = xOf(view, axis.u0[i] + axis.uLength[i]);
    if (axis.isCompressed(i)) {
      const a = Math.max(view.left, x0), b = Math.min(right, x1);
      ctx.fillStyle = hatch;
      if (b > a) ctx.fillRect(a, y - 8, b - a, 8);
      const text = axis.compressed[i] === ELIDED ? '(not canonical)' : `≈ ${formatSize(axis.a1[i] - axis.a0[i])} free`;
      if (b - a > ctx.measureText(text).width + 8) note(text, (a + b) / 2 - ctx.measureText(text).width / 2, '#555555');
    }
    tick(x0, axis.a0[i], true);
    if (axis.compressed[i] === MAPPED) innerTicks(view, axis, i, x0, x1, tick);
  }
}

// Round addresses (powers of two apart) inside a mapped piece wide on screen.
function innerTicks(view, axis, i, x0, x1, tick) {
  const bytes = axis.a1[i] - axis.a0[i];
  if (x1 - x0 < 240) return;
  const perPixel = bytes / (x1 - x0);
  const step = 2 ** Math.ceil(Math.log2(perPixel * 130));
  const firstU = Math.max(view.u0, axis.u0[i]), lastU = Math.min(view.u1, axis.u0[i] + axis.uLength[i]);
  const from = Math.ceil(axis.address(firstU) / step) * step;
  for (let a = from; a < axis.address(lastU); a += step) tick(xOf(view, axis.u(a)), a, false);
}

// The whole axis in a thin strip, the part in view outlined.
function drawOverview(ctx, full, track, y, h, view, patterns) {
  ctx.fillStyle = '#f2f3f4';
  ctx.fillRect(full.left, y, full.width, h);
  drawRegions(ctx, full, track, y + 2, h - 4, patterns);
  const x0 = xOf(full, view.u0), x1 = xOf(full, view.u1);
  ctx.strokeStyle = SELECT_COLOUR;
  ctx.lineWidth = 2;
  ctx.strokeRect(x0, y, Math.max(3, x1 - x0), h);
}
