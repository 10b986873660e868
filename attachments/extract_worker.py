"""Text of one PDF, DOCX or XLSX file, for the search index: run as a child process.

``python -m attachments.extract_worker KIND MAX_CHARS MAX_PAGES`` reads the file from standard
input and writes one JSON object to standard output: ``{"status": "done", "text": ...}``,
``{"status": "encrypted"}`` or ``{"status": "broken", "error": ...}``. The parent
(``attachments.extraction``) sets its memory and CPU limits and a wall-clock timeout, so a
hostile or huge file can stall or exhaust only this process. Django is not loaded here.
"""

import io
import json
import sys


def pdf_text(data, max_chars, max_pages):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        return None
    parts, length = [], 0
    for page in reader.pages[:max_pages]:
        text = page.extract_text() or ""
        parts.append(text)
        length += len(text)
        if length >= max_chars:
            break
    return "\n".join(parts)


def docx_text(data, max_chars, max_pages):
    import docx

    document = docx.Document(io.BytesIO(data))
    parts, length = [], 0
    for paragraph in document.paragraphs:
        parts.append(paragraph.text)
        length += len(paragraph.text)
        if length >= max_chars:
            return "\n".join(parts)
    for table in document.tables:
        for row in table.rows:
            text = " ".join(cell.text for cell in row.cells)
            parts.append(text)
            length += len(text)
            if length >= max_chars:
                return "\n".join(parts)
    return "\n".join(parts)


def xlsx_text(data, max_chars, max_pages):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts, length = [], 0
    for sheet in workbook.worksheets[:max_pages]:
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            text = " ".join(str(value) for value in row if value is not None)
            if text:
                parts.append(text)
                length += len(text)
            if length >= max_chars:
                return "\n".join(parts)
    return "\n".join(parts)


EXTRACTORS = {"pdf": pdf_text, "docx": docx_text, "xlsx": xlsx_text}


def main(argv):
    kind, max_chars, max_pages = argv[1], int(argv[2]), int(argv[3])
    data = sys.stdin.buffer.read()
    try:
        text = EXTRACTORS[kind](data, max_chars, max_pages)
    except Exception as error:  # any parser failure: the file is broken for our purposes
        result = {"status": "broken", "error": f"{type(error).__name__}: {error}"[:300]}
    else:
        result = {"status": "encrypted"} if text is None else {"status": "done", "text": text[:max_chars]}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv)
