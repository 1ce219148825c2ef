// heatmap.js - a labelled matrix heatmap on a canvas (attention patterns,
// MLP activations). Cells are drawn, not made DOM elements, so a 65 x 65
// pattern or thousands of hidden units cost one element.
'use strict';

const LABEL_FONT = '10px ui-monospace, "DejaVu Sans Mono", monospace';

function measureLabels(labels, max) {
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = LABEL_FONT;
  let width = 0;
  for (const label of labels) width = Math.max(width, ctx.measureText(clip(label, 14)).width);
  return Math.min(max, Math.ceil(width) + 6);
}

/**
 * options: rows, cols, cellW, cellH, rowLabels, colLabels, value(r, c),
 * tip(r, c) -> text, mark(r, c) -> bool (a dot in the cell), boldRow(r),
 * boldCol(c) (BOS labels), className.
 */
function matrixHeatmap(options) {
  const {rows, cols, cellW, cellH} = options;
  const left = options.rowLabels ? measureLabels(options.rowLabels, 90) : 0;
  const top = options.colLabels ? measureLabels(options.colLabels, 64) : 0;
  const width = left + cols * cellW + 1;
  const height = top + rows * cellH + 1;
  const {canvas, ctx} = makeCanvas(width, height);
  canvas.className = options.className || '';

  for (let r = 0; r < rows; ++r) {
    for (let c = 0; c < cols; ++c) {
      const v = options.value(r, c);
      if (!v) continue;
      ctx.fillStyle = heatColor(v);
      ctx.fillRect(left + c * cellW, top + r * cellH, cellW, cellH);
    }
  }
  if (options.mark) {
    ctx.fillStyle = '#ea580c';
    const radius = Math.max(1.2, Math.min(cellW, cellH) / 6);
    for (let r = 0; r < rows; ++r) {
      for (let c = 0; c < cols; ++c) {
        if (!options.mark(r, c)) continue;
        ctx.beginPath();
        ctx.arc(left + (c + 0.5) * cellW, top + (r + 0.5) * cellH, radius, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
  // Grid lines only where cells are large enough to separate.
  ctx.strokeStyle = '#e4e7ec';
  ctx.lineWidth = 1;
  if (cellW >= 6 && cellH >= 6) {
    ctx.beginPath();
    for (let r = 0; r <= rows; ++r) {
      ctx.moveTo(left, top + r * cellH + 0.5);
      ctx.lineTo(left + cols * cellW, top + r * cellH + 0.5);
    }
    for (let c = 0; c <= cols; ++c) {
      ctx.moveTo(left + c * cellW + 0.5, top);
      ctx.lineTo(left + c * cellW + 0.5, top + rows * cellH);
    }
    ctx.stroke();
  }
  ctx.strokeStyle = '#98a2b3';
  ctx.strokeRect(left + 0.5, top + 0.5, cols * cellW, rows * cellH);

  ctx.font = LABEL_FONT;
  ctx.textBaseline = 'middle';
  if (options.rowLabels) {
    const every = Math.ceil(10 / cellH);
    ctx.textAlign = 'right';
    for (let r = 0; r < rows; r += every) {
      ctx.fillStyle = options.boldRow && options.boldRow(r) ? '#98a2b3' : '#344054';
      ctx.fillText(clip(options.rowLabels[r], 14), left - 4, top + (r + 0.5) * cellH);
    }
  }
  if (options.colLabels) {
    const every = Math.ceil(10 / cellW);
    ctx.textAlign = 'left';
    for (let c = 0; c < cols; c += every) {
      ctx.save();
      ctx.translate(left + (c + 0.5) * cellW, top - 4);
      ctx.rotate(-Math.PI / 2);
      ctx.fillStyle = options.boldCol && options.boldCol(c) ? '#98a2b3' : '#344054';
      ctx.fillText(clip(options.colLabels[c], 14), 0, 0);
      ctx.restore();
    }
  }

  canvas.addEventListener('mousemove', (event) => {
    const c = Math.floor((event.offsetX - left) / cellW);
    const r = Math.floor((event.offsetY - top) / cellH);
    if (r < 0 || c < 0 || r >= rows || c >= cols) {
      Tooltip.hide();
      return;
    }
    Tooltip.show(event, options.tip(r, c));
  });
  canvas.addEventListener('mouseleave', () => Tooltip.hide());
  return canvas;
}

/** A cell size that keeps a matrix of `count` cells within `budget` px. */
function cellSize(count, budget, min, max) {
  return Math.max(min, Math.min(max, Math.floor(budget / Math.max(1, count))));
}
