import zlib from 'node:zlib';

// Hostile .xlsx files, built byte by byte: a zip archive says how large its parts are only by what
// it claims, so these claim what they like. Each is small on the wire (about 1 MB at most).

const MiB = 1024 * 1024;

/** A part stored as given (deflated here), or already deflated with the size and CRC it claims. */
export type ZipPart = { name: string; data: Buffer | string } | { name: string; deflated: Buffer; claimedSize: number; crc?: number };

/** A zip archive of these parts, each deflated (method 8), as Excel writes them. */
export function zipArchive(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const data = 'data' in part ? Buffer.from(part.data) : null;
    const deflated = data ? zlib.deflateRawSync(data) : (part as { deflated: Buffer }).deflated;
    const size = data ? data.length : (part as { claimedSize: number }).claimedSize;
    const crc = data ? zlib.crc32(data) : ((part as { crc?: number }).crc ?? 0);
    const header = (central: boolean) => {
      const h = Buffer.alloc(central ? 46 : 30);
      const at = central ? 2 : 0;
      h.writeUInt32LE(central ? 0x02014b50 : 0x04034b50, 0);
      if (central) h.writeUInt16LE(20, 4);
      h.writeUInt16LE(20, 4 + at);
      h.writeUInt16LE(8, 8 + at);
      h.writeUInt32LE(crc, 14 + at);
      h.writeUInt32LE(deflated.length, 18 + at);
      h.writeUInt32LE(size, 22 + at);
      h.writeUInt16LE(name.length, 26 + at);
      if (central) h.writeUInt32LE(offset, 42);
      return h;
    };
    locals.push(header(false), name, deflated);
    centrals.push(header(true), name);
    offset += 30 + name.length + deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A raw deflate stream that inflates to `bytes` copies of `byte` (a whole number of MiB): one
 * flushed MiB, repeated (each copy refers only to itself), then an empty final block.
 */
export function deflatedRun(byte: number, bytes: number, prefix = ''): Buffer {
  const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const mib = zlib.deflateRawSync(Buffer.alloc(MiB, byte), sync);
  const head = prefix ? [zlib.deflateRawSync(Buffer.from(prefix), sync)] : [];
  return Buffer.concat([...head, ...Array<Buffer>(Math.ceil(bytes / MiB)).fill(mib), Buffer.from([0x03, 0x00])]);
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A worksheet's XML: text cells as inline strings, numbers as numbers. */
export function sheetXml(rows: (string | number)[][]): string {
  const col = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : col(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26)));
  const cells = (row: (string | number)[], r: number) =>
    row
      .map((v, i) => (typeof v === 'number' ? `<c r="${col(i)}${r}"><v>${v}</v></c>` : `<c r="${col(i)}${r}" t="inlineStr"><is><t>${xmlText(v)}</t></is></c>`))
      .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${NS}"><sheetData>${rows
    .map((row, i) => `<row r="${i + 1}">${cells(row, i + 1)}</row>`)
    .join('')}</sheetData></worksheet>`;
}

/** The parts of a one-sheet workbook around this worksheet part. */
export function workbookParts(sheet: ZipPart | string): ZipPart[] {
  return [
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    },
    typeof sheet === 'string' ? { name: 'xl/worksheets/sheet1.xml', data: sheet } : sheet,
  ];
}

const GiB = 1024 * MiB;

/** The bombs an import must refuse, by what each does; `header` is a header row the route knows. */
export function xlsxBombs(header: string[]): { label: string; file: Buffer }[] {
  const fine = sheetXml([header]);
  return [
    {
      // The issue's 1 MB file: a picture of a gigabyte of zeros, its size claimed honestly.
      label: 'a 1 GiB picture',
      file: zipArchive([...workbookParts(fine), { name: 'xl/media/image1.png', deflated: deflatedRun(0, GiB), claimedSize: GiB }]),
    },
    {
      // The worksheet itself a gigabyte of spaces, claiming to be 64 kB.
      label: 'a worksheet of 1 GiB claiming 64 kB',
      file: zipArchive(
        workbookParts({
          name: 'xl/worksheets/sheet1.xml',
          deflated: deflatedRun(0x20, GiB, `<?xml version="1.0"?><worksheet xmlns="${NS}"><sheetData>`),
          claimedSize: 64 * 1024,
        }),
      ),
    },
    {
      label: '5,000 parts',
      file: zipArchive([...workbookParts(fine), ...Array.from({ length: 5000 }, (_, i) => ({ name: `xl/media/pad${i}.bin`, data: 'x' }))]),
    },
    { label: '640,000 rows in one sheet', file: manyRowsXlsx(header, 640_000) },
    {
      // Within the row limit, but 600,000 cells: exceljs took 1 GB and held the thread for seconds.
      label: '5,000 rows of 120 cells',
      file: zipArchive(workbookParts(sheetXml([header, ...Array.from({ length: 5000 }, () => Array<number>(120).fill(1))]))),
    },
  ];
}

/** A workbook of a header and `rows` one-cell rows: 640,000 of them pack into about 1 MB. */
export function manyRowsXlsx(header: string[], rows: number): Buffer {
  const head = sheetXml([header]).replace('</sheetData></worksheet>', '');
  const body = '<row><c><v>1</v></c></row>'.repeat(rows);
  return zipArchive(workbookParts(`${head}${body}</sheetData></worksheet>`));
}
