// The recording page: one process's layout at a frame, the player (a slider, a play button, the
// timeline) under the map, and the events below. Every frame's layout is the library's (frames.js
// only puts its changes together), so the page shows what `ljmm-inspect --recording FILE --pid P
// --at T` shows at each frame's time.

const PLAY_SECONDS = 12;  // a play of every frame takes about this long
const PAGE_FRAMES = 10;   // Page Up and Page Down step this many frames

function recordingNote(rec) {
  const frames = rec.frames.length.toLocaleString('en');
  const what = rec.sampled
    ? `<strong>Frames sampled:</strong> ${frames} frames of the ${rec.changes.toLocaleString('en')} instants where the ` +
      'layout changed, evenly spread; every instant where a finding first appears is kept.'
    : `${frames} frame${rec.frames.length === 1 ? '' : 's'}: one per instant the layout changed.`;
  const command = rec.command.length ? ` Command: <code>${escapeHtml(rec.command.join(' '))}</code>.` : '';
  const cut = rec.cut_off ? ' The recording was cut off: it has no end line.' : '';
  return `Pid ${rec.pid} (${escapeHtml(rec.comm)}). ${what}${command}${cut}`;
}

function playerHtml(rec) {
  const last = rec.frames.length - 1;
  return `<section class="player" aria-label="Replay">
  <div class="player-controls">
    <button type="button" class="play" aria-pressed="false">▶ Play</button>
    <label class="slider-label">Frame <input type="range" class="frame-slider" min="0" max="${last}" step="1"
      value="${rec.start}" aria-describedby="frame-text"></label>
  </div>
  <p class="frame-text" id="frame-text" aria-live="polite"></p>
  <canvas class="timeline" role="img" aria-label="Map count, accessible and reserved bytes over time; the table below
    says the same"></canvas>
  <p class="note">Keys on the slider: ← → one frame, Page Up / Page Down ${PAGE_FRAMES}, Home / End the first and the last,
  Space play or pause. A click on the timeline shows the frame at that time; a line with a sign marks where a finding
  first appears (${Object.entries(ONSET_SIGN).map(([s, sign]) => `${sign} ${s}`).join(', ')}).${rec.sampled
    ? ' A darker band spans the least to the most of a count over the instants a sampled frame stands for.' : ''}</p>
  ${onsetListHtml(rec)}
  ${timelineTableHtml(rec)}
</section>`;
}

// "after mmap(NULL, 1 MiB, ...) = 0x7f.. by nginx 12/13", or how the frame's layout was read.
function frameCause(rec, f) {
  if (f.event === null) return 'its layout as read from the kernel';
  const e = rec.events.rows[f.event];
  return `after ${rec.events.calls[e[E_CALL]]}(${e[E_ARGS]}) = ${e[E_RESULT]} by ${rec.events.comms[e[E_COMM]]} ` +
    `${e[E_PID]}/${e[E_TID]}`;
}

function frameText(rec, i) {
  const f = rec.frames[i];
  return `Frame ${(i + 1).toLocaleString('en')} of ${rec.frames.length.toLocaleString('en')} at ${formatSeconds(f.time_ns)}, ` +
    `${frameCause(rec, f)}: ${f.counts[0].toLocaleString('en')} mappings, ${formatSize(f.counts[1])} accessible, ` +
    `${formatSize(f.counts[2])} reserved.`;
}

function recordingPage(app) {
  const rec = DATA.recording, store = new FrameStore(rec);
  let frame = rec.start, layout = store.layout(frame);
  app.innerHTML = `<header class="top"><h1>${escapeHtml(DATA.title)}</h1><p class="note">${recordingNote(rec)}</p>` +
    `<pre class="facts"></pre></header><main class="layout-view"></main>${eventListHtml(rec.events)}`;
  const facts = app.querySelector('.facts');
  const view = mountLayoutView(app.querySelector('main'), {
    axis: new Axis([store.everyRegion()]), tracks: [{ layout, label: '' }], windows: true, legend: legendHtml(layout),
    findingsLayout: layout, findingsTitle: 'Findings at this frame, worst first', belowMap: playerHtml(rec),
    lists: [{ layout, track: 0, title: regionCount(layout) }],
  });
  const slider = app.querySelector('.frame-slider'), text = app.querySelector('.frame-text');
  const strip = new TimelineStrip(app.querySelector('canvas.timeline'), rec, (time) => show(store.frameAt(time)));
  const events = eventList(app.querySelector('.events-box'), rec.events, (i) => show(store.frameAt(rec.events.rows[i][E_TIME])));
  let pending = null;
  // The map, the slider and the timeline follow at once; the lists once the browser is free.
  const show = (i) => {
    frame = Math.max(0, Math.min(rec.frames.length - 1, i));
    slider.value = frame;
    slider.setAttribute('aria-valuetext', `frame ${frame + 1} at ${formatSeconds(rec.frames[frame].time_ns)}`);
    text.textContent = frameText(rec, frame);
    strip.draw(frame);
    layout = store.layout(frame);
    facts.textContent = layout.raw.header.slice(1).join('\n');
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      pending = null;
      view.show(layout);
      events.mark(rec.frames[frame].event === null ? -1 : rec.frames[frame].event);
    });
  };
  const player = playButton(app.querySelector('button.play'), text, () => frame, show, rec.frames.length);
  slider.addEventListener('input', () => show(Number(slider.value)));
  slider.addEventListener('keydown', (event) => {
    const last = rec.frames.length - 1;
    const to = { ArrowLeft: frame - 1, ArrowDown: frame - 1, ArrowRight: frame + 1, ArrowUp: frame + 1,
      PageDown: frame - PAGE_FRAMES, PageUp: frame + PAGE_FRAMES, Home: 0, End: last }[event.key];
    if (to !== undefined) show(to);
    else if (event.key === ' ') player.toggle();
    else return;
    event.preventDefault();
  });
  app.querySelector('.onset-list')?.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-frame]');
    if (button) show(Number(button.dataset.frame));
  });
  show(frame);
  return {
    map: view.map, resize: () => { view.resize(); strip.resize(); }, busy: () => pending !== null,
    api: { frame: () => frame, frames: () => rec.frames.length, show, seek: (timeNs) => { show(store.frameAt(timeNs)); return frame; } },
  };
}

// Play and pause: a frame at a time, the whole recording in about PLAY_SECONDS. While it plays,
// the frame's text is not read out at every step.
function playButton(button, text, frameNow, show, frames) {
  const stepMs = Math.max(30, Math.min(400, (PLAY_SECONDS * 1000) / frames));
  const stride = Math.max(1, Math.round((frames * stepMs) / (PLAY_SECONDS * 1000)));
  let timer = null;
  const stop = () => {
    clearTimeout(timer);
    timer = null;
    button.textContent = '▶ Play';
    button.setAttribute('aria-pressed', 'false');
    text.setAttribute('aria-live', 'polite');
  };
  const tick = () => {
    show(frameNow() + stride);
    if (frameNow() >= frames - 1) stop(); else timer = setTimeout(tick, stepMs);
  };
  const toggle = () => {
    if (timer) { stop(); return; }
    if (frameNow() >= frames - 1) show(0);
    button.textContent = '⏸ Pause';
    button.setAttribute('aria-pressed', 'true');
    text.setAttribute('aria-live', 'off');
    timer = setTimeout(tick, stepMs);
  };
  button.addEventListener('click', toggle);
  return { toggle };
}
