// The map: one canvas with the overview strip, a track per layout (a diff has two, on one axis),
// the low windows and the axis. Zoom with the wheel, a drag, the keys or the buttons, from all of
// the address space down to single pages; hover and click name regions to the panels.

const OVERVIEW_H = 16, MARK_H = 16, TRACK_H = 84, TRACK_GAP = 8, WINDOW_ROW_H = 18, AXIS_H = 40, SIDE = 8;
const PAGES_AT_MOST_ZOOM = 8;

class MapView {
  // tracks: [{layout, label}]; options: {windows, onHover(hit, event), onSelect(hit), onView()}
  constructor(canvas, axis, tracks, options) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.axis = axis;
    this.options = options;
    this.tracks = tracks.map((t) => this.makeTrack(t.layout, t.label));
    this.view = { u0: 0, u1: axis.total };
    this.hover = null;
    this.selected = null;
    this.highlight = null;  // {track, start, end, regions, colour}
    this.animation = null;
    this.pending = false;
    this.patterns = {
      fallback: hatchPattern(this.ctx, DATA.colours.fallback_pale, DATA.colours.fallback),
      compressed: hatchPattern(this.ctx, '#ffffff', '#8a8f94'),
    };
    attachMapEvents(this);
    this.resize();
  }

  makeTrack(layout, label) {
    const axis = this.axis;
    const track = { layout, label, axis, marks: new Map() };
    track.uStart = layout.start.map((a) => axis.u(a));
    track.uEnd = layout.end.map((a) => axis.u(a));
    track.gapU0 = Float64Array.from(layout.gaps, (g) => axis.u(g.start));
    track.gapU1 = Float64Array.from(layout.gaps, (g) => axis.u(g.end));
    return track;
  }

  // A recording replays its layouts on one axis (built from all of them): the view stays put.
  setLayout(index, layout) {
    this.tracks[index] = this.makeTrack(layout, this.tracks[index].label);
    this.requestDraw();
  }

  rows() {
    const rows = { overview: SIDE, tracks: [] };
    let y = SIDE + OVERVIEW_H + 6;
    for (let i = 0; i < this.tracks.length; i++) {
      rows.tracks.push(y + MARK_H);
      y += MARK_H + TRACK_H + TRACK_GAP;
    }
    rows.windows = y;
    if (this.options.windows) y += this.tracks[0].layout.raw.windows.length * WINDOW_ROW_H + 6;
    rows.axis = y + 10;
    rows.height = rows.axis + AXIS_H;
    return rows;
  }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    this.width = Math.max(200, this.canvas.parentElement.clientWidth);
    this.height = this.rows().height;
    this.canvas.style.height = `${this.height}px`;
    this.canvas.width = Math.round(this.width * ratio);
    this.canvas.height = Math.round(this.height * ratio);
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.draw();
  }

  screen() {
    return { left: SIDE, width: this.width - 2 * SIDE, u0: this.view.u0, u1: this.view.u1 };
  }

  requestDraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw() {
    const ctx = this.ctx, view = this.screen(), rows = this.rows();
    ctx.clearRect(0, 0, this.width, this.height);
    const full = { left: SIDE, width: this.width - 2 * SIDE, u0: 0, u1: this.axis.total };
    drawOverview(ctx, full, this.tracks[this.tracks.length - 1], rows.overview, OVERVIEW_H, view, this.patterns);
    this.tracks.forEach((track, i) => {
      const y = rows.tracks[i];
      drawGaps(ctx, view, track, y, TRACK_H);
      drawRegions(ctx, view, track, y, TRACK_H, this.patterns);
      drawRegionDetails(ctx, view, track, y, TRACK_H);
      drawBlocker(ctx, view, track, y, TRACK_H);
      this.drawMarks(view, track, i, y);
      if (track.label) drawTrackLabel(ctx, view, track.label, y);
    });
    if (this.options.windows) drawWindows(ctx, view, this.tracks[0], rows.windows, WINDOW_ROW_H);
    drawAxis(ctx, view, this.axis, rows.axis, AXIS_H, this.patterns.compressed);
    if (this.options.onView) this.options.onView(this);
  }

  // Changes of a diff, the finding shown, the region selected and the one under the pointer.
  drawMarks(view, track, i, y) {
    for (const [index, kind] of track.marks) {
      const style = CHANGE_STYLE[kind];
      outline(this.ctx, view, track.uStart[index], track.uEnd[index], y, TRACK_H, style.colour, 2, kind === 'removed');
      const x = xOf(view, (track.uStart[index] + track.uEnd[index]) / 2);
      if (x >= view.left && x <= view.left + view.width) {
        this.ctx.font = 'bold 13px system-ui, sans-serif';
        this.ctx.textBaseline = 'bottom';
        this.ctx.fillText(style.symbol, x + 8, y - 1);  // the kind in a sign too, not in colour alone
      }
    }
    const h = this.highlight;
    if (h && h.track === i) {
      for (const r of h.regions) outline(this.ctx, view, track.uStart[r], track.uEnd[r], y, TRACK_H, h.colour, 2, false);
      outline(this.ctx, view, this.axis.u(h.start), this.axis.u(h.end), y, TRACK_H, h.colour, 3, false);
    }
    for (const [mark, colour, width] of [[this.selected, SELECT_COLOUR, 3], [this.hover, '#555555', 2]]) {
      if (mark && mark.track === i && mark.index >= 0)
        outline(this.ctx, view, track.uStart[mark.index], track.uEnd[mark.index], y, TRACK_H, colour, width, false);
    }
  }

  minWidth() {
    return this.axis.page * PAGES_AT_MOST_ZOOM;
  }

  setView(u0, u1) {
    const total = this.axis.total, margin = total * 0.02;
    let width = Math.min(total + 2 * margin, Math.max(this.minWidth(), u1 - u0));
    let start = (u0 + u1) / 2 - width / 2;
    start = Math.max(-margin, Math.min(total + margin - width, start));
    this.view = { u0: start, u1: start + width };
    this.requestDraw();
  }

  zoomAt(x, factor) {
    const v = this.view, view = this.screen();
    const at = v.u0 + ((x - view.left) / view.width) * (v.u1 - v.u0);
    const width = Math.max(this.minWidth(), (v.u1 - v.u0) * factor);
    const start = at - ((x - view.left) / view.width) * width;
    this.stopAnimation();
    this.setView(start, start + width);
  }

  panBy(pixels) {
    const shift = (pixels / this.screen().width) * (this.view.u1 - this.view.u0);
    this.stopAnimation();
    this.setView(this.view.u0 + shift, this.view.u1 + shift);
  }

  reset() {
    this.animateTo(0, this.axis.total);
  }

  // A small target gets its neighbours around it (it takes a fifth of the view), a wide one fills it.
  zoomToRange(start, end) {
    const u0 = this.axis.u(start), u1 = this.axis.u(end), w = Math.max(u1 - u0, 1);
    const width = w < this.axis.total / 100 ? w * 5 : w * 1.15;
    this.animateTo((u0 + u1) / 2 - width / 2, (u0 + u1) / 2 + width / 2);
  }

  // Zooms in log space and pans linearly, 300 ms, so the eye follows where it goes.
  animateTo(u0, u1) {
    this.stopAnimation();
    const from = { ...this.view }, started = performance.now();
    const step = (now) => {
      const t = Math.min(1, (now - started) / 300), e = t * (2 - t);
      const w0 = from.u1 - from.u0, w1 = u1 - u0;
      const width = w0 * Math.pow(w1 / w0, e);
      const centre = (from.u0 + from.u1) / 2 + (((u0 + u1) / 2) - (from.u0 + from.u1) / 2) * e;
      this.setView(centre - width / 2, centre + width / 2);
      this.animation = t < 1 ? requestAnimationFrame(step) : null;
    };
    this.animation = requestAnimationFrame(step);
  }

  stopAnimation() {
    if (this.animation) cancelAnimationFrame(this.animation);
    this.animation = null;
  }

  idle() {
    return !this.animation && !this.pending;
  }

  // What is under a point of the canvas: a track, and a region of it within a pixel, or its gap.
  pick(offsetX, offsetY) {
    const rows = this.rows(), view = this.screen();
    const i = rows.tracks.findIndex((y) => offsetY >= y - MARK_H && offsetY < y + TRACK_H);
    if (i < 0 || offsetX < view.left || offsetX > view.left + view.width) return null;
    const track = this.tracks[i];
    const perPixel = (view.u1 - view.u0) / view.width;
    const u = view.u0 + (offsetX - view.left) * perPixel;
    let index = firstRegionFrom(track, u - perPixel / 2);
    if (index >= track.layout.n || track.uStart[index] > u + perPixel / 2) index = -1;
    const address = this.axis.address(u);
    return { track: i, layout: track.layout, index, address, gap: index < 0 ? gapAt(track.layout, address) : null };
  }

  // Where [start, end) of a track is on the screen now (client pixels), clipped to the map; null
  // when it is out of view. For scripts that check what the page shows.
  rangeBox(start, end, trackIndex) {
    const view = this.screen(), rect = this.canvas.getBoundingClientRect();
    const x0 = xOf(view, this.axis.u(start)), x1 = xOf(view, this.axis.u(end));
    const left = Math.max(view.left, x0), right = Math.min(view.left + view.width, x1);
    if (right <= left) return null;
    const top = this.rows().tracks[trackIndex || 0];
    return { left: rect.left + left, right: rect.left + right, top: rect.top + top, bottom: rect.top + top + TRACK_H };
  }
}

function drawTrackLabel(ctx, view, label, y) {
  ctx.font = 'bold 12px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  const w = ctx.measureText(label).width;
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(view.left, y + TRACK_H - 18, w + 10, 18);
  ctx.fillStyle = INK;
  ctx.fillText(label, view.left + 5, y + TRACK_H - 15);
}
