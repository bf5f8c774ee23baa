"""Reports: report.json / report.md / report.html per activity, the digest, terminal text."""
