"""Reports: report.json / report.md / report.html per activity, the digest, terminal text.

- :func:`pipeline.report.writer.write_reports` (``analysis, out_dir -> ReportPaths``)
- :func:`pipeline.report.render.render_html` / :func:`~pipeline.report.render.render_markdown` (strings)
- :mod:`pipeline.report.digest`: daily/weekly digest and the ``sweatline history`` table
- :mod:`pipeline.report.text`: terminal output of ``sweatline ride`` and ``sweatline plan``
"""
