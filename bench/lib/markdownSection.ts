/** Markers around a generated section of BENCHMARKS.md; everything outside them is hand-written. */
export function sectionMarkers(name: string): { start: string; end: string } {
  return { start: `<!-- bench:${name}:start -->`, end: `<!-- bench:${name}:end -->` };
}

/**
 * Replace what lies between a benchmark's markers with `content`. A benchmark without a section
 * yet gets one appended under a `## title` heading, so a new benchmark needs no manual edit.
 */
export function replaceSection(markdown: string, name: string, title: string, content: string): string {
  const { start, end } = sectionMarkers(name);
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(end);
  if (from === -1 || to === -1 || to < from) {
    return `${markdown.trimEnd()}\n\n## ${title}\n\n${start}\n${content}\n${end}\n`;
  }
  return `${markdown.slice(0, from + start.length)}\n${content}\n${markdown.slice(to)}`;
}
