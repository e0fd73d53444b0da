"""``python -m lacoe_report.book.pdf``: build the single-page book and print it."""
from . import main

main()
