"""Writers: the tidy result rendered as a terminal table, Markdown, CSV, JSON, HTML or a spreadsheet."""
