// An SVG bar chart of the throughput figures: subject and baseline side by side, medians as bars,
// min–max as whiskers. Hand-written SVG: no charting dependency for one picture.
const escapeXml = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export function throughputChart(results) {
  const width = 760;
  const barHeight = 18;
  const rowHeight = 2 * barHeight + 44;
  const left = 12;
  const plotLeft = 150;
  const plotWidth = width - plotLeft - 90;
  const height = 40 + results.length * rowHeight;
  const max = Math.max(1, ...results.flatMap((r) => [r.valueRange[1], r.baselineRange[1]]));
  const x = (value) => plotLeft + (value / max) * plotWidth;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">Throughput, MiB/s: median of interleaved repetitions, whiskers min–max</text>`,
  ];
  results.forEach((r, index) => {
    const top = 36 + index * rowHeight;
    parts.push(`<text x="${left}" y="${top + 10}" font-weight="bold">${escapeXml(r.figure.slice(0, 110))}</text>`);
    const bars = [
      { label: 'measured', median: r.value, range: r.valueRange, color: '#2f6fba' },
      { label: 'baseline', median: r.baseline, range: r.baselineRange, color: '#9a9a9a' },
    ];
    bars.forEach((bar, row) => {
      const y = top + 16 + row * (barHeight + 4);
      parts.push(`<text x="${left}" y="${y + 13}">${bar.label}</text>`);
      parts.push(
        `<rect x="${plotLeft}" y="${y}" width="${Math.max(1, x(bar.median) - plotLeft).toFixed(1)}" height="${barHeight}" fill="${bar.color}"/>`,
      );
      parts.push(
        `<line x1="${x(bar.range[0]).toFixed(1)}" x2="${x(bar.range[1]).toFixed(1)}" y1="${y + barHeight / 2}" y2="${y + barHeight / 2}" stroke="black"/>`,
      );
      parts.push(`<text x="${(x(bar.range[1]) + 6).toFixed(1)}" y="${y + 13}">${bar.median.toFixed(0)}</text>`);
    });
    parts.push(`<text x="${width - 80}" y="${top + 10}">${r.ratio.toFixed(2)}× ${r.met === null ? '' : r.met ? '✓' : '✗'}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
