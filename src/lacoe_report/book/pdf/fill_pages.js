(pages) => {
  for (const span of document.querySelectorAll('.pdf-toc-page')) {
    span.textContent = pages[span.dataset.target] ?? '';
  }
}
