// util.js - DOM helpers, colours, the tooltip and names shared by the views.
'use strict';

/** Creates an element: el('td', {class: 'num', title: 't'}, child, 'text'). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'style') node.style.cssText = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Escapes text for markup built as a string (the SVG graph). */
function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);
}

/** A value as shown in tables: None for null. */
function show(value) {
  return value === null || value === undefined ? 'None' : String(value);
}

/** Shortens text to `max` characters with an ellipsis. */
function clip(text, max) {
  text = String(text);
  return text.length <= max ? text : text.slice(0, Math.max(1, max - 1)) + '\u2026';
}

/** A value in at most `chars` characters: numbers rounded to what fits
 * (0.33333334 -> .33, 6e-18 -> 0), booleans as T / F, other text clipped. */
function fitValue(value, chars) {
  const text = String(value);
  if (text.length <= chars) return text;
  if (text === 'True' || text === 'False') return text[0];
  const v = Number(text);
  if (text.trim() !== '' && Number.isFinite(v)) {
    const shorten = (s) => {
      if (s.includes('.') && !s.includes('e')) s = s.replace(/0+$/, '').replace(/\.$/, '');
      s = s.replace(/^(-?)0\./, '$1.');
      return s === '-0' ? '0' : s;
    };
    for (let d = Math.max(0, chars - 1); d >= 0; --d) {
      const fixed = shorten(v.toFixed(d));
      if (fixed.length <= chars) return fixed;
    }
    for (let digits = Math.min(chars, 6); digits >= 1; --digits) {
      const short = shorten(String(Number(v.toPrecision(digits))));
      if (short.length <= chars) return short;
    }
  }
  return clip(text, chars);
}

/** A decoded numerical value for a table: 6 significant digits, float32
 * noise below 1e-6 shown as 0 (the exact value is in the cell's title). */
function tableNumber(value) {
  if (value === null || value === undefined) return 'None';
  const v = Number(value);
  if (String(value).trim() === '' || !Number.isFinite(v)) return String(value);
  if (Math.abs(v) < 1e-6) return '0';
  return String(Number(v.toPrecision(6)));
}

function formatNumber(v) {
  if (v === null || v === undefined) return '\u2212\u221e';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

function formatCount(n) {
  return n === null || n === undefined ? '\u2013' : Number(n).toLocaleString('en-US');
}

/**
 * Colour of a heatmap entry: white at 0, deep blue at 1 and above, deep red
 * at -1 and below (a sequential ramp per sign, so 0 is always white).
 */
function heatColor(v) {
  if (!v) return '#ffffff';
  const t = Math.min(1, Math.abs(v));
  const [r0, g0, b0] = v > 0 ? [8, 48, 107] : [153, 27, 27];
  // A slightly curved ramp keeps small entries visible.
  const s = Math.pow(t, 0.7);
  const mix = (a) => Math.round(255 + (a - 255) * s);
  return `rgb(${mix(r0)},${mix(g0)},${mix(b0)})`;
}

/** A colour bar for a legend: -1 .. 0 .. 1. */
function colorBar() {
  const canvas = el('canvas', {class: 'colorbar', width: 120, height: 10});
  const ctx = canvas.getContext('2d');
  for (let x = 0; x < 120; ++x) {
    ctx.fillStyle = heatColor((x - 60) / 60);
    ctx.fillRect(x, 0, 1, 10);
  }
  return el('span', {}, '\u22121 ', canvas, ' 1');
}

/** The name of stage `s` (0: embedding, 1 + 2l: attention, 2 + 2l: MLP). */
function stageName(s, numStages) {
  if (s === null || s === undefined) return '\u2013';
  if (s === 0) return 'embedding';
  if (s >= numStages) return 'output';
  const layer = Math.floor((s - 1) / 2);
  return (s % 2 === 1 ? `L${layer} attention` : `L${layer} MLP`);
}

function stageKind(s) {
  if (s === 0) return 'embedding';
  return s % 2 === 1 ? 'attention' : 'mlp';
}

/** Label of block `b` (a head or an MLP). */
function blockName(block) {
  if (block.kind === 'head') return `L${block.layer} head ${block.head} (${block.name})`;
  if (block.kind === 'mlp') return `L${block.layer} MLP`;
  return 'embedding';
}

const Tooltip = {
  node: null,
  show(event, text) {
    if (!this.node) this.node = document.getElementById('tooltip');
    this.node.textContent = text;
    this.node.hidden = false;
    const pad = 14;
    let x = event.clientX + pad;
    let y = event.clientY + pad;
    const w = this.node.offsetWidth;
    const h = this.node.offsetHeight;
    if (x + w > window.innerWidth) x = event.clientX - w - pad;
    if (y + h > window.innerHeight) y = event.clientY - h - pad;
    this.node.style.left = `${Math.max(0, x)}px`;
    this.node.style.top = `${Math.max(0, y)}px`;
  },
  hide() {
    if (this.node) this.node.hidden = true;
  },
};

/** A canvas of css size w x h, sharp on high-density screens. */
function makeCanvas(w, h) {
  const ratio = Math.min(2, window.devicePixelRatio || 1);
  const canvas = el('canvas', {width: Math.max(1, Math.round(w * ratio)),
    height: Math.max(1, Math.round(h * ratio))});
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  return {canvas, ctx};
}
