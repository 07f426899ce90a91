// Sizes and addresses written as the text outputs write them, and text made safe for HTML.

const SIZE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

// "4 KiB", "1.5 MiB": binary units, one decimal rounded down and left out when zero (format_size).
function formatSize(bytes) {
  let unit = 0;
  let divisor = 1;
  while (bytes / divisor >= 1024 && unit < SIZE_UNITS.length - 1) {
    divisor *= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(bytes)} B`;
  const whole = Math.floor(bytes / divisor);
  const tenth = Math.floor(((bytes - whole * divisor) * 10) / divisor);
  return tenth === 0 ? `${whole} ${SIZE_UNITS[unit]}` : `${whole}.${tenth} ${SIZE_UNITS[unit]}`;
}

// Addresses above 2^53 do not fit a Number exactly: text goes through BigInt, positions are Numbers.
function hexOf(address) {
  return '0x' + BigInt(Math.max(0, Math.floor(address))).toString(16);
}

function hexAdd(hex, size) {
  return '0x' + (BigInt(hex) + BigInt(size)).toString(16);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// "r--p" in words, for screen readers and for people who do not read maps columns every day.
function permsInWords(perms) {
  const words = [];
  if (perms[0] === 'r') words.push('read');
  if (perms[1] === 'w') words.push('write');
  if (perms[2] === 'x') words.push('execute');
  if (words.length === 0) words.push('no access (reserved)');
  words.push(perms[3] === 's' ? 'shared' : 'private');
  return words.join(', ');
}

// A finding's metric as its unit says.
function formatMetric(value, unit) {
  if (unit === 'bytes') return formatSize(value);
  if (unit === 'percent') return `${value}%`;
  return String(value);
}
