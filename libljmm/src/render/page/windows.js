// The low windows (below 2 GiB, MAP_32BIT's 1-2 GiB, below 4 GiB) each as a band to scale:
// what is mapped in the segment's colour, free gaps green, the largest outlined. The map draws the
// same bands on its compressed axis; a click here shows the window there.

function windowText(w) {
  return `[${w.start}, ${w.end}): ${formatSize(w.free_bytes)} free in ${w.gap_count} gap${w.gap_count === 1 ? '' : 's'}` +
    (w.largest_gap ? `, the largest ${formatSize(w.largest_gap)} at ${w.largest_gap_start}` : '');
}

// The windows of a layout as bands; show(layout) puts another's in, draw() draws them again
// (after a resize).
function windowPanel(box, onPick) {
  let layout = null;
  box.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-w]');
    if (button && layout) onPick(layout.raw.windows[Number(button.dataset.w)]);
  });
  const draw = () => box.querySelectorAll('canvas').forEach((canvas, i) => drawWindowBar(canvas, layout, layout.raw.windows[i]));
  return {
    draw,
    show: (next) => {
      layout = next;
      box.innerHTML = layout.raw.windows.map((w, i) => `<div class="window"><button type="button" data-w="${i}">` +
        `${escapeHtml(w.id)}</button> <span>${escapeHtml(windowText(w))}</span><canvas class="window-bar" role="img" ` +
        `aria-label="${escapeHtml(`${w.id}: ${windowText(w)}`)}"></canvas></div>`).join('');
      draw();
    },
  };
}

function drawWindowBar(canvas, layout, w) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(100, canvas.clientWidth), height = 18;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  const start = parseInt(w.start, 16), end = parseInt(w.end, 16);
  const x = (a) => ((Math.min(end, Math.max(start, a)) - start) / (end - start)) * width;
  ctx.fillStyle = '#d5d8dc';
  ctx.fillRect(0, 0, width, height);
  for (let i = Math.max(0, regionAt(layout, start)); i < layout.n && layout.start[i] < end; i++) {
    if (layout.end[i] <= start) continue;
    ctx.fillStyle = segmentInfo(layout.segment[i]).colour;
    ctx.fillRect(x(layout.start[i]), 0, Math.max(1, x(layout.end[i]) - x(layout.start[i])), height);
  }
  ctx.fillStyle = FREE_COLOUR;
  for (const gap of layout.gaps) {
    if (gap.end <= start || gap.start >= end) continue;
    ctx.fillRect(x(gap.start), 0, Math.max(1, x(gap.end) - x(gap.start)), height);
  }
  if (w.largest_gap) {
    const ls = parseInt(w.largest_gap_start, 16);
    ctx.strokeStyle = LARGEST_COLOUR;
    ctx.lineWidth = 3;
    ctx.strokeRect(x(ls) + 1.5, 1.5, Math.max(3, x(ls + w.largest_gap) - x(ls)) - 3, height - 3);
  }
}
