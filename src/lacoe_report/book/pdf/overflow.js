() => {
  const limit = document.documentElement.clientWidth + 1;
  if (document.documentElement.scrollWidth <= limit) return [];
  const wide = [...document.querySelectorAll('.pdf-book *')].filter((node) => {
    const box = node.getBoundingClientRect();
    return box.width > 0 && box.left + Math.max(box.width, node.scrollWidth) > limit;
  });
  const innermost = wide.filter((node) => !wide.some((other) => other !== node && node.contains(other)));
  return innermost.slice(0, 10).map((node) => {
    const section = node.closest('section.pdf-chapter');
    const heading = section && section.querySelector('h1, h2, h3');
    const where = heading ? heading.textContent.replace('#', '').trim() : '';
    const text = node.textContent.replace(/\s+/g, ' ').trim().slice(0, 60);
    return `<${node.tagName.toLowerCase()}> in "${where}": ${text}`;
  });
}
