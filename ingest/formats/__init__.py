"""Readers per file format (text, html, docx, pdf, ocr, office) and what they share: the text builder
that renders paragraphs and tables into a RawDocument, and the reading of 责任分工表 tables."""
