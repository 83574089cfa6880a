/** Options for {@link buildPdfDocument}. */
export interface PdfDocumentOptions {
  /** Text of each page (ASCII; parentheses and backslashes are escaped). */
  pages: string[];
  /** Document information dictionary entries. */
  title?: string;
  author?: string;
  subject?: string;
  /** PDF date string, e.g. `D:20240102030405Z`. */
  creationDate?: string;
}

function pdfString(text: string): string {
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/**
 * A minimal but valid PDF 1.4 (standard Helvetica font, one text line per page, correct xref
 * offsets) built in code, so tests need no binary fixture files.
 */
export function buildPdfDocument(options: PdfDocumentOptions): Buffer {
  const objects: string[] = [];
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  const kids = options.pages.map((_, i) => `${4 + i * 2} 0 R`).join(' ');
  objects[2] = `<< /Type /Pages /Kids [${kids}] /Count ${options.pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  options.pages.forEach((text, i) => {
    const content = `BT /F1 18 Tf 72 720 Td ${pdfString(text)} Tj ET`;
    objects[4 + i * 2] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${5 + i * 2} 0 R ` +
      `/Resources << /Font << /F1 3 0 R >> >> >>`;
    objects[5 + i * 2] =
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
  });
  const info: string[] = [];
  if (options.title) info.push(`/Title ${pdfString(options.title)}`);
  if (options.author) info.push(`/Author ${pdfString(options.author)}`);
  if (options.subject) info.push(`/Subject ${pdfString(options.subject)}`);
  if (options.creationDate) info.push(`/CreationDate ${pdfString(options.creationDate)}`);
  const infoId = objects.length;
  objects[infoId] = `<< ${info.join(' ')} >>`;

  let out = '%PDF-1.4\n%\xE2\xE3\xCF\xD3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id += 1) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xrefOffset = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id += 1) {
    out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  }
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info ${infoId} 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Bytes that start like a PDF but have no valid structure: pdf.js must reject them. */
export function buildMalformedPdf(): Buffer {
  return Buffer.from(
    '%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\nstream\n\x00\x01garbage\n%%EOF\n',
    'latin1',
  );
}
