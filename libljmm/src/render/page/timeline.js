// The timeline under the map: the map count, accessible and reserved bytes at every frame (a
// value holds until the next frame), the instants where findings first appear, and the frame
// shown. A click or a drag on it shows the frame at that time; the slider beside it is the
// keyboard's way, and the table and the list of onsets say the same in text.

// A sampled frame's spread: the least and the most of a count over the instants it stands for.
const STRIP_SERIES = [
  { label: 'Mappings', value: (f) => f.counts[0], spread: (f) => f.spread && [f.spread[0], f.spread[1]],
    format: (v) => v.toLocaleString('en') },
  { label: 'Accessible', value: (f) => f.counts[1], spread: (f) => f.spread && [f.spread[2], f.spread[3]], format: formatSize },
  { label: 'Reserved (PROT_NONE)', value: (f) => f.counts[2], spread: (f) => f.spread && [f.spread[4], f.spread[5]],
    format: formatSize },
];
const STRIP_ROW_H = 38, STRIP_AXIS_H = 20, STRIP_MARK_H = 14, STRIP_CURSOR_H = 8, STRIP_SIDE = 8, STRIP_LINE = '#1a5fb4';
const ONSET_SIGN = { error: '✖', warning: '!', info: 'i' };

class TimelineStrip {
  constructor(canvas, recording, onPick) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.frames = recording.frames;
    this.onsets = recording.onsets;
    const lastEvent = recording.events.rows.length ? recording.events.rows[recording.events.rows.length - 1][0] : 0;
    this.t1 = Math.max(1, this.frames[this.frames.length - 1].time_ns, lastEvent);
    this.current = 0;
    this.ranges = STRIP_SERIES.map((s) => {
      let lo = Infinity, hi = -Infinity;
      for (const f of this.frames) {
        const [least, most] = s.spread(f) || [s.value(f), s.value(f)];
        lo = Math.min(lo, least); hi = Math.max(hi, most);
      }
      return { lo, hi };
    });
    let dragging = false;
    const pick = (event) => onPick(this.timeAt(event.offsetX));
    canvas.addEventListener('pointerdown', (event) => { dragging = true; canvas.setPointerCapture(event.pointerId); pick(event); });
    canvas.addEventListener('pointermove', (event) => { if (dragging) pick(event); });
    canvas.addEventListener('pointerup', () => { dragging = false; });
    this.resize();
  }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    this.width = Math.max(200, this.canvas.parentElement.clientWidth);
    this.height = STRIP_MARK_H + STRIP_SERIES.length * STRIP_ROW_H + STRIP_CURSOR_H + STRIP_AXIS_H;
    this.canvas.style.height = `${this.height}px`;
    for (const canvas of [this.canvas, this.still || (this.still = document.createElement('canvas'))]) {
      canvas.width = Math.round(this.width * ratio);
      canvas.height = Math.round(this.height * ratio);
    }
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.drawStill(ratio);
    this.draw(this.current);
  }

  // What does not move with the frame (the series, the onsets, the time axis), drawn once per size.
  drawStill(ratio) {
    const shown = this.ctx;
    this.ctx = this.still.getContext('2d');
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    STRIP_SERIES.forEach((series, i) => this.drawSeries(series, this.ranges[i], STRIP_MARK_H + i * STRIP_ROW_H));
    this.drawOnsets();
    this.drawTimeAxis(STRIP_MARK_H + STRIP_SERIES.length * STRIP_ROW_H + STRIP_CURSOR_H);
    this.ctx = shown;
  }

  x(timeNs) {
    return STRIP_SIDE + (timeNs / this.t1) * (this.width - 2 * STRIP_SIDE);
  }

  timeAt(x) {
    return Math.max(0, Math.min(1, (x - STRIP_SIDE) / (this.width - 2 * STRIP_SIDE))) * this.t1;
  }

  // The frame shown: a line across the rows with a mark below them, and each row's value then.
  draw(current) {
    this.current = current;
    const ctx = this.ctx, rowsEnd = STRIP_MARK_H + STRIP_SERIES.length * STRIP_ROW_H;
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.drawImage(this.still, 0, 0, this.width, this.height);
    const x = this.x(this.frames[current].time_ns);
    ctx.fillStyle = INK;
    ctx.fillRect(x - 1, STRIP_MARK_H, 2, rowsEnd - STRIP_MARK_H);
    ctx.beginPath();
    ctx.moveTo(x, rowsEnd); ctx.lineTo(x + 6, rowsEnd + STRIP_CURSOR_H); ctx.lineTo(x - 6, rowsEnd + STRIP_CURSOR_H);
    ctx.fill();
    STRIP_SERIES.forEach((series, i) => this.drawLabel(series, this.ranges[i], STRIP_MARK_H + i * STRIP_ROW_H));
  }

  // A step line: each frame's value holds until the next frame.
  drawSeries(series, range, top) {
    const ctx = this.ctx, h = STRIP_ROW_H - 6, base = top + STRIP_ROW_H - 3;
    const y = (v) => (range.hi > range.lo ? base - ((v - range.lo) / (range.hi - range.lo)) * (h - 14) : base - (h - 14) / 2);
    ctx.fillStyle = '#f4f5f6';
    ctx.fillRect(STRIP_SIDE, top + 3, this.width - 2 * STRIP_SIDE, h);
    this.drawSpread(series, y);
    ctx.beginPath();
    ctx.moveTo(this.x(this.frames[0].time_ns), base);
    for (let i = 0; i < this.frames.length; i++) {
      const v = y(series.value(this.frames[i]));
      ctx.lineTo(this.x(this.frames[i].time_ns), i ? y(series.value(this.frames[i - 1])) : v);
      ctx.lineTo(this.x(this.frames[i].time_ns), v);
    }
    const last = this.frames[this.frames.length - 1];
    ctx.lineTo(this.x(this.t1), y(series.value(last)));
    ctx.strokeStyle = STRIP_LINE;
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.lineTo(this.x(this.t1), base);
    ctx.closePath();
    ctx.globalAlpha = 0.15;
    ctx.fillStyle = STRIP_LINE;
    ctx.fill();
    ctx.globalAlpha = 1;
  }

  // The row's name, its value at the frame shown, and its range.
  drawLabel(series, range, top) {
    const ctx = this.ctx;
    const text = `${series.label}: ${series.format(series.value(this.frames[this.current]))} ` +
      `(${series.format(range.lo)} – ${series.format(range.hi)})`;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.fillStyle = 'rgba(255,255,255,0.85)';
    ctx.fillRect(STRIP_SIDE + 2, top + 4, ctx.measureText(text).width + 6, 14);
    ctx.fillStyle = INK;
    ctx.fillText(text, STRIP_SIDE + 5, top + 5);
  }

  // Where frames were sampled: a band from the least to the most over the instants each stands for.
  drawSpread(series, y) {
    const ctx = this.ctx;
    ctx.fillStyle = STRIP_LINE;
    ctx.globalAlpha = 0.35;
    for (let i = 0; i < this.frames.length; i++) {
      const spread = series.spread(this.frames[i]);
      if (!spread || spread[0] === spread[1]) continue;
      const x0 = this.x(i ? this.frames[i - 1].time_ns : this.frames[i].time_ns), x1 = this.x(this.frames[i].time_ns);
      ctx.fillRect(x0, y(spread[1]), Math.max(1, x1 - x0), Math.max(1, y(spread[0]) - y(spread[1])));
    }
    ctx.globalAlpha = 1;
  }

  // A line in the severity's colour across the rows, and its sign above them, for the colour-blind.
  drawOnsets() {
    const ctx = this.ctx;
    ctx.font = 'bold 11px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    const rank = { info: 0, warning: 1, error: 2 };
    const worstLast = [...this.onsets].sort((a, b) => rank[a.finding.severity] - rank[b.finding.severity]);
    for (const onset of worstLast) {
      const x = this.x(onset.time_ns), severity = onset.finding.severity;
      ctx.fillStyle = DATA.colours[severity];
      ctx.fillRect(x - 1, STRIP_MARK_H - 2, 2, STRIP_SERIES.length * STRIP_ROW_H + 2);
      ctx.beginPath();
      ctx.arc(x, STRIP_MARK_H - 7, 6, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = '#ffffff';
      ctx.textAlign = 'center';
      ctx.fillText(ONSET_SIGN[severity], x, STRIP_MARK_H - 12);
      ctx.textAlign = 'left';
    }
  }

  drawTimeAxis(y) {
    const ctx = this.ctx, seconds = this.t1 / 1e9;
    const step = niceStep(seconds / Math.max(2, Math.floor(this.width / 110)));
    const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    ctx.fillStyle = INK;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    for (let s = 0; s <= seconds + step / 1e6; s += step) {
      const x = this.x(s * 1e9);
      ctx.fillRect(x, y, 1, 4);
      const label = `${s.toFixed(decimals)} s`;
      const w = ctx.measureText(label).width;
      ctx.fillText(label, Math.min(this.width - w - 2, Math.max(2, x - w / 2)), y + 5);
    }
  }
}

// 1, 2 or 5 times a power of ten, at least `rough`.
function niceStep(rough) {
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
}

function formatSeconds(timeNs) {
  return `${(timeNs / 1e9).toFixed(6)} s`;
}

// The chart in text: the rows `ljmm-inspect --timeline` prints.
function timelineTableHtml(recording) {
  const rows = recording.rows.map((r) => `<tr><td>${(r.time_ns / 1e9).toFixed(3)}</td>` + (r.known
    ? `<td>${r.map_count.toLocaleString('en')}</td><td>${formatSize(r.accessible_bytes)}</td>` +
      `<td>${formatSize(r.reserved_bytes)}</td><td>${formatSize(r.locked_bytes)}</td>`
    : `<td colspan="4">${r.exited ? '(exited)' : '(layout not known)'}</td>`) + '</tr>').join('');
  return `<details class="timeline-table"><summary>The timeline as a table, every ` +
    `${(recording.interval_ns / 1e9).toFixed(3)} s (as <code>ljmm-inspect --timeline</code> prints it)</summary>` +
    '<div class="table-box"><table class="host"><thead><tr><th scope="col">Time (s)</th><th scope="col">Mappings</th>' +
    '<th scope="col">Accessible</th><th scope="col">Reserved</th><th scope="col">Locked</th></tr></thead>' +
    `<tbody>${rows}</tbody></table></div></details>`;
}

// Where findings first appear, as buttons that show that frame: the marks on the strip in text.
function onsetListHtml(recording) {
  if (!recording.onsets.length) return '<p class="note">No warning or error appears in this recording.</p>';
  const items = recording.onsets.map((o, i) => `<li class="finding sev-${o.finding.severity}">` +
    `<button type="button" class="onset" data-onset="${i}" data-frame="${o.frame}" data-time="${o.time_ns}">` +
    `<span class="sev">${ONSET_SIGN[o.finding.severity]} ${o.finding.severity}</span> <b>${escapeHtml(o.finding.id)}</b> ` +
    `from ${formatSeconds(o.time_ns)}, after ${escapeHtml(o.after)}: ${escapeHtml(o.finding.summary)}</button></li>`);
  return `<h3>Where findings first appear (${recording.onsets.length})</h3><ol class="onset-list">${items.join('')}</ol>`;
}
